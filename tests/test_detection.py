"""Finding personal details people really type: each kind, and a labelled set measured.

The labelled set (tests/data/detection_sentences.jsonl) holds sentences such as teams
type in stories, notes and titles, each with the details a person would take out. The
figures measured on it are written in docs/privacy.md; a test here checks they are
current, so the page cannot go stale.
"""

from __future__ import annotations

import dataclasses
import json
import math
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from hls_workbook.privacy.detect import KINDS, REMOVED, Detail, Redactor, find_details, redact

ROOT = Path(__file__).resolve().parents[1]
SENTENCES = ROOT / "tests" / "data" / "detection_sentences.jsonl"
DOC = ROOT / "docs" / "privacy.md"
STRUCTURED = ("email", "phone", "postcode", "ni_number", "nhs_number", "date_of_birth",
              "address", "handle")


def found(text: str, names=(), keep=()) -> list[tuple[str, str]]:
    return [(d.kind, d.text) for d in find_details(text, names, keep)]


def assert_finds(text: str, kind: str, detail: str) -> None:
    assert (kind, detail) in found(text), found(text)
    assert detail not in redact(text)


# ---------------------------------------------------------------------------
# Each kind
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("email", [
    "jane.smith@example.org", "Farah.Begum@Gmail.com", "jane dot smith at gmail dot com",
    "jane [at] example [dot] org", "jane (at) example (dot) org", "jane at example.org",
    "JANE AT EXAMPLE DOT CO DOT UK", "sam underscore lee at outlook dot com",
    "p.okoro (at) leeds (dot) ac (dot) uk",
])
def test_emails_plain_and_written_out(email):
    assert_finds(f"Her email is {email} if you need it.", "email", email)


@pytest.mark.parametrize("text", [
    "We met at home.", "Find us at www.example.org for the timetable.",
    "Look at example.org first.", "The café at the park is open.",
])
def test_sentences_with_at_are_not_emails(text):
    assert "email" not in {k for k, _ in found(text)}


@pytest.mark.parametrize("phone", [
    "07700 900123", "07700900123", "07 700 900 123", "07700-900-123", "(0161) 496 0000",
    "0044 161 496 0000", "+44 7700 900 123", "+44 (0)20 7946 0958", "+1 (555) 123-4567",
    "+234 803 123 4567", "+91 98765 43210", "+48 512 345 678", "0800 123 4567",
])
def test_phone_numbers(phone):
    assert_finds(f"Call the family on {phone} after school.", "phone", phone)


def test_phone_cue_catches_odd_layouts():
    assert_finds("tel: 496 0000 1", "phone", "496 0000 1")


@pytest.mark.parametrize("kept", [
    "2026-03-01", "01/03/2026", "14.05.2026", "1 March 2026", "£12,000", "£1,250,000",
    "2019-2020", "1,024", "100 000", "ref 12345678", "12345678901", "10:30 to 15:00",
    "from 2019 to 2024", "GR-2026-0042",
])
def test_dates_money_and_years_are_not_phones(kept):
    text = f"We noted {kept} in the log."
    assert redact(text) == text


@pytest.mark.parametrize("postcode", [
    "SW1A 1AA", "sw1a 1aa", "SW1A1AA", "M1 1AE", "m11ae", "B33 8TH", "b33 8th", "EC1A 1BB",
    "cf24 3aa", "NW10 4BJ",
])
def test_postcodes_any_case_with_or_without_space(postcode):
    assert_finds(f"She moved to {postcode} last month.", "postcode", postcode)


def test_an_ordinal_floor_is_no_postcode():
    assert redact("The room is on flat b2 3rd floor.") == "The room is on flat b2 3rd floor."


@pytest.mark.parametrize("ni", [
    "QQ 12 34 56 C", "QQ123456C", "qq 12 34 56 c", "qq123456c", "AB 123456 D",
    "ab-12-34-56-d", "QQ 123 456 C",
])
def test_national_insurance_numbers_any_case_and_spacing(ni):
    assert_finds(f"Her NI number is {ni} on the form.", "ni_number", ni)


@pytest.mark.parametrize("nhs", ["943 476 5919", "943-476-5919", "9434765919", "4010232137"])
def test_nhs_numbers(nhs):
    assert_finds(f"NHS number {nhs} is on the letter.", "nhs_number", nhs)


def test_ten_digits_with_a_wrong_check_digit_are_no_nhs_number():
    assert redact("Order 9434765918 arrived.") == "Order 9434765918 arrived."


@pytest.mark.parametrize(("text", "date"), [
    ("She was born 3 March 1961 in Leeds.", "3 March 1961"),
    ("DOB 03/03/1961, referred by her GP.", "03/03/1961"),
    ("Client d.o.b. 14.07.1985, first visit.", "14.07.1985"),
    ("D.O.B: 2/4/59", "2/4/59"),
    ("Date of birth: 22 September 1990.", "22 September 1990"),
    ("date of birth 1985-07-14", "1985-07-14"),
    ("Her birthday is 5th May, so bring a cake.", "5th May"),
    ("Aged 34, born 1990 in Kingston.", "1990"),
    ("He was born in Sylhet in 1949.", "1949"),
    ("born on the 3rd of June 1947", "3rd of June 1947"),
    ("Born Jan 1972, lived here for forty years.", "Jan 1972"),
    ("Date of birth March 3, 1961 was wrong.", "March 3, 1961"),
])
def test_dates_of_birth_need_a_cue(text, date):
    assert_finds(text, "date_of_birth", date)


@pytest.mark.parametrize("text", [
    "The meeting on 3 March 2026 agreed the plan.",
    "Sessions ran on 14/05/2026 and 21/05/2026.",
    "Born and raised in the area, most volunteers know everyone.",
    "She was born here and came back in 2015.",
    "Birthday parties are not allowed in the hall on Sundays.",
])
def test_other_dates_stay(text):
    assert redact(text) == text


@pytest.mark.parametrize("address", [
    "12 Acacia Avenue", "flat 3, 41 Mill Lane", "Flat 2B Rose Court", "14a high street",
    "No. 7 Church Row", "12-14 Station Road", "7b Priory Road", "56 Orchard Way",
    "Flat 4, 19 Canal Walk", "apartment 12, 3 Victoria Square", "2 St John's Terrace",
    "22 LINDEN CRESCENT", "9 tulip close".upper(),
])
def test_street_addresses(address):
    assert_finds(f"She now lives at {address}, near the shops.", "address", address)


@pytest.mark.parametrize("text", [
    "12 people walk to the park together every Friday.",
    "We ran 3 Community Walks in March.",
    "The 3 of us walk to the green after lunch.",
    "Room 12 is booked until 2pm.",
    "After 5 minutes the view changed.",
])
def test_numbers_before_street_words_are_not_always_addresses(text):
    assert redact(text) == text


@pytest.mark.parametrize(("text", "names"), [
    ("Kwame came back on Tuesday.", ["Kwame"]),
    ("Priya Raman said the timetable suits her.", ["Priya Raman"]),
    ("We met Siobhan O'Connell at the drop-in.", ["Siobhan O'Connell"]),
    ("Agnieszka translated for the family.", ["Agnieszka"]),
    ("Lukasz and Łukasz both came.", ["Lukasz", "Łukasz"]),
    ("Mrs Adeyemi told us about the lift.", ["Adeyemi"]),
    ("mr smith rang again.", ["smith"]),
    ("Auntie Bisi cooked jollof.", ["Bisi"]),
    ("Fatima's daughter started nursery.", ["Fatima"]),
    ("Olena arrived from Kharkiv in 2022.", ["Olena"]),
    ("Our volunteer Zanele Dube set up the swap.", ["Zanele Dube"]),
    ("Then Babajide said he would help.", ["Babajide"]),
    ("Kwame and Tunde ran the session.", ["Kwame", "Tunde"]),
    ("We spoke to Dawn about the arrears.", ["Dawn"]),
    ("Hope Okafor and Will Jones came.", ["Hope Okafor", "Will Jones"]),
    ("A woman called Adwoa asked for help.", ["Adwoa"]),
    ("GRACE MENSAH signed the form.", ["GRACE MENSAH"]),
    ("Anna van der Berg chaired.", ["Anna van der Berg"]),
])
def test_names_typed_in_text_whether_or_not_on_record(text, names):
    out = redact(text)
    for name in names:
        assert name not in out, (name, out)
        assert ("name", name) in found(text)


def test_a_title_stays_and_the_possessive_too():
    assert redact("Mrs Adeyemi's son came.") == f"Mrs {REMOVED}'s son came."


@pytest.mark.parametrize("text", [
    "The lunch club at Victoria Park had 23 people.",
    "We met at Florence Road community hall.",
    "St Mungo's and St Helens both sent people.",
    "Grace Church let us use their kitchen.",
    "Jordan Library now hosts the drop-in.",
    "The Lewis Centre is closed for repairs.",
    "We used Jordan Well car park for the minibus.",
    "Age UK and Citizens Advice joined the forum.",
    "Sue Ryder and Marie Curie shared resources.",
    "Mind, Shelter and Barnardo's came to the round table.",
    "Monday's session was quiet.",
    "Housing officers said the list is long.",
    "Council funding ends in March.",
    "Will the new rota work?",
    "May half-term is our busiest fortnight.",
    "Hope is what people said they felt.",
    "Mark the date: the summer fair is on 20 June.",
    "Most people walked from Chelsea.",
    "The pilot ran in Preston and Blackburn.",
    "The Kingston branch will copy our approach.",
    "Volunteers said the training helped.",
    "Staff felt stretched this winter.",
    "Christian Aid week raised more than expected.",
    "Florence Nightingale House is where carers meet.",
    "Ramadan timings moved the evening session.",
])
def test_places_organisations_and_everyday_words_are_not_names(text):
    assert redact(text) == text, found(text)


def test_handles():
    assert found("Follow @mill_lane_mums for updates.") == [("handle", "@mill_lane_mums")]


def test_find_details_labels_each_kind_in_order():
    text = ("Kwame (kwame@example.org, 07700 900123) lives at 12 Acacia Avenue, LS6 2AB; "
            "NI QQ123456C, NHS 943 476 5919, DOB 03/03/1961, @kwame_m. Zeb came too.")
    details = find_details(text, names=["Zeb Quartermaine"])
    assert [d.kind for d in details] == [
        "name", "email", "phone", "address", "postcode", "ni_number", "nhs_number",
        "date_of_birth", "handle", "name_on_record",
    ]
    assert all(text[d.start:d.end] == d.text for d in details)
    assert {d.kind for d in details} <= set(KINDS)
    with pytest.raises(dataclasses.FrozenInstanceError):
        details[0].kind = "email"  # type: ignore[misc]
    assert isinstance(details[0], Detail)


def test_overlapping_finds_become_one_detail_of_the_strongest_kind():
    details = find_details("Write to jane.smith@example.org now.", names=["jane.smith"])
    assert [(d.kind, d.text) for d in details] == [("email", "jane.smith@example.org")]


def test_redactor_spans_and_redact_use_the_same_finds():
    r = Redactor(["Priya Raman"])
    text = "Priya rang Kwame on 07700 900123."
    spans = r.spans(text)
    assert spans == [(d.start, d.end) for d in r.details(text)]
    assert r.redact(text) == f"{REMOVED} rang {REMOVED} on {REMOVED}."


def test_keep_lets_a_consented_name_stay_in_free_text_too():
    text = "I'm Margaret Okafor and Kwame helped me."
    assert redact(text, keep=["Margaret Okafor"]) == f"I'm Margaret Okafor and {REMOVED} helped me."
    assert found(text, keep=["Margaret"])[0] == ("name", "Margaret Okafor")


def test_missing_and_empty_text():
    assert find_details("") == []
    assert find_details(None) == []  # type: ignore[arg-type]
    assert redact(None) is None  # type: ignore[arg-type]


def test_lexicon_and_phone_library_load_only_when_text_is_searched():
    code = ("import sys, hls_workbook, hls_workbook.privacy\n"
            "print('faker' in sys.modules, 'phonenumbers' in sys.modules)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.split()
    assert out == ["False", "False"]


def test_the_name_lexicon_is_built_offline():
    code = (
        "import socket\n"
        "def refuse(*a, **k):\n"
        "    raise OSError('no network here')\n"
        "socket.socket.connect = refuse\n"
        "socket.create_connection = refuse\n"
        "socket.getaddrinfo = refuse\n"
        "from hls_workbook.privacy.names import lexicon\n"
        "given, surnames = lexicon()\n"
        "assert len(given) > 5000 and len(surnames) > 5000, (len(given), len(surnames))\n"
        "assert {'kwame', 'agnieszka', 'olena', 'siobhan', 'priya'} <= given\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


# ---------------------------------------------------------------------------
# The labelled set, measured
# ---------------------------------------------------------------------------


def _rows() -> list[dict]:
    return [json.loads(line) for line in SENTENCES.read_text(encoding="utf-8").splitlines()
            if line.strip()]


def _labelled_spans(row: dict) -> list[tuple[int, int, str]]:
    """Each labelled detail's place in the sentence (labels are in reading order)."""
    spans, cursor = [], 0
    for detail in row["details"]:
        start = row["text"].find(detail["text"], cursor)
        assert start >= 0, (detail, row["text"])
        spans.append((start, start + len(detail["text"]), detail["kind"]))
        cursor = start + len(detail["text"])
    return spans


def measure() -> dict[str, tuple[int, int]]:
    """(count, out of) for each line of the table in docs/privacy.md."""
    labelled: Counter[str] = Counter()
    removed: Counter[str] = Counter()
    clean = touched = spans_total = stray = 0
    redactor = Redactor()
    for row in _rows():
        text = row["text"]
        spans = redactor.spans(text)
        pieces, last = [], 0
        for start, end in spans:  # what redact() does with these spans
            pieces += [text[last:start], REMOVED]
            last = end
        assert "".join(pieces) + text[last:] == redact(text)
        gone = [False] * len(text)
        for start, end in spans:
            gone[start:end] = [True] * (end - start)
        truth = _labelled_spans(row)
        for start, end, kind in truth:
            labelled[kind] += 1
            removed[kind] += all(gone[start:end])
        if not truth:
            clean += 1
            touched += bool(spans)
        spans_total += len(spans)
        stray += sum(not any(s < e2 and s2 < e for s2, e2, _ in truth) for s, e in spans)
    figures = {f"recall: {kind}": (removed[kind], labelled[kind]) for kind in sorted(labelled)}
    figures["recall: structured kinds"] = (
        sum(removed[k] for k in STRUCTURED), sum(labelled[k] for k in STRUCTURED))
    figures["recall: all kinds"] = (sum(removed.values()), sum(labelled.values()))
    figures["false positives: sentences without details touched"] = (touched, clean)
    figures["false positives: removed spans on no labelled detail"] = (stray, spans_total)
    return figures


@pytest.fixture(scope="module")
def measured() -> dict[str, tuple[int, int]]:
    return measure()


def test_labelled_set_is_big_and_varied_enough():
    rows = _rows()
    kinds = Counter(d["kind"] for row in rows for d in row["details"])
    assert len(rows) >= 200
    assert sum(not row["details"] for row in rows) >= 80
    assert set(kinds) == set(KINDS) - {"name_on_record"}
    assert all(kinds[k] >= 3 for k in kinds), kinds


def _floor(x: float) -> float:
    return math.floor(x * 100) / 100


def test_recall_and_false_positives_meet_their_floors(measured):
    share = {k: c / n for k, (c, n) in measured.items()}
    for kind in STRUCTURED:
        assert share[f"recall: {kind}"] >= 0.95, (kind, measured[f"recall: {kind}"])
    assert share["recall: name"] >= 0.96
    assert share["recall: structured kinds"] >= 0.99
    assert share["recall: all kinds"] >= 0.98
    assert share["false positives: sentences without details touched"] <= 0.01
    assert share["false positives: removed spans on no labelled detail"] <= 0.01


_ROW = re.compile(r"^\|\s*([a-z_: ]+?)\s*\|\s*(\d+)\s*\|\s*(\d+)\s*\|\s*([\d.]+)\s*\|\s*$")


def test_docs_show_the_figures_measured_now(measured):
    section = DOC.read_text(encoding="utf-8").split("## How detection was measured", 1)[1]
    written = {}
    for line in section.splitlines():
        m = _ROW.match(line)
        if m:
            written[m.group(1)] = (int(m.group(2)), int(m.group(3)), m.group(4))
    expected = {k: (c, n, f"{_floor(c / n):.2f}") for k, (c, n) in measured.items()}
    assert written == expected, "update the table in docs/privacy.md"

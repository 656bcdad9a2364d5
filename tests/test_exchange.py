"""Export and import: exact round trips, all-or-nothing imports, refused files, safe cells."""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import json
import tempfile
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from hls_workbook import RECORD_KINDS, open_workbook
from hls_workbook.domain.model import RecordError, clean_text
from hls_workbook.io import exchange as ex
from hls_workbook.io.exchange import (
    ExportError,
    ImportFileError,
    ImportRowsError,
    export,
    import_path,
    neutralise,
    unneutralise,
)
from hls_workbook.privacy.clearance import fingerprint
from hls_workbook.store.workbook import TABLES

FORMATS = ("csv", "xlsx", "json")

# Text that spreadsheets, CSV readers and XML like to mangle.
TRICKY = [
    "=1+1",
    "=cmd|' /C calc'!A0",
    '=HYPERLINK("http://example.com","click me")',
    "+44 1632 960000",
    "-5 degrees outside",
    "@Jo said hello",
    "'=already quoted",
    "''+two quotes",
    'A, B and "C"; then D',
    "line one\nline two",
    "windows\r\nline and a lone\rreturn",
    "£50 for the café, naïve ✓ 😀",
    "_x000D_ and _x0041_ literally",
    "[not a list]",
    "{not json}",
    "tab\tinside",
]


# ---------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------


def fill(wb: Any, place: str = "testville") -> dict[str, list[int]]:
    """Every record kind, links of every sort, an edit, an archive, a withdrawn story."""
    ids: dict[str, list[int]] = {k: [] for k in RECORD_KINDS}

    def add(kind: str, data: dict[str, Any], by: str | None = "charity") -> int:
        rid = wb.add(kind, data, place=place, by=by)
        ids[kind].append(rid)
        return rid

    if not wb.places() or place not in wb.places():
        ids["place"].append(wb.set_place(place, {"name": "Testville", "shared_focus": TRICKY[0]}))
    p1 = add("partner", {"organisation": "Open Door", "part": "charity",
                         "contact_name": "Jo Bloggs", "joined_on": "2025-03-01",
                         "what_they_bring": TRICKY[8]})
    add("partner", {"organisation": "=Council", "part": "commissioner"}, by=None)
    wb.archive("partner", p1)
    v1 = add("voice", {"story": TRICKY[11], "domain_of_change": "friendship",
                       "storyteller_role": "person_using_services", "collected_on": "2025-02-01",
                       "consent_audiences": ["team", "partners"], "consent_naming": "pseudonym",
                       "pseudonym": "Sam", "why_it_matters": TRICKY[9],
                       "consent_tell_back": True})
    v2 = add("voice", {"story": "Private words", "domain_of_change": "housing",
                       "storyteller_role": "carer_or_family", "collected_on": "2025-02-02",
                       "storyteller_name": "Alex Private", "consent_naming": "full",
                       "consent_audiences": ["team"]})
    wb.withdraw_consent(v2, on=dt.date(2025, 3, 1))
    v3 = add("voice", {"story": TRICKY[1], "domain_of_change": "-money",
                       "storyteller_role": "volunteer", "collected_on": "2025-02-03"})
    s1 = add("meeting_series", {"name": "Tuesday forum", "kind_of_meeting": "partnership",
                                "cadence": "weekly", "weekday": "tuesday",
                                "started_on": "2025-01-07", "purpose": TRICKY[10]})
    m1 = add("meeting", {"held_on": "2025-02-04", "kind_of_meeting": "partnership",
                         "series": s1, "attendance": {"charity": 3, "lived_experience": 2},
                         "hard_topics_raised": True, "hard_topics": TRICKY[2]})
    m2 = add("meeting", {"held_on": "2025-02-11", "kind_of_meeting": "learning_forum"})
    add("glossary_term", {"term": TRICKY[4], "plain_meaning": TRICKY[12],
                          "words_to_avoid": ["=bad", "a, b", "plain"],
                          "agreed_by": ["charity", "community_group"]})
    e1 = add("experiment", {"title": "Library drop-in", "intended_results": TRICKY[5],
                            "safe_to_fail_bounds": "£500 and eight weeks",
                            "proposed_by": "charity", "start_on": "2025-01-10",
                            "end_on": "2025-03-10", "evidence_level": 2, "new_people": True})
    e2 = add("experiment", {"title": "Bus buddies", "intended_results": "People get there",
                            "safe_to_fail_bounds": "Two months", "proposed_by": "lived_experience",
                            "status": "running"})
    wb.edit("experiment", e2, {"status": "paused", "dampen_if": TRICKY[6]})
    add("review", {"experiment": e1, "reviewed_on": "2025-03-12", "intended": "Meet people",
                   "actual": TRICKY[7], "went_to_plan": "partly", "decision": "adapt"})
    add("review", {"experiment": e2, "reviewed_on": "2025-03-13", "intended": "Travel",
                   "actual": "It worked", "went_to_plan": "yes", "decision": "amplify"})
    l1 = add("learning", {"kind_of_learning": "disappointment", "title": "Nobody came",
                          "observation": TRICKY[13], "event_on": "2025-02-10",
                          "recorded_on": "2025-02-12", "experiment": e1, "voices": [v1, v3],
                          "evidence_level": 3})
    l2 = add("learning", {"kind_of_learning": "surprise", "title": TRICKY[14],
                          "observation": TRICKY[15], "event_on": "2025-02-15",
                          "recorded_on": "2025-02-15", "voices": [v2]})
    add("share", {"learning": l1, "shared_with": "commissioner", "shared_on": "2025-02-20",
                  "notes": TRICKY[3]})
    add("share", {"learning": l2, "shared_with": "charity", "shared_on": "2025-02-21",
                  "channel": "email"})
    add("reflection", {"reflected_on": "2025-02-21", "description": "A hard meeting",
                       "feelings": TRICKY[10]})
    add("pulse", {"statement": "equal_partners", "score": 0, "role": "charity",
                  "period": "2025-Q1", "answered_on": "2025-03-01"})
    add("pulse", {"statement": "light_bureaucracy", "score": 10, "role": "commissioner",
                  "period": "2025-03", "answered_on": "2025-03-02"})
    add("contribution", {"meeting": m1, "speaker": "A", "role": "charity", "turns": 4,
                         "minutes": 6.5, "longest_turn_minutes": 0.1})
    add("contribution", {"meeting": m2, "speaker": "B", "role": "lived_experience",
                         "minutes": 1 / 3})
    d1 = add("decision", {"text": "Keep the drop-in", "decided_on": "2025-02-04",
                          "meeting": m1, "proposer_role": "lived_experience",
                          "shaped_by": ["charity"], "voices": [v1, v2]})
    add("decision", {"text": "@everyone: bring cake", "decided_on": "2025-02-11",
                     "proposer_role": "charity"})
    add("burden", {"requirement": "Quarterly return", "funder": "Council",
                   "organisation": "Open Door", "frequency_per_year": 4, "hours_each": 6.25,
                   "staff_cost_per_hour": 20.1, "grant_value": 40000,
                   "used_in_decisions": "no", "proposed_action": "share",
                   "ivar_commitment": "be_proportionate"})
    add("value", {"value": "Be kind", "what_it_looks_like": "We ask and wait",
                  "agreed_by": ["charity"], "agreed_on": "2025-01-20"})
    add("support", {"support_kind": "training", "description": "Listening skills",
                    "requested_by": "charity", "requested_on": "2025-01-20", "status": "met",
                    "met_on": "2025-02-01"})
    add("checkin", {"emotional_load": 7, "role": "charity", "checked_in_on": "2025-02-02"})
    # Notes back to storytellers: one sent; one about the withdrawn story, its words erased.
    add("feedback", {"voice": v1, "decision": d1, "text": TRICKY[9], "status": "sent",
                     "sent_on": "2025-02-20", "channel": "letter"})
    add("feedback", {"voice": v2, "learning": l2, "text": "Private words back"})
    # Checks before sharing name the record their text is in, of any kind.
    add("clearance", {"record_kind": "learning", "record_id": l1, "field_name": "observation",
                      "text_sha256": fingerprint(TRICKY[13]), "audience": "public",
                      "decision": "edited", "shared_text": TRICKY[0], "checked_by": "Sam",
                      "checked_on": "2025-02-25"})
    add("clearance", {"record_kind": "voice", "record_id": v1, "field_name": "story",
                      "text_sha256": fingerprint(TRICKY[11]), "audience": "partners",
                      "decision": "held", "checked_by": "=Coordinator",
                      "checked_on": "2025-02-26"})
    return ids


def current_rows(wb: Any, kind: str, place: str) -> list[dict[str, Any]]:
    t = TABLES[kind]
    q = (sa.select(t).where(t.c.place == place, t.c.superseded_at.is_(None))
         .order_by(t.c.id))
    return [dict(r) for r in wb.read(lambda c: c.execute(q).mappings().all())]


def snapshot(wb: Any, place: str) -> dict[str, list[dict[str, Any]]]:
    """Every current record of a place, links written as (kind, position) instead of ids."""
    raw = {kind: current_rows(wb, kind, place) for kind in RECORD_KINDS}
    position = {kind: {r["id"]: i for i, r in enumerate(rows)} for kind, rows in raw.items()}
    out: dict[str, list[dict[str, Any]]] = {}
    for kind, rows in raw.items():
        model = RECORD_KINDS[kind]
        links = {m.name: m.link for m in model.fields_meta() if m.link}
        shaped = []
        for r in rows:
            d = {name: r[name] for name in model.model_fields}
            for name, linked in links.items():
                value = d[name]
                if isinstance(value, int):
                    d[name] = (linked, position[linked][value])
                elif value:
                    d[name] = [(linked, position[linked][v]) for v in value]
            if kind in ex.ANY_KIND_LINKS:  # a check names its record by kind and id
                kind_field, id_field = ex.ANY_KIND_LINKS[kind]
                d[id_field] = (d[kind_field], position[d[kind_field]][d[id_field]])
            d["archived"] = bool(r["archived"])
            if "anonymous" not in model.model_fields:  # anonymous answers leave without it
                d["recorded_by"] = r["recorded_by"]
            shaped.append(d)
        out[kind] = shaped
    return out


def import_source(files: list[Path], fmt: str) -> Path:
    return files[0].parent if fmt == "csv" else files[0]


def write_csv(path: Path, rows: list[list[Any]], *, encoding: str = "utf-8",
              delimiter: str = ",") -> Path:
    buf = io.StringIO(newline="")
    csv.writer(buf, delimiter=delimiter).writerows(rows)
    path.write_bytes(buf.getvalue().encode(encoding))
    return path


def write_xlsx(path: Path, sheets: dict[str, list[list[Any]]]) -> Path:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        ws = book.create_sheet(title)
        for row in rows:
            ws.append(row)
    book.save(path)
    return path


def total(wb: Any) -> int:
    return sum(len(current_rows(wb, k, p)) for k in RECORD_KINDS for p in ["testville", "x"])


@pytest.fixture
def filled(wb: Any) -> Any:
    fill(wb)
    return wb


@pytest.fixture
def empty(tmp_path: Path) -> Any:
    """A workbook with nothing in 'testville' whose next ids differ from the source's."""
    book = open_workbook(tmp_path / "empty.db", create=True)
    for _ in range(7):
        book.add("checkin", {"emotional_load": 1, "role": "other"}, place="offset")
    yield book
    book.close()


# ---------------------------------------------------------------------------
# Round trips
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_round_trip_every_kind_exactly(filled: Any, empty: Any, tmp_path: Path, fmt: str) -> None:
    files = export(filled, tmp_path / "out", fmt, place="testville")
    result = import_path(empty, import_source(files, fmt))
    before, after = snapshot(filled, "testville"), snapshot(empty, "testville")
    assert all(before[k] for k in RECORD_KINDS), "the fill must cover every kind"
    for kind in RECORD_KINDS:
        assert after[kind] == before[kind], kind
    assert result.counts == {k: len(v) for k, v in before.items()}
    assert all(old != new for m in result.ids.values() for old, new in m.items())
    assert result.places == ["testville"]
    # The id map sends each exported id to the new record of the same content.
    for kind, mapping in result.ids.items():
        old = {r["id"]: r for r in current_rows(filled, kind, "testville")}
        new = {r["id"]: r for r in current_rows(empty, kind, "testville")}
        assert set(mapping) == set(old)
        for o, n in mapping.items():
            assert new[n]["version"] == 1
            if kind == "voice":
                assert new[n]["story"] == old[o]["story"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_round_trip_into_another_place_of_the_same_workbook(filled: Any, tmp_path: Path,
                                                            fmt: str) -> None:
    before = snapshot(filled, "testville")
    files = export(filled, tmp_path / "out", fmt, place="testville")
    result = import_path(filled, import_source(files, fmt), place="north-ward", new_place=True)
    assert snapshot(filled, "north-ward") == before
    assert snapshot(filled, "testville") == before  # the source is untouched
    assert result.places == ["north-ward"]
    # Links were moved to the new records, never left pointing at the old ones.
    review = current_rows(filled, "review", "north-ward")[0]
    assert review["experiment"] in result.ids["experiment"].values()


@pytest.mark.parametrize("fmt", FORMATS)
def test_demo_place_round_trips_exactly(request: pytest.FixtureRequest, empty: Any,
                                        tmp_path: Path, fmt: str) -> None:
    demo = request.getfixturevalue("demo_wb")
    files = export(demo, tmp_path / "out", fmt, place="millbrook")
    import_path(empty, import_source(files, fmt))
    before, after = snapshot(demo, "millbrook"), snapshot(empty, "millbrook")
    assert sum(len(v) for v in before.values()) > 50
    assert after == before


def test_export_holds_current_versions_archived_and_withdrawn(filled: Any,
                                                              tmp_path: Path) -> None:
    files = export(filled, tmp_path / "out.json", "json", place="testville")
    doc = json.loads(files[0].read_text(encoding="utf-8"))
    assert doc["schema_version"] >= 1 and doc["exported_at"]
    assert set(doc["records"]) == set(RECORD_KINDS)
    partners = doc["records"]["partner"]
    assert [p["archived"] for p in partners] == [True, False]
    paused = [e for e in doc["records"]["experiment"] if e["title"] == "Bus buddies"][0]
    assert paused["status"] == "paused" and paused["version"] == 2
    withdrawn = [v for v in doc["records"]["voice"] if v["consent_withdrawn"]]
    assert len(withdrawn) == 1
    assert withdrawn[0]["story"] == "[withdrawn]"
    assert withdrawn[0]["storyteller_name"] is None
    assert "Alex Private" not in files[0].read_text(encoding="utf-8")
    assert "Private words" not in files[0].read_text(encoding="utf-8")


def test_csv_export_is_a_folder_with_bom_and_manifest(filled: Any, tmp_path: Path) -> None:
    files = export(filled, tmp_path / "csv", "csv", place="testville")
    names = {f.name for f in files}
    assert names == {f"{k}.csv" for k in RECORD_KINDS} | {"manifest.json"}
    assert (tmp_path / "csv" / "voice.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    manifest = json.loads((tmp_path / "csv" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["counts"]["voice"] == 3
    assert manifest["schema_version"] >= 1 and manifest["exported_at"]
    with (tmp_path / "csv" / "meeting.csv").open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert rows[0]["held_on"] == "2025-02-04"
    assert json.loads(rows[0]["attendance"]) == {"charity": 3, "lived_experience": 2}
    assert rows[0]["hard_topics_raised"] == "true"


def test_export_refuses_an_unknown_place_and_format(filled: Any, tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="testville"):
        export(filled, tmp_path / "x", "csv", place="nowhere")
    with pytest.raises(ExportError, match="csv, xlsx or json"):
        export(filled, tmp_path / "x", "pdf")


def test_export_of_every_place_keeps_each_place(filled: Any, empty: Any, tmp_path: Path) -> None:
    empty.set_place("other", {"name": "Other", "shared_focus": "Something"})
    fill(empty, "other")
    files = export(empty, tmp_path / "all.xlsx", "xlsx")
    target = open_workbook(tmp_path / "target.db", create=True)
    result = import_path(target, files[0])
    assert result.places == ["offset", "other"]
    for place in result.places:
        assert snapshot(target, place) == snapshot(empty, place)
    target.close()


# ---------------------------------------------------------------------------
# Formula injection
# ---------------------------------------------------------------------------


DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def test_csv_export_neutralises_formulas_but_not_numbers(filled: Any, tmp_path: Path) -> None:
    export(filled, tmp_path / "csv", "csv", place="testville")
    seen = 0
    for path in (tmp_path / "csv").glob("*.csv"):
        with path.open(encoding="utf-8-sig", newline="") as fh:
            for row in csv.reader(fh):
                for cell in row:
                    assert not cell.startswith(DANGEROUS), (path.name, cell)
                    seen += cell.startswith("'")
    assert seen >= 6
    with (tmp_path / "csv" / "glossary_term.csv").open(encoding="utf-8-sig", newline="") as fh:
        term = next(csv.DictReader(fh))
    assert term["term"] == "'-5 degrees outside"
    with (tmp_path / "csv" / "voice.csv").open(encoding="utf-8-sig", newline="") as fh:
        stories = [r["story"] for r in csv.DictReader(fh)]
    assert "'=cmd|' /C calc'!A0" in stories
    with (tmp_path / "csv" / "burden.csv").open(encoding="utf-8-sig", newline="") as fh:
        burden = next(csv.DictReader(fh))
    assert burden["hours_each"] == "6.25" and burden["grant_value"] == "40000.0"


def test_xlsx_export_has_no_formulas_and_real_numbers(filled: Any, tmp_path: Path) -> None:
    files = export(filled, tmp_path / "out.xlsx", "xlsx", place="testville")
    book = openpyxl.load_workbook(files[0])
    assert set(RECORD_KINDS) <= set(book.sheetnames)
    texts = 0
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    texts += 1
                    assert not cell.value.startswith(DANGEROUS), (ws.title, cell.value)
    assert texts > 100
    header = [c.value for c in book["voice"][1]]
    stories = [r[header.index("story")] for r in book["voice"].iter_rows(min_row=2,
                                                                          values_only=True)]
    assert "'=cmd|' /C calc'!A0" in stories
    burden = dict(zip([c.value for c in book["burden"][1]],
                      [c.value for c in book["burden"][2]], strict=True))
    assert burden["hours_each"] == 6.25 and burden["frequency_per_year"] == 4
    meeting = dict(zip([c.value for c in book["meeting"][1]],
                       [c for c in book["meeting"][2]], strict=True))
    assert meeting["held_on"].is_date and meeting["held_on"].number_format == "yyyy-mm-dd"
    assert meeting["hard_topics_raised"].value is True


def test_neutralise_examples() -> None:
    assert neutralise("=1+1") == "'=1+1"
    assert neutralise("'=1+1") == "''=1+1"
    assert neutralise("it's = fine") == "it's = fine"
    assert neutralise("'quoted'") == "'quoted'"
    assert unneutralise("'=1+1") == "=1+1"
    assert unneutralise("'quoted'") == "'quoted'"


CELL_TEXT = st.text(
    alphabet=st.one_of(st.characters(exclude_categories=("Cs",)),
                       st.sampled_from("'=+-@\t\r\n\",;_x0D")),
    max_size=60,
)


@given(CELL_TEXT)
@settings(max_examples=300, deadline=None)
def test_any_cell_survives_neutralise_and_a_csv_file(text: str) -> None:
    buf = io.StringIO(newline="")
    csv.writer(buf).writerow([neutralise(text), "x"])
    back = next(csv.reader(io.StringIO(buf.getvalue(), newline="")))
    assert unneutralise(back[0]) == text
    assert not neutralise(text).startswith(DANGEROUS)


RECORD_TEXT = st.text(
    alphabet=st.one_of(
        st.characters(exclude_categories=("Cs", "Cc")),
        st.sampled_from("'=+-@\t\r\n\",;_x0D\x85\u2028\uffff "),
    ),
    min_size=1,
    max_size=120,
)
_places = itertools.count(1)


def text_round_trip(wb: Any, fmt: str, term: str, meaning: str, tag: str) -> None:
    """Save a glossary term holding these texts, export it, import it: the texts are equal."""
    try:
        valid = clean_text(term) and clean_text(meaning) and clean_text(tag.replace(",", " "))
    except ValueError:
        return  # the model refuses it (control characters): nothing to carry
    if not valid:
        return
    n = next(_places)
    source, target = f"src-{n}", f"dst-{n}"
    rid = wb.add("glossary_term", {"term": term, "plain_meaning": meaning,
                                   "words_to_avoid": [tag]}, place=source)
    stored = wb.get("glossary_term", rid)
    assert stored["term"] == clean_text(term)
    with tempfile.TemporaryDirectory() as tmp:
        files = export(wb, Path(tmp) / "out", fmt, place=source)
        result = import_path(wb, import_source(files, fmt), place=target, new_place=True)
    back = wb.get("glossary_term", result.ids["glossary_term"][rid])
    for name in ("term", "plain_meaning", "words_to_avoid"):
        assert back[name] == stored[name], name


TEXT_SETTINGS = settings(
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.filter_too_much],
)


@given(term=RECORD_TEXT, meaning=RECORD_TEXT, tag=RECORD_TEXT)
@example(term="'quoted'", meaning="=SUM(A1)", tag="'=x")
@example(term="-1", meaning="a\r\nb\rc\u2028d\x85e\uffff", tag="[\"a\", \"b\"]")
@example(term="@x", meaning="''+1 _x000D_ _x005F_", tag="=1, 2")
@settings(TEXT_SETTINGS, max_examples=40)
def test_any_text_survives_a_csv_round_trip_exactly(wb: Any, term: str, meaning: str,
                                                    tag: str) -> None:
    text_round_trip(wb, "csv", term, meaning, tag)


@given(term=RECORD_TEXT, meaning=RECORD_TEXT, tag=RECORD_TEXT)
@example(term="'quoted'", meaning="=SUM(A1)", tag="'=x")
@example(term="-1", meaning="a\r\nb\rc\u2028d\x85e\uffff", tag="[\"a\", \"b\"]")
@example(term="@x", meaning="''+1 _x000D_ _x005F_", tag="=1, 2")
@settings(TEXT_SETTINGS, max_examples=20)
def test_any_text_survives_an_xlsx_round_trip_exactly(wb: Any, term: str, meaning: str,
                                                      tag: str) -> None:
    text_round_trip(wb, "xlsx", term, meaning, tag)


# ---------------------------------------------------------------------------
# All or nothing
# ---------------------------------------------------------------------------


LEARNING_HEADER = ["kind_of_learning", "title", "observation", "event_on", "recorded_on"]


def test_bad_rows_import_nothing_and_every_bad_row_is_named(wb: Any, tmp_path: Path) -> None:
    before = snapshot(wb, "testville")
    path = write_csv(tmp_path / "learning log.csv", [
        LEARNING_HEADER,
        ["surprise", "Good one", "It spans\ntwo physical lines", "2025-01-02", "2025-01-03"],
        ["surprise", "", "Title missing", "2025-01-02", "2025-01-03"],
        ["breakthrough", "Fine", "Fine too", "2025-01-02", "2025-01-02"],
        ["surprise", "Future", "Not yet", "2999-01-01", "2999-01-02"],
        ["brilliant", "Bad kind", '=HYPERLINK("http://evil","x")', "2025-01-02", "2025-01-03"],
        ["surprise", "Fine", "Fine", "2025-01-05", "2025-01-04"],
    ])
    with pytest.raises(ImportRowsError) as caught:
        import_path(wb, path, place="testville")
    err = caught.value
    assert [p.line for p in err.problems] == [3, 5, 6, 7]
    assert all(p.source == "learning log.csv" and p.kind == "learning" for p in err.problems)
    by_line = {p.line: p for p in err.problems}
    assert "In a few words is empty" in str(by_line[3])
    assert "future" in str(by_line[5])
    assert "'brilliant' is not one of the choices" in str(by_line[6])
    assert "formula" in by_line[6].problems["observation"]
    assert "before it happened" in str(by_line[7])
    message = str(err)
    assert message.startswith("Nothing was imported: 4 rows have a problem")
    for line in (3, 5, 6, 7):
        assert f"learning log.csv, line {line}:" in message
    assert snapshot(wb, "testville") == before


def test_bad_links_are_reported_with_the_rows(wb: Any, tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "reviews.xlsx", {"Reviews": [
        ["Experiment", "Date of the review", "What we meant to happen", "What happened",
         "Did it go to plan", "What we do next"],
        [999, dt.date(2025, 1, 2), "A", "B", "Yes", "stop"],
        [],
        [998, "2025-01-02", "A", "B", "maybe", "stop"],
    ]})
    with pytest.raises(ImportRowsError) as caught:
        import_path(wb, path, place="testville")
    problems = caught.value.problems
    assert [p.line for p in problems] == [2, 4]
    assert problems[0].source == "reviews.xlsx, sheet 'Reviews'"
    assert "no record numbered 999" in str(problems[0])
    assert "'maybe' is not one of the choices" in str(problems[1])


def test_a_failure_while_saving_rolls_everything_back(filled: Any, empty: Any, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    files = export(filled, tmp_path / "out.json", "json", place="testville")
    real = type(empty)._insert_new
    calls = {"n": 0}

    def flaky(self: Any, conn: Any, record: Any, place: str, by: Any) -> int:
        calls["n"] += 1
        if calls["n"] == 20:
            raise RecordError({"turns": "simulated failure"}, record.kind)
        return real(self, conn, record, place, by)

    monkeypatch.setattr(type(empty), "_insert_new", flaky)
    with pytest.raises(ImportRowsError, match="simulated failure"):
        import_path(empty, files[0])
    assert calls["n"] == 20
    assert all(not current_rows(empty, k, "testville") for k in RECORD_KINDS)
    assert "testville" not in empty.places()


def test_duplicate_ids_in_a_file_are_bad_rows(wb: Any, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "experiments.csv", [
        ["id", "title", "intended_results", "safe_to_fail_bounds", "proposed_by"],
        [1, "A", "B", "C", "charity"],
        [1, "D", "E", "F", "charity"],
    ])
    with pytest.raises(ImportRowsError) as caught:
        import_path(wb, path, place="testville")
    assert [p.line for p in caught.value.problems] == [3]
    assert "also used on line 2" in str(caught.value)


# ---------------------------------------------------------------------------
# Single spreadsheets from elsewhere
# ---------------------------------------------------------------------------


def test_burden_spreadsheet_with_labels_pounds_and_choice_labels(wb: Any, tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "our paperwork.xlsx", {"Sheet1": [
        ["What is asked for", "WHO ASKS", "Who fills it in", "Times a year",
         "Hours each time", "Grant value a year (£)", "What we propose", "Used in decisions"],
        ["Monthly figures", "Council", "Open Door", 12, 3.5, "£25,000", "Make it simpler", "No"],
        ["Annual report", "Trust", "Open Door", "1", None, 12000, "keep", "partly"],
    ]})
    result = import_path(wb, path, place="testville")
    assert result.counts == {"burden": 2}
    rows = current_rows(wb, "burden", "testville")
    assert rows[0]["grant_value"] == 25000.0
    assert rows[0]["proposed_action"] == "simplify"
    assert rows[0]["used_in_decisions"] == "no"
    assert rows[1]["hours_each"] is None and rows[1]["frequency_per_year"] == 1.0
    assert "Imported 2 records from our paperwork.xlsx into testville" in str(result)
    assert "Bureaucracy audit: 2" in str(result)


def test_learning_log_links_to_records_already_in_the_workbook(filled: Any,
                                                               tmp_path: Path) -> None:
    experiment = current_rows(filled, "experiment", "testville")[0]["id"]
    voices = [r["id"] for r in current_rows(filled, "voice", "testville")]
    path = write_csv(tmp_path / "Learning log 2025.csv", [
        ["Kind of learning", "In a few words", "What we noticed", "When it happened",
         "When we wrote it down", "From experiment", "Voices behind it", "Amplify and celebrate"],
        ["Breakthrough", "Buses", "'=they came", "2025-01-02", "2025-01-02", experiment,
         f"{voices[0]}, {voices[2]}", "Yes"],
    ])
    result = import_path(filled, path, place="testville")
    new = filled.get("learning", result.new_ids["learning"][0])
    assert new["experiment"] == experiment and new["voices"] == [voices[0], voices[2]]
    assert new["observation"] == "=they came"  # the quote marks text, and is taken off
    assert new["kind_of_learning"] == "breakthrough" and new["amplify"] is True


def test_kind_from_argument_headers_or_name(wb: Any, tmp_path: Path) -> None:
    rows = [["emotional_load", "role", "checked_in_on"], [3, "charity", "2025-01-02"]]
    assert import_path(wb, write_csv(tmp_path / "data.csv", rows),
                       place="testville").counts == {"checkin": 1}
    assert import_path(wb, write_csv(tmp_path / "checkins.csv", rows),
                       place="testville").counts == {"checkin": 1}
    assert import_path(wb, write_csv(tmp_path / "x.csv", rows), place="testville",
                       kind="Check-ins").counts == {"checkin": 1}


def test_withdrawn_story_in_a_file_loses_its_words(wb: Any, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "voices.csv", [
        ["story", "domain_of_change", "storyteller_role", "collected_on", "storyteller_name",
         "consent_withdrawn", "consent_audiences"],
        ["Words to erase", "money", "volunteer", "2025-01-02", "Kim", "true", "team, public"],
    ])
    result = import_path(wb, path, place="testville")
    voice = wb.get("voice", result.new_ids["voice"][0])
    assert voice["story"] == "[withdrawn]" and voice["storyteller_name"] is None
    assert voice["consent_withdrawn"] is True and voice["consent_audiences"] == []


def test_existing_place_description_is_kept(filled: Any, tmp_path: Path) -> None:
    files = export(filled, tmp_path / "out.json", "json", place="testville")
    result = import_path(filled, files[0])
    assert "place" not in result.counts
    assert any("already has a place description" in n for n in result.notes)
    assert len(current_rows(filled, "place", "testville")) == 1


def test_single_file_without_place_needs_a_place(wb: Any, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "checkins.csv",
                     [["emotional_load", "role"], [3, "charity"]])
    with pytest.raises(ImportFileError, match="which place"):
        import_path(wb, path)


# ---------------------------------------------------------------------------
# Refused files
# ---------------------------------------------------------------------------


def refused(wb: Any, path: Path, *words: str, **kwargs: Any) -> str:
    """Import must fail with one ImportFileError naming the file and the given words."""
    before = total(wb)
    with pytest.raises(ImportFileError) as caught:
        import_path(wb, path, **{"place": "testville", **kwargs})
    assert not isinstance(caught.value, ImportRowsError)
    message = str(caught.value)
    assert path.name in message
    for word in words:
        assert word in message, (word, message)
    assert total(wb) == before
    return message


def test_refuses_empty_files(wb: Any, tmp_path: Path) -> None:
    (tmp_path / "learning.csv").write_bytes(b"")
    refused(wb, tmp_path / "learning.csv", "is empty")
    (tmp_path / "voice.csv").write_bytes(b"\xef\xbb\xbf \r\n\r\n")
    refused(wb, tmp_path / "voice.csv", "is empty")
    write_csv(tmp_path / "pulse.csv", [["statement", "score", "role", "period"]])
    refused(wb, tmp_path / "pulse.csv", "no records")
    (tmp_path / "empty.xlsx").write_bytes(b"")
    refused(wb, tmp_path / "empty.xlsx", "is empty")
    refused(wb, write_xlsx(tmp_path / "blank.xlsx", {"Sheet1": [[None]]}), "is empty")
    refused(wb, write_xlsx(tmp_path / "two.xlsx", {"A": [["x"], [1]], "B": [["y"], [2]]}),
            "2 sheets with data")
    (tmp_path / "empty.json").write_text("  ")
    refused(wb, tmp_path / "empty.json", "is empty")


def test_refuses_truncated_files(filled: Any, wb: Any, tmp_path: Path) -> None:
    (tmp_path / "learning.csv").write_text(
        'kind_of_learning,title,observation,event_on\nsurprise,A,"It was cut', encoding="utf-8")
    refused(wb, tmp_path / "learning.csv", "cut off", "line 2")
    (tmp_path / "checkin.csv").write_text(
        "emotional_load,role,checked_in_on\n3,charity,2025-01-01\n4,char", encoding="utf-8")
    refused(wb, tmp_path / "checkin.csv", "cut off", "line 3")
    files = export(filled, tmp_path / "out", "csv", place="testville")
    voice = tmp_path / "out" / "voice.csv"
    with voice.open(encoding="utf-8-sig", newline="") as fh:
        kept = list(csv.reader(fh))[:2]
    write_csv(voice, kept)
    message = refused(wb, voice.parent, "cut off", "manifest.json")
    assert "voice.csv" in message
    json_file = export(filled, tmp_path / "out.json", "json", place="testville")[0]
    json_file.write_bytes(json_file.read_bytes()[:-500])
    refused(wb, json_file, "cut off")
    xlsx = export(filled, tmp_path / "out.xlsx", "xlsx", place="testville")[0]
    xlsx.write_bytes(xlsx.read_bytes()[:-300])
    refused(wb, xlsx, "damaged")
    assert files


def test_refuses_text_that_is_not_utf8(wb: Any, tmp_path: Path) -> None:
    rows = [["requirement", "funder", "organisation", "frequency_per_year"],
            ["Return costing £5", "Café fund", "Open Door", 4]]
    message = refused(wb, write_csv(tmp_path / "burden.csv", rows, encoding="cp1252"),
                      "not saved as UTF-8", "CSV UTF-8", "line 2")
    assert "Save it as UTF-8 CSV" in message
    refused(wb, write_csv(tmp_path / "burden16.csv", rows, encoding="utf-16"), "UTF-16")
    # UTF-8 with a byte order mark is fine.
    result = import_path(wb, write_csv(tmp_path / "burden8.csv", rows, encoding="utf-8-sig"),
                         place="testville")
    assert current_rows(wb, "burden", "testville")[0]["funder"] == "Café fund"
    assert result.counts == {"burden": 1}


def test_reads_semicolon_files_and_says_so(wb: Any, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "contribution.csv", [
        ["Meeting", "Speaker (made-up name or initials)", "role", "minutes"],
    ], delimiter=";")
    meeting = wb.add("meeting", {"held_on": "2025-01-02", "kind_of_meeting": "other"},
                     place="testville")
    path.write_text(path.read_text() + f"{meeting};A, B;charity;12,5\r\n", encoding="utf-8")
    result = import_path(wb, path, place="testville")
    row = current_rows(wb, "contribution", "testville")[0]
    assert row["minutes"] == 12.5 and row["speaker"] == "A, B"
    assert any("semicolons" in n for n in result.notes)


def test_refuses_unknown_and_duplicate_headings(wb: Any, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "checkin.csv", [
        ["emotional_load", "role", "Mood", "Notes"], [3, "charity", "ok", "x"]])
    message = refused(wb, path, "'Mood'", "'Notes'", "emotional_load", "checked_in_on",
                      "Expected")
    assert "How heavy the work feels" in message
    path = write_csv(tmp_path / "checkins.csv", [
        ["emotional_load", "role", "Your part of the system"], [3, "charity", "charity"]])
    refused(wb, path, "same column twice", "'role' and 'Your part of the system'")
    path = write_csv(tmp_path / "learning.csv", [["Our learning log 2025"], ["x"]])
    refused(wb, path, "'Our learning log 2025'", "first row must hold the column headings")
    path = write_csv(tmp_path / "mystery.csv", [["foo", "bar"], [1, 2]])
    refused(wb, path, "cannot tell which kind")


def test_refuses_oversized_files(wb: Any, tmp_path: Path) -> None:
    big = tmp_path / "learning.csv"
    with big.open("wb") as fh:
        fh.truncate(ex.MAX_BYTES + 1)
    refused(wb, big, "MB", "Split it")
    big_xlsx = tmp_path / "big.xlsx"
    with big_xlsx.open("wb") as fh:
        fh.truncate(ex.MAX_BYTES + 1)
    refused(wb, big_xlsx, "MB")
    many = tmp_path / "checkin.csv"
    many.write_text("emotional_load,role\n" + "3,charity\n" * (ex.MAX_ROWS + 1))
    refused(wb, many, "200,000 rows")


def test_refuses_excel_files_that_are_not_excel(wb: Any, tmp_path: Path) -> None:
    fake = tmp_path / "burden.xlsx"
    fake.write_text("requirement,funder\nA,B\n", encoding="utf-8")
    refused(wb, fake, "not really an Excel workbook", ".csv")
    old = tmp_path / "old.xlsx"
    old.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    refused(wb, old, ".xls", "save it as 'Excel Workbook (.xlsx)'")
    ods = tmp_path / "calc.xlsx"
    with zipfile.ZipFile(ods, "w") as zf:
        zf.writestr("content.xml", "<x/>")
    refused(wb, ods, "not an Excel workbook", ".ods")
    (tmp_path / "legacy.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    refused(wb, tmp_path / "legacy.xls", ".xls", ".xlsx")
    renamed = write_xlsx(tmp_path / "checkin.csv", {"checkin": [["emotional_load"], [1]]})
    refused(wb, renamed, "Excel workbook", ".xlsx")


def test_refuses_other_malformed_inputs(wb: Any, tmp_path: Path) -> None:
    refused(wb, tmp_path / "missing.csv", "no file or folder")
    (tmp_path / "notes.docx").write_bytes(b"PK\x03\x04")
    refused(wb, tmp_path / "notes.docx", "do not know how to read")
    (tmp_path / "other.json").write_text('{"hello": 1}')
    refused(wb, tmp_path / "other.json", "not a workbook export")
    (tmp_path / "newer.json").write_text('{"schema_version": 999, "records": {}}')
    refused(wb, tmp_path / "newer.json", "newer HLS Workbook")
    (tmp_path / "kinds.json").write_text('{"schema_version": 1, "records": {"spells": []}}')
    refused(wb, tmp_path / "kinds.json", "'spells'")
    refused(wb, write_csv(tmp_path / "checkin.csv", [["emotional_load", "role"], [1, "charity"]]),
            "not a kind of record", kind="spells")


def test_formula_cells_are_refused_unless_quoted(wb: Any, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "glossary.csv", [
        ["term", "plain_meaning"],
        ["=cmd|' /C calc'!A0", "A formula attack"],
        ["Outcome", '=HYPERLINK("http://evil.example","click")'],
        ["'=cmd|' /C calc'!A0", "Quoted: kept as text"],
        ["-dash", "@mention and +plus"],
    ])
    with pytest.raises(ImportRowsError) as caught:
        import_path(wb, path, place="testville")
    assert [p.line for p in caught.value.problems] == [2, 3]
    assert "looks like a spreadsheet formula" in str(caught.value)
    path.write_text("\n".join(path.read_text().splitlines()[:1] + path.read_text()
                              .splitlines()[3:]) + "\n")
    import_path(wb, path, place="testville")
    terms = [r["term"] for r in current_rows(wb, "glossary_term", "testville")]
    assert terms == ["=cmd|' /C calc'!A0", "-dash"]
    xlsx = tmp_path / "glossary.xlsx"
    book = openpyxl.Workbook()
    book.active.append(["term", "plain_meaning"])
    book.active.append(["Sum", "=SUM(1,2)"])
    book.save(xlsx)
    with pytest.raises(ImportRowsError, match="Paste Values"):
        import_path(wb, xlsx, place="testville")


def test_import_result_reads_well(filled: Any, empty: Any, tmp_path: Path) -> None:
    files = export(filled, tmp_path / "out", "csv", place="testville")
    (tmp_path / "out" / "notes.csv").write_text("a,b\n1,2\n")
    result = import_path(empty, files[0].parent)
    text = str(result)
    assert text.startswith(f"Imported {result.total} records from out into testville.")
    assert "Voices: 3" in text and "Note: notes.csv was not imported" in text
    assert result.format == "csv folder"


def test_anonymous_answers_leave_without_who_or_when(filled: Any, tmp_path: Path) -> None:
    """A check-in or pulse answer in an export cannot be matched to whoever typed it in."""
    files = export(filled, tmp_path / "out.json", "json", place="testville")
    records = json.loads(files[0].read_text(encoding="utf-8"))["records"]
    for kind in ("checkin", "pulse"):
        assert records[kind], kind
        for row in records[kind]:
            assert row["recorded_by"] is None
            assert row["recorded_at"].endswith("00:00:00"), row["recorded_at"]
    assert all(row["recorded_by"] for row in records["learning"])

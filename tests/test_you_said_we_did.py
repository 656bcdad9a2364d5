"""You said, we did (issue 18): a note back to each storyteller whose story shaped a
decision or learning we amplify, within their consent, tracked from written to sent.

Hand-made cases in a real workbook, read back the way the 3_learning notebook reads them
(``stages.summary_html("feedback", ...)``, the team's view) and the way "What needs doing
now" lists them (``stages.next_steps``).
"""

from __future__ import annotations

import datetime as dt
import html
import json
import sqlite3

import pandas as pd
import pytest

from hls_workbook import open_workbook, privacy
from hls_workbook.domain.errors import RecordError
from hls_workbook.domain.model import Feedback, Voice
from hls_workbook.reporting.sections import Report
from hls_workbook.reporting.shared_export import export_for
from hls_workbook.store.checks import check_workbook
from hls_workbook.store.workbook import SCHEMA_VERSION
from hls_workbook.ui import forms, stages

from .privacy_helpers import clear_all, file_text

PLACE = "testville"
TODAY = dt.date.today()
#: A note's words: found nowhere outside the team.
NOTE = "Dear Marigoldtester, because you told us, the lunch club now runs on Fridays."


def ago(days: int) -> dt.date:
    return TODAY - dt.timedelta(days=days)


def story(wb, about: str = "housing", *, tell: bool = True, **fields) -> int:
    return wb.add("voice", {
        "story": f"I waited months for help with {about}.", "domain_of_change": about,
        "storyteller_role": "person_using_services", "collected_on": ago(90),
        "consent_audiences": ["team", "partners", "public"], "consent_tell_back": tell,
        **fields}, place=PLACE, by="charity")


def decision(wb, voices: list[int], on: dt.date, text: str = "Open the hub on Fridays") -> int:
    return wb.add("decision", {"text": text, "decided_on": on,
                               "proposer_role": "lived_experience", "voices": voices},
                  place=PLACE, by="charity")


def note(wb, vid: int, did: int | None = None, lid: int | None = None, **fields) -> int:
    data = {"voice": vid, "text": NOTE, **fields}
    data.update({"decision": did} if did is not None else {"learning": lid})
    return wb.add("feedback", data, place=PLACE, by="charity")


def waiting(wb) -> str:
    return stages.summary_html("feedback", wb, place=PLACE)


def told(wb, on: dt.date | None = None) -> pd.DataFrame:
    todo = stages.next_steps(wb, PLACE, on)
    return todo[todo["kind"] == "tell_them"]


# ---------------------------------------------------------------------------
# Waiting for a note, only with consent
# ---------------------------------------------------------------------------


def test_a_story_that_shaped_a_decision_waits_for_a_note_only_with_consent(wb):
    agreed = story(wb, "housing")
    not_asked = story(wb, "benefits", tell=False)
    did = decision(wb, [agreed, not_asked], ago(30))
    with pytest.raises(RecordError) as err:  # nobody writes to a teller who did not agree
        note(wb, not_asked, did)
    assert "has not said we may tell them" in err.value.problems["voice"]
    html = waiting(wb)
    assert f"Story #{agreed} (about housing) shaped decision #{did}" in html
    assert "1 teller is waiting" in html and "No note yet." in html
    assert f"Story #{not_asked}" not in html and "benefits" not in html
    item = told(wb)
    assert list(item["record_kind"]) == ["voice"] and list(item["record_id"]) == [agreed]
    assert item["sentence"].iloc[0].startswith(
        f"Story #{agreed} (about “housing”) shaped decision #{did} “Open the hub on Fridays” "
        "30 days ago: tell them what happened.")
    assert (item["stage"].iloc[0], item["section"].iloc[0]) == ("3_learning", "feedback")
    assert list(item["overdue_days"]) == [30 - 14]
    assert told(wb, ago(17)).empty, "not in the list before 14 days have passed"


def test_a_story_with_a_note_written_and_one_without_each_says_its_own(wb):
    first, second = story(wb, "housing"), story(wb, "buses")
    did = decision(wb, [first, second], ago(30))
    fid = note(wb, first, did)
    html = waiting(wb)
    assert f"Note #{fid} is written, not sent yet." in html
    assert html.count("No note yet.") == 1 and "#None" not in html
    rows = stages.next_steps(wb, PLACE).set_index("record_id")
    assert "A note is written" in rows.at[first, "sentence"]
    assert "A note is written" not in rows.at[second, "sentence"]


def test_learning_we_amplify_counts_and_learning_we_do_not_does_not(wb):
    vid = story(wb, "loneliness")
    learning = {"kind_of_learning": "breakthrough", "observation": "People came back.",
                "event_on": ago(40), "recorded_on": ago(40), "voices": [vid]}
    quiet = wb.add("learning", dict(learning, title="Quiet learning"), place=PLACE)
    loud = wb.add("learning", dict(learning, title="Greet people by name", amplify=True),
                  place=PLACE)
    html = waiting(wb)
    assert f"shaped learning #{loud}" in html and f"learning #{quiet}" not in html
    assert list(told(wb)["sentence"].str.contains(f"learning #{loud}")) == [True]
    note(wb, vid, lid=loud, status="sent", sent_on=ago(1), channel="in_person")
    assert told(wb).empty and "Every teller who agreed to hear back has been told" in waiting(wb)


def test_a_story_the_team_may_not_use_never_appears(wb):
    secret = story(wb, "a secret", in_confidence=True)
    gone = story(wb, "moving house")
    decision(wb, [secret, gone], ago(30))
    wb.withdraw_consent(gone)
    assert "No story has shaped a decision" in waiting(wb)
    assert told(wb).empty


# ---------------------------------------------------------------------------
# Written, then sent: the form, the section and the list
# ---------------------------------------------------------------------------


def test_saving_a_sent_note_in_the_form_takes_it_off_the_section_and_the_list(wb):
    vid = story(wb)
    did = decision(wb, [vid], ago(30))
    form = forms.RecordForm(wb, "feedback", place=PLACE, role="charity")
    form.set_values({"voice": vid, "decision": did, "text": NOTE})
    form.submit_button.click()
    assert form.status_text.startswith("Saved note back to a storyteller #"), form.status_text
    [fid] = wb.table("feedback", PLACE)["id"].tolist()
    assert wb.get("feedback", fid)["status"] == "drafted"
    # Written but not sent: still waiting, and the list says to send it.
    assert f"Note #{fid} is written, not sent yet." in waiting(wb)
    assert "A note is written: send it, then mark it sent." in told(wb)["sentence"].iloc[0]
    # Marked sent without a day or a way: refused, naming the question.
    with pytest.raises(RecordError) as err:
        wb.edit("feedback", fid, {"status": "sent"})
    assert "sent_on" in err.value.problems
    form.close()
    form = forms.RecordForm(wb, "feedback", place=PLACE, role="charity")
    form.set_values({"voice": vid, "decision": did, "text": NOTE, "status": "sent",
                     "sent_on": ago(1), "channel": "letter"})
    form.submit_button.click()
    assert form.status_text.startswith("Saved note back to a storyteller #"), form.status_text
    assert told(wb).empty
    assert "Every teller who agreed to hear back has been told: 1 note sent or closed." \
        in waiting(wb)
    form.close()


def test_the_form_offers_only_stories_whose_teller_asked_to_hear_back(wb):
    asked = story(wb, "housing")
    silent = story(wb, "buses", tell=False)
    gone = story(wb, "moving house")
    # As the team's view: a story told in confidence or raising a safeguarding concern is
    # only ever counted, even when its teller asked to hear back.
    secret = story(wb, "a secret", in_confidence=True)
    worry = story(wb, "a worry", safeguarding_concern=True)
    wb.withdraw_consent(gone)
    form = forms.RecordForm(wb, "feedback", place=PLACE, role="charity")
    try:
        voice = form.controls["voice"]
        offered = {v for _label, v in voice.input.options if v != ""}
        assert offered == {asked} and not offered & {silent, gone, secret, worry}
        # A story whose teller now says yes is offered once saved; one withdrawn drops out.
        wb.edit("voice", silent, {"consent_tell_back": True})
        voice.refresh(wb, PLACE, ids=[silent])
        assert silent in {v for _label, v in voice.input.options}
        wb.withdraw_consent(asked)
        voice.refresh(wb, PLACE, ids=[asked])
        assert asked not in {v for _label, v in voice.input.options}
        assert voice.note.layout.display == "none"
    finally:
        form.close()
    # No story to choose: the form says why, not "nothing recorded".
    wb.withdraw_consent(silent)
    form = forms.RecordForm(wb, "feedback", place=PLACE, role="charity")
    try:
        note_text = form.controls["voice"].note.value
        assert ("only those with \u2018May we tell them what happened\u2019 ticked, and none "
                "of \u2018Consent withdrawn\u2019, \u2018Said in confidence\u2019 or "
                "\u2018Safeguarding concern\u2019 ticked are listed") in html.unescape(note_text)
    finally:
        form.close()


def test_a_note_that_cannot_be_sent_closes_it_too(wb):
    vid = story(wb)
    did = decision(wb, [vid], ago(30))
    fid = note(wb, vid, did)
    assert len(told(wb)) == 1
    wb.edit("feedback", fid, {"status": "cannot_send"})
    assert told(wb).empty


def test_a_note_is_about_one_thing_and_keeps_no_date_unless_sent():
    base = {"voice": 1, "text": NOTE}
    with pytest.raises(RecordError) as err:
        Feedback.validate_input(base)
    assert "decision" in err.value.problems
    with pytest.raises(RecordError) as err:
        Feedback.validate_input(dict(base, decision=1, learning=2))
    assert "learning" in err.value.problems
    with pytest.raises(RecordError) as err:
        Feedback.validate_input(dict(base, decision=1, sent_on=ago(1)))
    assert "not marked sent" in err.value.problems["sent_on"]
    with pytest.raises(RecordError) as err:
        Feedback.validate_input(dict(base, decision=1, status="sent", sent_on=ago(1)))
    assert "channel" in err.value.problems


# ---------------------------------------------------------------------------
# Withdrawal erases the note's words
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("how", ["withdraw", "form"])
def test_withdrawal_erases_the_notes_words_in_every_version_and_its_drafts(wb, how):
    vid = story(wb)
    other = story(wb, "transport")
    did = decision(wb, [vid, other], ago(30))
    fid = note(wb, vid, did)
    wb.edit("feedback", fid, {"text": NOTE + " See you there."})
    kept = note(wb, other, did)
    wb.save_draft(PLACE, "feedback", fid, "charity", {"text": "Draft words about them"})
    wb.save_draft(PLACE, "feedback", None, "charity", {"voice": vid, "text": "A new note"})
    # Second drafts of the same forms (typed while the first was offered back): one of
    # them about another story, which stays.
    assert wb.save_draft(PLACE, "feedback", fid, "charity", {"text": "More draft words"},
                         slot=None) == 2
    assert wb.save_draft(PLACE, "feedback", None, "charity",
                         {"voice": other, "text": "About another"}, slot=None) == 2
    assert wb.save_draft(PLACE, "feedback", None, "charity",
                         {"voice": vid, "text": "Another new note"}, slot=None) == 3
    if how == "withdraw":
        wb.withdraw_consent(vid)
    else:  # ticking "Consent withdrawn" in the story's form: an edit
        wb.edit("voice", vid, {"consent_withdrawn": True, "consent_withdrawn_on": TODAY})
    history = wb.history("feedback", fid)
    assert set(history["text"]) == {Feedback.WITHDRAWN_TEXT} and len(history) == 2
    assert wb.get("feedback", kept)["text"] == NOTE, "a note about another story stays"
    assert wb.drafts(PLACE, "feedback", fid, "charity") == []
    assert [d.answers["text"] for d in wb.drafts(PLACE, "feedback", None, "charity")] == [
        "About another"]
    # Nothing about it can be typed back in: no draft is kept, a new note is erased.
    assert not wb.save_draft(PLACE, "feedback", None, "charity", {"voice": vid, "text": "x"})
    assert not wb.save_draft(PLACE, "feedback", fid, "charity", {"text": "again"})
    late = note(wb, vid, did)
    assert wb.get("feedback", late)["text"] == Feedback.WITHDRAWN_TEXT
    left = json.dumps(wb.read(
        lambda c: [list(r) for r in c.exec_driver_sql("SELECT * FROM draft").all()]),
        default=str)
    for words in ("Draft words", "More draft words", "Another new note"):
        assert words not in left
    # Its note leaves the team's view too, and the check of the workbook finds no words.
    assert f"Story #{vid}" not in waiting(wb)
    assert not check_workbook(wb)


def test_the_check_finds_words_left_in_a_note_about_a_withdrawn_story(wb):
    vid = story(wb)
    fid = note(wb, vid, decision(wb, [vid], ago(30)))
    wb.withdraw_consent(vid)
    t = "feedback"
    wb.write(lambda c: c.exec_driver_sql(f"UPDATE {t} SET text = 'words left' WHERE id = {fid}"))
    problems = check_workbook(wb)
    assert any(f"feedback #{fid}" in p and "hls-workbook withdraw" in p for p in problems)
    wb.withdraw_consent(vid)  # withdrawing again erases what was left
    assert not check_workbook(wb)


# ---------------------------------------------------------------------------
# Never beyond the team
# ---------------------------------------------------------------------------


def _with_a_sent_note(wb) -> int:
    vid = story(wb)
    did = decision(wb, [vid], ago(30))
    wb.add("learning", {"kind_of_learning": "breakthrough", "title": "Fridays work",
                        "observation": "More people came.", "event_on": ago(20),
                        "recorded_on": ago(20), "voices": [vid], "amplify": True},
           place=PLACE)
    return note(wb, vid, did, status="sent", sent_on=ago(2), channel="email")


def test_the_gate_hands_notes_to_the_team_only(wb):
    _with_a_sent_note(wb)
    tables = wb.tables(PLACE)
    assert "feedback" in privacy.policy.TEAM_ONLY and "clearance" in privacy.policy.TEAM_ONLY
    assert NOTE in set(privacy.apply(tables, "team")["feedback"]["text"])
    for audience in ("partners", "public"):
        out = privacy.apply(tables, audience)
        assert "feedback" not in out and "clearance" not in out
        assert NOTE not in " ".join(df.to_string() for df in out.values())


@pytest.mark.parametrize("fmt", ["json", "csv", "xlsx"])
def test_no_export_for_partners_or_the_public_carries_a_note(wb, db_path, tmp_path, fmt):
    _with_a_sent_note(wb)
    clear_all(wb, PLACE)  # every other piece of text cleared: only the notes stay out
    for audience in ("partners", "public"):
        paths = export_for(str(db_path), PLACE, audience, tmp_path / audience / fmt, fmt)
        assert not any("feedback" in p.name for p in paths)
        text = " ".join(file_text(p) for p in paths)
        assert "Marigoldtester" not in text and "Fridays work" in text


def test_no_report_for_partners_or_the_public_carries_a_note(wb, db_path):
    _with_a_sent_note(wb)
    clear_all(wb, PLACE)
    for audience in ("partners", "public"):
        report = Report.load(db=str(db_path), place=PLACE, start=ago(365), end=TODAY,
                             audience=audience)
        assert "feedback" not in report.tables
        assert "Marigoldtester" not in report.render_html()


# ---------------------------------------------------------------------------
# An older workbook gains the table
# ---------------------------------------------------------------------------


def test_a_workbook_from_before_gains_the_notes_and_the_question(db_path):
    with open_workbook(str(db_path), create=True) as wb:
        wb.set_place(PLACE, {"name": "Testville", "shared_focus": "Fewer people alone"})
        gone = story(wb)
        wb.withdraw_consent(gone)
    with sqlite3.connect(db_path) as con:  # as schema 4 left it
        con.execute("DROP TABLE feedback")
        con.execute("ALTER TABLE voice DROP COLUMN consent_tell_back")
        con.execute("UPDATE meta SET value = '4' WHERE key = 'schema_version'")
    with open_workbook(str(db_path)) as wb:
        assert wb.schema_version() == SCHEMA_VERSION >= 5
        assert Voice.is_erased(wb.get("voice", gone)), "an unanswered flag counts as no"
        assert not check_workbook(wb)
        vid = story(wb)
        assert wb.get("feedback", note(wb, vid, decision(wb, [vid], ago(3))))["text"] == NOTE

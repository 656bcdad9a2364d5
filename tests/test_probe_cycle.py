"""The probe cycle carried through (issue 18): a review decides to amplify, adapt, dampen
or stop, and a stop or dampen saved in the review form changes the experiment's status as
a new version of it (through the store, so the earlier version is kept)."""

from __future__ import annotations

import datetime as dt

from hls_workbook.domain.model import Experiment, NextStep, Review
from hls_workbook.ui import forms

PLACE = "testville"
TODAY = dt.date.today()


def ago(days: int) -> dt.date:
    return TODAY - dt.timedelta(days=days)


def experiment(wb, **fields) -> int:
    return wb.add("experiment", {
        "title": "Walk and talk", "intended_results": "People meet their neighbours.",
        "safe_to_fail_bounds": "Eight weeks, no more than 500 pounds.",
        "proposed_by": "lived_experience", **fields,
    }, place=PLACE, by="charity")


def test_a_dampen_decision_pauses_the_experiment_as_a_new_version(wb):
    eid = experiment(wb, status="running", start_on=ago(30), end_on=TODAY + dt.timedelta(30))
    form = forms.RecordForm(wb, "review", place=PLACE, role="charity")
    offered = [value for _label, value in form.controls["decision"].input.options if value]
    assert offered == ["amplify", "adapt", "dampen", "stop"]
    form.set_values({"experiment": eid, "reviewed_on": ago(1), "intended": "More people meet.",
                     "actual": "Too many came at once.", "went_to_plan": "partly",
                     "decision": "dampen"})
    form.submit_button.click()
    assert "is now at “Paused” (version 2)" in form.status_text, form.status_text
    history = wb.history("experiment", eid)
    assert list(history["status"]) == ["running", "paused"]
    assert list(history["recorded_by"]) == ["charity", "charity"]
    form.close()


def test_what_each_decision_does_to_the_experiment():
    def status(decision, current, end_on=None):
        r = Review.model_validate({"experiment": 1, "reviewed_on": "2026-06-01",
                                   "intended": "x", "actual": "y", "went_to_plan": "yes",
                                   "decision": decision})
        return r.experiment_status(current, end_on)

    assert [s.value for s in NextStep] == ["amplify", "adapt", "dampen", "stop"]
    assert status("stop", "running", dt.date(2026, 5, 1)) == "ended"
    assert status("stop", "running", dt.date(2026, 7, 1)) == "stopped"
    assert status("stop", "running") == "ended"
    assert status("dampen", "running") == "paused"
    assert status("dampen", "paused") is None
    assert status("stop", "stopped") is None and status("dampen", "ended") is None
    assert status("amplify", "running") is None and status("adapt", "running") is None


def test_amplify_and_adapt_leave_the_experiment_as_it_is(wb):
    eid = experiment(wb, status="running", start_on=ago(30))
    form = forms.RecordForm(wb, "review", place=PLACE, role="charity")
    form.set_values({"experiment": eid, "reviewed_on": ago(1), "intended": "More people meet.",
                     "actual": "More came than we hoped.", "went_to_plan": "yes",
                     "decision": "amplify"})
    form.submit_button.click()
    assert form.status_text.startswith("Saved review #"), form.status_text
    assert "Experiment #" not in form.status_text
    assert wb.get("experiment", eid)["version"] == 1
    form.close()


def test_the_review_shows_its_experiment_intent_and_rules_and_records_the_signs_seen(wb):
    eid = experiment(wb, status="running", start_on=ago(30),
                     amplify_if="More than 10 people <b>come</b> back.",
                     dampen_if="Nobody comes twice.",
                     hypothesis_if="we walk together each week")
    form = forms.RecordForm(wb, "review", place=PLACE, role="charity")
    link = form.controls["experiment"]
    assert not link.context.value  # nothing chosen: nothing shown
    form.set_values({"experiment": eid})
    shown = link.context.value
    for text in ("People meet their neighbours.", "we walk together each week",
                 "Nobody comes twice.", "Eight weeks, no more than 500 pounds.",
                 Experiment.field_meta("amplify_if").label,
                 Experiment.field_meta("dampen_if").label):
        assert text.lower() in shown.lower(), (text, shown)
    assert "&lt;b&gt;come&lt;/b&gt;" in shown and "<b>come</b>" not in shown  # escaped
    offered = [value for _label, value in form.controls["signs_seen"].input.options if value]
    assert offered == ["amplify", "dampen", "both", "neither"]
    form.set_values({"reviewed_on": ago(1), "intended": "More people meet.",
                     "actual": "Twelve came back.", "went_to_plan": "yes",
                     "signs_seen": "amplify", "decision": "amplify"})
    form.submit_button.click()
    assert form.status_text.startswith("Saved review #"), form.status_text
    saved = wb.table("review", PLACE)
    assert list(saved["signs_seen"]) == ["amplify"]
    # After Submit the form is new again: the panel goes with the choice.
    assert not link.context.value
    form.close()


def test_an_older_workbook_gains_the_signs_seen_column(tmp_path):
    import sqlite3

    from hls_workbook.store.workbook import open_workbook

    db = tmp_path / "old.db"
    with open_workbook(db, create=True) as wb:
        wb.set_place(PLACE, {"name": "Testville", "shared_focus": "Fewer people alone"})
    con = sqlite3.connect(db)
    con.execute("ALTER TABLE review DROP COLUMN signs_seen")
    con.execute("UPDATE meta SET value = '2' WHERE key = 'schema_version'")
    con.commit()
    con.close()
    with open_workbook(db) as wb:
        eid = experiment(wb, status="running")
        wb.add("review", {"experiment": eid, "reviewed_on": ago(1), "intended": "x",
                          "actual": "y", "went_to_plan": "no", "signs_seen": "dampen",
                          "decision": "dampen"}, place=PLACE)
        assert list(wb.table("review", PLACE)["signs_seen"]) == ["dampen"]

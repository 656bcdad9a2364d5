"""What needs doing now (issue 18), and the probe cycle carried through, on hand-made cases.

Every case is saved through the store into a real database, then read back the way a
stage notebook reads it (``stages.next_steps``: the team's view) or the way
``hls-workbook next`` prints it.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from typer.testing import CliRunner

from hls_workbook.analysis import next_steps
from hls_workbook.analysis.next_steps import COLUMNS, WHERE
from hls_workbook.cli import app
from hls_workbook.ui import forms, stages

PLACE = "testville"
TODAY = dt.date.today()
runner = CliRunner()


def ago(days: int) -> dt.date:
    return TODAY - dt.timedelta(days=days)


def experiment(wb, title: str = "Walk and talk", **fields) -> int:
    return wb.add("experiment", {
        "title": title, "intended_results": "People meet their neighbours.",
        "safe_to_fail_bounds": "Eight weeks, no more than 500 pounds.",
        "proposed_by": "lived_experience", **fields,
    }, place=PLACE, by="charity")


def review(wb, eid: int, decision: str, on: dt.date) -> int:
    return wb.add("review", {
        "experiment": eid, "reviewed_on": on, "intended": "More people meet.",
        "actual": "Some came back.", "went_to_plan": "partly", "decision": decision,
    }, place=PLACE, by="charity")


def learning(wb, title: str = "Greeting people by name matters", **fields) -> int:
    data = {"kind_of_learning": "breakthrough", "title": title,
            "observation": "People came back.", "event_on": ago(60), "recorded_on": ago(60),
            **fields}
    return wb.add("learning", data, place=PLACE, by="charity")


def todo(wb, on: dt.date | None = None) -> pd.DataFrame:
    return stages.next_steps(wb, PLACE, on)


def about(frame: pd.DataFrame, kind: str, rid: int) -> pd.DataFrame:
    return frame[(frame["record_kind"] == kind) & (frame["record_id"] == rid)]


# ---------------------------------------------------------------------------
# The list
# ---------------------------------------------------------------------------


def test_nothing_recorded_means_nothing_to_do(wb):
    found = todo(wb)
    assert found.empty and list(found.columns) == COLUMNS
    assert list(next_steps().columns) == COLUMNS


def test_an_overdue_experiment_appears_and_leaves_once_reviewed(wb):
    eid = experiment(wb, status="running", start_on=ago(90), end_on=ago(30))
    assert about(todo(wb, ago(31)), "experiment", eid).empty, "not overdue before its end"
    item = about(todo(wb), "experiment", eid)
    assert list(item["kind"]) == ["past_end"] and list(item["overdue_days"]) == [30]
    assert "still at “Running”" in item["sentence"].iloc[0]
    assert (item["stage"].iloc[0], item["section"].iloc[0]) == ("2_experimentation",
                                                                "experiment_status")
    # Marked ended, it waits for a look back; the review takes it off the list.
    wb.edit("experiment", eid, {"status": "ended"})
    item = about(todo(wb), "experiment", eid)
    assert list(item["kind"]) == ["waiting_for_review"]
    assert "waiting for a look back" in item["sentence"].iloc[0]
    review(wb, eid, "stop", ago(1))
    assert todo(wb).empty


def test_a_stop_decision_saved_in_the_form_ends_the_experiment(wb):
    eid = experiment(wb, status="running", start_on=ago(90), end_on=ago(30))
    form = forms.RecordForm(wb, "review", place=PLACE, role="charity")
    form.set_values({"experiment": eid, "reviewed_on": ago(2), "intended": "More people meet.",
                     "actual": "Nobody came.", "went_to_plan": "no", "decision": "stop"})
    form.submit_button.click()
    assert form.status_text.startswith("Saved review #"), form.status_text
    assert "is now at “Ended” (version 2)" in form.status_text
    assert wb.get("experiment", eid)["status"] == "ended"
    assert todo(wb).empty
    form.close()


@pytest.mark.parametrize("decision", ["amplify", "adapt", "dampen"])
def test_a_decision_with_nothing_done_since_is_listed_until_followed_up(wb, decision):
    eid = experiment(wb, status="ended", start_on=ago(120), end_on=ago(60))
    rid = review(wb, eid, decision, ago(50))
    assert about(todo(wb, ago(30)), "review", rid).empty, "not yet due"
    item = about(todo(wb), "review", rid)
    assert list(item["kind"]) == ["decision_not_followed"]
    assert list(item["overdue_days"]) == [50 - 28]
    assert f"we decided to {decision}" in item["sentence"].iloc[0]
    if decision == "adapt":  # the changed experiment, saved as a new version
        assert item["section"].iloc[0] == "experiment_status"
        wb.edit("experiment", eid, {"intended_results": "People meet, in the evening too."})
    else:  # the learning from it, written down after the review
        assert item["section"].iloc[0] == "learning"
        learning(wb, experiment=eid, event_on=ago(40), recorded_on=ago(40),
                 owner_role="charity")
    assert about(todo(wb), "review", rid).empty


def test_permission_given_and_never_started(wb):
    late = experiment(wb, "Late start", status="approved", start_on=ago(10))
    never = experiment(wb, "Never started", status="approved", start_on=ago(100),
                       end_on=ago(40))
    experiment(wb, "Starts soon", status="approved", start_on=TODAY + dt.timedelta(5))
    experiment(wb, "No date yet", status="approved")  # saved today: not waiting long
    found = todo(wb)
    assert list(found["record_id"]) == [never, late]  # the longest waiting first
    assert set(found["kind"]) == {"permission_waiting"}
    assert "Did it happen?" in found["sentence"].iloc[0]
    assert "Has it started?" in found["sentence"].iloc[1]


def test_learning_not_followed_up_or_not_shared(wb):
    lid = learning(wb, response="Tell the Tuesday forum.", owner_role="charity")
    found = todo(wb)
    assert sorted(found["kind"]) == ["not_shared", "response_not_followed"]
    assert "“Tell the Tuesday forum”" in found["sentence"].str.cat()
    assert "beyond charities" in found["sentence"].str.cat()
    wb.add("share", {"learning": lid, "shared_with": "charity", "shared_on": ago(50)},
           place=PLACE)
    assert "not_shared" in set(todo(wb)["kind"]), "its own part does not count"
    wb.add("share", {"learning": lid, "shared_with": "commissioner", "shared_on": ago(50)},
           place=PLACE)
    assert list(todo(wb)["kind"]) == ["response_not_followed"]
    wb.edit("learning", lid, {"response": "Told the Tuesday forum on 3 November."})
    assert todo(wb).empty


def test_support_asked_for_long_ago_and_the_order_of_the_list(wb):
    sid = wb.add("support", {"support_kind": "supervision", "description": "Supervision.",
                             "requested_by": "charity", "requested_on": ago(40)}, place=PLACE)
    lid = learning(wb, owner_role="charity")  # not shared: 46 days overdue
    eid = experiment(wb, status="running", start_on=ago(20), end_on=ago(3))
    found = todo(wb)
    # What happens in the world first, however overdue the write-up is.
    assert list(zip(found["record_kind"], found["record_id"], strict=True)) == [
        ("support", sid), ("experiment", eid), ("learning", lid)]
    assert list(found["overdue_days"]) == [12, 3, 46]
    wb.edit("support", sid, {"status": "met", "met_on": ago(1)})
    assert "support" not in set(todo(wb)["record_kind"])


def test_a_regular_meeting_that_keeps_being_missed(wb):
    monday = TODAY - dt.timedelta(days=TODAY.weekday())
    first = monday - dt.timedelta(weeks=8)
    sid = wb.add("meeting_series", {"name": "Monday forum", "kind_of_meeting": "partnership",
                                    "cadence": "weekly", "weekday": "monday",
                                    "started_on": first}, place=PLACE)
    held = [first + dt.timedelta(weeks=w) for w in range(7)]  # then two Mondays missed
    wb.add_many([("meeting", {"held_on": d, "kind_of_meeting": "partnership", "series": sid,
                              "attendance": {"charity": 3}}) for d in held], place=PLACE)
    assert todo(wb, monday).empty, "one missed is not yet slipping; today's may come"
    tuesday = monday + dt.timedelta(days=1)
    item = about(todo(wb, tuesday), "meeting_series", sid)
    assert list(item["kind"]) == ["rhythm_slipping"] and list(item["overdue_days"]) == [1]
    assert (f"“Monday forum” has missed its last 2 planned meetings (the last one was on "
            f"{held[-1].day} {held[-1]:%B %Y})") in item["sentence"].iloc[0]
    assert item["section"].iloc[0] == "meetings"
    wb.add("meeting", {"held_on": monday, "kind_of_meeting": "partnership", "series": sid},
           place=PLACE)
    assert todo(wb, tuesday).empty


def test_every_item_names_a_real_section_of_its_notebook():
    for kind, (stage, key) in WHERE.items():
        assert stages.SECTIONS[key].stage == stage, kind
        assert stages.SECTIONS[key] in stages.sections_for(stage)
    assert stages.where_to("3_learning", "sharing") == "Who we shared it with, in 3_learning"


# ---------------------------------------------------------------------------
# Where it is shown: the stage notebooks' last section and `hls-workbook next`
# ---------------------------------------------------------------------------


def test_the_stage_section_lists_it_with_typed_text_escaped(wb):
    assert "Nothing needs doing now" in stages.summary_html("next", wb, place=PLACE)
    experiment(wb, "<b>Bold</b> try", status="ended", end_on=ago(5))
    html = stages.summary_html("next", wb, place=PLACE)
    assert "What needs doing now</h4>" in html and "1 thing needs doing now" in html
    assert "&lt;b&gt;Bold&lt;/b&gt; try" in html and "<b>Bold" not in html
    assert "5 days overdue. Where: Look back: after-action review, in 2_experimentation" in html
    for stage in stages.STAGES:
        assert stages.sections_for(stage)[-1].key == "next"


def test_next_command(wb, db_path):
    result = runner.invoke(app, ["next", "--place", PLACE, "--db", str(db_path)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Nothing needs doing now in testville")
    eid = experiment(wb, status="running", start_on=ago(60), end_on=ago(10))
    learning(wb, owner_role="charity")
    result = runner.invoke(app, ["next", "--place", PLACE, "--db", str(db_path)])
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert lines[0].startswith("2 things need doing now in testville")
    assert lines[1].startswith(f"1. “Walk and talk” (experiment #{eid}) was due to end")
    assert lines[1].endswith("(10 days overdue; where: Update where an experiment is up to, "
                             "in 2_experimentation)")
    assert lines[2].startswith("2. Learning “Greeting people by name matters”")
    before = runner.invoke(app, ["next", "--place", PLACE, "--on", ago(11).isoformat(),
                                 "--db", str(db_path)])
    assert before.exit_code == 0, before.output
    assert before.output.startswith("1 thing needs doing now in testville (as of")
    assert "Walk and talk" not in before.output, "not overdue the day before its end"


def test_next_command_drops_an_overdue_experiment_once_reviewed_in_the_form(wb, db_path):
    """As a coordinator sees it: listed by ``hls-workbook next`` while overdue, gone once
    the after-action review in its form decides to stop (which ends the experiment)."""
    eid = experiment(wb, status="running", start_on=ago(60), end_on=ago(10))
    listed = runner.invoke(app, ["next", "--place", PLACE, "--db", str(db_path)])
    assert listed.exit_code == 0 and f"(experiment #{eid}) was due to end" in listed.output
    form = forms.RecordForm(wb, "review", place=PLACE, role="charity")
    form.set_values({"experiment": eid, "reviewed_on": ago(1), "intended": "More people meet.",
                     "actual": "Nobody came after the second week.", "went_to_plan": "no",
                     "decision": "stop"})
    form.submit_button.click()
    assert "is now at “Ended” (version 2)" in form.status_text, form.status_text
    form.close()
    after = runner.invoke(app, ["next", "--place", PLACE, "--db", str(db_path)])
    assert after.exit_code == 0, after.output
    assert after.output.startswith("Nothing needs doing now in testville"), after.output


@pytest.mark.parametrize(("args", "words"), [
    (["--place", "nowhere"], "There is no place called 'nowhere'"),
    (["--place", "testville", "--on", "31/12/2026"], "--on: '31/12/2026' is not a date"),
    (["--place", "Not A Place"], "Place: 'Not A Place' is not a usable short name"),
])
def test_next_command_refuses_bad_input_in_one_line(wb, db_path, args, words):
    result = runner.invoke(app, ["next", *args, "--db", str(db_path)])
    assert result.exit_code == 1
    assert words in result.output and "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1
    if "nowhere" in args:
        assert "Places: testville." in result.output

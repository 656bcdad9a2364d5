"""The report shows what the data holds (issue 18): learning not yet heard, the parts
missing when decisions were taken; for the team, partners and the public, on a small
hand-made workbook."""

from __future__ import annotations

import pytest

from hls_workbook import open_workbook
from hls_workbook.analysis.holds import decisions_without
from hls_workbook.reporting.sections import Report
from hls_workbook.reporting.sections.html import Heading, Para

from .privacy_helpers import clear_all

PLACE = "holdsville"


@pytest.fixture(scope="module")
def holds_db(tmp_path_factory):
    db = tmp_path_factory.mktemp("holds") / "holds.db"
    with open_workbook(db, create=True) as wb:
        wb.set_place(PLACE, {"name": "Holdsville", "shared_focus": "Fewer people alone"})
        kind = wb.add("value", {"value": "Be kind", "what_it_looks_like": "We ask, and wait.",
                                "agreed_by": ["charity"]}, place=PLACE)
        wb.add("value", {"value": "Trust first", "what_it_looks_like": "We trust each other.",
                         "agreed_by": ["charity"]}, place=PLACE)
        heard = wb.add("learning", {"kind_of_learning": "surprise",
                                    "title": "Buses stop at seven",
                                    "observation": "It happened.", "event_on": "2026-02-01",
                                    "recorded_on": "2026-02-01", "values": [kind]},
                       place=PLACE)
        wb.add("learning", {"kind_of_learning": "surprise", "title": "People come for soup",
                            "observation": "It happened.", "event_on": "2026-03-01",
                            "recorded_on": "2026-03-01"}, place=PLACE)
        for part in ("commissioner", "charity", "community_group", "public_service"):
            wb.add("share", {"learning": heard, "shared_with": part,
                             "shared_on": "2026-03-02"}, place=PLACE)
        forum = wb.add("meeting", {"held_on": "2026-02-03", "kind_of_meeting": "partnership",
                                   "attendance": {"charity": 3, "commissioner": 2}},
                       place=PLACE)
        wb.add("decision", {"text": "Keep the drop-in for every client", "decided_on": "2026-02-03",
                            "meeting": forum, "proposer_role": "charity"}, place=PLACE)
        wb.add("experiment", {"title": "Walk and talk", "proposed_by": "charity",
                              "intended_results": "More people join in",
                              "safe_to_fail_bounds": "Two hours a week", "status": "running",
                              "start_on": "2026-02-01", "values": [kind]}, place=PLACE)
        wb.add("glossary_term", {"term": "People who use services",
                                 "plain_meaning": "The people we are here for.",
                                 "words_to_avoid": ["client"]}, place=PLACE)
        # Check-ins: January alone too few; February to April pooled; May shown on its own.
        for day, loads in (("2026-01-10", [9]), ("2026-02-10", [2, 4]),
                           ("2026-03-10", [6, 8]), ("2026-04-10", [5]),
                           ("2026-05-10", [3] * 6)):
            wb.add_many([("checkin", {"emotional_load": load, "role": "charity",
                                      "checked_in_on": day}) for load in loads], place=PLACE)
        clear_all(wb, PLACE)
        clear_all(wb, PLACE, "partners")
    return db


def _report(db, audience: str) -> Report:
    return Report.load(db=str(db), place=PLACE, start="2026-01-01", end="2026-06-30",
                       audience=audience)


def _section(db, audience: str, key: str) -> str:
    return _report(db, audience).show(key).html


def _headings(data) -> list[str]:
    return [b.text for b in data.walk() if isinstance(b, Heading)]


@pytest.mark.parametrize("audience", ["team", "partners", "public"])
def test_learning_not_yet_heard_lists_the_parts_it_has_not_reached(holds_db, audience):
    report = _report(holds_db, audience)
    timeline = report.data("learning").table("Learning timeline")
    assert timeline.frame[["What", "Not heard by"]].to_dict("records") == [
        {"What": "Buses stop at seven", "Not heard by": "People with lived experience"},
        # Heard by no part at all: said in three words, not a list of all five parts.
        {"What": "People come for soup", "Not heard by": "Every part of the system"}]
    _, not_heard = report.not_heard()
    assert sorted(not_heard.values()) == ["Every part of the system",
                                          "People with lived experience"]


@pytest.mark.parametrize("audience", ["team", "partners"])
def test_the_parts_missing_when_decisions_were_taken(holds_db, audience):
    report = _report(holds_db, audience)
    data = report.data("meetings")
    assert "Who was missing when we decided" in _headings(data)
    # One meeting with decisions, its attendance known, three parts not in the room.
    [meeting] = decisions_without(report.tables["decision"], report.tables["meeting"]
                                  ).to_dict("records")
    assert meeting["attendance_given"] and meeting["decisions"] == 1
    assert meeting["parts_missing"] == ["community_group", "public_service",
                                        "lived_experience"]
    table = data.table("Meetings where we decided things without every part")
    assert table.frame.to_dict("records") == [
        {"Meeting": "3 February 2026", "Decisions": "1",
         "Not in the room": "Community groups, public services and people with lived "
                            "experience"}]


def test_the_public_report_does_not_say_who_was_missing_at_decisions(holds_db):
    assert "Who was missing when we decided" not in _section(holds_db, "public", "meetings")


@pytest.mark.parametrize("audience", ["team", "partners", "public"])
def test_values_show_what_puts_them_into_practice(holds_db, audience):
    report = _report(holds_db, audience)
    table = report.data("relationships").table("Our shared values")
    shown = table.frame[["Value", "Signed up", "Experiments", "Learning"]]
    assert shown.to_dict("records") == [
        {"Value": "Be kind", "Signed up": "Charity", "Experiments": "1", "Learning": "1"},
        {"Value": "Trust first", "Signed up": "Charity", "Experiments": "0", "Learning": "0"}]
    # Agreed, but not yet seen in any experiment or learning: Trust first.
    practice = report.values_in_practice()
    assert practice.loc[~practice["in_practice"], "name"].tolist() == ["Trust first"]


@pytest.mark.parametrize("audience", ["team", "partners", "public"])
def test_small_months_of_check_ins_are_shown_taken_together(holds_db, audience):
    report = _report(holds_db, audience)
    data = report.data("relationships")
    pooled = data.table("Check-ins taken together over months")
    heavy = "How heavy the work felt (0-10)"
    if audience == "public":  # only windows of enough check-ins, and no counts
        assert pooled.frame.to_dict("records") == [
            {"Months together": "February to April 2026", heavy: "5.0"},
            {"Months together": "May 2026", heavy: "3.0"}]
    else:
        assert pooled.frame.to_dict("records") == [
            {"Months together": "January 2026", heavy: "hidden", "Check-ins": "1"},
            {"Months together": "February to April 2026", heavy: "5.0", "Check-ins": "5"},
            {"Months together": "May 2026", heavy: "3.0", "Check-ins": "6"}]
        assert pooled.counts == ("Check-ins",)
    # The headline is the latest window's, so that no hidden later month contradicts it.
    latest = pooled.frame.iloc[-1]
    findings = [b.text for b in data.walk() if isinstance(b, Para) and b.cls == "finding"]
    assert [f for f in findings if latest["Months together"] in f and latest[heavy] in f]


def test_the_team_sees_where_its_own_writing_uses_words_to_avoid(holds_db):
    table = _report(holds_db, "team").data("glossary").table("Words to avoid")
    assert table.frame.to_dict("records") == [
        {"Where": "Decisions: Keep the drop-in for every client", "Word used": "client",
         "Our word": "People who use services"}]


@pytest.mark.parametrize("audience", ["partners", "public"])
def test_partners_and_public_see_no_words_to_avoid(holds_db, audience):
    html = _section(holds_db, audience, "glossary")
    assert "Words we said we would avoid" not in html and "agreed to avoid" not in html


def test_no_months_taken_together_means_no_table_that_says_so(demo_db):
    """The demo's whole period ends with six days of July: one check-in, alone and hidden,
    while every other month is shown on its own. No window takes months together, so no
    table says it does (it listed every month again under "taken together")."""
    import datetime as dt

    from hls_workbook import analysis as an
    from hls_workbook.demo import START, WEEKS
    from hls_workbook.reporting.sections.html import Table

    report = Report.load(db=str(demo_db), place="millbrook", start=START,
                         end=START + dt.timedelta(weeks=WEEKS), audience="team")
    pooled = an.pooled_checkins(report.tables["checkin"], min_group=report.threshold)
    assert len(pooled) > 1 and (pooled["months"] == 1).all()
    assert not pooled.iloc[-1]["shown"]
    data = report.data("relationships")
    captions = [b.caption for b in data.walk() if isinstance(b, Table)]
    assert "Check-ins taken together over months" not in captions
    assert not [b for b in data.walk() if isinstance(b, Para) and "check-ins" in b.text
                and "taken together" in b.text]

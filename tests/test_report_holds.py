"""The report shows what the data holds (issue 18): learning not yet heard, the parts
missing when decisions were taken; for the team, partners and the public, on a small
hand-made workbook."""

from __future__ import annotations

import re

import pytest

from hls_workbook import open_workbook
from hls_workbook.reporting.sections import Report

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


def _section(db, audience: str, key: str) -> str:
    report = Report.load(db=str(db), place=PLACE, start="2026-01-01", end="2026-06-30",
                         audience=audience)
    return report.show(key).html


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.mark.parametrize("audience", ["team", "partners", "public"])
def test_learning_not_yet_heard_lists_the_parts_it_has_not_reached(holds_db, audience):
    text = _text(_section(holds_db, audience, "learning"))
    assert "who has not heard it yet" in text
    assert "2 pieces of learning have not reached every part of the system." in text
    assert "Buses stop at seven People with lived experience" in text
    # Heard by no part at all: said in three words, not a list of all five parts.
    assert "People come for soup Every part of the system" in text
    report = Report.load(db=str(holds_db), place=PLACE, start="2026-01-01", end="2026-06-30",
                         audience=audience)
    _, not_heard = report.not_heard()
    assert sorted(not_heard.values()) == ["Every part of the system",
                                          "People with lived experience"]


@pytest.mark.parametrize("audience", ["team", "partners"])
def test_the_parts_missing_when_decisions_were_taken(holds_db, audience):
    text = _text(_section(holds_db, audience, "meetings"))
    assert "Who was missing when we decided" in text
    assert ("At 1 of 1 meetings where we decided things, some parts of the system were not "
            "in the room.") in text
    assert "Community groups, public services and people with lived experience" in text


def test_the_public_report_does_not_say_who_was_missing_at_decisions(holds_db):
    assert "Who was missing when we decided" not in _section(holds_db, "public", "meetings")


@pytest.mark.parametrize("audience", ["team", "partners", "public"])
def test_values_show_what_puts_them_into_practice(holds_db, audience):
    html = _section(holds_db, audience, "relationships")
    text = _text(html)
    assert "Experiments" in text and "Learning" in text
    assert re.search(r"Be kind .*? Charity 1 1 ", text)
    assert re.search(r"Trust first .*? Charity 0 0 ", text)
    assert "Agreed, but not yet seen in any experiment or learning: Trust first." in text


@pytest.mark.parametrize("audience", ["team", "partners", "public"])
def test_small_months_of_check_ins_are_shown_taken_together(holds_db, audience):
    text = _text(_section(holds_db, audience, "relationships"))
    assert "Check-ins taken together over months" in text
    assert "Most lately, in May 2026, the work felt 3.0 out of 10 heavy." in text
    pooled = text[text.index("Check-ins taken together over months"):]
    if audience == "public":  # only windows of enough check-ins, and no counts
        assert ("How heavy the work felt (0-10) February to April 2026 5.0 May 2026 3.0 "
                in pooled)
        assert "January 2026" not in pooled
    else:
        assert ("January 2026 hidden 1 February to April 2026 5.0 5 May 2026 3.0 6 "
                in pooled)


def test_the_team_sees_where_its_own_writing_uses_words_to_avoid(holds_db):
    text = _text(_section(holds_db, "team", "glossary"))
    assert "Our own writing uses words we agreed to avoid once." in text
    assert re.search(r": Keep the drop-in for every client client People who use services ",
                     text)


@pytest.mark.parametrize("audience", ["partners", "public"])
def test_partners_and_public_see_no_words_to_avoid(holds_db, audience):
    html = _section(holds_db, audience, "glossary")
    assert "Words we said we would avoid" not in html and "agreed to avoid" not in html

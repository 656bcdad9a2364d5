"""At a glance: the summary at the top of every report.

It exists and comes first, each point links to a section that is on the page, what
changed is read from the period before through the same gate and said with its direction,
and it states no number the body does not show (on the public demo, with the page checks
of test_small_numbers).
"""

from __future__ import annotations

import datetime as dt
import re

import pytest

from hls_workbook import open_workbook
from hls_workbook.reporting.sections import Report

from .privacy_helpers import clear_all
from .test_small_numbers import PEOPLE, check_public_page, visible_text

PLACE = "glanceville"


def _glance(html: str) -> str:
    return re.search(r'<section [^>]*id="glance".*?</section>', html, re.S).group(0)


def _links_resolve(html: str) -> list[str]:
    """The summary's links, each checked to point at an id on the page."""
    links = re.findall(r'href="#([^"]+)"', _glance(html))
    ids = set(re.findall(r'\sid="([^"]+)"', html))
    assert links, "the summary links to no section"
    assert not set(links) - ids, f"links to nowhere: {set(links) - ids}"
    return links


@pytest.fixture(scope="module")
def two_periods(tmp_path_factory):
    """Three meetings and two pieces of learning this half year, one meeting, one
    experiment and three pieces of learning the half year before."""
    db = tmp_path_factory.mktemp("glance") / "glance.db"
    with open_workbook(db, create=True) as wb:
        wb.set_place(PLACE, {"name": "Glanceville", "shared_focus": "Fewer people alone"})
        for day in ("2025-09-01", "2026-02-02", "2026-03-02", "2026-04-06"):
            wb.add("meeting", {"held_on": day, "kind_of_meeting": "partnership",
                               "attendance": {"charity": 6}}, place=PLACE)
        wb.add("experiment", {"title": "Walk and talk", "proposed_by": "charity",
                              "intended_results": "More people join in",
                              "safe_to_fail_bounds": "Two hours a week",
                              "status": "ended", "start_on": "2025-08-01",
                              "end_on": "2025-10-01"}, place=PLACE)
        for day, title in (("2025-08-03", "A"), ("2025-09-03", "B"), ("2025-10-03", "C"),
                           ("2026-02-03", "D"), ("2026-03-03", "E")):
            wb.add("learning", {"kind_of_learning": "surprise", "title": f"Learning {title}",
                                "observation": "It helped", "response": f"Do {title} again",
                                "event_on": day, "recorded_on": day}, place=PLACE)
        wb.add("burden", {"requirement": "Quarterly return", "funder": "Kind Trust",
                          "organisation": "Org", "frequency_per_year": 4, "hours_each": 10,
                          "staff_cost_per_hour": 20, "grant_value": 10000,
                          "proposed_action": "stop"}, place=PLACE)
        clear_all(wb, PLACE)
    return db


def _report(db, audience, start="2026-01-01", end="2026-06-30"):
    return Report.load(db=str(db), place=PLACE, start=start, end=end, audience=audience)


@pytest.mark.parametrize("audience", ["team", "partners", "public"])
def test_the_summary_comes_first_and_its_links_resolve(two_periods, audience):
    html = _report(two_periods, audience).render_html()
    sections = re.findall(r'<section class="report-section" id="([^"]+)"', html)
    assert sections[0] == "glance"
    assert html.index('id="glance"') < html.index('id="how-we-protect-people"')
    links = _links_resolve(html)
    assert set(links) <= set(sections)


def test_what_changed_is_said_with_its_direction(two_periods):
    report = _report(two_periods, "partners")
    start, end, before = report.previous()
    assert (start, end) == (dt.date(2025, 7, 1), dt.date(2025, 12, 31))
    compared = {k: (len(report.tables[k]), len(before[k])) for k in ("meeting", "experiment",
                                                                      "learning")}
    assert compared == {"meeting": (3, 1), "experiment": (0, 1), "learning": (2, 3)}
    # Each change links to its section; reviews and sharing, none in either period, are
    # left out.
    assert [key for _, key in report.changes()] == ["meetings", "experiments", "learning"]
    # The direction comes first, in words (the wording is the point: one each way).
    glance = visible_text(_glance(report.render_html()))
    assert "More meetings held: 3, up from 1." in glance
    assert "Fewer pieces of learning written down: 2, down from 3." in glance
    # What we will do next: the latest learning's own words, newest first.
    assert report.plans() == [("Do E again", "learning"), ("Do D again", "learning")]
    # What we ask of funders: the strip list's proposal, linked to where it is listed.
    [ask] = report.audit().strip_list.to_dict("records")
    assert (ask["funder"], ask["requirement"], ask["action_label"], ask["hours_freed"]) == (
        "Kind Trust", "Quarterly return", "Stop asking for it", 40.0)
    [(text, key)] = report.asks()
    assert key == "relationships"
    for said in (ask["funder"], ask["requirement"], ask["action_label"].lower(),
                 f"{ask['hours_freed']:,.0f} hours"):
        assert said in text, (said, text)


def test_a_period_with_nothing_before_it_says_so(two_periods):
    glance = visible_text(_glance(_report(two_periods, "team", "2025-07-01",
                                          "2025-12-31").render_html()))
    assert "Nothing was recorded for that period, so there is nothing to compare" in glance


def test_an_idea_without_dates_does_not_make_the_period_before_look_busy(demo_db):
    """The demo records nothing before January, but an idea with no dates is listed in
    every period: it is no experiment tried then, so there is nothing to compare with
    (not "More meetings held: 29, up from none")."""
    report = Report.load(db=str(demo_db), place="millbrook", start="2026-01-01",
                         end="2026-06-30", audience="partners")
    _start, _end, before = report.previous()
    assert len(before["experiment"]) and before["experiment"]["start_on"].isna().all()
    assert report.changes() == [("Nothing was recorded for that period, so there is "
                                 "nothing to compare with yet.", "meetings")]


def test_the_previous_period_is_read_through_the_gate(two_periods, monkeypatch):
    from hls_workbook import privacy

    seen = []
    real = privacy.open_tables

    def spy(db, place, start, end, audience, **kw):
        seen.append((str(start), str(end), getattr(audience, "audience", audience)))
        return real(db, place, start, end, audience, **kw)

    monkeypatch.setattr(privacy, "open_tables", spy)
    _report(two_periods, "public").render_html()
    assert ("2025-07-01", "2025-12-31", "public") in seen


def test_a_report_with_nothing_to_compare_with_still_has_a_summary(tmp_path):
    db = tmp_path / "empty.db"
    with open_workbook(db, create=True) as wb:
        wb.set_place("newtown", {"name": "Newtown", "shared_focus": "Start well"})
    report = Report.load(db=str(db), place="newtown", start="2026-01-01", end="2026-03-31",
                         audience="public")
    report.db = None  # built without a database to read the period before from
    html = report.show("glance").html
    assert "At a glance" in html and "There is no earlier period to compare with." in html
    assert "Nothing is recorded for this period yet." in html


def test_the_public_demo_summary_states_no_number_the_body_does_not(demo_pages):
    html = demo_pages["public"]
    check_public_page(html)
    _links_resolve(html)
    glance = _glance(html)
    body = visible_text(html.replace(glance, ""))
    found = visible_text(re.search(r"What we found</h3>(.*?)</ul>", glance, re.S).group(1))
    assert len(re.findall(r"See: ", found)) >= 3  # three to five findings
    for number in re.findall(r"\d[\d,.]*%?", found):
        number = number.rstrip(".,")
        assert number in body, f"the summary says {number}, the body does not"
    # What changed counts the team's records only: never a count of people.
    text = visible_text(glance)
    assert not re.search(rf"\d[\d,]*\s+(?:{PEOPLE})\b", text, re.I), text
    assert "hidden" not in text


def test_the_public_summary_leaves_the_asks_to_the_partners_report(demo_report):
    """What the team asks of funders is for them (the partners' report lists each ask);
    the public summary keeps what was found, what changed and what comes next."""
    headings = {}
    for audience in ("partners", "public"):
        report = demo_report(audience)
        assert report.asks()  # the demo's strip list asks for something
        headings[audience] = [b.text for b in report.data("glance").walk()
                              if type(b).__name__ == "Heading"]
    assert "What we ask of funders and partners" in headings["partners"]
    assert headings["public"] == headings["partners"][:3]


@pytest.mark.parametrize("audience", ["partners", "public"])
def test_plans_from_reviews_say_what_will_be_done(demo_report, audience):
    """A review's decision is said as a plan ("Change 'X' and try it again."), not as a
    bare label beside a title ("Adapt: X.")."""
    from hls_workbook.domain.model import NextStep

    report = demo_report(audience)
    from_reviews = [text for text, key in report.plans() if key == "experiments"]
    assert from_reviews
    labels = [label.split(":")[0] + ":" for label in NextStep.labels().values()]
    for text in from_reviews:
        assert not text.startswith(tuple(labels)), text
        assert text.startswith(("Do more of", "Change", "Hold", "Stop")), text

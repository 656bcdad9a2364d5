"""Right figures (issue 18): each report figure checked on a hand-made case.

- the meeting rhythm counts only meetings due by the end of the period and today, says
  how long since the last meeting (and counts that open gap in the longest gap), and
  notes meetings held on another day than agreed;
- the strip list's table and chart say the same thing, from one column;
- the team's notebook and the team report show check-in counts by one rule;
- no wellbeing headline is drawn from shown months when a later month is hidden.

Each test here failed on the code before the fix.
"""

from __future__ import annotations

import datetime as dt
import html as html_text
import re

import pandas as pd
import pytest

from hls_workbook.analysis import burden_audit, meeting_rhythm, strip_list
from hls_workbook.analysis import rhythm as rhythm_module
from hls_workbook.reporting import charts, sections
from hls_workbook.reporting.sections import Report
from hls_workbook.ui import stages
from hls_workbook.ui.stages import markup as stages_markup

PLACE = "testville"
TODAY = dt.date(2026, 11, 30)  # a Monday; the last Tuesday before it is 24 November


def _tuesdays(first: dt.date, last: dt.date) -> list[dt.date]:
    days, day = [], first
    while day <= last:
        days.append(day)
        day += dt.timedelta(days=7)
    return days


@pytest.fixture
def forum(wb):
    """A weekly forum on Tuesdays from 6 January 2026 that met every Tuesday up to
    30 June (26 meetings), once on the Wednesday (4 March, for Tuesday 3 March), and
    never since."""
    sid = wb.add("meeting_series", {"name": "Tuesday forum", "kind_of_meeting": "partnership",
                                    "cadence": "weekly", "weekday": "tuesday",
                                    "started_on": "2026-01-06"}, place=PLACE)
    days = _tuesdays(dt.date(2026, 1, 6), dt.date(2026, 6, 30))
    assert len(days) == 26
    days = [dt.date(2026, 3, 4) if d == dt.date(2026, 3, 3) else d for d in days]
    wb.add_many([("meeting", {"held_on": d, "kind_of_meeting": "partnership", "series": sid,
                              "attendance": {"charity": 3}}) for d in days], place=PLACE)
    return wb, sid


def _rhythm(wb, **kw):
    return meeting_rhythm(wb.table("meeting_series", PLACE), wb.table("meeting", PLACE), **kw)


def _notebook_table(page: str, caption: str) -> pd.DataFrame:
    """The table of a stage notebook's summary whose caption starts with ``caption``, as
    the text of its cells: the notebook's summaries are HTML only."""
    def text(cell: str) -> str:
        return html_text.unescape(re.sub(r"<[^>]+>", "", cell)).strip()

    for table in re.findall(r"<table\b.*?</table>", page, flags=re.S):
        found = re.search(r"<caption[^>]*>(.*?)</caption>", table, flags=re.S)
        if found and text(found.group(1)).startswith(caption):
            heads = [text(c) for c in re.findall(r"<th[^>]*>(.*?)</th>", table, flags=re.S)]
            body = table[table.index("<tbody>"):]
            rows = [[text(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", row, flags=re.S)]
                    for row in re.findall(r"<tr>(.*?)</tr>", body, flags=re.S)]
            return pd.DataFrame(rows, columns=heads)
    raise AssertionError(f"no table {caption!r} in the notebook's summary")


# ---------------------------------------------------------------------------
# 1. The meeting rhythm
# ---------------------------------------------------------------------------


def test_a_period_ending_in_the_future_counts_no_future_meeting_as_missed(forum):
    wb, _ = forum
    r = _rhythm(wb, start="2026-01-01", end="2026-12-31", today=TODAY)
    row = r.summary.iloc[0]
    # 47 Tuesdays from 6 January to 24 November; before, all 52 to 29 December counted.
    assert row["expected"] == 47
    assert row["kept"] == 26 and row["missed"] == 21
    assert r.expected["expected_on"].max() == pd.Timestamp("2026-11-24")
    assert (r.expected["expected_on"] <= pd.Timestamp(TODAY)).all()
    assert row["counted_to"] == pd.Timestamp(TODAY)
    # On the last day it met, nothing was missed yet, whatever the period's end.
    early = _rhythm(wb, start="2026-01-01", end="2026-12-31", today="2026-06-30")
    first = early.summary.iloc[0]
    assert first["expected"] == 26 and first["missed"] == 0
    assert first["days_since_last"] == 0


def test_the_gap_since_the_last_meeting_is_reported_and_is_the_longest(forum):
    wb, _ = forum
    row = _rhythm(wb, start="2026-01-01", end="2026-12-31", today=TODAY).summary.iloc[0]
    assert row["last_held_on"] == pd.Timestamp("2026-06-30")
    assert row["days_since_last"] == 153  # 30 June to 30 November
    assert row["longest_gap_days"] == 153  # before: 8 (24 February to Wednesday 4 March)
    # A period that ended in the past counts to its end.
    past = _rhythm(wb, start="2026-01-01", end="2026-08-31", today=TODAY).summary.iloc[0]
    assert past["expected"] == 34 and past["days_since_last"] == 62
    assert past["counted_to"] == pd.Timestamp("2026-08-31")


def test_a_meeting_on_another_day_is_kept_and_noted(forum):
    wb, _ = forum
    r = _rhythm(wb, start="2026-01-01", end="2026-12-31", today=TODAY)
    row = r.summary.iloc[0]
    assert row["kept_other_day"] == 1 and row["on_weekday"] == 25
    march3 = r.expected.set_index("expected_on").loc[pd.Timestamp("2026-03-03")]
    assert march3["kept"] and not march3["on_agreed_weekday"]


def test_the_today_default_is_the_real_today(forum, monkeypatch):
    wb, _ = forum
    monkeypatch.setattr(rhythm_module, "_today", lambda: TODAY)
    assert _rhythm(wb, end="2026-12-31").summary.iloc[0]["expected"] == 47


def test_the_rhythm_chart_says_up_to_when_the_gap_and_another_day(forum):
    wb, _ = forum
    chart = charts.rhythm_chart(wb.table("meeting_series", PLACE), wb.table("meeting", PLACE),
                                start="2026-01-01", end="2026-12-31", today=TODAY)
    assert chart.title == "We kept 26 of 47 planned meetings up to 30 Nov 2026 (55%)"
    assert "kept 26 of 47 (1 on another day than agreed)" in chart.alt_text
    assert "longest gap 153 days" in chart.alt_text
    assert "last met on 30 Jun 2026 (153 days before 30 Nov 2026)" in chart.alt_text
    table = chart.table.iloc[0]
    assert table["Planned"] == 47 and table["Missed"] == 21
    assert table["Kept on another day"] == 1
    assert table["Days since the last meeting"] == 153
    assert table["Longest gap (days)"] == 153


def test_the_report_section_and_the_notebook_give_the_same_rhythm(forum, db_path,
                                                                   monkeypatch):
    wb, _ = forum
    monkeypatch.setattr(rhythm_module, "_today", lambda: TODAY)
    monkeypatch.setattr(stages_markup, "current_day", lambda: TODAY)
    report = Report.load(db=str(db_path), place=PLACE, start="2026-01-01", end="2026-12-31",
                         audience="team")
    # Counted up to today, not to the period's end (52 Tuesdays, 25 of them kept).
    row = report.rhythm().summary.iloc[0]
    assert row["counted_to"] == pd.Timestamp(TODAY)
    assert (row["expected"], row["kept"], row["kept_other_day"]) == (47, 26, 1)
    assert (row["days_since_last"], row["longest_gap_days"]) == (153, 153)
    data = report.data("meetings")
    table = data.table("Our regular meetings").frame
    shown = {"Planned meetings held": "26 of 47 (1 on another day)", "Longest run": "26 in a row",
             "Longest gap": "153 days"}
    # Counted to a day, not "ago": the report is read long after the day it was made.
    assert table.iloc[0][[*shown, "Last met"]].tolist() == [
        *shown.values(), "30 June 2026 (153 days before 30 Nov)"]
    # Said once: the chart's title is the finding, the day it counts to included.
    html = report.render("meetings", data).html
    assert "We kept 26 of 47 planned meetings up to 30 Nov 2026 (55%)" in html, html
    # The notebook's table gives the same figures.
    notebook = _notebook_table(stages.summary_html("meeting_series", wb, place=PLACE),
                               "Our regular meetings")
    assert notebook.iloc[0][[*shown, "Last held"]].tolist() == [
        *table.iloc[0][list(shown)].tolist(), "30 June 2026 (153 days ago)"]  # live: today
    assert notebook.iloc[0]["Missed"] == "21"
    how = stages.summary_html("how_we_meet", wb, place=PLACE)
    assert "We kept 26 of the 47 regular meetings we planned, up to today." in how


def test_a_report_for_a_past_period_counts_to_its_end(forum, db_path):
    report = Report.load(db=str(db_path), place=PLACE, start="2026-01-01", end="2026-08-31",
                         audience="public")
    row = report.rhythm().summary.iloc[0]
    assert row["counted_to"] == pd.Timestamp("2026-08-31")
    assert (row["expected"], row["kept"], row["days_since_last"]) == (34, 26, 62)
    table = report.data("meetings").table("Our regular meetings").frame
    assert table.iloc[0][["Planned meetings held", "Last met"]].tolist() == [
        "26 of 34 (1 on another day)", "30 June 2026 (62 days before 31 Aug)"]


# ---------------------------------------------------------------------------
# 2. The strip list: one source for its table and its chart
# ---------------------------------------------------------------------------


def _requirements(wb) -> None:
    """Four requirements: (a) never used, the team proposes to share it; (b) repeated by
    another funder, the team proposes to stop it; (c) never used, no proposal; (d) the
    team proposes to simplify it, though it is never used."""
    def item(requirement, funder, freq, hours, used, same=None, action=None):
        return ("burden", {
            "requirement": requirement, "funder": funder, "organisation": "Open Door",
            "frequency_per_year": freq, "hours_each": hours, "staff_cost_per_hour": 20.0,
            "grant_value": 50_000, "used_in_decisions": used, "duplicate_of": same,
            "proposed_action": action})

    wb.add_many([
        item("Outcome upload", "Trust A", 4, 5, "no", action="share"),
        item("Quarterly return", "Trust B", 4, 5, "yes", same="Outcome upload (Trust A)",
             action="stop"),
        item("Case study", "Trust B", 2, 4, "no"),
        item("Budget report", "Trust A", 4, 3, "no", action="simplify"),
    ], place=PLACE)


def test_the_strip_list_says_once_what_is_proposed_and_why(wb):
    _requirements(wb)
    s = strip_list(wb.table("burden", PLACE)).set_index("requirement")
    assert s.loc["Outcome upload", "suggested_action"] == "stop"
    assert s.loc["Outcome upload", "action"] == "share"  # the team's proposal wins
    assert s.loc["Outcome upload", "action_by"] == "the team"
    assert s.loc["Outcome upload", "why"] == ("The team proposed it; its answers are never "
                                             "used in decisions.")
    assert s.loc["Quarterly return", "action"] == "stop"
    assert s.loc["Case study", "action"] == "stop"
    assert s.loc["Case study", "action_by"] == "suggested"
    assert s.loc["Case study", "why"] == "Suggested because its answers are never used in " \
                                         "decisions."
    assert s.loc["Case study", "action_label"] == "Stop asking for it"
    # Hours freed follow what is proposed: simplifying frees an unknown number of hours.
    assert s.loc["Outcome upload", "hours_freed"] == 20.0
    assert pd.isna(s.loc["Budget report", "hours_freed"])


def test_the_strip_table_and_chart_agree(wb, db_path):
    _requirements(wb)
    audit = burden_audit(wb.table("burden", PLACE))
    chart = charts.strip_chart(audit)
    in_chart = dict(zip(chart.table["Requirement"], chart.table["What we propose"],
                        strict=True))
    assert in_chart["Outcome upload"] == "Share one answer with every funder"
    assert in_chart["Budget report"] == "Make it simpler"
    report = Report.load(db=str(db_path), place=PLACE, start="2026-01-01", end="2026-12-31",
                         audience="team")
    strip = report.data("relationships").table("The strip list").frame
    assert dict(zip(strip["Requirement"], strip["What we propose"], strict=True)) == in_chart
    notebook = _notebook_table(stages.summary_html("burden", wb, place=PLACE),
                               "Top of the strip list")
    assert dict(zip(notebook["Requirement"], notebook["What we propose"], strict=True)) \
        == in_chart


# ---------------------------------------------------------------------------
# 3. Check-ins: the team's notebook and the team report, one rule
# ---------------------------------------------------------------------------


def test_the_notebook_shows_check_in_counts_as_the_team_report_does(wb, db_path):
    wb.add_many([("checkin", {"emotional_load": 8, "role": "charity",
                              "checked_in_on": "2026-10-05"})]
                + [("checkin", {"emotional_load": 4, "role": "charity",
                                "checked_in_on": "2026-11-0" + str(i)}) for i in (2, 3, 4)],
                place=PLACE)
    report = Report.load(db=str(db_path), place=PLACE, start="2026-01-01", end="2026-12-31",
                         audience="team")
    caption = "Anonymous check-ins"
    in_report = report.data("relationships").table(caption).frame
    in_notebook = _notebook_table(stages.summary_html("checkins", wb, place=PLACE), caption)
    heavy = "How heavy the work felt (0-10)"
    assert in_report.to_dict("records") == [
        {"Month": "2026-10", heavy: "hidden", "Check-ins": "1"},
        {"Month": "2026-11", heavy: "hidden", "Check-ins": "3"}]
    # The notebook orders its columns otherwise (month, count, mean): the same cells.
    assert in_notebook.to_dict("records") == in_report.to_dict("records")
    # The public still sees no small count.
    public = Report.load(db=str(db_path), place=PLACE, start="2026-01-01", end="2026-12-31",
                         audience="public").data("relationships").table(caption).frame
    assert public["Check-ins"].tolist() == ["hidden", "hidden"]


# ---------------------------------------------------------------------------
# 4. No wellbeing headline that a hidden later month contradicts
# ---------------------------------------------------------------------------


def _checkins(wb, months: dict[str, tuple[int, int]]) -> None:
    wb.add_many([("checkin", {"emotional_load": load, "role": "charity",
                              "checked_in_on": f"{month}-0{1 + i % 9}"})
                 for month, (n, load) in months.items() for i in range(n)], place=PLACE)


def test_no_headline_from_shown_months_when_the_latest_is_hidden(wb):
    # Lighter from 7 to 4 in the months shown; the latest month, hidden, averaged 8.
    _checkins(wb, {"2026-09": (5, 7), "2026-10": (5, 4), "2026-11": (3, 8)})
    chart = charts.checkin_chart(wb.table("checkin", PLACE))
    assert "lighter" not in chart.title and "heavier" not in chart.title
    assert chart.title == ("How heavy the work feels: Nov 2026, the latest month, had too "
                           "few check-ins to show")
    assert "The latest month, Nov 2026, is one of them" in chart.alt_text


def test_a_hidden_month_before_the_latest_keeps_the_headline(wb):
    _checkins(wb, {"2026-09": (5, 7), "2026-10": (3, 8), "2026-11": (5, 4)})
    chart = charts.checkin_chart(wb.table("checkin", PLACE))
    assert chart.title == "The work felt lighter: from 7.0 in Sep 2026 to 4.0 in Nov 2026"


def test_sections_helpers_are_used(forum):
    """The report's rhythm sentence is built by one helper, from the analysis."""
    wb, _ = forum
    summary = _rhythm(wb, start="2026-01-01", end="2026-12-31", today=TODAY).summary
    text = sections.rhythm_findings(summary)
    assert "We held 26 of the 47 regular meetings we planned up to 30 November 2026" in text


def test_a_requirement_the_team_keeps_frees_nothing(wb):
    wb.add("burden", {"requirement": "Annual survey", "funder": "Trust A",
                      "organisation": "Open Door", "frequency_per_year": 1, "hours_each": 10,
                      "staff_cost_per_hour": 20.0, "used_in_decisions": "no",
                      "proposed_action": "keep"}, place=PLACE)
    wb.add("burden", {"requirement": "Case study", "funder": "Trust A",
                      "organisation": "Open Door", "frequency_per_year": 2, "hours_each": 4,
                      "staff_cost_per_hour": 20.0, "used_in_decisions": "no"}, place=PLACE)
    audit = burden_audit(wb.table("burden", PLACE))
    s = audit.strip_list.set_index("requirement")
    assert s.loc["Annual survey", "suggested_action"] == "stop"
    assert s.loc["Annual survey", "action_label"] == "Keep it"
    assert s.loc["Annual survey", "hours_freed"] == 0.0
    assert audit.hours_freed == 8.0
    chart = charts.strip_chart(audit)
    assert chart.title == "Stopping or sharing 1 requirement would free 8 hours a year"
    assert "The team proposes to keep 1 more requirement on the list." in chart.alt_text



def test_a_proposal_to_simplify_frees_some_hours_not_unknown_ones(demo_report):
    """The strip list said "unknown" for what simplifying frees, beside a sentence that
    counts requirements whose own hours are unknown: two different things."""
    report = demo_report("partners")
    strip = report.data("relationships").table("The strip list").frame
    listed = report.audit().strip_list.set_index("requirement")
    simplify = [r for r in strip.to_dict("records")
                if listed.loc[r["Requirement"], "action"] == "simplify"]
    assert simplify
    for row in simplify:
        assert row["Hours a year it would free"] == "some: it depends on the simpler form"
    # Stopping or sharing frees all of a requirement's own hours: unknown when they are.
    for row in strip.to_dict("records"):
        if row["Hours a year it would free"] == "unknown":
            assert listed.loc[row["Requirement"], "action"] in ("stop", "share")

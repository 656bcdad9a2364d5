"""Charts: finding titles, alt text, data tables, PNG and data URIs; kind when empty."""

from __future__ import annotations

import base64
import dataclasses
import re
import subprocess
import sys

import pandas as pd
import pytest

from hls_workbook import analysis as an
from hls_workbook.reporting import charts
from hls_workbook.reporting.charts import Chart

PLACE = "testville"
DEMO = "millbrook"


def t(wb, kind, place=PLACE):
    return wb.table(kind, place)


def all_charts(wb, place):
    return {
        "participation": charts.participation_chart(t(wb, "contribution", place),
                                                    t(wb, "meeting", place)),
        "decisions": charts.decisions_chart(t(wb, "decision", place)),
        "rhythm": charts.rhythm_chart(t(wb, "meeting_series", place), t(wb, "meeting", place)),
        "attendance": charts.attendance_chart(t(wb, "meeting", place)),
        "burden": charts.burden_chart(t(wb, "burden", place)),
        "strip": charts.strip_chart(t(wb, "burden", place)),
        "learning": charts.learning_chart(t(wb, "learning", place), t(wb, "share", place)),
        "reviews": charts.reviews_chart(t(wb, "experiment", place), t(wb, "review", place)),
        "portfolio": charts.portfolio_chart(t(wb, "experiment", place)),
        "pulse": charts.pulse_chart(t(wb, "pulse", place)),
        "checkin": charts.checkin_chart(t(wb, "checkin", place)),
    }


def bar_pieces(chart: Chart) -> int:
    """How many rectangles a chart draws: bars, and the pieces of stacked bars (drawn as
    one collection a part)."""
    return sum(len(ax.patches) + sum(len(c.get_paths()) for c in ax.collections)
               for ax in chart.figure.axes)


def is_png(data: bytes) -> bool:
    return data.startswith(b"\x89PNG\r\n\x1a\n")


def test_empty_data_gives_a_kind_empty_chart(wb):
    for name, chart in all_charts(wb, PLACE).items():
        assert isinstance(chart, Chart), name
        assert chart.figure is None and chart.empty, name
        assert chart.title.endswith("nothing to show yet"), name
        assert "recorded yet" in chart.alt_text, name
        assert chart.to_png() == b"" and chart.to_data_uri() == "", name
        assert chart.table.empty, name
        assert "nothing to show yet" in chart._repr_html_()
    assert charts.participation_chart(None).empty
    assert charts.burden_chart(pd.DataFrame()).empty


def test_participation_chart_by_hand(wb):
    m1 = wb.add("meeting", {"held_on": "2026-01-06", "kind_of_meeting": "partnership"},
                place=PLACE)
    m2 = wb.add("meeting", {"held_on": "2026-01-13", "kind_of_meeting": "partnership"},
                place=PLACE)
    wb.add_many([
        ("contribution", {"meeting": m1, "speaker": "A", "role": "commissioner", "minutes": 9}),
        ("contribution", {"meeting": m1, "speaker": "B", "role": "charity", "minutes": 3}),
        ("contribution", {"meeting": m2, "speaker": "A", "role": "commissioner", "minutes": 1}),
        ("contribution", {"meeting": m2, "speaker": "C", "role": "lived_experience",
                          "minutes": 7}),
    ], place=PLACE)
    chart = charts.participation_chart(t(wb, "contribution"), t(wb, "meeting"))
    assert chart.title == "Commissioners or funders spoke most: 50% of the time"
    assert "In the 2 meetings recorded, commissioners or funders spoke 50% of the time." \
        in chart.alt_text
    assert "from 6 Jan 2026 to 13 Jan 2026" in chart.alt_text
    assert list(chart.table.columns) == ["Meeting date", "Commissioner or funder", "Charity",
                                         "Community group", "Public service",
                                         "People with lived experience", "Other"]
    assert list(chart.table["Commissioner or funder"]) == [75.0, 12.5]
    assert list(chart.table["People with lived experience"]) == [0.0, 87.5]
    png = chart.to_png()
    assert is_png(png)
    uri = charts.to_data_uri(chart)
    assert uri.startswith("data:image/png;base64,")
    assert is_png(base64.b64decode(uri.split(",", 1)[1]))
    last = charts.participation_chart(t(wb, "contribution"), t(wb, "meeting"), last_n=1)
    assert last.title == ("People with lived experience spoke most: 88% of the time in the "
                          "last meeting")


def test_burden_and_strip_chart_by_hand(wb):
    wb.add_many([
        ("burden", {"requirement": "Quarterly return", "funder": "Council",
                    "organisation": "Open Door", "frequency_per_year": 4, "hours_each": 6,
                    "staff_cost_per_hour": 20, "grant_value": 40_000, "used_in_decisions": "no"}),
        ("burden", {"requirement": "Form <b>A</b>", "funder": "Fund $5 and $",
                    "organisation": "Open Door", "frequency_per_year": 2, "hours_each": None}),
    ], place=PLACE)
    chart = charts.burden_chart(t(wb, "burden"))
    assert chart.title == "Funding paperwork takes at least 24 staff hours a year, 1.2% of grants"
    assert "Hours are not known for one of them." in chart.alt_text
    assert list(chart.table["Funder"]) == ["Council", "Fund $5 and $"]
    assert list(chart.table["Hours a year"]) == [24.0, 0.0]
    assert list(chart.table["Hours unknown"]) == [0, 1]
    assert is_png(chart.to_png())  # a '$' in a funder's name does not break the drawing
    # The axis is drawn as far as the longest bar (24 h), not on under the notes beside it.
    [ax] = chart.figure.axes
    ticks = list(ax.get_xticks())
    assert ticks[-1] >= 24 and (len(ticks) < 2 or ticks[-2] < 24)
    assert ax.get_xlim()[1] > ticks[-1]
    from hls_workbook.analysis import burden_audit

    assert charts.burden_chart(burden_audit(t(wb, "burden"))).title == chart.title
    strip = charts.strip_chart(t(wb, "burden"))
    assert strip.title == "Stopping or sharing 1 requirement would free 24 hours a year"
    assert list(strip.table["What we propose"]) == ["Stop asking for it"]
    assert is_png(strip.to_png())


def test_rhythm_chart_by_hand(wb):
    sid = wb.add("meeting_series", {"name": "Tuesday forum", "kind_of_meeting": "partnership",
                                    "cadence": "weekly", "weekday": "tuesday",
                                    "started_on": "2026-01-06"}, place=PLACE)
    for day in ("2026-01-06", "2026-01-13", "2026-01-21", "2026-02-03", "2026-02-10"):
        wb.add("meeting", {"held_on": day, "kind_of_meeting": "partnership", "series": sid,
                           "attendance": {"charity": 2, "lived_experience": 1}}, place=PLACE)
    chart = charts.rhythm_chart(t(wb, "meeting_series"), t(wb, "meeting"), end="2026-02-17")
    assert chart.title == "We kept 5 of 7 planned meetings up to 17 Feb 2026 (71%)"
    assert "Tuesday forum (weekly, on Tuesdays): kept 5 of 7" in chart.alt_text
    assert chart.table.iloc[0]["On the agreed day"] == 4
    # Months as a reader says them, the year once, and none beyond the last date counted.
    [ax] = chart.figure.axes
    assert [label.get_text() for label in ax.get_xticklabels()] == ["Feb"]
    assert ax.get_xlabel() == "2026"
    assert is_png(chart.to_png())
    from hls_workbook.analysis import meeting_rhythm

    again = charts.rhythm_chart(meeting_rhythm(t(wb, "meeting_series"), t(wb, "meeting"),
                                               end="2026-02-17"))
    assert again.title == chart.title and again.alt_text == chart.alt_text
    att = charts.attendance_chart(t(wb, "meeting"))
    assert att.title == "People with lived experience came to 5 of 5 meetings"
    assert "Nobody came from: Commissioner or funder" in att.alt_text
    assert is_png(att.to_png())


def test_pulse_chart_hides_small_groups(wb):
    items = [("pulse", {"statement": "equal_partners", "score": s, "role": "charity",
                        "period": "2026-Q1"}) for s in (4, 5, 6, 7, 8)]
    items += [("pulse", {"statement": "equal_partners", "score": s, "role": "charity",
                         "period": "2026-Q2"}) for s in (6, 6, 7, 7, 9)]
    items += [("pulse", {"statement": "leaders_trust", "score": 2, "role": "commissioner",
                         "period": "2026-Q2"})]
    wb.add_many(items, place=PLACE)
    chart = charts.pulse_chart(t(wb, "pulse"))
    assert chart.title == ("Lowest score in 2026-Q2: \u201cWe work as equal partners, not as "
                           "competitors for…\u201d, 7.0 out of 10")
    assert "1 statement had fewer than 5 answers and is hidden." in chart.alt_text
    assert "(+1.0)" in chart.alt_text
    # Statements in plain words, never by a practice's code (RC1, ES1...).
    table = chart.table.set_index("Statement")
    equal = "We work as equal partners, not as competitors for funding."
    trust = [x for x in table.index if x != equal][0]
    assert table.loc[equal, "Mean score"] == "7.0" and table.loc[equal, "Change"] == "1.0"
    assert table.loc[trust, "Mean score"] == "hidden" and table.loc[trust, "Change"] == "hidden"
    assert "responses" not in chart.table.columns  # counts are not part of the chart
    assert is_png(chart.to_png())
    few = charts.pulse_chart(t(wb, "pulse"), min_group=6)
    assert few.title == "Behaviour pulse 2026-Q2: too few answers to show any statement yet"


def test_checkin_chart_by_hand(wb):
    items = [("checkin", {"emotional_load": 8, "role": "charity", "checked_in_on": "2026-01-05"})
             for _ in range(5)]
    items += [("checkin", {"emotional_load": 5, "role": "charity",
                           "checked_in_on": "2026-02-05"}) for _ in range(5)]
    items += [("checkin", {"emotional_load": 1, "role": "charity", "checked_in_on": "2026-03-05"})]
    wb.add_many(items, place=PLACE)
    chart = charts.checkin_chart(t(wb, "checkin"))
    # March, the latest month, is hidden: no headline from January and February, which
    # March could contradict.
    assert chart.title == ("How heavy the work feels: Mar 2026, the latest month, had too "
                           "few check-ins to show")
    assert "lighter" not in chart.title
    assert "1 month had fewer than 5 check-ins and is hidden." in chart.alt_text
    assert list(chart.table["Mean load"]) == ["8.0", "5.0", "hidden"]
    assert is_png(chart.to_png())


def test_chart_is_frozen_and_html_is_escaped(wb):
    wb.add("burden", {"requirement": "<script>alert(1)</script>", "funder": "Council",
                      "organisation": "Open Door", "frequency_per_year": 1, "hours_each": 2,
                      "used_in_decisions": "no"}, place=PLACE)
    chart = charts.strip_chart(t(wb, "burden"))
    with pytest.raises(dataclasses.FrozenInstanceError):
        chart.title = "changed"  # type: ignore[misc]
    page = chart._repr_html_()
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert page.startswith("<figure><img src=\"data:image/png;base64,")


def test_no_pyplot_figures_left_open(wb):
    import matplotlib.pyplot as plt

    before = len(plt.get_fignums())
    all_charts(wb, PLACE)
    wb.add("experiment", {"title": "Try", "intended_results": "x", "safe_to_fail_bounds": "y",
                          "proposed_by": "charity"}, place=PLACE)
    charts.portfolio_chart(t(wb, "experiment")).to_png()
    assert len(plt.get_fignums()) == before


def test_import_stays_light():
    code = ("import sys, hls_workbook, hls_workbook.reporting.charts, hls_workbook.analysis; "
            "print('matplotlib' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "False"


def test_demo_charts(demo_wb):
    made = all_charts(demo_wb, DEMO)
    for name, chart in made.items():
        assert chart.figure is not None, name
        assert chart.title and "nothing to show" not in chart.title, name
        assert len(chart.alt_text) > 60, name
        assert not chart.table.empty, name
        assert is_png(chart.to_png(dpi=50)), name
    meetings = demo_wb.table("meeting", DEMO)
    series = demo_wb.table("meeting_series", DEMO)
    rhythm = an.meeting_rhythm(series, meetings).summary
    assert made["rhythm"].table[["Meeting", "Planned", "Kept"]].values.tolist() == \
        rhythm[["name", "expected", "kept"]].values.tolist()
    assert len(rhythm) == len(series)
    assert rhythm["kept"].sum() <= meetings["series"].notna().sum()
    assert made["participation"].title.endswith("in the last 8 meetings")
    learning = demo_wb.table("learning", DEMO)
    reach = an.reach_by_part(learning, demo_wb.table("share", DEMO))
    shared = made["learning"].table.set_index("Part of the system")
    assert shared["Pieces of learning shared with them"].to_dict() == dict(
        zip(reach["label"], reach["learning_reached"], strict=True))
    least = reach[reach["part"] != "other"].sort_values("learning_reached", kind="stable").iloc[0]
    assert made["learning"].title == (f"{least['label']} heard the least: "
                                      f"{least['learning_reached']} of {len(learning)} "
                                      "pieces of learning")
    # Every experiment once by how new it is, and once by its risk, in its proposer's row.
    experiments = demo_wb.table("experiment", DEMO)
    portfolio = made["portfolio"].table.set_index("Whose idea")
    novelty = ["New people and a new setting", "New people only", "A new setting only",
               "Neither"]
    risk = ["Low risk", "Medium risk", "High risk"]
    proposers = experiments["proposed_by"].map(an.PART_LABELS).value_counts()
    assert portfolio[novelty].sum(axis=1).to_dict() == portfolio[risk].sum(axis=1).to_dict()
    assert portfolio[novelty].sum(axis=1)[lambda n: n > 0].to_dict() == proposers.to_dict()


@pytest.mark.filterwarnings("error")
def test_sparse_data_reads_well(wb):
    m = wb.add("meeting", {"held_on": "2026-01-06", "kind_of_meeting": "partnership"},
               place=PLACE)
    wb.add("contribution", {"meeting": m, "speaker": "A", "role": "charity", "minutes": 0},
           place=PLACE)
    wb.add("meeting_series", {"name": "Forum", "kind_of_meeting": "partnership",
                              "cadence": "weekly", "weekday": "monday",
                              "started_on": "2026-01-05"}, place=PLACE)
    wb.add("pulse", {"statement": "equal_partners", "score": 3, "role": "charity",
                     "period": "2026-Q1"}, place=PLACE)
    wb.add("checkin", {"emotional_load": 3, "role": "charity", "checked_in_on": "2026-01-01"},
           place=PLACE)
    wb.add("learning", {"kind_of_learning": "surprise", "title": "x", "observation": "y",
                        "event_on": "2026-01-01", "recorded_on": "2026-01-02"}, place=PLACE)
    wb.add("experiment", {"title": "x", "intended_results": "y", "safe_to_fail_bounds": "z",
                          "proposed_by": "charity", "status": "ended"}, place=PLACE)
    made = all_charts(wb, PLACE)
    assert made["participation"].empty  # zero minutes: nothing to show, no error
    assert made["rhythm"].title == "We kept 0 of 1 planned meeting up to 6 Jan 2026 (0%)"
    assert made["attendance"].title == "People with lived experience came to 0 of 1 meeting"
    assert made["pulse"].title == ("Behaviour pulse 2026-Q1: too few answers to show any "
                                   "statement yet")
    assert made["checkin"].title == "How heavy the work feels: too few check-ins to show yet"
    assert made["learning"].title == ("1 piece of learning recorded, none shared with "
                                      "another part of the system yet")
    assert "1 piece of learning" in made["learning"].alt_text
    assert made["reviews"].title == "No reviews yet: 1 finished experiment is waiting for one"
    assert made["portfolio"].title == ("1 experiment from 1 part of the system; 0 try new "
                                       "people or settings")
    for name, chart in made.items():
        if chart.figure is not None:
            assert is_png(chart.to_png(dpi=40)), name


# ---------------------------------------------------------------------------
# Big places: charts keep their size (bars by week or month, the largest and the rest)
# ---------------------------------------------------------------------------


def _weeks_of_meetings(wb, weeks: int, per_week: int, series: int | None = None) -> None:
    """`per_week` meetings every week from Monday 5 January: in week k, charities speak
    k + 1 minutes and commissioners 1 minute; 2 charity people and k % 2 people with lived
    experience come."""
    items = []
    for k in range(weeks):
        for d in range(per_week):
            day = (pd.Timestamp("2026-01-05") + pd.Timedelta(days=7 * k + d)).date()
            items.append(("meeting", {"held_on": day, "kind_of_meeting": "partnership",
                                      "series": series,
                                      "attendance": {"charity": 2, "lived_experience": k % 2}}))
    ids = wb.add_many(items, place=PLACE)
    speech = []
    for n, mid in enumerate(ids):
        k = n // per_week
        speech += [("contribution", {"meeting": mid, "speaker": "A", "role": "charity",
                                     "minutes": k + 1}),
                   ("contribution", {"meeting": mid, "speaker": "B", "role": "commissioner",
                                     "minutes": 1})]
    wb.add_many(speech, place=PLACE)


def test_up_to_max_bars_meetings_get_a_bar_each(wb):
    _weeks_of_meetings(wb, weeks=8, per_week=5)  # 40 meetings
    assert charts.MAX_BARS == 40 and charts.bins.MAX_ROWS == 12
    # Who spoke has a row of numbers a bar: over 12 meetings, a bar (and a row) a week.
    part = charts.participation_chart(t(wb, "contribution"), t(wb, "meeting"))
    assert list(part.table.columns)[0] == "Week starting" and len(part.table) == 8
    att = charts.attendance_chart(t(wb, "meeting"))
    assert list(att.table.columns)[0] == "Part of the system"  # the per-part summary
    # A bar a meeting: charities came to all 40, people with lived experience to the 20
    # of every other week (nothing is drawn for nobody).
    assert bar_pieces(att) == 40 + 20


def test_more_meetings_are_drawn_week_by_week(wb):
    _weeks_of_meetings(wb, weeks=9, per_week=5)  # 45 meetings: a bar per week
    part = charts.participation_chart(t(wb, "contribution"), t(wb, "meeting"))
    assert list(part.table.columns)[:3] == ["Week starting", "Commissioner or funder",
                                            "Charity"]
    assert len(part.table) == 9
    # Week k: charities k + 1 minutes of k + 2, in every meeting of the week.
    assert list(part.table["Charity"]) == [round(100 * (k + 1) / (k + 2), 1) for k in range(9)]
    assert part.table["Week starting"].iloc[1] == "12 Jan 2026"
    bars = bar_pieces(part)
    assert bars == 9 * 2  # two parts spoke: two pieces a bar, not a bar a meeting
    # The title and the sentence still count the last 8 meetings and all 45.
    assert part.title == "Charities spoke most: 90% of the time in the last 8 meetings"
    assert "week by week: 45 meetings from 5 Jan 2026 to 6 Mar 2026" in part.alt_text
    att = charts.attendance_chart(t(wb, "meeting"))
    assert att.title == "People with lived experience came to 20 of 45 meetings"
    assert list(att.table["Charity"]) == [2.0] * 9
    assert list(att.table["People with lived experience"]) == [k % 2 for k in range(9)]
    assert "on average a meeting, week by week: 45 meetings" in att.alt_text
    assert is_png(part.to_png()) and is_png(att.to_png())


def test_a_long_stretch_is_drawn_month_by_month():
    from hls_workbook.reporting.charts.bins import time_bins

    days = pd.Series(pd.date_range("2026-01-01", periods=300, freq="D"))
    bins = time_bins(days)
    assert bins.unit == "month" and bins.header == "Month" and len(bins.labels) == 10
    assert bins.labels[0] == "Jan 2026" and bins.position.iloc[-1] == 9
    years = pd.Series(pd.to_datetime(["2020-02-01", "2026-12-31"]))
    assert time_bins(years).unit == "quarter"
    assert time_bins(years).labels[0] == "Jan-Mar 2020"
    few = time_bins(pd.Series(pd.to_datetime(["2026-01-05", "2026-01-21"])))
    assert few.unit == "week" and few.labels == ["5 Jan 2026", "12 Jan 2026", "19 Jan 2026"]
    assert list(few.position) == [0, 2]  # the empty week keeps its place
    undated = time_bins(pd.Series([pd.NaT] * 90), limit=40)
    assert undated.unit == "meetings" and undated.labels[0] == "1-3" and len(undated.labels) == 30


def test_many_regular_meetings_are_counted_week_by_week(wb):
    items = [("meeting_series", {"name": f"Group {i:02d}", "kind_of_meeting": "partnership",
                                 "cadence": "weekly", "weekday": "monday",
                                 "started_on": "2026-01-05"}) for i in range(charts.TOP_N + 1)]
    sids = wb.add_many(items, place=PLACE)
    # Every group meets on the Mondays of weeks 1 and 3; group 0 also in week 2.
    wb.add_many([("meeting", {"held_on": day, "kind_of_meeting": "partnership", "series": s})
                 for s in sids for day in ("2026-01-05", "2026-01-19")]
                + [("meeting", {"held_on": "2026-01-13", "kind_of_meeting": "partnership",
                                "series": sids[0]})], place=PLACE)
    chart = charts.rhythm_chart(t(wb, "meeting_series"), t(wb, "meeting"), end="2026-01-25")
    assert chart.title == "We kept 33 of 48 planned meetings up to 25 Jan 2026 (69%)"
    table = chart.table.set_index("Week starting")
    assert list(table.index) == ["5 Jan 2026", "12 Jan 2026", "19 Jan 2026"]
    assert list(table["Planned"]) == [16, 16, 16]
    assert list(table["Kept on the agreed day"]) == [16, 0, 16]
    assert list(table["Kept on another day"]) == [0, 1, 0]  # a Tuesday
    assert list(table["Missed"]) == [0, 15, 0]
    assert "of 16 regular meetings, week by week" in chart.alt_text
    assert "Most were missed in the week of 12 Jan 2026: 15 of 16." in chart.alt_text
    assert is_png(chart.to_png())
    fewer = charts.rhythm_chart(t(wb, "meeting_series").iloc[:charts.TOP_N],
                                t(wb, "meeting"), end="2026-01-25")
    assert len(fewer.table) == charts.TOP_N and "Meeting" in fewer.table.columns


def test_long_strip_list_and_many_funders_keep_the_largest(wb):
    n = charts.TOP_N + 5
    wb.add_many([item for i in range(n) for item in [
        ("burden", {"requirement": f"Return {i:02d}", "funder": f"Funder {i:02d}",
                    "organisation": "Open Door", "frequency_per_year": 1,
                    "hours_each": i + 1, "staff_cost_per_hour": 10, "grant_value": 1000,
                    "used_in_decisions": "no"})]], place=PLACE)
    strip = charts.strip_chart(t(wb, "burden"))
    total = sum(range(1, n + 1))
    assert strip.title == f"Stopping or sharing {n} requirements would free {total} hours a year"
    assert len(strip.table) == charts.TOP_N + 1
    assert list(strip.table["Hours freed"])[:2] == [float(n), float(n - 1)]
    last = strip.table.iloc[-1]
    assert last["Requirement"] == "The other 5 requirements"
    assert last["Hours freed"] == float(sum(range(1, 6))) and pd.isna(last["Rank"])
    assert "The first 15 are shown one by one and the other 5 together (15 hours)." \
        in strip.alt_text
    assert sum(len(ax.patches) for ax in strip.figure.axes) == charts.TOP_N + 1
    burden = charts.burden_chart(t(wb, "burden"))
    assert len(burden.table) == charts.TOP_N + 1
    rest = burden.table.iloc[-1]
    assert rest["Funder"] == "The other 5 funders" and rest["Requirements"] == 5
    assert rest["Hours a year"] == 15.0 and rest["Grant value (£)"] == 5000.0
    assert rest["Share of grant (%)"] == 3.0  # £150 of £5,000
    assert f"for {n} funders: the 15 taking most hours one by one, and the other 5 " \
        "together" in burden.alt_text
    assert is_png(strip.to_png()) and is_png(burden.to_png())


def test_meetings_without_dates_are_grouped_in_order(wb):
    """Contributions alone (no meetings table, so no dates): bars are groups of meetings."""
    _weeks_of_meetings(wb, weeks=9, per_week=5)
    chart = charts.participation_chart(t(wb, "contribution"))
    assert list(chart.table.columns)[0] == "Meetings"
    assert list(chart.table["Meetings"])[:2] == ["1-4", "5-8"] and len(chart.table) == 12
    assert "in groups of meetings: 45 meetings, each bar" in chart.alt_text
    assert "the average of the meetings in that group." in chart.alt_text


def test_svg_keeps_text_as_text_and_stands_alone(wb):
    """A chart as inline SVG: real text no smaller than charts.SMALL, a viewBox and no fixed
    size, one image named by its alt text, ids of its own, nothing from outside."""
    m1 = wb.add("meeting", {"held_on": "2026-01-06", "kind_of_meeting": "partnership",
                            "attendance": {"charity": 3, "lived_experience": 2}}, place=PLACE)
    wb.add("contribution", {"meeting": m1, "speaker": "A", "role": "charity", "minutes": 9},
           place=PLACE)
    wb.add("decision", {"text": "Keep it", "decided_on": "2026-01-06",
                        "proposer_role": "charity", "shaped_by": ["lived_experience"]},
           place=PLACE)
    first = charts.decisions_chart(t(wb, "decision"))
    second = charts.attendance_chart(t(wb, "meeting"))
    one, two = charts.to_svg(first), charts.to_svg(second)
    for svg, chart in ((one, first), (two, second)):
        assert svg.startswith("<svg ") and svg.endswith("</svg>")
        head = svg[:svg.index(">")]
        assert 'role="img"' in head and "viewBox=" in head
        assert " width=" not in head and " height=" not in head
        title = re.search(r'<title id="([^"]+)">(.*?)</title>', svg)
        assert title.group(2) == chart.alt_text and f'aria-labelledby="{title.group(1)}"' in head
        texts = re.findall(r"<text\b[^>]*>([^<]*)</text>", svg)
        assert "Decisions" in texts or "People" in texts  # axis labels are text, not paths
        sizes = [float(x) for x in re.findall(r"font-size: ([\d.]+)px", svg)]
        assert sizes and min(sizes) >= charts.SMALL
        for kind in ("<!--", "<metadata", "<style", "<image", "<?xml", "font-face"):
            assert kind not in svg, kind
        refs = re.findall(r'href="([^"]*)"|url\(([^)]*)\)', svg)
        assert all((a or b).startswith("#") for a, b in refs), refs
    ids = re.findall(r'\sid="([^"]+)"', one + two)
    assert len(ids) == len(set(ids)), "two charts on one page share an id"
    assert charts.to_svg(charts.decisions_chart(None)) == ""


def test_legends_name_only_what_is_drawn(wb):
    """Every meeting kept on its day: the legend has no 'Kept, on another day' nor
    'Missed'."""
    sid = wb.add("meeting_series", {"name": "Tuesday forum", "kind_of_meeting": "partnership",
                                    "cadence": "weekly", "weekday": "tuesday",
                                    "started_on": "2026-01-06"}, place=PLACE)
    for day in ("2026-01-06", "2026-01-13", "2026-01-20"):
        wb.add("meeting", {"held_on": day, "kind_of_meeting": "partnership", "series": sid},
               place=PLACE)
    chart = charts.rhythm_chart(t(wb, "meeting_series"), t(wb, "meeting"),
                                start="2026-01-01", end="2026-01-20", today="2026-01-20")
    legend = chart.figure.legends + [ax.get_legend() for ax in chart.figure.axes
                                     if ax.get_legend()]
    labels = [x.get_text() for lg in legend for x in lg.get_texts()]
    assert labels and all("another day" not in x and x != "Missed" for x in labels), labels


def test_pulse_labels_are_plain_words(wb):
    from hls_workbook.domain.model import Statement

    for statement in list(Statement.labels())[:2]:
        for score in range(6):
            wb.add("pulse", {"statement": statement, "score": score, "role": "charity",
                             "period": "2026-Q1", "answered_on": "2026-02-02"}, place=PLACE)
    chart = charts.pulse_chart(t(wb, "pulse"))
    ticks = [x.get_text() for x in chart.figure.axes[0].get_yticklabels()]
    assert ticks and not any(re.match(r"[A-Z]{2}\d", x) for x in ticks), ticks
    assert "Practice" not in chart.table.columns


def _colours(chart: Chart) -> set[str]:
    from matplotlib.colors import to_hex

    bars = {to_hex(p.get_facecolor()) for ax in chart.figure.axes for p in ax.patches
            if p.get_height() and p.get_width()}
    return bars | {to_hex(colour) for ax in chart.figure.axes for c in ax.collections
                   if len(c.get_paths()) for colour in c.get_facecolor()}


def test_stacked_charts_use_few_colours_and_name_only_what_is_drawn(demo_wb):
    """Every part came to the demo's meetings, yet a stacked chart colours at most three
    and draws the rest as one grey piece; each legend entry is a piece that is drawn."""
    from matplotlib.colors import to_hex

    for name in ("participation", "attendance"):
        chart = all_charts(demo_wb, DEMO)[name]
        colours = _colours(chart)
        assert len(colours) <= 4 and to_hex(charts.GREY) in colours, (name, colours)
        labels = [" ".join(x.get_text().split()) for lg in chart.figure.legends
                  for x in lg.get_texts()]
        assert labels[-1] == "Other parts, together" and len(labels) == len(colours), labels
        assert "People with lived experience" in labels  # the part the title speaks of
        # The numbers table still has each part that the grey piece holds.
        parts = (list(chart.table["Part of the system"]) if name == "attendance"
                 else list(chart.table.columns[1:]))
        assert len(parts) > 3, parts


def test_no_demo_chart_has_more_than_four_colours(demo_wb):
    from matplotlib.colors import to_hex

    for name, chart in all_charts(demo_wb, DEMO).items():
        if chart.figure is not None:
            assert len(_colours(chart) - {to_hex(charts.GREY)}) <= 4, name

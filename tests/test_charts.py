"""Charts: finding titles, alt text, data tables, PNG and data URIs; kind when empty."""

from __future__ import annotations

import base64
import dataclasses
import subprocess
import sys

import pandas as pd
import pytest

from hls_workbook import charts
from hls_workbook.charts import Chart

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
    from hls_workbook.analysis import burden_audit

    assert charts.burden_chart(burden_audit(t(wb, "burden"))).title == chart.title
    strip = charts.strip_chart(t(wb, "burden"))
    assert strip.title == "Stopping or sharing 1 requirement would free 24 hours a year"
    assert list(strip.table["Suggested"]) == ["Stop asking for it"]
    assert is_png(strip.to_png())


def test_rhythm_chart_by_hand(wb):
    sid = wb.add("meeting_series", {"name": "Tuesday forum", "kind_of_meeting": "partnership",
                                    "cadence": "weekly", "weekday": "tuesday",
                                    "started_on": "2026-01-06"}, place=PLACE)
    for day in ("2026-01-06", "2026-01-13", "2026-01-21", "2026-02-03", "2026-02-10"):
        wb.add("meeting", {"held_on": day, "kind_of_meeting": "partnership", "series": sid,
                           "attendance": {"charity": 2, "lived_experience": 1}}, place=PLACE)
    chart = charts.rhythm_chart(t(wb, "meeting_series"), t(wb, "meeting"), end="2026-02-17")
    assert chart.title == "We kept 5 of 7 planned meetings (71%)"
    assert "Tuesday forum (weekly, on Tuesdays): kept 5 of 7" in chart.alt_text
    assert chart.table.iloc[0]["On the agreed day"] == 4
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
    assert "1 statement had fewer than 5 answers and is not shown." in chart.alt_text
    assert "(+1.0)" in chart.alt_text
    table = chart.table.set_index("Practice")
    assert table.loc["RC1", "Mean score"] == 7.0 and table.loc["RC1", "Change"] == 1.0
    assert pd.isna(table.loc["ES1", "Mean score"]) and table.loc["ES1",
                                                                  "Hidden (too few answers)"]
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
    assert chart.title == "The work felt lighter: from 8.0 in Jan 2026 to 5.0 in Feb 2026"
    assert "1 month had fewer than 5 check-ins and is not shown." in chart.alt_text
    assert list(chart.table["Hidden (too few)"]) == [False, False, True]
    assert pd.isna(chart.table["Mean load"].iloc[2])
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
    code = ("import sys, hls_workbook, hls_workbook.charts, hls_workbook.analysis; "
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
    linked = meetings["series"].notna().sum()
    kept = int(made["rhythm"].table["Kept"].sum())
    assert kept <= linked
    assert made["rhythm"].title.startswith(f"We kept {kept} of ")
    assert len(made["rhythm"].table) == len(series)
    assert made["participation"].title.endswith("in the last 8 meetings")
    learning = demo_wb.table("learning", DEMO)
    assert int(made["learning"].table.query("Group == 'What we recorded'")["Count"].sum()) \
        == len(learning)
    experiments = demo_wb.table("experiment", DEMO)
    assert made["portfolio"].title.startswith(f"{len(experiments)} experiments from ")


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
    assert made["rhythm"].title == "We kept 0 of 1 planned meeting (0%)"
    assert made["attendance"].title == "People with lived experience came to 0 of 1 meeting"
    assert made["pulse"].title == ("Behaviour pulse 2026-Q1: too few answers to show any "
                                   "statement yet")
    assert made["checkin"].title == "How heavy the work feels: too few check-ins to show yet"
    assert made["learning"].title == ("No breakthroughs or disappointments recorded yet, "
                                      "1 surprise")
    assert "1 piece of learning" in made["learning"].alt_text
    assert made["reviews"].title == "No reviews yet: 1 finished experiment is waiting for one"
    assert made["portfolio"].title == ("1 experiment from 1 part of the system; 0 try new "
                                       "people or settings")
    for name, chart in made.items():
        if chart.figure is not None:
            assert is_png(chart.to_png(dpi=40)), name

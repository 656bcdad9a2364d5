"""Meeting rhythm and attendance (GS2, RC2, RC3, RC4), computed by hand."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest

from hls_workbook.analysis import (
    Rhythm,
    attendance_long,
    attendance_summary,
    attendance_wide,
    expected_meeting_dates,
    hard_conversations,
    meeting_rhythm,
    parts_never_present,
)

PLACE = "testville"
D = dt.date


def series(wb, cadence="weekly", weekday="tuesday", started_on="2026-01-06") -> int:
    return wb.add("meeting_series", {"name": "Tuesday forum", "kind_of_meeting": "partnership",
                                     "cadence": cadence, "weekday": weekday,
                                     "started_on": started_on}, place=PLACE)


def meeting(wb, day, sid=None, attendance=None, hard=False) -> int:
    return wb.add("meeting", {"held_on": day, "kind_of_meeting": "partnership", "series": sid,
                              "attendance": attendance or {}, "hard_topics_raised": hard},
                  place=PLACE)


@pytest.fixture
def weekly(wb):
    """Weekly on Tuesdays from 6 January. Kept: 6, 13, 20 (held Wednesday 21), 3 and 10
    February; 27 January missed; an extra meeting on Wednesday 11 February."""
    sid = series(wb)
    for day in ("2026-01-06", "2026-01-13", "2026-01-21", "2026-02-03", "2026-02-10",
                "2026-02-11"):
        meeting(wb, day, sid)
    return wb, sid


def rhythm(wb, **kw) -> Rhythm:
    return meeting_rhythm(wb.table("meeting_series", PLACE), wb.table("meeting", PLACE), **kw)


def test_expected_dates_weekly_fortnightly_monthly():
    assert expected_meeting_dates("weekly", "tuesday", D(2026, 1, 6), D(2026, 1, 27)) == [
        D(2026, 1, 6), D(2026, 1, 13), D(2026, 1, 20), D(2026, 1, 27)]
    # Started on a Wednesday, agreed Friday: the first Friday after, then every 14 days.
    assert expected_meeting_dates("fortnightly", "friday", "2026-01-07", "2026-02-06") == [
        D(2026, 1, 9), D(2026, 1, 23), D(2026, 2, 6)]
    # Monthly: the same n-th weekday (here the 2nd Thursday) of every month.
    assert expected_meeting_dates("monthly", "thursday", D(2026, 1, 8), D(2026, 6, 30)) == [
        D(2026, 1, 8), D(2026, 2, 12), D(2026, 3, 12), D(2026, 4, 9), D(2026, 5, 14),
        D(2026, 6, 11)]
    # A first meeting on a 5th Thursday means "the last Thursday".
    assert expected_meeting_dates("monthly", "thursday", D(2026, 1, 29), D(2026, 4, 30)) == [
        D(2026, 1, 29), D(2026, 2, 26), D(2026, 3, 26), D(2026, 4, 30)]
    assert expected_meeting_dates("weekly", "tuesday", D(2026, 1, 6), D(2026, 1, 27),
                                  since=D(2026, 1, 14)) == [D(2026, 1, 20), D(2026, 1, 27)]
    assert expected_meeting_dates(None, "tuesday", D(2026, 1, 6), D(2026, 2, 1)) == []
    assert expected_meeting_dates("weekly", "tuesday", D(2026, 1, 6), None) == []
    assert expected_meeting_dates("weekly", "tuesday", D(2026, 3, 6), D(2026, 2, 1)) == []


def test_rhythm_by_hand(weekly):
    wb, sid = weekly
    r = rhythm(wb, end="2026-02-17")
    row = r.summary.set_index("series").loc[sid]
    assert row["expected"] == 7
    assert row["kept"] == 5 and row["missed"] == 2
    assert row["kept_share"] == pytest.approx(5 / 7)
    assert row["held"] == 6 and row["extra"] == 1
    assert row["on_weekday"] == 4
    assert row["on_weekday_share"] == pytest.approx(4 / 6)
    assert row["longest_gap_days"] == 13.0
    assert row["current_streak"] == 0 and row["longest_streak"] == 3
    assert row["last_held_on"] == pd.Timestamp("2026-02-11")
    exp = r.expected
    assert list(exp["kept"]) == [True, True, True, False, True, True, False]
    jan20 = exp[exp["expected_on"] == pd.Timestamp("2026-01-20")].iloc[0]
    assert jan20["held_on"] == pd.Timestamp("2026-01-21")
    assert not jan20["on_agreed_weekday"]
    assert pd.isna(exp.iloc[3]["on_agreed_weekday"])  # missed: neither on nor off the day
    assert exp["on_agreed_weekday"].sum() == 4
    held = r.held
    assert list(held["gap_days"].fillna(-1)) == [-1, 7, 8, 13, 7, 1]
    assert list(held["weekday"]) == ["tuesday", "tuesday", "wednesday", "tuesday", "tuesday",
                                     "wednesday"]
    extra = held[held["held_on"] == pd.Timestamp("2026-02-11")].iloc[0]
    assert pd.isna(extra["expected_on"])


def test_rhythm_defaults_to_the_latest_meeting(weekly):
    wb, sid = weekly
    row = rhythm(wb).summary.iloc[0]
    assert row["expected"] == 6 and row["kept"] == 5 and row["missed"] == 1
    assert row["current_streak"] == 2 and row["longest_streak"] == 3


def test_rhythm_within_a_period(weekly):
    wb, sid = weekly
    r = rhythm(wb, start="2026-01-15", end=dt.date(2026, 2, 17))
    row = r.summary.iloc[0]
    assert row["expected"] == 5 and row["kept"] == 3 and row["held"] == 4
    assert row["longest_gap_days"] == 13.0
    assert r.expected["expected_on"].min() == pd.Timestamp("2026-01-20")


def test_meetings_without_series_are_left_out_of_the_rhythm(weekly):
    wb, sid = weekly
    meeting(wb, "2026-01-27")  # not linked to the series: does not keep 27 January
    row = rhythm(wb, end="2026-02-17").summary.iloc[0]
    assert row["kept"] == 5


def test_rhythm_empty(wb):
    r = rhythm(wb)
    assert r.summary.empty and r.expected.empty and r.held.empty
    assert "kept_share" in r.summary.columns
    sid = series(wb)
    r = rhythm(wb)  # a series but no meetings, no end: nothing expected yet
    row = r.summary.iloc[0]
    assert row["series"] == sid and row["expected"] == 0 and math.isnan(row["kept_share"])
    r = rhythm(wb, end="2026-01-20")  # with an end, every planned meeting was missed
    row = r.summary.iloc[0]
    assert row["expected"] == 3 and row["missed"] == 3 and row["current_streak"] == 0
    assert math.isnan(row["longest_gap_days"])
    assert meeting_rhythm(None, None).summary.empty


def test_monthly_rhythm(wb):
    sid = series(wb, "monthly", "thursday", "2026-01-08")
    for day in ("2026-01-08", "2026-02-05", "2026-04-02", "2026-04-30", "2026-05-28",
                "2026-06-25"):
        meeting(wb, day, sid)
    r = rhythm(wb, end="2026-06-30")
    assert list(r.expected["kept"]) == [True, True, False, True, True, True]
    row = r.summary.iloc[0]
    # 30 April keeps May (14 May); 28 May is half way to June and goes to May: an extra.
    assert row["kept"] == 5 and row["extra"] == 1 and row["longest_gap_days"] == 56.0
    assert row["on_weekday"] == 6


def test_attendance_by_hand(wb):
    m1 = meeting(wb, "2026-01-06", attendance={"charity": 3, "commissioner": 2}, hard=True)
    m2 = meeting(wb, "2026-01-13", attendance={"charity": 1, "lived_experience": 2})
    m3 = meeting(wb, "2026-02-03", hard=True)
    mt = wb.table("meeting", PLACE)
    long = attendance_long(mt)
    assert len(long) == 18
    assert long.set_index(["meeting", "part"]).loc[(m1, "charity"), "count"] == 3
    assert long.set_index(["meeting", "part"]).loc[(m1, "other"), "count"] == 0
    wide = attendance_wide(mt).set_index("meeting")
    assert list(wide["total"]) == [5, 3, 0]
    assert list(wide["parts_present"]) == [2, 2, 0]
    assert wide.loc[m2, "lived_experience"] == 2
    assert wide.loc[m1, "parts_absent"] == ["community_group", "public_service",
                                            "lived_experience", "other"]
    assert len(wide.loc[m3, "parts_absent"]) == 6
    summary = attendance_summary(mt).set_index("part")
    assert summary.loc["charity", "meetings_present"] == 2
    assert summary.loc["charity", "share_of_meetings"] == pytest.approx(2 / 3)
    assert summary.loc["charity", "people"] == 4
    assert summary.loc["lived_experience", "mean_per_meeting"] == pytest.approx(2 / 3)
    assert parts_never_present(mt) == ["community_group", "public_service", "other"]
    hard = hard_conversations(mt)
    assert list(hard["month"]) == ["2026-01", "2026-02"]
    assert list(hard["meetings"]) == [2, 1]
    assert list(hard["hard_topics_raised"]) == [1, 1]
    assert list(hard["share"]) == [0.5, 1.0]


def test_attendance_empty(wb):
    mt = wb.table("meeting", PLACE)
    assert attendance_long(mt).empty
    assert attendance_wide(mt).empty
    assert "lived_experience" in attendance_wide(mt).columns
    s = attendance_summary(mt)
    assert len(s) == 6 and s["share_of_meetings"].isna().all()
    assert parts_never_present(mt) == []
    assert hard_conversations(mt).empty
    assert attendance_long(None).empty

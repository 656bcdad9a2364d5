"""The behaviour pulse and check-ins: means by hand, and small groups never shown."""

from __future__ import annotations

import math

import pytest

from hls_workbook.analysis import checkin_trend, latest_pulse, pulse_scores
from hls_workbook.analysis._common import period_key

PLACE = "testville"


def answers(statement, period, role, scores):
    return [("pulse", {"statement": statement, "score": s, "role": role, "period": period,
                       "answered_on": "2026-06-01"}) for s in scores]


@pytest.fixture
def pulse_wb(wb):
    items = []
    items += answers("equal_partners", "2026-Q1", "charity", [4, 5, 6, 7, 8])
    items += answers("equal_partners", "2026-Q1", "commissioner", [9, 9])
    items += answers("equal_partners", "2026-Q1", "lived_experience", [3] * 6)
    items += answers("equal_partners", "2026-Q2", "charity", [6] * 5)
    items += answers("equal_partners", "2026-Q2", "lived_experience", [5] * 6)
    items += answers("leaders_trust", "2026-Q2", "charity", [7, 8])
    wb.add_many(items, place=PLACE)
    return wb


def rows(df):
    return df.set_index(["statement", "period", "role"])


def test_period_order():
    assert sorted(["2026-Q3", "2026-10", "2026-07", "2025-Q4"], key=period_key) == [
        "2025-Q4", "2026-07", "2026-Q3", "2026-10"]


def test_a_round_is_said_as_a_reader_says_it():
    from hls_workbook.analysis import round_label

    assert [round_label(p) for p in ("2026-Q1", "2026-Q4", "2026-09", "spring")] == [
        "January to March 2026", "October to December 2026", "September 2026", "spring"]


def test_pulse_means_and_suppression(pulse_wb):
    p = pulse_scores(pulse_wb.table("pulse", PLACE))
    r = rows(p)
    everyone = r.loc[("equal_partners", "2026-Q1", "all")]
    assert everyone["responses"] == 13 and everyone["mean"] == pytest.approx(66 / 13)
    assert everyone["label"].startswith("We work as equal partners")
    assert everyone["practice"] == "RC1" and everyone["role_label"] == "Everyone"
    comm = r.loc[("equal_partners", "2026-Q1", "commissioner")]
    assert comm["suppressed"] and math.isnan(comm["mean"])
    assert comm["reason"] == "fewer than 5 people" and comm["responses"] == 2
    # Two commissioners could be worked out from "everyone" and the rest: the next-smallest
    # group (charity, 5 people) is hidden too; lived experience (6) stays.
    charity = r.loc[("equal_partners", "2026-Q1", "charity")]
    assert charity["suppressed"] and charity["reason"] == "protects a small group"
    assert math.isnan(charity["mean"])
    lived = r.loc[("equal_partners", "2026-Q1", "lived_experience")]
    assert not lived["suppressed"] and lived["mean"] == 3.0
    # No shown mean ever comes from fewer than 5 people.
    assert (p.loc[~p["suppressed"], "responses"] >= 5).all()
    assert p.loc[p["suppressed"], "mean"].isna().all()


def test_pulse_change_since_previous_round(pulse_wb):
    r = rows(pulse_scores(pulse_wb.table("pulse", PLACE)))
    lived = r.loc[("equal_partners", "2026-Q2", "lived_experience")]
    assert lived["previous_period"] == "2026-Q1" and lived["change"] == 2.0
    charity = r.loc[("equal_partners", "2026-Q2", "charity")]
    assert charity["mean"] == 6.0 and math.isnan(charity["change"])  # hidden before
    everyone = r.loc[("equal_partners", "2026-Q2", "all")]
    assert everyone["change"] == pytest.approx(60 / 11 - 66 / 13)
    first = r.loc[("equal_partners", "2026-Q1", "all")]
    assert first["previous_period"] is None and math.isnan(first["change"])
    leaders = r.loc[("leaders_trust", "2026-Q2", "all")]
    assert leaders["suppressed"] and leaders["responses"] == 2


def test_pulse_order_and_min_group(pulse_wb):
    p = pulse_scores(pulse_wb.table("pulse", PLACE))
    assert list(p["statement"].unique()) == ["equal_partners", "leaders_trust"]
    assert list(p[p["statement"] == "equal_partners"]["role"])[:4] == [
        "all", "commissioner", "charity", "lived_experience"]
    open_ = rows(pulse_scores(pulse_wb.table("pulse", PLACE), min_group=1))
    assert open_.loc[("equal_partners", "2026-Q1", "commissioner"), "mean"] == 9.0
    with pytest.raises(ValueError, match="min_group"):
        pulse_scores(pulse_wb.table("pulse", PLACE), min_group=0)
    only_all = pulse_scores(pulse_wb.table("pulse", PLACE), by_role=False)
    assert set(only_all["role"]) == {"all"}


def test_latest_pulse(pulse_wb):
    latest = latest_pulse(pulse_wb.table("pulse", PLACE)).set_index("statement")
    assert list(latest.index) == ["equal_partners", "leaders_trust"]
    assert set(latest["period"]) == {"2026-Q2"}
    assert latest.loc["equal_partners", "mean"] == pytest.approx(60 / 11)
    assert math.isnan(latest.loc["leaders_trust", "mean"])


def test_checkin_trend(wb):
    items = [("checkin", {"emotional_load": v, "role": "charity", "checked_in_on": "2026-01-05"})
             for v in [6, 6, 6, 6, 6]]
    items += [("checkin", {"emotional_load": 10, "role": "commissioner",
                           "checked_in_on": "2026-01-20"})]
    items += [("checkin", {"emotional_load": 4, "role": "charity", "checked_in_on": "2026-02-03"})
              for _ in range(5)]
    wb.add_many(items, place=PLACE)
    c = wb.table("checkin", PLACE)
    trend = checkin_trend(c)
    assert list(trend["month"]) == ["2026-01", "2026-02"]
    assert list(trend["responses"]) == [6, 5]
    assert trend["mean"].tolist() == pytest.approx([40 / 6, 4.0])
    assert trend.iloc[1]["previous_month"] == "2026-01"
    assert trend.iloc[1]["change"] == pytest.approx(4.0 - 40 / 6)
    by_role = checkin_trend(c, by_role=True).set_index(["month", "role"])
    assert by_role.loc[("2026-01", "commissioner"), "suppressed"]
    assert by_role.loc[("2026-01", "charity"), "reason"] == "protects a small group"
    assert by_role.loc[("2026-02", "charity"), "mean"] == 4.0
    strict = checkin_trend(c, min_group=6)
    assert list(strict["suppressed"]) == [False, True]
    assert math.isnan(strict.iloc[1]["mean"]) and math.isnan(strict.iloc[1]["change"])


def test_pulse_and_checkins_empty(wb):
    assert pulse_scores(wb.table("pulse", PLACE)).empty
    assert latest_pulse(wb.table("pulse", PLACE)).empty
    assert checkin_trend(wb.table("checkin", PLACE), by_role=True).empty
    assert pulse_scores(None).empty and checkin_trend(None).empty
    assert "suppressed" in pulse_scores(None).columns

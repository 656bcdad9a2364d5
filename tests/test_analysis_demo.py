"""Every analysis function on the demo place, checked against the raw tables."""

from __future__ import annotations

import pandas as pd
import pytest

from hls_workbook import analysis

DEMO = "millbrook"


@pytest.fixture
def demo(demo_wb):
    names = ("contribution", "meeting", "decision", "meeting_series", "burden", "learning",
             "share", "experiment", "review", "voice", "pulse", "checkin")
    return {k: demo_wb.table(k, DEMO) for k in names}


def test_demo_participation(demo):
    c, m = demo["contribution"], demo["meeting"]
    s = analysis.participation_summary(c, m, demo["decision"])
    assert s.meetings_counted == min(8, c["meeting"].nunique())
    assert s.meetings_recorded == c["meeting"].nunique()
    assert s.shares["share"].sum() == pytest.approx(1.0)
    assert s.sentence.startswith("In the last 8 meetings, ")
    assert s.sentence.endswith("of the time.")
    assert 0 <= s.median_gini < 1
    last8 = set(m.sort_values(["held_on", "id"])["id"].tail(8))
    assert s.longest_turn_minutes == c.loc[c["meeting"].isin(last8),
                                           "longest_turn_minutes"].max()
    assert s.decisions == len(demo["decision"])
    bal = analysis.meeting_balance(c, m)
    assert len(bal) == c["meeting"].nunique()
    assert bal["total"].sum() == pytest.approx(c["minutes"].sum())
    assert set(bal["measure"]) == {"minutes"}
    # The demo's meetings start dominated by commissioners and become more balanced.
    trend = analysis.participation_trend(c, m)
    comm = trend[trend["part"] == "commissioner"].sort_values("meeting_number")["share"]
    assert comm.head(8).mean() > comm.tail(8).mean()
    assert trend.groupby("meeting")["share"].sum().round(9).eq(1.0).all()
    by_speaker = analysis.airtime(c, m, by="speaker")
    assert by_speaker.groupby("meeting")["share"].sum().round(9).eq(1.0).all()
    d = analysis.decision_balance(demo["decision"])
    assert d["proposed"].sum() == len(demo["decision"])
    lived = sum("lived_experience" in s for s in demo["decision"]["shaped_by"])
    assert d.set_index("part").loc["lived_experience", "shaped"] == lived


def test_demo_rhythm_and_attendance(demo):
    series, m = demo["meeting_series"], demo["meeting"]
    r = analysis.meeting_rhythm(series, m)
    s = r.summary
    assert len(s) == len(series)
    assert (s["expected"] == s["kept"] + s["missed"]).all()
    assert (s["held"] == s["kept"] + s["extra"]).all()
    per_series = m["series"].value_counts()
    assert list(s["held"]) == [int(per_series.get(i, 0)) for i in s["series"]]
    assert (s["longest_streak"] >= s["current_streak"]).all()
    assert len(r.expected) == s["expected"].sum()
    wide = analysis.attendance_wide(m)
    assert list(wide["total"]) == [sum(a.values()) for a in
                                   m.sort_values(["held_on", "id"])["attendance"]]
    never = analysis.parts_never_present(m)
    seen = {p for a in m["attendance"] for p, n in a.items() if n}
    assert set(never) == {"commissioner", "charity", "community_group", "public_service",
                          "lived_experience", "other"} - seen
    hard = analysis.hard_conversations(m)
    assert hard["meetings"].sum() == len(m)
    assert hard["hard_topics_raised"].sum() == int(m["hard_topics_raised"].sum())


def test_demo_burden(demo):
    b = demo["burden"]
    a = analysis.burden_audit(b)
    assert a.requirements == len(b)
    assert a.hours_a_year == pytest.approx((b["frequency_per_year"] * b["hours_each"]).sum())
    assert a.hours_unknown == int(b["hours_each"].isna().sum())
    assert a.by_funder["requirements"].sum() == len(b)
    assert a.by_funder["hours_a_year"].sum() == pytest.approx(a.hours_a_year)
    assert a.never_used["id"].tolist() == b.loc[b["used_in_decisions"] == "no", "id"].tolist()
    marked = set(b.loc[b["duplicate_of"].notna(), "id"])
    assert marked <= set(a.duplicates["id"])
    assert list(a.strip_list["rank"]) == list(range(1, len(a.strip_list) + 1))
    freed = a.strip_list["hours_freed"].dropna()
    assert list(freed) == sorted(freed, reverse=True)
    assert a.hours_freed == pytest.approx(freed.sum())
    assert 0 < a.share_of_grant < 0.09
    assert a.sentence.startswith(f"{len(b)} funding requirements take ")


def test_demo_learning(demo):
    ldf, shares = demo["learning"], demo["share"]
    h = analysis.learning_health(ldf, shares, demo["experiment"], demo["review"], demo["voice"])
    assert h.balance["count"].sum() == len(ldf)
    assert h.median_delay_days == (ldf["recorded_on"] - ldf["event_on"]).dt.days.median()
    assert h.shared_with_nobody == len(set(ldf["id"]) - set(shares["learning"]))
    ended = demo["experiment"][demo["experiment"]["status"].isin(["ended", "stopped"])]
    unreviewed = set(ended["id"]) - set(demo["review"]["experiment"])
    assert h.needs_review == len(unreviewed)
    assert sum(h.decisions.values()) == len(demo["review"])
    assert h.not_to_plan == int(demo["review"]["went_to_plan"].isin(["partly", "no"]).sum())
    assert len(h.amplified) == int(ldf["amplify"].sum())
    assert "story" not in h.amplified.columns
    voice_ids = set(demo["voice"]["id"])
    assert all(set(v) <= voice_ids for v in h.amplified["voices"])


def test_demo_portfolio(demo):
    e = demo["experiment"]
    p = analysis.experiment_portfolio(e)
    assert p.total == len(e)
    counts = e["status"].value_counts()
    assert {k: v for k, v in zip(p.by_status["status"], p.by_status["count"], strict=True)
            if v} == counts.to_dict()
    assert p.by_proposer["count"].sum() == len(e)
    assert p.risk_by_novelty["count"].sum() == len(e)
    new = (e["new_people"].astype(bool) | e["new_contexts"].astype(bool)).sum()
    assert p.new_share == pytest.approx(new / len(e))


def test_demo_pulse_and_checkins(demo):
    pulse = demo["pulse"]
    scores = analysis.pulse_scores(pulse)
    shown = scores[~scores["suppressed"]]
    assert (shown["responses"] >= 5).all()
    assert scores.loc[scores["suppressed"], "mean"].isna().all()
    raw = pulse[(pulse["statement"] == "equal_partners")]
    first = sorted(raw["period"].unique())[0]
    everyone = scores[(scores["statement"] == "equal_partners") & (scores["period"] == first)
                      & (scores["role"] == "all")].iloc[0]
    assert everyone["mean"] == pytest.approx(raw.loc[raw["period"] == first, "score"].mean())
    assert set(scores["practice"]) == {"RC1", "RC2", "RC3", "RC4", "RC5", "LB1", "LB2", "BH1",
                                       "BH2", "BH3", "ES1", "ES2", "ES3"}
    latest = analysis.latest_pulse(pulse)
    assert len(latest) == pulse["statement"].nunique()
    trend = analysis.checkin_trend(demo["checkin"], by_role=True)
    everyone = trend[trend["role"] == "all"]
    assert everyone["responses"].sum() == len(demo["checkin"])
    assert (trend.loc[~trend["suppressed"], "responses"] >= 5).all()
    months = demo["checkin"]["checked_in_on"].dt.strftime("%Y-%m")
    assert list(everyone["month"]) == sorted(months.unique())
    # Within a month, the hidden parts together are never fewer than 5 people when
    # "everyone" is shown (so they cannot be worked out by subtraction).
    for _, block in trend.groupby("month"):
        if not block.loc[block["role"] == "all", "suppressed"].iloc[0]:
            hidden = block[(block["role"] != "all") & block["suppressed"]]["responses"].sum()
            assert hidden == 0 or hidden >= 5
    assert isinstance(trend, pd.DataFrame)

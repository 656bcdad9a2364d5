"""Participation balance (RC5), computed by hand on small meetings."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from hls_workbook.analysis import (
    ParticipationSummary,
    airtime,
    decision_balance,
    meeting_balance,
    participation_summary,
    participation_trend,
    speaking_time,
)
from hls_workbook.analysis._common import gini, part_plural

PLACE = "testville"


def meeting(wb, day: str, attendance: dict | None = None) -> int:
    return wb.add("meeting", {"held_on": day, "kind_of_meeting": "partnership",
                              "attendance": attendance or {}}, place=PLACE)


def speak(wb, mid: int, speaker: str, role: str, minutes=None, turns=None, longest=None):
    wb.add("contribution", {"meeting": mid, "speaker": speaker, "role": role,
                            "minutes": minutes, "turns": turns,
                            "longest_turn_minutes": longest}, place=PLACE)


@pytest.fixture
def three(wb):
    """M1 in minutes, M2 in turns only, M3 mixed (one speaker has only turns, one only
    minutes: the turns are turned into minutes at F's 2 minutes a turn)."""
    m1 = meeting(wb, "2026-01-06", {"commissioner": 2, "charity": 1, "community_group": 1})
    speak(wb, m1, "A", "commissioner", minutes=6, turns=3, longest=4)
    speak(wb, m1, "B", "commissioner", minutes=3, turns=2, longest=2)
    speak(wb, m1, "C", "charity", minutes=3, turns=3, longest=1)
    m2 = meeting(wb, "2026-01-13", {"lived_experience": 1, "commissioner": 1})
    speak(wb, m2, "D", "lived_experience", turns=6)
    speak(wb, m2, "E", "commissioner", turns=2)
    m3 = meeting(wb, "2026-01-20")
    speak(wb, m3, "F", "charity", minutes=4, turns=2)
    speak(wb, m3, "G", "lived_experience", turns=3)
    speak(wb, m3, "H", "commissioner", minutes=2)
    return wb, (m1, m2, m3)


def tables(wb):
    return wb.table("contribution", PLACE), wb.table("meeting", PLACE)


def test_gini_by_hand():
    assert gini([3, 3, 6]) == pytest.approx(1 / 6)
    assert gini([2, 6]) == pytest.approx(0.25)
    assert gini([5]) == 0.0
    assert gini([4, 4, 4, 4]) == pytest.approx(0.0)
    assert math.isnan(gini([]))
    assert math.isnan(gini([0, 0]))


def test_part_plural_uses_the_labels():
    assert part_plural("commissioner") == "commissioners or funders"
    assert part_plural("charity") == "charities"
    assert part_plural("community_group") == "community groups"
    assert part_plural("lived_experience") == "people with lived experience"


def test_speaking_time_measures(three):
    wb, (m1, m2, m3) = three
    s = speaking_time(*tables(wb))
    assert list(s["meeting"]) == [m1, m1, m1, m2, m2, m3, m3, m3]
    by = dict(zip(s["speaker"], zip(s["measure"], s["amount"], strict=True), strict=True))
    assert by["A"] == ("minutes", 6.0)
    assert by["D"] == ("turns", 6.0)
    # M3: F spoke 4 minutes in 2 turns, so G's 3 turns are estimated as 6 minutes.
    assert by["G"] == ("minutes, some estimated from turns", 6.0)
    assert s["held_on"].iloc[0] == pd.Timestamp("2026-01-06")


def test_airtime_by_role_and_speaker(three):
    wb, (m1, m2, m3) = three
    by_role = airtime(*tables(wb))
    first = by_role[by_role["meeting"] == m1].set_index("role")
    assert first.loc["commissioner", "share"] == pytest.approx(0.75)
    assert first.loc["charity", "share"] == pytest.approx(0.25)
    assert first.loc["commissioner", "label"] == "Commissioner or funder"
    third = by_role[by_role["meeting"] == m3].set_index("role")
    assert third.loc["lived_experience", "share"] == pytest.approx(0.5)
    assert third.loc["commissioner", "share"] == pytest.approx(2 / 12)
    by_speaker = airtime(*tables(wb), by="speaker")
    a = by_speaker[(by_speaker["meeting"] == m1) & (by_speaker["speaker"] == "A")].iloc[0]
    assert a["share"] == pytest.approx(0.5)
    assert a["role"] == "commissioner"
    with pytest.raises(ValueError, match="by:"):
        airtime(*tables(wb), by="name")


def test_meeting_balance_by_hand(three):
    wb, (m1, m2, m3) = three
    bal = meeting_balance(*tables(wb)).set_index("meeting")
    row = bal.loc[m1]
    assert row["measure"] == "minutes"
    assert row["speakers"] == 3
    assert row["total"] == 12.0
    assert row["gini"] == pytest.approx(1 / 6)
    assert row["longest_turn_minutes"] == 4.0
    assert row["longest_turn_role"] == "commissioner"
    assert row["dominant_part"] == "commissioner"
    assert row["dominant_share"] == pytest.approx(0.75)
    assert row["parts_heard"] == ["commissioner", "charity"]
    assert row["parts_silent"] == ["community_group"]
    assert row["parts_absent"] == ["public_service", "lived_experience", "other"]
    row2 = bal.loc[m2]
    assert row2["measure"] == "turns"
    assert row2["gini"] == pytest.approx(0.25)
    assert row2["dominant_part"] == "lived_experience"
    assert math.isnan(row2["longest_turn_minutes"])
    assert pd.isna(row2["longest_turn_role"])
    row3 = bal.loc[m3]
    assert row3["measure"] == "minutes, some estimated from turns"
    assert row3["total"] == 12.0
    assert row3["gini"] == pytest.approx(2 / 9)


def test_summary_mixed_measures_average_meetings(three):
    wb, _ = three
    s = participation_summary(*tables(wb))
    assert isinstance(s, ParticipationSummary)
    assert s.measure == "mixed"
    assert s.meetings_counted == 3
    shares = s.shares.set_index("part")["share"]
    assert shares["commissioner"] == pytest.approx((0.75 + 0.25 + 1 / 6) / 3)
    assert shares["lived_experience"] == pytest.approx((0 + 0.75 + 0.5) / 3)
    assert shares.sum() == pytest.approx(1.0)
    assert s.dominant_part == "lived_experience"
    assert s.sentence == "In the 3 meetings recorded, people with lived experience had 42% of " \
        "the speaking."
    assert s.parts_not_heard == ("community_group", "public_service", "other")
    assert s.median_gini == pytest.approx(2 / 9)  # of 1/6, 0.25 and 2/9
    assert s.longest_turn_minutes == 4.0


def test_summary_last_meeting_only(three):
    wb, _ = three
    s = participation_summary(*tables(wb), last_n=1)
    assert s.meetings_counted == 1 and s.meetings_recorded == 3
    assert s.measure == "minutes"
    assert s.sentence == "In the last meeting, people with lived experience spoke 50% of the time."


def test_summary_pools_minutes(wb):
    m1 = meeting(wb, "2026-01-06")
    speak(wb, m1, "A", "commissioner", minutes=9)
    speak(wb, m1, "B", "charity", minutes=3)
    m2 = meeting(wb, "2026-01-13")
    speak(wb, m2, "A", "commissioner", minutes=1)
    speak(wb, m2, "B", "lived_experience", minutes=7)
    s = participation_summary(*tables(wb))
    shares = s.shares.set_index("part")
    assert shares.loc["commissioner", "amount"] == 10.0
    assert shares.loc["commissioner", "share"] == pytest.approx(0.5)
    assert shares.loc["lived_experience", "share"] == pytest.approx(0.35)
    assert shares.loc["other", "share"] == 0.0
    assert s.sentence == ("In the 2 meetings recorded, commissioners or funders spoke 50% of "
                          "the time.")


def test_summary_turns_sentence(wb):
    m = meeting(wb, "2026-01-06")
    speak(wb, m, "A", "lived_experience", turns=6)
    speak(wb, m, "B", "commissioner", turns=2)
    s = participation_summary(*tables(wb))
    assert s.sentence == ("In the one meeting recorded, people with lived experience took 75% "
                          "of the turns to speak.")


def test_last_n_meetings_wording(wb):
    for day in range(1, 11):
        m = meeting(wb, f"2026-02-{day:02d}")
        speak(wb, m, "A", "commissioner" if day > 2 else "charity", minutes=3)
        speak(wb, m, "B", "charity", minutes=1)
    s = participation_summary(*tables(wb), last_n=8)
    assert s.meetings_counted == 8 and s.meetings_recorded == 10
    assert s.sentence == "In the last 8 meetings, commissioners or funders spoke 75% of the time."


def test_trend_fills_zeros_and_rolls(three):
    wb, (m1, m2, m3) = three
    trend = participation_trend(*tables(wb), window=2)
    assert len(trend) == 3 * 6
    comm = trend[trend["part"] == "commissioner"]
    assert list(comm["meeting_number"]) == [1, 2, 3]
    assert list(comm["share"]) == pytest.approx([0.75, 0.25, 1 / 6])
    assert list(comm["rolling_share"]) == pytest.approx([0.75, 0.5, (0.25 + 1 / 6) / 2])
    other = trend[trend["part"] == "other"]
    assert list(other["share"]) == [0.0, 0.0, 0.0]
    per_meeting = trend.groupby("meeting")["share"].sum()
    assert list(per_meeting) == pytest.approx([1.0, 1.0, 1.0])


def test_decision_balance_by_hand(wb):
    for proposer, shaped in (("commissioner", ["commissioner", "lived_experience"]),
                             ("charity", ["lived_experience"]), ("commissioner", [])):
        wb.add("decision", {"text": "x", "decided_on": "2026-02-01", "proposer_role": proposer,
                            "shaped_by": shaped}, place=PLACE)
    d = decision_balance(wb.table("decision", PLACE)).set_index("part")
    assert list(d.index) == ["commissioner", "charity", "community_group", "public_service",
                             "lived_experience", "other"]
    assert d.loc["commissioner", "proposed"] == 2
    assert d.loc["commissioner", "proposed_share"] == pytest.approx(2 / 3)
    assert d.loc["lived_experience", "shaped"] == 2
    assert d.loc["lived_experience", "shaped_share"] == pytest.approx(2 / 3)
    assert d.loc["commissioner", "shaped_share"] == pytest.approx(1 / 3)
    s = participation_summary(None, None, wb.table("decision", PLACE))
    assert s.decisions == 3
    assert s.lived_experience_shaped_share == pytest.approx(2 / 3)


def test_empty_everything(wb):
    c, m = tables(wb)
    assert airtime(c, m).empty
    assert meeting_balance(c, m).empty
    assert participation_trend(c, m).empty
    assert list(meeting_balance(c, m).columns)[:3] == ["meeting", "held_on", "measure"]
    s = participation_summary(c, m, wb.table("decision", PLACE))
    assert s.meetings_counted == 0
    assert s.sentence == "No speaking time has been recorded yet."
    assert s.dominant_part is None and math.isnan(s.dominant_share)
    assert math.isnan(s.lived_experience_shaped_share)
    assert s.parts_not_heard == ()
    d = decision_balance(wb.table("decision", PLACE))
    assert d["proposed"].sum() == 0 and d["shaped_share"].isna().all()
    assert participation_summary(None).sentence == "No speaking time has been recorded yet."
    assert participation_summary(pd.DataFrame()).meetings_counted == 0


def test_one_person_and_zero_minutes(wb):
    m = meeting(wb, "2026-01-06")
    speak(wb, m, "A", "charity", minutes=5, turns=1, longest=5)
    bal = meeting_balance(*tables(wb)).iloc[0]
    assert bal["gini"] == 0.0 and bal["dominant_share"] == 1.0
    m2 = meeting(wb, "2026-01-07")
    speak(wb, m2, "A", "charity", minutes=0)
    speak(wb, m2, "B", "commissioner", minutes=0)
    bal2 = meeting_balance(*tables(wb)).set_index("meeting").loc[m2]
    assert math.isnan(bal2["gini"]) and pd.isna(bal2["dominant_part"])
    assert airtime(*tables(wb)).query("meeting == @m2")["share"].isna().all()
    s = participation_summary(*tables(wb), last_n=1)
    assert s.sentence == "Speaking was recorded, but no time or turns were counted."
    trend = participation_trend(*tables(wb))
    assert trend[trend["meeting"] == m2]["share"].isna().all()
    assert trend[trend["meeting"] == m]["share"].sum() == 1.0


def test_contributions_without_meetings_frame(three):
    wb, _ = three
    c, _m = tables(wb)
    s = speaking_time(c)
    assert s["held_on"].isna().all()
    assert participation_summary(c).meetings_counted == 3


def test_old_versions_are_ignored(three):
    wb, (m1, _m2, _m3) = three
    c = wb.table("contribution", PLACE)
    cid = int(c.loc[c["speaker"] == "A", "id"].iloc[0])
    wb.edit("contribution", cid, {"minutes": 12.0, "turns": 3})
    history = wb.table("contribution", PLACE, history=True)
    assert len(history) == len(c) + 1
    bal = meeting_balance(history, wb.table("meeting", PLACE)).set_index("meeting")
    assert bal.loc[m1, "total"] == 18.0


def test_airtime_over_all_meetings(three):
    wb, _ = three
    pooled = airtime(*tables(wb), per_meeting=False)
    assert list(pooled.columns) == ["role", "label", "measure", "meetings", "amount", "share"]
    assert list(pooled["role"]) == ["commissioner", "charity", "lived_experience"]
    assert set(pooled["measure"]) == {"mixed"}
    row = pooled.set_index("role").loc["commissioner"]
    assert row["meetings"] == 3
    assert row["share"] == pytest.approx((0.75 + 0.25 + 1 / 6) / 3)
    assert pooled["share"].sum() == pytest.approx(1.0)
    speakers = airtime(*tables(wb), by="speaker", per_meeting=False)
    assert list(speakers["speaker"])[:3] == ["A", "D", "G"]  # 6 each (minutes or turns)
    assert len(speakers) == 8


def test_airtime_pooled_minutes_and_empty(wb):
    m1 = meeting(wb, "2026-01-06")
    speak(wb, m1, "A", "commissioner", minutes=9)
    speak(wb, m1, "B", "charity", minutes=3)
    m2 = meeting(wb, "2026-01-13")
    speak(wb, m2, "A", "commissioner", minutes=1)
    speak(wb, m2, "C", "charity", minutes=7)
    pooled = airtime(*tables(wb), per_meeting=False).set_index("role")
    assert pooled.loc["commissioner", "share"] == pytest.approx(0.5)
    assert pooled.loc["charity", "amount"] == 10.0
    by_speaker = airtime(*tables(wb), by="speaker", per_meeting=False)
    assert list(by_speaker["speaker"]) == ["A", "C", "B"]
    assert airtime(None, per_meeting=False).empty


def test_meetings_given_limit_the_contributions(three):
    wb, (m1, m2, m3) = three
    c = wb.table("contribution", PLACE)
    january_13 = wb.table("meeting", PLACE, start="2026-01-10", end="2026-01-15")
    s = speaking_time(c, january_13)
    assert set(s["meeting"]) == {m2}
    assert participation_summary(c, january_13).meetings_counted == 1
    assert speaking_time(c, wb.table("meeting", PLACE, start="2027-01-01")).empty


# ---------------------------------------------------------------------------
# Small groups: one person's airtime is never shown when min_group is given
# ---------------------------------------------------------------------------


@pytest.fixture
def groups(wb):
    """M1: 5 charity speakers (1 minute each), 1 lived experience (5 minutes), 4
    commissioners (1 minute each). M2: 6 charity, 5 commissioners, nobody else."""
    m1 = meeting(wb, "2026-02-02")
    for i in range(5):
        speak(wb, m1, f"C{i}", "charity", minutes=1)
    speak(wb, m1, "L", "lived_experience", minutes=5)
    for i in range(4):
        speak(wb, m1, f"F{i}", "commissioner", minutes=1)
    m2 = meeting(wb, "2026-02-09")
    for i in range(6):
        speak(wb, m2, f"C{i}", "charity", minutes=1)
    for i in range(5):
        speak(wb, m2, f"F{i}", "commissioner", minutes=2)
    return wb, (m1, m2)


def test_fold_small_parts_by_hand():
    from hls_workbook.analysis.participation import fold_small_parts

    speakers = pd.DataFrame({"a": [1, 6, 2, 0], "b": [6, 7, 1, 0], "c": [9, 0, 1, 5]})
    hidden = fold_small_parts(speakers, 5)
    # Row 0: a (1) is small, so b (6, fewer than c's 9) is folded in with it.
    # Row 2: every part is small and together they are still fewer than 5: all hidden.
    assert hidden.to_numpy().tolist() == [[True, True, False], [False, False, False],
                                          [True, True, True], [False, False, False]]
    assert not fold_small_parts(speakers, 0).to_numpy().any()


def test_airtime_hides_small_parts(groups):
    wb, (m1, m2) = groups
    everything = airtime(*tables(wb))
    assert "hidden" not in everything  # unchanged without min_group
    le = everything[everything["role"] == "lived_experience"]
    assert list(le["share"]) == pytest.approx([5 / 14])
    shown = airtime(*tables(wb), min_group=5).set_index(["meeting", "role"])
    # M1: lived experience (1) and commissioners (4) are hidden; together they are 5.
    assert shown.loc[(m1, "lived_experience"), "hidden"]
    assert math.isnan(shown.loc[(m1, "lived_experience"), "share"])
    assert math.isnan(shown.loc[(m1, "commissioner"), "amount"])
    assert shown.loc[(m1, "charity"), "share"] == pytest.approx(5 / 14)
    assert shown.loc[(m1, "lived_experience"), "speakers"] == 1
    assert not shown.loc[(m2, "commissioner"), "hidden"]
    assert shown.loc[(m2, "commissioner"), "share"] == pytest.approx(10 / 16)
    pooled = airtime(*tables(wb), per_meeting=False, min_group=5).set_index("role")
    # Over both meetings lived experience had 1 speaker at most: hidden, and the
    # commissioners (5, fewer than the charities' 6) are folded in with it.
    assert pooled.loc["lived_experience", "hidden"]
    assert pooled.loc["commissioner", "hidden"]
    assert not pooled.loc["charity", "hidden"]
    assert pooled.loc["charity", "share"] == pytest.approx(11 / 30)
    assert math.isnan(pooled.loc["lived_experience", "share"])


def test_trend_and_summary_hide_small_parts(groups):
    wb, (m1, m2) = groups
    trend = participation_trend(*tables(wb), min_group=5)
    at = trend.set_index(["meeting", "part"])
    assert math.isnan(at.loc[(m1, "lived_experience"), "share"])
    assert math.isnan(at.loc[(m1, "commissioner"), "share"])
    assert math.isnan(at.loc[(m1, "commissioner"), "rolling_share"])
    assert at.loc[(m1, "charity"), "share"] == pytest.approx(5 / 14)
    assert at.loc[(m2, "lived_experience"), "share"] == 0.0  # nobody: 0 is not small
    assert at.loc[(m2, "commissioner"), "share"] == pytest.approx(10 / 16)
    s = participation_summary(*tables(wb), min_group=5)
    assert set(s.hidden_parts) == {"commissioner", "lived_experience"}
    assert s.dominant_part is None and "at least 5 speakers" in s.sentence
    assert participation_summary(*tables(wb)).dominant_part == "commissioner"
    # One lived-experience speaker took most of one meeting: never named in public.
    wb.add("meeting", {"held_on": "2026-02-16", "kind_of_meeting": "partnership",
                       "attendance": {}}, place=PLACE)
    m3 = int(wb.table("meeting", PLACE)["id"].max())
    speak(wb, m3, "L", "lived_experience", minutes=90)
    speak(wb, m3, "C", "charity", minutes=1)
    s = participation_summary(*tables(wb), min_group=5, last_n=1)
    assert s.dominant_part is None and "too few people" in s.sentence
    assert participation_summary(*tables(wb), last_n=1).dominant_part == "lived_experience"

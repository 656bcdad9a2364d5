"""The analyses work on every meeting, series and record at once (groupby and merge, no
loop over rows): these cases are worked out by hand, and many meetings together must give
exactly what each meeting gives on its own."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from hls_workbook.analysis import (
    attendance_long,
    attendance_wide,
    burden_items,
    experiment_reviews,
    learning_reach,
    meeting_balance,
    meeting_rhythm,
    participation_trend,
    pulse_scores,
    speaking_time,
    strip_list,
)
from hls_workbook.analysis._common import group_lists, lists_by_row, texts

PLACE = "testville"


def meetings_frame(rows):
    """(id, held_on, attendance) rows, as Workbook.table gives them."""
    return pd.DataFrame({
        "id": pd.Series([r[0] for r in rows], dtype="int64"),
        "version": 1,
        "held_on": pd.Series([pd.Timestamp(r[1]) for r in rows], dtype="datetime64[ns]"),
        "series": pd.Series([r[3] if len(r) > 3 else None for r in rows], dtype="Int64"),
        "kind_of_meeting": "partnership",
        "attendance": [r[2] for r in rows],
    })


def speech_frame(rows):
    """(id, meeting, speaker, role, minutes, turns, longest) rows."""
    cols = ["id", "meeting", "speaker", "role", "minutes", "turns", "longest_turn_minutes"]
    df = pd.DataFrame(rows, columns=cols)
    df["version"] = 1
    for c in ("minutes", "turns", "longest_turn_minutes"):
        df[c] = pd.to_numeric(df[c]).astype("float64")
    df["meeting"] = df["meeting"].astype("Int64")
    return df


def test_column_helpers():
    values = pd.Series(["  yes ", None, 3, " ", float("nan"), ["a"]])
    assert list(texts(values)) == ["yes", None, "3", None, None, "['a']"]
    mask = pd.DataFrame({"a": [True, False, False], "b": [True, True, False]},
                        index=[7, 8, 9])
    lists = lists_by_row(mask)
    assert list(lists) == [["a", "b"], ["b"], []]
    assert lists.loc[9] is not lists.loc[8]  # every row has its own list
    gathered = group_lists(pd.Series([1, 2, 3, 9], index=[8, 7, 8, 5]), pd.Index([7, 8, 6]))
    assert list(gathered) == [[2], [1, 3], []]


def test_measures_for_many_meetings_at_once():
    """M1 minutes; M2 turns; M3 mixed (E gave both, F turns, K minutes), at its own 2
    minutes a turn; M4 mixed with no
    speaker giving both, so the ratio over all meetings is used (8 + 6 minutes in 4 + 2
    turns); M5 has no speaking counted at all."""
    m = meetings_frame([(1, "2026-01-05", {}), (2, "2026-01-12", {}), (3, "2026-01-19", {}),
                        (4, "2026-01-26", {}), (5, "2026-02-02", {})])
    c = speech_frame([
        (10, 1, "A", "charity", 4, None, None), (11, 1, "B", "charity", 2, None, None),
        (12, 2, "C", "charity", None, 5, None), (13, 2, "D", "other", None, 1, None),
        (14, 3, "E", "charity", 8, 4, None), (15, 3, "F", "other", None, 2, None),
        (22, 3, "K", "charity", 3, None, None),
        (16, 4, "G", "charity", 6, None, None), (17, 4, "H", "other", None, 2, None),
        (18, 1, "I", "charity", 6, 2, None),
        (19, 5, "J", "charity", None, None, None),
    ])
    s = speaking_time(c, m)
    # In meeting order (date, then meeting, then record).
    assert list(s["speaker"]) == ["A", "B", "I", "C", "D", "E", "F", "K", "G", "H", "J"]
    by = s.set_index("speaker")
    assert by.loc["A", "measure"] == "minutes" and by.loc["I", "amount"] == 6.0
    assert by.loc["C", "measure"] == "turns" and by.loc["C", "amount"] == 5.0
    assert by.loc["F", "measure"] == "minutes, some estimated from turns"
    assert by.loc["F", "amount"] == 4.0  # 2 turns at M3's 2 minutes a turn
    assert by.loc["K", "amount"] == 3.0 and by.loc["H", "measure"] == by.loc["F", "measure"]
    assert by.loc["H", "amount"] == pytest.approx(2 * 14 / 6)
    assert by.loc["G", "amount"] == 6.0
    assert math.isnan(by.loc["J", "amount"])


def test_balance_ties_and_other_roles_by_hand():
    """M1: commissioner and charity 5 minutes each (a tie goes to the part first in the
    model's order), a role outside the model heard after the six; two longest turns of 3
    minutes (the first one counts). M2: only community groups spoke though charities came."""
    m = meetings_frame([
        (1, "2026-01-05", {"commissioner": 1, "charity": 2, "lived_experience": 1}),
        (2, "2026-01-12", {"charity": 3, "community_group": 2}),
    ])
    c = speech_frame([
        (10, 1, "A", "charity", 5, None, 3), (11, 1, "B", "commissioner", 5, None, 3),
        (12, 1, "C", "zz_visitor", 2, None, 1), (13, 1, "D", "lived_experience", 0, None, None),
        (20, 2, "E", "community_group", 4, None, None),
        (21, 2, "F", "community_group", 4, None, None),
    ])
    bal = meeting_balance(c, m).set_index("meeting")
    one = bal.loc[1]
    assert one["dominant_part"] == "commissioner" and one["dominant_share"] == pytest.approx(
        5 / 12)
    assert one["parts_heard"] == ["commissioner", "charity", "zz_visitor"]
    assert one["parts_silent"] == ["lived_experience"]  # came, spoke for 0 minutes
    assert one["parts_absent"] == ["community_group", "public_service", "other"]
    assert one["longest_turn_minutes"] == 3.0 and one["longest_turn_role"] == "charity"
    assert one["speakers"] == 4
    # Gini of 0, 2, 5, 5 by hand: 2 * (1*0 + 2*2 + 3*5 + 4*5) / (4 * 12) - 5 / 4.
    assert one["gini"] == pytest.approx(2 * 39 / 48 - 5 / 4)
    two = bal.loc[2]
    assert two["parts_heard"] == ["community_group"] and two["gini"] == 0.0
    assert two["parts_silent"] == ["charity"]
    assert pd.isna(two["longest_turn_role"]) and two["dominant_label"] == "Community group"


def _many(n=30):
    rows, speech = [], []
    for i in range(n):
        rows.append((100 + i, pd.Timestamp("2026-01-05") + pd.Timedelta(days=3 * i),
                     {"charity": 1 + i % 3, "lived_experience": i % 2}))
        speech.append((1000 + 3 * i, 100 + i, "A", "charity", 1 + i % 4, None, 1 + i % 4))
        speech.append((1001 + 3 * i, 100 + i, "B", "lived_experience",
                       None if i % 5 == 0 else i % 3, 2, 1))
        speech.append((1002 + 3 * i, 100 + i, "C", ["commissioner", "other"][i % 2],
                       2, 1 + i % 2, None))
    return meetings_frame(rows), speech_frame(speech)


def test_many_meetings_together_match_each_meeting_alone():
    m, c = _many()
    together = meeting_balance(c, m).set_index("meeting")
    assert len(together) == 30
    for mid in m["id"]:
        # Each meeting alone, with the whole place's minutes-per-turn (M % 5 == 0 mixes).
        alone = meeting_balance(c[c["meeting"] == mid], m[m["id"] == mid]).iloc[0]
        row = together.loc[mid]
        for col in ("measure", "speakers", "dominant_part", "parts_heard", "parts_silent",
                    "parts_absent", "longest_turn_role"):
            assert row[col] == alone[col] or (pd.isna(row[col]) and pd.isna(alone[col])), (
                mid, col)
        for col in ("total", "gini", "dominant_share", "longest_turn_minutes"):
            if mid % 5:  # not mixed: nothing depends on the other meetings
                assert row[col] == pytest.approx(alone[col], nan_ok=True), (mid, col)


def test_trend_is_one_block_of_parts_per_meeting():
    m, c = _many(4)
    trend = participation_trend(c, m, window=2)
    assert len(trend) == 4 * 6
    assert list(trend["meeting_number"]) == [n for n in (1, 2, 3, 4) for _ in range(6)]
    first = trend[trend["meeting_number"] == 2].set_index("part")["share"]
    # Meeting 101: A 2 minutes, B 1 minute, C (other) 2 minutes.
    assert first["charity"] == pytest.approx(0.4) and first["other"] == pytest.approx(0.4)
    assert first["commissioner"] == 0.0


def test_rhythm_for_several_series_at_once():
    """Weekly Mondays from 5 Jan; fortnightly Wednesdays from 7 Jan; a series with no
    cadence plans nothing. Worked out for 5 Jan to 1 Feb: the weekly one met on the 11th
    and the 13th, both a day from the 12th (the earlier one keeps it, the other is extra),
    and missed the 19th; the fortnightly one met on the 28th, inside the 21st's window
    (half way to 4 February)."""
    series = pd.DataFrame({
        "id": pd.Series([1, 2, 3], dtype="int64"), "version": 1,
        "name": ["Weekly", "Fortnightly", None],
        "cadence": ["weekly", "fortnightly", None],
        "weekday": ["monday", "wednesday", "friday"],
        "started_on": pd.Series(pd.to_datetime(["2026-01-05", "2026-01-07", "2026-01-01"]),
                                dtype="datetime64[ns]"),
    })
    m = meetings_frame([
        (10, "2026-01-05", {}, 1), (11, "2026-01-11", {}, 1), (12, "2026-01-13", {}, 1),
        (13, "2026-01-26", {}, 1), (20, "2026-01-07", {}, 2), (21, "2026-01-28", {}, 2),
        (30, "2026-01-09", {}, 3),
    ])
    r = meeting_rhythm(series, m, start="2026-01-05", end="2026-02-01")
    s = r.summary.set_index("series")
    assert list(s["expected"]) == [4, 2, 0]
    assert list(s["kept"]) == [3, 2, 0]
    assert list(s["extra"]) == [1, 0, 1]
    assert list(s["longest_streak"]) == [2, 2, 0] and list(s["current_streak"]) == [1, 2, 0]
    assert s.loc[3, "name"] == "Series 3" and math.isnan(s.loc[3, "kept_share"])
    assert s.loc[1, "on_weekday"] == 2  # the 5th and the 26th were Mondays
    exp = r.expected[r.expected["series"] == 1]
    assert list(exp["meeting"].astype("float64").fillna(-1)) == [10, 11, -1, 13]
    assert list(exp["on_agreed_weekday"].fillna(False)) == [True, False, False, True]
    held = r.held.set_index("meeting")
    assert pd.isna(held.loc[12, "expected_on"])
    assert held.loc[11, "expected_on"] == pd.Timestamp("2026-01-12")
    assert held.loc[21, "expected_on"] == pd.Timestamp("2026-01-21")
    assert list(r.held["gap_days"].fillna(-1)) == [-1, 6, 2, 13, -1, 21, -1]


def test_attendance_other_parts_and_order():
    m = meetings_frame([(2, "2026-01-12", {"charity": 2, "visitors": 3}),
                        (1, "2026-01-05", {"lived_experience": 1}),
                        (3, "2026-01-05", None)])
    long = attendance_long(m)
    assert list(long["meeting"].drop_duplicates()) == [1, 3, 2]  # by date, then number
    assert len(long) == 6 + 6 + 7
    assert long.iloc[-1][["part", "label", "count"]].tolist() == ["visitors", "Visitors", 3]
    wide = attendance_wide(m).set_index("meeting")
    assert list(wide.columns[3:10]) == ["commissioner", "charity", "community_group",
                                        "public_service", "lived_experience", "other",
                                        "visitors"]
    assert wide.loc[2, "total"] == 5 and wide.loc[1, "visitors"] == 0
    assert wide.loc[3, "parts_absent"] == ["commissioner", "charity", "community_group",
                                           "public_service", "lived_experience", "other"]
    assert wide.loc[2, "parts_present"] == 1


def test_reach_and_reviews_by_hand():
    learning = pd.DataFrame({
        "id": pd.Series([1, 2], dtype="int64"), "version": 1,
        "kind_of_learning": ["surprise", "breakthrough"], "title": ["a", "b"],
        "recorded_on": pd.Series(pd.to_datetime(["2026-01-10", "2026-01-10"]),
                                 dtype="datetime64[ns]"),
    })
    shares = pd.DataFrame({
        "id": pd.Series([1, 2, 3, 4, 5], dtype="int64"), "version": 1,
        "learning": pd.Series([1, 1, 1, 2, 9], dtype="Int64"),
        "shared_with": ["zz_press", "charity", "charity", None, "commissioner"],
        "shared_on": pd.Series(pd.to_datetime(["2026-01-20", "2026-01-12", None,
                                               "2026-01-11", "2026-01-01"]),
                               dtype="datetime64[ns]"),
    })
    r = learning_reach(learning, shares).set_index("learning")
    assert r.loc[1, "parts_reached"] == ["charity", "zz_press"]
    assert r.loc[1, "days_to_first_share"] == 2.0
    assert r.loc[2, "parts_reached"] == [] and r.loc[2, "shared_with_nobody"]
    assert r.loc[2, "first_shared_on"] == pd.Timestamp("2026-01-11")  # shared, with nobody named
    experiments = pd.DataFrame({
        "id": pd.Series([1, 2, 3], dtype="int64"), "version": 1, "title": ["x", "y", "z"],
        "status": ["ended", "running", "idea"],
        "end_on": pd.Series(pd.to_datetime(["2026-02-01", None, None]), dtype="datetime64[ns]"),
    })
    reviews = pd.DataFrame({
        "id": pd.Series([1, 2, 3], dtype="int64"), "version": 1,
        "experiment": pd.Series([1, 1, 2], dtype="Int64"),
        "reviewed_on": pd.Series(pd.to_datetime(["2026-02-10", None, "2026-02-03"]),
                                 dtype="datetime64[ns]"),
        "went_to_plan": ["no", "yes", "partly"], "decision": ["adapt", "stop", "amplify"],
    })
    done = experiment_reviews(experiments, reviews).set_index("experiment")
    assert list(done.index) == [1, 2]  # the idea has no review and is not finished
    # An undated review sorts first, so the dated one on 10 February is the latest.
    assert done.loc[1, "went_to_plan"] == "no" and done.loc[1, "reviews"] == 2
    assert done.loc[1, "days_to_review"] == 9.0
    assert not done.loc[2, "needs_review"] and done.loc[2, "decision"] == "amplify"


def test_burden_duplicates_and_reasons_by_hand():
    burden = pd.DataFrame({
        "id": pd.Series([1, 2, 3, 4], dtype="int64"), "version": 1,
        "requirement": ["Quarterly return", "quarterly  RETURN ", "Quarterly return", "Form"],
        "funder": ["Council", "Trust", "Council", "Trust"],
        "organisation": "Open Door",
        "frequency_per_year": [4.0, 4.0, 1.0, 2.0], "hours_each": [6.0, 5.0, 1.0, None],
        "staff_cost_per_hour": 20.0, "grant_value": [None, 1000.0, None, None],
        "used_in_decisions": ["no", None, None, None], "duplicate_of": None,
        "proposed_action": [None, "stop", None, "simplify"],
    })
    items = burden_items(burden).set_index("id")
    assert list(items["duplicate"]) == [False, True, False, False]  # the Council asked first
    strip = strip_list(burden).set_index("id")
    assert strip.loc[1, "reasons"] == "never used in decisions"
    assert strip.loc[2, "reasons"] == ("another funder asks for the same; the team proposed: "
                                       "stop")
    assert strip.loc[2, "suggested_action"] == "share" and strip.loc[2, "hours_freed"] == 20.0
    assert strip.loc[4, "suggested_action"] == "simplify" and math.isnan(
        strip.loc[4, "hours_freed"])
    assert list(strip["rank"]) == [1, 2, 3]
    assert 3 not in strip.index


def test_pulse_change_follows_each_statement_and_role():
    rows = []
    for period, scores in (("2026-Q1", [2, 4, 6, 8, 10]), ("2026-03", [5] * 5),
                           ("2026-Q2", [7] * 5)):
        rows += [{"statement": "equal_partners", "score": s, "role": "charity",
                  "period": period} for s in scores]
    rows += [{"statement": "shared_language", "score": 9, "role": "charity",
              "period": "2026-Q2"} for _ in range(5)]
    pulse = pd.DataFrame(rows)
    pulse["id"] = range(len(pulse))
    scores = pulse_scores(pulse, by_role=False).set_index(["statement", "period"])
    assert scores.loc[("equal_partners", "2026-03"), "previous_period"] is None
    assert scores.loc[("equal_partners", "2026-Q1"), "previous_period"] == "2026-03"
    assert scores.loc[("equal_partners", "2026-Q1"), "change"] == pytest.approx(1.0)
    assert scores.loc[("equal_partners", "2026-Q2"), "change"] == pytest.approx(1.0)
    assert math.isnan(scores.loc[("shared_language", "2026-Q2"), "change"])

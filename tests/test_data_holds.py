"""What the data holds (issue 18), on hand-made cases saved in a real workbook: learning
not yet heard by a part of the system, the parts missing when a decision was taken, and
the pulse by part and round with small groups folded by the privacy rules."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hls_workbook import privacy
from hls_workbook.analysis.holds import (
    FOLDED,
    decisions_without,
    learning_not_heard,
    pulse_by_role,
    pulse_rounds,
)

PLACE = "testville"


def learning(wb, title: str, on: str) -> int:
    return wb.add("learning", {"kind_of_learning": "surprise", "title": title,
                               "observation": "It happened.", "event_on": on,
                               "recorded_on": on}, place=PLACE)


def share(wb, lid: int, part: str) -> None:
    wb.add("share", {"learning": lid, "shared_with": part, "shared_on": "2026-03-01"},
           place=PLACE)


def test_learning_lists_the_parts_that_have_not_heard_it(wb):
    some = learning(wb, "Buses stop at seven", "2026-02-01")
    nobody = learning(wb, "People come for the soup", "2026-02-10")
    everyone = learning(wb, "Texts work better than letters", "2026-01-05")
    share(wb, some, "charity")
    share(wb, some, "commissioner")
    share(wb, some, "other")  # not one of the named parts: changes nothing
    for part in ("commissioner", "charity", "community_group", "public_service",
                 "lived_experience"):
        share(wb, everyone, part)
    out = learning_not_heard(wb.table("learning", PLACE), wb.table("share", PLACE))
    assert list(out["learning"]) == [nobody, some, everyone]  # newest first
    row = out.set_index("learning")
    assert row.at[some, "parts_heard"] == ["commissioner", "charity"]
    assert row.at[some, "parts_not_heard"] == ["community_group", "public_service",
                                               "lived_experience"]
    assert row.at[some, "not_heard_by"] == ("community groups, public services and people "
                                            "with lived experience")
    assert len(row.at[nobody, "parts_not_heard"]) == 5
    assert row.at[everyone, "parts_not_heard"] == [] and row.at[everyone, "not_heard_by"] == ""
    assert learning_not_heard(None, None).empty


def meeting(wb, on: str, attendance: dict | None) -> int:
    data = {"held_on": on, "kind_of_meeting": "partnership"}
    if attendance is not None:
        data["attendance"] = attendance
    return wb.add("meeting", data, place=PLACE)


def decision(wb, on: str, at: int | None = None) -> int:
    return wb.add("decision", {"text": "Keep the drop-in", "decided_on": on, "meeting": at,
                               "proposer_role": "charity"}, place=PLACE)


def test_each_meeting_with_a_decision_lists_the_parts_not_in_the_room(wb):
    forum = meeting(wb, "2026-02-03", {"charity": 3, "commissioner": 2,
                                       "lived_experience": 0})
    unknown = meeting(wb, "2026-02-10", None)
    meeting(wb, "2026-02-17", {"charity": 1})  # nothing decided: not listed
    twin_a = meeting(wb, "2026-02-24", {"charity": 1})
    meeting(wb, "2026-02-24", {"commissioner": 1})  # two that day
    linked = decision(wb, "2026-02-03", forum)
    same_day = decision(wb, "2026-02-03")  # no link: the one meeting held that day
    decision(wb, "2026-02-10", unknown)
    decision(wb, "2026-02-24")  # no link, two meetings that day: belongs to neither
    decision(wb, "2026-02-28")  # no link, no meeting that day
    out = decisions_without(wb.table("decision", PLACE), wb.table("meeting", PLACE))
    assert list(out["meeting"]) == [forum, unknown]
    row = out.set_index("meeting")
    assert row.at[forum, "decision_ids"] == sorted([linked, same_day])
    assert row.at[forum, "decisions"] == 2
    assert row.at[forum, "parts_present"] == ["commissioner", "charity"]
    assert row.at[forum, "parts_missing"] == ["community_group", "public_service",
                                              "lived_experience"]
    assert row.at[forum, "missing"] == ("community groups, public services and people with "
                                        "lived experience")
    assert not row.at[unknown, "attendance_given"]
    assert row.at[unknown, "parts_missing"] == [] and row.at[unknown, "missing"] == \
        "not recorded"
    assert twin_a not in set(out["meeting"])
    assert decisions_without(None, None).empty


def pulse(wb, period: str, counts: dict[str, list[int]]) -> None:
    wb.add_many([("pulse", {"statement": "equal_partners", "score": s, "role": role,
                            "period": period, "answered_on": "2026-03-01"})
                 for role, scores in counts.items() for s in scores], place=PLACE)


def test_pulse_by_part_and_round_folds_small_groups_for_the_public(wb):
    pulse(wb, "2026-Q1", {"charity": [6] * 6, "commissioner": [4] * 5,
                          "lived_experience": [2, 2], "public_service": [9]})
    pulse(wb, "2026-Q2", {"charity": [8] * 6, "commissioner": [5] * 6})
    pulse(wb, "2026-Q3", {"charity": [3, 3, 3]})
    table = privacy.apply({"pulse": wb.table("pulse", PLACE)}, "public")["pulse"]
    out = pulse_by_role(table, audience="public")
    q1 = out[out["period"] == "2026-Q1"].set_index("role")
    # Lived experience (2) and public service (1) are too few together (3), so the
    # smallest part shown, commissioners (5), is folded in with them: 8 answers.
    assert list(q1.index) == ["all", "charity", FOLDED]
    assert q1.at[FOLDED, "folded_parts"] == ["commissioner", "public_service",
                                             "lived_experience"]
    assert q1.at[FOLDED, "responses"] == 8
    assert q1.at[FOLDED, "mean"] == pytest.approx((4 * 5 + 2 * 2 + 9) / 8)
    assert q1.at["all", "mean"] == pytest.approx((6 * 6 + 4 * 5 + 2 * 2 + 9) / 14)
    assert not q1["suppressed"].any()
    q2 = out[out["period"] == "2026-Q2"].set_index("role")
    assert list(q2.index) == ["all", "commissioner", "charity"]  # in the model's order
    assert q2.at["charity", "previous_period"] == "2026-Q1"
    assert q2.at["charity", "change"] == pytest.approx(2.0)
    # Too few answers in the round: everything hidden, nothing to work a mean out from.
    q3 = out[out["period"] == "2026-Q3"].set_index("role")
    assert q3["suppressed"].all() and q3["mean"].isna().all()
    assert math.isnan(q3.at["all", "change"])
    # The team may see small groups: nothing is folded.
    team = pulse_by_role(wb.table("pulse", PLACE), audience="team")
    t1 = team[team["period"] == "2026-Q1"]
    assert set(t1["role"]) == {"all", "charity", "commissioner", "lived_experience",
                               "public_service"}
    assert not t1["suppressed"].any()
    # A raised threshold folds more.
    ten = pulse_by_role(table, audience="public", threshold=10)
    t10 = ten[ten["period"] == "2026-Q2"].set_index("role")
    assert list(t10.index) == ["all", FOLDED] and t10.at[FOLDED, "responses"] == 12
    assert pulse_by_role(None).empty


def test_pulse_rounds_puts_each_group_in_a_row_and_each_round_in_columns(wb):
    pulse(wb, "2026-Q1", {"charity": [6] * 6, "commissioner": [4] * 5,
                          "lived_experience": [2, 2], "public_service": [9]})
    pulse(wb, "2026-Q2", {"charity": [8] * 6, "commissioner": [5] * 6})
    pulse(wb, "2026-Q3", {"charity": [3, 3, 3]})
    out = pulse_rounds(wb.table("pulse", PLACE)).set_index("group")
    assert out.attrs["rounds"] == ["2026-Q1", "2026-Q2", "2026-Q3"]
    folded = f"{FOLDED}:commissioner+public_service+lived_experience"
    assert list(out.index) == ["commissioner", "charity", "public_service",
                               "lived_experience", folded]
    assert out.at[folded, "group_label"] == (
        "Other parts together: commissioners or funders, public services and people with "
        "lived experience")
    assert out.at[folded, "mean:2026-Q1"] == pytest.approx((4 * 5 + 2 * 2 + 9) / 8)
    assert out.at[folded, "answers:2026-Q1"] == 8
    # A part folded in a round says so in its own row; next round it stands alone.
    assert out.at["commissioner", "folded:2026-Q1"]
    assert out.at["public_service", "answers:2026-Q1"] == 1  # its own answers, for the team
    assert math.isnan(out.at["commissioner", "mean:2026-Q1"])
    assert out.at["commissioner", "mean:2026-Q2"] == pytest.approx(5.0)
    # A round too small in all: the part keeps its row, hidden, its answers counted.
    assert math.isnan(out.at["charity", "mean:2026-Q3"])
    assert out.at["charity", "answers:2026-Q3"] == 3
    assert not out.at["charity", "folded:2026-Q3"]
    # Every mean shown sums up at least the threshold of answers.
    for r in out.attrs["rounds"]:
        shown = out[out[f"mean:{r}"].notna()]
        assert (shown[f"answers:{r}"] >= 5).all()
    # Only the latest rounds, and how many earlier ones are left out.
    two = pulse_rounds(wb.table("pulse", PLACE), last=2)
    assert two.attrs["rounds"] == ["2026-Q2", "2026-Q3"] and two.attrs["earlier"] == 1
    assert pulse_rounds(None).empty


PARTS = ["commissioner", "charity", "community_group", "public_service", "lived_experience"]


@settings(max_examples=60, deadline=None, derandomize=True)
@given(counts=st.lists(st.dictionaries(st.sampled_from(PARTS), st.integers(1, 9)),
                       min_size=1, max_size=3),
       threshold=st.sampled_from([5, 7]))
def test_pulse_rounds_never_shows_the_average_of_too_few(counts, threshold):
    """Any answers, any threshold: every average shown sums up at least the threshold of
    answers, every part that answered has its row, and the groups of a round add up."""
    rows = [{"statement": "equal_partners", "score": (i * 3 + k) % 11, "role": role,
             "period": f"2026-Q{r + 1}"}
            for r, parts in enumerate(counts) for k, (role, n) in enumerate(parts.items())
            for i in range(n)]
    out = pulse_rounds(pd.DataFrame(rows, columns=["statement", "score", "role", "period"]),
                       threshold=threshold)
    for r, parts in enumerate(counts):
        period = f"2026-Q{r + 1}"
        if not parts:
            continue
        block = out[out[f"answers:{period}"] > 0]
        shown = block[block[f"mean:{period}"].notna()]
        assert (shown[f"answers:{period}"] >= threshold).all()
        alone = block[~block["group"].str.startswith(FOLDED)]
        assert set(alone["group"]) == set(parts)  # each part's row, with its own answers
        assert dict(zip(alone["group"], alone[f"answers:{period}"], strict=True)) == parts
        # A part is either shown alone, or with others, or hidden: never two of these.
        groups = block[block["group"].str.startswith(FOLDED)]
        folded = {p for g in groups["group"] for p in g.split(":", 1)[1].split("+")}
        assert folded == set(alone.loc[alone[f"folded:{period}"], "group"])
        assert not folded & set(shown["group"])
        assert int(groups[f"answers:{period}"].sum()) == sum(parts[p] for p in folded)

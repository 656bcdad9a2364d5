"""Wellbeing that responds (issue 18): pooled check-ins for a small team, and an anonymous
"I would like someone to talk to" that raises a support request without saying who.

- a small team's pooled average appears once its window holds enough check-ins, named
  by its months, and a month's own average stays hidden;
- no month with too few check-ins can be worked out from the windows shown, nor from them
  and the months the team report shows (hypothesis: random monthly counts, checked by
  linear algebra, not by the rule that made them);
- a wish to talk leaves the check-in as it is and becomes, on a later day, a support
  request with no role, no author and no link, whose time and id say nothing of the
  check-in; each wish is raised once;
- the live check-in form (no browser) passes the wish on, with a check-in or without.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from hls_workbook.analysis import next_steps, pooled_checkins
from hls_workbook.analysis.pulse import POOL_MONTHS
from hls_workbook.ui import stages

PLACE = "testville"


def _add(wb, months: dict[str, tuple[int, int]]) -> None:
    """``months``: YYYY-MM -> (how many check-ins, each one's load)."""
    wb.add_many([("checkin", {"emotional_load": load, "role": "charity",
                              "checked_in_on": f"{month}-{1 + i:02d}"})
                 for month, (n, load) in months.items() for i in range(n)], place=PLACE)


# ---------------------------------------------------------------------------
# Pooling
# ---------------------------------------------------------------------------


def test_a_small_teams_pooled_average_appears_once_the_window_holds_enough(wb):
    _add(wb, {"2026-09": (2, 4), "2026-10": (2, 6)})
    before = stages.summary_html("checkins", wb, place=PLACE)
    assert "September to October 2026: hidden, too few check-ins yet (4 check-ins)." in before
    assert "Lately" not in before

    _add(wb, {"2026-11": (1, 9)})  # 4 + 6 + ... = (8 + 12 + 9) / 5 = 5.8
    after = stages.summary_html("checkins", wb, place=PLACE)
    assert "Lately: September to November 2026: 5.8 from 5 check-ins." in after
    # Each month's own average stays hidden; its count is the team's, as in the report.
    for month, n in (("2026-09", 2), ("2026-10", 2), ("2026-11", 1)):
        assert f">{month}</td>" in after and f">{n}</td>" in after
    assert after.count(">hidden</td>") == 3
    assert "9.0" not in after and "5.0" not in after


def test_a_month_with_enough_stands_alone_and_is_never_pooled(wb):
    """Were June pooled with October and November (6.7 from 9), June's own 7.0 in the team
    report would give away the other three check-ins together (6.0)."""
    _add(wb, {"2026-06": (6, 7), "2026-10": (1, 2), "2026-11": (2, 8)})
    pooled = pooled_checkins(wb.table("checkin", PLACE))
    assert list(pooled["sentence"]) == [
        "June 2026: 7.0 from 6 check-ins.",
        "July to November 2026: hidden, too few check-ins yet (3 check-ins)."]
    html = stages.summary_html("checkins", wb, place=PLACE)
    assert "Lately" not in html and ">7.0</td>" in html and "6.7" not in html
    assert "6.0" not in html and html.count(">hidden</td>") == 2


def test_no_headline_from_an_earlier_month_while_the_latest_months_are_hidden(wb):
    _add(wb, {"2026-04": (6, 7), "2026-10": (1, 2), "2026-11": (2, 8)})
    pooled = pooled_checkins(wb.table("checkin", PLACE))
    assert list(pooled["label"]) == ["April 2026", "June to November 2026"]
    assert list(pooled["shown"]) == [True, False]
    html = stages.summary_html("checkins", wb, place=PLACE)
    assert "Lately" not in html
    assert "June to November 2026: hidden, too few check-ins yet (3 check-ins)." in html
    assert ">7.0</td>" in html  # April, a window of its own, in the table


def test_no_window_reaches_further_back_than_the_cap():
    frame = pd.DataFrame({"emotional_load": [5] * 4, "role": ["charity"] * 4,
                          "checked_in_on": ["2025-01-10", "2025-03-10", "2025-09-10",
                                            "2026-02-10"]})
    pooled = pooled_checkins(frame, max_months=6)
    assert not pooled["shown"].any()
    assert (pooled["months"] <= 6).all()
    assert pooled.iloc[-1]["label"] == "September 2025 to February 2026"


def _frame(counts: list[int], loads: list[int]) -> pd.DataFrame:
    rows = []
    for k, n in enumerate(counts):
        year, month = 2025 + k // 12, k % 12 + 1
        rows += [{"emotional_load": loads[(k + i) % len(loads)], "role": "charity",
                  "checked_in_on": f"{year}-{month:02d}-{1 + i:02d}"} for i in range(n)]
    return pd.DataFrame(rows)


@settings(max_examples=150, deadline=None)
@given(counts=st.lists(st.integers(0, 7), min_size=1, max_size=20),
       loads=st.lists(st.integers(0, 10), min_size=1, max_size=6),
       min_group=st.integers(2, 6), max_months=st.integers(1, 8))
def test_no_hidden_month_can_be_worked_out_from_the_windows_shown(counts, loads, min_group,
                                                                   max_months):
    if not any(counts):
        return
    pooled = pooled_checkins(_frame(counts, loads), min_group=min_group,
                             max_months=max_months)
    months = [f"{2025 + k // 12}-{k % 12 + 1:02d}" for k in range(len(counts))]
    index = {m: i for i, m in enumerate(months)}
    shown = pooled[pooled["shown"]]
    # What anyone reading the section knows: each shown window's total (mean x count).
    known = np.zeros((len(shown), len(months)))
    for row, (start, end) in enumerate(zip(shown["start"], shown["end"], strict=True)):
        known[row, index[start]:index[end] + 1] = 1
        span = index[end] - index[start] + 1
        assert span <= max_months
    assert (shown["responses"] >= min_group).all()
    # And each month with enough, as the team report shows it (checkin_trend): a month
    # shown on its own is never inside a larger window.
    alone = np.zeros((0, len(months)))
    for i, n in enumerate(counts):
        if n >= min_group:
            inside = pooled[(pooled["start"] <= months[i]) & (pooled["end"] >= months[i])]
            assert len(inside) == 1 and inside.iloc[0]["months"] == 1
            row = np.zeros((1, len(months)))
            row[0, i] = 1
            alone = np.vstack([alone, row])
    known = np.vstack([known, alone])
    # Only the months with check-ins hold unknowns.
    known = known[:, [i for i, n in enumerate(counts) if n]]
    small = [j for j, n in enumerate(n for n in counts if n) if n < min_group]
    rank = np.linalg.matrix_rank(known) if len(known) else 0
    for j in small:
        unit = np.zeros(known.shape[1])
        unit[j] = 1
        # A month's total can be worked out iff its unit vector is a combination of the
        # windows shown: adding it would then not raise the rank.
        assert np.linalg.matrix_rank(np.vstack([known, unit])) > rank, (
            f"month {j} can be worked out")
    # The latest window holds the latest month with check-ins: no later hidden month.
    last = max(i for i, n in enumerate(counts) if n)
    assert pooled.iloc[-1]["end"] == months[last]
    # Windows never overlap, and they run oldest first.
    ends = [index[e] for e in pooled["end"]]
    starts = [index[s] for s in pooled["start"]]
    assert all(s > e for s, e in zip(starts[1:], ends[:-1], strict=True))
    assert sum(pooled["responses"]) == sum(counts)


# ---------------------------------------------------------------------------
# "I would like someone to talk to"
# ---------------------------------------------------------------------------


def _checkin_rows(wb) -> list[dict]:
    return wb.table("checkin", PLACE).drop(columns=["recorded_at"]).to_dict("records")


def test_a_wish_to_talk_raises_a_support_request_with_no_role_and_no_link(wb):
    later = dt.date.today()
    today = later - dt.timedelta(days=1)
    wb.add("checkin", {"emotional_load": 9, "role": "charity", "checked_in_on": today},
           place=PLACE)
    checkins = _checkin_rows(wb)
    wb.wish_to_talk(PLACE, on=today)
    # The check-in is as it was; nothing is raised the same day.
    assert _checkin_rows(wb) == checkins
    assert wb.raise_talk_wishes(PLACE, on=today) == []
    assert wb.talk_wishes(PLACE) == 1
    assert wb.table("support", PLACE).empty
    # Some other saves, then the team looks the next day.
    wb.add("checkin", {"emotional_load": 3, "role": "charity", "checked_in_on": later},
           place=PLACE)
    ids = wb.raise_talk_wishes(PLACE, on=later)
    assert len(ids) == 1 and wb.talk_wishes(PLACE) == 0
    assert wb.raise_talk_wishes(PLACE, on=later) == []  # raised once
    support = wb.table("support", PLACE).iloc[0]
    assert support["support_kind"] == "someone_to_talk_to" and support["status"] == "open"
    assert support["requested_by"] is None and support["recorded_by"] is None
    assert pd.Timestamp(support["requested_on"]).date() == later
    # No field names a check-in, and its id is not next to the wishing check-in's.
    assert not any(str(v) == str(checkins[0]["id"]) for k, v in support.items()
                   if k not in ("id", "version"))
    assert int(support["id"]) > max(int(r["id"]) for r in _checkin_rows(wb))
    # Saved after the later check-in: its time says nothing of the wishing one.
    assert support["recorded_at"] > wb.table("checkin", PLACE)["recorded_at"].max()
    assert _checkin_rows(wb)[0] == checkins[0]
    # Shown for the team, and in what needs doing now.
    html = stages.summary_html("support", wb, place=PLACE)
    assert stages.TALK_WISH_TEXT in html
    todo = next_steps(support=wb.table("support", PLACE), on=later)
    assert todo["sentence"].str.contains("Someone would like someone to talk to").any()
    # Once met, the line goes.
    wb.edit("support", int(support["id"]), {"status": "met", "met_on": later})
    assert stages.TALK_WISH_TEXT not in stages.summary_html("support", wb, place=PLACE)


def test_a_wish_kept_today_shows_at_once_and_a_new_request_in_a_form_still_needs_a_role(wb):
    wb.wish_to_talk(PLACE)
    assert stages.TALK_WISH_TEXT in stages.summary_html("support", wb, place=PLACE)
    from hls_workbook.domain.model import SupportRequest

    problems = SupportRequest.unanswered({"support_kind": "training"})
    assert "requested_by" in problems


def test_the_live_check_in_form_passes_the_wish_on_without_changing_the_check_in(
        wb, monkeypatch):
    monkeypatch.delenv("HLS_WORKBOOK_HEADLESS", raising=False)
    view = stages.section("checkins", wb, place=PLACE, role="charity", interactive=True)
    try:
        assert isinstance(view, stages.SectionView) and view.form is not None
        assert stages.TALK_LABEL in view.talk.description
        answers = {"emotional_load": 8, "role": "charity",
                   "checked_in_on": dt.date(2026, 11, 30)}
        view.form.set_values(answers)
        view.talk.value = True
        rid = view.form.submit()
        assert rid is not None, view.form.status_text
        assert "passed on without your name" in view.form.status_text
        assert view.talk.value is False
        saved = wb.get("checkin", rid)
        plain = {k: saved[k] for k in ("emotional_load", "role", "anonymous")}
        assert plain == {"emotional_load": 8, "role": "charity", "anonymous": True}
        assert wb.talk_wishes(PLACE) == 1
        # A check-in without the tick passes nothing on.
        view.form.set_values(answers)
        assert view.form.submit() is not None
        assert wb.talk_wishes(PLACE) == 1
        # Asking without a check-in.
        view.ask_to_talk()
        assert wb.talk_wishes(PLACE) == 2
        assert len(wb.table("checkin", PLACE)) == 2
        assert wb.raise_talk_wishes(PLACE) == [] and wb.table("support", PLACE).empty
    finally:
        view.close()
    assert POOL_MONTHS == 6


def test_a_wish_to_talk_stays_in_the_team(wb):
    from hls_workbook import privacy

    yesterday = dt.date.today() - dt.timedelta(days=1)
    wb.wish_to_talk(PLACE, on=yesterday)
    wb.raise_talk_wishes(PLACE)
    wb.add("support", {"support_kind": "training", "description": "Facilitation training",
                       "requested_by": "charity", "requested_on": yesterday}, place=PLACE)
    raw = {"support": wb.table("support", PLACE)}
    assert len(privacy.apply(raw, "team")["support"]) == 2
    for audience in ("partners", "public"):
        shown = privacy.apply(raw, audience)["support"]
        assert list(shown["support_kind"]) == ["training"]

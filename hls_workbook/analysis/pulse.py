"""The behaviour pulse and check-ins (RC1-RC5, LB1, LB2, BH1-BH3, ES1-ES3).

Pulse answers are anonymous perceptions, scored 0-10, for reflection only: never use them
to hold a grantee, a team or a person to account. Check-ins say how heavy the work feels.

Small groups are suppressed: the mean of a group of fewer than `min_group` people (5 by
default) is never shown. Its value is NaN and ``suppressed`` is True. When the "everyone"
figure is shown and the hidden parts together hold fewer than `min_group` people, their
mean could be worked out from the others, so the next-smallest parts are hidden too
("protects a small group"). The count of answers (``responses``) is kept for the team; the
privacy layer decides whether counts are published.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import pandas as pd

from hls_workbook.analysis._common import (
    ALL,
    ALL_LABEL,
    PARTS,
    dates,
    empty,
    frame,
    num,
    part_label,
    period_key,
    texts,
)
from hls_workbook.domain.model import STATEMENT_PRACTICE, Statement
from hls_workbook.privacy import HIDDEN_TEXT

SMALL = "fewer than {n} people"
PROTECTS = "protects a small group"


def _check_min_group(min_group: int) -> int:
    value = int(min_group)
    if value < 1:
        raise ValueError("min_group: use a whole number of people, 1 or more (5 is usual)")
    return value


def _grouped(
    df: pd.DataFrame, keys: list[str], value: str, by_role: bool, min_group: int,
    out_value: str,
) -> pd.DataFrame:
    """Mean of `value` per keys and role (and for everyone), with small groups suppressed."""
    frames = []
    everyone = df.groupby(keys, sort=False)[value].agg(["size", "mean"]).reset_index()
    everyone["role"] = ALL
    frames.append(everyone)
    if by_role:
        per = df.groupby([*keys, "role"], sort=False)[value].agg(["size", "mean"]).reset_index()
        frames.append(per)
    g = pd.concat(frames, ignore_index=True)
    g = g.rename(columns={"size": "responses", "mean": out_value})
    g["responses"] = g["responses"].astype("int64")
    g["suppressed"] = g["responses"] < min_group
    g["reason"] = [SMALL.format(n=min_group) if s else "" for s in g["suppressed"]]
    # Secondary suppression: when "everyone" is shown, the hidden parts together could be
    # worked out from it and the parts shown; keep hiding the next-smallest part until the
    # hidden parts together hold at least `min_group` people.
    for _, block in g.groupby(keys, sort=False):
        if block.loc[block["role"] == ALL, "suppressed"].any():
            continue
        roles = block[block["role"] != ALL]
        hidden = int(roles.loc[roles["suppressed"], "responses"].sum())
        open_roles = roles[~roles["suppressed"]].sort_values(["responses", "role"])
        for victim, n in zip(open_roles.index, open_roles["responses"], strict=True):
            if hidden == 0 or hidden >= min_group:
                break
            g.loc[victim, "suppressed"] = True
            g.loc[victim, "reason"] = PROTECTS
            hidden += int(n)
    g.loc[g["suppressed"], out_value] = math.nan
    g[out_value] = g[out_value].astype("float64")
    g["role_label"] = [ALL_LABEL if r == ALL else part_label(r) for r in g["role"]]
    return g


def _role_order(roles: Iterable[str]) -> dict[str, int]:
    order = [ALL, *PARTS]
    return {r: order.index(r) if r in order else len(order) for r in roles}


def _with_change(g: pd.DataFrame, keys: list[str], period: str, value: str) -> pd.DataFrame:
    g = g.assign(_pk=g[period].map(period_key))
    g = g.sort_values([*keys, "role", "_pk"], kind="stable")
    # The round before, for the same keys and role: the row before it in that order.
    shifted = g.groupby([*keys, "role"], sort=False)[[period, value]].shift(1)
    previous = shifted[period].astype("object")
    g["previous_period"] = previous.where(previous.notna(), None)
    g["change"] = (g[value] - shifted[value]).astype("float64")
    return g.drop(columns="_pk")


_PULSE_COLUMNS = ["statement", "label", "practice", "period", "role", "role_label", "responses",
                  "mean", "suppressed", "reason", "previous_period", "change"]


def pulse_scores(
    pulse: pd.DataFrame | None, *, min_group: int = 5, by_role: bool = True
) -> pd.DataFrame:
    """Mean score (0-10) per statement and period, for everyone and by part of the system.

    Columns: statement, label (the statement's words), practice (its id, e.g. RC1), period,
    role ("all" for everyone, else the part), role_label, responses (answers), mean (NaN when
    suppressed), suppressed, reason, previous_period (the round before, for the same
    statement and role) and change (this mean minus that one; NaN when either is hidden).

    A perception to talk about, for reflection only: never rank people or parts by it,
    and never show the mean of a group of fewer than `min_group` people.
    """
    min_group = _check_min_group(min_group)
    p = frame(pulse, "pulse")
    p = p.assign(score=num(p["score"]), statement=texts(p["statement"]),
                 role=texts(p["role"]), period=texts(p["period"]))
    p = p.dropna(subset=["score", "statement", "period"])
    p["role"] = p["role"].fillna("other")
    if p.empty:
        out = empty(_PULSE_COLUMNS)
        return out.astype({"responses": "int64", "mean": "float64", "suppressed": bool,
                           "change": "float64"})
    g = _grouped(p, ["statement", "period"], "score", by_role, min_group, "mean")
    g = _with_change(g, ["statement"], "period", "mean")
    labels = Statement.labels()
    g["label"] = g["statement"].map(lambda s: labels.get(s, s))
    g["practice"] = g["statement"].map(lambda s: STATEMENT_PRACTICE.get(s))
    statement_order = {s: i for i, s in enumerate(labels)}
    roles = _role_order(g["role"])
    g = g.assign(
        _s=g["statement"].map(lambda s: statement_order.get(s, len(statement_order))),
        _p=g["period"].map(period_key), _r=g["role"].map(roles),
    ).sort_values(["_s", "statement", "_p", "_r", "role"], kind="stable")
    return g[_PULSE_COLUMNS].reset_index(drop=True)


def latest_pulse(pulse: pd.DataFrame | None, *, min_group: int = 5) -> pd.DataFrame:
    """Everyone's mean per statement in the latest round, with the change since the round
    before: the rows of :func:`pulse_scores` where role is "all" and period is the latest.
    Suppression applies as there."""
    scores = pulse_scores(pulse, min_group=min_group, by_role=False)
    if scores.empty:
        return scores
    latest = max(scores["period"], key=period_key)
    return scores[scores["period"] == latest].reset_index(drop=True)


_CHECKIN_COLUMNS = ["month", "role", "role_label", "responses", "mean", "suppressed", "reason",
                    "previous_month", "change"]


def checkin_trend(
    checkins: pd.DataFrame | None, *, min_group: int = 5, by_role: bool = False
) -> pd.DataFrame:
    """How heavy the work feels (0 light - 10 very heavy), month by month (ES3, BH1).

    Columns: month (YYYY-MM), role ("all", or each part when `by_role`), role_label, responses,
    mean (the mean load; NaN when suppressed), suppressed, reason, previous_month and change (from
    the previous month with check-ins). Aggregate only, never individual check-ins;
    months or groups with fewer than `min_group` check-ins are suppressed.
    """
    min_group = _check_min_group(min_group)
    c = frame(checkins, "checkin")
    c = c.assign(load=num(c["emotional_load"]), when=dates(c["checked_in_on"]),
                 role=texts(c["role"]))
    c = c.dropna(subset=["load", "when"])
    c["role"] = c["role"].fillna("other")
    if c.empty:
        out = empty(_CHECKIN_COLUMNS)
        return out.astype({"responses": "int64", "mean": "float64", "suppressed": bool,
                           "change": "float64"})
    c["month"] = c["when"].dt.strftime("%Y-%m")
    g = _grouped(c, ["month"], "load", by_role, min_group, "mean")
    g = _with_change(g, [], "month", "mean").rename(
        columns={"previous_period": "previous_month"})
    roles = _role_order(g["role"])
    g = g.assign(_r=g["role"].map(roles)).sort_values(["month", "_r", "role"], kind="stable")
    return g[_CHECKIN_COLUMNS].reset_index(drop=True)


#: How many calendar months a pooled window of check-ins may span at most: beyond it an
#: average says too little about how the work feels now, so it is "too few yet" instead.
POOL_MONTHS = 6

_POOLED_COLUMNS = ["start", "end", "label", "months", "responses", "mean", "shown", "reason",
                   "sentence"]


def _month_name(year: int, month: int, *, with_year: bool = True) -> str:
    name = pd.Timestamp(year=year, month=month, day=1).strftime("%B")
    return f"{name} {year}" if with_year else name


def window_label(start: str, end: str) -> str:
    """A window of months in words: 'March 2026', 'March to May 2026',
    'November 2025 to January 2026'."""
    (y1, m1), (y2, m2) = (tuple(int(x) for x in s.split("-")) for s in (start, end))
    if (y1, m1) == (y2, m2):
        return _month_name(y1, m1)
    return f"{_month_name(y1, m1, with_year=y1 != y2)} to {_month_name(y2, m2)}"


def pooled_checkins(
    checkins: pd.DataFrame | None, *, min_group: int = 5, max_months: int = POOL_MONTHS,
    until: str | None = None,
) -> pd.DataFrame:
    """Check-ins pooled over windows of months, so a small team sees how heavy the work
    feels without anyone's month being shown on its own (ES3, BH1).

    Going back from the latest month (``until``, YYYY-MM; default the latest month with a
    check-in), each window takes the month with as few months before it as needed to hold
    at least ``min_group`` check-ins; the next window starts with the month before. A
    month with ``min_group`` check-ins or more is always a window of its own, never pooled
    (so :func:`checkin_trend`'s months, which show it, may be shown beside these windows):
    a run of smaller months that meets one before it holds enough is not shown. A window
    may span at most ``max_months`` calendar months (:data:`POOL_MONTHS`): when that many
    months still hold too few check-ins, the window is not shown (``shown`` False,
    ``mean`` NaN, "too few check-ins yet") and the next window starts before it.

    The windows never overlap, every window shown holds at least ``min_group`` check-ins,
    and a month shown on its own is never inside a larger window, so no month with too few
    check-ins can be worked out from the averages shown, these windows and the months of
    :func:`checkin_trend` together. Figures shown at different times (before and after a
    new month's check-ins moved the windows) are not compared here.

    One row per window holding at least one check-in, oldest first: start and end
    (YYYY-MM), label ("March to May 2026"), months (calendar months spanned), responses
    (check-ins), mean (NaN when not shown), shown, reason, and a sentence ("March to May
    2026: 3.4 from 6 check-ins."). The last row is the latest window: the one a
    headline may use, so that no hidden later month can contradict it.
    """
    min_group = _check_min_group(min_group)
    max_months = int(max_months)
    if max_months < 1:
        raise ValueError("max_months: use a whole number of months, 1 or more (6 is usual)")
    c = frame(checkins, "checkin")
    c = c.assign(load=num(c["emotional_load"]), when=dates(c["checked_in_on"]))
    c = c.dropna(subset=["load", "when"])
    out = empty(_POOLED_COLUMNS).astype({"months": "int64", "responses": "int64",
                                         "mean": "float64", "shown": bool})
    if c.empty:
        return out
    c["m"] = c["when"].dt.year * 12 + c["when"].dt.month - 1
    if until is not None:
        y, m = (int(x) for x in str(until).split("-"))
        last = y * 12 + m - 1
        c = c[c["m"] <= last]
        if c.empty:
            return out
    else:
        last = int(c["m"].max())
    by_month = c.groupby("m")["load"].agg(["size", "sum"])
    first = int(by_month.index.min())
    rows = []
    end = last
    while end >= first:
        if rows:  # a window before the latest ends on a month with check-ins
            while end not in by_month.index:
                end -= 1
        n, total, start = 0, 0.0, end
        while start >= first and end - start < max_months:
            size = int(by_month.loc[start, "size"]) if start in by_month.index else 0
            if start < end and size >= min_group:
                break  # a month shown on its own is never pooled: stop before it
            n += size
            total += float(by_month.loc[start, "sum"]) if size else 0.0
            if n >= min_group:
                break
            start -= 1
        if n < min_group:  # too few: the window ends one month after where the walk stopped
            start += 1
        if n:
            rows.append((start, end, n, total))
        end = start - 1

    def ym(k: int) -> str:
        return f"{k // 12:04d}-{k % 12 + 1:02d}"

    records = []
    for start, end, n, total in reversed(rows):
        label = window_label(ym(start), ym(end))
        shown = n >= min_group
        mean = total / n if shown else math.nan
        checks = f"{n} check-in{'s' if n != 1 else ''}"
        sentence = (f"{label}: {mean:.1f} from {checks}." if shown else
                    f"{label}: {HIDDEN_TEXT}, too few check-ins yet ({checks}).")
        records.append({
            "start": ym(start), "end": ym(end), "label": label, "months": end - start + 1,
            "responses": n, "mean": mean, "shown": shown,
            "reason": "" if shown else "too few check-ins yet",
            "sentence": sentence,
        })
    out = pd.DataFrame(records, columns=_POOLED_COLUMNS)
    return out.astype({"months": "int64", "responses": "int64", "mean": "float64",
                       "shown": bool}).reset_index(drop=True)

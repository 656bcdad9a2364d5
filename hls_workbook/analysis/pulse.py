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

from ..model import STATEMENT_PRACTICE, Statement
from ._common import (
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

"""Participation balance (RC5): who spoke, how much, and whose views shaped decisions.

Speaking time is a prompt for a conversation about how the group works, never a score for a
person. Groups whose members take turns more evenly tend to solve problems better (Woolley
et al., Science 2010), so the figures here are the ones speaking-time tools show: share of
speaking time by part of the system, the Gini of airtime, and the longest single turn.

Speaking time is measured in minutes. Where a meeting has no minutes recorded, turns
(times someone spoke) are used instead; where a meeting has minutes for some speakers and
only turns for others, the missing minutes are estimated from the turns at that meeting's
own minutes-per-turn. The ``measure`` column says which was used.

Small groups (``min_group``, the report's threshold; 0 shows everything). A part's share
of one meeting is one person's airtime when one person from that part spoke, so with
``min_group`` given a part's share (and amount) is hidden (NaN) wherever fewer than
``min_group`` people from it spoke: the number of different pseudonyms from that part in
that meeting. Over several meetings (a week, a month, the last 8) the count used is the
largest number from that part in any one of them: pseudonyms hold only within a meeting,
so that is all we know for certain. Because the shares of a meeting add up to 100%, a
hidden share could be worked out from the others; so the hidden parts are folded together
(:func:`fold_small_parts`), and more parts, the smallest first, are folded in until the
folded parts hold at least ``min_group`` people between them (or every part is folded).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from hls_workbook.analysis._common import (
    PART_LABELS,
    PARTS,
    attendance_table,
    dates,
    frame,
    ids,
    lists_by_row,
    missing,
    num,
    part_label,
    part_plural,
    pct,
    share_table,
    texts,
)
from hls_workbook.analysis.decisions import decision_balance

MINUTES = "minutes"
TURNS = "turns"
ESTIMATED = "minutes, some estimated from turns"

_SPEECH_COLUMNS = ["meeting", "held_on", "speaker", "role", "turns", "minutes",
                   "longest_turn_minutes", "amount", "measure"]


def speaking_time(
    contributions: pd.DataFrame | None, meetings: pd.DataFrame | None = None
) -> pd.DataFrame:
    """One row per contribution with the ``amount`` of speaking counted and its ``measure``.

    Columns: meeting, held_on, speaker, role, turns, minutes, longest_turn_minutes, amount,
    measure. When `meetings` is given, only contributions to those meetings are kept (so
    a period filter on meetings applies here too) and ``held_on`` comes from it; without it,
    ``held_on`` is NaT. Rows are in meeting order (by date, then meeting number). The
    building block of the other functions here.
    """
    c = frame(contributions, "contribution")
    c = c[ids(c["meeting"]).notna()].copy()
    held = _held_on(meetings)
    if meetings is not None:
        c = c[ids(c["meeting"]).isin(list(held))].copy()
    if c.empty:
        return pd.DataFrame({k: pd.Series(dtype="object") for k in _SPEECH_COLUMNS}).assign(
            amount=pd.Series(dtype="float64"), held_on=pd.Series(dtype="datetime64[ns]")
        )
    c["meeting"] = ids(c["meeting"]).astype("int64")
    c["minutes"] = num(c["minutes"])
    c["turns"] = num(c["turns"])
    c["longest_turn_minutes"] = num(c["longest_turn_minutes"])
    c["role"] = list(texts(c["role"]).fillna("other"))
    c["speaker"] = list(texts(c["speaker"]).fillna("?"))
    # Which measure each meeting used, worked out for every meeting at once.
    by_meeting = c["meeting"]
    has_minutes, has_turns = c["minutes"].notna(), c["turns"].notna()
    all_minutes = has_minutes.groupby(by_meeting).transform("all")
    all_turns = has_turns.groupby(by_meeting).transform("all")
    both = has_minutes & has_turns
    overall_turns = c.loc[both, "turns"].sum()
    overall_ratio = c.loc[both, "minutes"].sum() / overall_turns if overall_turns > 0 else 1.0
    both_minutes = c["minutes"].where(both, 0.0).groupby(by_meeting).transform("sum")
    both_turns = c["turns"].where(both, 0.0).groupby(by_meeting).transform("sum")
    ratio = (both_minutes / both_turns.where(both_turns > 0)).fillna(overall_ratio)
    estimated = c["minutes"].fillna(c["turns"] * ratio)
    c["amount"] = c["minutes"].where(all_minutes, c["turns"].where(all_turns, estimated))
    c["measure"] = pd.Series(np.select([all_minutes.to_numpy(), all_turns.to_numpy()],
                                       [MINUTES, TURNS], ESTIMATED), index=c.index,
                             dtype="object")
    c["held_on"] = c["meeting"].map(held).astype("datetime64[ns]")
    c = c.sort_values(["held_on", "meeting", "id"], na_position="last", kind="stable")
    return c[_SPEECH_COLUMNS].reset_index(drop=True)


def fold_small_parts(speakers: pd.DataFrame, min_group: int) -> pd.DataFrame:
    """Which parts' shares to hide, row by row (a meeting or a period).

    ``speakers``: how many people from each part (columns) spoke in each row. A part with
    1 to ``min_group - 1`` is hidden; then, while the hidden parts hold fewer than
    ``min_group`` people together, the visible part with the fewest speakers (that spoke
    at all) is hidden too, so the hidden parts' share together (100% less the shown ones)
    is never a small group's. Parts nobody spoke from (0) are never hidden: 0 is not a
    small count. Returns a bool frame like ``speakers``; ``min_group`` 0 or 1 hides nothing.

    >>> fold_small_parts(pd.DataFrame({"a": [1, 6], "b": [6, 7], "c": [9, 0]}), 5)
       a      b      c
    0  True   True   False
    1  False  False  False
    """
    counts = speakers.fillna(0).astype("int64")
    hidden = (counts > 0) & (counts < int(min_group))
    if int(min_group) <= 1 or not hidden.to_numpy().any():
        return hidden & False
    out = hidden.copy()
    for idx in out.index[hidden.any(axis=1)]:
        row = counts.loc[idx]
        mask = hidden.loc[idx].copy()
        while row[mask].sum() < min_group:
            rest = row[~mask & (row > 0)]
            if rest.empty:
                break
            mask[rest.idxmin()] = True
        out.loc[idx] = mask
    return out


def _held_on(meetings: pd.DataFrame | None) -> dict[int, pd.Timestamp]:
    if meetings is None:
        return {}
    m = frame(meetings, "meeting")
    return dict(zip(m["id"].astype("int64"), dates(m["held_on"]), strict=True)) if len(m) else {}


def _meeting_order(speech: pd.DataFrame) -> list[int]:
    return list(dict.fromkeys(speech["meeting"].tolist()))


MIXED = "mixed"


def _measure_of(speech: pd.DataFrame) -> str:
    kinds = set(speech["measure"])
    if kinds <= {MINUTES, ESTIMATED}:  # also when nothing was recorded
        return MINUTES
    if kinds == {TURNS}:
        return TURNS
    return MIXED


def _pooled(speech: pd.DataFrame, keys: list[str]) -> tuple[str, pd.DataFrame]:
    """Amount, share and meetings per key over several meetings.

    Shares pool the amounts when every meeting used the same measure (minutes, or turns);
    otherwise each meeting's shares are averaged, so minutes and turns are never added up.
    """
    measure = _measure_of(speech)
    if speech.empty:
        empty_index = pd.MultiIndex.from_arrays([[] for _ in keys], names=keys) if len(
            keys) > 1 else pd.Index([], name=keys[0])
        return measure, pd.DataFrame({"amount": pd.Series(dtype="float64"),
                                      "share": pd.Series(dtype="float64"),
                                      "meetings": pd.Series(dtype="int64")},
                                     index=empty_index)
    grouped = speech.groupby(keys, sort=False)
    out = pd.DataFrame({"amount": grouped["amount"].sum(),
                        "meetings": grouped["meeting"].nunique().astype("int64")})
    if measure != MIXED:
        total = out["amount"].sum()
        out["share"] = out["amount"] / total if total > 0 else math.nan
    else:
        per = speech.groupby(["meeting", *keys], sort=False)["amount"].sum()
        totals = per.groupby(level="meeting").transform("sum")
        per_share = (per / totals).where(totals > 0).dropna()
        counted = per_share.index.get_level_values("meeting").nunique()
        summed = per_share.groupby(level=keys).sum()
        out["share"] = (summed / counted).reindex(out.index).fillna(0.0) if counted else (
            math.nan)
    return measure, out


def airtime(
    contributions: pd.DataFrame | None,
    meetings: pd.DataFrame | None = None,
    *,
    by: str = "role",
    per_meeting: bool = True,
    min_group: int = 0,
) -> pd.DataFrame:
    """Share of speaking time in each meeting, by part of the system or by pseudonym.

    ``by="role"``: columns meeting, held_on, measure, role, label, amount, share.
    ``by="speaker"``: columns meeting, held_on, measure, speaker, role, label, amount, share.
    Only those who spoke appear (see :func:`participation_trend` for every part, with zeros).
    ``share`` is of that meeting's total (NaN when the total is zero).

    ``per_meeting=False`` gives one row per part (or pseudonym) over all the meetings given:
    role (or speaker and role), label, measure, meetings (how many they spoke in), amount
    and share. Amounts are pooled when every meeting used the same measure; otherwise
    ("mixed") each meeting's shares are averaged.

    A pseudonym is only a label within one meeting: "Speaker A" in two meetings need not be
    the same person. Read it as "one voice took half the time", never as a score for anyone.

    ``min_group`` (by role only): amount and share are NaN, and ``hidden`` True, for a part
    with fewer than ``min_group`` speakers in the meeting (over all meetings: in any one of
    them), and for the parts folded in with it (see :func:`fold_small_parts`). The
    ``speakers`` and ``hidden`` columns are added only when ``min_group`` is given.
    """
    if min_group and by == "role":
        return _hide_small(airtime(contributions, meetings, by=by, per_meeting=per_meeting),
                           speaking_time(contributions, meetings), per_meeting, min_group)
    if by not in ("role", "speaker"):
        raise ValueError("by: use 'role' (part of the system) or 'speaker' (pseudonym)")
    speech = speaking_time(contributions, meetings)
    keys = ["role"] if by == "role" else ["speaker", "role"]
    if not per_meeting:
        measure, pooled = _pooled(speech, keys)
        cols = [*keys, "label", "measure", "meetings", "amount", "share"]
        out = pooled.reset_index()
        out["label"] = out["role"].map(part_label) if by == "role" else out["speaker"]
        out["measure"] = measure
        if by == "role":
            rank = {p: i for i, p in enumerate(PARTS)}
            out = out.sort_values("role", key=lambda r: r.map(lambda x: rank.get(x, 99)),
                                  kind="stable")
        else:
            out = out.sort_values(["amount", "speaker"], ascending=[False, True],
                                  kind="stable")
        out = out[cols].reset_index(drop=True)
        return out.astype({"amount": "float64", "share": "float64", "meetings": "int64"})
    cols = ["meeting", "held_on", "measure", *keys, "label", "amount", "share"]
    if speech.empty:
        out = pd.DataFrame({k: pd.Series(dtype="object") for k in cols})
        return out.astype({"amount": "float64", "share": "float64"})
    grouped = (
        speech.groupby(["meeting", *keys], sort=False)
        .agg(held_on=("held_on", "first"), measure=("measure", "first"), amount=("amount", "sum"))
        .reset_index()
    )
    totals = grouped.groupby("meeting")["amount"].transform("sum")
    grouped["share"] = (grouped["amount"] / totals).where(totals > 0)
    grouped["label"] = (
        grouped["role"].map(part_label) if by == "role" else grouped["speaker"]
    )
    order = {m: i for i, m in enumerate(_meeting_order(speech))}
    grouped["_o"] = grouped["meeting"].map(order)
    grouped = grouped.sort_values(["_o", "amount"], ascending=[True, False], kind="stable")
    return grouped[cols].reset_index(drop=True)


_BALANCE_COLUMNS = [
    "meeting", "held_on", "measure", "speakers", "total", "gini", "longest_turn_minutes",
    "longest_turn_role", "dominant_part", "dominant_label", "dominant_share", "parts_heard",
    "parts_silent", "parts_absent",
]


def meeting_balance(
    contributions: pd.DataFrame | None, meetings: pd.DataFrame | None = None
) -> pd.DataFrame:
    """One row per meeting with speaking recorded: how evenly the talking was shared.

    Columns: meeting, held_on, measure, speakers (how many pseudonyms), total (minutes or
    turns), gini (0 = everyone spoke equally, towards 1 = one voice took nearly all the
    time; NaN when nothing was counted), longest_turn_minutes and longest_turn_role (the
    longest single turn and the part of the system of whoever took it), dominant_part,
    dominant_label and dominant_share (the part that spoke most), parts_heard (parts that
    spoke), parts_silent (parts that came, by the meeting's attendance, but did not speak)
    and parts_absent (of the six parts, those that neither came nor spoke).

    These figures start a conversation ("did we hear from everyone?"); they are not a
    verdict on the meeting or a score for anyone in it.
    """
    speech = speaking_time(contributions, meetings)
    if speech.empty:
        out = pd.DataFrame({k: pd.Series(dtype="object") for k in _BALANCE_COLUMNS})
        return out.astype({"total": "float64", "gini": "float64", "dominant_share": "float64",
                           "longest_turn_minutes": "float64"})
    return _balance(speech, meetings)


def _part_rank(roles: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Sort keys putting the six parts first, in model order, then any other role by name."""
    rank = roles.map({p: i for i, p in enumerate(PARTS)}).fillna(len(PARTS)).astype("int64")
    name = roles.where(rank == len(PARTS), "").astype(str)
    return rank, name


def _speakers(speech: pd.DataFrame) -> pd.DataFrame:
    """People (pseudonyms) from each part who spoke, meeting by meeting (wide)."""
    if speech.empty:
        return pd.DataFrame(dtype="int64")
    return speech.groupby(["meeting", "role"], sort=False)["speaker"].nunique().unstack(
        fill_value=0)


def _hide_small(out: pd.DataFrame, speech: pd.DataFrame, per_meeting: bool,
                min_group: int) -> pd.DataFrame:
    out = out.copy()
    per = _speakers(speech)
    if per_meeting:
        long = per.stack()
        key = list(zip(out["meeting"], out["role"], strict=True))
        out["speakers"] = pd.Series([int(long.get(k, 0)) for k in key], index=out.index,
                                    dtype="int64")
        hide = fold_small_parts(per, min_group).stack()
        out["hidden"] = pd.Series([bool(hide.get(k, False)) for k in key], index=out.index,
                                  dtype=bool)
    else:
        most = per.max() if len(per) else pd.Series(dtype="int64")
        out["speakers"] = out["role"].map(most).fillna(0).astype("int64")
        hide = fold_small_parts(most.to_frame().T, min_group).iloc[0] if len(most) else most
        out["hidden"] = out["role"].map(hide).fillna(False).astype(bool)
    out.loc[out["hidden"], ["amount", "share"]] = math.nan
    return out


def _balance(speech: pd.DataFrame, meetings: pd.DataFrame | None) -> pd.DataFrame:
    """meeting_balance for speaking_time's rows: every meeting at once, by groupby."""
    first = speech.drop_duplicates("meeting").set_index("meeting")
    order = first.index
    grouped = speech.groupby("meeting", sort=False)
    total = grouped["amount"].sum().reindex(order)
    # Gini of each meeting's speakers: 2 * sum(rank * amount) / (n * total) - (n + 1) / n,
    # with each meeting's speakers ranked from the quietest.
    per_speaker = speech.groupby(["meeting", "speaker"], sort=False)["amount"].sum()
    ps = per_speaker.reset_index().sort_values(["meeting", "amount"], kind="stable")
    ps["weighted"] = (ps.groupby("meeting").cumcount() + 1) * ps["amount"]
    sums = ps.groupby("meeting").agg(n=("amount", "size"), amount=("amount", "sum"),
                                     weighted=("weighted", "sum")).reindex(order)
    gini = (2 * sums["weighted"] / (sums["n"] * sums["amount"])
            - (sums["n"] + 1) / sums["n"]).where(sums["amount"] > 0)
    # Parts heard (six first, in order, then others by name) and the part that spoke most.
    per_role = speech.groupby(["meeting", "role"], sort=False)["amount"].sum().reset_index()
    per_role["rank"], per_role["name"] = _part_rank(per_role["role"])
    per_role = per_role.sort_values(["meeting", "rank", "name"], kind="stable")
    spoke = per_role[per_role["amount"] > 0]
    roles = list(dict.fromkeys(per_role.sort_values(["rank", "name"], kind="stable")["role"]))
    heard_all = spoke.assign(heard=True).pivot(index="meeting", columns="role",
                                               values="heard")
    heard_all = heard_all.reindex(index=order, columns=roles).notna()
    top = per_role.sort_values(["meeting", "amount", "rank", "name"],
                               ascending=[True, False, True, True], kind="stable")
    top = top.drop_duplicates("meeting").set_index("meeting").reindex(order)
    has_total = total > 0
    dominant = top["role"].where(has_total)
    # The longest single turn, and whose it was (the first such turn in meeting order).
    timed = speech[speech["longest_turn_minutes"].notna()]
    longest_at = timed.groupby("meeting", sort=False)["longest_turn_minutes"].idxmax()
    longest = timed.loc[longest_at].set_index("meeting").reindex(order)
    # Parts that came (by attendance) but did not speak, and parts that neither came nor spoke.
    came = pd.DataFrame(False, index=order, columns=list(PARTS))
    if meetings is not None:
        m = frame(meetings, "meeting")
        if len(m):
            table = attendance_table(m["attendance"].set_axis(m["id"].astype("int64")))
            table = table[~table.index.duplicated(keep="last")]
            came = table[list(PARTS)].reindex(order).fillna(0).astype(bool)
    heard_mask = heard_all.reindex(columns=list(PARTS), fill_value=False)
    out = pd.DataFrame({
        "meeting": order.to_numpy(),
        "held_on": first["held_on"].to_numpy(),
        "measure": first["measure"].to_numpy(),
        "speakers": grouped["speaker"].nunique().reindex(order).astype("int64").to_numpy(),
        "total": total.astype("float64").to_numpy(),
        "gini": gini.astype("float64").to_numpy(),
        "longest_turn_minutes": longest["longest_turn_minutes"].astype("float64").to_numpy(),
        "longest_turn_role": _objects(longest["role"]),
        "dominant_part": _objects(dominant),
        "dominant_label": _objects(dominant.map(part_label).where(has_total)),
        "dominant_share": (top["amount"] / total).where(has_total).astype("float64").to_numpy(),
        "parts_heard": lists_by_row(heard_all).to_numpy(),
        "parts_silent": lists_by_row(came & ~heard_mask).to_numpy(),
        "parts_absent": lists_by_row(~came & ~heard_mask).to_numpy(),
    }, columns=_BALANCE_COLUMNS)
    out["held_on"] = out["held_on"].astype("datetime64[ns]")
    return out


def _objects(values: pd.Series) -> np.ndarray:
    """A column's values as Python objects, None where missing (as rows built by hand)."""
    out = values.astype("object").to_numpy(copy=True)
    out[pd.isna(out)] = None
    return out


def participation_trend(
    contributions: pd.DataFrame | None,
    meetings: pd.DataFrame | None = None,
    *,
    window: int = 4,
    min_group: int = 0,
) -> pd.DataFrame:
    """Share of speaking time for every part of the system, meeting by meeting.

    Long form, six rows per meeting (a part that did not speak has share 0): meeting,
    held_on, meeting_number (1 for the first meeting with speaking recorded), part, label,
    share, and rolling_share (the mean share over the last `window` meetings, to smooth
    out one-off meetings). Shows whether the balance is changing; one meeting is not a trend.
    """
    window = max(1, int(window))
    cols = ["meeting", "held_on", "meeting_number", "part", "label", "share", "rolling_share"]
    by_role = airtime(contributions, meetings, by="role")
    if by_role.empty:
        out = pd.DataFrame({k: pd.Series(dtype="object") for k in cols})
        return out.astype({"share": "float64", "rolling_share": "float64"})
    order = pd.unique(by_role["meeting"])
    held = by_role.groupby("meeting")["held_on"].first()
    parts = list(PARTS) + sorted(r for r in by_role["role"].unique() if r not in PARTS)
    wide = by_role.pivot_table(index="meeting", columns="role", values="share", aggfunc="sum")
    wide = wide.reindex(index=order, columns=parts).fillna(0.0)
    counted = by_role["share"].notna().groupby(by_role["meeting"]).any()
    wide.loc[counted[~counted].index] = math.nan
    if min_group:
        speech = speaking_time(contributions, meetings)
        hide = fold_small_parts(_speakers(speech).reindex(index=order, columns=parts,
                                                          fill_value=0), min_group)
        wide = wide.mask(hide.to_numpy())
    rolling = wide.rolling(window, min_periods=1).mean()
    if min_group:
        rolling = rolling.where(wide.notna())
    n = len(order)
    out = pd.DataFrame({
        "meeting": np.repeat(order, len(parts)),
        "held_on": np.repeat(held.reindex(order).to_numpy(), len(parts)),
        "meeting_number": np.repeat(np.arange(1, n + 1, dtype="int64"), len(parts)),
        "part": parts * n,
        "label": [part_label(p) for p in parts] * n,
        "share": wide.to_numpy(dtype="float64").ravel(),
        "rolling_share": rolling.to_numpy(dtype="float64").ravel(),
    }, columns=cols)
    out["held_on"] = out["held_on"].astype("datetime64[ns]")
    return out


@dataclass(frozen=True, eq=False)
class ParticipationSummary:
    """The headline figures of participation balance over the most recent meetings."""

    #: How many meetings (with speaking recorded) the figures cover.
    meetings_counted: int
    #: All meetings with speaking recorded.
    meetings_recorded: int
    #: "minutes", "turns" or "mixed" (then shares are averaged meeting by meeting).
    measure: str
    #: part, label, amount, share: every part, over the meetings counted.
    shares: pd.DataFrame
    dominant_part: str | None
    dominant_label: str | None
    dominant_share: float
    #: Median Gini of airtime over the meetings counted.
    median_gini: float
    #: The longest single turn in those meetings, in minutes.
    longest_turn_minutes: float
    #: Parts of the system that did not speak in any of the meetings counted.
    parts_not_heard: tuple[str, ...]
    #: How many decisions were given, and the share shaped by people with lived experience.
    decisions: int
    lived_experience_shaped_share: float
    #: A plain sentence, e.g. "In the last 8 meetings, commissioners or funders spoke 61% ..."
    sentence: str
    #: Parts whose share is hidden (fewer than ``min_group`` speakers, or folded in).
    hidden_parts: tuple[str, ...] = ()


def participation_summary(
    contributions: pd.DataFrame | None,
    meetings: pd.DataFrame | None = None,
    decisions: pd.DataFrame | None = None,
    *,
    last_n: int = 8,
    min_group: int = 0,
) -> ParticipationSummary:
    """Participation balance over the last `last_n` meetings, with a plain sentence.

    Shares pool the minutes (or turns) of those meetings, so longer meetings weigh more;
    when some meetings counted minutes and others only turns, each meeting's shares are
    averaged instead (``measure == "mixed"``). The sentence names the part that spoke most,
    for example "In the last 8 meetings, commissioners or funders spoke 61% of the time."
    Use it to open a conversation about who gets heard; never to rank or blame anyone.

    ``min_group``: a part with fewer than ``min_group`` speakers in every one of the
    meetings counted (and the parts folded in with it, :func:`fold_small_parts`) has its
    amount and share NaN and is listed in ``hidden_parts``; when the part that spoke most
    is hidden, no part is named (``dominant_part`` None) and the sentence says why.
    """
    last_n = max(1, int(last_n))
    speech = speaking_time(contributions, meetings)
    order = _meeting_order(speech)
    chosen = order[-last_n:]
    speech = speech[speech["meeting"].isin(chosen)]
    # Each meeting's balance depends on its own rows only: work it out for those chosen.
    balance = _balance(speech, meetings) if len(speech) else meeting_balance(None)
    dec = decision_balance(decisions)
    n_dec = int(dec["proposed"].sum())
    le_row = dec[dec["part"] == "lived_experience"]
    le_share = float(le_row["shaped_share"].iloc[0]) if n_dec else math.nan

    measure, pooled = _pooled(speech, ["role"])
    shares = share_table(pooled["amount"].to_dict(), PARTS, PART_LABELS, key="part",
                         value="amount")
    shares["amount"] = shares["amount"].astype("float64")
    shares["share"] = [float(pooled["share"].get(p, 0.0)) if len(pooled) else math.nan
                       for p in shares["part"]]

    dominant = None
    dominant_share = math.nan
    if shares["share"].notna().any() and shares["share"].max() > 0:
        top = shares.loc[shares["share"].idxmax()]
        dominant, dominant_share = str(top["part"]), float(top["share"])
    hidden: tuple[str, ...] = ()
    if min_group and len(speech):
        most = _speakers(speech).max().reindex(shares["part"]).fillna(0)
        mask = fold_small_parts(most.to_frame().T.reset_index(drop=True), min_group).iloc[0]
        hidden = tuple(p for p in shares["part"] if mask.get(p, False))
        shares.loc[shares["part"].isin(hidden), ["amount", "share"]] = math.nan
    sentence = _sentence(len(chosen), len(order), last_n, measure, dominant, dominant_share)
    if dominant in hidden:
        dominant, dominant_share = None, math.nan
        recent = (f" In the {len(chosen):,} most recent," if len(chosen) < len(order)
                  else "")
        sentence = (f"Speaking was recorded in {len(order):,} "
                    f"{'meeting' if len(order) == 1 else 'meetings'}.{recent} "
                    f"{'too' if recent else 'Too'} few people from each part of the system "
                    f"spoke to show their shares here: a share is shown only for a part with "
                    f"at least {min_group} speakers.")
    heard = set(speech.loc[speech["amount"] > 0, "role"])
    not_heard = tuple(p for p in PARTS if p not in heard) if len(chosen) else ()
    longest = balance["longest_turn_minutes"]
    return ParticipationSummary(
        meetings_counted=len(chosen),
        meetings_recorded=len(order),
        measure=measure,
        shares=shares.reset_index(drop=True),
        dominant_part=dominant,
        dominant_label=part_label(dominant) if dominant else None,
        dominant_share=dominant_share,
        median_gini=float(balance["gini"].median()) if balance["gini"].notna().any()
        else math.nan,
        longest_turn_minutes=float(longest.max()) if longest.notna().any() else math.nan,
        parts_not_heard=not_heard,
        decisions=n_dec,
        lived_experience_shaped_share=le_share,
        sentence=sentence,
        hidden_parts=hidden,
    )


def _sentence(
    counted: int, recorded: int, last_n: int, measure: str, dominant: str | None,
    share: float,
) -> str:
    if counted == 0:
        return "No speaking time has been recorded yet."
    if dominant is None or missing(share):
        return "Speaking was recorded, but no time or turns were counted."
    if counted == recorded and counted < last_n:
        prefix = "In the one meeting recorded" if counted == 1 else (
            f"In the {counted} meetings recorded")
    else:
        prefix = "In the last meeting" if counted == 1 else f"In the last {counted} meetings"
    who = part_plural(dominant)
    if measure == TURNS:
        what = f"took {pct(share)} of the turns to speak"
    elif measure == "mixed":
        what = f"had {pct(share)} of the speaking"
    else:
        what = f"spoke {pct(share)} of the time"
    return f"{prefix}, {who} {what}."

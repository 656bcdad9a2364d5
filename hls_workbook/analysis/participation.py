"""Participation balance (RC5): who spoke, how much, and whose views shaped decisions.

Speaking time is a prompt for a conversation about how the group works, never a score for a
person. Groups whose members take turns more evenly tend to solve problems better (Woolley
et al., Science 2010), so the figures here are the ones speaking-time tools show: share of
speaking time by part of the system, the Gini of airtime, and the longest single turn.

Speaking time is measured in minutes. Where a meeting has no minutes recorded, turns
(times someone spoke) are used instead; where a meeting has minutes for some speakers and
only turns for others, the missing minutes are estimated from the turns at that meeting's
own minutes-per-turn. The ``measure`` column says which was used.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from ._common import (
    PART_LABELS,
    PARTS,
    as_dict,
    as_list,
    dates,
    frame,
    gini,
    ids,
    missing,
    num,
    part_label,
    part_plural,
    pct,
    share_table,
    text,
)

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
    c["role"] = [text(r) or "other" for r in c["role"]]
    c["speaker"] = [text(s) or "?" for s in c["speaker"]]
    both = c["minutes"].notna() & c["turns"].notna()
    overall_turns = c.loc[both, "turns"].sum()
    overall_ratio = c.loc[both, "minutes"].sum() / overall_turns if overall_turns > 0 else 1.0
    amounts = pd.Series(math.nan, index=c.index, dtype="float64")
    measures = pd.Series("", index=c.index, dtype="object")
    for _mid, g in c.groupby("meeting", sort=False):
        if g["minutes"].notna().all():
            amounts[g.index] = g["minutes"]
            measures[g.index] = MINUTES
        elif g["turns"].notna().all():
            amounts[g.index] = g["turns"]
            measures[g.index] = TURNS
        else:
            gb = g["minutes"].notna() & g["turns"].notna()
            t = g.loc[gb, "turns"].sum()
            ratio = g.loc[gb, "minutes"].sum() / t if t > 0 else overall_ratio
            amounts[g.index] = g["minutes"].fillna(g["turns"] * ratio)
            measures[g.index] = ESTIMATED
    c["amount"] = amounts
    c["measure"] = measures
    c["held_on"] = c["meeting"].map(held).astype("datetime64[ns]")
    c = c.sort_values(["held_on", "meeting", "id"], na_position="last", kind="stable")
    return c[_SPEECH_COLUMNS].reset_index(drop=True)


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
    """
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
    attendance: dict[int, dict[str, int]] = {}
    if meetings is not None:
        m = frame(meetings, "meeting")
        for mid, att in zip(m["id"], m["attendance"], strict=True):
            attendance[int(mid)] = {k: v for k, v in as_dict(att).items() if v}
    rows = []
    for mid in _meeting_order(speech):
        g = speech[speech["meeting"] == mid]
        total = float(g["amount"].sum())
        per_speaker = g.groupby("speaker")["amount"].sum()
        per_role = g.groupby("role")["amount"].sum()
        heard = [p for p in PARTS if per_role.get(p, 0) > 0]
        heard += sorted(r for r in per_role.index if r not in PARTS and per_role[r] > 0)
        came = set(attendance.get(mid, {}))
        dominant = None
        dominant_share = math.nan
        if total > 0:
            top = per_role.max()
            dominant = next(p for p in [*PARTS, *sorted(per_role.index)]
                            if p in per_role.index and per_role[p] == top)
            dominant_share = float(top / total)
        lt = g["longest_turn_minutes"]
        if lt.notna().any():
            longest = float(lt.max())
            longest_role = g.loc[lt.idxmax(), "role"]
        else:
            longest, longest_role = math.nan, None
        rows.append({
            "meeting": mid,
            "held_on": g["held_on"].iloc[0],
            "measure": g["measure"].iloc[0],
            "speakers": int(g["speaker"].nunique()),
            "total": total,
            "gini": gini(per_speaker.tolist()),
            "longest_turn_minutes": longest,
            "longest_turn_role": longest_role,
            "dominant_part": dominant,
            "dominant_label": part_label(dominant) if dominant else None,
            "dominant_share": dominant_share,
            "parts_heard": heard,
            "parts_silent": [p for p in PARTS if p in came and p not in heard],
            "parts_absent": [p for p in PARTS if p not in came and p not in heard],
        })
    out = pd.DataFrame(rows, columns=_BALANCE_COLUMNS)
    out["held_on"] = out["held_on"].astype("datetime64[ns]")
    return out


def participation_trend(
    contributions: pd.DataFrame | None,
    meetings: pd.DataFrame | None = None,
    *,
    window: int = 4,
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
    order = list(dict.fromkeys(by_role["meeting"].tolist()))
    held = by_role.groupby("meeting")["held_on"].first()
    parts = list(PARTS) + sorted(r for r in by_role["role"].unique() if r not in PARTS)
    wide = by_role.pivot_table(index="meeting", columns="role", values="share", aggfunc="sum")
    wide = wide.reindex(index=order, columns=parts).fillna(0.0)
    zero_total = by_role.groupby("meeting")["share"].apply(lambda s: s.isna().all())
    wide.loc[zero_total[zero_total].index] = math.nan
    rolling = wide.rolling(window, min_periods=1).mean()
    rows = []
    for n, mid in enumerate(order, start=1):
        for p in parts:
            rows.append({
                "meeting": mid, "held_on": held[mid], "meeting_number": n, "part": p,
                "label": part_label(p), "share": float(wide.at[mid, p]),
                "rolling_share": float(rolling.at[mid, p]),
            })
    out = pd.DataFrame(rows, columns=cols)
    out["held_on"] = out["held_on"].astype("datetime64[ns]")
    return out


def decision_balance(decisions: pd.DataFrame | None) -> pd.DataFrame:
    """Whose ideas became decisions, and whose views shaped them, by part of the system.

    One row per part (all six, in order): part, label, proposed (decisions it proposed),
    proposed_share (of all decisions), shaped (decisions whose views it shaped) and
    shaped_share (of all decisions; a decision can be shaped by several parts, so these
    shares need not add up to 1). The ``lived_experience`` row's shaped_share is the share
    of decisions shaped by people with lived experience. Counts what was recorded; an
    empty ``shaped_by`` may mean nobody wrote it down, not that nobody shaped it.
    """
    d = frame(decisions, "decision")
    n = len(d)
    proposed: dict[str, int] = {}
    shaped: dict[str, int] = {}
    for role, parts in zip(d["proposer_role"], d["shaped_by"], strict=True):
        r = text(role)
        if r:
            proposed[r] = proposed.get(r, 0) + 1
        for p in set(as_list(parts)):
            shaped[p] = shaped.get(p, 0) + 1
    out = share_table(proposed, PARTS, PART_LABELS, key="part", value="proposed",
                      denominator=n)
    out = out.rename(columns={"share": "proposed_share"})
    out["proposed"] = out["proposed"].astype("int64")
    out["shaped"] = [int(shaped.get(p, 0)) for p in out["part"]]
    out["shaped_share"] = [s / n if n else math.nan for s in out["shaped"]]
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


def participation_summary(
    contributions: pd.DataFrame | None,
    meetings: pd.DataFrame | None = None,
    decisions: pd.DataFrame | None = None,
    *,
    last_n: int = 8,
) -> ParticipationSummary:
    """Participation balance over the last `last_n` meetings, with a plain sentence.

    Shares pool the minutes (or turns) of those meetings, so longer meetings weigh more;
    when some meetings counted minutes and others only turns, each meeting's shares are
    averaged instead (``measure == "mixed"``). The sentence names the part that spoke most,
    for example "In the last 8 meetings, commissioners or funders spoke 61% of the time."
    Use it to open a conversation about who gets heard; never to rank or blame anyone.
    """
    last_n = max(1, int(last_n))
    speech = speaking_time(contributions, meetings)
    order = _meeting_order(speech)
    chosen = order[-last_n:]
    speech = speech[speech["meeting"].isin(chosen)]
    balance = meeting_balance(contributions, meetings)
    balance = balance[balance["meeting"].isin(chosen)]
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
        sentence=_sentence(len(chosen), len(order), last_n, measure, dominant, dominant_share),
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

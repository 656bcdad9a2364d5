"""Meeting rhythm and attendance (GS2, GS4, RC2, RC3, RC4).

A regular rhythm, even the same weekday every time, helps people come and keeps an honest
forum going. These functions compare the meetings a series planned (its cadence, weekday and
first date) with the meetings that were held, and count who came from each part of the
system. A missed meeting is a prompt to ask what got in the way, not a mark against anyone.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
from dataclasses import dataclass

import pandas as pd

from ..model import Weekday
from ._common import (
    PART_LABELS,
    PARTS,
    as_dict,
    as_timestamp,
    dates,
    empty,
    frame,
    ids,
    part_label,
    text,
)

WEEKDAYS: tuple[str, ...] = tuple(w.value for w in Weekday)
#: Nominal days between meetings, used for the edges of the first and last slot.
CADENCE_DAYS = {"weekly": 7.0, "fortnightly": 14.0, "monthly": 365.25 / 12}


def _as_date(value: dt.date | str | pd.Timestamp | None) -> dt.date | None:
    ts = as_timestamp(value)
    return ts.date() if ts is not None else None


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> dt.date:
    """The n-th given weekday of a month (n = 5 means the last one)."""
    first = dt.date(year, month, 1)
    day = 1 + (weekday - first.weekday()) % 7 + 7 * (n - 1)
    last_day = calendar.monthrange(year, month)[1]
    while day > last_day:
        day -= 7
    return dt.date(year, month, day)


def expected_meeting_dates(
    cadence: str | None,
    weekday: str | None,
    started_on: dt.date | str | pd.Timestamp | None,
    until: dt.date | str | pd.Timestamp | None,
    *,
    since: dt.date | str | pd.Timestamp | None = None,
) -> list[dt.date]:
    """The dates a series planned to meet, from its first date up to `until` (inclusive).

    Weekly and fortnightly series meet every 7 or 14 days on the agreed weekday, from the
    first agreed weekday on or after ``started_on``. A monthly series meets on the same
    n-th weekday of every month as its first meeting (the 2nd Tuesday, say; a first
    meeting on a 5th weekday means "the last one of the month"). Dates before `since`
    are left out. An unknown cadence or weekday, or no `until`, gives no dates.
    """
    start = _as_date(started_on)
    end = _as_date(until)
    floor = _as_date(since)
    cadence = text(cadence)
    weekday = text(weekday)
    if start is None or end is None or cadence not in CADENCE_DAYS or weekday not in WEEKDAYS:
        return []
    wd = WEEKDAYS.index(weekday)
    first = start + dt.timedelta(days=(wd - start.weekday()) % 7)
    out: list[dt.date] = []
    if cadence == "monthly":
        n = (first.day - 1) // 7 + 1
        year, month = first.year, first.month
        while True:
            day = _nth_weekday(year, month, wd, n)
            if day > end:
                break
            if day >= first:
                out.append(day)
            month += 1
            if month == 13:
                year, month = year + 1, 1
    else:
        step = dt.timedelta(days=int(CADENCE_DAYS[cadence]))
        day = first
        while day <= end:
            out.append(day)
            day += step
    if floor is not None:
        out = [d for d in out if d >= floor]
    return out


@dataclass(frozen=True, eq=False)
class Rhythm:
    """Meetings planned and held, per series.

    ``summary``: one row per series: series, name, cadence, weekday, expected, kept, missed,
    kept_share, held, extra (held meetings beyond one per planned date), on_weekday (held on
    the agreed weekday), on_weekday_share, longest_gap_days (between held meetings),
    current_streak and longest_streak (planned meetings kept in a row), last_held_on.

    ``expected``: one row per planned date: series, name, expected_on, kept, meeting,
    held_on, on_agreed_weekday (NA when missed).

    ``held``: one row per meeting held in a series: meeting, series, name, held_on, weekday,
    on_agreed_weekday, expected_on (the planned date it kept, NaT when extra), gap_days
    (days since the series' previous meeting).
    """

    summary: pd.DataFrame
    expected: pd.DataFrame
    held: pd.DataFrame


_SUMMARY_COLUMNS = [
    "series", "name", "cadence", "weekday", "expected", "kept", "missed", "kept_share", "held",
    "extra", "on_weekday", "on_weekday_share", "longest_gap_days", "current_streak",
    "longest_streak", "last_held_on",
]
_EXPECTED_COLUMNS = ["series", "name", "expected_on", "kept", "meeting", "held_on",
                     "on_agreed_weekday"]
_HELD_COLUMNS = ["meeting", "series", "name", "held_on", "weekday", "on_agreed_weekday",
                 "expected_on", "gap_days"]


def _streaks(kept: list[bool]) -> tuple[int, int]:
    longest = run = 0
    for k in kept:
        run = run + 1 if k else 0
        longest = max(longest, run)
    return run, longest


def meeting_rhythm(
    series: pd.DataFrame | None,
    meetings: pd.DataFrame | None,
    *,
    start: dt.date | str | None = None,
    end: dt.date | str | None = None,
) -> Rhythm:
    """Which planned meetings were kept or missed, on the agreed weekday or not, and gaps.

    Each planned date owns the days closer to it than to the planned dates either side
    (for a weekly series: three days before to three days after; a meeting exactly half
    way belongs to the earlier date); it is "kept" when the series met at least once in
    that window. A meeting held on another weekday still keeps its date, and is counted
    in ``on_weekday`` as off the agreed day. Pass the same `start` and `end` as the
    period of the report; without `end`, planning stops at the latest meeting given (so a
    series that stopped meeting shows its misses up to then). Meetings not linked to a
    series are not part of any rhythm (they still count in :func:`attendance_long`).

    Streaks and kept shares describe a habit of meeting, not anyone's commitment.
    """
    s = frame(series, "meeting_series")
    m = frame(meetings, "meeting")
    m = m.assign(held_on=dates(m["held_on"]), series=ids(m["series"]))
    m = m[m["held_on"].notna()]
    lo = as_timestamp(start)
    hi = as_timestamp(end)
    if lo is not None:
        m = m[m["held_on"] >= lo]
    if hi is not None:
        m = m[m["held_on"] <= hi]
    until = hi if hi is not None else (m["held_on"].max() if len(m) else None)
    summaries, expected_rows, held_rows = [], [], []
    for _, row in s.sort_values("id").iterrows():
        sid = int(row["id"])
        name = text(row["name"]) or f"Series {sid}"
        cadence, weekday = text(row["cadence"]), text(row["weekday"])
        wd = WEEKDAYS.index(weekday) if weekday in WEEKDAYS else None
        # Plan a little past the end, so the last window knows where the next one starts.
        horizon = None if until is None else until + pd.Timedelta(days=70)
        plan = [pd.Timestamp(d) for d in expected_meeting_dates(
            cadence, weekday, row["started_on"], horizon)]
        positions = [k for k, d in enumerate(plan)
                     if (lo is None or d >= lo) and until is not None and d <= until]
        exp = [plan[k] for k in positions]
        held = m[m["series"] == sid].sort_values(["held_on", "id"], kind="stable")
        # Each planned date owns the days after the midpoint with the planned date before
        # it, up to and including the midpoint with the one after it.
        half = pd.Timedelta(days=CADENCE_DAYS.get(cadence or "", 7.0) / 2)
        windows = []
        for k in positions:
            d = plan[k]
            before = d - (d - plan[k - 1]) / 2 if k > 0 else d - half
            after = d + (plan[k + 1] - d) / 2 if k + 1 < len(plan) else d + half
            windows.append((before, after))
        slot_of: dict[int, int] = {}
        slot_when: dict[int, pd.Timestamp] = {}
        for _, h in held.iterrows():
            when = h["held_on"]
            slot = next((i for i, (a, b) in enumerate(windows) if a < when <= b), None)
            if slot is None:
                continue
            if slot not in slot_of or abs(when - exp[slot]) < abs(slot_when[slot] - exp[slot]):
                slot_of[slot] = int(h["id"])
                slot_when[slot] = when
        meeting_slot = {mid: i for i, mid in slot_of.items()}
        kept_flags = []
        for i, when in enumerate(exp):
            mid = slot_of.get(i)
            h_on = slot_when[i] if mid is not None else pd.NaT
            kept_flags.append(mid is not None)
            expected_rows.append({
                "series": sid, "name": name, "expected_on": when, "kept": mid is not None,
                "meeting": mid, "held_on": h_on,
                "on_agreed_weekday": (h_on.weekday() == wd) if mid is not None else None,
            })
        previous = None
        gaps = []
        on_weekday = 0
        for _, h in held.iterrows():
            when = h["held_on"]
            gap = (when - previous).days if previous is not None else math.nan
            if previous is not None:
                gaps.append(gap)
            previous = when
            ok = wd is not None and when.weekday() == wd
            on_weekday += int(ok)
            slot = meeting_slot.get(int(h["id"]))
            held_rows.append({
                "meeting": int(h["id"]), "series": sid, "name": name, "held_on": when,
                "weekday": WEEKDAYS[when.weekday()], "on_agreed_weekday": ok,
                "expected_on": exp[slot] if slot is not None else pd.NaT, "gap_days": gap,
            })
        current, longest = _streaks(kept_flags)
        kept = sum(kept_flags)
        summaries.append({
            "series": sid, "name": name, "cadence": cadence, "weekday": weekday,
            "expected": len(exp), "kept": kept, "missed": len(exp) - kept,
            "kept_share": kept / len(exp) if exp else math.nan,
            "held": len(held), "extra": len(held) - kept, "on_weekday": on_weekday,
            "on_weekday_share": on_weekday / len(held) if len(held) else math.nan,
            "longest_gap_days": float(max(gaps)) if gaps else math.nan,
            "current_streak": current, "longest_streak": longest,
            "last_held_on": held["held_on"].max() if len(held) else pd.NaT,
        })
    summary = pd.DataFrame(summaries, columns=_SUMMARY_COLUMNS) if summaries else empty(
        _SUMMARY_COLUMNS)
    expected = pd.DataFrame(expected_rows, columns=_EXPECTED_COLUMNS) if expected_rows else (
        empty(_EXPECTED_COLUMNS))
    held_df = pd.DataFrame(held_rows, columns=_HELD_COLUMNS) if held_rows else empty(
        _HELD_COLUMNS)
    for df, cols in ((summary, ["last_held_on"]), (expected, ["expected_on", "held_on"]),
                     (held_df, ["held_on", "expected_on"])):
        for c in cols:
            df[c] = df[c].astype("datetime64[ns]")
    for c in ("kept_share", "on_weekday_share", "longest_gap_days"):
        summary[c] = summary[c].astype("float64")
    held_df["gap_days"] = held_df["gap_days"].astype("float64")
    expected["meeting"] = expected["meeting"].astype("Int64")
    expected["kept"] = expected["kept"].astype(bool)
    expected["on_agreed_weekday"] = expected["on_agreed_weekday"].astype("boolean")
    held_df["on_agreed_weekday"] = held_df["on_agreed_weekday"].astype(bool)
    return Rhythm(summary=summary, expected=expected, held=held_df)


_LONG_COLUMNS = ["meeting", "held_on", "series", "kind_of_meeting", "part", "label", "count"]


def attendance_long(meetings: pd.DataFrame | None) -> pd.DataFrame:
    """Who came, by part of the system: six rows per meeting (0 where nobody came).

    Columns: meeting, held_on, series, kind_of_meeting, part, label, count. Counts are
    people, not names. Any part not in the model (unlikely) is added after the six.
    """
    m = frame(meetings, "meeting")
    m = m.assign(held_on=dates(m["held_on"]))
    m = m.sort_values(["held_on", "id"], na_position="last", kind="stable")
    rows = []
    for _, r in m.iterrows():
        att = as_dict(r["attendance"])
        parts = list(PARTS) + sorted(k for k in att if k not in PARTS)
        for p in parts:
            value = att.get(p, 0)
            rows.append({
                "meeting": int(r["id"]), "held_on": r["held_on"], "series": r["series"],
                "kind_of_meeting": text(r["kind_of_meeting"]), "part": p,
                "label": part_label(p), "count": int(value or 0),
            })
    out = pd.DataFrame(rows, columns=_LONG_COLUMNS) if rows else empty(_LONG_COLUMNS)
    out["held_on"] = out["held_on"].astype("datetime64[ns]")
    out["series"] = ids(out["series"])
    out["count"] = out["count"].astype("int64")
    return out


def attendance_wide(meetings: pd.DataFrame | None) -> pd.DataFrame:
    """One row per meeting: meeting, held_on, series, kind_of_meeting, a count column per
    part (commissioner, charity, community_group, public_service, lived_experience, other),
    total, parts_present (how many parts came) and parts_absent (list of parts nobody
    came from). A part missing from a meeting is a question to ask ("who did we not
    reach?"), not a failing of the people who did come."""
    long = attendance_long(meetings)
    base = ["meeting", "held_on", "series", "kind_of_meeting"]
    extra = sorted(p for p in long["part"].unique() if p not in PARTS)
    parts = list(PARTS) + extra
    if long.empty:
        out = empty([*base, *parts, "total", "parts_present", "parts_absent"])
        out["held_on"] = out["held_on"].astype("datetime64[ns]")
        return out
    wide = long.pivot_table(index="meeting", columns="part", values="count", aggfunc="sum",
                            fill_value=0).reindex(columns=parts, fill_value=0)
    info = long.drop_duplicates("meeting").set_index("meeting")[base[1:]]
    out = info.join(wide).reset_index()
    out[parts] = out[parts].astype("int64")
    out["total"] = out[parts].sum(axis=1).astype("int64")
    out["parts_present"] = (out[list(PARTS)] > 0).sum(axis=1).astype("int64")
    out["parts_absent"] = [[p for p in PARTS if r[p] == 0] for _, r in out.iterrows()]
    order = {mid: i for i, mid in enumerate(dict.fromkeys(long["meeting"]))}
    out = out.sort_values("meeting", key=lambda s: s.map(order)).reset_index(drop=True)
    return out[[*base, *parts, "total", "parts_present", "parts_absent"]]


def attendance_summary(meetings: pd.DataFrame | None) -> pd.DataFrame:
    """For each of the six parts: part, label, meetings_present (meetings with at least one
    person from it), share_of_meetings, people (total attendances) and mean_per_meeting.
    share_of_meetings is NaN when no meetings were recorded. Counts of people, not of
    names; a low count is a prompt to ask who was not invited or could not come."""
    wide = attendance_wide(meetings)
    n = len(wide)
    rows = []
    for p in PARTS:
        counts = wide[p].astype("int64") if n else pd.Series(dtype="int64")
        rows.append({
            "part": p, "label": PART_LABELS[p],
            "meetings_present": int((counts > 0).sum()),
            "share_of_meetings": float((counts > 0).sum() / n) if n else math.nan,
            "people": int(counts.sum()),
            "mean_per_meeting": float(counts.mean()) if n else math.nan,
        })
    return pd.DataFrame(rows)


def parts_never_present(meetings: pd.DataFrame | None) -> list[str]:
    """Parts of the system nobody came from, in any meeting given (in model order).

    Empty when no meetings were recorded: with no meetings there is nothing to say yet.
    Read it as "who have we not reached yet?", not as a judgement on the part missing.
    """
    summary = attendance_summary(meetings)
    if not len(frame(meetings, "meeting")):
        return []
    return [p for p, k in zip(summary["part"], summary["meetings_present"], strict=True)
            if k == 0]


def hard_conversations(meetings: pd.DataFrame | None) -> pd.DataFrame:
    """How often hard, uncomfortable topics were raised (RC3), by month.

    Columns: month (YYYY-MM), meetings, hard_topics_raised, share. A month with no hard
    topic is not a failure; a long run of them may be worth a conversation about whether
    people feel able to raise things.
    """
    m = frame(meetings, "meeting")
    m = m.assign(held_on=dates(m["held_on"]))
    m = m[m["held_on"].notna()]
    cols = ["month", "meetings", "hard_topics_raised", "share"]
    if m.empty:
        out = empty(cols)
        return out.astype({"share": "float64"})
    m = m.assign(month=m["held_on"].dt.strftime("%Y-%m"),
                 hard=m["hard_topics_raised"].fillna(False).astype(bool))
    out = m.groupby("month").agg(meetings=("id", "size"), hard_topics_raised=("hard", "sum"))
    out = out.reset_index().sort_values("month")
    out["meetings"] = out["meetings"].astype("int64")
    out["hard_topics_raised"] = out["hard_topics_raised"].astype("int64")
    out["share"] = out["hard_topics_raised"] / out["meetings"]
    return out[cols].reset_index(drop=True)

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

import numpy as np
import pandas as pd

from hls_workbook.analysis._common import (
    PART_LABELS,
    PARTS,
    as_timestamp,
    attendance_table,
    dates,
    empty,
    frame,
    ids,
    lists_by_row,
    part_label,
    text,
    texts,
)
from hls_workbook.domain.kinds import as_date
from hls_workbook.domain.model import Weekday

WEEKDAYS: tuple[str, ...] = tuple(w.value for w in Weekday)
#: Nominal days between meetings, used for the edges of the first and last slot.
CADENCE_DAYS = {"weekly": 7.0, "fortnightly": 14.0, "monthly": 365.25 / 12}


def _today() -> dt.date:
    """Today's date: the default `today` of :func:`meeting_rhythm` (tests replace it)."""
    return dt.date.today()


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
    start = as_date(started_on)
    end = as_date(until)
    floor = as_date(since)
    if start is None or end is None:
        return []
    plan = _planned(pd.Series([text(cadence)], dtype="object"),
                    pd.Series([text(weekday)], dtype="object"),
                    pd.Series([pd.Timestamp(start)], dtype="datetime64[ns]"), end)
    days = plan["expected_on"]
    if floor is not None:
        days = days[days >= pd.Timestamp(floor)]
    return [d.date() for d in days]


_EPOCH_WEEKDAY = 3  # 1 January 1970 was a Thursday (Monday is 0)


def _weekday_of(days: np.ndarray) -> np.ndarray:
    """Monday = 0 ... Sunday = 6, for an array of datetime64[D]."""
    return (days.astype("int64") + _EPOCH_WEEKDAY) % 7


def _planned(cadences: pd.Series, weekdays: pd.Series, starts: pd.Series,
             until: dt.date | pd.Timestamp | None) -> pd.DataFrame:
    """Every planned date of many series at once (see :func:`expected_meeting_dates`).

    The three Series are aligned (one row per series, cadence and weekday as text, the
    first date as datetime64). Returns ``key`` (the row's position) and ``expected_on``,
    in row order and date order, up to `until` inclusive.
    """
    columns = {"key": pd.Series(dtype="int64"), "expected_on": pd.Series(dtype="datetime64[ns]")}
    end_ts = as_timestamp(until)
    if end_ts is None or not len(starts):
        return pd.DataFrame(columns)
    end = np.datetime64(end_ts.date(), "D")
    wd = weekdays.map({w: i for i, w in enumerate(WEEKDAYS)}).to_numpy(dtype="float64")
    step = cadences.map(CADENCE_DAYS).to_numpy(dtype="float64")
    start = starts.to_numpy(dtype="datetime64[ns]").astype("datetime64[D]")
    usable = ~np.isnan(wd) & ~np.isnan(step) & ~np.isnat(start)
    keys = np.flatnonzero(usable)
    wd_u = wd[keys].astype("int64")
    start_u = start[keys]
    first = start_u + ((wd_u - _weekday_of(start_u)) % 7).astype("timedelta64[D]")
    monthly = (cadences.to_numpy(dtype="object")[keys] == "monthly")
    parts = []
    # Weekly and fortnightly: every 7 or 14 days from the first agreed weekday.
    regular = ~monthly & (first <= end)
    if regular.any():
        every = step[keys][regular].astype("int64")
        counts = ((end - first[regular]).astype("int64") // every) + 1
        owner = np.repeat(np.arange(regular.sum()), counts)
        k = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
        days = first[regular][owner] + (k * every[owner]).astype("timedelta64[D]")
        parts.append((keys[regular][owner], days))
    # Monthly: the same n-th weekday of every month (a 5th means the last one).
    if monthly.any():
        f = first[monthly]
        day_of_month = (f - f.astype("datetime64[M]").astype("datetime64[D]")).astype("int64") + 1
        nth = (day_of_month - 1) // 7 + 1
        month0 = f.astype("datetime64[M]").astype("int64")
        months = np.maximum(np.datetime64(end, "M").astype("int64") - month0 + 1, 0)
        owner = np.repeat(np.arange(monthly.sum()), months)
        month = np.repeat(month0, months) + (
            np.arange(months.sum()) - np.repeat(np.cumsum(months) - months, months))
        month_start = month.astype("datetime64[M]").astype("datetime64[D]")
        month_len = ((month + 1).astype("datetime64[M]").astype("datetime64[D]")
                     - month_start).astype("int64")
        wd_m = wd_u[monthly][owner]
        day = 1 + (wd_m - _weekday_of(month_start)) % 7 + 7 * (nth[owner] - 1)
        day = np.where(day > month_len, day - 7, day)
        days = month_start + (day - 1).astype("timedelta64[D]")
        keep = (days <= end) & (days >= f[owner])
        parts.append((keys[monthly][owner][keep], days[keep]))
    if not parts:
        return pd.DataFrame(columns)
    out = pd.DataFrame({"key": np.concatenate([p[0] for p in parts]).astype("int64"),
                        "expected_on": np.concatenate([p[1] for p in parts])
                        .astype("datetime64[ns]")})
    return out.sort_values(["key", "expected_on"], kind="stable").reset_index(drop=True)


@dataclass(frozen=True, eq=False)
class Rhythm:
    """Meetings planned and held, per series.

    ``summary``: one row per series: series, name, cadence, weekday, expected, kept, missed,
    kept_share, kept_other_day (planned meetings kept, but on another weekday than agreed),
    held, extra (held meetings beyond one per planned date), on_weekday (held on the agreed
    weekday), on_weekday_share, longest_gap_days (between held meetings, and from the last
    one to ``counted_to``), days_since_last (from the last meeting held to ``counted_to``),
    current_streak and longest_streak (planned meetings kept in a row), last_held_on, and
    counted_to (the day planned meetings are counted up to: the end of the period or
    today, whichever is earlier).

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
    "series", "name", "cadence", "weekday", "expected", "kept", "missed", "kept_share",
    "kept_other_day", "held", "extra", "on_weekday", "on_weekday_share", "longest_gap_days",
    "days_since_last", "current_streak", "longest_streak", "last_held_on", "counted_to",
]
_EXPECTED_COLUMNS = ["series", "name", "expected_on", "kept", "meeting", "held_on",
                     "on_agreed_weekday"]
_HELD_COLUMNS = ["meeting", "series", "name", "held_on", "weekday", "on_agreed_weekday",
                 "expected_on", "gap_days"]


def meeting_rhythm(
    series: pd.DataFrame | None,
    meetings: pd.DataFrame | None,
    *,
    start: dt.date | str | None = None,
    end: dt.date | str | None = None,
    today: dt.date | str | None = None,
) -> Rhythm:
    """Which planned meetings were kept or missed, on the agreed weekday or not, and gaps.

    Each planned date owns the days closer to it than to the planned dates either side
    (for a weekly series: three days before to three days after; a meeting exactly half
    way belongs to the earlier date); it is "kept" when the series met at least once in
    that window. A meeting held on another weekday still keeps its date, and is counted
    in ``kept_other_day`` (and in ``on_weekday`` as off the agreed day). Pass the same
    `start` and `end` as the period of the report. Only planned meetings due by the end
    of the period and by `today` (default: ``dt.date.today()``) are expected or missed: a
    period that ends in the future counts no future meeting as missed. Without `end`,
    planning stops at the latest meeting given, or today if earlier. The gap since the
    last meeting held runs to that same day (``days_since_last``), and is part of
    ``longest_gap_days``: a series that stopped meeting shows it. Meetings not linked to a
    series are not part of any rhythm (they still count in :func:`attendance_long`).

    Streaks and kept shares describe a habit of meeting, not anyone's commitment.
    """
    s = frame(series, "meeting_series")
    m = frame(meetings, "meeting")
    m = m.assign(held_on=dates(m["held_on"]), series=ids(m["series"]))
    m = m[m["held_on"].notna()]
    lo = as_timestamp(start)
    hi = as_timestamp(end)
    now = as_timestamp(_today() if today is None else today)
    hi = now if hi is None else min(hi, now)
    if lo is not None:
        m = m[m["held_on"] >= lo]
    m = m[m["held_on"] <= hi]
    # Planned meetings count up to the end of the period and today, whichever is first;
    # without an end, up to the latest meeting given (or today, if that is earlier).
    until = hi if end is not None else (m["held_on"].max() if len(m) else None)
    s = s.sort_values("id", kind="stable").reset_index(drop=True)
    sid = s["id"].astype("int64")
    names = texts(s["name"])
    info = pd.DataFrame({
        "series": sid,
        "name": names.where(names.notna(), "Series " + sid.astype(str)).astype("object"),
        "cadence": texts(s["cadence"]),
        "weekday": texts(s["weekday"]),
    })
    info["wd"] = info["weekday"].map({w: i for i, w in enumerate(WEEKDAYS)}).astype("float64")

    # Every planned date of every series, with the window of days it owns: from half way
    # to the planned date before it to half way to the one after (a nominal half cadence
    # at either end). Plan a little past the end, so the last window knows its edge.
    horizon = None if until is None else until + pd.Timedelta(days=70)
    plan = _planned(info["cadence"], info["weekday"], s["started_on"].astype(
        "datetime64[ns]") if len(s) else pd.Series(dtype="datetime64[ns]"), horizon)
    plan["series"] = sid.to_numpy()[plan["key"].to_numpy()]
    day = plan["expected_on"]
    by_series = plan.groupby("key", sort=False)["expected_on"]
    half = pd.to_timedelta(info["cadence"].map(CADENCE_DAYS).fillna(7.0).to_numpy()[
        plan["key"].to_numpy()] / 2, unit="D")
    before, after = by_series.shift(1), by_series.shift(-1)
    plan["from"] = (day - (day - before) / 2).where(before.notna(), day - half)
    plan["to"] = (day + (after - day) / 2).where(after.notna(), day + half)
    window = (day <= until) if until is not None else pd.Series(False, index=plan.index)
    if lo is not None:
        window &= day >= lo
    exp = plan[window].reset_index(drop=True)

    # Each meeting keeps the planned date whose window it falls in (after the start of the
    # window, up to and including its end); a date kept by several is kept by the closest
    # (the earliest of equally close ones), the others are extra.
    held = m[m["series"].isin(sid)].assign(series=lambda d: d["series"].astype("int64"))
    held = held.assign(order=held["series"].map(pd.Series(np.arange(len(sid)), index=sid)))
    held = held.sort_values(["order", "held_on", "id"], kind="stable").reset_index(drop=True)
    slots = exp.reset_index(names="slot")[["slot", "series", "expected_on", "from", "to"]]
    matched = pd.merge_asof(
        held[["id", "series", "held_on"]].reset_index(names="row").sort_values("held_on"),
        slots.sort_values("to"), left_on="held_on", right_on="to", by="series",
        direction="forward")
    matched = matched[matched["slot"].notna() & (matched["from"] < matched["held_on"])]
    matched = matched.assign(
        slot=matched["slot"].astype("int64"),
        distance=(matched["held_on"] - matched["expected_on"]).abs())
    chosen = matched.sort_values(["slot", "distance", "row"], kind="stable").drop_duplicates(
        "slot").set_index("slot")

    kept = pd.Series(exp.index.isin(chosen.index), index=exp.index)
    held_on = chosen["held_on"].reindex(exp.index)
    wd_exp = info["wd"].to_numpy()[exp["key"].to_numpy()]
    expected = pd.DataFrame({
        "series": exp["series"].astype("int64"),
        "name": info["name"].to_numpy()[exp["key"].to_numpy()],
        "expected_on": exp["expected_on"],
        "kept": kept.astype(bool),
        "meeting": chosen["id"].reindex(exp.index).astype("Int64"),
        "held_on": held_on.astype("datetime64[ns]"),
        "on_agreed_weekday": pd.Series(held_on.dt.day_of_week.to_numpy() == wd_exp,
                                       index=exp.index, dtype="boolean").where(kept),
    }, columns=_EXPECTED_COLUMNS)

    held_key = held["order"].to_numpy()
    wd_held = info["wd"].to_numpy()[held_key] if len(held) else np.array([], dtype="float64")
    weekday_no = held["held_on"].dt.day_of_week.to_numpy()
    on_day = weekday_no == wd_held
    slot_of = pd.Series(chosen.index.to_numpy(), index=chosen["id"].to_numpy())
    kept_slot = held["id"].map(slot_of)
    held_df = pd.DataFrame({
        "meeting": held["id"].astype("int64"),
        "series": held["series"].astype("int64"),
        "name": info["name"].to_numpy()[held_key] if len(held) else [],
        "held_on": held["held_on"],
        "weekday": np.asarray(WEEKDAYS, dtype=object)[weekday_no] if len(held) else [],
        "on_agreed_weekday": on_day.astype(bool),
        "expected_on": exp["expected_on"].reindex(kept_slot.to_numpy()).to_numpy(),
        "gap_days": held.groupby("series", sort=False)["held_on"].diff().dt.days,
    }, columns=_HELD_COLUMNS)

    # One summary row per series (streaks: planned meetings kept in a row).
    runs = (~expected["kept"]).groupby(expected["series"]).cumsum()
    streak = expected["kept"].astype("int64").groupby([expected["series"], runs]).cumsum()
    n_exp = expected.groupby("series").size().reindex(sid, fill_value=0)
    n_kept = expected.groupby("series")["kept"].sum().reindex(sid, fill_value=0)
    n_held = held_df.groupby("series").size().reindex(sid, fill_value=0)
    n_on = held_df.groupby("series")["on_agreed_weekday"].sum().reindex(sid, fill_value=0)
    n_other = (expected["kept"] & ~expected["on_agreed_weekday"].fillna(True).astype(bool)
               ).groupby(expected["series"]).sum().reindex(sid, fill_value=0)
    last = held_df.groupby("series")["held_on"].max().reindex(sid)
    counted_to = pd.Series(until if until is not None else pd.NaT, index=sid,
                           dtype="datetime64[ns]")
    since_last = (counted_to - last).dt.days.astype("float64")
    longest = held_df.groupby("series")["gap_days"].max().reindex(sid)
    longest = pd.concat([longest, since_last], axis=1).max(axis=1, skipna=True).where(
        last.notna())
    summary = pd.DataFrame({
        "series": sid.to_numpy(),
        "name": info["name"].to_numpy(),
        "cadence": info["cadence"].to_numpy(),
        "weekday": info["weekday"].to_numpy(),
        "expected": n_exp.to_numpy(),
        "kept": n_kept.to_numpy(),
        "missed": (n_exp - n_kept).to_numpy(),
        "kept_share": (n_kept / n_exp.where(n_exp > 0)).to_numpy(),
        "kept_other_day": n_other.to_numpy(),
        "held": n_held.to_numpy(),
        "extra": (n_held - n_kept).to_numpy(),
        "on_weekday": n_on.to_numpy(),
        "on_weekday_share": (n_on / n_held.where(n_held > 0)).to_numpy(),
        "longest_gap_days": longest.to_numpy(),
        "days_since_last": since_last.to_numpy(),
        "current_streak": streak.groupby(expected["series"]).last().reindex(
            sid, fill_value=0).to_numpy(),
        "longest_streak": streak.groupby(expected["series"]).max().reindex(
            sid, fill_value=0).to_numpy(),
        "last_held_on": last.to_numpy(),
        "counted_to": counted_to.to_numpy(),
    }, columns=_SUMMARY_COLUMNS)
    if summary.empty:
        summary = empty(_SUMMARY_COLUMNS)
    if expected.empty:
        expected = empty(_EXPECTED_COLUMNS)
    if held_df.empty:
        held_df = empty(_HELD_COLUMNS)
    for df, cols in ((summary, ["last_held_on", "counted_to"]),
                     (expected, ["expected_on", "held_on"]),
                     (held_df, ["held_on", "expected_on"])):
        for c in cols:
            df[c] = df[c].astype("datetime64[ns]")
    for c in ("kept_share", "on_weekday_share", "longest_gap_days", "days_since_last"):
        summary[c] = summary[c].astype("float64")
    for c in ("expected", "kept", "missed", "kept_other_day", "held", "extra", "on_weekday",
              "current_streak", "longest_streak"):
        if len(summary):
            summary[c] = summary[c].astype("int64")
    held_df["gap_days"] = held_df["gap_days"].astype("float64")
    expected["meeting"] = expected["meeting"].astype("Int64")
    expected["kept"] = expected["kept"].astype(bool)
    expected["on_agreed_weekday"] = expected["on_agreed_weekday"].astype("boolean")
    held_df["on_agreed_weekday"] = held_df["on_agreed_weekday"].astype(bool)
    return Rhythm(summary=summary, expected=expected, held=held_df)


_LONG_COLUMNS = ["meeting", "held_on", "series", "kind_of_meeting", "part", "label", "count"]


def _attendance_counts(meetings: pd.DataFrame | None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The meetings in date order (then by number) and their attendance as whole numbers:
    a column per part (the six, 0 where nobody came, then any other, NaN where not given)."""
    m = frame(meetings, "meeting")
    m = m.assign(held_on=dates(m["held_on"]))
    m = m.sort_values(["held_on", "id"], na_position="last", kind="stable").reset_index(
        drop=True)
    table = attendance_table(m["attendance"])
    given = table.notna()
    counts = table.where(given, 0).astype("object")
    counts = counts.where(counts.astype(bool), 0).astype("int64")  # None, 0, "" count as 0
    extra = [c for c in table.columns if c not in PARTS]
    counts[extra] = counts[extra].where(given[extra])
    return m, counts


def attendance_long(meetings: pd.DataFrame | None) -> pd.DataFrame:
    """Who came, by part of the system: six rows per meeting (0 where nobody came).

    Columns: meeting, held_on, series, kind_of_meeting, part, label, count. Counts are
    people, not names. Any part not in the model (unlikely) is added after the six.
    """
    m, counts = _attendance_counts(meetings)
    parts = list(counts.columns)
    values = counts.to_numpy(dtype="float64")
    row, col = np.nonzero(~np.isnan(values))  # meeting by meeting, parts in order
    out = pd.DataFrame({
        "meeting": m["id"].to_numpy(dtype="int64")[row],
        "held_on": m["held_on"].to_numpy()[row],
        "series": m["series"].to_numpy()[row],
        "kind_of_meeting": texts(m["kind_of_meeting"]).to_numpy()[row],
        "part": np.asarray(parts, dtype=object)[col],
        "label": np.asarray([part_label(p) for p in parts], dtype=object)[col],
        "count": values[row, col].astype("int64"),
    }, columns=_LONG_COLUMNS) if len(row) else empty(_LONG_COLUMNS)
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
    m, counts = _attendance_counts(meetings)
    base = ["meeting", "held_on", "series", "kind_of_meeting"]
    parts = list(counts.columns)
    if m.empty:
        out = empty([*base, *parts, "total", "parts_present", "parts_absent"])
        out["held_on"] = out["held_on"].astype("datetime64[ns]")
        return out
    counts = counts.fillna(0).astype("int64")
    out = pd.DataFrame({
        "meeting": m["id"].astype("int64"),
        "held_on": m["held_on"].astype("datetime64[ns]"),
        "series": ids(m["series"]),
        "kind_of_meeting": list(texts(m["kind_of_meeting"])),
    })
    out = pd.concat([out, counts], axis=1)
    six = counts[list(PARTS)]
    out["total"] = counts.sum(axis=1).astype("int64")
    out["parts_present"] = (six > 0).sum(axis=1).astype("int64")
    out["parts_absent"] = lists_by_row(six == 0)
    return out[[*base, *parts, "total", "parts_present", "parts_absent"]]


def attendance_summary(meetings: pd.DataFrame | None) -> pd.DataFrame:
    """For each of the six parts: part, label, meetings_present (meetings with at least one
    person from it), share_of_meetings, people (total attendances) and mean_per_meeting.
    share_of_meetings is NaN when no meetings were recorded. Counts of people, not of
    names; a low count is a prompt to ask who was not invited or could not come."""
    wide = attendance_wide(meetings)
    n = len(wide)
    counts = wide[list(PARTS)].astype("int64") if n else pd.DataFrame(
        0, index=[], columns=list(PARTS), dtype="int64")
    present = (counts > 0).sum()
    return pd.DataFrame({
        "part": list(PARTS),
        "label": [PART_LABELS[p] for p in PARTS],
        "meetings_present": present.astype("int64").to_numpy(),
        "share_of_meetings": (present / n).astype("float64").to_numpy() if n
        else np.full(len(PARTS), math.nan),
        "people": counts.sum().astype("int64").to_numpy(),
        "mean_per_meeting": counts.mean().astype("float64").to_numpy() if n
        else np.full(len(PARTS), math.nan),
    })


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

"""The charts of meetings: the rhythm of each learning series (GS2, RC2) and who came to
meetings (RC4), one bar per meeting or per period for a big place.
"""

from __future__ import annotations

import math
import textwrap
from typing import Any

import pandas as pd

from hls_workbook import analysis
from hls_workbook.analysis import PART_LABELS, PARTS, pct
from hls_workbook.reporting.charts import bins as binning
from hls_workbook.reporting.charts.bins import time_bins
from hls_workbook.reporting.charts.drawing import (
    OKABE_ITO,
    bar_ticks,
    legend_above,
    month_axis,
    mpl_text,
    new_figure,
    plain_axes,
    stacked_bars,
    whole_numbers,
)
from hls_workbook.reporting.charts.spec import Chart, nothing_yet
from hls_workbook.reporting.charts.wording import count_of, long_date, short_date


def rhythm_chart(
    series: pd.DataFrame | analysis.Rhythm | None,
    meetings: pd.DataFrame | None = None,
    *,
    start: Any = None,
    end: Any = None,
    today: Any = None,
) -> Chart:
    """Planned meetings kept and missed, one row per meeting series (a dot per date).

    Filled green dots were kept on the agreed weekday, orange on another day; a vermillion
    cross was missed. A missed meeting is a question ("what got in the way?"), not a mark.
    Only meetings due by the end of the period and by `today` are counted (see
    :func:`~hls_workbook.analysis.meeting_rhythm`). Pass the series and meetings tables,
    or a :class:`~hls_workbook.analysis.Rhythm` already computed.
    """
    r = series if isinstance(series, analysis.Rhythm) else analysis.meeting_rhythm(
        series, meetings, start=start, end=end, today=today)
    exp = r.expected
    if exp.empty:
        return nothing_yet("Meeting rhythm", "planned meetings have been")
    summary = r.summary[r.summary["expected"] > 0].reset_index(drop=True)
    if len(summary) > binning.TOP_N:
        return _rhythm_by_period(exp, summary)
    fig, ax = new_figure(height=max(2.8, 1.6 + 0.6 * len(summary)))
    names = list(summary["name"])
    drawn: set[str] = set()
    for i, sid in enumerate(summary["series"]):
        mine = exp[exp["series"] == sid]
        kept_on = mine[mine["kept"] & mine["on_agreed_weekday"].fillna(False).astype(bool)]
        kept_off = mine[mine["kept"] & ~mine["on_agreed_weekday"].fillna(False).astype(bool)]
        missed = mine[~mine["kept"]]
        y = len(names) - 1 - i
        for dots, colour, size, marker, label in (
                (kept_on, OKABE_ITO["bluish_green"], 50, "o", "Kept, on the agreed day"),
                (kept_off, OKABE_ITO["orange"], 50, "D", "Kept, on another day"),
                (missed, OKABE_ITO["vermillion"], 60, "x", "Missed")):
            if len(dots):  # a legend entry only for what is drawn
                ax.scatter(dots["expected_on"], [y] * len(dots), color=colour, s=size,
                           marker=marker, zorder=3,
                           label=None if label in drawn else label)
                drawn.add(label)
    ax.set_yticks(range(len(names)))
    ax.set_yticklabels([mpl_text(textwrap.fill(n, 16)) for n in reversed(names)])
    ax.set_ylim(-0.7, len(names) - 0.3)
    legend_above(ax)
    month_axis(ax, exp["expected_on"].min(), exp["expected_on"].max())
    plain_axes(ax)
    title = _rhythm_title(summary)
    lines = [rhythm_line(row) for _, row in summary.iterrows()]
    alt = (f"Timeline of planned meetings from {long_date(exp['expected_on'].min())} to "
           f"{long_date(exp['expected_on'].max())}, one row per regular meeting, showing "
           "which were kept and which missed. " + " ".join(lines))
    table = summary[["name", "cadence", "weekday", "expected", "kept", "kept_other_day",
                     "missed", "on_weekday", "longest_gap_days", "days_since_last",
                     "current_streak", "longest_streak"]].rename(columns={
        "name": "Meeting", "cadence": "How often", "weekday": "Day", "expected": "Planned",
        "kept": "Kept", "kept_other_day": "Kept on another day", "missed": "Missed",
        "on_weekday": "On the agreed day", "longest_gap_days": "Longest gap (days)",
        "days_since_last": "Days since the last meeting", "current_streak": "Current run",
        "longest_streak": "Longest run"})
    return Chart(fig, title, alt, table)


def rhythm_line(row: Any) -> str:
    """One series of :func:`~hls_workbook.analysis.meeting_rhythm`'s summary in words: kept
    of planned (and how many on another day), runs, the longest gap and the last meeting."""
    other = int(row["kept_other_day"])
    text = (f"{row['name']} ({row['cadence']}, on {str(row['weekday']).capitalize()}s): kept "
            f"{int(row['kept'])} of {int(row['expected'])}"
            + (f" ({other} on another day than agreed)" if other else "")
            + f", current run {int(row['current_streak'])}, longest run "
            f"{int(row['longest_streak'])}")
    if not math.isnan(row["longest_gap_days"]):
        text += f", longest gap {row['longest_gap_days']:.0f} days"
    if pd.isna(row["last_held_on"]):
        return text + ", no meeting held yet."
    text += f", last met on {long_date(row['last_held_on'])}"
    since = row["days_since_last"]
    if not math.isnan(since) and since > 0:
        text += f" ({since:.0f} days before {long_date(row['counted_to'])})"
    return text + "."


def _rhythm_title(summary: pd.DataFrame) -> str:
    kept, expected = int(summary["kept"].sum()), int(summary["expected"].sum())
    upto = summary["counted_to"].max() if "counted_to" in summary else pd.NaT
    return (f"We kept {kept:,} of {count_of(expected, 'planned meeting')}"
            + (f" up to {long_date(upto)}" if not pd.isna(upto) else "")
            + f" ({pct(kept / expected)})")


def _rhythm_by_period(exp: pd.DataFrame, summary: pd.DataFrame) -> Chart:
    """Too many regular meetings for a row each: the planned meetings of all of them,
    week by week (or month...), as bars of kept on the day, kept on another day and missed."""
    bins = time_bins(exp["expected_on"])
    on_day = exp["on_agreed_weekday"].fillna(False).astype(bool)
    counts = pd.DataFrame({
        "kept_on": exp["kept"] & on_day, "kept_off": exp["kept"] & ~on_day,
        "missed": ~exp["kept"],
    }).astype("int64").groupby(bins.position.to_numpy()).sum()
    drawn = counts.reindex(range(len(bins.labels)), fill_value=0)
    fig, ax = new_figure()
    bottom = pd.Series(0, index=drawn.index)
    for key, colour, label in (("kept_on", OKABE_ITO["bluish_green"], "Kept, on the agreed day"),
                               ("kept_off", OKABE_ITO["orange"], "Kept, on another day"),
                               ("missed", OKABE_ITO["vermillion"], "Missed")):
        ax.bar(range(len(drawn)), drawn[key], bottom=bottom, color=colour,
               label=label if drawn[key].sum() else None, width=0.8, edgecolor="white",
               linewidth=0.5)
        bottom = bottom + drawn[key]
    ax.set_ylabel("Planned meetings")
    ax.set_xlabel(bins.header)
    whole_numbers(ax)
    bar_ticks(ax, bins.labels, bins.unit)
    legend_above(ax)
    plain_axes(ax)
    title = _rhythm_title(summary)
    planned = counts.sum(axis=1)
    share = (counts["missed"] / planned).where(planned > 0)
    worst = share.idxmax() if share.notna().any() else None
    alt = (f"Bar chart of the {count_of(int(planned.sum()), 'planned meeting')} of "
           f"{len(summary):,} regular meetings, {bins.by}, from "
           f"{long_date(exp['expected_on'].min())} to {long_date(exp['expected_on'].max())}: how "
           "many were kept on the agreed day, kept on another day, or missed.")
    if worst is not None and counts.loc[worst, "missed"]:
        alt += (f" Most were missed in the {bins.one} of {bins.labels[worst]}: "
                f"{int(counts.loc[worst, 'missed'])} of {int(planned[worst])}.")
    table = counts.assign(planned=planned)[["planned", "kept_on", "kept_off", "missed"]]
    table = table.rename(columns={"planned": "Planned", "kept_on": "Kept on the agreed day",
                                  "kept_off": "Kept on another day", "missed": "Missed"})
    table.insert(0, bins.header, [bins.labels[i] for i in counts.index])
    return Chart(fig, title, alt, table.reset_index(drop=True))


def attendance_chart(meetings: pd.DataFrame | None) -> Chart:
    """Who came to each meeting, by part of the system (stacked bars of people).

    The title says how many meetings people with lived experience came to (GS4). A part
    missing is a question of reach and invitation, not a failing of those who came.
    """
    wide = analysis.attendance_wide(meetings)
    if wide.empty:
        return nothing_yet("Who came", "meetings have been")
    summary = analysis.attendance_summary(meetings).set_index("part")
    never = [p for p in PARTS if summary.loc[p, "meetings_present"] == 0]
    if len(wide) > binning.MAX_BARS:
        return _attendance_by_period(wide, summary, never)
    fig, ax = new_figure()
    x = range(1, len(wide) + 1)
    stacked_bars(ax, wide, [p for p in PARTS if wide[p].sum() > 0], x=list(x))
    n = len(wide)
    ticks = list(x) if n <= 6 else list(x)[:: max(1, math.ceil(n / 6))]
    ax.set_xticks(ticks)
    ax.set_xticklabels([short_date(wide["held_on"].iloc[i - 1], str(i)) for i in ticks],
                       rotation=45, ha="right")
    ax.set_ylabel("People")
    whole_numbers(ax)
    ax.set_xlabel("Meeting, oldest first")
    if ax.get_legend_handles_labels()[0]:
        legend_above(ax)
    plain_axes(ax)
    title = _attendance_title(summary, n)
    alt = (f"Stacked bar chart of how many people came from each part of the system to each "
           f"of {count_of(n, 'meeting')}. {_who_came(summary, never)}")
    table = summary.reset_index()[["label", "meetings_present", "people", "mean_per_meeting"]]
    table = table.assign(mean_per_meeting=table["mean_per_meeting"].round(1)).rename(columns={
        "label": "Part of the system", "meetings_present": "Meetings they came to",
        "people": "Attendances", "mean_per_meeting": "Average a meeting"})
    return Chart(fig, title, alt, table, people=("Meetings they came to", "Attendances"))


def _who_came(summary: pd.DataFrame, never: list[str]) -> str:
    """The end of an attendance chart's alt text: meetings each part came to, and who never."""
    present = ", ".join(
        f"{PART_LABELS[p]} {int(summary.loc[p, 'meetings_present'])}" for p in PARTS
        if summary.loc[p, "meetings_present"] > 0)
    text = f"Meetings each part came to: {present or 'none'}."
    if never:
        text += " Nobody came from: " + ", ".join(PART_LABELS[p] for p in never) + "."
    return text


def _attendance_title(summary: pd.DataFrame, n: int) -> str:
    le = int(summary.loc["lived_experience", "meetings_present"])
    return f"People with lived experience came to {le} of {count_of(n, 'meeting')}"


def _attendance_by_period(wide: pd.DataFrame, summary: pd.DataFrame, never: list[str]
                          ) -> Chart:
    """Too many meetings for a bar each: each bar is the average number of people a meeting
    from each part, over the meetings in a week (or month...)."""
    n = len(wide)
    bins = time_bins(wide["held_on"])
    parts = [p for p in PARTS if wide[p].sum() > 0]
    per = wide[list(PARTS)].groupby(bins.position.to_numpy()).mean()
    fig, ax = new_figure()
    stacked_bars(ax, per.reindex(range(len(bins.labels))), parts)
    ax.set_ylabel("People, average a meeting")
    ax.set_xlabel(bins.header)
    bar_ticks(ax, bins.labels, bins.unit)
    if parts:
        legend_above(ax)
    plain_axes(ax)
    title = _attendance_title(summary, n)
    alt = (f"Stacked bar chart of how many people came from each part of the system, on "
           f"average a meeting, {bins.by}: {count_of(n, 'meeting')} from "
           f"{long_date(wide['held_on'].min())} to {long_date(wide['held_on'].max())}. "
           f"{_who_came(summary, never)}")
    table = per.round(1)
    table.columns = [PART_LABELS[p] for p in PARTS]
    table.insert(0, bins.header, [bins.labels[i] for i in per.index])
    # Averages of people a meeting: not counts to suppress, but as revealing as counts
    # when small, which is why a public report leaves the attendance chart out.
    return Chart(fig, title, alt, table.reset_index(drop=True))

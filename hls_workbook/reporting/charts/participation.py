"""The charts of who takes part: each part of the system's share of contributions
(RC5), and the decisions made and who made them.
"""

from __future__ import annotations

import math
import textwrap
from typing import Any

import pandas as pd

from hls_workbook import analysis
from hls_workbook.analysis import PART_LABELS, PARTS, part_label, part_plural, pct
from hls_workbook.reporting.charts import bins as binning
from hls_workbook.reporting.charts.bins import time_bins
from hls_workbook.reporting.charts.drawing import (
    HEIGHT,
    OKABE_ITO,
    SMALL,
    TOGETHER,
    TOGETHER_LABEL,
    bar_ticks,
    legend_above,
    new_figure,
    plain_axes,
    stacked_bars,
    whole_numbers,
)
from hls_workbook.reporting.charts.spec import Chart, nothing_yet
from hls_workbook.reporting.charts.wording import (
    capitalised,
    count_of,
    date_span,
    long_date,
    short_date,
)


def participation_chart(
    contributions: pd.DataFrame | None,
    meetings: pd.DataFrame | None = None,
    *,
    last_n: int = 8,
    summary: analysis.ParticipationSummary | None = None,
    min_group: int = 0,
) -> Chart:
    """Share of speaking time by part of the system, meeting by meeting (stacked bars).

    The title names the part that spoke most in the last `last_n` meetings. A prompt to
    ask "who did we not hear from?", never a score for a person or a part. Pass the
    ``summary`` of the same contributions and meetings (and ``min_group``) if it is
    already worked out.

    ``min_group`` (a public report's threshold): in each meeting, the parts with fewer
    than ``min_group`` speakers are drawn together, in grey, as "smaller groups, together",
    with as many other parts as it takes for that group to hold ``min_group`` people
    (:func:`~hls_workbook.analysis.participation.fold_small_parts`); their own shares are
    "–" in the table. When no part of any meeting may be shown, there is no figure.
    """
    if summary is None:
        summary = analysis.participation_summary(contributions, meetings, None, last_n=last_n,
                                                 min_group=min_group)
    trend = analysis.participation_trend(contributions, meetings, min_group=min_group)
    if trend.empty or (summary.dominant_part is None and not summary.hidden_parts):
        return nothing_yet("Who spoke", "speaking time has been")
    order = list(dict.fromkeys(trend["part"]))
    wide = trend.pivot(index="meeting_number", columns="part", values="share")
    wide = wide.reindex(columns=order)
    counted = trend.groupby("meeting_number")["share"].count() > 0
    hidden = wide.isna() & counted.reindex(wide.index).to_numpy()[:, None]
    folded = hidden.any(axis=1)
    wide = wide.fillna(0.0)
    together = (1.0 - wide.sum(axis=1)).clip(lower=0.0).where(folded, 0.0)
    parts = [p for p in PARTS if p in wide.columns and wide[p].sum() > 0]
    held = trend.drop_duplicates("meeting").set_index("meeting_number")["held_on"]
    n = len(wide)
    first, last = trend["held_on"].min(), trend["held_on"].max()
    if not parts:
        return Chart(None, "Who spoke: too few people from each part to show",
                     f"Speaking time was recorded in {count_of(n, 'meeting')}. In each, fewer "
                     f"than {min_group} people from every part of the system spoke. So no "
                     "share is shown: each person's airtime stays private.",
                     pd.DataFrame())
    if summary.dominant_part is None:
        title = f"Who spoke: shares are shown only for parts with {min_group} or more speakers"
    else:
        who = capitalised(part_plural(summary.dominant_part))
        share = pct(summary.dominant_share)
        what = {"turns": f"took most turns: {share} of them",
                "mixed": f"had most of the speaking: {share}"}.get(
            summary.measure, f"spoke most: {share} of the time")
        if summary.meetings_counted == summary.meetings_recorded:
            span = ""
        elif summary.meetings_counted == 1:
            span = " in the last meeting"
        else:
            span = f" in the last {summary.meetings_counted} meetings"
        title = f"{who} {what}{span}"
    notes = ""
    if summary.parts_not_heard:
        notes += " Not heard from in those meetings: " + ", ".join(
            part_label(p) for p in summary.parts_not_heard) + "."
    if not math.isnan(summary.median_gini):
        notes += (" How unevenly people took turns, in a typical meeting: "
                  f"{summary.median_gini:.2f}, where 0 means everyone spoke equally and 1 "
                  "that one person did all the talking.")
    if folded.any():
        notes += (f" Parts of the system with fewer than {min_group} speakers in a meeting "
                  "are shown together with others, never on their own.")
        wide[TOGETHER] = together
        parts = [*parts, TOGETHER]
        hidden[TOGETHER] = ~folded
    if n > binning.MAX_ROWS:  # a bar (and a row of numbers) a week, month...
        return _participation_by_period(wide, held, parts, title, summary.sentence + notes,
                                        first, last, hidden)
    fig, ax = new_figure()
    stacked_bars(ax, wide, parts, scale=100, x=wide.index)
    if summary.meetings_counted < n:
        ax.axvline(n - summary.meetings_counted + 0.5, color=OKABE_ITO["black"], linewidth=1,
                   linestyle="--")
        ax.text(n - summary.meetings_counted + 0.6, 101, f"last {summary.meetings_counted}",
                fontsize=SMALL, va="bottom")
    ax.set_ylim(0, 105)
    ax.set_ylabel("Share of speaking (%)")
    ax.set_xlabel("Meeting, oldest first")
    ticks = list(wide.index) if n <= 6 else list(wide.index)[:: max(1, math.ceil(n / 6))]
    ax.set_xticks(ticks)
    ax.set_xticklabels([short_date(held[i], str(i)) for i in ticks], rotation=45, ha="right")
    legend_above(ax)
    plain_axes(ax)
    table = _share_table(wide, hidden)
    table.insert(0, "Meeting date", [pd.Timestamp(held[i]).date() if pd.notna(held[i])
                                     else None for i in wide.index])
    table = table.reset_index(drop=True)
    alt = (f"Stacked bar chart of the share of speaking by part of the system in "
           f"{count_of(n, 'meeting')}, from {long_date(first)} to {long_date(last)}. "
           f"{summary.sentence}"
           + notes)
    return Chart(fig, title, alt, table)


def _share_table(wide: pd.DataFrame, hidden: pd.DataFrame) -> pd.DataFrame:
    """Shares in % for the numbers table: hidden ones NaN (shown as "–")."""
    table = wide.mask(hidden.reindex(columns=wide.columns, fill_value=False)).mul(100).round(1)
    table.columns = [TOGETHER_LABEL if c == TOGETHER else PART_LABELS.get(c, c)
                     for c in table.columns]
    return table


def _participation_by_period(wide: pd.DataFrame, held: pd.Series, parts: list[str],
                             title: str, sentences: str, first: Any, last: Any,
                             hidden: pd.DataFrame) -> Chart:
    """Too many meetings for a bar (and a row of numbers) each: each bar is the average
    share of the meetings in a week (or month...), so the chart and its numbers keep
    their size however many meetings there are.
    A part hidden in any meeting of a period is hidden (folded in) for the whole period."""
    bins = time_bins(held.reindex(wide.index), limit=binning.MAX_ROWS)
    counted = (wide.sum(axis=1) > 0).to_numpy()  # meetings with no time counted are left out
    position = bins.position.to_numpy()[counted]
    per = wide[counted].groupby(position).mean()
    cols = [c for c in wide.columns if c != TOGETHER]
    hid = hidden[cols][counted].groupby(position).any()
    if TOGETHER in wide.columns:
        per[TOGETHER] = (1.0 - per[cols].where(~hid, 0.0).sum(axis=1)).clip(lower=0.0).where(
            hid.any(axis=1), 0.0)
        hid[TOGETHER] = ~hid.any(axis=1)
    drawn = per.where(~hid.reindex(columns=per.columns, fill_value=False), 0.0)
    # Taller than a chart over time: its legend of parts stands above it on a phone.
    fig, ax = new_figure(height=HEIGHT + 1.0)
    stacked_bars(ax, drawn.reindex(range(len(bins.labels))), parts, scale=100)
    ax.set_ylim(0, 105)
    ax.set_ylabel("Share of speaking (%),\naverage of the meetings")
    ax.set_xlabel(bins.header)
    bar_ticks(ax, bins.labels, bins.unit)
    legend_above(ax)
    plain_axes(ax)
    table = _share_table(per, hid)
    table.insert(0, bins.header, [bins.labels[i] for i in per.index])
    table = table.reset_index(drop=True)
    alt = (f"Stacked bar chart of the share of speaking by part of the system, {bins.by}: "
           f"{count_of(len(wide), 'meeting')}{date_span(first, last)}, each bar the average of the "
           f"meetings in that {bins.one}. {sentences}")
    return Chart(fig, title, alt, table)


def decisions_chart(decisions: pd.DataFrame | None) -> Chart:
    """Decisions by the part of the system that proposed them, and the parts that shaped them.

    Counts what was written down; an empty "shaped by" may mean nobody recorded it.
    """
    d = analysis.decision_balance(decisions)
    total = int(d["proposed"].sum())
    if total == 0:
        return nothing_yet("Decisions", "decisions have been")
    fig, ax = new_figure(height=4.2)
    y = [len(d) - 1 - i for i in range(len(d))]  # the first part at the top
    ax.barh([i + 0.2 for i in y], d["proposed"], height=0.4, label="Proposed it",
            color=OKABE_ITO["blue"])
    ax.barh([i - 0.2 for i in y], d["shaped"], height=0.4, label="Shaped it",
            color=OKABE_ITO["orange"])
    ax.set_yticks(y)
    ax.set_yticklabels([textwrap.fill(label, 16) for label in d["label"]])
    ax.set_xlabel("Decisions")
    whole_numbers(ax, "x")
    legend_above(ax)
    plain_axes(ax)
    le = d.set_index("part").loc["lived_experience"]
    title = (f"People with lived experience shaped {pct(le['shaped_share'])} of "
             f"{total} {'decision' if total == 1 else 'decisions'}")
    top = d.loc[d["proposed"].idxmax()]
    alt = (f"Bar chart of {count_of(total, 'decision')} by part of the system: who proposed each "
           "and whose "
           f"views shaped it. {top['label']} proposed the most ({int(top['proposed'])}). "
           f"People with lived experience proposed {int(le['proposed'])} and shaped "
           f"{int(le['shaped'])}.")
    table = d[["label", "proposed", "shaped"]].rename(columns={
        "label": "Part of the system", "proposed": "Proposed", "shaped": "Shaped"})
    return Chart(fig, title, alt, table, people=("Proposed", "Shaped"))

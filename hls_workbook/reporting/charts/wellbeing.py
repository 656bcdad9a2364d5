"""The charts of how people are: the pulse survey (RC1, RC3, BH1) and check-ins (ES1,
ES3), with groups smaller than the minimum shown as hidden.
"""

from __future__ import annotations

import textwrap

import pandas as pd

from hls_workbook import analysis
from hls_workbook.domain.model import statement_short
from hls_workbook.privacy.numbers import HIDDEN_TEXT as HIDDEN
from hls_workbook.reporting.charts.drawing import (
    OKABE_ITO,
    SMALL,
    legend_above,
    mpl_text,
    new_figure,
    plain_axes,
)
from hls_workbook.reporting.charts.spec import Chart, nothing_yet, or_hidden
from hls_workbook.reporting.charts.wording import count_of, month_label


def pulse_chart(pulse: pd.DataFrame | None, *, min_group: int = 5,
                latest: pd.DataFrame | None = None) -> Chart:
    """Everyone's mean score (0-10) for every statement in the latest round, with the round
    before as a hollow marker. Groups of fewer than `min_group` people are never shown.
    Perceptions for reflection, never for holding anyone to account. Pass ``latest``
    (:func:`~hls_workbook.analysis.latest_pulse` with the same `min_group`) if it is
    already worked out."""
    if latest is None:
        latest = analysis.latest_pulse(pulse, min_group=min_group)
    if latest.empty:
        return nothing_yet("Behaviour pulse", "pulse answers have been")
    period = str(latest["period"].iloc[0])
    rows = latest.iloc[::-1].reset_index(drop=True)
    # A line a statement: the chart is as tall as its rows need, no more.
    fig, ax = new_figure(height=max(2.2, 1.3 + 0.24 * len(rows)))
    # Plain words, never the practice's code (RC1, LB2...): readers do not know them. A
    # few words each (the numbers table says each statement whole), in the same order.
    labels = [mpl_text(statement_short(key, lbl))
              for key, lbl in zip(rows["statement"], rows["label"], strict=True)]
    positions = list(range(len(rows)))
    ax.barh(positions, rows["mean"].fillna(0.0), color=OKABE_ITO["blue"],
           label=analysis.round_label(period))
    previous = rows["mean"] - rows["change"]
    has_prev = previous.notna()
    if has_prev.any():
        ax.scatter(previous[has_prev], [positions[i] for i in rows.index[has_prev]],
                   facecolors="white", edgecolors=OKABE_ITO["black"], zorder=3, s=30,
                   label="Round before")
    for i, (_, row) in enumerate(rows.iterrows()):
        if row["suppressed"]:
            ax.text(0.1, i, f"{HIDDEN}: fewer than {min_group} answers", va="center",
                    fontsize=SMALL, color=OKABE_ITO["black"])
        else:
            right = max(row["mean"], previous.iloc[i] if has_prev.iloc[i] else 0.0)
            ax.text(right + 0.25, i, f"{row['mean']:.1f}", va="center", fontsize=SMALL)
    ax.set_yticks(positions)
    ax.set_yticklabels(labels, fontsize=SMALL)
    ax.set_xlim(0, 10.8)
    ax.set_xlabel("Mean score\n(0 = not at all, 10 = completely)")
    legend_above(ax)
    plain_axes(ax)
    visible = latest[~latest["suppressed"]]
    if visible.empty:
        title = f"Behaviour pulse {period}: too few answers to show any statement yet"
        alt = (f"Bar chart of the behaviour pulse for {period}. Every statement had fewer than "
               f"{min_group} answers, so no score is shown, to keep answers anonymous.")
    else:
        low = visible.loc[visible["mean"].idxmin()]
        high = visible.loc[visible["mean"].idxmax()]
        short = textwrap.shorten(str(low["label"]).rstrip("."), 52, placeholder="…")
        title = f"Lowest score in {period}: \u201c{short}\u201d, {low['mean']:.1f} out of 10"
        alt = (f"Bar chart of everyone's mean score out of 10 for "
               f"{count_of(len(latest), 'statement')} in "
               f"{period}. Lowest: \"{low['label']}\" at {low['mean']:.1f}. Highest: "
               f"\"{high['label']}\" at {high['mean']:.1f}.")
        moved = visible.dropna(subset=["change"])
        if len(moved):
            up = moved.loc[moved["change"].idxmax()]
            alt += (f" Biggest change since {up['previous_period']}: \"{up['label']}\" "
                    f"({up['change']:+.1f}).")
        hidden = int(latest["suppressed"].sum())
        if hidden:
            alt += (f" {count_of(hidden, 'statement')} had fewer than {min_group} answers and "
                    f"{'is' if hidden == 1 else 'are'} {HIDDEN}.")
    table = latest.assign(mean=or_hidden(latest["mean"], latest["suppressed"]),
                          change=or_hidden(latest["change"], latest["suppressed"]))[
        ["label", "period", "mean", "previous_period", "change"]
    ].rename(columns={"label": "Statement", "period": "Round",
                      "mean": "Mean score", "previous_period": "Round before",
                      "change": "Change"})
    return Chart(fig, title, alt, table)


def checkin_chart(checkins: pd.DataFrame | None, *, min_group: int = 5) -> Chart:
    """How heavy the work felt, month by month (0 light to 10 very heavy), for everyone.

    Months with fewer than `min_group` check-ins are left out of the line, never shown.
    Aggregate only: a signal to make time for the emotional side of the work (ES3).
    """
    trend = analysis.checkin_trend(checkins, min_group=min_group)
    if trend.empty:
        return nothing_yet("How heavy the work feels", "check-ins have been")
    fig, ax = new_figure()
    months = list(trend["month"])
    positions = list(range(len(months)))
    ax.plot(positions, trend["mean"], marker="o", color=OKABE_ITO["vermillion"])
    hidden = trend[trend["suppressed"]]
    for m in hidden["month"]:
        ax.text(months.index(m), 0.3, HIDDEN, ha="center", va="bottom", fontsize=SMALL,
                rotation=90)
    ax.set_xticks(positions)
    ax.set_xticklabels([month_label(m) for m in months], rotation=45, ha="right")
    ax.set_xlim(-0.5, len(months) - 0.5)
    ax.set_ylim(0, 10)
    ax.set_ylabel("How heavy it felt\n(0 light, 10 very heavy)")
    plain_axes(ax)
    visible = trend[~trend["suppressed"]]
    latest = trend.iloc[-1]
    if visible.empty:
        title = "How heavy the work feels: too few check-ins to show yet"
        alt = (f"Line chart of emotional load by month. Every month had fewer than {min_group} "
               "check-ins, so nothing is shown, to keep check-ins anonymous.")
    else:
        first, last = visible.iloc[0], visible.iloc[-1]
        diff = last["mean"] - first["mean"]
        if bool(latest["suppressed"]):
            # A later month is hidden: a headline from the months shown could say the
            # opposite of what that month holds, so none is drawn from them.
            title = (f"How heavy the work feels: {month_label(latest['month'])}, the latest "
                     "month, had too few check-ins to show")
        elif len(visible) == 1:
            title = (f"The work felt {last['mean']:.1f} out of 10 heavy in "
                     f"{month_label(last['month'])}")
        elif diff <= -0.5:
            title = (f"The work felt lighter: from {first['mean']:.1f} in "
                     f"{month_label(first['month'])} to {last['mean']:.1f} in "
                     f"{month_label(last['month'])}")
        elif diff >= 0.5:
            title = (f"The work felt heavier: from {first['mean']:.1f} in "
                     f"{month_label(first['month'])} to {last['mean']:.1f} in "
                     f"{month_label(last['month'])}")
        else:
            title = (f"The work felt about as heavy in {month_label(last['month'])} "
                     f"({last['mean']:.1f}) as in {month_label(first['month'])}")
        alt = (f"Line chart of the mean emotional load out of 10 for each month from "
               f"{month_label(months[0])} to {month_label(months[-1])}. "
               + "; ".join(f"{month_label(r['month'])}: {r['mean']:.1f}"
                           for _, r in visible.iterrows())
               + ".")
        if len(hidden):
            alt += (f" {count_of(len(hidden), 'month')} had fewer than {min_group} check-ins "
                    f"and {'is' if len(hidden) == 1 else 'are'} {HIDDEN}.")
        if bool(latest["suppressed"]):
            alt += (f" The latest month, {month_label(latest['month'])}, is one of them: how "
                    "heavy the work feels now cannot be told from the months shown.")
    table = trend.assign(mean=or_hidden(trend["mean"], trend["suppressed"]))[
        ["month", "mean"]].rename(columns={"month": "Month", "mean": "Mean load"})
    return Chart(fig, title, alt, table)

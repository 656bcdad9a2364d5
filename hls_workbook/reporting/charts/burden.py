"""The charts of bureaucracy burden (LB2): the hours funders' requirements take, and the
requirements the team would strip out.
"""

from __future__ import annotations

import math
import textwrap

import pandas as pd

from hls_workbook import analysis
from hls_workbook.analysis.burden import burden_totals
from hls_workbook.reporting.charts import bins as binning
from hls_workbook.reporting.charts.drawing import (
    GREY,
    OKABE_ITO,
    SMALL,
    axis_to_data,
    mpl_text,
    new_figure,
    plain_axes,
)
from hls_workbook.reporting.charts.spec import Chart, nothing_yet
from hls_workbook.reporting.charts.wording import count_of, others_label


def _audit(burden: pd.DataFrame | analysis.BurdenAudit | None) -> analysis.BurdenAudit:
    return burden if isinstance(burden, analysis.BurdenAudit) else analysis.burden_audit(burden)


def top_funders(audit: analysis.BurdenAudit, n: int | None = None) -> pd.DataFrame:
    """The audit's rows by funder, the `n` (TOP_N) taking most hours first, then one row for
    all the other funders together (columns as ``by_funder``)."""
    n = binning.TOP_N if n is None else n
    f = audit.by_funder
    if len(f) <= n:
        return f
    rest = f.iloc[n:]
    totals = burden_totals(audit.items[audit.items["funder"].isin(rest["funder"])])
    other = {"funder": others_label(len(rest), "funders"), **totals}
    return pd.concat([f.iloc[:n], pd.DataFrame([other], columns=f.columns)],
                     ignore_index=True).astype(f.dtypes.to_dict())


def top_strip(audit: analysis.BurdenAudit, n: int | None = None) -> pd.DataFrame:
    """The strip list's first `n` (TOP_N) requirements (most hours freed), then one row for
    all the others together: its rank is empty, its hours are the sum of those known."""
    n = binning.TOP_N if n is None else n
    s = audit.strip_list
    if len(s) <= n:
        return s
    rest = s.iloc[n:]
    other = {"requirement": others_label(len(rest), "requirements"), "funder": "",
             "organisation": "", "suggested_action": "", "suggested_label": "",
             "proposed_action": None, "action": "", "action_label": "", "action_by": "",
             "why": "", "reasons": "",
             "hours_a_year": float(rest["hours_a_year"].sum()),
             "hours_status": "known" if rest["hours_a_year"].notna().all() else "unknown",
             "hours_freed": float(rest["hours_freed"].sum()),
             "cost_freed": float(rest["cost_freed"].sum(min_count=1))}
    out = pd.concat([s.iloc[:n], pd.DataFrame([other])], ignore_index=True)
    out["rank"] = out["rank"].astype("float64")  # the row for the rest has none
    return out[s.columns]


def burden_chart(burden: pd.DataFrame | analysis.BurdenAudit | None) -> Chart:
    """Staff hours a year spent on each funder's requirements (horizontal bars).

    NPC found reporting cost charities about 4.5% of a grant on average, up to 9%. Unknown
    hours are shown as unknown, never as zero. Pass the burden table or a BurdenAudit.
    Beyond TOP_N funders, the rest share one bar.
    """
    audit = _audit(burden)
    if audit.by_funder.empty:
        return nothing_yet("Funding paperwork", "funding requirements have been")
    shown = top_funders(audit)
    f = shown.iloc[::-1].reset_index(drop=True)
    fig, ax = new_figure(height=max(2.8, 1.2 + 0.6 * len(f)))
    rest = len(audit.by_funder) > binning.TOP_N  # then the first row drawn stands for the rest
    # The rest together are written, not drawn: one long bar would squash the others.
    hours = f["hours_a_year"].where(f.index > 0, 0.0) if rest else f["hours_a_year"]
    positions = range(len(f))
    ax.barh(positions, hours, color=OKABE_ITO["blue"])
    ax.set_yticks(list(positions))
    ax.set_yticklabels([mpl_text(textwrap.fill(n, 18)) for n in f["funder"]])
    top = float(hours.max() or 1)
    for i, (_, row) in enumerate(f.iterrows()):
        note = f"{row['hours_a_year']:,.0f} h"
        if rest and i == 0:
            note = "together: " + note
        if row["hours_unknown"]:
            note += f" (+{int(row['hours_unknown'])} unknown)"
        if not math.isnan(row["share_of_grant"]):  # on a line of its own: a phone is narrow
            note += f"\n{row['share_of_grant'] * 100:.1f}% of grant"
        ax.text(hours.iloc[i] + top * 0.01, i, note, va="center", fontsize=SMALL)
    ax.set_xlim(0, top * 2.6)  # room for the note beside each bar
    ax.set_xlabel("Staff hours a year")
    axis_to_data(ax, top)
    plain_axes(ax)
    at_least = "at least " if audit.hours_unknown else ""
    title = f"Funding paperwork takes {at_least}{audit.hours_a_year:,.0f} staff hours a year"
    if not math.isnan(audit.share_of_grant):
        title += f", {audit.share_of_grant * 100:.1f}% of grants"
    funders = len(audit.by_funder)
    alt = (f"Horizontal bar chart of staff hours a year spent on funding requirements, for "
           f"{count_of(funders, 'funder')}")
    if rest:
        alt += (f": the {binning.TOP_N} taking most hours one by one, and the other "
                f"{funders - binning.TOP_N:,} together")
    alt += f". {audit.sentence}"
    table = shown.assign(
        share_of_grant=(shown["share_of_grant"] * 100).round(2),
        cost_a_year=shown["cost_a_year"].round(0),
    ).rename(columns={
        "funder": "Funder", "requirements": "Requirements", "hours_a_year": "Hours a year",
        "hours_unknown": "Hours unknown", "cost_a_year": "Cost a year (£)",
        "grant_value": "Grant value (£)", "share_of_grant": "Share of grant (%)"})
    return Chart(fig, title, alt, table)


def strip_chart(burden: pd.DataFrame | analysis.BurdenAudit | None) -> Chart:
    """The strip list: hours a year each requirement would free if stopped or shared.

    A suggestion to take to the funder, not a verdict on the requirement or who asks for it.
    Pass the burden table or a BurdenAudit. Beyond TOP_N requirements, the rest share one
    bar.
    """
    audit = _audit(burden)
    s = audit.strip_list
    if s.empty:
        return nothing_yet("Strip list", "requirements to stop, share or simplify have been")
    top_rows = top_strip(audit)
    rest = len(s) - binning.TOP_N if len(s) > binning.TOP_N else 0
    shown = top_rows.iloc[::-1].reset_index(drop=True)
    fig, ax = new_figure(height=max(2.8, 1.2 + 0.62 * len(shown)))
    colours = {"stop": OKABE_ITO["vermillion"], "share": OKABE_ITO["blue"],
               "simplify": OKABE_ITO["orange"]}
    labels = [mpl_text(textwrap.fill(textwrap.shorten(f"{r} ({f})" if f else r, 44,
                                                   placeholder="…"), 22))
              for r, f in zip(shown["requirement"], shown["funder"], strict=True)]
    hours = shown["hours_freed"].fillna(0.0)
    if rest:  # the rest together are written, not drawn: one long bar would squash the others
        hours = hours.where(shown.index > 0, 0.0)
    ax.barh(range(len(shown)), hours,
            color=[colours.get(a, GREY) for a in shown["action"]])
    ax.set_yticks(range(len(shown)))
    ax.set_yticklabels(labels)  # by position: two requirements may have the same words
    top = float(hours.max() or 1)
    for i, (_, row) in enumerate(shown.iterrows()):
        if rest and i == 0:
            unknown = int(s.iloc[binning.TOP_N:]["hours_freed"].isna().sum())
            note = f"together: {row['hours_freed']:,.0f} h" + (
                f" (+{unknown} unknown)" if unknown else "")
        else:
            note = (f"{row['action']}: {row['hours_freed']:,.0f} h"
                    if not math.isnan(row["hours_freed"])
                    else f"{row['action']}: some hours" if row["action"] == "simplify"
                    else f"{row['action']}: hours unknown")
        ax.text(hours.iloc[i] + top * 0.01, i, note, va="center", fontsize=SMALL)
    ax.set_xlim(0, top * 1.9)  # room for the note beside each bar
    ax.set_xlabel("Staff hours a year it would free")
    axis_to_data(ax, top)
    ax.tick_params(axis="y", labelsize=SMALL)
    plain_axes(ax)
    kept = int((s["action"] == "keep").sum())  # the team proposes to keep: frees nothing
    n = len(s) - kept
    verbs = ("Stopping, sharing or simplifying" if (s["action"] == "simplify").any()
             else "Stopping or sharing")
    at_least = "at least " if s["hours_freed"].isna().any() else ""
    title = (f"{verbs} {count_of(n, 'requirement')} would free {at_least}"
             f"{audit.hours_freed:,.0f} hours a year")
    top_row = s.iloc[0]
    alt = (f"Horizontal bar chart of {count_of(n, 'funding requirement')} that could be stopped, "
           "shared "
           f"or simplified, ranked by the staff hours a year each would free. The largest is "
           f"{top_row['requirement']} for {top_row['funder']}"
           + (f" ({top_row['hours_freed']:,.0f} hours)." if not math.isnan(top_row["hours_freed"])
              else ".")
           + (f" The first {binning.TOP_N} are shown one by one and the other {rest:,} together "
              f"({top_rows['hours_freed'].iloc[-1]:,.0f} hours)." if rest else "")
           + f" Together they would free {audit.hours_freed:,.0f} hours a year."
           + (f" The team proposes to keep {count_of(kept, 'more requirement')} on the list."
              if kept else ""))
    table = top_rows[["rank", "requirement", "funder", "action_label", "why", "hours_freed"]]
    table = table.rename(columns={
        "rank": "Rank", "requirement": "Requirement", "funder": "Funder",
        "action_label": "What we propose", "why": "Why", "hours_freed": "Hours freed"})
    return Chart(fig, title, alt, table)

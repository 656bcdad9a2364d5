"""The charts of learning: learning health (LE1-LE3), experiment reviews, and the
portfolio of experiments by novelty and risk (EX1, EX3).
"""

from __future__ import annotations

import math
import textwrap
from typing import Any

import pandas as pd

from hls_workbook import analysis
from hls_workbook.analysis.portfolio import NOVELTY
from hls_workbook.reporting.charts.drawing import (
    GREY,
    OKABE_ITO,
    ONE_COLOUR,
    SMALL,
    legend_above,
    new_figure,
    plain_axes,
    whole_numbers,
)
from hls_workbook.reporting.charts.spec import Chart, nothing_yet
from hls_workbook.reporting.charts.wording import count_of, reviews_finding


def learning_chart(learning: pd.DataFrame | analysis.LearningHealth | None,
                   shares: pd.DataFrame | None = None) -> Chart:
    """How many pieces of learning reached each part of the system: learning kept within
    the team is learning lost to the rest of the local system. One panel: how many
    breakthroughs, disappointments and surprises were recorded is said in the sentence
    above the chart (a panel of three bars said it twice, and made the page longer in
    print). Pass the learning and shares tables, or a LearningHealth already worked out."""
    health = learning if isinstance(learning, analysis.LearningHealth) else None
    balance = health.balance if health else analysis.learning_balance(learning)
    total = int(balance["count"].sum())
    if total == 0:
        return nothing_yet("Learning", "learning has been")
    reach = health.reach_by_part if health else analysis.reach_by_part(learning, shares)
    nobody = health.shared_with_nobody if health else int(
        analysis.learning_reach(learning, shares)["shared_with_nobody"].sum())
    fig, ax = new_figure(height=1.0 + 0.42 * len(reach))
    # Each bar is named beside it: one colour says it all (a colour per part would make
    # nine in this chart).
    ax.barh([textwrap.fill(lbl, 18) for lbl in reach["label"][::-1]],
            reach["learning_reached"][::-1], color=ONE_COLOUR)
    for i, value in enumerate(reach["learning_reached"][::-1]):
        ax.annotate(f"{value:.0f}", (value, i), va="center", xytext=(3, 0),
                    textcoords="offset points")
    ax.set_xlabel("Pieces of learning shared with them")
    ax.set_xlim(0, max(1, float(reach["learning_reached"].max())) * 1.15)
    ax.tick_params(axis="y", labelsize=SMALL)
    whole_numbers(ax, "x")
    plain_axes(ax)
    named = reach[reach["part"] != "other"]  # "other" is a catch-all, not a part to tell
    least = named.loc[named["learning_reached"].idxmin()] if len(named) else None
    if int(reach["learning_reached"].max() if len(reach) else 0) == 0:
        title = (f"{count_of(total, 'piece')} of learning recorded, none shared with another "
                 "part of the system yet")
    elif least is None or int(least["learning_reached"]) >= total:
        title = f"Every part of the system heard all {count_of(total, 'piece')} of learning"
    else:
        title = (f"{least['label']} heard the least: {int(least['learning_reached'])} of "
                 f"{count_of(total, 'piece')} of learning")
    reached = ", ".join(f"{lbl} {n}" for lbl, n in zip(reach["label"], reach["learning_reached"],
                                                       strict=True) if n)
    alt = (f"Bar chart of how many of the {count_of(total, 'piece')} of learning were shared "
           f"with each part of the system: {reached or 'none yet'}. "
           f"{nobody} {'has' if nobody == 1 else 'have'} not been shared with anyone yet.")
    table = reach.rename(columns={"label": "Part of the system",
                                  "learning_reached": "Pieces of learning shared with them"}
                         )[["Part of the system", "Pieces of learning shared with them"]]
    return Chart(fig, title, alt, table)  # pieces of learning are records, not people


def reviews_chart(experiments: pd.DataFrame | None, reviews: pd.DataFrame | None) -> Chart:
    """Reviews of experiments: did it go to plan, and what we decided next (EX2, EX4).

    "No" and "partly" are learning, not failure; "stop" means we learned what we needed.
    """
    outcomes = analysis.review_outcomes(reviews)
    done = analysis.experiment_reviews(experiments, reviews)
    waiting = int(done["needs_review"].sum())
    n = int(outcomes[outcomes["question"] == "went_to_plan"]["count"].sum())
    if n == 0 and waiting == 0:
        return nothing_yet("Reviews", "reviews of experiments have been")
    went = outcomes[outcomes["question"] == "went_to_plan"]
    dec = outcomes[outcomes["question"] == "decision"]
    # One panel, a line a decision, split by whether it went to plan: both answers in a
    # chart a third as tall as two panels of bars.
    r = reviews if reviews is not None and len(reviews) else pd.DataFrame(
        columns=["went_to_plan", "decision"])
    cross = pd.crosstab(r["decision"], r["went_to_plan"]).reindex(
        index=list(dec["answer"]), columns=list(went["answer"]), fill_value=0)
    fig, ax = new_figure(height=1.5 + 0.3 * len(cross))
    y = list(range(len(cross)))[::-1]  # the first decision at the top
    left = pd.Series(0, index=cross.index)
    colours = [OKABE_ITO["bluish_green"], OKABE_ITO["orange"], OKABE_ITO["vermillion"]]
    for answer, colour in zip(cross.columns, colours, strict=False):
        _pieces(ax, y, cross[answer], left, colour, _PLAN[answer])
        left = left + cross[answer]
    for i, total in zip(y, left, strict=True):
        if total:
            ax.annotate(f"{total:.0f}", (total, i), va="center", xytext=(3, 0),
                        textcoords="offset points")
    ax.set_yticks(y)
    ax.set_yticklabels([lbl.split(":")[0] for lbl in dec["label"]])
    ax.set_xlabel("Reviews, by what we decided")
    ax.set_xlim(0, max(1, int(left.max())) * 1.15)
    whole_numbers(ax, "x")
    legend_above(ax, ncols=3)
    plain_axes(ax)
    not_to_plan = int(went.set_index("answer")["count"].get("partly", 0)
                      + went.set_index("answer")["count"].get("no", 0))
    if n == 0:
        title = (f"No reviews yet: {count_of(waiting, 'finished experiment')} "
                 f"{'is' if waiting == 1 else 'are'} waiting for one")
    else:
        title = reviews_finding(not_to_plan, n)
        if waiting:
            title += f"; {waiting} waiting for a review"
    median = done["days_to_review"].median()
    alt = (f"Bar chart of {count_of(n, 'review')} of experiments, a bar for each decision "
           "about what to do next, split by whether the experiment went to plan. Went to "
           "plan? "
           + ", ".join(f"{lbl} {c}" for lbl, c in zip(went["label"], went["count"],
                                                      strict=True))
           + ". What we decided next: "
           + ", ".join(f"{lbl.split(':')[0].lower()} {c}" for lbl, c in zip(dec["label"],
                                                                            dec["count"],
                                                                            strict=True))
           + "."
           + (f" Reviews came a median of {median:.0f} days after the end."
              if not math.isnan(median) else "")
           + (f" {count_of(waiting, 'finished experiment')} "
              f"{'has' if waiting == 1 else 'have'} no review yet." if waiting else ""))
    table = cross.rename(columns=_PLAN).reset_index(drop=True)
    table.insert(0, "What we decided", list(dec["label"]))
    table["Reviews"] = table[list(_PLAN.values())].sum(axis=1)
    return Chart(fig, title, alt, table)


def _pieces(ax: Any, y: list[int], counts: pd.Series, left: pd.Series, colour: str,
            label: str) -> None:
    """One piece of horizontal stacked bars: a rectangle for each count above 0 (none for
    0, so a chart draws what there is, whatever the number of categories)."""
    drawn = (counts > 0).to_numpy()
    if drawn.any():
        ax.barh([i for i, d in zip(y, drawn, strict=True) if d], counts[drawn],
                left=left[drawn], color=colour, label=label)


#: Whether an experiment went to plan, as a legend and the numbers' headings say it.
_PLAN = {"yes": "Went to plan", "partly": "Partly to plan", "no": "Not to plan"}


def portfolio_chart(experiments: pd.DataFrame | None) -> Chart:
    """Experiments by the part of the system that proposed them, each bar split by whether
    they involve new people or a new setting: one panel, a line a part. How risky they are
    is in the numbers (and each experiment's line of the log). A spread, not a target."""
    p = analysis.experiment_portfolio(experiments)
    if p.total == 0:
        return nothing_yet("Experiments", "experiments have been")
    # Each part's own portfolio (the same counting), for its bar and its row of numbers.
    e = experiments if experiments is not None else pd.DataFrame()
    own = {part: analysis.experiment_portfolio(e[e["proposed_by"].astype("object") == part])
           for part in p.by_proposer["part"]}
    fig, ax = new_figure(height=1.5 + 0.42 * len(own))
    y = list(range(len(own)))[::-1]  # the first part at the top
    left = pd.Series(0.0, index=list(own))
    # Two colours (something new, or not): the numbers split what is new four ways.
    for label, kinds, colour in (("New people or a new setting", [k for k in NOVELTY
                                                                   if k != "neither"],
                                  OKABE_ITO["vermillion"]),
                                 (NOVELTY["neither"], ["neither"], GREY)):
        counts = pd.Series({part: float(q.by_novelty.set_index("novelty")["count"]
                                        .reindex(kinds).fillna(0).sum())
                            for part, q in own.items()})
        _pieces(ax, y, counts, left, colour, label)
        left = left + counts
    ax.set_yticks(y)
    ax.set_yticklabels([textwrap.fill(lbl, 18) for lbl in p.by_proposer["label"]])
    ax.set_xlabel("Experiments, by whose idea")
    whole_numbers(ax, "x")
    legend_above(ax)
    plain_axes(ax)
    parts = int((p.by_proposer["count"] > 0).sum())
    new = int(round(p.new_share * p.total))
    title = (f"{p.total} {'experiment' if p.total == 1 else 'experiments'} from {parts} "
             f"{'part' if parts == 1 else 'parts'} of the system; {new} try new people or "
             "settings")
    status = ", ".join(f"{lbl.lower()} {c}" for lbl, c in zip(p.by_status["label"],
                                                              p.by_status["count"],
                                                              strict=True) if c)
    proposers = ", ".join(f"{lbl} {c}" for lbl, c in zip(p.by_proposer["label"],
                                                         p.by_proposer["count"],
                                                         strict=True) if c)
    risks = ", ".join(f"{lbl.lower()} {c}" for lbl, c in zip(p.by_risk["label"],
                                                             p.by_risk["count"], strict=True))
    alt = (f"Bar chart of {count_of(p.total, 'experiment')} by whose idea they were "
           f"({proposers}), each bar split by whether they involve new people or a new "
           f"setting. How risky they are: {risks}. Where they are up to: {status}.")
    # A row a part: what its bar draws, then how risky its experiments are (where they
    # are up to is said by the cards above the chart).
    table = pd.DataFrame({
        "Whose idea": list(p.by_proposer["label"]),
        **{NOVELTY[k]: [int(q.by_novelty.set_index("novelty")["count"].get(k, 0))
                        for q in own.values()] for k in NOVELTY},
        **{f"{lbl} risk": [int(q.by_risk.set_index("risk")["count"].get(r, 0))
                           for q in own.values()]
           for r, lbl in zip(p.by_risk["risk"], p.by_risk["label"], strict=True)},
    })
    return Chart(fig, title, alt, table)

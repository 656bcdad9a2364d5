"""The charts of learning: learning health (LE1-LE3), experiment reviews, and the
portfolio of experiments by novelty and risk (EX1, EX3).
"""

from __future__ import annotations

import math
import textwrap

import pandas as pd

from hls_workbook import analysis
from hls_workbook.analysis.portfolio import NOVELTY, RISKS
from hls_workbook.reporting.charts.drawing import (
    GREY,
    KIND_COLOURS,
    LARGE,
    OKABE_ITO,
    ONE_COLOUR,
    SMALL,
    bar_labels,
    legend_above,
    new_figure,
    plain_axes,
    whole_numbers,
)
from hls_workbook.reporting.charts.spec import Chart, nothing_yet
from hls_workbook.reporting.charts.wording import count_of


def learning_chart(learning: pd.DataFrame | analysis.LearningHealth | None,
                   shares: pd.DataFrame | None = None) -> Chart:
    """Left: breakthroughs, disappointments and surprises recorded. Right: how many pieces
    of learning reached each part of the system. A log without disappointments usually
    means they are not being written down, not that there were none. Pass the learning
    and shares tables, or a LearningHealth already worked out."""
    health = learning if isinstance(learning, analysis.LearningHealth) else None
    balance = health.balance if health else analysis.learning_balance(learning)
    total = int(balance["count"].sum())
    if total == 0:
        return nothing_yet("Learning", "learning has been")
    reach = health.reach_by_part if health else analysis.reach_by_part(learning, shares)
    nobody = health.shared_with_nobody if health else int(
        analysis.learning_reach(learning, shares)["shared_with_nobody"].sum())
    fig, (left, right) = new_figure(nrows=2)
    kinds = balance.iloc[::-1]  # horizontal bars: each kind's name on a line of its own
    left.barh(list(kinds["label"]), kinds["count"],
              color=[KIND_COLOURS.get(k, GREY) for k in kinds["kind"]])
    for i, value in enumerate(kinds["count"]):
        left.annotate(f"{value:.0f}", (value, i), va="center", xytext=(3, 0),
                      textcoords="offset points")
    left.set_xlabel("Entries")
    left.set_xlim(0, max(1, float(kinds["count"].max())) * 1.15)
    whole_numbers(left, "x")
    whole_numbers(right, "x")
    left.set_title("What we recorded", fontsize=LARGE)
    # Each bar is named beside it: one colour says it all (a colour per part would make
    # nine in this chart).
    right.barh([textwrap.fill(lbl, 18) for lbl in reach["label"][::-1]],
               reach["learning_reached"][::-1], color=ONE_COLOUR)
    right.set_xlabel("Pieces of learning shared with them")
    right.set_title("Who we shared it with", fontsize=LARGE)
    right.tick_params(axis="y", labelsize=SMALL)
    for ax in (left, right):
        plain_axes(ax)
    counts = balance.set_index("kind")["count"]
    b, d = int(counts.get("breakthrough", 0)), int(counts.get("disappointment", 0))
    if b == d == 0:
        title = (f"No breakthroughs or disappointments recorded yet, "
                 f"{count_of(int(counts.get('surprise', 0)), 'surprise')}")
    elif b > d:
        title = f"More breakthroughs than disappointments recorded: {b} to {d}"
    elif d > b:
        title = f"More disappointments than breakthroughs recorded: {d} to {b}"
    else:
        title = f"As many disappointments as breakthroughs recorded: {b} each"
    reached = ", ".join(f"{lbl} {n}" for lbl, n in zip(reach["label"], reach["learning_reached"],
                                                       strict=True) if n)
    alt = (f"Two bar charts. Left: {count_of(total, 'piece', 'pieces')} of learning: "
           f"{count_of(b, 'breakthrough')}, {count_of(d, 'disappointment')} and "
           f"{count_of(int(counts.get('surprise', 0)), 'surprise')}. Right: how many "
           f"were shared with each part of the system: {reached or 'none yet'}. "
           f"{nobody} {'has' if nobody == 1 else 'have'} not been shared with anyone yet.")
    table = pd.concat([
        balance.assign(group="What we recorded")[["group", "label", "count"]],
        reach.rename(columns={"learning_reached": "count"}).assign(
            group="Shared with")[["group", "label", "count"]],
    ], ignore_index=True).rename(columns={"group": "Group", "label": "Item", "count": "Count"})
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
    fig, (left, right) = new_figure(nrows=2)
    colours = [OKABE_ITO["bluish_green"], OKABE_ITO["orange"], OKABE_ITO["vermillion"]]
    bar_labels(left, left.bar(went["label"], went["count"], color=colours))
    left.set_title("Did it go to plan?", fontsize=LARGE)
    left.set_ylabel("Reviews")
    whole_numbers(left)
    whole_numbers(right)
    steps = {"amplify": OKABE_ITO["bluish_green"], "adapt": OKABE_ITO["orange"],
             "dampen": OKABE_ITO["sky_blue"], "stop": OKABE_ITO["vermillion"]}
    bar_labels(right, right.bar([textwrap.fill(lbl.split(":")[0], 12) for lbl in dec["label"]],
                                 dec["count"], color=[steps.get(a, OKABE_ITO["black"])
                                                      for a in dec["answer"]]))
    right.set_title("What we decided", fontsize=LARGE)
    for ax in (left, right):
        plain_axes(ax)
    not_to_plan = int(went.set_index("answer")["count"].get("partly", 0)
                      + went.set_index("answer")["count"].get("no", 0))
    if n == 0:
        title = (f"No reviews yet: {count_of(waiting, 'finished experiment')} "
                 f"{'is' if waiting == 1 else 'are'} waiting for one")
    else:
        title = (f"{not_to_plan} of {count_of(n, 'review')} found things did not fully go to "
                 "plan: all of it is learning")
        if waiting:
            title += f"; {waiting} waiting for a review"
    median = done["days_to_review"].median()
    alt = (f"Two bar charts of {count_of(n, 'review')} of experiments. Left: did it go to "
           "plan? "
           + ", ".join(f"{lbl} {c}" for lbl, c in zip(went["label"], went["count"],
                                                      strict=True))
           + ". Right: what we decided next: "
           + ", ".join(f"{lbl.split(':')[0].lower()} {c}" for lbl, c in zip(dec["label"],
                                                                            dec["count"],
                                                                            strict=True))
           + "."
           + (f" Reviews came a median of {median:.0f} days after the end."
              if not math.isnan(median) else "")
           + (f" {count_of(waiting, 'finished experiment')} "
              f"{'has' if waiting == 1 else 'have'} no review yet." if waiting else ""))
    table = outcomes[["question", "label", "count"]].replace(
        {"question": {"went_to_plan": "Went to plan", "decision": "What we decided"}}).rename(
        columns={"question": "Question", "label": "Answer", "count": "Reviews"})
    return Chart(fig, title, alt, table)


def portfolio_chart(experiments: pd.DataFrame | analysis.Portfolio | None) -> Chart:
    """Left: experiments by the part of the system that proposed them. Right: risk, split by
    whether they involve new people or a new setting. A spread, not a target. Pass the
    experiment table or a Portfolio."""
    p = experiments if isinstance(experiments, analysis.Portfolio) else (
        analysis.experiment_portfolio(experiments))
    if p.total == 0:
        return nothing_yet("Experiments", "experiments have been")
    fig, (left, right) = new_figure(nrows=2)
    prop = p.by_proposer.iloc[::-1]
    left.barh([textwrap.fill(lbl, 18) for lbl in prop["label"]], prop["count"],
              color=ONE_COLOUR)  # named beside each bar: the colours are kept for the right
    left.set_title("Whose idea", fontsize=LARGE)
    left.set_xlabel("Experiments")
    left.tick_params(axis="y", labelsize=SMALL)
    cross = p.risk_by_novelty.pivot_table(index="risk", columns="novelty", values="count",
                                          aggfunc="sum").reindex(
        index=list(RISKS), columns=list(NOVELTY))
    novelty_colours = [OKABE_ITO["vermillion"], OKABE_ITO["orange"], OKABE_ITO["sky_blue"], GREY]
    bottom = pd.Series(0, index=cross.index)
    for k, colour in zip(cross.columns, novelty_colours, strict=True):
        if not cross[k].fillna(0).sum():
            continue
        right.bar([r.capitalize() for r in cross.index], cross[k], bottom=bottom, color=colour,
                  label=NOVELTY[k])
        bottom = bottom + cross[k]
    right.set_title("How risky, and how new", fontsize=LARGE)
    right.set_ylabel("Experiments")
    whole_numbers(right)
    whole_numbers(left, "x")
    legend_above(right)
    for ax in (left, right):
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
    alt = (f"Two bar charts of {count_of(p.total, 'experiment')}. Left: whose idea they were "
           f"({proposers}). Right: how risky they are ({risks}), split by whether they involve "
           f"new people or a new setting. Where they are up to: {status}.")
    table = pd.concat([
        p.by_proposer.assign(group="Whose idea")[["group", "label", "count"]],
        p.by_risk.assign(group="Risk")[["group", "label", "count"]],
        p.by_novelty.assign(group="New people or setting")[["group", "label", "count"]],
        p.by_status.assign(group="Where it is up to")[["group", "label", "count"]],
    ], ignore_index=True).rename(columns={"group": "Group", "label": "Item",
                                          "count": "Experiments"})
    return Chart(fig, title, alt, table)

"""Learning health (LE1-LE3, EX2, EX4): are we learning, reflecting and sharing?

A healthy learning log holds disappointments as well as breakthroughs, is written soon
after things happen, reaches every part of the system, and closes the loop on experiments
with a review and a decision. "It didn't go to plan" counts as learning, never as failure.
These are signs of a learning habit, not a performance score for a team or a person.

Privacy: this module returns voice ids, never story text. Consent, withdrawal and
redaction are applied by the privacy layer before anything is shown.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from hls_workbook.analysis._common import (
    PART_LABELS,
    PARTS,
    as_list,
    dates,
    empty,
    frame,
    group_lists,
    ids,
    lists_by_row,
    share_table,
    text,
    texts,
)
from hls_workbook.domain.model import LearningKind, NextStep, YesPartlyNo

KINDS: tuple[str, ...] = tuple(k.value for k in LearningKind)


def learning_balance(learning: pd.DataFrame | None) -> pd.DataFrame:
    """How many breakthroughs, disappointments and surprises were recorded.

    Columns: kind, label, count, share (of all entries; NaN when there are none). A log
    with no disappointments usually means they are not being written down, not that
    there were none.
    """
    ldf = frame(learning, "learning")
    counts = ldf["kind_of_learning"].map(text).value_counts().to_dict() if len(ldf) else {}
    return share_table(counts, KINDS, LearningKind.labels(), key="kind")


def reflection_delay(learning: pd.DataFrame | None) -> pd.DataFrame:
    """Days from when something happened to when it was written down, per entry.

    Columns: learning, kind, title, event_on, recorded_on, delay_days. Shorter is better
    for "reflect and respond in real time" (LE2), but a late entry is far better than none.
    """
    ldf = frame(learning, "learning")
    cols = ["learning", "kind", "title", "event_on", "recorded_on", "delay_days"]
    if ldf.empty:
        out = empty(cols)
        return out.astype({"event_on": "datetime64[ns]", "recorded_on": "datetime64[ns]",
                           "delay_days": "float64"})
    ev, rec = dates(ldf["event_on"]), dates(ldf["recorded_on"])
    out = pd.DataFrame({
        "learning": ldf["id"].astype("int64"),
        "kind": ldf["kind_of_learning"].map(text),
        "title": ldf["title"].map(text),
        "event_on": ev,
        "recorded_on": rec,
        "delay_days": (rec - ev).dt.days.astype("float64"),
    })
    return out.sort_values(["event_on", "learning"], kind="stable").reset_index(drop=True)


def learning_reach(learning: pd.DataFrame | None, shares: pd.DataFrame | None) -> pd.DataFrame:
    """Which parts of the system each piece of learning reached (LE1).

    Columns: learning, kind, title, parts_reached (list, in model order), parts_reached_count,
    shared_with_nobody, first_shared_on, days_to_first_share (from when it was recorded).
    Shares pointing at learning not given are ignored.
    """
    ldf = frame(learning, "learning")
    sdf = frame(shares, "share")
    cols = ["learning", "kind", "title", "parts_reached", "parts_reached_count",
            "shared_with_nobody", "first_shared_on", "days_to_first_share"]
    if ldf.empty:
        out = empty(cols)
        return out.astype({"first_shared_on": "datetime64[ns]", "days_to_first_share": "float64"})
    ldf = ldf.sort_values("id", kind="stable").reset_index(drop=True)
    lid = ldf["id"].astype("int64")
    sdf = sdf.assign(learning=ids(sdf["learning"]), shared_on=dates(sdf["shared_on"]),
                     part=texts(sdf["shared_with"]))
    sdf = sdf[sdf["learning"].isin(lid)]
    named = sdf[sdf["part"].notna()]
    extra = sorted(p for p in named["part"].unique() if p not in PARTS)
    reached = pd.crosstab(named["learning"].astype("int64"), named["part"]).reindex(
        index=lid, columns=[*PARTS, *extra], fill_value=0) > 0
    reached.index = ldf.index
    first = sdf.groupby("learning")["shared_on"].min().reindex(lid).to_numpy()
    count = reached.sum(axis=1).astype("int64")
    out = pd.DataFrame({
        "learning": lid,
        "kind": list(texts(ldf["kind_of_learning"])),
        "title": list(texts(ldf["title"])),
        "parts_reached": lists_by_row(reached),
        "parts_reached_count": count,
        "shared_with_nobody": count == 0,
        "first_shared_on": first,
        "days_to_first_share": (pd.Series(first, index=ldf.index).astype("datetime64[ns]")
                                - dates(ldf["recorded_on"])).dt.days,
    }, columns=cols)
    out["first_shared_on"] = out["first_shared_on"].astype("datetime64[ns]")
    out["days_to_first_share"] = out["days_to_first_share"].astype("float64")
    return out


def reach_by_part(learning: pd.DataFrame | None, shares: pd.DataFrame | None) -> pd.DataFrame:
    """For each of the six parts: part, label, learning_reached (entries shared with it)
    and share (of all entries; NaN when there is no learning)."""
    return _reach_by_part(learning_reach(learning, shares))


def _reach_by_part(reach: pd.DataFrame) -> pd.DataFrame:
    counts = reach["parts_reached"].explode().dropna().value_counts().to_dict()
    out = share_table(counts, PARTS, PART_LABELS, key="part", value="learning_reached",
                      denominator=len(reach))
    out["learning_reached"] = out["learning_reached"].astype("int64")
    return out


def experiment_reviews(
    experiments: pd.DataFrame | None, reviews: pd.DataFrame | None
) -> pd.DataFrame:
    """Every experiment that has ended or stopped, or has a review: did we look back?

    Columns: experiment, title, status, end_on, reviews (how many), reviewed,
    first_reviewed_on, days_to_review (from the end to the first review; NaN without an
    end date or a review), went_to_plan and decision (from the latest review), and
    needs_review (ended or stopped, with no review yet). A review of an experiment that
    did not go to plan is learning, and is exactly what the review is for (EX2).
    """
    e = frame(experiments, "experiment")
    r = frame(reviews, "review")
    cols = ["experiment", "title", "status", "end_on", "reviews", "reviewed",
            "first_reviewed_on", "days_to_review", "went_to_plan", "decision", "needs_review"]
    r = r.assign(experiment=ids(r["experiment"]), reviewed_on=dates(r["reviewed_on"]))
    r = r.sort_values(["reviewed_on", "id"], na_position="first", kind="stable")
    e = e.sort_values("id", kind="stable").reset_index(drop=True)
    by_exp = r[r["experiment"].notna()].assign(
        experiment=lambda d: d["experiment"].astype("int64")).groupby("experiment")
    n_reviews = by_exp.size().reindex(e["id"].astype("int64"), fill_value=0).to_numpy()
    finished = texts(e["status"]).isin(["ended", "stopped"]).to_numpy()
    # Only experiments that have finished or been reviewed (chosen before the columns are
    # built, so that each column's type comes from the rows shown).
    shown = finished | (n_reviews > 0)
    e, n_reviews, finished = e[shown].reset_index(drop=True), n_reviews[shown], finished[shown]
    eid = e["id"].astype("int64")
    first = by_exp["reviewed_on"].min().reindex(eid).to_numpy()
    latest = by_exp.tail(1).set_index("experiment").reindex(eid)  # the last in date order
    end = dates(e["end_on"])
    out = pd.DataFrame({
        "experiment": eid,
        "title": list(texts(e["title"])),
        "status": list(texts(e["status"])),
        "end_on": end,
        "reviews": n_reviews.astype("int64"),
        "reviewed": n_reviews > 0,
        "first_reviewed_on": first,
        "days_to_review": (pd.Series(first).astype("datetime64[ns]") - end).dt.days,
        "went_to_plan": list(texts(latest["went_to_plan"])),
        "decision": list(texts(latest["decision"])),
        "needs_review": finished & (n_reviews == 0),
    }, columns=cols) if len(e) else empty(cols)
    out["end_on"] = out["end_on"].astype("datetime64[ns]")
    out["first_reviewed_on"] = out["first_reviewed_on"].astype("datetime64[ns]")
    out["days_to_review"] = out["days_to_review"].astype("float64")
    for c in ("reviewed", "needs_review"):
        out[c] = out[c].astype(bool)
    return out


def review_outcomes(reviews: pd.DataFrame | None) -> pd.DataFrame:
    """Counts of every review's answers: did it go to plan, and what we decided next.

    Long form: question ("went_to_plan" or "decision"), answer, label, count, share.
    "No" and "partly" are learning, not failure; "stop" means we learned what we needed.
    """
    r = frame(reviews, "review")
    parts = []
    for question, enum in (("went_to_plan", YesPartlyNo), ("decision", NextStep)):
        counts = r[question].map(text).value_counts().to_dict() if len(r) else {}
        t = share_table(counts, [c.value for c in enum], enum.labels(), key="answer")
        t.insert(0, "question", question)
        parts.append(t)
    return pd.concat(parts, ignore_index=True)


def amplified(learning: pd.DataFrame | None, voices: pd.DataFrame | None = None) -> pd.DataFrame:
    """Learning marked to amplify and celebrate (LE3), with the voices behind it.

    Columns: learning, kind, title, event_on, experiment, voices (list of voice ids),
    voice_count, storyteller_roles (the roles of those voices, when `voices` is given).
    No story text is included: show stories only through the privacy layer, which
    honours consent and withdrawal.
    """
    ldf = frame(learning, "learning")
    cols = ["learning", "kind", "title", "event_on", "experiment", "voices", "voice_count",
            "storyteller_roles"]
    flags = ldf["amplify"].astype("object").where(texts(ldf["amplify"]).notna(), False)
    ldf = ldf[flags.astype(bool)] if len(ldf) else ldf
    ldf = ldf.sort_values(["event_on", "id"], kind="stable").reset_index(drop=True)
    roles = pd.Series(dtype="object")
    if voices is not None:
        v = frame(voices, "voice")
        roles = pd.Series(texts(v["storyteller_role"]).fillna("other").to_numpy(),
                          index=v["id"].astype("int64").to_numpy(), dtype="object")
        roles = roles[~roles.index.duplicated(keep="last")]
    vids = ldf["voices"].map(as_list).explode().dropna()
    vids = vids.astype("int64") if len(vids) else pd.Series(dtype="int64")
    known = vids.map(roles).dropna() if len(vids) else pd.Series(dtype="object")
    out = pd.DataFrame({
        "learning": ldf["id"].astype("int64"),
        "kind": list(texts(ldf["kind_of_learning"])),
        "title": list(texts(ldf["title"])),
        "event_on": ldf["event_on"],
        "experiment": ldf["experiment"],
        "voices": group_lists(vids, ldf.index),
        "voice_count": vids.groupby(level=0).size().reindex(ldf.index, fill_value=0),
        "storyteller_roles": group_lists(known, ldf.index),
    }, columns=cols) if len(ldf) else empty(cols)
    out["event_on"] = dates(out["event_on"])
    out["experiment"] = ids(out["experiment"])
    out["voice_count"] = out["voice_count"].astype("int64")
    return out


@dataclass(frozen=True, eq=False)
class LearningHealth:
    """All the learning-health figures in one object. See each function for the columns."""

    balance: pd.DataFrame
    delays: pd.DataFrame
    median_delay_days: float
    reach: pd.DataFrame
    reach_by_part: pd.DataFrame
    shared_with_nobody: int
    reviews: pd.DataFrame
    needs_review: int
    median_days_to_review: float
    outcomes: pd.DataFrame
    #: Reviews where it went only partly or not at all to plan: counted as learning.
    not_to_plan: int
    #: Decisions made in reviews, e.g. {"amplify": 3, "adapt": 2, "dampen": 0, "stop": 1}.
    decisions: dict[str, int]
    amplified: pd.DataFrame
    sentence: str


def learning_health(
    learning: pd.DataFrame | None,
    shares: pd.DataFrame | None = None,
    experiments: pd.DataFrame | None = None,
    reviews: pd.DataFrame | None = None,
    voices: pd.DataFrame | None = None,
) -> LearningHealth:
    """Every learning-health figure at once, with a plain sentence.

    The sentence counts breakthroughs and disappointments, and says how many
    reviews found things did not go to plan: that is learning too.
    """
    balance = learning_balance(learning)
    delays = reflection_delay(learning)
    reach = learning_reach(learning, shares)
    rev = experiment_reviews(experiments, reviews)
    outcomes = review_outcomes(reviews)
    went = outcomes[outcomes["question"] == "went_to_plan"].set_index("answer")["count"]
    dec = outcomes[outcomes["question"] == "decision"].set_index("answer")["count"]
    not_to_plan = int(went.get("partly", 0) + went.get("no", 0))
    counts = balance.set_index("kind")["count"]
    return LearningHealth(
        balance=balance,
        delays=delays,
        median_delay_days=float(delays["delay_days"].median()) if len(delays) else math.nan,
        reach=reach,
        reach_by_part=_reach_by_part(reach),
        shared_with_nobody=int(reach["shared_with_nobody"].astype(bool).sum()),
        reviews=rev,
        needs_review=int(rev["needs_review"].sum()),
        median_days_to_review=float(rev["days_to_review"].median())
        if rev["days_to_review"].notna().any() else math.nan,
        outcomes=outcomes,
        not_to_plan=not_to_plan,
        decisions={k: int(v) for k, v in dec.items()},
        amplified=amplified(learning, voices),
        sentence=_learning_sentence(counts, not_to_plan, int(rev["needs_review"].sum())),
    )


def _learning_sentence(counts: pd.Series, not_to_plan: int, needs_review: int) -> str:
    total = int(counts.sum())
    if total == 0 and not_to_plan == 0 and needs_review == 0:
        return "No learning has been recorded yet."

    def n(k: str, one: str, many: str) -> str:
        c = int(counts.get(k, 0))
        return f"{c} {one if c == 1 else many}"

    parts = [f"We recorded {n('breakthrough', 'breakthrough', 'breakthroughs')}, "
             f"{n('disappointment', 'disappointment', 'disappointments')} and "
             f"{n('surprise', 'surprise', 'surprises')}."]
    if not_to_plan:
        parts.append(f"{not_to_plan} {'review' if not_to_plan == 1 else 'reviews'} found "
                     "things did not fully go to plan: that is learning too.")
    if needs_review:
        what = "experiment is" if needs_review == 1 else "experiments are"
        parts.append(f"{needs_review} finished {what} waiting for a review.")
    return " ".join(parts)

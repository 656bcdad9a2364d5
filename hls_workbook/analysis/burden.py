"""The bureaucracy audit (LB2): what funding paperwork costs, and what could be stripped.

The method is NPC's: staff hours a year × staff cost an hour ÷ grant value. NPC found that
reporting to funders cost charities about 4.5% of each grant on average, and up to 9%
(16 Scottish charities, 2008); a study in England found about 6%. Use these figures to
start a conversation with funders about proportion, not to blame the people who ask or
the people who answer.

Rules: a requirement with no hours recorded is "unknown", never zero, and totals say how
many are unknown; a grant of zero or no grant value gives a share of NaN, never infinity.
A grant is what one funder gives one organisation: requirements with the same funder and
organisation share one grant, and its value is the largest value given on any of them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from hls_workbook.analysis._common import empty, frame, num, texts
from hls_workbook.domain.model import BurdenAction

KNOWN = "known"
UNKNOWN = "unknown"

_ITEM_COLUMNS = [
    "id", "requirement", "funder", "organisation", "frequency_per_year", "hours_each",
    "hours_a_year", "hours_status", "staff_cost_per_hour", "cost_a_year", "grant_value",
    "share_of_grant", "used_in_decisions", "never_used", "duplicate", "duplicate_of",
    "ivar_commitment", "proposed_action",
]
_FUNDER_COLUMNS = ["funder", "requirements", "hours_a_year", "hours_unknown", "cost_a_year",
                   "grant_value", "share_of_grant"]
_STRIP_COLUMNS = ["rank", "id", "requirement", "funder", "organisation", "suggested_action",
                  "suggested_label", "proposed_action", "action", "action_label", "action_by",
                  "why", "reasons", "hours_a_year", "hours_status", "hours_freed", "cost_freed"]


def burden_items(burden: pd.DataFrame | None) -> pd.DataFrame:
    """One row per requirement with its hours, cost and share of grant.

    Columns: id, requirement, funder, organisation, frequency_per_year, hours_each,
    hours_a_year (frequency × hours each; NaN when hours are not known), hours_status
    ("known" or "unknown"), staff_cost_per_hour, cost_a_year (hours × cost an hour; NaN
    when either is unknown), grant_value (of the grant it belongs to), share_of_grant
    (cost ÷ grant value; NaN when the grant is zero or unknown), used_in_decisions,
    never_used (True when the answers are never used in a decision), duplicate (True when
    it repeats what another funder asks: marked "same as", or the same words asked by an
    earlier-recorded funder), duplicate_of, ivar_commitment, proposed_action.

    Hours are the team's estimates: good enough to compare requirements and to talk to a
    funder about proportion, not an invoice or a measure of anyone's efficiency.
    """
    b = frame(burden, "burden")
    if b.empty:
        out = empty(_ITEM_COLUMNS)
        return out.astype({c: "float64" for c in (
            "frequency_per_year", "hours_each", "hours_a_year", "staff_cost_per_hour",
            "cost_a_year", "grant_value", "share_of_grant")})
    b = b.sort_values("id", kind="stable").reset_index(drop=True)
    out = pd.DataFrame({
        "id": b["id"].astype("int64"),
        "requirement": list(texts(b["requirement"]).fillna("")),
        "funder": list(texts(b["funder"]).fillna("Not given")),
        "organisation": list(texts(b["organisation"]).fillna("Not given")),
        "frequency_per_year": num(b["frequency_per_year"]),
        "hours_each": num(b["hours_each"]),
    })
    out["hours_a_year"] = out["frequency_per_year"] * out["hours_each"]
    out["hours_status"] = list(np.where(out["hours_a_year"].notna(), KNOWN, UNKNOWN))
    out["staff_cost_per_hour"] = num(b["staff_cost_per_hour"])
    out["cost_a_year"] = out["hours_a_year"] * out["staff_cost_per_hour"]
    grant = num(b["grant_value"])
    grant_of = grant.groupby([out["funder"], out["organisation"]]).transform("max")
    out["grant_value"] = grant_of
    out["share_of_grant"] = (out["cost_a_year"] / grant_of).where(grant_of > 0)
    out["used_in_decisions"] = list(texts(b["used_in_decisions"]))
    out["never_used"] = out["used_in_decisions"].eq("no")
    out["duplicate_of"] = list(texts(b["duplicate_of"]))
    # The same words (ignoring case and spacing) asked by a funder other than the first
    # one recorded asking them.
    key = (out["requirement"].astype(str).str.casefold()
           .str.replace(r"\s+", " ", regex=True).str.strip())
    first_funder = out["funder"].groupby(key).transform("first")
    out["duplicate"] = (out["duplicate_of"].notna()
                        | ((key != "") & (first_funder != out["funder"]))).astype(bool)
    out["ivar_commitment"] = list(texts(b["ivar_commitment"]))
    out["proposed_action"] = list(texts(b["proposed_action"]))
    return out[_ITEM_COLUMNS]


def burden_by_funder(burden: pd.DataFrame | None) -> pd.DataFrame:
    """Per funder: funder, requirements, hours_a_year (known hours only), hours_unknown
    (requirements whose hours are not known: the real total is higher), cost_a_year,
    grant_value (sum of its grants) and share_of_grant (cost of requirements whose grant
    value is known ÷ those grants; NaN when no grant value is known). Sorted by hours.
    A funder with a large grant may ask for more; compare the share of grant, not hours
    alone, and never rank funders publicly without talking to them first."""
    items = burden_items(burden)
    if items.empty:
        return empty(_FUNDER_COLUMNS).astype({c: "float64" for c in (
            "hours_a_year", "cost_a_year", "grant_value", "share_of_grant")})
    out = _totals(items, by="funder")
    return out.sort_values(["hours_a_year", "funder"], ascending=[False, True],
                           kind="stable").reset_index(drop=True)


def _totals(items: pd.DataFrame, by: str | None = None) -> pd.DataFrame:
    """Requirements, hours (known and unknown), cost and share of grant, per `by` (every
    funder at once) or for all the items together (one row)."""
    keys = items[by] if by else pd.Series("all", index=items.index)
    grouped = items.groupby(keys, sort=False)
    grants = items.drop_duplicates(["funder", "organisation"])
    grants = grants[grants["grant_value"] > 0]
    grant_total = grants.groupby(keys[grants.index], sort=False)["grant_value"].sum()
    with_grant = items[items["grant_value"] > 0]
    granted_cost = with_grant.groupby(keys[with_grant.index], sort=False)["cost_a_year"].sum(
        min_count=1)
    order = grouped.size().index
    grant_total = grant_total.reindex(order)
    out = pd.DataFrame({
        "requirements": grouped.size().astype("int64"),
        "hours_a_year": grouped["hours_a_year"].sum().astype("float64"),
        "hours_unknown": items["hours_a_year"].isna().groupby(keys, sort=False).sum()
        .astype("int64"),
        "cost_a_year": grouped["cost_a_year"].sum(min_count=1).astype("float64"),
        "grant_value": grant_total.astype("float64"),
        "share_of_grant": (granted_cost.reindex(order) / grant_total).astype("float64"),
    })
    out.index.name = by or "all"
    out = out.reset_index()
    return out[_FUNDER_COLUMNS] if by == "funder" else out


def burden_totals(items: pd.DataFrame) -> dict[str, float | int]:
    """Requirements, hours_a_year, hours_unknown, cost_a_year, grant_value and
    share_of_grant of the rows of :func:`burden_items` given, together (zero requirements
    when there are none)."""
    if items.empty:
        return {"requirements": 0, "hours_a_year": 0.0, "hours_unknown": 0,
                "cost_a_year": math.nan, "grant_value": math.nan, "share_of_grant": math.nan}
    row = _totals(items).iloc[0]
    return {k: row[k] for k in ("requirements", "hours_a_year", "hours_unknown",
                                "cost_a_year", "grant_value", "share_of_grant")}


def strip_list(burden: pd.DataFrame | None) -> pd.DataFrame:
    """The strip list: requirements to stop, share or simplify, ranked by hours freed.

    A requirement is on the list when its answers are never used in decisions (suggested:
    stop), when it repeats what another funder asks (suggested: share one answer), or when
    the team proposed to stop, share or simplify it.

    What is proposed for each is said once, in ``action``: the team's proposal where there
    is one, else the suggestion; ``action_label`` says it in words, ``action_by`` whose it
    is ("the team" or "suggested") and ``why`` why, in a sentence. Every table and chart
    of the strip list reads these columns, so they never disagree. hours_freed follows
    ``action``: all of its hours for stop and share; for simplify NaN (it frees some hours;
    how many depends on the new form); none for keep. Unknown hours rank last.

    Columns: rank, id, requirement, funder, organisation, suggested_action (stop, share or
    simplify), suggested_label (its words, e.g. "Stop asking for it"), proposed_action
    (what the team proposed, if anything), action, action_label, action_by, why, reasons
    (the facts behind the suggestion, and the team's proposal), hours_a_year,
    hours_status, hours_freed, cost_freed. A suggestion to talk over with the funder, not
    a verdict.
    """
    items = burden_items(burden)
    proposed = items["proposed_action"]
    proposed_cut = proposed.isin(["stop", "share", "simplify"])
    never, dup = items["never_used"].astype(bool), items["duplicate"].astype(bool)
    listed = never | dup | proposed_cut
    if not listed.any():
        return empty(_STRIP_COLUMNS).astype({"hours_freed": "float64", "cost_freed": "float64",
                                             "hours_a_year": "float64"})
    items, proposed, proposed_cut = items[listed], proposed[listed], proposed_cut[listed]
    never, dup = never[listed], dup[listed]
    action = pd.Series(np.where(never, "stop", np.where(dup, "share", proposed.astype(object))),
                       index=items.index, dtype="object")
    reasons = pd.Series(np.where(never, "never used in decisions", ""), index=items.index)
    for more in (np.where(dup, "another funder asks for the same", ""),
                 np.where(proposed_cut, "the team proposed: " + proposed.fillna("").astype(str),
                          "")):
        reasons = reasons.where(more == "", reasons.where(reasons == "", reasons + "; ") + more)
    labels = BurdenAction.labels()
    by_team = proposed.isin(list(labels))
    chosen = proposed.where(by_team, action).astype(object)
    facts = pd.Series(np.where(never, "its answers are never used in decisions", ""),
                      index=items.index, dtype=object)
    facts = facts.where(~dup, facts.where(facts == "", facts + " and ")
                        + "another funder asks for the same")
    why = pd.Series(np.where(
        by_team,
        np.where(facts != "", "The team proposed it; " + facts + ".", "The team proposed it."),
        "Suggested because " + facts + "."), index=items.index, dtype=object)
    freed = items["hours_a_year"].where(chosen.isin(["stop", "share"]),
                                        np.where(chosen == "keep", 0.0, np.nan))
    out = pd.DataFrame({
        "id": items["id"], "requirement": items["requirement"], "funder": items["funder"],
        "organisation": items["organisation"], "suggested_action": list(action),
        "suggested_label": list(action.map(labels).where(action.isin(labels), action)),
        "proposed_action": list(proposed), "action": list(chosen),
        "action_label": list(chosen.map(labels).where(chosen.isin(labels), chosen)),
        "action_by": list(np.where(by_team, "the team", "suggested")),
        "why": list(why), "reasons": list(reasons),
        "hours_a_year": items["hours_a_year"], "hours_status": items["hours_status"],
        "hours_freed": freed, "cost_freed": freed * items["staff_cost_per_hour"],
    })
    out = out.sort_values(["hours_freed", "hours_a_year", "id"], ascending=[False, False, True],
                          na_position="last", kind="stable").reset_index(drop=True)
    out["rank"] = range(1, len(out) + 1)
    for c in ("hours_a_year", "hours_freed", "cost_freed"):
        out[c] = out[c].astype("float64")
    return out[_STRIP_COLUMNS]


@dataclass(frozen=True, eq=False)
class BurdenAudit:
    """The whole bureaucracy audit: items, per funder, duplicates, unused, strip list, totals.

    ``share_of_grant`` compares with NPC's finding of about 4.5% of a grant on average,
    up to 9%. ``hours_unknown`` > 0 means the hours and cost are lower bounds.
    """

    items: pd.DataFrame
    by_funder: pd.DataFrame
    duplicates: pd.DataFrame
    never_used: pd.DataFrame
    strip_list: pd.DataFrame
    requirements: int
    hours_a_year: float
    hours_unknown: int
    cost_a_year: float
    grant_value: float
    share_of_grant: float
    hours_freed: float
    sentence: str


def burden_audit(burden: pd.DataFrame | None) -> BurdenAudit:
    """Run the whole audit (NPC method: hours × cost an hour ÷ grant value).

    NPC found reporting cost about 4.5% of a grant on average, and up to 9%. The sentence
    says, in plain words, how many hours and how much of the grants the paperwork takes.
    """
    items = burden_items(burden)
    totals = burden_totals(items)
    strip = strip_list(burden)
    freed = float(strip["hours_freed"].sum()) if len(strip) else 0.0
    dup_cols = ["id", "requirement", "funder", "organisation", "duplicate_of", "hours_a_year",
                "hours_status"]
    unused_cols = ["id", "requirement", "funder", "organisation", "hours_a_year",
                   "hours_status", "cost_a_year"]
    return BurdenAudit(
        items=items,
        by_funder=burden_by_funder(burden),
        duplicates=items.loc[items["duplicate"].astype(bool), dup_cols].reset_index(drop=True),
        never_used=items.loc[items["never_used"].astype(bool), unused_cols].reset_index(
            drop=True),
        strip_list=strip,
        requirements=int(totals["requirements"]),
        hours_a_year=float(totals["hours_a_year"]),
        hours_unknown=int(totals["hours_unknown"]),
        cost_a_year=float(totals["cost_a_year"]),
        grant_value=float(totals["grant_value"]),
        share_of_grant=float(totals["share_of_grant"]),
        hours_freed=freed,
        sentence=_burden_sentence(totals, freed),
    )


def _burden_sentence(totals: dict[str, float | int | str], freed: float) -> str:
    n = int(totals["requirements"])
    if n == 0:
        return "No funding requirements have been recorded yet."
    hours = float(totals["hours_a_year"])
    unknown = int(totals["hours_unknown"])
    at_least = "at least " if unknown else ""
    what = "requirement" if n == 1 else "requirements"
    sentence = f"{n} funding {what} take {at_least}{hours:,.0f} staff hours a year"
    share = float(totals["share_of_grant"])
    if not math.isnan(share):
        sentence += (f", {at_least}{share * 100:.1f}% of the grants (New Philanthropy Capital "
                     "found 4.5% on average)")
    sentence += "."
    if unknown:
        sentence += (f" Hours are not known for {unknown} of them." if unknown > 1
                     else " Hours are not known for one of them.")
    if freed > 0:
        sentence += f" The strip list would free {freed:,.0f} hours a year."
    return sentence

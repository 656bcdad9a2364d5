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
import re
from dataclasses import dataclass

import pandas as pd

from ..model import BurdenAction
from ._common import empty, frame, num, text

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
                  "suggested_label", "proposed_action", "reasons", "hours_a_year", "hours_status",
                  "hours_freed", "cost_freed"]


def _norm(value: str | None) -> str:
    return re.sub(r"\s+", " ", (value or "").casefold()).strip()


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
        "requirement": [text(v) or "" for v in b["requirement"]],
        "funder": [text(v) or "Not given" for v in b["funder"]],
        "organisation": [text(v) or "Not given" for v in b["organisation"]],
        "frequency_per_year": num(b["frequency_per_year"]),
        "hours_each": num(b["hours_each"]),
    })
    out["hours_a_year"] = out["frequency_per_year"] * out["hours_each"]
    out["hours_status"] = [KNOWN if pd.notna(h) else UNKNOWN for h in out["hours_a_year"]]
    out["staff_cost_per_hour"] = num(b["staff_cost_per_hour"])
    out["cost_a_year"] = out["hours_a_year"] * out["staff_cost_per_hour"]
    grant = num(b["grant_value"])
    grant_of = grant.groupby([out["funder"], out["organisation"]]).transform("max")
    out["grant_value"] = grant_of
    out["share_of_grant"] = (out["cost_a_year"] / grant_of).where(grant_of > 0)
    out["used_in_decisions"] = [text(v) for v in b["used_in_decisions"]]
    out["never_used"] = out["used_in_decisions"].eq("no")
    out["duplicate_of"] = [text(v) for v in b["duplicate_of"]]
    first_funder: dict[str, str] = {}
    dup = []
    for req, funder, same in zip(out["requirement"], out["funder"], out["duplicate_of"],
                                 strict=True):
        key = _norm(req)
        earlier = first_funder.setdefault(key, funder)
        dup.append(text(same) is not None or (bool(key) and earlier != funder))
    out["duplicate"] = dup
    out["ivar_commitment"] = [text(v) for v in b["ivar_commitment"]]
    out["proposed_action"] = [text(v) for v in b["proposed_action"]]
    return out[_ITEM_COLUMNS]


def burden_by_funder(burden: pd.DataFrame | None) -> pd.DataFrame:
    """Per funder: funder, requirements, hours_a_year (known hours only), hours_unknown
    (requirements whose hours are not known: the real total is higher), cost_a_year,
    grant_value (sum of its grants) and share_of_grant (cost of requirements whose grant
    value is known ÷ those grants; NaN when no grant value is known). Sorted by hours.
    A funder with a large grant may ask for more; compare the share of grant, not hours
    alone, and never rank funders publicly without talking to them first."""
    items = burden_items(burden)
    rows = [_totals(g, funder=str(f)) for f, g in items.groupby("funder", sort=False)]
    if not rows:
        return empty(_FUNDER_COLUMNS).astype({c: "float64" for c in (
            "hours_a_year", "cost_a_year", "grant_value", "share_of_grant")})
    out = pd.DataFrame(rows, columns=_FUNDER_COLUMNS)
    return out.sort_values(["hours_a_year", "funder"], ascending=[False, True],
                           kind="stable").reset_index(drop=True)


def _totals(items: pd.DataFrame, **extra: str) -> dict[str, float | int | str]:
    hours = items["hours_a_year"]
    cost = items["cost_a_year"]
    grants = items.drop_duplicates(["funder", "organisation"])
    grants = grants[grants["grant_value"] > 0]
    grant_total = float(grants["grant_value"].sum()) if len(grants) else math.nan
    with_grant = items[items["grant_value"] > 0]["cost_a_year"]
    share = (float(with_grant.sum()) / grant_total
             if len(grants) and with_grant.notna().any() else math.nan)
    return {
        **extra,
        "requirements": int(len(items)),
        "hours_a_year": float(hours.sum()),
        "hours_unknown": int(hours.isna().sum()),
        "cost_a_year": float(cost.sum()) if cost.notna().any() else math.nan,
        "grant_value": grant_total,
        "share_of_grant": share,
    }


def strip_list(burden: pd.DataFrame | None) -> pd.DataFrame:
    """The strip list: requirements to stop, share or simplify, ranked by hours freed.

    A requirement is on the list when its answers are never used in decisions (suggested:
    stop), when it repeats what another funder asks (suggested: share one answer), or when
    the team proposed to stop, share or simplify it. hours_freed is all of its hours for
    stop and share; for simplify it is NaN (it frees some hours; how many depends on the
    new form). Unknown hours rank last. Columns: rank, id, requirement, funder,
    organisation, suggested_action (stop, share or simplify), suggested_label (its
    words, e.g. "Stop asking for it"), proposed_action (what the team proposed, if
    anything), reasons, hours_a_year, hours_status, hours_freed, cost_freed. A suggestion
    to talk over with the funder, not a verdict.
    """
    items = burden_items(burden)
    rows = []
    for _, r in items.iterrows():
        reasons = []
        if r["never_used"]:
            reasons.append("never used in decisions")
        if r["duplicate"]:
            reasons.append("another funder asks for the same")
        proposed = r["proposed_action"]
        if proposed in ("stop", "share", "simplify"):
            reasons.append(f"the team proposed: {proposed}")
        if not reasons:
            continue
        if r["never_used"]:
            action = "stop"
        elif r["duplicate"]:
            action = "share"
        else:
            action = proposed
        freed = r["hours_a_year"] if action in ("stop", "share") else math.nan
        rows.append({
            "id": r["id"], "requirement": r["requirement"], "funder": r["funder"],
            "organisation": r["organisation"], "suggested_action": action,
            "suggested_label": BurdenAction.labels().get(action, action),
            "proposed_action": proposed, "reasons": "; ".join(reasons),
            "hours_a_year": r["hours_a_year"], "hours_status": r["hours_status"],
            "hours_freed": freed,
            "cost_freed": freed * r["staff_cost_per_hour"] if pd.notna(freed) else math.nan,
        })
    if not rows:
        return empty(_STRIP_COLUMNS).astype({"hours_freed": "float64", "cost_freed": "float64",
                                             "hours_a_year": "float64"})
    out = pd.DataFrame(rows)
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
    totals = _totals(items)
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
        sentence += f", {at_least}{share * 100:.1f}% of the grants (NPC found 4.5% on average)"
    sentence += "."
    if unknown:
        sentence += (f" Hours are not known for {unknown} of them." if unknown > 1
                     else " Hours are not known for one of them.")
    if freed > 0:
        sentence += f" The strip list would free {freed:,.0f} hours a year."
    return sentence

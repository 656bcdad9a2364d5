"""A funder conversation pack: one funder's paperwork, set beside what the sector knows.

Pure functions over the burden table (``model.BurdenItem``), built on :mod:`.burden`:

- what the funder's requirements cost, in staff hours and as a share of its grants,
  against NPC's published figure (about 4.5% of a grant on average, up to 9%; 16
  Scottish charities, 2008) and the Center for Effective Philanthropy's (about 8 hours
  a year per grant);
- questions that other funders ask too: two requirements of different funders whose
  words mostly overlap (:func:`similar_requirements`);
- each requirement mapped to one of IVAR's eight "open and trusting" commitments
  (:func:`ivar_mapping`, with the rule written down);
- the strip list, for this funder, with the hours each change would free;
- the change since a year ago, when the records of a year ago are given.

Everything is a prompt for a conversation with the funder about proportion, never a
verdict on the people who ask or the people who answer.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import combinations

import pandas as pd

from hls_workbook.analysis._common import empty, frame, texts
from hls_workbook.analysis.burden import burden_items, burden_totals, strip_list
from hls_workbook.domain.model import IvarCommitment

#: NPC: reporting to funders costs charities about 4.5% of each grant on average, up to
#: 9% (16 Scottish charities, 2008). Method: staff hours x cost an hour / grant value.
SECTOR_SHARE = 0.045
SECTOR_SHARE_HIGH = 0.09
#: Center for Effective Philanthropy: about 8 hours a year per grant.
SECTOR_HOURS_PER_GRANT = 8.0
SECTOR_SOURCE = ("NPC found that reporting to funders costs charities about 4.5% of each "
                 "grant on average, and up to 9% (16 Scottish charities, 2008); the Center "
                 "for Effective Philanthropy found about 8 hours a year per grant.")
IVAR_SOURCE = ("IVAR's 'open and trusting' commitments, made by more than 100 UK funders: "
               "don't waste time; ask relevant questions; accept risk; act with urgency; "
               "be open; be flexible; communicate with purpose; be proportionate.")

#: Two requirements ask the same thing when this share of their words is shared.
SIMILAR_AT = 0.5
#: More often than this a year, a requirement is mapped to "Be proportionate".
OFTEN = 4

#: Small words that say nothing about what is asked.
_STOP_WORDS = ("a an and any are as at be by each every for from how in into is it its of on "
               "or our per the their this to up we what which who with you your")
_STOP = frozenset(_STOP_WORDS.split())

SIMILAR_COLUMNS = ["id", "requirement", "funder", "other_id", "other_requirement",
                   "other_funder", "similarity", "shared_words"]
MAPPING_COLUMNS = ["id", "requirement", "funder", "commitment", "commitment_label",
                   "mapped_by", "why"]
CHANGE_COLUMNS = ["measure", "a_year_ago", "now", "change"]

#: The mapping rule, in the order it is applied (the first that fits decides).
MAPPING_RULE = (
    "the commitment the team chose for the requirement, where it chose one; else",
    "its answers are never used in a decision: Ask relevant questions;",
    "another funder asks the same: Don't waste time;",
    f"asked more than {OFTEN} times a year: Be proportionate;",
    "otherwise: Communicate with purpose (say what the answers are for).",
)


def words(text: object) -> frozenset[str]:
    """The words of a requirement that carry its meaning: lower case, no punctuation, no
    small words, a plural 's' taken off ("Quarterly Returns" -> {quarterly, return})."""
    out = set()
    for w in re.findall(r"[a-z0-9]+", str(text or "").casefold()):
        if w in _STOP:
            continue
        if len(w) > 3 and w.endswith("s") and not w.endswith("ss"):
            w = w[:-1]
        out.add(w)
    return frozenset(out)


def similarity(a: object, b: object) -> float:
    """The share of the two requirements' words they have in common (shared words / all
    their words, Jaccard): 1 for the same words, 0 for none in common."""
    wa, wb = words(a), words(b)
    if not wa or not wb:
        return 0.0
    return len(wa & wb) / len(wa | wb)


def similar_requirements(burden: pd.DataFrame | None, *, at: float = SIMILAR_AT
                         ) -> pd.DataFrame:
    """Pairs of requirements of different funders that ask the same thing of the team.

    Two requirements are the same question when at least ``at`` (a half) of their words
    are shared (:func:`similarity`). Each pair is listed both ways round, so that one
    funder's rows can be picked out. Columns: id, requirement, funder, other_id,
    other_requirement, other_funder, similarity (0-1), shared_words (the words in common,
    comma-separated: the reason, in plain sight).
    """
    items = burden_items(burden)
    rows = []
    records = items[["id", "requirement", "funder"]].to_dict("records")
    for a, b in combinations(records, 2):
        if str(a["funder"]).casefold() == str(b["funder"]).casefold():
            continue
        score = similarity(a["requirement"], b["requirement"])
        if score < at:
            continue
        shared = ", ".join(sorted(words(a["requirement"]) & words(b["requirement"])))
        for x, y in ((a, b), (b, a)):
            rows.append({"id": int(x["id"]), "requirement": x["requirement"],
                         "funder": x["funder"], "other_id": int(y["id"]),
                         "other_requirement": y["requirement"], "other_funder": y["funder"],
                         "similarity": round(score, 2), "shared_words": shared})
    if not rows:
        return empty(SIMILAR_COLUMNS).astype({"similarity": "float64"})
    out = pd.DataFrame(rows, columns=SIMILAR_COLUMNS)
    return out.sort_values(["funder", "id", "similarity"], ascending=[True, True, False],
                           kind="stable").reset_index(drop=True)


def with_duplicates(burden: pd.DataFrame | None, *, at: float = SIMILAR_AT) -> pd.DataFrame:
    """The burden table with ``duplicate_of`` filled in ("requirement (funder)") wherever
    another funder asks the same thing (:func:`similar_requirements`), so that the strip
    list suggests sharing one answer for both."""
    b = frame(burden, "burden")
    pairs = similar_requirements(b, at=at)
    if pairs.empty:
        return b
    first = pairs.drop_duplicates("id").set_index("id")
    same_as = (first["other_requirement"].astype(str) + " ("
               + first["other_funder"].astype(str) + ")")
    ids = pd.to_numeric(b["id"], errors="coerce")
    found = ids.map(same_as)
    b = b.copy()
    b["duplicate_of"] = texts(b["duplicate_of"]).where(texts(b["duplicate_of"]).notna(), found)
    return b


def ivar_mapping(burden: pd.DataFrame | None, *, at: float = SIMILAR_AT) -> pd.DataFrame:
    """Each requirement mapped to one of IVAR's commitments, and why (:data:`MAPPING_RULE`).

    Columns: id, requirement, funder, commitment (its key), commitment_label, mapped_by
    ("the team" or "the rule") and why (a sentence).
    """
    items = burden_items(with_duplicates(burden, at=at))
    if items.empty:
        return empty(MAPPING_COLUMNS)
    labels = IvarCommitment.labels()
    chosen = items["ivar_commitment"].where(items["ivar_commitment"].isin(list(labels)))
    freq = items["frequency_per_year"]
    rule = pd.Series("communicate_with_purpose", index=items.index, dtype=object)
    why = pd.Series("Its answers are used; say what they are for.", index=items.index,
                    dtype=object)
    for mask, key, reason in (
        (freq > OFTEN, "be_proportionate", f"It is asked for {{f}} times a year, more than "
                                           f"{OFTEN}."),
        (items["duplicate"].astype(bool), "dont_waste_time", "Another funder asks the same."),
        (items["never_used"].astype(bool), "ask_relevant_questions",
         "Its answers are never used in a decision."),
    ):  # the last that fits wins, so the rule's first line is applied last
        rule = rule.where(~mask, key)
        why = why.where(~mask, reason)
    why = pd.Series([w.replace("{f}", f"{f:g}") if not math.isnan(f) else w
                     for w, f in zip(why, freq, strict=True)], index=items.index, dtype=object)
    by_team = chosen.notna()
    commitment = chosen.where(by_team, rule)
    return pd.DataFrame({
        "id": items["id"], "requirement": items["requirement"], "funder": items["funder"],
        "commitment": list(commitment),
        "commitment_label": list(commitment.map(labels)),
        "mapped_by": ["the team" if t else "the rule" for t in by_team],
        "why": ["The team chose it." if t else w for t, w in zip(by_team, why, strict=True)],
    })[MAPPING_COLUMNS].reset_index(drop=True)


def funders(burden: pd.DataFrame | None) -> list[str]:
    """Every funder named in the burden table, in name order."""
    items = burden_items(burden)
    return sorted(set(items["funder"].astype(str)), key=str.casefold)


def find_funder(burden: pd.DataFrame | None, name: str) -> str | None:
    """The funder as recorded whose name is ``name`` (case and spaces aside), or None."""
    key = " ".join(str(name).split()).casefold()
    for f in funders(burden):
        if " ".join(f.split()).casefold() == key:
            return f
    return None


@dataclass(frozen=True, eq=False)
class FunderView:
    """One funder's paperwork: its requirements, totals, duplicates, commitments, strip
    list, the change since a year ago and a plain sentence for each."""

    funder: str
    items: pd.DataFrame
    requirements: int
    hours_a_year: float
    hours_unknown: int
    cost_a_year: float
    grant_value: float
    share_of_grant: float
    grants: int
    hours_per_grant: float
    duplicates: pd.DataFrame
    commitments: pd.DataFrame
    strip_list: pd.DataFrame
    hours_freed: float
    change: pd.DataFrame | None
    sentences: tuple[str, ...]


def funder_view(burden: pd.DataFrame | None, funder: str,
                previous: pd.DataFrame | None = None, *, at: float = SIMILAR_AT) -> FunderView:
    """What ``funder``'s paperwork costs the team, read from the whole place's burden table
    (so that duplicates with other funders are found), and the change since ``previous``
    (the burden table as it stood a year ago; None or empty: no comparison).

    ``items``: the funder's requirements with hours, cost, share of grant and their IVAR
    commitment. Hours unknown are never counted as zero (``hours_unknown`` says how many).
    """
    marked = with_duplicates(burden, at=at)
    items = burden_items(marked)
    mine = items["funder"].astype(str) == funder
    mapping = ivar_mapping(burden, at=at).set_index("id")
    own = items[mine].reset_index(drop=True)
    own = own.assign(commitment=list(own["id"].map(mapping["commitment_label"])),
                     mapped_by=list(own["id"].map(mapping["mapped_by"])),
                     mapping_why=list(own["id"].map(mapping["why"])))
    totals = burden_totals(own)
    grants = int(own.drop_duplicates(["funder", "organisation"])["grant_value"].gt(0).sum())
    hours = float(totals["hours_a_year"])
    per_grant = hours / grants if grants else math.nan
    dups = similar_requirements(burden, at=at)
    dups = dups[dups["funder"].astype(str) == funder].reset_index(drop=True)
    strip = strip_list(marked)
    strip = strip[strip["funder"].astype(str) == funder].reset_index(drop=True)
    strip["rank"] = range(1, len(strip) + 1)
    freed = float(strip["hours_freed"].sum()) if len(strip) else 0.0
    commitments = _commitments(own)
    change = None
    if previous is not None and len(frame(previous, "burden")):
        change = year_on_year(previous, burden, funder, at=at)
    view = dict(funder=funder, items=own, requirements=int(totals["requirements"]),
                hours_a_year=hours, hours_unknown=int(totals["hours_unknown"]),
                cost_a_year=float(totals["cost_a_year"]),
                grant_value=float(totals["grant_value"]),
                share_of_grant=float(totals["share_of_grant"]), grants=grants,
                hours_per_grant=per_grant, duplicates=dups, commitments=commitments,
                strip_list=strip, hours_freed=freed, change=change)
    return FunderView(**view, sentences=_sentences(view))


def _commitments(own: pd.DataFrame) -> pd.DataFrame:
    """Each of IVAR's eight commitments, with how many of the funder's requirements touch
    it and their hours a year (zero rows kept: a commitment no requirement touches)."""
    labels = IvarCommitment.labels()
    rows = []
    for label in labels.values():
        hit = own[own["commitment"] == label]
        rows.append({"commitment": label, "requirements": len(hit),
                     "hours_a_year": float(hit["hours_a_year"].sum()),
                     "what": "; ".join(hit["requirement"].astype(str))})
    return pd.DataFrame(rows, columns=["commitment", "requirements", "hours_a_year", "what"])


def year_on_year(previous: pd.DataFrame | None, current: pd.DataFrame | None, funder: str,
                 *, at: float = SIMILAR_AT) -> pd.DataFrame:
    """The funder's paperwork a year ago and now: requirements, hours a year, share of
    grant, requirements no longer asked for and new ones (a record is the same requirement
    a year on when it is the same record, edited or not). Columns: measure, a_year_ago,
    now, change (now minus a year ago, for numbers; NaN for lists)."""
    def one(df: pd.DataFrame | None) -> tuple[dict[str, float | int], pd.DataFrame]:
        items = burden_items(with_duplicates(df, at=at))
        own = items[items["funder"].astype(str) == funder]
        return burden_totals(own), own

    before, old = one(previous)
    after, new = one(current)
    gone = old[~old["id"].isin(new["id"])]["requirement"].astype(str).tolist()
    added = new[~new["id"].isin(old["id"])]["requirement"].astype(str).tolist()
    rows = []
    for key, label in (("requirements", "Requirements"), ("hours_a_year", "Staff hours a year"),
                       ("share_of_grant", "Share of the grant")):
        a, b = float(before[key]), float(after[key])
        rows.append({"measure": label, "a_year_ago": a, "now": b, "change": b - a})
    rows.append({"measure": "No longer asked for", "a_year_ago": _join(gone), "now": "",
                 "change": math.nan})
    rows.append({"measure": "Newly asked for", "a_year_ago": "", "now": _join(added),
                 "change": math.nan})
    return pd.DataFrame(rows, columns=CHANGE_COLUMNS)


def _join(values: Iterable[str]) -> str:
    values = list(values)
    return "; ".join(values) if values else "none"


def _hours(h: float) -> str:
    return f"{h:,.0f}" if h >= 10 or float(h).is_integer() else f"{h:,.1f}"


def _sentences(v: dict) -> tuple[str, ...]:
    n, funder = int(v["requirements"]), v["funder"]
    if n == 0:
        return (f"No requirements of {funder} have been recorded.",)
    at_least = "at least " if v["hours_unknown"] else ""
    what = "requirement takes" if n == 1 else "requirements take"
    out = [f"{funder}'s {n} {what} {at_least}{_hours(v['hours_a_year'])} staff hours a year."]
    share = v["share_of_grant"]
    if not math.isnan(share):
        times = share / SECTOR_SHARE
        compare = ("about the same as" if 0.9 <= times <= 1.1 else
                   f"{times:.1f} times" if times > 1.1 else "less than")
        out.append(f"That is {at_least}{share * 100:.1f}% of the grant, {compare} the "
                   f"sector's average of {SECTOR_SHARE * 100:.1f}% (NPC; up to "
                   f"{SECTOR_SHARE_HIGH * 100:.0f}%).")
    else:
        out.append("The grant's value is not recorded, so its share cannot be worked out.")
    if not math.isnan(v["hours_per_grant"]):
        out.append(f"That is {at_least}{_hours(v['hours_per_grant'])} hours a year per grant, "
                   f"against about {SECTOR_HOURS_PER_GRANT:.0f} (Center for Effective "
                   "Philanthropy).")
    if v["hours_unknown"]:
        k = v["hours_unknown"]
        out.append(f"Hours are not known for {k} of them." if k > 1
                   else "Hours are not known for one of them.")
    d = v["duplicates"]["id"].nunique() if len(v["duplicates"]) else 0
    if d:
        out.append(f"{d} of its questions {'is' if d == 1 else 'are'} asked by another "
                   "funder too.")
    if v["hours_freed"] > 0:
        out.append(f"The strip list would free {_hours(v['hours_freed'])} staff hours a year.")
    change = v["change"]
    if change is not None:
        h = change.set_index("measure").loc["Staff hours a year"]
        diff = float(h["change"])
        out.append("Since a year ago: " + (
            "the same hours." if diff == 0 else
            f"{_hours(abs(diff))} hours a year {'fewer' if diff < 0 else 'more'}."))
    return tuple(out)

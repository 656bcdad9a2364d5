"""Whose ideas became decisions, and whose views shaped them (RC5), by part of the system.

The decisions half of participation balance, apart from speaking time
(:mod:`hls_workbook.analysis.participation`): it counts decision records, not speech, and
needs none of the small-group folding that shares of speaking time do.
"""

from __future__ import annotations

import math

import pandas as pd

from hls_workbook.analysis._common import PART_LABELS, PARTS, as_list, frame, share_table, texts


def decision_balance(decisions: pd.DataFrame | None) -> pd.DataFrame:
    """Whose ideas became decisions, and whose views shaped them, by part of the system.

    One row per part (all six, in order): part, label, proposed (decisions it proposed),
    proposed_share (of all decisions), shaped (decisions whose views it shaped) and
    shaped_share (of all decisions; a decision can be shaped by several parts, so these
    shares need not add up to 1). The ``lived_experience`` row's shaped_share is the share
    of decisions shaped by people with lived experience. Counts what was recorded; an
    empty ``shaped_by`` may mean nobody wrote it down, not that nobody shaped it.
    """
    d = frame(decisions, "decision")
    n = len(d)
    proposed = texts(d["proposer_role"]).dropna().value_counts().to_dict()
    # A part counts once per decision, however often it is listed as shaping it.
    shaped_by = d["shaped_by"].map(as_list).explode().dropna()
    pairs = pd.DataFrame({"decision": shaped_by.index, "part": shaped_by.to_numpy()})
    shaped = pairs.drop_duplicates()["part"].value_counts()
    out = share_table(proposed, PARTS, PART_LABELS, key="part", value="proposed",
                      denominator=n)
    out = out.rename(columns={"share": "proposed_share"})
    out["proposed"] = out["proposed"].astype("int64")
    out["shaped"] = shaped.reindex(out["part"]).fillna(0).astype("int64").to_numpy()
    out["shaped_share"] = (out["shaped"] / n) if n else math.nan
    return out

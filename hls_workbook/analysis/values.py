"""Values in practice (BH2, BH3): which agreed values the team's experiments and learning
put into practice, and which are agreed but not yet seen in what the team does.

A value on a poster is not a value lived. Experiments and learning link the values they
put into practice (their ``values`` field); this counts those links per agreed value, so
a conversation can start from "we all signed up to this, and nothing we tried shows it".
"""

from __future__ import annotations

import pandas as pd

from hls_workbook.analysis._common import as_list, empty, frame, texts
from hls_workbook.domain.model import Part

_COLUMNS = ["value", "name", "signed_up", "experiments", "learning", "in_practice"]


def _links_per_value(df: pd.DataFrame) -> dict[int, int]:
    """How many records link each value (a record linking it twice counts once)."""
    counts: dict[int, int] = {}
    for links in df["values"]:
        for vid in {int(v) for v in as_list(links)}:
            counts[vid] = counts.get(vid, 0) + 1
    return counts


def values_in_practice(values: pd.DataFrame | None, experiments: pd.DataFrame | None,
                       learning: pd.DataFrame | None) -> pd.DataFrame:
    """One row per agreed value, in the order they were recorded.

    Columns: value (its id), name, signed_up (the labels of the parts that signed up),
    experiments and learning (how many of each link it), in_practice (either is above
    zero). Links to a value not given are ignored.
    """
    v = frame(values, "value")
    if v.empty:
        return empty(_COLUMNS).astype({"experiments": "int64", "learning": "int64",
                                       "in_practice": bool})
    v = v.sort_values("id", kind="stable").reset_index(drop=True)
    by_experiment = _links_per_value(frame(experiments, "experiment"))
    by_learning = _links_per_value(frame(learning, "learning"))
    labels = Part.labels()
    out = pd.DataFrame({
        "value": v["id"].astype("int64"),
        "name": list(texts(v["value"])),
        "signed_up": [[labels.get(p, p) for p in as_list(parts)] for parts in v["agreed_by"]],
        "experiments": [by_experiment.get(int(i), 0) for i in v["id"]],
        "learning": [by_learning.get(int(i), 0) for i in v["id"]],
    }, columns=_COLUMNS[:-1])
    out["experiments"] = out["experiments"].astype("int64")
    out["learning"] = out["learning"].astype("int64")
    out["in_practice"] = (out["experiments"] + out["learning"]) > 0
    return out

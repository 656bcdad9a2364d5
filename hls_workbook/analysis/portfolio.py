"""The experiment portfolio (EX1, EX3): who proposes experiments, and how bold they are.

A healthy portfolio has ideas from every part of the system (not only from those who hold
the money), some experiments with real risk, and some that reach new people or new places.
This describes a spread, not a target: there is no right number of high-risk experiments.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from hls_workbook.analysis._common import PART_LABELS, PARTS, frame, share_table, text
from hls_workbook.domain.model import ExperimentStatus, Level

STATUSES: tuple[str, ...] = tuple(s.value for s in ExperimentStatus)
RISKS: tuple[str, ...] = tuple(level.value for level in Level)
NOVELTY: dict[str, str] = {
    "new_people_and_contexts": "New people and a new setting",
    "new_people": "New people only",
    "new_contexts": "A new setting only",
    "neither": "Neither",
}


def _novelty(new_people: object, new_contexts: object) -> str:
    people = bool(new_people) if text(new_people) is not None else False
    contexts = bool(new_contexts) if text(new_contexts) is not None else False
    if people and contexts:
        return "new_people_and_contexts"
    if people:
        return "new_people"
    if contexts:
        return "new_contexts"
    return "neither"


@dataclass(frozen=True, eq=False)
class Portfolio:
    """The spread of experiments.

    ``by_status`` (status, label, count, share), ``by_risk`` (risk, label, count, share),
    ``by_novelty`` (novelty, label, count, share), ``by_proposer`` (part, label, count,
    share) list every choice, with zeros; ``risk_by_novelty`` is long form (risk,
    novelty, count). ``new_share`` is the share involving new people or a new setting.
    """

    total: int
    by_status: pd.DataFrame
    by_risk: pd.DataFrame
    by_novelty: pd.DataFrame
    by_proposer: pd.DataFrame
    risk_by_novelty: pd.DataFrame
    new_share: float
    sentence: str


def experiment_portfolio(experiments: pd.DataFrame | None) -> Portfolio:
    """Count experiments by status, risk, novelty and the part of the system that proposed them.

    Shares are of all experiments given (NaN when there are none). An idea that has not
    started yet still counts: proposing it is part of the permission to try (EX1).
    """
    e = frame(experiments, "experiment")
    n = len(e)
    status = e["status"].map(text)
    risk = e["risk"].map(text)
    proposer = e["proposed_by"].map(text)
    novelty = pd.Series([_novelty(p, c) for p, c in zip(e["new_people"], e["new_contexts"],
                                                          strict=True)], dtype="object")

    def table(values: pd.Series, order: tuple[str, ...] | list[str],
              labels: dict[str, str], key: str) -> pd.DataFrame:
        counts = values.dropna().value_counts().to_dict() if n else {}
        return share_table(counts, order, labels, key=key, denominator=n)

    by_novelty = table(novelty, list(NOVELTY), NOVELTY, "novelty")
    cross = [{"risk": r, "novelty": k,
              "count": int(((risk == r) & (novelty.values == k)).sum()) if n else 0}
             for r in RISKS for k in NOVELTY]
    new = int((novelty != "neither").sum()) if n else 0
    by_proposer = table(proposer, PARTS, PART_LABELS, "part")
    return Portfolio(
        total=n,
        by_status=table(status, STATUSES, ExperimentStatus.labels(), "status"),
        by_risk=table(risk, RISKS, Level.labels(), "risk"),
        by_novelty=by_novelty,
        by_proposer=by_proposer,
        risk_by_novelty=pd.DataFrame(cross, columns=["risk", "novelty", "count"]),
        new_share=new / n if n else math.nan,
        sentence=_portfolio_sentence(n, by_proposer, new),
    )


def _portfolio_sentence(n: int, by_proposer: pd.DataFrame, new: int) -> str:
    if n == 0:
        return "No experiments have been recorded yet."
    parts = int((by_proposer["count"] > 0).sum())
    what = "experiment" if n == 1 else "experiments"
    from_ = "one part of the system" if parts == 1 else f"{parts} parts of the system"
    return (f"{n} {what}, proposed by {from_}; {new} of them involve new people or a new "
            "setting.")

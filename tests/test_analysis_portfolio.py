"""The experiment portfolio (EX1, EX3), counted by hand."""

from __future__ import annotations

import math

import pytest

from hls_workbook.analysis import Portfolio, experiment_portfolio

PLACE = "testville"


def experiment(proposer, risk, people, contexts, status):
    return ("experiment", {"title": "Try", "intended_results": "People meet",
                           "safe_to_fail_bounds": "£500", "proposed_by": proposer, "risk": risk,
                           "new_people": people, "new_contexts": contexts, "status": status})


def test_portfolio_by_hand(wb):
    wb.add_many([
        experiment("charity", "low", True, False, "running"),
        experiment("charity", "high", True, True, "ended"),
        experiment("lived_experience", "low", False, False, "idea"),
        experiment("commissioner", "medium", False, True, "stopped"),
    ], place=PLACE)
    p = experiment_portfolio(wb.table("experiment", PLACE))
    assert isinstance(p, Portfolio)
    assert p.total == 4
    status = p.by_status.set_index("status")
    assert list(status.index) == ["idea", "approved", "running", "paused", "ended", "stopped"]
    assert list(status["count"]) == [1, 0, 1, 0, 1, 1]
    assert status.loc["stopped", "label"] == "Stopped early"
    assert status.loc["ended", "share"] == 0.25
    assert list(p.by_risk["count"]) == [2, 1, 1]
    assert list(p.by_novelty["novelty"]) == ["new_people_and_contexts", "new_people",
                                             "new_contexts", "neither"]
    assert list(p.by_novelty["count"]) == [1, 1, 1, 1]
    proposer = p.by_proposer.set_index("part")
    assert proposer.loc["charity", "count"] == 2 and proposer.loc["charity", "share"] == 0.5
    assert proposer.loc["lived_experience", "count"] == 1
    assert proposer.loc["public_service", "count"] == 0
    cross = p.risk_by_novelty.set_index(["risk", "novelty"])["count"]
    assert cross[("low", "new_people")] == 1 and cross[("low", "neither")] == 1
    assert cross[("high", "new_people_and_contexts")] == 1
    assert cross[("medium", "new_contexts")] == 1
    assert cross.sum() == 4
    assert p.new_share == pytest.approx(0.75)
    assert p.sentence == ("4 experiments, proposed by 3 parts of the system; 3 of them involve "
                          "new people or a new setting.")


def test_portfolio_empty(wb):
    p = experiment_portfolio(wb.table("experiment", PLACE))
    assert p.total == 0 and math.isnan(p.new_share)
    assert p.by_status["count"].sum() == 0 and p.by_status["share"].isna().all()
    assert len(p.by_proposer) == 6
    assert p.sentence == "No experiments have been recorded yet."
    assert experiment_portfolio(None).total == 0

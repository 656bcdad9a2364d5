"""Learning health (LE1-LE3, EX2, EX4), computed by hand."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from hls_workbook.analysis import (
    LearningHealth,
    amplified,
    experiment_reviews,
    learning_balance,
    learning_health,
    learning_reach,
    reach_by_part,
    reflection_delay,
    review_outcomes,
)

PLACE = "testville"


def voice(wb, role="person_using_services") -> int:
    return wb.add("voice", {"story": "I was alone; now I go to the lunch club.",
                            "domain_of_change": "friendship", "storyteller_role": role,
                            "collected_on": "2026-01-02", "consent_audiences": ["team"]},
                  place=PLACE)


def learning(wb, kind, event, recorded, amplify=False, voices=(), title=None) -> int:
    return wb.add("learning", {"kind_of_learning": kind, "title": title or f"{kind} {event}",
                               "observation": "What we noticed", "event_on": event,
                               "recorded_on": recorded, "amplify": amplify,
                               "voices": list(voices)}, place=PLACE)


def experiment(wb, status, end=None, start=None) -> int:
    return wb.add("experiment", {"title": f"Try {status}", "intended_results": "People meet",
                                 "safe_to_fail_bounds": "£500", "proposed_by": "charity",
                                 "status": status, "start_on": start, "end_on": end},
                  place=PLACE)


def review(wb, eid, on, went, decision) -> int:
    return wb.add("review", {"experiment": eid, "reviewed_on": on, "intended": "Meet",
                             "actual": "Some came", "went_to_plan": went,
                             "decision": decision}, place=PLACE)


@pytest.fixture
def log(wb):
    v1 = voice(wb)
    v2 = voice(wb, "carer_or_family")
    l1 = learning(wb, "breakthrough", "2026-01-01", "2026-01-04", amplify=True, voices=[v1, v2],
                  title="Greeting by name works")
    l2 = learning(wb, "disappointment", "2026-01-10", "2026-01-10")
    l3 = learning(wb, "surprise", "2026-01-05", "2026-01-15")
    l4 = learning(wb, "disappointment", "2026-02-01", "2026-02-08")
    for lid, part, day in ((l1, "commissioner", "2026-01-06"),
                           (l1, "lived_experience", "2026-01-10"),
                           (l1, "commissioner", "2026-01-20"),
                           (l3, "charity", "2026-01-16")):
        wb.add("share", {"learning": lid, "shared_with": part, "shared_on": day}, place=PLACE)
    e1 = experiment(wb, "ended", start="2026-01-01", end="2026-03-01")
    e2 = experiment(wb, "stopped", start="2026-01-01", end="2026-03-10")
    e3 = experiment(wb, "running", start="2026-02-01")
    experiment(wb, "idea")
    review(wb, e1, "2026-03-08", "no", "stop")
    review(wb, e1, "2026-03-20", "partly", "adapt")
    review(wb, e3, "2026-03-05", "yes", "amplify")
    ids = {"v1": v1, "v2": v2, "l1": l1, "l2": l2, "l3": l3, "l4": l4, "e1": e1, "e2": e2,
           "e3": e3}
    return wb, ids


def t(wb, kind):
    return wb.table(kind, PLACE)


def test_balance_and_delay(log):
    wb, ids = log
    b = learning_balance(t(wb, "learning")).set_index("kind")
    assert list(b.index) == ["breakthrough", "disappointment", "surprise"]
    assert list(b["count"]) == [1, 2, 1]
    assert b.loc["disappointment", "share"] == 0.5
    d = reflection_delay(t(wb, "learning")).set_index("learning")
    assert d.loc[ids["l1"], "delay_days"] == 3.0
    assert d.loc[ids["l2"], "delay_days"] == 0.0
    assert d.loc[ids["l3"], "delay_days"] == 10.0
    assert d["delay_days"].median() == 5.0
    # Ordered by when it happened.
    assert list(d.index) == [ids["l1"], ids["l3"], ids["l2"], ids["l4"]]


def test_reach(log):
    wb, ids = log
    r = learning_reach(t(wb, "learning"), t(wb, "share")).set_index("learning")
    assert r.loc[ids["l1"], "parts_reached"] == ["commissioner", "lived_experience"]
    assert r.loc[ids["l1"], "parts_reached_count"] == 2
    assert r.loc[ids["l1"], "first_shared_on"] == pd.Timestamp("2026-01-06")
    assert r.loc[ids["l1"], "days_to_first_share"] == 2.0
    assert r.loc[ids["l3"], "parts_reached"] == ["charity"]
    assert r.loc[ids["l3"], "days_to_first_share"] == 1.0
    assert r.loc[ids["l2"], "shared_with_nobody"]
    assert r.loc[ids["l2"], "parts_reached"] == []
    assert math.isnan(r.loc[ids["l2"], "days_to_first_share"])
    assert r["shared_with_nobody"].sum() == 2
    by_part = reach_by_part(t(wb, "learning"), t(wb, "share")).set_index("part")
    assert by_part.loc["commissioner", "learning_reached"] == 1
    assert by_part.loc["commissioner", "share"] == 0.25
    assert by_part.loc["public_service", "learning_reached"] == 0


def test_experiment_reviews(log):
    wb, ids = log
    r = experiment_reviews(t(wb, "experiment"), t(wb, "review")).set_index("experiment")
    assert list(r.index) == [ids["e1"], ids["e2"], ids["e3"]]  # the idea is not due a review
    e1 = r.loc[ids["e1"]]
    assert e1["reviews"] == 2 and e1["reviewed"]
    assert e1["first_reviewed_on"] == pd.Timestamp("2026-03-08")
    assert e1["days_to_review"] == 7.0
    assert e1["went_to_plan"] == "partly" and e1["decision"] == "adapt"  # the latest review
    assert not e1["needs_review"]
    assert r.loc[ids["e2"], "needs_review"] and not r.loc[ids["e2"], "reviewed"]
    assert math.isnan(r.loc[ids["e3"], "days_to_review"])  # running, no end date
    assert r["needs_review"].sum() == 1


def test_review_outcomes(log):
    wb, _ids = log
    o = review_outcomes(t(wb, "review")).set_index(["question", "answer"])["count"]
    assert o[("went_to_plan", "yes")] == 1
    assert o[("went_to_plan", "partly")] == 1
    assert o[("went_to_plan", "no")] == 1
    assert o[("decision", "amplify")] == 1 and o[("decision", "stop")] == 1


def test_amplified_has_voice_ids_and_no_story(log):
    wb, ids = log
    a = amplified(t(wb, "learning"), t(wb, "voice"))
    assert list(a["learning"]) == [ids["l1"]]
    row = a.iloc[0]
    assert row["voices"] == [ids["v1"], ids["v2"]]
    assert row["voice_count"] == 2
    assert row["storyteller_roles"] == ["person_using_services", "carer_or_family"]
    assert row["title"] == "Greeting by name works"
    assert "story" not in a.columns
    text = a.to_string()
    assert "lunch club" not in text
    assert amplified(t(wb, "learning")).iloc[0]["storyteller_roles"] == []


def test_learning_health_by_hand(log):
    wb, _ids = log
    h = learning_health(t(wb, "learning"), t(wb, "share"), t(wb, "experiment"),
                        t(wb, "review"), t(wb, "voice"))
    assert isinstance(h, LearningHealth)
    assert h.median_delay_days == 5.0
    assert h.shared_with_nobody == 2
    assert h.needs_review == 1
    assert h.median_days_to_review == 7.0
    assert h.not_to_plan == 2
    assert h.decisions == {"amplify": 1, "adapt": 1, "dampen": 0, "stop": 1}
    assert len(h.amplified) == 1
    assert h.sentence == (
        "We recorded 1 breakthrough, 2 disappointments and 1 surprise. 2 reviews found things "
        "did not fully go to plan: that is learning too. 1 finished experiment is waiting "
        "for a review."
    )


def test_learning_health_empty(wb):
    h = learning_health(t(wb, "learning"), t(wb, "share"), t(wb, "experiment"),
                        t(wb, "review"), t(wb, "voice"))
    assert h.sentence == "No learning has been recorded yet."
    assert math.isnan(h.median_delay_days) and math.isnan(h.median_days_to_review)
    assert h.shared_with_nobody == 0 and h.needs_review == 0 and h.not_to_plan == 0
    assert h.balance["count"].sum() == 0 and h.balance["share"].isna().all()
    assert h.amplified.empty and h.reach.empty and h.reviews.empty
    assert learning_health(None).sentence == "No learning has been recorded yet."


def test_learning_without_shares_is_shared_with_nobody(wb):
    learning(wb, "surprise", "2026-01-05", "2026-01-05")
    r = learning_reach(t(wb, "learning"), None)
    assert bool(r.iloc[0]["shared_with_nobody"])
    h = learning_health(t(wb, "learning"))
    assert h.sentence == "We recorded 0 breakthroughs, 0 disappointments and 1 surprise."

"""The demo reads like a real team's: no next step, limit or story said twice, and no
story put together from another's sentences; notes back to storytellers only where they
asked, some sent and some written; and the same seed still builds the same text."""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd

from hls_workbook import analysis, open_workbook
from hls_workbook.domain.values import missing

PLACE = "millbrook"
TEXT = {"voice": ["story", "why_it_matters"], "learning": ["response", "implication"],
        "experiment": ["safe_to_fail_bounds"],
        "review": ["actual", "sustain", "improve", "intended", "why_difference"],
        "feedback": ["voice", "decision", "learning", "text", "status", "sent_on", "channel"]}


def _texts(book) -> dict[str, list[list[str]]]:
    out = {}
    for kind, columns in TEXT.items():
        frame = book.table(kind, PLACE).sort_values("id")
        out[kind] = frame[columns].astype(str).values.tolist()
    return out


def test_every_next_step_limit_and_story_is_its_own(demo_wb):
    steps = demo_wb.table("learning", PLACE)["response"].tolist()
    limits = demo_wb.table("experiment", PLACE)["safe_to_fail_bounds"].tolist()
    voices = demo_wb.table("voice", PLACE)
    stories = [s for s, gone in zip(voices["story"], voices["consent_withdrawn"], strict=True)
               if not missing(s) and not gone]
    assert len(steps) == 24 and len(set(steps)) == 24
    assert len(limits) == 9 and len(set(limits)) == 9
    assert len(stories) >= 10 and len(set(stories)) == len(stories)
    sentences = [s for story in stories for s in re.split(r"(?<=[.!?])\s+", story)]
    assert len(set(sentences)) == len(sentences), "a sentence is in two stories"


def test_what_learning_means_and_what_a_review_set_out_to_do_belong_to_it(demo_wb):
    """Each piece of learning says what it means for us in words of its own title (not one
    sentence for all 24), and a review says what its own experiment set out to do."""
    learning = demo_wb.table("learning", PLACE)
    meaning = dict(zip(learning["title"], learning["implication"], strict=True))
    assert len(set(meaning.values())) == learning["title"].nunique() >= 8
    for title, implication in zip(learning["title"], learning["implication"], strict=True):
        assert meaning[title] == implication  # one title, one meaning
    experiments = demo_wb.table("experiment", PLACE).set_index("id")
    reviews = demo_wb.table("review", PLACE)
    assert len(reviews) >= 3
    for r in reviews.to_dict("records"):
        assert r["intended"] == experiments.loc[r["experiment"], "intended_results"]
    assert reviews.groupby("went_to_plan")["why_difference"].nunique().eq(1).all()
    assert reviews["why_difference"].nunique() == reviews["went_to_plan"].nunique()


def test_the_same_seed_builds_the_same_text(demo_wb, demo_again):
    with open_workbook(demo_again) as again:  # the demo built a second time
        assert _texts(again) == _texts(demo_wb)


def test_notes_back_go_only_to_tellers_who_asked_some_sent_some_written(demo_wb):
    notes = demo_wb.table("feedback", PLACE)
    voices = demo_wb.table("voice", PLACE).set_index("id")
    decisions = demo_wb.table("decision", PLACE).set_index("id")
    learning = demo_wb.table("learning", PLACE).set_index("id")
    statuses = notes["status"].value_counts()
    assert statuses.get("sent", 0) >= 3 and statuses.get("drafted", 0) >= 3
    for r in notes.to_dict("records"):
        teller = voices.loc[int(r["voice"])]
        assert teller["consent_tell_back"] and not teller["consent_withdrawn"]
        assert not teller["in_confidence"] and not teller["safeguarding_concern"]
        # The note is about something the story shaped: a decision naming it, or
        # learning we amplify naming it; and it says what the story was about.
        if not pd.isna(r["decision"]):
            shaped = decisions.loc[int(r["decision"])]
            shaped_on = shaped["decided_on"]
        else:
            shaped = learning.loc[int(r["learning"])]
            assert shaped["amplify"]
            shaped_on = shaped["recorded_on"]
        assert int(r["voice"]) in [int(v) for v in shaped["voices"]]
        assert f"telling us about {teller['domain_of_change']}." in r["text"]
        for name in (teller["storyteller_name"], teller["pseudonym"]):
            assert missing(name) or str(name) not in r["text"]
        if r["status"] == "sent":
            sent = pd.Timestamp(r["sent_on"]).date()
            assert pd.Timestamp(shaped_on).date() < sent <= dt.date.today()
            assert r["channel"] in ("in_person", "phone", "letter")
        else:
            assert pd.isna(r["sent_on"]) and missing(r["channel"])
    # Some tellers still wait for a note: "What needs doing now" has them to show.
    t = demo_wb.tables(PLACE)
    told = analysis.told_back(t["voice"], t["decision"], t["learning"], t["feedback"])
    assert told["note"].isna().sum() >= 3
    assert len(told) == len(notes) + told["note"].isna().sum()

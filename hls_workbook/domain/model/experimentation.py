"""The record kinds of stage 2, experimentation: a safe-to-fail experiment, planned with
Before Action Review questions, and the After Action Review that decides what comes next.
"""

from __future__ import annotations

import datetime as dt

from pydantic import model_validator

from hls_workbook.domain.model.base import Record, field
from hls_workbook.domain.model.choices import (
    ExperimentStatus,
    Level,
    NextStep,
    Part,
    SignsSeen,
    YesPartlyNo,
)


class Experiment(Record):
    """A safe-to-fail try, planned with Before Action Review questions."""

    kind = "experiment"
    title_plural = "Experiments"
    stage = "2_experimentation"
    practices = ("EX1", "EX3", "BH3")
    date_field = "start_on"
    summary_field = "title"
    free_text = (
        "intended_results", "how_we_will_see", "expected_challenges", "prior_learning",
        "biggest_difference", "hypothesis_if", "hypothesis_then", "safe_to_fail_bounds",
        "amplify_if", "dampen_if", "new_people_or_contexts",
    )
    past_dates = ()

    title: str = field("Name of the experiment", "Give it a short name everyone will recognise.")
    intended_results: str = field(
        "What we hope will happen",
        "What results do we intend? What would be different for people?",
        "long_text",
    )
    how_we_will_see: str | None = field(
        "How we will know", "What will we see or hear if it is working?", "long_text", None
    )
    expected_challenges: str | None = field(
        "What might get in the way", "What challenges do we expect?", "long_text", None
    )
    prior_learning: str | None = field(
        "What we already know",
        "What have we or others learned from trying something like this before?",
        "long_text",
        None,
    )
    biggest_difference: str | None = field(
        "What will make the biggest difference",
        "What one thing will matter most this time?",
        "long_text",
        None,
    )
    hypothesis_if: str | None = field(
        "If we ...", "Finish the sentence: if we do this ...", "long_text", None
    )
    hypothesis_then: str | None = field(
        "... then ...", "... then we expect this to happen.", "long_text", None
    )
    safe_to_fail_bounds: str = field(
        "Safe-to-fail limits",
        "How far can this go wrong before we stop? Think of money, time and people's safety.",
        "long_text",
    )
    amplify_if: str | None = field(
        "We will do more if", "What sign would tell us to do more of it?", "long_text", None
    )
    dampen_if: str | None = field(
        "We will slow down or stop if", "What sign would tell us to hold back?", "long_text", None
    )
    proposed_by: Part = field(
        "Whose idea", "Which part of the system suggested it?", "choice"
    )
    permission_given_by: str | None = field(
        "Who said yes",
        "Who gave permission to try it? A role is enough, for example 'service manager'.",
        "text",
        None,
    )
    risk: Level = field("How risky", "How much could go wrong?", "choice", Level.low)
    new_people: bool = field(
        "Involves new people", "Are we working with people we have not worked with before?",
        "flag", False,
    )
    new_contexts: bool = field(
        "In a new setting", "Is this a new place, field or way of working for us?", "flag", False
    )
    new_people_or_contexts: str | None = field(
        "Who or what is new", "Who are the new people, or what is the new setting?",
        "long_text", None,
    )
    values: list[int] = field(
        "Values it puts into practice", "Which of our shared values does this put into practice?",
        "links", default_factory=list, link="value",
    )
    value_shown: str | None = field(
        "A value in your own words", "A value not in our list yet? Name it here.", "text", None
    )
    status: ExperimentStatus = field(
        "Where it is up to", "What stage is the experiment at now?", "choice",
        ExperimentStatus.idea,
    )
    start_on: dt.date | None = field("Start", "When does it start?", "date", None)
    end_on: dt.date | None = field("End", "When will it end, or when did it end?", "date", None)
    evidence_level: int | None = field(
        "Strength of evidence (1-5)",
        "Optional. 1 = we can describe why it should work; 5 = it has worked in many places.",
        "integer",
        None,
        ge=1,
        le=5,
    )

    @model_validator(mode="after")
    def _dates_in_order(self) -> Experiment:
        if self.start_on and self.end_on and self.end_on < self.start_on:
            raise ValueError(
                f"end_on: the end ({self.end_on.isoformat()}) is before the start "
                f"({self.start_on.isoformat()}); pick an end on or after the start"
            )
        return self


class Review(Record):
    """An After Action Review: what happened, why, and what we do next. No blame."""

    kind = "review"
    title_plural = "Reviews"
    stage = "2_experimentation"
    practices = ("EX2", "EX4", "BH1")
    date_field = "reviewed_on"
    summary_field = "actual"
    free_text = ("intended", "actual", "why_difference", "sustain", "improve", "feelings",
                 "who_else_should_know")
    past_dates = ("reviewed_on",)

    experiment: int = field(
        "Experiment", "Which experiment are we looking back on?", "link", link="experiment",
        shows=("intended_results", "hypothesis_if", "hypothesis_then", "amplify_if",
               "dampen_if", "safe_to_fail_bounds"),
    )
    reviewed_on: dt.date = field("Date of the review", "When did we look back on it?", "date")
    intended: str = field(
        "What we meant to happen", "What did we set out to do?", "long_text"
    )
    actual: str = field("What happened", "What actually happened?", "long_text")
    went_to_plan: YesPartlyNo = field(
        "Did it go to plan",
        "It is fine if it did not. A 'no' is learning too.",
        "yes_partly_no",
    )
    why_difference: str | None = field(
        "Why it was different",
        "Why was there a difference? Talk about what happened, not who.",
        "long_text",
        None,
    )
    sustain: str | None = field("What to keep", "What worked that we should keep doing?",
                                "long_text", None)
    improve: str | None = field("What to change", "What would we do differently next time?",
                                "long_text", None)
    feelings: str | None = field(
        "How it felt", "How did it feel to be part of this? All feelings are welcome.",
        "long_text", None,
    )
    who_else_should_know: str | None = field(
        "Who else should know", "Who else would learn from this?", "text", None
    )
    signs_seen: SignsSeen | None = field(
        "Which of its signs we saw",
        "Before it began, the experiment said what would tell us to amplify it and what "
        "would tell us to dampen it (shown under the experiment). Which did we see?",
        "choice",
        None,
    )
    decision: NextStep = field(
        "What we do next", "Shall we amplify, adapt, dampen or stop it?", "choice"
    )

    def experiment_status(self, status: str | None, end_on: dt.date | None) -> str | None:
        """The status the decision moves its experiment to, or None to leave it as it is.

        Stop ends the experiment ("Stopped early" before its end date); dampen pauses it
        until the team decides again. Amplify and adapt leave it: doing more, or the
        changed experiment, is for the team to record. An experiment already ended or
        stopped stays so.
        """
        status = getattr(status, "value", status)
        if status in (ExperimentStatus.ended, ExperimentStatus.stopped):
            return None
        if self.decision == NextStep.stop:
            early = end_on is not None and end_on > self.reviewed_on
            return (ExperimentStatus.stopped if early else ExperimentStatus.ended).value
        if self.decision == NextStep.dampen and status != ExperimentStatus.paused:
            return ExperimentStatus.paused.value
        return None



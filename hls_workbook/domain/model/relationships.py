"""The record kinds of stage 4, relationships and support: the behaviour pulse (one answer,
or a whole round in one form), who spoke, decisions, the bureaucracy audit, shared values,
support requests and check-ins.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any

from pydantic import AfterValidator, create_model, model_validator

from hls_workbook.domain.model.base import Record, field, today
from hls_workbook.domain.model.choices import (
    BurdenAction,
    IvarCommitment,
    Part,
    Statement,
    SupportKind,
    SupportStatus,
    YesPartlyNo,
)

_PERIOD = re.compile(r"^\d{4}-(Q[1-4]|0[1-9]|1[0-2])$")


def _period_ok(value: str | None) -> str | None:
    if value is not None and not _PERIOD.match(value):
        raise ValueError(
            "write the period as a year and quarter (2026-Q3) or a year and month (2026-09)"
        )
    return value


#: A pulse round's name: a year and quarter, or a year and month.
Period = Annotated[str, AfterValidator(_period_ok)]


# The questions every anonymous answer (a pulse answer, a pulse round, a check-in) asks in
# the same words: one definition each, so the forms cannot drift apart.


def _your_part() -> Any:
    """All an anonymous answer says about who gave it: their part of the system."""
    return field("Your part of the system", "No names: only your part.", "choice")


def _the_round() -> Any:
    return field("Round", "Which round is this, for example 2026-Q3?", "period")


def _answered_on() -> Any:
    return field("Answered on", "Today, usually.", "date", default_factory=lambda: today())


class PulseResponse(Record):
    """One anonymous answer to one behaviour statement, scored 0-10."""

    kind = "pulse"
    title_plural = "Behaviour pulse"
    stage = "4_relationships_and_support"
    practices = ("RC1", "RC2", "RC3", "RC4", "RC5", "LB1", "LB2", "BH1", "BH2", "BH3",
                 "ES1", "ES2", "ES3")
    summary_field = "statement"
    date_field = "answered_on"
    past_dates = ("answered_on",)

    statement: Statement = field(
        "Statement", "How true is this for us right now?", "choice"
    )
    score: int = field(
        "Score (0 = not at all, 10 = completely)", "Go with your first feeling.", "score",
        ge=0, le=10,
    )
    role: Part = _your_part()
    period: Period = _the_round()
    answered_on: dt.date = _answered_on()
    anonymous: bool = field(
        "Anonymous", "Pulse answers are always anonymous.", "flag", True
    )


class Contribution(Record):
    """Who spoke how much in one meeting, under a pseudonym. A prompt, never a score."""

    kind = "contribution"
    title_plural = "Who spoke"
    stage = "4_relationships_and_support"
    practices = ("RC5",)
    summary_field = "speaker"

    meeting: int = field("Meeting", "Which meeting?", "link", link="meeting")
    speaker: str = field(
        "Speaker (made-up name or initials)",
        "Use a made-up name or letter, never a real name.",
        max_length=40,
    )
    role: Part = field("Their part of the system", "Which part of the system are they?", "choice")
    turns: int | None = field(
        "Times they spoke", "How many times did they speak?", "integer", None, ge=0, le=10_000
    )
    minutes: float | None = field(
        "Minutes speaking", "Roughly how many minutes did they speak in all?", "number", None,
        ge=0, le=1440,
    )
    longest_turn_minutes: float | None = field(
        "Longest time speaking at once (minutes)", "Optional.", "number", None, ge=0, le=1440
    )

    @model_validator(mode="after")
    def _something_counted(self) -> Contribution:
        if self.turns is None and self.minutes is None:
            raise ValueError(
                "turns: give the times they spoke, the minutes speaking, or both"
            )
        if (
            self.longest_turn_minutes is not None
            and self.minutes is not None
            and self.longest_turn_minutes > self.minutes
        ):
            raise ValueError(
                "longest_turn_minutes: the longest turn is longer than all their minutes "
                "together; check both numbers"
            )
        return self


class Decision(Record):
    kind = "decision"
    title_plural = "Decisions"
    stage = "4_relationships_and_support"
    practices = ("RC5",)
    date_field = "decided_on"
    summary_field = "text"
    free_text = ("text",)
    past_dates = ("decided_on",)

    text: str = field("What we decided", "Write the decision in one or two sentences.", "long_text")
    decided_on: dt.date = field("Date", "When was it decided?", "date")
    meeting: int | None = field("At meeting", "Which meeting?", "link", None, link="meeting")
    proposer_role: Part = field(
        "Whose idea", "Which part of the system proposed it?", "choice"
    )
    shaped_by: list[Part] = field(
        "Whose views shaped it", "Which parts of the system changed or shaped it?",
        "multi_choice", default_factory=list,
    )
    voices: list[int] = field(
        "Stories behind it", "Which stories from people using services informed it?", "links",
        default_factory=list, link="voice",
    )


class BurdenItem(Record):
    """One funding or commissioning requirement, with what it costs to meet."""

    kind = "burden"
    title_plural = "Bureaucracy audit"
    stage = "4_relationships_and_support"
    practices = ("LB2",)
    summary_field = "requirement"
    free_text = ("requirement",)

    requirement: str = field(
        "What is asked for", "What form, report or return does a funder ask for?"
    )
    funder: str = field("Who asks", "Which funder or commissioner asks for it?")
    organisation: str = field("Who fills it in", "Which organisation does the work?")
    frequency_per_year: float = field(
        "Times a year", "How many times a year is it asked for?", "number", ge=0, le=365
    )
    hours_each: float | None = field(
        "Hours each time", "How many staff hours does it take each time? Leave empty if unknown.",
        "number", None, ge=0, le=2000,
    )
    staff_cost_per_hour: float | None = field(
        "Staff cost an hour (£)", "Roughly what does an hour of staff time cost?", "number", None,
        ge=0, le=1000,
    )
    grant_value: float | None = field(
        "Grant value a year (£)", "How much is the grant or contract worth each year?", "number",
        None, ge=0,
    )
    used_in_decisions: YesPartlyNo | None = field(
        "Used in decisions",
        "Does anyone use the answers to make a decision? Ask the funder if unsure.",
        "yes_partly_no",
        None,
    )
    duplicate_of: str | None = field(
        "Same as", "Is the same thing asked for by another funder? Which one?", "text", None
    )
    ivar_commitment: IvarCommitment | None = field(
        "Open and trusting commitment",
        "Which of the open and trusting funding commitments does this touch most?",
        "choice",
        None,
    )
    proposed_action: BurdenAction | None = field(
        "What we propose", "What should happen to this requirement?", "choice", None
    )


class ValueStatement(Record):
    kind = "value"
    title_plural = "Shared values"
    stage = "4_relationships_and_support"
    practices = ("BH2", "BH3")
    date_field = "agreed_on"
    summary_field = "value"
    free_text = ("what_it_looks_like",)
    past_dates = ("agreed_on",)

    value: str = field("Value", "Name the value in a few words, for example 'Be kind'.")
    what_it_looks_like: str = field(
        "What it looks like day to day", "What would someone see us doing if we live it?",
        "long_text",
    )
    agreed_by: list[Part] = field(
        "Signed up", "Which parts of the system have signed up to it?", "multi_choice",
        default_factory=list,
    )
    agreed_on: dt.date | None = field("Agreed on", "When was it agreed?", "date", None)


class SupportRequest(Record):
    kind = "support"
    title_plural = "Support requests"
    stage = "4_relationships_and_support"
    practices = ("ES2",)
    date_field = "requested_on"
    summary_field = "description"
    free_text = ("description",)
    past_dates = ("requested_on", "met_on")

    support_kind: SupportKind = field("Kind of support", "What kind of help do we need?", "choice")
    description: str = field(
        "What we need", "What would help, and who would it help?", "long_text", max_length=2000
    )
    # Asked on every new request in a form; empty only on an anonymous wish to talk from a
    # check-in (store.Workbook.raise_talk_wishes), which must not say who asked.
    requested_by: Part | None = field(
        "Asked for by", "Which part of the system is asking?", "choice", None,
        asked="say which part of the system is asking",
    )
    requested_on: dt.date = field("Asked on", "When did we ask?", "date")
    status: SupportStatus = field("Status", "Where is it up to?", "choice", SupportStatus.open)
    met_on: dt.date | None = field("Met on", "When did the support arrive?", "date", None)

    @model_validator(mode="after")
    def _met_after_asked(self) -> SupportRequest:
        if self.met_on and self.met_on < self.requested_on:
            raise ValueError(
                "met_on: the support arrived before it was asked for; pick a later date"
            )
        return self


class CheckIn(Record):
    """An anonymous check-in on the emotional load of the work. Shown only in aggregate."""

    kind = "checkin"
    title_plural = "Check-ins"
    stage = "4_relationships_and_support"
    practices = ("ES3", "BH1")
    date_field = "checked_in_on"
    summary_field = "checked_in_on"
    past_dates = ("checked_in_on",)

    emotional_load: int = field(
        "How heavy the work feels (0 = light, 10 = very heavy)",
        "Thinking about the last two weeks, how heavy has the work felt?",
        "score",
        ge=0,
        le=10,
    )
    role: Part = _your_part()
    checked_in_on: dt.date = field(
        "Date", "Today, usually.", "date", default_factory=lambda: today()
    )
    anonymous: bool = field("Anonymous", "Check-ins are always anonymous.", "flag", True)


class _PulseRoundBase(Record):
    """A whole pulse round in one form: one score per statement, saved as separate,
    anonymous pulse answers (so a round is one Submit, not thirteen)."""

    kind = "pulse_round"
    title_plural = "Behaviour pulse round"
    stage = "4_relationships_and_support"
    practices = PulseResponse.practices
    stored_as = "pulse"
    summary_field = "period"

    role: Part = _your_part()
    period: Period = _the_round()
    answered_on: dt.date = _answered_on()

    @model_validator(mode="after")
    def _something_scored(self) -> _PulseRoundBase:
        if not any(getattr(self, key) is not None for key in Statement.labels()):
            first = next(iter(Statement.labels()))
            raise ValueError(f"{first}: score at least one statement before saving")
        return self

    def expand(self) -> list[Record]:
        return [
            PulseResponse(statement=key, score=getattr(self, key), role=self.role,
                          period=self.period, answered_on=self.answered_on)
            for key in Statement.labels()
            if getattr(self, key) is not None
        ]


PulseRound = create_model(  # one optional 0-10 score per behaviour statement
    "PulseRound",
    __base__=_PulseRoundBase,
    __doc__=_PulseRoundBase.__doc__,
    **{
        key: (int | None, field(
            text, "0 = not at all true, 10 = completely true. Leave it if you would rather "
            "not answer.", "score", None, ge=0, le=10,
        ))
        for key, text in Statement.labels().items()
    },
)


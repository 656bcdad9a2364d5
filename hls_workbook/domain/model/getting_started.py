"""The record kinds of stage 1, getting started: the place, its partners, the stories
people tell (with their consent), the meetings and the shared language.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from typing import Any, ClassVar

from pydantic import field_validator, model_validator

from hls_workbook.domain.model.base import WITHDRAWN_TEXT, Record, field
from hls_workbook.domain.model.choices import (
    Audience,
    Cadence,
    MeetingKind,
    Naming,
    Part,
    StorytellerRole,
    Weekday,
)
from hls_workbook.domain.values import missing


class Place(Record):
    kind = "place"
    title_plural = "Place"
    stage = "1_getting_started"
    practices = ("GS3",)
    summary_field = "name"
    free_text = ("shared_focus", "why_it_matters")

    name: str = field("Place name", "What do people who live here call this place?")
    shared_focus: str = field(
        "Our shared focus",
        "What problem matters most here, that we want to tackle together?",
        "long_text",
    )
    why_it_matters: str | None = field(
        "Why it matters here",
        "What makes this place different? What do local people say about it?",
        "long_text",
        None,
    )
    started_on: dt.date | None = field(
        "When we started", "When did this group first come together?", "date", None
    )
    past_dates = ("started_on",)


def _same(value: Any, wanted: Any) -> bool:
    """Is a stored value (None, NaN, a JSON list, a choice) the erased value ``wanted``?"""
    value = getattr(value, "value", value)
    if isinstance(value, float) and value != value:
        value = None
    if isinstance(wanted, list):
        if isinstance(value, str):
            try:
                value = json.loads(value)
            except ValueError:
                return False
        return list(value or []) == wanted
    if wanted is None:
        return value is None or value == ""
    if wanted is False:  # a flag left unanswered (a column added later) is "no"
        return missing(value) or value is False or value == 0
    return value == wanted


class Partner(Record):
    kind = "partner"
    title_plural = "Partners"
    stage = "1_getting_started"
    practices = ("GS3", "RC2")
    summary_field = "organisation"
    personal = ("contact_name",)
    free_text = ("what_they_bring",)

    organisation: str = field(
        "Organisation or group", "Who is part of this work? Use the name people know them by."
    )
    part: Part = field(
        "Part of the system", "Which part of the local system are they?", "choice"
    )
    contact_name: str | None = field(
        "Main contact (team only)",
        "Who do we talk to there? This name never appears in public reports.",
        "text",
        None,
    )
    joined_on: dt.date | None = field("Joined on", "When did they join us?", "date", None)
    what_they_bring: str | None = field(
        "What they bring", "What do they know or do that nobody else does?", "long_text", None
    )
    past_dates = ("joined_on",)


class Voice(Record):
    """A story told by someone, in their own words, with the consent that travels with it."""

    kind = "voice"
    title_plural = "Voices"
    stage = "1_getting_started"
    practices = ("GS1", "GS4")
    date_field = "collected_on"
    summary_field = "domain_of_change"
    free_text = ("story", "why_it_matters")
    personal = ("storyteller_name", "collected_by")
    past_dates = ("collected_on", "consent_withdrawn_on")
    confirms = ("consent_audiences", "consent_naming", "consent_reviewed")

    story: str = field(
        "Their story, in their words",
        "What happened? What was life like before, what part did they play, and what changed?",
        "long_text",
    )
    why_it_matters: str | None = field(
        "Why it matters to them", "Why is this change important to the person telling it?",
        "long_text", None,
    )
    domain_of_change: str = field(
        "What it is about", "In a few words: what area of life changed? For example 'housing'."
    )
    storyteller_role: StorytellerRole = field(
        "Who told it", "What is the storyteller's connection to the services?", "choice"
    )
    storyteller_name: str | None = field(
        "Their real name",
        "Only if they want to be named by it (see 'How they may be named'). Leave it empty "
        "to keep them anonymous.",
        "text",
        None,
    )
    pseudonym: str | None = field(
        "A made-up name",
        "If they would rather not use their real name, ask them to choose one and write it "
        "here. It must not be any part of their real name.",
        "text", None,
    )
    collected_by: str | None = field(
        "Who listened", "Which of us heard this story? A role is enough.", "text", None
    )
    collected_on: dt.date = field("When we heard it", "On what day was the story told?", "date")
    consent_audiences: list[Audience] = field(
        "Who may read it",
        "Ask them: 'Who are you happy to have read your story?' Tick each circle they agree "
        "to: our team, partners across the local system, or the public.",
        "multi_choice",
        default_factory=list,
        asked=("please tick at least one: ask the storyteller who they are happy to have read "
               "their story ('Our team' alone keeps it within the team)"),
    )
    consent_naming: Naming = field(
        "How they may be named",
        "Ask them: 'Shall we put a name with your story?' No name at all, their first name, "
        "a made-up name, or their full name.",
        "choice", Naming.none,
    )
    consent_reviewed: bool = field(
        "Read back and agreed",
        "Have you read the story back to them (or let them read it), and did they say it is "
        "right? Tick only when they have.",
        "flag",
        False,
    )
    consent_tell_back: bool = field(
        "May we tell them what happened",
        "Ask them: 'If your story changes something we do, may we come back and tell you "
        "what happened?' Tick only if they say yes. Leave it if they did not say.",
        "flag",
        False,
    )
    consent_withdrawn: bool = field(
        "Consent withdrawn",
        "Has the storyteller asked for their story to be taken out? Its words are erased and "
        "it leaves every report.",
        "flag",
        False,
        editing_only=True,
    )
    consent_withdrawn_on: dt.date | None = field(
        "Withdrawn on", "When did they ask for it to be taken out?", "date", None,
        editing_only=True,
    )
    in_confidence: bool = field(
        "Said in confidence",
        "Was any of this said in confidence? Then it is never used in any report.",
        "flag",
        False,
    )
    safeguarding_concern: bool = field(
        "Safeguarding concern",
        "Does the story raise a worry about someone's safety? Tell your safeguarding lead today.",
        "flag",
        False,
    )

    #: What replaces a withdrawn story's words.
    WITHDRAWN_TEXT: ClassVar[str] = WITHDRAWN_TEXT

    @classmethod
    def withdrawn_values(cls) -> dict[str, Any]:
        """What a withdrawn story keeps: the fact and the date, nothing it said.

        The one definition of withdrawal: the store writes these values over every
        version, exports and imports write them, and checks look for them. Every typed
        field (its words, what it was about, every name) is erased; who told it becomes
        "other"; consent is emptied. ``consent_withdrawn`` and ``consent_withdrawn_on``
        are left to the caller, the flags for confidence and safeguarding stay.
        """
        return {
            "story": cls.WITHDRAWN_TEXT, "domain_of_change": cls.WITHDRAWN_TEXT,
            "why_it_matters": None, "storyteller_name": None, "pseudonym": None,
            "collected_by": None, "storyteller_role": StorytellerRole.other.value,
            "consent_audiences": [], "consent_naming": Naming.none.value,
            "consent_reviewed": False, "consent_tell_back": False,
        }

    @classmethod
    def is_erased(cls, row: Mapping[str, Any]) -> bool:
        """Does this row (a withdrawn story) keep none of its words?"""
        return all(_same(row.get(k), v) for k, v in cls.withdrawn_values().items())

    def confirmed(self) -> tuple[str, ...]:
        """A withdrawn story's consent is erased: nothing to repeat."""
        return () if self.consent_withdrawn else self.confirms

    @classmethod
    def unanswered(cls, data: Mapping[str, Any]) -> dict[str, str]:
        """As for any record; a story being withdrawn needs no consent (it is erased)."""
        if data.get("consent_withdrawn") in (True, "true", "True", "yes", 1):
            return {}
        return super().unanswered(data)

    @model_validator(mode="after")
    def _consent_consistent(self) -> Voice:
        if self.consent_withdrawn_on and not self.consent_withdrawn:
            raise ValueError(
                "consent_withdrawn_on: there is a withdrawal date but consent is not marked "
                "withdrawn; tick 'Consent withdrawn' or clear the date"
            )
        if self.consent_naming == Naming.full and not self.storyteller_name:
            raise ValueError(
                "storyteller_name: they agreed to be named in full, but no name is given; "
                "add their name or choose another way to name them"
            )
        if self.consent_naming == Naming.pseudonym and not self.pseudonym:
            raise ValueError(
                "pseudonym: they chose a made-up name, but none is given; add one"
            )
        if (self.consent_naming == Naming.pseudonym and self.storyteller_name
                and not self.consent_withdrawn):
            real = {w.casefold().strip(".,'") for w in self.storyteller_name.split()
                    if len(w.strip(".,'")) >= 2}
            made_up = {w.casefold().strip(".,'") for w in self.pseudonym.split()}
            if real & made_up:
                raise ValueError(
                    "pseudonym: the made-up name uses part of their real name, which would "
                    "identify them; choose a name that is not theirs"
                )
        return self


class MeetingSeries(Record):
    kind = "meeting_series"
    title_plural = "Meeting rhythms"
    stage = "1_getting_started"
    practices = ("GS2", "RC4")
    summary_field = "name"
    free_text = ("purpose",)

    name: str = field("Name of the meeting", "What do we call this regular meeting?")
    kind_of_meeting: MeetingKind = field(
        "Kind of meeting", "What is this meeting mostly for?", "choice"
    )
    cadence: Cadence = field("How often", "How often do we meet?", "choice")
    weekday: Weekday = field(
        "Which day", "Which day of the week? The same day every time helps people come.", "choice"
    )
    started_on: dt.date = field("First meeting", "When was, or will be, the first one?", "date")
    purpose: str | None = field(
        "What it is for", "What do we want this conversation to do?", "long_text", None
    )


class Meeting(Record):
    kind = "meeting"
    title_plural = "Meetings"
    stage = "1_getting_started"
    practices = ("GS2", "GS4", "RC2", "RC3", "RC4")
    date_field = "held_on"
    summary_field = "held_on"
    free_text = ("hard_topics", "how_it_felt", "decisions_summary")
    past_dates = ("held_on",)

    held_on: dt.date = field("Date", "When did we meet?", "date")
    kind_of_meeting: MeetingKind = field("Kind of meeting", "What was it mostly for?", "choice")
    series: int | None = field(
        "Regular meeting", "Was this one of our regular meetings? Which one?", "link", None,
        link="meeting_series",
    )
    attendance: dict[Part, int] = field(
        "Who came",
        "How many people came from each part of the system? Leave a part at 0 if nobody came.",
        "counts",
        default_factory=dict,
    )
    hard_topics_raised: bool = field(
        "We talked about something hard",
        "Did anyone raise a difficult or uncomfortable issue?",
        "flag",
        False,
    )
    hard_topics: str | None = field(
        "What was hard", "What was it? Describe the issue, not the person.", "long_text", None
    )
    how_it_felt: str | None = field(
        "How it felt", "How did the conversation feel? Could everyone be honest?", "long_text", None
    )
    decisions_summary: str | None = field(
        "What we decided", "What did we agree to do?", "long_text", None
    )

    @field_validator("attendance")
    @classmethod
    def _attendance_ok(cls, value: dict[Part, int]) -> dict[Part, int]:
        for part, count in value.items():
            if count < 0 or count > 10_000:
                raise ValueError(f"the number for {part} must be between 0 and 10,000")
        return {k: v for k, v in value.items() if v}


class GlossaryTerm(Record):
    kind = "glossary_term"
    title_plural = "Shared language"
    stage = "1_getting_started"
    practices = ("LB1",)
    summary_field = "term"
    free_text = ("plain_meaning",)

    term: str = field("Word or phrase", "Which word do people use that not everyone understands?")
    plain_meaning: str = field(
        "What it means, plainly",
        "How would you explain it to a neighbour?",
        "long_text",
        max_length=1000,
    )
    words_to_avoid: list[str] = field(
        "Words to avoid",
        "Which words put people off or confuse them? Separate them with commas.",
        "tags",
        default_factory=list,
    )
    agreed_by: list[Part] = field(
        "Agreed by", "Which parts of the system agreed this meaning?", "multi_choice",
        default_factory=list,
    )



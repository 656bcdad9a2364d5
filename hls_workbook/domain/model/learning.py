"""The record kinds of stage 3, learning: what we learned and whom we told, reflections,
the checks of text before it leaves the team, and the notes back to storytellers.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from pydantic import model_validator

from hls_workbook.domain.model.base import WITHDRAWN_TEXT, Record, field, today
from hls_workbook.domain.model.choices import (
    Channel,
    CheckedKind,
    ClearanceDecision,
    FeedbackChannel,
    FeedbackStatus,
    LearningKind,
    Level,
    Part,
    SharingAudience,
)


class LearningEntry(Record):
    kind = "learning"
    title_plural = "Learning"
    stage = "3_learning"
    practices = ("LE1", "LE2", "LE3", "BH3")
    date_field = "event_on"
    summary_field = "title"
    free_text = ("title", "observation", "implication", "context", "response")
    past_dates = ("event_on", "recorded_on")

    kind_of_learning: LearningKind = field(
        "Kind of learning",
        "Was it a breakthrough, a disappointment or a surprise? We need all three.",
        "choice",
    )
    title: str = field("In a few words", "Sum it up in a short line.")
    observation: str = field(
        "What we noticed", "What happened? Write it rough; you can tidy it later.", "long_text"
    )
    implication: str | None = field(
        "What it means for us", "So what? What does this mean for our work?", "long_text", None
    )
    context: str | None = field(
        "Where and when it applies", "In what situation did this happen? Would it hold elsewhere?",
        "long_text", None,
    )
    confidence: Level = field(
        "How sure we are", "How sure are we that this is right?", "choice", Level.medium
    )
    response: str | None = field(
        "What we will do", "What will we do now because of this?", "long_text", None
    )
    amplify: bool = field(
        "Amplify and celebrate",
        "Did this work for the people using services? Shall we share and celebrate it?",
        "flag",
        False,
    )
    event_on: dt.date = field("When it happened", "On what day did this happen?", "date")
    recorded_on: dt.date = field(
        "When we wrote it down", "Today, usually.", "date", default_factory=lambda: today()
    )
    owner_role: Part | None = field(
        "Who owns it", "Which part of the system will look after this learning?", "choice", None
    )
    experiment: int | None = field(
        "From experiment", "Did this come from one of our experiments?", "link", None,
        link="experiment",
    )
    voices: list[int] = field(
        "Voices behind it", "Which stories from people using services show this?", "links",
        default_factory=list, link="voice",
    )
    values: list[int] = field(
        "Values it shows", "Which of our shared values does this show?", "links",
        default_factory=list, link="value",
    )
    value_shown: str | None = field(
        "A value in your own words", "A value not in our list yet? Name it here.", "text", None
    )
    evidence_level: int | None = field(
        "Strength of evidence (1-5)", "Optional, 1 to 5.", "integer", None, ge=1, le=5
    )

    @model_validator(mode="after")
    def _recorded_after_event(self) -> LearningEntry:
        if self.recorded_on < self.event_on:
            raise ValueError(
                "recorded_on: we wrote it down before it happened; the date written down "
                "must be on or after the day it happened"
            )
        return self


class Share(Record):
    kind = "share"
    title_plural = "Sharing log"
    stage = "3_learning"
    practices = ("LE1",)
    date_field = "shared_on"
    summary_field = "shared_with"
    free_text = ("notes",)
    past_dates = ("shared_on",)

    learning: int = field(
        "Learning shared", "Which piece of learning did we share?", "link", link="learning"
    )
    shared_with: Part = field(
        "Shared with", "Which part of the system heard about it?", "choice"
    )
    shared_on: dt.date = field("When", "When did we share it?", "date")
    channel: Channel = field("How", "How did we share it?", "choice", Channel.conversation)
    notes: str | None = field("What they said", "How did they respond?", "long_text", None)


class Reflection(Record):
    """A short reflection that follows Gibbs' steps, feelings included."""

    kind = "reflection"
    title_plural = "Reflections"
    stage = "3_learning"
    practices = ("BH1", "ES3", "LE2")
    date_field = "reflected_on"
    summary_field = "description"
    free_text = ("description", "feelings", "evaluation", "analysis", "conclusion", "action_plan")
    past_dates = ("reflected_on",)

    reflected_on: dt.date = field("Date", "When are we reflecting?", "date")
    role: Part | None = field("Your part of the system", "Optional.", "choice", None)
    description: str = field("What happened", "Describe what happened, briefly.", "long_text")
    feelings: str | None = field(
        "What you felt", "What were you thinking and feeling at the time?", "long_text", None
    )
    evaluation: str | None = field(
        "What was good and bad", "What went well? What did not?", "long_text", None
    )
    analysis: str | None = field("Why", "Why do you think it went that way?", "long_text", None)
    conclusion: str | None = field(
        "What else could have been done", "What else could you have done?", "long_text", None
    )
    action_plan: str | None = field(
        "Next time", "What will you do if it happens again?", "long_text", None
    )


class Clearance(Record):
    """A person's check of one piece of typed text before it leaves the team.

    Detection of personal details is a safety net; this is the decision. A clearance
    holds for the text it was made on (``text_sha256``): once the text is edited it
    must be checked again. The original stays for the team; ``shared_text`` is the
    wording for sharing. Clearance for the public covers partners too.

    There is one clearance record per piece of text (``record_kind``, ``record_id``,
    ``field_name``), fingerprint and audience: checking the same text again saves a new
    version of that record, so its history says who checked it, and when, each time.
    Save them with :func:`hls_workbook.privacy.review.record_check`, which works out the
    fingerprint and refuses a piece whose text changed since it was listed.
    """

    kind = "clearance"
    title_plural = "Checks before sharing"
    stage = "3_learning"
    practices = ("LE1",)
    team_only = True  # what a person decided about the team's text stays with the team
    date_field = "checked_on"
    summary_field = "field_name"
    free_text = ("shared_text",)
    personal = ("checked_by",)
    past_dates = ("checked_on",)

    record_kind: CheckedKind = field(
        "Kind of record", "Which kind of record holds the text that was checked?", "choice"
    )
    record_id: int = field(
        "Record", "The number of the record that holds the text (#12).", "integer", ge=1
    )
    field_name: str = field(
        "Question", "Which of the record's questions the text answers (its field name).",
        max_length=60,
    )
    text_sha256: str = field(
        "Fingerprint of the text checked",
        "Worked out by the workbook from the text as it was checked: the check holds only "
        "for that text, so an edited text must be checked again.",
        max_length=64,
    )
    audience: SharingAudience = field(
        "Checked for", "Who may read it: partners across the local system, or the public?",
        "choice",
    )
    decision: ClearanceDecision = field(
        "Decision", "Share it as written, in other words, or not at all?", "choice"
    )
    shared_text: str | None = field(
        "Wording for sharing",
        "How it should read outside the team. The original stays for the team.",
        "long_text", None,
    )
    checked_by: str = field("Checked by", "Who checked it? A name or a role.", max_length=100)
    checked_on: dt.date = field(
        "Checked on", "On what day was it checked? Today, usually.", "date",
        default_factory=lambda: today(),
    )

    @model_validator(mode="after")
    def _wording_for_edits(self) -> Clearance:
        if self.decision == ClearanceDecision.edited and not (self.shared_text or "").strip():
            raise ValueError(
                "shared_text: write the wording to share, or choose 'Clear it as written'"
            )
        return self


class Feedback(Record):
    """A note back to a storyteller ("You said, we did"): what their story changed.

    One note for one story and one thing it shaped (a decision, or learning we amplify),
    written only where the teller agreed to be told (``Voice.consent_tell_back``). It is
    the team's own: never shown to partners or the public (``team_only``), and withdrawing
    the story erases the note's words (``about_story``). How to reach the teller is kept
    wherever the team keeps contact details, never here: the note says only how it went.
    """

    kind = "feedback"
    title_plural = "You said, we did"
    stage = "3_learning"
    practices = ("GS4", "LE1")
    summary_field = "text"
    free_text = ("text",)
    past_dates = ("sent_on",)
    team_only = True
    about_story = "voice"

    voice: int = field(
        "Whose story", "Which story shaped what we did? Only stories whose teller said we "
        "may tell them what happened are listed.", "link", link="voice",
        shows=("domain_of_change", "story"),
        # The one definition of which stories a note back may be about (the store's list
        # and analysis.told_back read it): never a story withdrawn, told in confidence or
        # raising a safeguarding concern (those are only ever counted).
        only={"consent_tell_back": True, "consent_withdrawn": False, "in_confidence": False,
              "safeguarding_concern": False},
    )
    decision: int | None = field(
        "The decision it shaped", "Which decision did the story shape? Choose a decision or "
        "a piece of learning, not both.", "link", None, link="decision", shows=("text",),
    )
    learning: int | None = field(
        "The learning it shows", "Or which piece of learning that we amplify does the story "
        "show?", "link", None, link="learning", shows=("title", "response"),
    )
    text: str = field(
        "What we tell them",
        "Write it to them, in plain words: what you told us, what we did because of it, and "
        "what happens next. No address, phone number or email here.",
        "long_text", max_length=3000,
    )
    status: FeedbackStatus = field(
        "Where it is up to", "Is the note written, sent, or can it not be sent (for example, "
        "we have no way to reach them)?", "choice", FeedbackStatus.drafted,
    )
    sent_on: dt.date | None = field(
        "Sent on", "When did we tell them? Only once it is sent.", "date", None,
    )
    channel: FeedbackChannel | None = field(
        "How we told them", "In person, by phone, by letter, by email or another way. Only "
        "how: never their number or address.", "choice", None,
    )

    #: What replaces a note's words once the story it is about is withdrawn.
    WITHDRAWN_TEXT: ClassVar[str] = WITHDRAWN_TEXT

    @classmethod
    def erased_with_story(cls) -> dict[str, Any]:
        return {"text": cls.WITHDRAWN_TEXT}

    @model_validator(mode="after")
    def _one_thing_and_sent_with_a_date(self) -> Feedback:
        if self.decision is None and self.learning is None:
            raise ValueError(
                "decision: choose the decision the story shaped, or the piece of learning "
                "it shows"
            )
        if self.decision is not None and self.learning is not None:
            raise ValueError(
                "learning: a note is about one thing the story shaped; choose the decision "
                "or the learning, and write a second note for the other"
            )
        sent = self.status == FeedbackStatus.sent
        if sent and self.sent_on is None:
            raise ValueError("sent_on: it is marked sent; say on what day we told them")
        if sent and self.channel is None:
            raise ValueError("channel: it is marked sent; say how we told them")
        if self.sent_on is not None and not sent:
            raise ValueError(
                "sent_on: there is a date it was sent, but it is not marked sent; choose "
                "'Sent' or clear the date"
            )
        return self



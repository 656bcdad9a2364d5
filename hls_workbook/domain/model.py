"""The record kinds a team keeps, one pydantic model each.

Every field carries its label, the question a facilitator would ask (its help prompt)
and the kind of widget that edits it. The forms, the data dictionary and the validation
messages all come from these models, so a field is described once, here.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Mapping
from enum import StrEnum
from typing import Any, ClassVar

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    create_model,
    field_validator,
    model_validator,
)

from hls_workbook.domain.errors import RecordError
from hls_workbook.domain.kinds import KINDS, FieldKind
from hls_workbook.domain.kinds import clean_text as clean_text  # where it was first defined
from hls_workbook.domain.values import missing

# ---------------------------------------------------------------------------
# Choices
# ---------------------------------------------------------------------------


class Choice(StrEnum):
    """A set of choices whose values are stored and whose labels are shown."""

    @classmethod
    def labels(cls) -> dict[str, str]:
        own = getattr(cls, "_labels", {})
        return {m.value: own.get(m.value, m.value.replace("_", " ").capitalize()) for m in cls}

    @property
    def label(self) -> str:
        return type(self).labels()[self.value]


class Part(Choice):
    """The parts of a local system."""

    commissioner = "commissioner"
    charity = "charity"
    community_group = "community_group"
    public_service = "public_service"
    lived_experience = "lived_experience"
    other = "other"


Part._labels = {
    "commissioner": "Commissioner or funder",
    "charity": "Charity",
    "community_group": "Community group",
    "public_service": "Public service",
    "lived_experience": "People with lived experience",
    "other": "Other",
}


class Audience(Choice):
    team = "team"
    partners = "partners"
    public = "public"


Audience._labels = {
    "team": "Our team",
    "partners": "Partners across the local system",
    "public": "The public",
}


class Naming(Choice):
    none = "none"
    first_name = "first_name"
    pseudonym = "pseudonym"
    full = "full"


Naming._labels = {
    "none": "Do not name them",
    "first_name": "First name only",
    "pseudonym": "A made-up name",
    "full": "Full name",
}


class Cadence(Choice):
    weekly = "weekly"
    fortnightly = "fortnightly"
    monthly = "monthly"


class Weekday(Choice):
    monday = "monday"
    tuesday = "tuesday"
    wednesday = "wednesday"
    thursday = "thursday"
    friday = "friday"
    saturday = "saturday"
    sunday = "sunday"


class MeetingKind(Choice):
    service_design = "service_design"
    learning_forum = "learning_forum"
    partnership = "partnership"
    community_conversation = "community_conversation"
    other = "other"


class YesPartlyNo(Choice):
    yes = "yes"
    partly = "partly"
    no = "no"


class Level(Choice):
    low = "low"
    medium = "medium"
    high = "high"


class ExperimentStatus(Choice):
    idea = "idea"
    approved = "approved"
    running = "running"
    paused = "paused"
    ended = "ended"
    stopped = "stopped"


ExperimentStatus._labels = {
    "idea": "An idea",
    "approved": "Permission given",
    "running": "Running",
    "paused": "Paused",
    "ended": "Ended",
    "stopped": "Stopped early",
}


class NextStep(Choice):
    """What a review decides to do next (the probe cycle: amplify, adapt, dampen or stop)."""

    amplify = "amplify"
    adapt = "adapt"
    dampen = "dampen"
    stop = "stop"


NextStep._labels = {
    "amplify": "Amplify: do more of it",
    "adapt": "Adapt: change it and try again",
    "dampen": "Dampen: hold it back for now",
    "stop": "Stop: we learned what we needed",
}


class SignsSeen(Choice):
    """Which of the experiment's own signs (its "amplify if" and "dampen if") a review saw:
    the probe cycle judges an experiment by the rules the team set before it began."""

    amplify = "amplify"
    dampen = "dampen"
    both = "both"
    neither = "neither"


SignsSeen._labels = {
    "amplify": "The signs we said would mean amplify",
    "dampen": "The signs we said would mean dampen",
    "both": "Some of each",
    "neither": "Neither yet",
}


class LearningKind(Choice):
    breakthrough = "breakthrough"
    disappointment = "disappointment"
    surprise = "surprise"


class Channel(Choice):
    meeting = "meeting"
    conversation = "conversation"
    email = "email"
    newsletter = "newsletter"
    report = "report"
    other = "other"


class SupportKind(Choice):
    training = "training"
    reflective_practice = "reflective_practice"
    partnership = "partnership"
    supervision = "supervision"
    someone_to_talk_to = "someone_to_talk_to"
    other = "other"


SupportKind._labels = {
    "training": "Training",
    "reflective_practice": "Facilitated reflective practice",
    "partnership": "A partnership or link",
    "supervision": "Supervision or coaching",
    "someone_to_talk_to": "Someone to talk to",
    "other": "Other",
}


class SupportStatus(Choice):
    open = "open"
    in_progress = "in_progress"
    met = "met"
    declined = "declined"


class BurdenAction(Choice):
    keep = "keep"
    simplify = "simplify"
    share = "share"
    stop = "stop"


BurdenAction._labels = {
    "keep": "Keep it",
    "simplify": "Make it simpler",
    "share": "Share one answer with every funder",
    "stop": "Stop asking for it",
}


class IvarCommitment(Choice):
    """IVAR's 'open and trusting' commitments, to map each funding requirement to."""

    dont_waste_time = "dont_waste_time"
    ask_relevant_questions = "ask_relevant_questions"
    accept_risk = "accept_risk"
    act_with_urgency = "act_with_urgency"
    be_open = "be_open"
    be_flexible = "be_flexible"
    communicate_with_purpose = "communicate_with_purpose"
    be_proportionate = "be_proportionate"


IvarCommitment._labels = {
    "dont_waste_time": "Don't waste time",
    "ask_relevant_questions": "Ask relevant questions",
    "accept_risk": "Accept risk",
    "act_with_urgency": "Act with urgency",
    "be_open": "Be open",
    "be_flexible": "Be flexible",
    "communicate_with_purpose": "Communicate with purpose",
    "be_proportionate": "Be proportionate",
}


class StorytellerRole(Choice):
    person_using_services = "person_using_services"
    carer_or_family = "carer_or_family"
    community_member = "community_member"
    volunteer = "volunteer"
    staff = "staff"
    other = "other"


StorytellerRole._labels = {
    "person_using_services": "Someone who uses services",
    "carer_or_family": "A carer or family member",
    "community_member": "A community member",
    "volunteer": "A volunteer",
    "staff": "A member of staff",
    "other": "Someone else",
}


# The pulse statements: one or more for every behaviour in PRACTICES.md. Scored 0-10 by
# perception, for reflection only, never to hold anyone to account.
PULSE_STATEMENTS: dict[str, tuple[str, str]] = {
    "RC1": ("equal_partners", "We work as equal partners, not as competitors for funding."),
    "RC2": ("know_each_other", "We know each other, and every part of the system is in the room."),
    "RC3": ("hard_conversations", "We can raise hard, uncomfortable issues and talk them through."),
    "RC4": ("honest_forum", "We have a regular place where every partner can be honest."),
    "RC5": ("heard_not_loudest", "Decisions reflect many views, not only the loudest voice."),
    "LB1": ("shared_language", "We use words that make sense to all of us."),
    "LB2": ("light_bureaucracy", "Funding paperwork is in proportion and does not slow us down."),
    "BH1": ("human_kind_honest", "People here are kind, honest and trusting with each other."),
    "BH2": ("shared_values", "We share values and goals across organisations."),
    "BH3": ("brave_in_practice", "We are brave and show our values in everyday work."),
    "ES1": ("leaders_trust", "Leaders show commitment, support and trust to staff and volunteers."),
    "ES2": ("outside_support", "We can get outside support when we need it."),
    "ES3": ("time_for_feelings", "We have time to talk about the emotional side of this work."),
}
Statement = Choice(
    "Statement", {key: key for key, _text in PULSE_STATEMENTS.values()}
)
Statement._labels = {key: text for key, text in PULSE_STATEMENTS.values()}
STATEMENT_PRACTICE = {key: pid for pid, (key, _text) in PULSE_STATEMENTS.items()}


# ---------------------------------------------------------------------------
# Field helper
# ---------------------------------------------------------------------------

#: The widget kinds a field may have: each is a :class:`~hls_workbook.domain.kinds.FieldKind`.
WIDGETS = set(KINDS)


def field(
    label: str,
    help: str,
    widget: str = "text",
    default: Any = ...,
    *,
    link: str | None = None,
    shows: tuple[str, ...] = (),
    asked: str | None = None,
    editing_only: bool = False,
    **kwargs: Any,
) -> Any:
    """A model field with the label, help prompt and widget kind the forms need.

    ``shows`` (a link only): fields of the linked record to show beside the form once one
    is chosen, so a person answers with them in view (a review shows its experiment's
    intent and rules).

    ``asked``: a question a person must answer when they first save the record in a form,
    though a record saved before it was asked (or imported, or made by code, or changed
    later) may leave it empty; the text is what the form says when it is left empty (see
    :meth:`Record.unanswered`). ``editing_only``: asked only when changing a saved record,
    never on a new one (a story's withdrawal)."""
    kind = KINDS.get(widget)
    if kind is None:
        raise ValueError(f"unknown widget kind {widget!r}")
    for key, value in kind.field_defaults.items():
        kwargs.setdefault(key, value)
    if kind.not_blank and default is ... and "default_factory" not in kwargs:
        kwargs.setdefault("min_length", 1)
    extra: dict[str, Any] = {"widget": widget}
    if link:
        extra["link"] = link
    if shows:
        extra["shows"] = list(shows)
    if asked:
        extra["asked"] = asked
    if editing_only:
        extra["editing_only"] = True
    return Field(default, title=label, description=help, json_schema_extra=extra, **kwargs)


_PERIOD = re.compile(r"^\d{4}-(Q[1-4]|0[1-9]|1[0-2])$")


def today() -> dt.date:
    return dt.date.today()


# ---------------------------------------------------------------------------
# Base record
# ---------------------------------------------------------------------------


class Record(BaseModel):
    """Base of every record kind: strict about unknown fields, forgiving about spaces."""

    model_config = ConfigDict(extra="forbid", use_enum_values=True, validate_default=True,
                              defer_build=True)  # built on first use: a light import

    kind: ClassVar[str]
    title_plural: ClassVar[str]
    stage: ClassVar[str]
    practices: ClassVar[tuple[str, ...]]
    #: The field that places a record in a period (for report filters), if any.
    date_field: ClassVar[str | None] = None
    #: Fields holding text a person typed about other people (redacted for the public).
    free_text: ClassVar[tuple[str, ...]] = ()
    #: Fields that would identify someone (never shown to the public).
    personal: ClassVar[tuple[str, ...]] = ()
    #: Dates that cannot be in the future.
    past_dates: ClassVar[tuple[str, ...]] = ()
    #: A short one-line description used in lists and link choices.
    summary_field: ClassVar[str] = ""
    #: For a form-only record: the kind its answers are saved as (see :meth:`expand`).
    stored_as: ClassVar[str | None] = None
    #: Fields whose answers a form repeats when it saves (a story's consent): see
    #: :meth:`confirmed`.
    confirms: ClassVar[tuple[str, ...]] = ()
    #: Kept within the team: the privacy gate hands no row of it to partners or the
    #: public (``privacy.policy.TEAM_ONLY``), whatever its fields.
    team_only: ClassVar[bool] = False
    #: The link naming the story this record's words are about (a note back to its
    #: teller): withdrawing that story erases them too (:meth:`erased_with_story`).
    about_story: ClassVar[str | None] = None

    @classmethod
    def erased_with_story(cls) -> dict[str, Any]:
        """What replaces this record's words when the story it is about (its
        ``about_story`` link) is withdrawn: nothing for a record about no story."""
        return {}

    @field_validator("*", mode="before")
    @classmethod
    def _forgiving_input(cls, value: Any, info: Any) -> Any:
        """Accept what forms and spreadsheets give: blanks, comma lists, JSON text."""
        f = cls.model_fields[info.field_name]
        kind = KINDS[(f.json_schema_extra or {}).get("widget", "text")]
        return kind.forgive(value, f.is_required())

    @field_validator("*", mode="after")
    @classmethod
    def _no_future_dates(cls, value: Any, info: Any) -> Any:
        if info.field_name in cls.past_dates and value is not None and value > today():
            raise ValueError(
                f"{value.isoformat()} is in the future; pick today or an earlier date"
            )
        return value

    @classmethod
    def validate_input(cls, data: dict[str, Any], *, entered: bool = False) -> Record:
        """Validate form or file input; raise RecordError with a plain message per field.

        ``entered``: a person typed a new record into a form, so the questions they must
        answer (:meth:`unanswered`) are checked too, and said with any other problem.
        """
        problems = cls.unanswered(data) if entered else {}
        try:
            record = cls.model_validate(data)
        except ValidationError as exc:
            found = RecordError.from_validation(cls, exc).problems
            problems = {**problems, **{k: v for k, v in found.items() if k not in problems}}
            order = list(cls.model_fields)
            problems = dict(sorted(problems.items(), key=lambda item: (
                order.index(item[0]) if item[0] in order else len(order))))
            raise RecordError(problems, cls.kind) from None
        if problems:
            raise RecordError(problems, cls.kind)
        return record

    @classmethod
    def unanswered(cls, data: Mapping[str, Any]) -> dict[str, str]:
        """The questions a person must answer in a form (a field's ``asked``) that ``data``
        leaves empty, each with its message naming the question."""
        out = {}
        for meta in cls.fields_meta():
            if meta.asked and _blank(data.get(meta.name)):
                out[meta.name] = f"{meta.label}: {meta.asked}"
        return out

    @classmethod
    def fields_meta(cls) -> list[FieldMeta]:
        """What the forms and the data dictionary need about each field, in order.

        Worked out once per model (the fields never change at run time) and shared: the
        :class:`FieldMeta` objects are frozen, and each call gets a new list.
        """
        return list(_metas(cls).values())

    @classmethod
    def field_meta(cls, name: str) -> FieldMeta:
        """One field's :class:`FieldMeta` (a KeyError for a name that is not a field)."""
        return _metas(cls)[name]

    def summary(self) -> str:
        return str(getattr(self, self.summary_field, "") or "")

    def confirmed(self) -> tuple[str, ...]:
        """The fields whose answers a form repeats once this record is saved."""
        return self.confirms

    def expand(self) -> list[Record]:
        """The records to save for this one: itself, except for form-only records."""
        return [self]


class FieldMeta(BaseModel):
    """What the forms and the data dictionary need to know about one field."""

    model_config = ConfigDict(frozen=True)

    name: str
    label: str
    help: str
    widget: str
    required: bool
    choices: dict[str, str] | None = None
    link: str | None = None
    shows: tuple[str, ...] = ()
    #: what a form says when a question a new record must answer is left empty (None: none)
    asked: str | None = None
    #: asked only when changing a saved record, never on a new one
    editing_only: bool = False
    max_length: int | None = None
    minimum: float | None = None
    maximum: float | None = None
    type_name: str = "text"

    @property
    def field_kind(self) -> FieldKind:
        """Everything about this field's kind of answer (its ``widget``)."""
        return KINDS[self.widget]

    @classmethod
    def of(cls, model: type[Record], name: str) -> FieldMeta:
        f = model.model_fields[name]
        extra = f.json_schema_extra or {}
        widget = extra.get("widget", "text")
        max_length = minimum = maximum = None
        for m in f.metadata:
            max_length = getattr(m, "max_length", None) or max_length
            for attr in ("ge", "gt"):
                if getattr(m, attr, None) is not None:
                    minimum = getattr(m, attr)
            for attr in ("le", "lt"):
                if getattr(m, attr, None) is not None:
                    maximum = getattr(m, attr)
        choices = None
        enum = _enum_of(f.annotation)
        if enum is not None:
            choices = enum.labels()
        type_name = KINDS[widget].type_name
        return cls(
            name=name,
            label=f.title or name,
            help=f.description or "",
            widget=widget,
            required=f.is_required(),
            choices=choices,
            link=extra.get("link"),
            shows=tuple(extra.get("shows", ())),
            asked=extra.get("asked"),
            editing_only=bool(extra.get("editing_only", False)),
            max_length=max_length,
            minimum=minimum,
            maximum=maximum,
            type_name=type_name,
        )


_METAS: dict[type[Record], dict[str, FieldMeta]] = {}


def _metas(model: type[Record]) -> dict[str, FieldMeta]:
    """Each field's FieldMeta, by name, worked out on first use and kept per model class."""
    found = _METAS.get(model)
    if found is None:
        found = _METAS[model] = {name: FieldMeta.of(model, name) for name in model.model_fields}
    return found


def _enum_of(annotation: Any) -> type[Choice] | None:
    """Find the Choice enum inside an annotation such as `Part | None` or `list[Part]`."""
    if isinstance(annotation, type) and issubclass(annotation, Choice):
        return annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        found = _enum_of(arg)
        if found is not None:
            return found
    return None


def _blank(value: Any) -> bool:
    """An unanswered value as a form or a file gives it: None, blank text, an empty list."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, list | tuple | set | dict):
        return not value
    return False


def _period_ok(value: str | None) -> str | None:
    if value is not None and not _PERIOD.match(value):
        raise ValueError(
            "write the period as a year and quarter (2026-Q3) or a year and month (2026-09)"
        )
    return value


# ---------------------------------------------------------------------------
# Getting started
# ---------------------------------------------------------------------------


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
    WITHDRAWN_TEXT: ClassVar[str] = "[withdrawn]"

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


# ---------------------------------------------------------------------------
# Experimentation
# ---------------------------------------------------------------------------


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
    value_shown: str | None = field(
        "Value it shows", "Which of our shared values does this put into practice?", "text", None
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


# ---------------------------------------------------------------------------
# Learning
# ---------------------------------------------------------------------------


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
    value_shown: str | None = field(
        "Value it shows", "Which of our shared values does this show?", "text", None
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


# ---------------------------------------------------------------------------
# Relationships and support
# ---------------------------------------------------------------------------


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
    role: Part = field("Your part of the system", "No names: only your part.", "choice")
    period: str = field(
        "Round", "Which round is this, for example 2026-Q3?", "period"
    )
    answered_on: dt.date = field(
        "Answered on", "Today, usually.", "date", default_factory=lambda: today()
    )
    anonymous: bool = field(
        "Anonymous", "Pulse answers are always anonymous.", "flag", True
    )

    @field_validator("period")
    @classmethod
    def _period_format(cls, value: str) -> str:
        return _period_ok(value)


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
    role: Part = field("Your part of the system", "No names: only your part.", "choice")
    checked_in_on: dt.date = field(
        "Date", "Today, usually.", "date", default_factory=lambda: today()
    )
    anonymous: bool = field("Anonymous", "Check-ins are always anonymous.", "flag", True)


class ClearanceDecision(Choice):
    cleared = "cleared"
    edited = "edited"
    held = "held"


ClearanceDecision._labels = {
    "cleared": "Clear it as written",
    "edited": "Share it in other words",
    "held": "Hold it back",
}

#: The kinds of record a piece of checked text can be in (every kind that may leave the
#: team: not the check itself, nor a note back to a storyteller).
#: ``RECORD_KINDS`` is checked against this list below, so the two cannot drift apart.
_CHECKED_KINDS = (
    "place", "partner", "voice", "meeting_series", "meeting", "glossary_term", "experiment",
    "review", "learning", "share", "reflection", "pulse", "contribution", "decision", "burden",
    "value", "support", "checkin",
)
CheckedKind = Choice("CheckedKind", {k: k for k in _CHECKED_KINDS})


class SharingAudience(Choice):
    """Who a check is for: the team sees every text as it was written, so never the team."""

    partners = "partners"
    public = "public"


SharingAudience._labels = {k: Audience.labels()[k] for k in ("partners", "public")}


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


class FeedbackStatus(Choice):
    drafted = "drafted"
    sent = "sent"
    cannot_send = "cannot_send"


FeedbackStatus._labels = {
    "drafted": "Written, not sent yet",
    "sent": "Sent: they have been told",
    "cannot_send": "Cannot be sent",
}


class FeedbackChannel(Choice):
    in_person = "in_person"
    phone = "phone"
    letter = "letter"
    email = "email"
    other = "other"


FeedbackChannel._labels = {
    "in_person": "In person",
    "phone": "By phone",
    "letter": "By letter",
    "email": "By email",
    "other": "Another way",
}


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
        "Whose story", "Which story shaped what we did?", "link", link="voice",
        shows=("domain_of_change", "story"),
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
    WITHDRAWN_TEXT: ClassVar[str] = "[withdrawn]"

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


class _PulseRoundBase(Record):
    """A whole pulse round in one form: one score per statement, saved as separate,
    anonymous pulse answers (so a round is one Submit, not thirteen)."""

    kind = "pulse_round"
    title_plural = "Behaviour pulse round"
    stage = "4_relationships_and_support"
    practices = PulseResponse.practices
    stored_as = "pulse"
    summary_field = "period"

    role: Part = field("Your part of the system", "No names: only your part.", "choice")
    period: str = field("Round", "Which round is this, for example 2026-Q3?", "period")
    answered_on: dt.date = field(
        "Answered on", "Today, usually.", "date", default_factory=lambda: today()
    )

    @field_validator("period")
    @classmethod
    def _period_format(cls, value: str) -> str:
        return _period_ok(value)

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

#: Records a form can fill in that are saved as other kinds (they have no table).
FORM_ONLY_KINDS: dict[str, type[Record]] = {"pulse_round": PulseRound}

RECORD_KINDS: dict[str, type[Record]] = {
    m.kind: m
    for m in (
        Place, Partner, Voice, MeetingSeries, Meeting, GlossaryTerm, Experiment, Review,
        LearningEntry, Share, Reflection, PulseResponse, Contribution, Decision, BurdenItem,
        ValueStatement, SupportRequest, CheckIn, Clearance, Feedback,
    )
}

_ALIASES = {m.title_plural.lower(): k for k, m in RECORD_KINDS.items()}
_ALIASES.update({k + "s": k for k in RECORD_KINDS})
_ALIASES.update({"learnings": "learning", "learning_entry": "learning", "checkins": "checkin",
                 "voices": "voice", "meeting_series": "meeting_series", "glossary": "glossary_term",
                 "values": "value", "burden_items": "burden", "pulse_responses": "pulse",
                 "clearances": "clearance", "you_said_we_did": "feedback",
                 "notes_back": "feedback"})
if set(_CHECKED_KINDS) != {k for k, m in RECORD_KINDS.items()
                           if not m.team_only}:  # pragma: no cover
    raise RuntimeError("model._CHECKED_KINDS must list every record kind that may be shared "
                       "(every kind but the team's own: clearance, feedback)")


def model_for(kind: str) -> type[Record]:
    """The model for a record kind; accepts the kind, its plural or its title."""
    key = kind.strip().lower().replace("-", "_").replace(" ", "_")
    key = _ALIASES.get(key, _ALIASES.get(kind.strip().lower(), key))
    try:
        return RECORD_KINDS[key] if key in RECORD_KINDS else FORM_ONLY_KINDS[key]
    except KeyError:
        known = ", ".join(sorted(RECORD_KINDS))
        raise RecordError(
            {"kind": f"'{kind}' is not a kind of record; use one of: {known}"}
        ) from None

"""The choices a field offers: the stored values and the labels people see.

Every set of choices of every record kind lives here (the parts of a local system, who may
read a story, the pulse statements, ...), so a label is written once and the kinds, the
forms and the analysis share it.
"""

from __future__ import annotations

import textwrap
from enum import StrEnum


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
#: Each statement in a few plain words, for a chart's axis: one line on a phone (the whole
#: statement wrapped to three lines made the pulse chart a page tall in print). Forms, and
#: the tables of readers who act on each statement (the team, partners), say it whole.
STATEMENT_SHORT: dict[str, str] = {
    "equal_partners": "Equal partners",
    "know_each_other": "Every part in the room",
    "hard_conversations": "Hard issues talked through",
    "honest_forum": "A place to be honest",
    "heard_not_loudest": "Not only the loudest voice",
    "shared_language": "Words we all understand",
    "light_bureaucracy": "Paperwork in proportion",
    "human_kind_honest": "Kind, honest, trusting",
    "shared_values": "Shared values and goals",
    "brave_in_practice": "Brave, living our values",
    "leaders_trust": "Leaders support and trust",
    "outside_support": "Outside support we need",
    "time_for_feelings": "Time for feelings",
}


def statement_short(key: str, label: str) -> str:
    """A statement in a few words (:data:`STATEMENT_SHORT`); one not listed there, such
    as a team's own, shortened to 26 characters."""
    return STATEMENT_SHORT.get(key) or textwrap.shorten(str(label), 26, placeholder="\u2026")


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
#: ``RECORD_KINDS`` is checked against this list (in ``registry``), so the two cannot drift apart.
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


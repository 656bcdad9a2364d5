"""The record kinds a team keeps, one pydantic model each.

Every field carries its label, the question a facilitator would ask (its help prompt)
and the kind of widget that edits it. The forms, the data dictionary and the validation
messages all come from these models, so a field is described once, here.

The package is split by concern, and this module gathers its public names so that
``from hls_workbook.domain.model import Voice`` keeps working:

- ``choices``: the sets of choices and their labels (``Part``, ``Audience``, the pulse
  statements, ...);
- ``base``: the ``field()`` helper, ``FieldMeta`` and the ``Record`` base class;
- ``getting_started``, ``experimentation``, ``learning``, ``relationships``: the record
  kinds, by the stage they belong to;
- ``registry``: ``RECORD_KINDS``, ``FORM_ONLY_KINDS`` and ``model_for``.
"""

from __future__ import annotations

from hls_workbook.domain.errors import RecordError
from hls_workbook.domain.kinds import clean_text  # where it was first defined
from hls_workbook.domain.model.base import WIDGETS, FieldMeta, Record, field, today
from hls_workbook.domain.model.choices import (
    PULSE_STATEMENTS,
    STATEMENT_PRACTICE,
    STATEMENT_SHORT,
    Audience,
    BurdenAction,
    Cadence,
    Channel,
    CheckedKind,
    Choice,
    ClearanceDecision,
    ExperimentStatus,
    FeedbackChannel,
    FeedbackStatus,
    IvarCommitment,
    LearningKind,
    Level,
    MeetingKind,
    Naming,
    NextStep,
    Part,
    SharingAudience,
    SignsSeen,
    Statement,
    StorytellerRole,
    SupportKind,
    SupportStatus,
    Weekday,
    YesPartlyNo,
    statement_short,
)
from hls_workbook.domain.model.experimentation import Experiment, Review
from hls_workbook.domain.model.getting_started import (
    GlossaryTerm,
    Meeting,
    MeetingSeries,
    Partner,
    Place,
    Voice,
)
from hls_workbook.domain.model.learning import Clearance, Feedback, LearningEntry, Reflection, Share
from hls_workbook.domain.model.registry import FORM_ONLY_KINDS, RECORD_KINDS, model_for
from hls_workbook.domain.model.relationships import (
    BurdenItem,
    CheckIn,
    Contribution,
    Decision,
    PulseResponse,
    PulseRound,
    SupportRequest,
    ValueStatement,
)

__all__ = [
    "FORM_ONLY_KINDS", "PULSE_STATEMENTS", "RECORD_KINDS", "STATEMENT_PRACTICE", "STATEMENT_SHORT",
    "WIDGETS",
    "Audience", "BurdenAction", "BurdenItem", "Cadence", "Channel", "CheckIn", "CheckedKind",
    "Choice", "Clearance", "ClearanceDecision", "Contribution", "Decision", "Experiment",
    "ExperimentStatus", "Feedback", "FeedbackChannel", "FeedbackStatus", "FieldMeta",
    "GlossaryTerm", "IvarCommitment", "LearningEntry", "LearningKind", "Level", "Meeting",
    "MeetingKind", "MeetingSeries", "Naming", "NextStep", "Part", "Partner", "Place",
    "PulseResponse", "PulseRound", "Record", "RecordError", "Reflection", "Review", "Share",
    "SharingAudience", "SignsSeen", "Statement", "StorytellerRole", "SupportKind",
    "SupportRequest", "SupportStatus", "ValueStatement", "Voice", "Weekday", "YesPartlyNo",
    "clean_text", "field", "model_for", "statement_short", "today",
]

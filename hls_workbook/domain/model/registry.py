"""The registry of record kinds: ``RECORD_KINDS``, the form-only kinds, and ``model_for``,
which finds a kind by its name, its plural or its title.
"""

from __future__ import annotations

from hls_workbook.domain.errors import RecordError
from hls_workbook.domain.model.base import Record
from hls_workbook.domain.model.choices import CheckedKind
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
if {m.value for m in CheckedKind} != {k for k, m in RECORD_KINDS.items()
                                     if not m.team_only}:  # pragma: no cover
    raise RuntimeError("choices.CheckedKind must list every record kind that may be shared "
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

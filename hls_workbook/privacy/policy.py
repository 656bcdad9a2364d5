"""Who may see what: the three audiences, the threshold, and the policy of each.

Imports nothing from the rest of the privacy package; everything else builds on it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from hls_workbook.domain.errors import RecordError
from hls_workbook.domain.model import RECORD_KINDS, Audience, model_for

if TYPE_CHECKING:
    import pandas as pd

    from hls_workbook.privacy.numbers import SuppressedTable

#: What replaces a personal detail in public text.
REMOVED = "[removed]"

#: The smallest count of people a public report may show. A team may raise it (some
#: secure data services use 10); nobody may lower it (UK disclosure practice: counts of
#: 1-2 are unsafe, 3-4 risky in small areas).
MIN_PUBLIC_THRESHOLD = 5
MAX_THRESHOLD = 100


def check_threshold(threshold: object, audience: object = "public") -> int:
    """The threshold as a whole number, refused below 5 for the public (the one rule)."""
    text = str(threshold).strip()
    value = int(text) if text.isascii() and text.isdigit() else (
        int(threshold) if isinstance(threshold, float) and threshold.is_integer() else None)
    if value is None:
        raise RecordError({"threshold": (
            f"Threshold: '{threshold}' is not a whole number; give one from "
            f"{MIN_PUBLIC_THRESHOLD} to {MAX_THRESHOLD} (usually 5 or 10)")})
    if not 1 <= value <= MAX_THRESHOLD:
        raise RecordError({"threshold": (
            f"Threshold: give a whole number from 1 to {MAX_THRESHOLD} (usually 5 or 10); a "
            f"public report needs {MIN_PUBLIC_THRESHOLD} or more")})
    if _audience(audience) == Audience.public.value and value < MIN_PUBLIC_THRESHOLD:
        raise RecordError({"threshold": (
            f"Threshold: a public report hides every count of people under "
            f"{MIN_PUBLIC_THRESHOLD}; {value} would let people be recognised. Give "
            f"{MIN_PUBLIC_THRESHOLD} or more")})
    return value

#: Audiences from the least to the most open. Consent to one allows every earlier one.
AUDIENCE_ORDER: tuple[str, ...] = (Audience.team.value, Audience.partners.value,
                                   Audience.public.value)

#: Record kinds whose rows a public report may only show in aggregate, with suppression.
AGGREGATE_ONLY: frozenset[str] = frozenset({"pulse", "checkin"})

#: Record kinds that stay with the team: no row of them reaches partners or the public,
#: whatever its fields (a model's ``team_only``: the checks of text before sharing, the
#: notes back to storytellers).
TEAM_ONLY: frozenset[str] = frozenset(k for k, m in RECORD_KINDS.items() if m.team_only)

#: Voice columns that name or point at a person; never shown beyond the team.
VOICE_PERSONAL = ("storyteller_name", "pseudonym", "collected_by")

#: Flags that take a story out of every output when set (or missing).
VOICE_BLOCKING_FLAGS = ("consent_withdrawn", "in_confidence", "safeguarding_concern")

#: Record fields holding links to voices, by kind.
VOICE_LINKS = {"learning": "voices", "decision": "voices"}


def _audience(audience: str | Audience) -> str:
    value = str(getattr(audience, "value", audience)).strip().lower()
    if value not in AUDIENCE_ORDER:
        raise RecordError(
            {"audience": (
                f"Audience: '{audience}' is not an audience; use one of: "
                + ", ".join(AUDIENCE_ORDER)
            )}
        )
    return value


# ---------------------------------------------------------------------------
# Policy
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Policy:
    """What one audience may see, and the smallest count that may be shown to it.

    >>> p = Policy.of("public")
    >>> p.may_see_counts_below_threshold, p.threshold
    (False, 5)
    """

    audience: str
    threshold: int = MIN_PUBLIC_THRESHOLD

    def __post_init__(self) -> None:
        object.__setattr__(self, "audience", _audience(self.audience))
        object.__setattr__(self, "threshold", check_threshold(self.threshold, self.audience))

    @classmethod
    def of(cls, audience: str | Audience | Policy, threshold: int = MIN_PUBLIC_THRESHOLD) -> Policy:
        if isinstance(audience, Policy):
            return audience
        return cls(_audience(audience), threshold)

    @property
    def rank(self) -> int:
        return AUDIENCE_ORDER.index(self.audience)

    @property
    def is_public(self) -> bool:
        return self.audience == Audience.public.value

    @property
    def may_see_counts_below_threshold(self) -> bool:
        """Only the public needs small counts suppressed."""
        return not self.is_public

    @property
    def may_see_personal_fields(self) -> bool:
        """Names and other ``personal`` fields: the team only."""
        return self.audience == Audience.team.value

    @property
    def may_see_unredacted_text(self) -> bool:
        """Typed text as typed: the team only. Partners get detected details removed."""
        return self.audience == Audience.team.value

    @property
    def may_see_unchecked_text(self) -> bool:
        """The public sees only text a person cleared for it (:mod:`.clearance`)."""
        return not self.is_public

    @property
    def may_see_speaker_pseudonyms(self) -> bool:
        return self.audience == Audience.team.value

    def may_see_kind(self, kind: str) -> bool:
        """May this audience see any record of a kind? Not of a team-only kind
        (:data:`TEAM_ONLY`) beyond the team."""
        return self.audience == Audience.team.value or model_for(kind).kind not in TEAM_ONLY

    def may_see_rows_of(self, kind: str) -> bool:
        """False when a kind's rows may only be shown in aggregate to this audience."""
        return not (self.is_public and model_for(kind).kind in AGGREGATE_ONLY)

    def may_show_aggregate(self, n: int) -> bool:
        """May a figure summarising ``n`` answers (a mean, a share) be shown?"""
        return self.may_see_counts_below_threshold or n == 0 or n >= self.threshold

    @property
    def effective_threshold(self) -> int:
        """The threshold to suppress with: 0 (nothing suppressed) unless public."""
        return 0 if self.may_see_counts_below_threshold else self.threshold

    def suppress(self, df: pd.DataFrame, count_cols: Sequence[str], **kwargs: Any
                 ) -> SuppressedTable:
        """:func:`suppress_counts` with this audience's threshold."""
        from hls_workbook.privacy.numbers import suppress_counts

        return suppress_counts(df, count_cols, threshold=self.effective_threshold, **kwargs)



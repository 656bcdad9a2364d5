"""Who may see what: the three audiences, the threshold, and the policy of each.

Imports nothing from the rest of the privacy package; everything else builds on it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..errors import RecordError
from ..model import Audience, model_for

if TYPE_CHECKING:
    import pandas as pd

    from .numbers import SuppressedTable

#: What replaces a personal detail in public text.
REMOVED = "[removed]"

#: Audiences from the least to the most open. Consent to one allows every earlier one.
AUDIENCE_ORDER: tuple[str, ...] = (Audience.team.value, Audience.partners.value,
                                   Audience.public.value)

#: Record kinds whose rows a public report may only show in aggregate, with suppression.
AGGREGATE_ONLY: frozenset[str] = frozenset({"pulse", "checkin"})

#: Voice columns that name or point at a person; never shown beyond the team.
VOICE_PERSONAL = ("storyteller_name", "pseudonym", "collected_by")

#: Flags that take a story out of every output when set (or missing).
VOICE_BLOCKING_FLAGS = ("consent_withdrawn", "in_confidence", "safeguarding_concern")

#: Record fields holding links to voices, by kind.
VOICE_LINKS = {"learning": "voices", "decision": "voices"}

_TEXT_WIDGETS = ("text", "long_text", "tags")


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
    threshold: int = 5

    def __post_init__(self) -> None:
        object.__setattr__(self, "audience", _audience(self.audience))
        if int(self.threshold) != self.threshold or self.threshold < 0:
            raise RecordError(
                {"threshold": "Threshold: give a whole number, 0 or more (usually 5 or 10)"}
            )
        object.__setattr__(self, "threshold", int(self.threshold))

    @classmethod
    def of(cls, audience: str | Audience | Policy, threshold: int = 5) -> Policy:
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
        return not self.is_public

    @property
    def may_see_speaker_pseudonyms(self) -> bool:
        return not self.is_public

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
        from .numbers import suppress_counts

        return suppress_counts(df, count_cols, threshold=self.effective_threshold, **kwargs)



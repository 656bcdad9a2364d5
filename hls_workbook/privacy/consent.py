"""Stories and consent: which stories an audience may read, and under which name."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from hls_workbook.domain.errors import WorkbookError
from hls_workbook.domain.model import Audience, Naming, StorytellerRole, Voice
from hls_workbook.domain.values import missing as _missing
from hls_workbook.privacy.detect import _TITLES, _clean_name
from hls_workbook.privacy.policy import (
    AUDIENCE_ORDER,
    VOICE_BLOCKING_FLAGS,
    VOICE_PERSONAL,
    _audience,
)


def _as_list(value: Any) -> list[Any]:
    if isinstance(value, list | tuple | set | frozenset):
        return list(value)
    if hasattr(value, "tolist") and not isinstance(value, str):
        return list(value.tolist())
    if _missing(value) or value == "":
        return []
    if isinstance(value, str):
        import json

        try:
            loaded = json.loads(value)
        except ValueError:
            return [v.strip() for v in value.split(",") if v.strip()]
        return loaded if isinstance(loaded, list) else [loaded]
    return [value]


def consent_allows(consent_audiences: Any, audience: str | Audience) -> bool:
    """Does this consent cover the audience? Consent to a wider circle covers narrower ones.

    >>> consent_allows(["public"], "team"), consent_allows(["team"], "partners")
    (True, False)
    """
    wanted = AUDIENCE_ORDER.index(_audience(audience))
    given = [str(getattr(a, "value", a)).strip().lower() for a in _as_list(consent_audiences)]
    ranks = [AUDIENCE_ORDER.index(a) for a in given if a in AUDIENCE_ORDER]
    return bool(ranks) and max(ranks) >= wanted


def _flag_set(series: pd.Series) -> pd.Series:
    """True where the flag is set or missing (unknown counts as set)."""
    values = series.astype(object)
    unknown = values.isna()
    return unknown | values.where(~unknown, True).astype(bool)


def _current(df: pd.DataFrame) -> pd.DataFrame:
    keep = pd.Series(True, index=df.index)
    if "archived" in df:
        keep &= ~_flag_set(df["archived"])
    if "superseded_at" in df:
        keep &= df["superseded_at"].isna()
    return df[keep]


def usable_voices(voices_df: pd.DataFrame) -> pd.DataFrame:
    """Stories that may be used at all: current, not archived, not withdrawn (on any
    version given), not in confidence, no safeguarding concern. Consent to an audience
    is checked separately by :func:`visible_voices`."""
    df = voices_df
    missing = [c for c in VOICE_BLOCKING_FLAGS if c not in df]
    if missing:
        raise WorkbookError(
            "The voices table has no " + ", ".join(missing) + " column, so no story can be "
            "shown safely. Read it with Workbook.table('voice')."
        )
    withdrawn_ids = set(df.loc[_flag_set(df["consent_withdrawn"]), "id"]) if "id" in df else set()
    df = _current(df)
    blocked = pd.Series(False, index=df.index)
    for flag in VOICE_BLOCKING_FLAGS:
        blocked |= _flag_set(df[flag])
    if "id" in df:
        blocked |= df["id"].isin(withdrawn_ids)
    if "story" in df:
        blocked |= df["story"].astype(object).map(lambda s: str(s).strip() == Voice.WITHDRAWN_TEXT)
    return df[~blocked]


def _role_label(role: Any) -> str:
    labels = StorytellerRole.labels()
    return labels.get(str(role), "Anonymous") if not _missing(role) else "Anonymous"


def shown_name(row: Mapping[str, Any], *, beyond_team: bool = False) -> str:
    """The name a story is shown under, as its teller agreed.

    none: the storyteller's role ("A carer or family member"), or "Anonymous";
    first_name: the first word of their name; pseudonym: the made-up name;
    full: their name. Where the name needed is missing, the role is shown.
    ``beyond_team``: for partners and the public, their own name (first or full) only once
    the story was read back to them and they agreed (``consent_reviewed``); until then
    the role, so that no one's name goes out beside words they have not seen.
    """
    naming = row.get("consent_naming")
    name = _clean_name(row.get("storyteller_name"))
    read_back = row.get("consent_reviewed")
    if beyond_team and (_missing(read_back) or not bool(read_back)):
        name = ""
    pseudonym = _clean_name(row.get("pseudonym"))
    fallback = _role_label(row.get("storyteller_role"))
    if naming == Naming.first_name.value and name:
        tokens = name.split()
        if len(tokens) > 1 and tokens[0].strip(".").casefold() in _TITLES:
            tokens = tokens[1:]
        return tokens[0]
    if naming == Naming.pseudonym.value and pseudonym:
        return pseudonym
    if naming == Naming.full.value and name:
        return name
    return fallback


def visible_voices(
    voices_df: pd.DataFrame, audience: str | Audience, *, keep_personal: bool = False
) -> pd.DataFrame:
    """The stories an audience may read, each with the name it may be shown under.

    A story is kept when :func:`usable_voices` keeps it and its ``consent_audiences``
    allow the audience, with the nesting team ⊂ partners ⊂ public: consent to
    ``public`` allows partners and team, consent to ``partners`` allows team, and a
    story with no audience ticked is shown to nobody.

    Adds ``shown_name`` (see :func:`shown_name`) and drops ``storyteller_name``,
    ``pseudonym`` and ``collected_by`` (the pseudonym, where allowed, is in
    ``shown_name``). ``keep_personal=True`` keeps those columns: the team's own view.
    """
    aud = _audience(audience)
    df = usable_voices(voices_df)
    if "consent_audiences" not in df:
        raise WorkbookError(
            "The voices table has no consent_audiences column, so no story can be shown."
        )
    allowed = df["consent_audiences"].map(lambda c: consent_allows(c, aud)).astype(bool)
    df = df[allowed].copy()
    beyond = aud != Audience.team.value
    df["shown_name"] = pd.Series(
        [shown_name(r, beyond_team=beyond) for r in df.to_dict("records")], index=df.index,
        dtype=object)
    if not keep_personal:
        df = df.drop(columns=[c for c in VOICE_PERSONAL if c in df])
    return df



def widest_audience(consent_audiences: Any) -> str:
    """The widest audience a consent allows ("public", "partners", "team"), or "nobody"."""
    for audience in reversed(AUDIENCE_ORDER):
        if consent_allows(consent_audiences, audience):
            return audience
    return "nobody"


def consent_ledger(voices_df: pd.DataFrame) -> dict[str, int]:
    """The team's bookkeeping of its stories' consent, as counts (never their words).

    ``total`` current stories; of the usable ones (:func:`usable_voices`), how many each
    audience may read at the widest (``public``, ``partners``, ``team``) and how many no
    one yet (``nobody``: ask the teller) and ``not_read_back``; and ``withdrawn``,
    ``in_confidence`` and ``safeguarding``, which are never used. The team's stage
    notebook shows this, so that it can act on it; reports never do.
    """
    current = _current(voices_df)
    usable = usable_voices(voices_df)
    widest = usable["consent_audiences"].map(widest_audience).value_counts()
    ledger = {"total": len(current)}
    ledger.update({a: int(widest.get(a, 0)) for a in (*reversed(AUDIENCE_ORDER), "nobody")})
    read_back = usable["consent_reviewed"].astype(object).fillna(False).astype(bool)
    ledger["not_read_back"] = int((~read_back).sum())
    for key, flag in (("withdrawn", "consent_withdrawn"), ("in_confidence", "in_confidence"),
                      ("safeguarding", "safeguarding_concern")):
        ledger[key] = int(_flag_set(current[flag]).sum()) if len(current) else 0
    return ledger

"""What an audience may see: consent, redaction, small numbers and escaping.

Reports call :func:`apply` on the DataFrames from ``Workbook.table`` (or ``tables``)
before any of the data reaches a report cell, then :func:`suppress_counts` on every
count they show to the public, and :func:`escape` on every piece of text a person typed
when it is rendered as HTML. Everything here is a pure function over DataFrames and
strings: no I/O, no widgets, nothing cached between calls except compiled patterns.

The three audiences (``model.Audience``) are nested by *sensitivity*:

``team`` ⊂ ``partners`` ⊂ ``public``

A storyteller who agrees that the public may read their story has agreed to the wider
circle, so partners and the team may read it too; consent to ``partners`` also allows
``team``; consent to ``team`` allows only the team. A story with no audience ticked is
used in no report at all, not even the team's: nobody has asked the storyteller yet.

Rules that hold for every audience, without exception:

- a withdrawn story (``consent_withdrawn`` on any version we are given), a story told
  in confidence and a story that raised a safeguarding concern never appear; a missing
  flag counts as set, because we cannot show that the story is safe to use;
- archived rows and superseded versions never appear: reports show what is current;
- links from learning entries and decisions to stories that may not be shown are
  dropped, so a hidden story cannot be counted or looked up through them.

What each audience sees besides (see :func:`apply`):

========  =================================================================
team      every current record, names and all; stories only as consent allows,
          with a ``shown_name`` column
partners  as team, without any model's ``personal`` fields; stories show only
          ``shown_name`` (never ``storyteller_name``, ``pseudonym``, ``collected_by``)
public    as partners, with every typed text field (each model's ``free_text`` and every
          text, long text or tags field) redacted (:func:`redact`), partner
          contact names gone, speakers' made-up names replaced by their part of the
          system, and pulse answers and check-ins marked for aggregate use only:
          a report must aggregate them and pass the counts through
          :func:`suppress_counts` (or check :meth:`Policy.may_show_aggregate`)
========  =================================================================

Every frame :func:`apply` returns carries ``df.attrs["privacy"]``: the audience, the
threshold and whether the frame is for aggregate use only.

Counts that are not records (for example a meeting's ``attendance`` by part of the
system) pass through :func:`apply` unchanged: a public report must suppress them too.

Which numbers are counts of people
----------------------------------

Small-number suppression protects people, so it applies to numbers that count people or
records about people, and only to those:

- counts of people (attendances, speakers, people in a group), of what people gave
  (stories, pulse answers, check-ins, contributions) and of records of what a part of the
  system said or did whose members may be few (decisions a part proposed or whose views
  shaped them; pieces of learning, which are often about the people we serve, and their
  reach by part): each from 1 to ``threshold - 1`` is shown as "fewer than N", with
  secondary suppression wherever a total would give it away (:func:`suppress_counts`);
- a share or average is a figure about the people behind it: it is shown only when it
  sums up at least ``threshold`` people or answers (:meth:`Policy.may_show_aggregate`;
  for shares of speaking time, ``min_group`` in ``analysis.participation``);
- not counts of people, shown as they are: experiments and their reviews, meetings
  planned, kept or missed, streaks and gaps, requirements and funders, hours, money,
  ranks, days, and averages or shares of at least ``threshold`` answers.

Charts say which columns of their numbers table are counts of people (``Chart.people``);
a public report suppresses those cells, and leaves out the image (which draws them) only
when one of them is hidden.
"""

from __future__ import annotations

import functools
import html
import math
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from .analysis import missing as _missing
from .errors import RecordError, WorkbookError
from .model import RECORD_KINDS, Audience, Naming, Part, StorytellerRole, model_for

__all__ = [
    "AGGREGATE_ONLY",
    "AUDIENCE_ORDER",
    "REMOVED",
    "Policy",
    "Redactor",
    "SuppressedSeries",
    "SuppressedTable",
    "apply",
    "consent_allows",
    "escape",
    "escape_frame",
    "name_variants",
    "names_on_record",
    "redact",
    "shown_name",
    "suppress_counts",
    "suppress_series",
    "usable_voices",
    "visible_voices",
]

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
        return suppress_counts(df, count_cols, threshold=self.effective_threshold, **kwargs)


# ---------------------------------------------------------------------------
# Escaping
# ---------------------------------------------------------------------------


def escape(text: Any) -> str:
    """HTML-escape text a person typed (``&``, ``<``, ``>``, ``"``, ``'``); None gives ""."""
    if _missing(text):
        return ""
    return html.escape(str(text), quote=True)


def escape_frame(df: pd.DataFrame, columns: Iterable[str] | None = None) -> pd.DataFrame:
    """A copy of ``df`` with the given (default: every text) column escaped for HTML."""
    out = df.copy()
    if columns is None:
        columns = [c for c in out.columns
                   if out[c].dtype == object or pd.api.types.is_string_dtype(out[c])]
    for col in columns:
        out[col] = out[col].map(escape).astype(object)
    return out


# ---------------------------------------------------------------------------
# Redaction
# ---------------------------------------------------------------------------

_EMAIL = re.compile(
    r"[\w!#$%&'*+/=?^`{|}~.-]+@(?:[^\W_](?:[\w-]*[^\W_])?\.)+[^\W_](?:[\w-]*[^\W_])?"
)
_EMAIL_SPELLED = re.compile(
    r"[\w.+-]+\s*[\[(]\s*at\s*[\])]\s*[\w-]+(?:\s*(?:\.|[\[(]\s*dot\s*[\])])\s*[\w-]+)+",
    re.IGNORECASE,
)
_HANDLE = re.compile(r"(?<![\w@])@[A-Za-z0-9_]{2,30}(?![\w@])")
# A run of digit groups joined by single spaces, hyphens or dots, maybe with a leading
# "+" or brackets: every phone number is one, and so are dates and sums, which the
# checks in _phone_spans tell apart.
_DIGIT_RUN = re.compile(
    r"(?<![\w+£$€.,/-])(?:\+[ \t]?)?\(?\d+\)?(?:(?:[ \t]?[-.][ \t]?|[ \t])?\(?\d+\)?)*"
)
_DIGIT_GROUP = re.compile(r"\(?(\d+)\)?")
_PHONE_CUE = re.compile(
    r"(?<!\w)(?:tel|telephone|phone|phoned|mobile|mob|landline|call|ring|text|whatsapp)"
    r"(?!\w)\.?:?[ \t]*(?:(?:me|us|them|her|him)[ \t]+)?(?:on[ \t]+|is[ \t]+)?"
    r"(\+?\(?\d[\d \t().-]{4,}\d)",
    re.IGNORECASE,
)
# NHS numbers as usually written (943 476 5919) and National Insurance numbers.
_NHS_NUMBER = re.compile(r"(?<![\w.,£$€])\d{3}[ -]\d{3}[ -]\d{4}(?![\w]|[.,]\d)")
_NI_NUMBER = re.compile(
    r"(?<!\w)[A-Z]{2} ?\d{2} ?\d{2} ?\d{2} ?[A-D](?!\w)"
)
_POSTCODE = re.compile(
    r"(?<!\w)(?:GIR[ \t]?0AA|(?:[A-PR-UWYZ]\d\d?|[A-PR-UWYZ][A-HK-Y]\d\d?|[A-PR-UWYZ]\d[A-HJKPSTUW]"
    r"|[A-PR-UWYZ][A-HK-Y]\d[ABEHMNPRVWXY])[ \t]?\d[ABD-HJLNP-UW-Z]{2})(?!\w)",
    re.IGNORECASE,
)

def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


#: Names that are also everyday words: matched only when capitalised as a name.
COMMON_WORD_NAMES = _words("""
    will may hope joy grace faith rose mark bill pat sue art june april august summer
    amber ruby dawn eve guy jack rob frank sunny earl grant dean chase hunter page reed
    rich ray sky storm star heather holly ivy iris lily daisy violet jade pearl crystal
    autumn winter honor honour glory max bob don gene lane miles rocky rusty sandy skip
    stone wade woody young hall baker carol cliff drew gay harmony herb jean kay kit lee
    mercy bliss lou norm penny peace sage song sol tom trust victory
    green white black brown grey gray wood king cook wright turner carter walker clark
    lord moss field fields marsh rivers banks bell bird fox lamb long short little love
    money power price sharp small strong sweet wise best bishop church chambers fisher
    mason miller porter potter shepherd booth bush cross dale day fry gold good hart
    hay head house hunt knight lake law light lock mann north park pike pool rice rock
    ross salt sands south street swan webb well wells west wild
""")

#: Words that describe a role rather than a person: a value made only of these is not
#: a name (``collected_by`` often holds "support worker"), and a name containing one is
#: not split into a first name.
ROLE_WORDS = _words("""
    a an the our their my of at from for in and with to by me us we i you them
    staff worker workers support officer manager coordinator co-ordinator connector lead
    leader volunteer volunteers nurse doctor gp social community team member members peer
    mentor advisor adviser practitioner navigator link key housing outreach project
    service services charity council health care carer carers family trustee chair director
    chief executive receptionist facilitator researcher group partner commissioner
    administrator admin lived experience champion ambassador listener interviewer speaker
    participant person someone anonymous unknown n/a none na other friend neighbour
    colleague visitor resident tenant client user patient parent mum dad son daughter
    nan grandparent
""")

_TITLES = frozenset({"mr", "mrs", "ms", "miss", "mx", "dr", "prof", "rev", "sir", "dame"})
_APOSTROPHES = "'’ʼ"
_NAME_SPLIT = re.compile(r"\s*(?:[,;/&()\[\]]|\s+and\s+|\s+or\s+)\s*", re.IGNORECASE)


def _clean_name(name: Any) -> str:
    if _missing(name):
        return ""
    return " ".join(unicodedata.normalize("NFC", str(name)).split())


def _is_role_token(token: str) -> bool:
    t = token.strip(".").casefold()
    return t in ROLE_WORDS or t.isdigit() or not t


def _looks_like_person(tokens: list[str]) -> bool:
    """'Jane Smith' yes; 'Support Worker', 'community connector' no."""
    if not 2 <= len(tokens) <= 4:
        return False
    for tok in tokens:
        if _is_role_token(tok) or not tok[:1].isupper():
            return False
        if not all(ch.isalpha() or ch in _APOSTROPHES + "-." for ch in tok):
            return False
    return True


def _token_pattern(token: str) -> str:
    pieces = re.split(f"[{_APOSTROPHES}]", token)
    return f"[{_APOSTROPHES}]".join(re.escape(p) for p in pieces)


def _name_pattern(name: str) -> str:
    return r"\s+".join(_token_pattern(t) for t in name.split())


def _case_sensitive(name: str) -> bool:
    """Short names (initials) and names that are everyday words keep their capitals."""
    letters = sum(ch.isalnum() for ch in name)
    return letters <= 2 or name.casefold() in COMMON_WORD_NAMES


def name_variants(name: str) -> list[str]:
    """The strings to remove for one name on record.

    The name itself, without a leading title ("Mrs Jane Smith" gives "Jane Smith"), and
    the first name and the surname alone when the whole looks like a person's name and
    that part has at least 3 letters ("Jane Smith" gives "Jane" and "Smith"; "Jo Smith"
    gives "Smith" but not "Jo": "Mrs Smith" identifies someone as well as "Jane" does).
    Names with fewer than 2 letters or digits ("A", a speaker's letter) and values made
    only of role words ("support worker") are skipped.
    """
    name = _clean_name(name)
    if sum(ch.isalnum() for ch in name) < 2 or all(_is_role_token(t) for t in name.split()):
        return []
    out = [name]
    tokens = name.split()
    if len(tokens) > 1 and tokens[0].strip(".").casefold() in _TITLES:
        tokens = tokens[1:]
        out.append(" ".join(tokens))
    if _looks_like_person(tokens):
        for part in (tokens[0], tokens[-1]):
            if sum(ch.isalpha() for ch in part) >= 3:
                out.append(part)
    return list(dict.fromkeys(out))


class Redactor:
    """Removes personal details from text; compile once, use for many cells.

    >>> Redactor(["Jane Smith"]).redact("Jane rang 07700 900123.")
    '[removed] rang [removed].'
    """

    def __init__(self, names: Iterable[str] = ()) -> None:
        variants: dict[str, None] = {}
        for name in names:
            for v in name_variants(name):
                variants[v] = None
        longest_first = sorted(variants, key=lambda v: (-len(v), v))
        insensitive = [v for v in longest_first if not _case_sensitive(v)]
        sensitive = [v for v in longest_first if _case_sensitive(v)]
        sensitive_all = []
        for v in sensitive:
            sensitive_all += [v, v.upper(), v[:1].upper() + v[1:]]
        self.names = tuple(longest_first)
        self._insensitive = self._compile(insensitive, re.IGNORECASE)
        self._sensitive = self._compile(list(dict.fromkeys(sensitive_all)), 0)

    @staticmethod
    def _compile(names: list[str], flags: int) -> re.Pattern[str] | None:
        if not names:
            return None
        alternatives = "|".join(_name_pattern(n) for n in names)
        return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", flags)

    def spans(self, text: str, keep: Iterable[str] = ()) -> list[tuple[int, int]]:
        """Where personal details are in ``text``, as (start, end) pairs, merged."""
        kept = {" ".join(_clean_name(k).casefold().split()) for k in keep if _clean_name(k)}
        found: list[tuple[int, int]] = []
        for rx in (_EMAIL, _EMAIL_SPELLED, _HANDLE, _POSTCODE, _NHS_NUMBER, _NI_NUMBER):
            found += [m.span() for m in rx.finditer(text)]
        found += _phone_spans(text)
        found += [m.span(1) for m in _PHONE_CUE.finditer(text)]
        for rx in (self._insensitive, self._sensitive):
            if rx is None:
                continue
            for m in rx.finditer(text):
                if " ".join(m.group(0).casefold().split()) not in kept:
                    found.append(m.span())
        return _merge(found)

    def redact(self, text: str, keep: Iterable[str] = ()) -> str:
        """``text`` with each personal detail replaced by ``[removed]``.

        ``keep`` lists names that may stay (a storyteller's own name in their own story,
        when they agreed to be named so).
        """
        if _missing(text):
            return text
        text = str(text)
        out = []
        last = 0
        for start, end in self.spans(text, keep):
            out.append(text[last:start])
            out.append(REMOVED)
            last = end
        out.append(text[last:])
        return "".join(out)


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _phone_ok(groups: list[tuple[int, int, str]], plus: bool) -> bool:
    digits = "".join(g[2] for g in groups)
    if plus:
        # "+44 (0)20 ...": the bracketed 0 is not dialled from abroad.
        dialled = "".join(g[2] for k, g in enumerate(groups) if not (k > 0 and g[2] == "0"))
        return 8 <= len(dialled) <= 15
    if digits.startswith("00"):
        return 10 <= len(digits) - 2 <= 15 and len(groups[0][2]) <= 4
    return (
        digits[:1] == "0"
        and digits[1:2] not in ("", "0")
        and len(digits) in (10, 11)
        and len(groups[0][2]) >= 3
    )


def _phone_spans(text: str) -> list[tuple[int, int]]:
    """UK numbers (0 then 10 or 11 digits) and international ones (+ or 00, 8-15 digits).

    Dates (2026-03-01), sums (£12,000), years and hours never start with 0 and have the
    right length, so they are left alone.
    """
    spans = []
    for run in _DIGIT_RUN.finditer(text):
        base = run.start()
        chunk = run.group(0)
        plus = chunk.startswith("+")
        groups = [(base + m.start(), base + m.end(), m.group(1))
                  for m in _DIGIT_GROUP.finditer(chunk)]
        i = 0
        while i < len(groups):
            best = None
            for j in range(len(groups), i, -1):
                if _phone_ok(groups[i:j], plus and i == 0):
                    best = j
                    break
            if best is None:
                i += 1
                continue
            start = run.start() if (plus and i == 0) else groups[i][0]
            spans.append((start, groups[best - 1][1]))
            i = best
    return spans


@functools.lru_cache(maxsize=32)
def _redactor(names: tuple[str, ...]) -> Redactor:
    return Redactor(names)


def redact(text: str, names: Iterable[str] = (), *, keep: Iterable[str] = ()) -> str:
    """Replace personal details in text meant for the public with ``[removed]``.

    Removed: email addresses (also "jane [at] example [dot] org"), social media handles
    (@name), UK phone numbers (07700 900123, 020 7946 0958, (0161) 496 0000) and
    international ones (+44 20 7946 0958, +1 555 123 4567, 0033 1 23 45 67 89), a number
    straight after "call", "tel", "text" and the like, UK postcodes (SW1A 1AA, m1 1ae),
    NHS numbers written 943 476 5919, National Insurance numbers (QQ 12 34 56 C),
    and every given name: whole words only, any capitals, any spaces between its parts,
    plus the first name and the surname alone when the name looks like a person's and
    that part has 3 or more letters (see :func:`name_variants`). Initials and names that
    are everyday words ("Will", "Hope", "Green") are matched only with their capital
    letter, so "we will" and "green spaces" stay.

    Left alone: dates (2026-03-01, 01/03/2026), money (£12,000), years, hours and
    other plain numbers. ``keep`` lists names allowed to stay.
    """
    if _missing(text):
        return text
    return _redactor(tuple(dict.fromkeys(_clean_name(n) for n in names))).redact(text, keep)


def _split_names(value: Any) -> list[str]:
    """'Jane Smith (support worker) and Tom' -> ['Jane Smith', 'Tom']."""
    name = _clean_name(value)
    if not name:
        return []
    out = []
    for piece in _NAME_SPLIT.split(name):
        piece = piece.strip(" .-")
        tokens = piece.split()
        if not tokens or all(_is_role_token(t) for t in tokens):
            continue
        out.append(piece)
    return out


def _frame_for(tables: Mapping[str, pd.DataFrame], kind: str) -> pd.DataFrame | None:
    for key, df in tables.items():
        try:
            if model_for(key).kind == kind:
                return df
        except RecordError:
            continue
    return None


def _distinct(values: Iterable[Any]) -> list[Any]:
    """Each value once, in order (values that cannot be compared are all kept)."""
    values = list(values)
    try:
        return list(dict.fromkeys(values))
    except TypeError:
        return values


def names_on_record(tables: Mapping[str, pd.DataFrame]) -> set[str]:
    """Every name the workbook holds, to remove from public text.

    Partners' ``contact_name``; voices' ``storyteller_name`` and ``collected_by``; a
    voice's ``pseudonym`` unless the storyteller chose to be shown by it; every
    contribution ``speaker`` (made-up names, but people use them in notes). Values made
    only of role words ("support worker") are not names and are left out. Pass the
    tables as read, before any filtering, so names of hidden stories are included.
    """
    names: set[str] = set()

    def add(values: Iterable[Any]) -> None:
        for v in _distinct(values):  # speakers repeat meeting after meeting
            names.update(_split_names(v))

    partner = _frame_for(tables, "partner")
    if partner is not None and "contact_name" in partner:
        add(partner["contact_name"])
    voice = _frame_for(tables, "voice")
    if voice is not None:
        for col in ("storyteller_name", "collected_by"):
            if col in voice:
                add(voice[col])
        if "pseudonym" in voice:
            naming = voice.get("consent_naming", pd.Series(None, index=voice.index))
            add(voice.loc[naming.astype(object) != Naming.pseudonym.value, "pseudonym"])
    contribution = _frame_for(tables, "contribution")
    if contribution is not None and "speaker" in contribution:
        add(contribution["speaker"])
    return names


# ---------------------------------------------------------------------------
# Stories and consent
# ---------------------------------------------------------------------------


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
        blocked |= df["story"].astype(object).map(lambda s: str(s).strip() == "[withdrawn]")
    return df[~blocked]


def _role_label(role: Any) -> str:
    labels = StorytellerRole.labels()
    return labels.get(str(role), "Anonymous") if not _missing(role) else "Anonymous"


def shown_name(row: Mapping[str, Any]) -> str:
    """The name a story is shown under, as its teller agreed.

    none: the storyteller's role ("A carer or family member"), or "Anonymous";
    first_name: the first word of their name; pseudonym: the made-up name;
    full: their name. Where the name needed is missing, the role is shown.
    """
    naming = row.get("consent_naming")
    name = _clean_name(row.get("storyteller_name"))
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
    df["shown_name"] = pd.Series(
        [shown_name(r) for r in df.to_dict("records")], index=df.index, dtype=object
    )
    if not keep_personal:
        df = df.drop(columns=[c for c in VOICE_PERSONAL if c in df])
    return df


# ---------------------------------------------------------------------------
# The entry point
# ---------------------------------------------------------------------------


def _text_fields(kind: str) -> list[str]:
    """Every field a person types into: the model's free_text and every text widget."""
    model = RECORD_KINDS[kind]
    fields = list(model.free_text)
    for meta in model.fields_meta():
        if meta.widget in _TEXT_WIDGETS and meta.name not in fields:
            fields.append(meta.name)
    return fields


def _redact_value(value: Any, redactor: Redactor, keep: Iterable[str]) -> Any:
    if isinstance(value, str):
        return redactor.redact(value, keep)
    if isinstance(value, list | tuple):
        return [_redact_value(v, redactor, keep) for v in value]
    return value


def _redact_frame(df: pd.DataFrame, kind: str, redactor: Redactor) -> pd.DataFrame:
    df = df.copy()
    keeps: list[tuple[str, ...]]
    if kind == "voice" and "shown_name" in df:
        # A storyteller's own consented name may stay in their own story.
        keeps = [
            () if _missing(n) or n == _role_label(r) else tuple(name_variants(n))
            for n, r in zip(df["shown_name"], df.get("storyteller_role", df["shown_name"]),
                            strict=True)
        ]
    else:
        keeps = [()] * len(df)
    for col in _text_fields(kind):
        if col not in df:
            continue
        df[col] = pd.Series(
            [_redact_value(v, redactor, k) for v, k in zip(df[col], keeps, strict=True)],
            index=df.index, dtype=object,
        )
    return df


def _speaker_labels(df: pd.DataFrame) -> pd.Series:
    """Replace speakers' made-up names by their part of the system, numbered within a
    meeting when one part had several speakers ("Charity 1", "Charity 2")."""
    labels = Part.labels()
    keys = pd.DataFrame({
        "meeting": df.get("meeting", pd.Series(0, index=df.index)).astype(object),
        "role": df.get("role", pd.Series(None, index=df.index)).astype(object),
        "speaker": df["speaker"].astype(object),
    }, index=df.index)
    # Each meeting and part's speakers, numbered in the order they first appear.
    first = keys.drop_duplicates()
    number = first.groupby(["meeting", "role"], dropna=False, sort=False).cumcount() + 1
    many = first.groupby(["meeting", "role"], dropna=False, sort=False)["speaker"].transform(
        "size") > 1
    numbered = first.assign(number=number, many=many)
    found = keys.merge(numbered, on=["meeting", "role", "speaker"], how="left")
    roles = keys["role"]
    base = roles.map(lambda r: labels.get(str(r), "Someone")).where(roles.notna(), "Someone")
    out = base.where(~found["many"].to_numpy(),
                     base + " " + found["number"].astype(str).to_numpy())
    return pd.Series(out.to_numpy(dtype=object), index=df.index, dtype=object)


def _prune_links(df: pd.DataFrame, col: str, visible: set[int]) -> pd.DataFrame:
    if col not in df:
        return df
    df = df.copy()
    df[col] = pd.Series(
        [[v for v in _as_list(links) if _as_int(v) in visible] for links in df[col]],
        index=df.index, dtype=object,
    )
    return df


def _as_int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def apply(
    tables: Mapping[str, pd.DataFrame],
    audience: str | Audience | Policy,
    *,
    threshold: int = 5,
    names: Iterable[str] | None = None,
) -> dict[str, pd.DataFrame]:
    """What ``audience`` may see of ``tables`` (keyed by record kind, plural or title).

    - every audience: archived rows and superseded versions dropped; withdrawn,
      in-confidence and safeguarding stories dropped; stories kept only as consent allows
      (see :func:`visible_voices`), with ``shown_name``; links to hidden stories dropped;
    - ``partners``: as team, and every model's ``personal`` fields dropped, along with a
      story's pseudonym and who collected it;
    - ``public``: as partners, and every typed text field redacted with the names on
      record (:func:`names_on_record` of ``tables``, plus any ``names`` given), speakers'
      made-up names replaced by their part of the system, and pulse and check-in rows
      marked ``attrs["privacy"]["aggregate_only"]``: show them only as aggregates of at
      least ``threshold`` answers, with counts through :func:`suppress_counts`.

    Text is not HTML-escaped here: :func:`escape` it where it is rendered. The input
    frames are not changed. Keys that are not record kinds raise a WorkbookError.
    """
    policy = Policy.of(audience, threshold)
    kinds: dict[str, str] = {}
    for key in tables:
        try:
            kinds[key] = model_for(key).kind
        except RecordError:
            raise WorkbookError(
                f"privacy.apply was given a table called '{key}', which is not a kind of "
                "record, so it cannot tell what is safe to show. Pass the tables from "
                "Workbook.tables() and aggregate after applying privacy."
            ) from None

    redactor = None
    if not policy.may_see_unredacted_text:
        redactor = Redactor(sorted(names_on_record(tables) | set(names or ())))

    out: dict[str, pd.DataFrame] = {}
    visible_ids: set[int] = set()
    for key, df in tables.items():
        kind = kinds[key]
        if kind == "voice":
            df = visible_voices(df, policy.audience,
                                keep_personal=policy.may_see_personal_fields)
            visible_ids |= {int(i) for i in df.get("id", [])}
        else:
            df = _current(df).copy()
        out[key] = df

    for key, df in out.items():
        kind = kinds[key]
        if kind in VOICE_LINKS:
            df = _prune_links(df, VOICE_LINKS[kind], visible_ids)
        if not policy.may_see_personal_fields:
            df = df.drop(columns=[c for c in RECORD_KINDS[kind].personal if c in df])
        if kind == "contribution" and not policy.may_see_speaker_pseudonyms and "speaker" in df:
            df = df.copy()
            df["speaker"] = _speaker_labels(df)
        if redactor is not None:
            df = _redact_frame(df, kind, redactor)
        df.attrs = dict(df.attrs)
        df.attrs["privacy"] = {
            "audience": policy.audience,
            "threshold": policy.effective_threshold,
            "aggregate_only": not policy.may_see_rows_of(kind),
        }
        out[key] = df
    return out


# ---------------------------------------------------------------------------
# Small numbers
# ---------------------------------------------------------------------------

#: How a suppressed count is shown; "{threshold}" is filled in.
PRIMARY_TEXT = "fewer than {threshold}"
#: How a count hidden only to protect a small one is shown (it may be large, or 0).
SECONDARY_TEXT = "not shown"


@dataclass(frozen=True)
class SuppressedTable:
    """The result of :func:`suppress_counts`.

    ``display``: a copy of the frame with each count column as display text (and the
    total row and column, if asked for). ``suppressed``: True for every hidden cell
    (same index and count columns as the input). ``primary``: True for the small counts
    themselves; the rest of ``suppressed`` was hidden so that they cannot be worked out.
    ``note``: a sentence to print under the table when anything was hidden.
    """

    display: pd.DataFrame
    suppressed: pd.DataFrame
    primary: pd.DataFrame
    threshold: int

    @property
    def any_suppressed(self) -> bool:
        return bool(self.suppressed.to_numpy().any())

    @property
    def note(self) -> str:
        if not self.any_suppressed:
            return ""
        return (
            f"To protect people's privacy, counts from 1 to {self.threshold - 1} are shown as "
            f"'{PRIMARY_TEXT.format(threshold=self.threshold)}', some other counts are "
            f"'{SECONDARY_TEXT}' so that those cannot be worked out, and totals that include "
            "a hidden count are given as 'at least'."
        )


@dataclass(frozen=True)
class SuppressedSeries:
    """The result of :func:`suppress_series`: display text, masks and the total's text."""

    display: pd.Series
    suppressed: pd.Series
    primary: pd.Series
    total: str
    threshold: int
    note: str


def _fmt(n: float) -> str:
    return f"{int(n):,}" if float(n).is_integer() else f"{n:,}"


def _counts_matrix(df: pd.DataFrame, count_cols: Sequence[str]) -> list[list[float]]:
    missing = [c for c in count_cols if c not in df]
    if missing:
        raise KeyError(f"suppress_counts: no column(s) {', '.join(map(str, missing))} to suppress")
    rows = []
    for values in df[list(count_cols)].astype(object).itertuples(index=False):
        row = []
        for v in values:
            if _missing(v):
                row.append(math.nan)
                continue
            try:
                f = float(v)
            except (TypeError, ValueError):
                raise ValueError(f"suppress_counts: {v!r} is not a count") from None
            if f < 0 or not f.is_integer():
                raise ValueError(f"suppress_counts: {v!r} is not a count (whole number, 0 or more)")
            row.append(f)
        rows.append(row)
    return rows


def suppress_counts(
    df: pd.DataFrame,
    count_cols: Sequence[str],
    threshold: int = 5,
    *,
    total_row: str | None = None,
    total_column: str | None = None,
) -> SuppressedTable:
    """Hide small counts so that nobody can be picked out of a public table.

    Primary: every count from 1 to ``threshold - 1`` is shown as "fewer than 5"
    (0 is shown as 0; a missing value as ""). Secondary: the row and column totals of
    the table may be known (printed here, or elsewhere in the report), so wherever a row
    or a column holds exactly one hidden count, its smallest other count (a non-zero one
    if there is one) is hidden too, shown as "not shown", until no row or column of two
    or more cells has exactly one hidden count. Nothing hidden can then be found by
    subtracting the shown counts from a total.

    ``total_row`` (a label) adds a row of column totals, ``total_column`` (a name) a
    column of row totals. A total that includes a hidden count is shown as
    "at least N", N being the shown counts plus 1 for each small count: true, and no
    more than the reader already knows. ``threshold`` 0 or 1 hides nothing.
    """
    count_cols = list(count_cols)
    threshold = int(threshold)
    values = _counts_matrix(df, count_cols)
    n_rows, n_cols = len(values), len(count_cols)
    primary = [[not math.isnan(v) and 1 <= v < threshold for v in row] for row in values]
    hidden = [list(row) for row in primary]

    lines: list[list[tuple[int, int]]] = []
    if n_cols >= 2:
        lines += [[(i, j) for j in range(n_cols)] for i in range(n_rows)]
    if n_rows >= 2:
        lines += [[(i, j) for i in range(n_rows)] for j in range(n_cols)]
    changed = True
    while changed:
        changed = False
        for line in lines:
            cells = [(i, j) for i, j in line if not math.isnan(values[i][j])]
            if sum(hidden[i][j] for i, j in cells) != 1:
                continue
            candidates = [(values[i][j] == 0, values[i][j], i, j)
                          for i, j in cells if not hidden[i][j]]
            if not candidates:
                continue
            _zero, _v, i, j = min(candidates)
            hidden[i][j] = True
            changed = True

    def cell_text(i: int, j: int) -> str:
        v = values[i][j]
        if math.isnan(v):
            return ""
        if primary[i][j]:
            return PRIMARY_TEXT.format(threshold=threshold)
        if hidden[i][j]:
            return SECONDARY_TEXT
        return _fmt(v)

    def total_text(cells: list[tuple[int, int]]) -> str:
        present = [(i, j) for i, j in cells if not math.isnan(values[i][j])]
        if not present:
            return ""
        shown = sum(values[i][j] for i, j in present if not hidden[i][j])
        if not any(hidden[i][j] for i, j in present):
            return _fmt(shown)
        return "at least " + _fmt(shown + sum(primary[i][j] for i, j in present))

    display = df.copy()
    for j, col in enumerate(count_cols):
        display[col] = pd.Series([cell_text(i, j) for i in range(n_rows)],
                                 index=df.index, dtype=object)
    every = [(i, j) for i in range(n_rows) for j in range(n_cols)]
    if total_column is not None:
        display[total_column] = pd.Series(
            [total_text([(i, j) for j in range(n_cols)]) for i in range(n_rows)],
            index=df.index, dtype=object,
        )
    if total_row is not None:
        row: dict[str, Any] = {c: "" for c in display.columns}
        labels = [c for c in df.columns if c not in count_cols]
        if labels:
            row[labels[0]] = total_row
        for j, col in enumerate(count_cols):
            row[col] = total_text([(i, j) for i in range(n_rows)])
        if total_column is not None:
            row[total_column] = total_text(every)
        extra = pd.DataFrame([row], index=[total_row], columns=display.columns, dtype=object)
        display = pd.concat([display.astype(object), extra])

    suppressed = pd.DataFrame(hidden, index=df.index, columns=count_cols, dtype=bool)
    primary_df = pd.DataFrame(primary, index=df.index, columns=count_cols, dtype=bool)
    if n_rows == 0:
        suppressed = pd.DataFrame(False, index=df.index, columns=count_cols, dtype=bool)
        primary_df = suppressed.copy()
    return SuppressedTable(display, suppressed, primary_df, threshold)


def suppress_series(
    counts: pd.Series | Mapping[Any, Any] | Sequence[Any], threshold: int = 5
) -> SuppressedSeries:
    """:func:`suppress_counts` for one list of counts and its total.

    Returns the display text of each count (same index), the masks, and the total's
    text: exact when nothing is hidden, else "at least N".

    >>> r = suppress_series({"a": 12, "b": 3, "c": 20})
    >>> list(r.display), r.total
    (['not shown', 'fewer than 5', '20'], 'at least 21')
    """
    series = counts if isinstance(counts, pd.Series) else pd.Series(
        dict(counts) if isinstance(counts, Mapping) else list(counts), dtype=object
    )
    frame = pd.DataFrame({"count": series.astype(object)})
    result = suppress_counts(frame, ["count"], threshold, total_row="__total__")
    body = result.display.iloc[:-1]
    display = pd.Series(list(body["count"]), index=series.index, dtype=object)
    return SuppressedSeries(
        display=display,
        suppressed=pd.Series(list(result.suppressed["count"]), index=series.index, dtype=bool),
        primary=pd.Series(list(result.primary["count"]), index=series.index, dtype=bool),
        total=str(result.display.iloc[-1]["count"]),
        threshold=result.threshold,
        note=result.note,
    )

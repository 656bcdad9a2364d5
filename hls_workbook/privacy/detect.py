"""Finding personal details in text people typed, and removing them.

Pure functions over strings and DataFrames; patterns are compiled once.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

from ..analysis import missing as _missing
from ..errors import RecordError
from ..model import Naming, model_for
from .policy import REMOVED

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


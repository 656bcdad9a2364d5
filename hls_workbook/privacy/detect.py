"""Finding personal details in text people typed, and removing them.

Pure functions over strings and DataFrames; patterns are compiled once. What is found
(:func:`find_details`) carries a kind, so a person reviewing a text before it leaves the
team can see why each part was taken out.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from hls_workbook.domain.errors import RecordError
from hls_workbook.domain.model import Naming, model_for
from hls_workbook.domain.values import missing as _missing
from hls_workbook.privacy import names
from hls_workbook.privacy.names import find_names
from hls_workbook.privacy.policy import REMOVED


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


#: Kinds of personal detail, in the order they win when two overlap.
KINDS = ("email", "phone", "postcode", "ni_number", "nhs_number", "date_of_birth",
         "address", "handle", "name_on_record", "name")

_EMAIL = re.compile(
    r"[\w!#$%&'*+/=?^`{|}~.-]+@(?:[^\W_](?:[\w-]*[^\W_])?\.)+[^\W_](?:[\w-]*[^\W_])?"
)
# E-mail addresses written out so that robots miss them: "jane dot smith at gmail dot
# com", "jane [at] example [dot] org", "jane at example.org". The domain must end in a
# known ending, so "we met at home" is left alone.
_SPELLED_DOT = r"(?:\s*[\[(]\s*dot\s*[\])]\s*|\s+dot\s+|\.)"
_SPELLED_AT = r"(\s*[\[(]\s*at\s*[\])]\s*|\s+at\s+)"
_TLD = (r"(?:com|org|net|uk|co|gov|ac|nhs|sch|edu|info|io|me|biz|email|online|ie|eu|de"
        r"|fr|pl|ro|it|es|pt|nl|in|pk|ng|gh|za|us|ca|au)")
_SPELLED_JOIN = rf"(?:{_SPELLED_DOT}|\s+(?:underscore|dash|hyphen)\s+)"
# Found from the "at" outwards: the domain after it, then the name before it.
_SPELLED_AT_RX = re.compile(_SPELLED_AT, re.IGNORECASE)
_SPELLED_DOMAIN = re.compile(rf"(?:[a-z0-9][\w-]*{_SPELLED_DOT})+{_TLD}(?![\w@])",
                             re.IGNORECASE)
_SPELLED_LOCAL = re.compile(rf"(?<![\w.@])[a-z0-9][\w+-]*(?:{_SPELLED_JOIN}[\w+-]+)*\Z",
                            re.IGNORECASE)
# After a plain " at ", these are words of a sentence, not the start of an address.
_NOT_LOCAL = frozenset({"us", "me", "him", "her", "them", "it", "you", "here", "there",
                        "online", "this", "that", "website", "site", "page", "info", "look",
                        "find", "visit"})
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
# NHS numbers as usually written (943 476 5919); ten digits in a row only when the
# check digit is right (see _nhs_ok), since a long reference number is not one.
_NHS_NUMBER = re.compile(r"(?<![\w.,£$€])\d{3}[ -]\d{3}[ -]\d{4}(?![\w]|[.,]\d)")
_TEN_DIGITS = re.compile(r"(?<![\w.,£$€+])[1-9]\d{9}(?![\w]|[.,]\d)")
# National Insurance numbers in any case and spacing: QQ 12 34 56 C, qq123456c.
_NI_NUMBER = re.compile(r"(?<!\w)[A-Z]{2}[ \t-]?(?:\d[ \t-]?){6}[A-D](?!\w)", re.IGNORECASE)
_POSTCODE = re.compile(
    r"(?<!\w)(?:GIR[ \t]?0AA|(?:[A-PR-UWYZ]\d\d?|[A-PR-UWYZ][A-HK-Y]\d\d?|[A-PR-UWYZ]\d[A-HJKPSTUW]"
    r"|[A-PR-UWYZ][A-HK-Y]\d[ABEHMNPRVWXY])[ \t]?\d[ABD-HJLNP-UW-Z]{2})(?!\w)",
    re.IGNORECASE,
)
# "flat b2 3rd floor" is no postcode, though "b2 3rd" could be one.
_ORDINAL_AFTER = re.compile(r"(?:st|nd|rd|th)\s+(?:floor|time|place|year|week|day)\b",
                            re.IGNORECASE)

# A date of birth is a date next to a cue; the meeting dates around it stay.
_MONTH = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?"
          r"|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?")
_DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_YEAR = r"(?:19|20)\d\d"
_DATE = (
    rf"(?:{_DAY}\s+(?:of\s+)?{_MONTH}(?:,?\s+(?:{_YEAR}|'\d\d))?"
    rf"|{_MONTH}\s+{_DAY}(?:,?\s+{_YEAR})?"
    rf"|\d{{1,2}}[/.-]\d{{1,2}}[/.-](?:\d{{4}}|\d\d)"
    rf"|{_YEAR}-\d\d-\d\d"
    rf"|(?:{_MONTH}\s+)?{_YEAR})"
)
_DOB = re.compile(
    r"(?<!\w)(?:born|dob|d\.\s?o\.\s?b\.?|date\s+of\s+birth|birth\s?date|birthday|b'?day)"
    r"(?![a-z])\s*[:\-–]?\s*(?:(?:on|in|is|was|the|of|around|about|circa|early|late|mid"
    rf"|[^\W\d_]+\s+(?:in|on))\s+){{0,3}}({_DATE})(?![\w/])",
    re.IGNORECASE,
)

# A house or flat number and a street: "12 Acacia Avenue", "flat 3, 41 Mill Lane",
# "Flat 2B Rose Court", "No. 7 Church Row". Street words that are also everyday words
# ("way", "walk", "view") need capitals: "12 people walk" is no address.
_STREET_ANY_CASE = ("road rd street st lane ln avenue ave crescent cres terrace tce "
                    "mews gardens gdns grove boulevard")
_STREET_CAPITALISED = ("close drive way court ct place square sq hill walk row parade "
                       "rise view green park vale wharf yard gate")
_STREET_WORD = "|".join((_STREET_ANY_CASE + " " + _STREET_CAPITALISED).split())
_FLAT = r"(?:flat|apartment|apt|unit|room)\.?\s*\d{1,4}[a-z]?\b"
_ADDRESS = re.compile(
    rf"(?<![\w£$€.,/:-])(?:(?:{_FLAT}\s*,?\s+)?(?:no\.?\s*)?\d{{1,4}}[a-z]?"
    rf"(?:\s*[-–]\s*\d{{1,4}}[a-z]?)?|{_FLAT})"
    rf",?\s+((?:[^\W\d_][\w'’-]*\s+){{1,3}}?)({_STREET_WORD})\.?(?!\w)",
    re.IGNORECASE,
)
_ADDRESS_ANY_CASE = frozenset(_STREET_ANY_CASE.split())
_NOT_STREET = _words("""
    the a an of on in at to for and or with by from our their his her my your we they
    people person children families members volunteers staff minutes hours days weeks
    months years times more other others many few us them who were are was
    is be had have has did went got sessions visits calls meetings groups
""")

#: Names on record that are also everyday words: matched only when capitalised as a name
#: (the list is shared with the names found in typed text, in :mod:`.names`).
COMMON_WORD_NAMES = names.COMMON_WORD_NAMES

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


@dataclass(frozen=True)
class Detail:
    """One personal detail found in a text: where it is, its kind (see ``KINDS``), its words."""

    start: int
    end: int
    kind: str
    text: str


class Redactor:
    """Finds and removes personal details in text; compile once, use for many cells.

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

    def details(self, text: str, keep: Iterable[str] = ()) -> list[Detail]:
        """Every personal detail in ``text``, in order; overlapping finds become one.

        Names in ``keep`` (and only names) are not reported.
        """
        if _missing(text) or not text:
            return []
        text = str(text)
        found = _structured(text)
        kept = {_key(k) for k in keep if _clean_name(k)}
        named = [(m.start(), m.end(), "name_on_record")
                 for rx in (self._insensitive, self._sensitive) if rx is not None
                 for m in rx.finditer(text)]
        named += [(start, end, "name") for start, end in find_names(text)]
        found += [f for f in named if _key(text[f[0]:f[1]]) not in kept]
        return _combine(text, found)

    def spans(self, text: str, keep: Iterable[str] = ()) -> list[tuple[int, int]]:
        """Where personal details are in ``text``, as (start, end) pairs, merged."""
        return _merge([(d.start, d.end) for d in self.details(text, keep)])

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


def _key(name: str) -> str:
    return " ".join(_clean_name(name).casefold().split())


def _combine(text: str, found: list[tuple[int, int, str]]) -> list[Detail]:
    """Overlapping finds become one detail spanning them all, of the strongest kind."""
    rank = {kind: i for i, kind in enumerate(KINDS)}
    out: list[list[Any]] = []
    for start, end, kind in sorted(found):
        if out and start < out[-1][1]:
            last = out[-1]
            last[1] = max(last[1], end)
            if rank[kind] < rank[last[2]]:
                last[2] = kind
        else:
            out.append([start, end, kind])
    return [Detail(s, e, k, text[s:e]) for s, e, k in out]


def _structured(text: str) -> list[tuple[int, int, str]]:
    """E-mails, handles, phones, postcodes, NI and NHS numbers, birth dates, addresses.

    Cheap checks first: most texts have no "@" and no digits, and skip most patterns.
    """
    found: list[tuple[int, int, str]] = []
    if "@" in text:
        found += [(*m.span(), "email") for m in _EMAIL.finditer(text)]
        found += [(*m.span(), "handle") for m in _HANDLE.finditer(text)]
    lower = text.lower()
    if " at " in lower or "[at]" in lower or "(at)" in lower:
        found += _spelled_emails(text)
    digits = sum(map(str.isdigit, text))
    if not digits:
        return found
    phones = _phone_spans(text) + [m.span(1) for m in _PHONE_CUE.finditer(text)]
    found += [(*span, "phone") for span in phones]
    # libphonenumber is thorough but slow: ask it only about digits the rules left.
    if digits - sum(sum(map(str.isdigit, text[a:b])) for a, b in _merge(phones)) >= 7:
        found += _library_phones(text)
    found += [(*m.span(), "postcode") for m in _POSTCODE.finditer(text)
              if not _ORDINAL_AFTER.match(text, m.end() - 2)]
    found += [(*m.span(), "ni_number") for m in _NI_NUMBER.finditer(text)]
    found += [(*m.span(), "nhs_number") for m in _NHS_NUMBER.finditer(text)]
    found += [(*m.span(), "nhs_number") for m in _TEN_DIGITS.finditer(text)
              if _nhs_ok(m.group(0))]
    if "b" in lower:  # every cue for a date of birth has one
        found += [(*m.span(1), "date_of_birth") for m in _DOB.finditer(text)]
    found += [(*m.span(), "address") for m in _ADDRESS.finditer(text) if _address_ok(m)]
    return found


def _spelled_emails(text: str) -> list[tuple[int, int, str]]:
    """Addresses written out: "jane at example.org" yes, "us at www.example.org" no."""
    out = []
    for at in _SPELLED_AT_RX.finditer(text):
        domain = _SPELLED_DOMAIN.match(text, at.end())
        if not domain:
            continue
        local = _SPELLED_LOCAL.search(text, max(0, at.start() - 80), at.start())
        if not local:
            continue
        if at.group(0).strip() == "at" and (local.group(0).casefold() in _NOT_LOCAL
                                            or domain.group(0).casefold().startswith("www")):
            continue
        out.append((local.start(), domain.end(), "email"))
    return out


def _address_ok(m: re.Match[str]) -> bool:
    words = m.group(1).split()
    if any(w.casefold() in _NOT_STREET for w in words):
        return False
    if m.group(2).casefold() in _ADDRESS_ANY_CASE:
        return True
    return all(w[:1].isupper() for w in [*words, m.group(2)])


def _nhs_ok(digits: str) -> bool:
    """The NHS number's check digit (modulus 11) is right."""
    total = sum(int(d) * (10 - i) for i, d in enumerate(digits[:9]))
    check = 11 - total % 11
    return (0 if check == 11 else check) == int(digits[9])


def _library_phones(text: str) -> list[tuple[int, int, str]]:
    """Numbers that libphonenumber knows to be valid, UK first (imported when needed)."""
    import phonenumbers

    matches = phonenumbers.PhoneNumberMatcher(text, "GB", leniency=phonenumbers.Leniency.VALID)
    return [(m.start, m.end, "phone") for m in matches]


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
        # "07 700 900 123" is a mobile; "07 12 2025 10" is a date and a time.
        and (len(groups[0][2]) >= 3
             or groups[0][2] == "07" and all(len(g[2]) >= 3 for g in groups[1:]))
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


def find_details(text: str, names: Iterable[str] = (), keep: Iterable[str] = ()) -> list[Detail]:
    """The personal details in ``text``, each with its kind, for a person to review.

    Finds what :func:`redact` removes, with the same ``names`` on record and ``keep``.

    >>> [(d.kind, d.text) for d in find_details("Kwame rang 07700 900123.")]
    [('name', 'Kwame'), ('phone', '07700 900123')]
    """
    return _redactor(tuple(dict.fromkeys(_clean_name(n) for n in names))).details(text, keep)


def redact(text: str, names: Iterable[str] = (), *, keep: Iterable[str] = ()) -> str:
    """Replace personal details in text meant for the public with ``[removed]``.

    Removed (see :func:`find_details` for what was found and why):

    - e-mail addresses, also written out ("jane dot smith at gmail dot com",
      "jane [at] example [dot] org", "jane at example.org"), and handles (@name);
    - phone numbers: UK ones (07700 900123, 020 7946 0958, (0161) 496 0000),
      international ones (+44 20 7946 0958, +1 555 123 4567, 0033 1 23 45 67 89), any
      other that libphonenumber knows to be valid, and a number straight after "call",
      "tel", "text" and the like;
    - UK postcodes (SW1A 1AA, m11ae), National Insurance numbers in any case and spacing
      (QQ 12 34 56 C, qq123456c), NHS numbers (943 476 5919, or ten digits whose check
      digit is right);
    - a date next to "born", "DOB", "date of birth" or "birthday" (the date only);
    - a house or flat number and a street ("12 Acacia Avenue", "flat 3, 41 Mill Lane");
    - every name on record: whole words only, any capitals, any spaces between its parts,
      plus the first name and the surname alone when the name looks like a person's and
      that part has 3 or more letters (see :func:`name_variants`). Initials and names that
      are everyday words ("Will", "Hope", "Green") are matched only with their capital
      letter, so "we will" and "green spaces" stay;
    - people's names typed in the text, on record or not ("Kwame came back", "Mrs
      Adeyemi"; see :func:`.names.find_names`): a title before a name stays.

    Left alone: dates that are not birth dates (2026-03-01, 01/03/2026), money
    (£12,000), years, hours and other plain numbers, places and organisations named like
    people ("Victoria Park", "Sue Ryder"). ``keep`` lists names allowed to stay.
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


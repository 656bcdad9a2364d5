"""Spreadsheets from elsewhere: a column mapping, suggestions, and dates written day first.

A team's own spreadsheet rarely uses our headings. ``exchange.import_path`` takes a
:class:`ColumnMap` that says which of its columns is which of our fields; this module reads
one (a TOML file, or ``--map "Heading=field"`` options), suggests likely fields for a heading
it does not know, and reads the dates such a sheet holds.

The mapping file (TOML, read with the standard library)::

    kind = "learning"              # optional: the kind of record the file holds
    dates = "day-first"            # optional: or "month-first" (see "Dates" below)

    [columns]                      # your heading = our field (its name or its label)
    "Date" = "event_on"
    "What happened" = "observation"
    "Logged by" = "recorded_by"    # who wrote it down
    "Shared with" = "share.shared_with"   # another kind: a sharing record per name
    "Notes" = ""                   # leave this column out

    [every_row]                    # one value for a field the file has no column for
    kind_of_learning = "surprise"

    [values."Shared with"]         # words in a column -> our choice
    "Council" = "public_service"

Headings and values are matched without regard to case or extra spaces.

Dates
-----

A date written one way only is read that way: ``2026-03-31``, ``31 March 2026``,
``31 Mar 26``, ``March 31, 2026``, and ``31/03/2026`` (no month 31, so day first). A date
such as ``03/04/2026`` could be 3 April or 4 March. It is read

- in the order given by ``--dayfirst`` / ``--monthfirst`` (or ``dates`` in the mapping file);
- else in the order the same file's other dates show: some dates that can only be day
  first and none that can only be month first (``31/03/2026``) settle it as day first,
  and the other way round;
- else it is **ambiguous** (the file shows no order, or shows both) and is refused, with
  its row, its column and the fix.

With an order given, a date that does not fit it (``03/31/2026`` with ``--dayfirst``) is
refused. A date whose day and month are the same (``05/05/2026``) reads the same either
way. Two-digit years are 2000-2068 for 00-68 and 1969-1999 for 69-99. ``/``, ``.`` and
``-`` separate the parts; a time after the date (``31/03/2026 14:05``) is dropped.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import tomllib
import unicodedata
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from hls_workbook.domain.errors import RecordError, WorkbookError
from hls_workbook.domain.model import RECORD_KINDS, FieldMeta, model_for

__all__ = [
    "ColumnMap",
    "DateOrder",
    "DateProblem",
    "MappingError",
    "Target",
    "WrittenDate",
    "other_kind_of",
    "parse_map_option",
    "read_date",
    "read_map_file",
    "suggest",
]

#: What a mapping file may hold at its top level.
FILE_KEYS = ("kind", "dates", "columns", "every_row", "values")
_LEAVE_OUT = {"", "-", "skip", "leave out", "ignore"}


class MappingError(WorkbookError):
    """A column mapping cannot be used as written; the message names where and the fix."""


def norm(text: Any) -> str:
    """A heading or value as compared: case, spaces and underscores do not matter."""
    text = unicodedata.normalize("NFC", str(text)).replace("_", " ")
    return " ".join(text.split()).casefold().rstrip(" *:")


# ---------------------------------------------------------------------------
# The mapping
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """Where a column goes: a field of the file's own kind, of another kind, or nowhere."""

    #: Another kind of record (``share`` for ``share.shared_with``), or None: the file's own.
    kind: str | None
    #: The field's name or label as written, or None: leave the column out.
    field: str | None
    text: str

    @property
    def left_out(self) -> bool:
        return self.field is None


def parse_target(text: Any, where: str) -> Target:
    """``observation``, ``What we noticed``, ``share.shared_with``, or "" to leave it out."""
    if not isinstance(text, str):
        raise MappingError(f"{where}: give the field as text in quotes, e.g. \"observation\" "
                           "(or \"\" to leave the column out).")
    written = " ".join(text.split())
    if written.casefold() in _LEAVE_OUT:
        return Target(None, None, written)
    head, dot, rest = written.partition(".")
    if dot and rest.strip():
        try:
            kind = model_for(head).kind
        except RecordError:
            kind = None
        if kind is not None:
            return Target(kind, rest.strip(), written)
    return Target(None, written, written)


@dataclass
class ColumnMap:
    """Which column of a team's own spreadsheet is which field. Empty: headings as they are."""

    #: Normalised heading -> (the heading as written in the mapping, where it goes).
    columns: dict[str, tuple[str, Target]] = field(default_factory=dict)
    #: Field (name, label or ``kind.field``) -> one value for every row.
    every_row: dict[str, Any] = field(default_factory=dict)
    #: Normalised heading -> {normalised word in the file: the value to use}.
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    kind: str | None = None
    #: True: day first; False: month first; None: as the file's dates show.
    dayfirst: bool | None = None
    #: Where the mapping came from, for messages: the file's name, or "--map".
    source: str = "--map"

    def __bool__(self) -> bool:
        return bool(self.columns or self.every_row or self.values or self.kind
                    or self.dayfirst is not None)

    def target(self, heading: Any) -> Target | None:
        found = self.columns.get(norm(heading))
        return found[1] if found else None

    def value_map(self, heading: Any) -> dict[str, str]:
        return self.values.get(norm(heading), {})

    def with_options(self, options: list[str] | None) -> ColumnMap:
        """This mapping with ``--map "Heading=field"`` options on top (they win)."""
        if not options:
            return self
        columns = dict(self.columns)
        for option in options:
            heading, target = parse_map_option(option)
            columns[norm(heading)] = (heading, target)
        source = "--map" if not self.columns else f"{self.source} and --map"
        return replace(self, columns=columns, source=source)


def parse_map_option(text: str) -> tuple[str, Target]:
    """``"What happened=observation"`` -> the heading and where it goes."""
    heading, eq, target = str(text).rpartition("=")
    heading = " ".join(heading.split())
    if not eq or not heading:
        raise MappingError(
            f"--map '{text}': write it as --map \"Your heading=our field\", for example "
            "--map \"What happened=observation\" (or --map \"Notes=\" to leave a column out)."
        )
    return heading, parse_target(target, f"--map '{text}'")


def _dates_setting(value: Any, where: str) -> bool | None:
    text = norm(value).replace("-", " ") if isinstance(value, str) else None
    if text in ("day first", "dayfirst", "uk"):
        return True
    if text in ("month first", "monthfirst", "us"):
        return False
    raise MappingError(f"{where}: dates = {value!r} is not an order we know; write "
                       "dates = \"day-first\" (31/03/2026) or dates = \"month-first\".")


def read_map_file(path: Path | str) -> ColumnMap:
    """Read a mapping file (TOML). Refused in one line naming the file, the place and the fix."""
    path = Path(path).expanduser()
    name = path.name
    if path.suffix.lower() != ".toml":
        raise MappingError(
            f"{name}: a mapping file is a TOML file ending in .toml, with lines such as "
            "\"What happened\" = \"observation\" under [columns] (see docs/analysts.md)."
        )
    if not path.is_file():
        raise MappingError(f"There is no mapping file at {path}. Check the name.")
    try:
        doc = tomllib.loads(path.read_bytes().decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise MappingError(f"{name} is not saved as UTF-8 text; save it as UTF-8.") from None
    except tomllib.TOMLDecodeError as exc:
        raise MappingError(
            f"{name} cannot be read: {exc}. Put each heading in double quotes, e.g. "
            "\"What happened\" = \"observation\"."
        ) from None
    unknown = [k for k in doc if k not in FILE_KEYS]
    if unknown:
        raise MappingError(
            f"{name}: '{unknown[0]}' is not something a mapping file holds; it may hold "
            f"{', '.join(FILE_KEYS)}. Put your headings under [columns]."
        )
    out = ColumnMap(source=name)
    if "kind" in doc:
        try:
            out.kind = model_for(str(doc["kind"])).kind
        except RecordError as exc:
            raise MappingError(f"{name}: kind: {exc.message()}.") from None
    if "dates" in doc:
        out.dayfirst = _dates_setting(doc["dates"], name)
    for section in ("columns", "every_row", "values"):
        if section in doc and not isinstance(doc[section], dict):
            raise MappingError(f"{name}: '{section}' should be a section: write [{section}] "
                               "on its own line, then one line per entry under it.")
    for heading, target in (doc.get("columns") or {}).items():
        out.columns[norm(heading)] = (heading, parse_target(target, f"{name}, [columns] "
                                                                    f"\"{heading}\""))
    for key, value in (doc.get("every_row") or {}).items():
        if isinstance(value, dict | list):
            raise MappingError(f"{name}, [every_row] {key}: give one value, e.g. "
                               f"{key} = \"surprise\".")
        out.every_row[key] = value
    for heading, words in (doc.get("values") or {}).items():
        if not isinstance(words, dict) or not all(isinstance(v, str) for v in words.values()):
            raise MappingError(f"{name}: [values.\"{heading}\"] should list words in quotes, "
                               "e.g. \"Council\" = \"public_service\".")
        out.values[norm(heading)] = {norm(k): v for k, v in words.items()}
    return out


# ---------------------------------------------------------------------------
# Suggestions
# ---------------------------------------------------------------------------

_STOP = {"a", "an", "the", "of", "it", "we", "our", "us", "is", "was", "did", "do", "what",
         "who", "to", "for", "in", "on", "and", "or", "by", "this", "that", "how", "with"}
#: Words a team's own sheet often uses for ours (a heading's words are read through this).
_SYNONYMS = {
    "logged": "recorded", "entered": "recorded", "noted": "recorded", "written": "recorded",
    "author": "recorded", "date": "when", "day": "when", "happened": "happened",
    "learned": "noticed", "learnt": "noticed", "lesson": "noticed", "lessons": "noticed",
    "action": "do", "actions": "do", "next": "do", "type": "kind", "category": "kind",
    "headline": "words", "summary": "words", "title": "words",
}


def _words(text: str) -> set[str]:
    found = re.findall(r"[a-z0-9]+", norm(text))
    return {_SYNONYMS.get(w, w) for w in found if w not in _STOP} or set(found)


def _likeness(heading: str, candidate: str) -> float:
    a, b = norm(heading), norm(candidate)
    if not a or not b:
        return 0.0
    ratio = difflib.SequenceMatcher(None, a, b).ratio()
    wa, wb = _words(a), _words(b)
    shared = len(wa & wb) / len(wa) if wa else 0.0
    return max(ratio, 0.4 * ratio + 0.6 * shared)


def _texts(meta: FieldMeta) -> list[str]:
    """What a heading is compared with: the label, the name, the question in the help."""
    first = re.split(r"(?<=[?.!])\s", meta.help.strip(), maxsplit=1)[0] if meta.help else ""
    return [meta.label, meta.name.replace("_", " "), first]


def suggest(heading: str, metas: list[FieldMeta], extra: dict[str, str] | None = None,
            limit: int = 2, cutoff: float = 0.55) -> list[str]:
    """Likely fields for a heading we do not know, best first, as ``name (label)``.

    ``extra`` adds candidates that are not fields (``recorded_by``: "who wrote it down").
    """
    scored: list[tuple[float, str]] = []
    for meta in metas:
        score = max(_likeness(heading, t) for t in _texts(meta) if t)
        scored.append((score, f"{meta.name} ({meta.label})"))
    for name, words in (extra or {}).items():
        scored.append((max(_likeness(heading, words), _likeness(heading, name)),
                       f"{name} ({words})"))
    scored.sort(key=lambda s: -s[0])
    return [text for score, text in scored[:limit] if score >= cutoff]


def other_kind_of(heading: str, kind: str) -> str | None:
    """``share.shared_with`` when a heading is the label or name of another kind's field."""
    wanted = norm(heading)
    for other, model in RECORD_KINDS.items():
        if other == kind:
            continue
        if not any(m.link == kind for m in model.fields_meta()):
            continue  # only kinds that can point back at a record of this one
        for meta in model.fields_meta():
            names = {norm(meta.label)} | ({norm(meta.name)} if "_" in meta.name else set())
            if meta.link is None and wanted in names:
                return f"{other}.{meta.name}"
    return None


# ---------------------------------------------------------------------------
# Dates
# ---------------------------------------------------------------------------

_MONTHS = {name: i for i, name in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september",
     "october", "november", "december"], start=1)}
_MONTHS.update({name[:3]: i for name, i in list(_MONTHS.items())})
_MONTHS["sept"] = 9
_MONTH = r"(?P<month>[a-z]{3,9})\.?"
_YEAR = r"(?P<year>[0-9]{4}|[0-9]{2})"
_DAY = r"(?P<day>[0-9]{1,2})(?:st|nd|rd|th)?"
_WEEKDAY = r"(?:(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)[a-z]*\.?,?\s+)?"
_TIME = r"(?:[ t][0-9]{1,2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?)?"
_ISO = re.compile(rf"(?P<year>[0-9]{{4}})[-/.](?P<month>[0-9]{{1,2}})[-/.]"
                  rf"(?P<day>[0-9]{{1,2}}){_TIME}")
_NUMERIC = re.compile(rf"(?P<a>[0-9]{{1,2}})(?P<sep>[-/.])(?P<b>[0-9]{{1,2}})(?P=sep)"
                      rf"{_YEAR}{_TIME}")
_NAMED = [
    re.compile(rf"{_WEEKDAY}{_DAY}(?:\s+of)?[\s-]+{_MONTH},?[\s-]+{_YEAR}{_TIME}"),
    re.compile(rf"{_WEEKDAY}{_MONTH}\s+{_DAY},?\s+{_YEAR}{_TIME}"),
]


def _year(text: str) -> int:
    year = int(text)
    if len(text) == 2:
        year += 2000 if year <= 68 else 1900
    return year


def _date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


@dataclass(frozen=True)
class WrittenDate:
    """A date as a person wrote it, with the readings it allows."""

    text: str
    #: Read one way only (ISO, a month in words): the date, else None.
    fixed: dt.date | None = None
    #: Numbers only (03/04/2026): the day-first and the month-first readings, where valid.
    day_first: dt.date | None = None
    month_first: dt.date | None = None

    @property
    def numeric(self) -> bool:
        return self.fixed is None

    @property
    def both_ways(self) -> bool:
        """Two different valid readings: the order decides."""
        return (self.day_first is not None and self.month_first is not None
                and self.day_first != self.month_first)

    @property
    def only(self) -> str | None:
        """"day" or "month" when the numbers fit only that order."""
        if self.numeric and self.day_first is not None and self.month_first is None:
            return "day"
        if self.numeric and self.month_first is not None and self.day_first is None:
            return "month"
        return None


def read_date(text: str) -> WrittenDate | None:
    """The readings of a written date, or None: not a date written in a way we know (the
    model then says what is wrong with it). An impossible date (31/02/2026) is None too."""
    raw = " ".join(str(text).split())
    lowered = raw.casefold()
    m = _ISO.fullmatch(lowered)
    if m:
        found = _date(int(m["year"]), int(m["month"]), int(m["day"]))
        return WrittenDate(raw, fixed=found) if found else None
    m = _NUMERIC.fullmatch(lowered)
    if m:
        a, b, year = int(m["a"]), int(m["b"]), _year(m["year"])
        day_first, month_first = _date(year, b, a), _date(year, a, b)
        if day_first is None and month_first is None:
            return None
        return WrittenDate(raw, day_first=day_first, month_first=month_first)
    for pattern in _NAMED:
        m = pattern.fullmatch(lowered)
        if m and m["month"] in _MONTHS:
            found = _date(_year(m["year"]), _MONTHS[m["month"]], int(m["day"]))
            return WrittenDate(raw, fixed=found) if found else None
    return None


class DateProblem(ValueError):
    """A written date that cannot be read for sure; the message names the fix."""


def _long(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


FLAGS_HINT = "--dayfirst (day/month/year, as in the UK) or --monthfirst"


@dataclass
class DateOrder:
    """How the numeric dates of one file are read: day first, month first, or not settled."""

    #: "day", "month" or None.
    order: str | None = None
    #: True when the order was given (an option or the mapping file), not seen in the file.
    given: bool = False
    #: Where the file showed its order: (where, text) of a date only one order fits.
    day_example: tuple[str, str] | None = None
    month_example: tuple[str, str] | None = None

    @classmethod
    def settle(cls, seen: list[tuple[str, WrittenDate]], dayfirst: bool | None) -> DateOrder:
        """The order for a file, from the option, else from the dates ``seen`` in it."""
        out = cls()
        for where, written in seen:
            if written.only == "day" and out.day_example is None:
                out.day_example = (where, written.text)
            if written.only == "month" and out.month_example is None:
                out.month_example = (where, written.text)
        if dayfirst is not None:
            out.order, out.given = ("day" if dayfirst else "month"), True
        elif out.day_example and not out.month_example:
            out.order = "day"
        elif out.month_example and not out.day_example:
            out.order = "month"
        return out

    def note(self, source: str, used: bool) -> str | None:
        """A line for the result when the file's own dates settled the order."""
        if self.given or not used or self.order is None:
            return None
        where, text = self.day_example if self.order == "day" else self.month_example  # type: ignore[misc]
        first = "day" if self.order == "day" else "month"
        return (f"{source}: dates such as 03/04/2026 were read {first} first, as '{text}' "
                f"({where}) can only be read that way.")

    def read(self, written: WrittenDate) -> tuple[dt.date, bool]:
        """The date, and whether the order decided it; DateProblem when it cannot be read."""
        if written.fixed is not None:
            return written.fixed, False
        if self.given:
            found = written.day_first if self.order == "day" else written.month_first
            if found is None:
                other = "monthfirst" if self.order == "day" else "dayfirst"
                what = "day/month/year" if self.order == "day" else "month/day/year"
                raise DateProblem(
                    f"'{written.text}' is not a date when read as {what}; check it, or if the "
                    f"file writes dates the other way import again with --{other}"
                )
            return found, written.both_ways
        if not written.both_ways:
            found = written.day_first or written.month_first
            assert found is not None
            return found, False
        if self.order is not None:
            found = written.day_first if self.order == "day" else written.month_first
            assert found is not None
            return found, True
        options = (f"{_long(written.day_first)} (day first) or "  # type: ignore[arg-type]
                   f"{_long(written.month_first)} (month first)")  # type: ignore[arg-type]
        if self.day_example and self.month_example:
            why = (f"the file writes some dates day first ('{self.day_example[1]}', "
                   f"{self.day_example[0]}) and some month first ('{self.month_example[1]}', "
                   f"{self.month_example[0]})")
        else:
            why = "no other date in the file settles which"
        iso = written.day_first.isoformat()  # type: ignore[union-attr]
        raise DateProblem(
            f"'{written.text}' is ambiguous: it could be {options}, and {why}. Write it as "
            f"{iso} (year-month-day is never misread), or import again with {FLAGS_HINT}"
        )

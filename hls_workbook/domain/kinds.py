"""One :class:`FieldKind` for each widget kind: everything about a kind of answer, in one
place.

A model field names its kind (``model.field(..., widget="date")``); the kind says how
that answer is kept and read everywhere else: the store's column type and the DataFrame
dtype, how typed or imported text becomes a value, how a value is shown as short text,
what a search word finds in it, the hint that says how to answer, the data dictionary's
type name, and whether it is text a person typed (which the privacy gate checks). Only
this module compares kind names: a new kind is one new :class:`FieldKind` in ``KINDS``.

Domain layer, below the model: imports only :mod:`hls_workbook.domain.values` (and
:mod:`hls_workbook.domain.errors`, for a day that cannot be read). What needs a
library of another layer is said here as plain data and done by that layer: the store
turns :class:`Column` into a SQLAlchemy type and :class:`Contains`, :class:`OneOf` and
:class:`Equals` into SQL; import (:mod:`hls_workbook.io.exchange`) reads a cell as the kind's
:class:`Reading` says. The form controls are widgets, so they stay in the UI layer:
``forms.CONTROLS`` maps a kind's name to its control class.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from hls_workbook.domain.errors import RecordError
from hls_workbook.domain.values import missing

#: The longest short text (a ``text`` answer) and long text (``long_text``), in characters.
SHORT_TEXT = 200
LONG_TEXT = 10_000

# C0 and C1 control characters and DEL; tab, line feed, carriage return and NEL (\x85,
# a line break in some files) are allowed.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f]")


def clean_text(value: str) -> str:
    """Strip ends, normalise unicode and refuse invisible control characters.

    Text made only of spaces and invisible format characters (zero-width spaces, word
    joiners, byte order marks) counts as empty.
    """
    value = unicodedata.normalize("NFC", value).strip()
    if _CONTROL.search(value):
        raise ValueError(
            "contains an invisible control character; retype it or paste it as plain text"
        )
    if value and all(ch.isspace() or unicodedata.category(ch) == "Cf" for ch in value):
        return ""
    return value


def as_date(value: Any, what: str | None = None) -> dt.date | None:
    """A day as a date: from a date, a datetime, a pandas Timestamp or ISO text (a day, or
    a moment on it); missing or blank gives None. The one place a day is read.

    Text that is not a day raises ValueError, or, given ``what`` (the field or option a
    person typed it into), a RecordError that names it and says how to write a day.
    """
    if missing(value) or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if hasattr(value, "date"):  # pandas Timestamp
        return value.date()
    text = str(value).strip()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        try:
            return dt.datetime.fromisoformat(text).date()
        except ValueError:
            if what is None:
                raise
            raise RecordError({"period": f"{what}: '{value}' is not a date we can read; "
                                         "write it like 2026-03-31"}) from None


def number_text(value: Any) -> str:
    """A number as typed: no exponent, no lost digits, no trailing '.0'."""
    number = float(value)
    return str(int(number)) if number.is_integer() else repr(number)


class Column(Enum):
    """The type of a kind's column in the database (the store makes it a SQL type)."""

    TEXT = "text"
    CHOICE = "choice"  # a choice's value: short text
    INTEGER = "integer"
    FLOAT = "float"
    BOOLEAN = "boolean"
    DATE = "date"
    JSON = "json"  # a list or a mapping


class Reading(Enum):
    """How import reads a cell's text for a kind (``exchange``: a choice by its value or
    label, numbers with thousands separators or a decimal comma, dates in the file's
    order); ``AS_IS`` leaves the text to the model."""

    AS_IS = "as is"
    CHOICE = "choice"
    CHOICES = "choices"
    NUMBER = "number"
    DATE = "date"


# What a search word finds in one field, said without SQL (the store writes the SQL).


@dataclass(frozen=True)
class Contains:
    """The column's text (after ``prefix``) contains ``text``; ``autoescape``: ``%`` and
    ``_`` in ``text`` are themselves, not wildcards."""

    text: str
    prefix: str = ""
    autoescape: bool = True


@dataclass(frozen=True)
class OneOf:
    """The column holds one of ``values``."""

    values: tuple[str, ...]


@dataclass(frozen=True)
class Equals:
    """The column is ``value`` (a yes/no)."""

    value: bool


Match = Contains | OneOf | Equals
#: A kind's search: the word (case-folded) and the field's choices (value: label) ->
#: the matches, or None when the field is typed text (matched after case folding).
Search = Callable[[str, Mapping[str, str]], "list[Match] | None"]
#: A kind's short text for a value that is not missing, given the field's choices.
Show = Callable[[Any, Mapping[str, str]], str]
#: A kind's answer hint for a field (its FieldMeta), given a way to name a record kind in
#: the plural ("Stories").
Hint = Callable[[Any, Callable[[str], str]], str]


def _labelled(word: str, choices: Mapping[str, str]) -> list[str]:
    return [value for value, label in choices.items() if word in label.casefold()]


def _typed(word: str, choices: Mapping[str, str]) -> list[Match] | None:
    return None


def _as_text(word: str, choices: Mapping[str, str]) -> list[Match] | None:
    return [Contains(word)]


def _by_label(word: str, choices: Mapping[str, str]) -> list[Match] | None:
    values = _labelled(word, choices)
    return [OneOf(tuple(values))] if values else []


def _labels_in_list(word: str, choices: Mapping[str, str]) -> list[Match] | None:
    return [Contains(f'"{v}"', autoescape=False) for v in _labelled(word, choices)]


def _counts_search(word: str, choices: Mapping[str, str]) -> list[Match] | None:
    return [*[Contains(f'"{v}"', autoescape=False) for v in _labelled(word, choices)],
            Contains(word)]


def _record_number(word: str, choices: Mapping[str, str]) -> list[Match] | None:
    return [Contains(word, prefix="#")]


def _record_numbers(word: str, choices: Mapping[str, str]) -> list[Match] | None:
    bare = word.lstrip("#")
    return [Contains(bare)] if bare else []


def _yes_no(word: str, choices: Mapping[str, str]) -> list[Match] | None:
    return ([Equals(True)] if word in "yes" else []) + ([Equals(False)] if word in "no" else [])


def _show_plain(value: Any, choices: Mapping[str, str]) -> str:
    return str(value)


def _show_date(value: Any, choices: Mapping[str, str]) -> str:
    found = as_date(value)
    assert found is not None  # shown values are never missing
    return found.isoformat()


def _show_choice(value: Any, choices: Mapping[str, str]) -> str:
    return choices.get(str(value), str(value))


def _show_choices(value: Any, choices: Mapping[str, str]) -> str:
    return ", ".join(choices.get(str(v), str(v)) for v in value or [])


def _show_link(value: Any, choices: Mapping[str, str]) -> str:
    return f"#{int(value)}"


def _show_links(value: Any, choices: Mapping[str, str]) -> str:
    return ", ".join(f"#{int(v)}" for v in value or [])


def _show_flag(value: Any, choices: Mapping[str, str]) -> str:
    return "yes" if bool(value) else "no"


def _show_counts(value: Any, choices: Mapping[str, str]) -> str:
    return ", ".join(f"{choices.get(str(k), k)} {v}" for k, v in dict(value).items() if v)


def _show_words(value: Any, choices: Mapping[str, str]) -> str:
    return ", ".join(str(v) for v in value or [])


def _show_whole(value: Any, choices: Mapping[str, str]) -> str:
    return str(int(value))


def _show_number(value: Any, choices: Mapping[str, str]) -> str:
    return number_text(value)


def _says(text: str) -> Hint:
    def hint(meta: Any, plural: Callable[[str], str]) -> str:
        return text
    return hint


def _picked(how: str) -> Hint:
    def hint(meta: Any, plural: Callable[[str], str]) -> str:
        return f"{how}: " + "; ".join(meta.choices.values()) if meta.choices else "text"
    return hint


def _linked(how_many: str) -> Hint:
    def hint(meta: Any, plural: Callable[[str], str]) -> str:
        what = plural(meta.link).lower() if meta.link else "records"
        return f"{how_many} of the {what} recorded for the place"
    return hint


def _score_hint(meta: Any, plural: Callable[[str], str]) -> str:
    lo = int(meta.minimum if meta.minimum is not None else 0)
    hi = int(meta.maximum if meta.maximum is not None else 10)
    return f"a score from {lo} to {hi}"


@dataclass(frozen=True)
class FieldKind:
    """Everything about one kind of answer (see the module docstring)."""

    name: str
    #: what the data dictionary calls it
    type_name: str
    column: Column
    #: the answer hint (forms: a form's questions as text, and a list's filter)
    hint: Hint
    #: the DataFrame dtype of its column in a table (None: as the rows give it)
    frame_dtype: str | None = None
    reading: Reading = Reading.AS_IS
    search: Search = _typed
    show: Show = _show_plain
    #: text a person types (the privacy gate and the language check read it)
    free_text: bool = False
    #: its value is a list or a dict (blank text is an empty one; JSON text is read)
    container: type[list[Any]] | type[dict[str, Any]] | None = None
    #: a yes/no given for it (or inside its list) is refused: it is a number
    refuses_yes_no: bool = False
    #: each item of a list given for it is cleaned as typed text (words)
    cleans_items: bool = False
    #: a number in an imported cell is read as text (its digits)
    number_as_text: bool = False
    #: a number in an imported cell is a list of one
    number_as_list: bool = False
    #: the keys of a mapping in an imported cell are choices (by value or label)
    choice_keys: bool = False
    #: a whole number (a form reads and writes it without a decimal point)
    whole_number: bool = False
    #: the model field's defaults (``model.field``)
    field_defaults: Mapping[str, Any] = field(default_factory=dict)
    #: a required answer cannot be blank (``min_length`` 1)
    not_blank: bool = False
    #: how a form and a list show it (the controls themselves are ``forms.CONTROLS``):
    #: an answer picked from a list (left unpicked, a form says "please choose one")
    picked: bool = False
    #: when optional, it may fold away under "More questions"
    foldable: bool = False
    #: short enough to be a column of a list of records
    list_column: bool = False
    #: what an empty text box says
    placeholder: str = ""

    @property
    def is_date(self) -> bool:
        return self.reading is Reading.DATE

    def answer_hint(self, meta: Any, plural: Callable[[str], str]) -> str:
        """How to answer the field ``meta`` of this kind, in a few words."""
        return self.hint(meta, plural)

    def matches(self, word: str, choices: Mapping[str, str] | None) -> list[Match] | None:
        """What a (case-folded) search word finds in a field of this kind; None when the
        field is typed text, which the store matches after case folding."""
        return self.search(word, choices or {})

    def display(self, value: Any, choices: Mapping[str, str] | None) -> str:
        """A value that is not missing as short plain text (not escaped, not shortened)."""
        return self.show(value, choices or {})

    def frame_column(self, column: Any) -> Any:
        """A table's column (a pandas Series) as this kind's dtype."""
        if self.frame_dtype is None:
            return column
        import pandas as pd  # only when a table is made: a stage notebook starts fast

        if self.frame_dtype == "datetime64[ns]":
            column = pd.to_datetime(column)
        elif self.frame_dtype == "float64":
            column = pd.to_numeric(column)
        return column.astype(self.frame_dtype)

    def forgive(self, value: Any, required: bool) -> Any:
        """What forms and spreadsheets give, made ready for the model: blanks, comma
        lists, JSON text. Raises ValueError for a yes/no given as a number."""
        if self.refuses_yes_no and (
            isinstance(value, bool) if self.container is None
            else isinstance(value, list | tuple) and any(isinstance(v, bool) for v in value)
        ):
            raise ValueError("needs a number, and yes/no is not a number; write a number")
        if isinstance(value, str):
            value = clean_text(value)
            if value == "":
                if self.container is not None:
                    return self.container()
                return None if not required else value
            if self.container is not None and value[:1] in "[{":
                try:
                    return json.loads(value)
                except json.JSONDecodeError:
                    raise ValueError(
                        "is not a readable list; separate the items with commas"
                    ) from None
            if self.container is list:
                return [item.strip() for item in value.split(",") if item.strip()]
        if isinstance(value, list | tuple) and self.cleans_items:
            return [clean_text(str(v)) for v in value if str(v).strip()]
        return value


_KINDS = (
    FieldKind(
        "text", "text", Column.TEXT, _says("a few words"), free_text=True,
        number_as_text=True, field_defaults={"max_length": SHORT_TEXT}, not_blank=True,
        foldable=True),
    FieldKind(
        "long_text", "long text", Column.TEXT, _says("as many words as you need"),
        free_text=True, number_as_text=True, field_defaults={"max_length": LONG_TEXT},
        not_blank=True, foldable=True),
    FieldKind(
        "date", "date", Column.DATE, _says("a date"), frame_dtype="datetime64[ns]",
        reading=Reading.DATE, search=_as_text, show=_show_date),
    FieldKind(
        "choice", "choice", Column.CHOICE, _picked("pick one of"), reading=Reading.CHOICE,
        search=_by_label, show=_show_choice, number_as_text=True, picked=True,
        list_column=True),
    FieldKind(
        "multi_choice", "list of choices", Column.JSON, _picked("tick any of"),
        reading=Reading.CHOICES, search=_labels_in_list, show=_show_choices,
        container=list, number_as_text=True, list_column=True),
    FieldKind(
        "score", "integer 0-10", Column.INTEGER, _score_hint, frame_dtype="Int64",
        reading=Reading.NUMBER, search=_as_text, show=_show_whole, refuses_yes_no=True,
        whole_number=True, list_column=True),
    FieldKind(
        "yes_partly_no", "choice", Column.CHOICE, _picked("pick one of"),
        reading=Reading.CHOICE, search=_by_label, show=_show_choice, number_as_text=True,
        picked=True, list_column=True),
    FieldKind(
        "number", "number", Column.FLOAT, _says("a number"), frame_dtype="float64",
        reading=Reading.NUMBER, search=_as_text, show=_show_number, refuses_yes_no=True,
        field_defaults={"allow_inf_nan": False}, foldable=True),
    FieldKind(
        "integer", "integer", Column.INTEGER, _says("a whole number"), frame_dtype="Int64",
        reading=Reading.NUMBER, search=_as_text, show=_show_whole, refuses_yes_no=True,
        whole_number=True, foldable=True),
    FieldKind(
        "flag", "yes/no", Column.BOOLEAN, _says("yes or no"), frame_dtype="boolean",
        search=_yes_no, show=_show_flag),
    FieldKind(
        "counts", "counts by part of the system", Column.JSON,
        _says("a number for each part of the system"), search=_counts_search,
        show=_show_counts, container=dict, choice_keys=True),
    FieldKind(
        "link", "record id", Column.INTEGER, _linked("one"), frame_dtype="Int64",
        search=_record_number, show=_show_link, refuses_yes_no=True, whole_number=True,
        picked=True, foldable=True, list_column=True),
    FieldKind(
        "links", "list of record ids", Column.JSON, _linked("any"), search=_record_numbers,
        show=_show_links, container=list, refuses_yes_no=True, number_as_list=True,
        foldable=True),
    FieldKind(
        "tags", "list of words", Column.JSON, _says("words, separated with commas"),
        show=_show_words, free_text=True, container=list, cleans_items=True,
        number_as_text=True, foldable=True, placeholder="separate with commas"),
    FieldKind(
        "period", "period (YYYY-Qn or YYYY-MM)", Column.TEXT,
        _says("a round such as 2026-Q3"), number_as_text=True,
        placeholder="for example 2026-Q3"),
)

#: Every kind, by its name (a model field's ``widget``).
KINDS: dict[str, FieldKind] = {kind.name: kind for kind in _KINDS}


def kind_of(meta: Any) -> FieldKind:
    """The kind of a field (its FieldMeta, or anything with a ``widget`` name)."""
    return KINDS[meta.widget]

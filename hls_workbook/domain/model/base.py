"""What every record kind is built from: the ``field()`` helper and the Record base class.

A field carries its label, the question a facilitator would ask (its help prompt) and the
kind of widget that edits it; :class:`FieldMeta` is what the forms and the data dictionary
read of it. The record kinds themselves live in the modules named for their stage.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from hls_workbook.domain.errors import RecordError
from hls_workbook.domain.kinds import KINDS, FieldKind
from hls_workbook.domain.model.choices import Choice

#: What replaces the words of a withdrawn story, and of every record about it.
WITHDRAWN_TEXT = "[withdrawn]"

#: The widget kinds a field may have: each is a :class:`~hls_workbook.domain.kinds.FieldKind`.
WIDGETS = set(KINDS)


def field(
    label: str,
    help: str,
    widget: str = "text",
    default: Any = ...,
    *,
    link: str | None = None,
    shows: tuple[str, ...] = (),
    only: Mapping[str, Any] | None = None,
    asked: str | None = None,
    editing_only: bool = False,
    **kwargs: Any,
) -> Any:
    """A model field with the label, help prompt and widget kind the forms need.

    ``shows`` (a link only): fields of the linked record to show beside the form once one
    is chosen, so a person answers with them in view (a review shows its experiment's
    intent and rules).

    ``only`` (a link only): the linked records a person may choose are those whose fields
    hold these values (a note back to a storyteller offers only the stories whose teller
    asked to hear back, never a withdrawn one); a form's choice, not a check on save.

    ``asked``: a question a person must answer when they first save the record in a form,
    though a record saved before it was asked (or imported, or made by code, or changed
    later) may leave it empty; the text is what the form says when it is left empty (see
    :meth:`Record.unanswered`). ``editing_only``: asked only when changing a saved record,
    never on a new one (a story's withdrawal)."""
    kind = KINDS.get(widget)
    if kind is None:
        raise ValueError(f"unknown widget kind {widget!r}")
    for key, value in kind.field_defaults.items():
        kwargs.setdefault(key, value)
    if kind.not_blank and default is ... and "default_factory" not in kwargs:
        kwargs.setdefault("min_length", 1)
    extra: dict[str, Any] = {"widget": widget}
    if link:
        extra["link"] = link
    if shows:
        extra["shows"] = list(shows)
    if only:
        extra["only"] = dict(only)
    if asked:
        extra["asked"] = asked
    if editing_only:
        extra["editing_only"] = True
    return Field(default, title=label, description=help, json_schema_extra=extra, **kwargs)


def today() -> dt.date:
    return dt.date.today()


# ---------------------------------------------------------------------------
# Base record
# ---------------------------------------------------------------------------


class Record(BaseModel):
    """Base of every record kind: strict about unknown fields, forgiving about spaces."""

    model_config = ConfigDict(extra="forbid", use_enum_values=True, validate_default=True,
                              defer_build=True)  # built on first use: a light import

    kind: ClassVar[str]
    title_plural: ClassVar[str]
    stage: ClassVar[str]
    practices: ClassVar[tuple[str, ...]]
    #: The field that places a record in a period (for report filters), if any.
    date_field: ClassVar[str | None] = None
    #: Fields holding text a person typed about other people (redacted for the public).
    free_text: ClassVar[tuple[str, ...]] = ()
    #: Fields that would identify someone (never shown to the public).
    personal: ClassVar[tuple[str, ...]] = ()
    #: Dates that cannot be in the future.
    past_dates: ClassVar[tuple[str, ...]] = ()
    #: A short one-line description used in lists and link choices.
    summary_field: ClassVar[str] = ""
    #: For a form-only record: the kind its answers are saved as (see :meth:`expand`).
    stored_as: ClassVar[str | None] = None
    #: Fields whose answers a form repeats when it saves (a story's consent): see
    #: :meth:`confirmed`.
    confirms: ClassVar[tuple[str, ...]] = ()
    #: Kept within the team: the privacy gate hands no row of it to partners or the
    #: public (``privacy.policy.TEAM_ONLY``), whatever its fields.
    team_only: ClassVar[bool] = False
    #: The link naming the story this record's words are about (a note back to its
    #: teller): withdrawing that story erases them too (:meth:`erased_with_story`).
    about_story: ClassVar[str | None] = None

    @classmethod
    def erased_with_story(cls) -> dict[str, Any]:
        """What replaces this record's words when the story it is about (its
        ``about_story`` link) is withdrawn: nothing for a record about no story."""
        return {}

    @field_validator("*", mode="before")
    @classmethod
    def _forgiving_input(cls, value: Any, info: Any) -> Any:
        """Accept what forms and spreadsheets give: blanks, comma lists, JSON text."""
        f = cls.model_fields[info.field_name]
        kind = KINDS[(f.json_schema_extra or {}).get("widget", "text")]
        return kind.forgive(value, f.is_required())

    @field_validator("*", mode="after")
    @classmethod
    def _no_future_dates(cls, value: Any, info: Any) -> Any:
        if info.field_name in cls.past_dates and value is not None and value > today():
            raise ValueError(
                f"{value.isoformat()} is in the future; pick today or an earlier date"
            )
        return value

    @classmethod
    def validate_input(cls, data: dict[str, Any], *, entered: bool = False) -> Record:
        """Validate form or file input; raise RecordError with a plain message per field.

        ``entered``: a person typed a new record into a form, so the questions they must
        answer (:meth:`unanswered`) are checked too, and said with any other problem.
        """
        problems = cls.unanswered(data) if entered else {}
        try:
            record = cls.model_validate(data)
        except ValidationError as exc:
            found = RecordError.from_validation(cls, exc).problems
            problems = {**problems, **{k: v for k, v in found.items() if k not in problems}}
            order = list(cls.model_fields)
            problems = dict(sorted(problems.items(), key=lambda item: (
                order.index(item[0]) if item[0] in order else len(order))))
            raise RecordError(problems, cls.kind) from None
        if problems:
            raise RecordError(problems, cls.kind)
        return record

    @classmethod
    def unanswered(cls, data: Mapping[str, Any]) -> dict[str, str]:
        """The questions a person must answer in a form (a field's ``asked``) that ``data``
        leaves empty, each with its message naming the question."""
        out = {}
        for meta in cls.fields_meta():
            if meta.asked and _blank(data.get(meta.name)):
                out[meta.name] = f"{meta.label}: {meta.asked}"
        return out

    @classmethod
    def fields_meta(cls) -> list[FieldMeta]:
        """What the forms and the data dictionary need about each field, in order.

        Worked out once per model (the fields never change at run time) and shared: the
        :class:`FieldMeta` objects are frozen, and each call gets a new list.
        """
        return list(_metas(cls).values())

    @classmethod
    def field_meta(cls, name: str) -> FieldMeta:
        """One field's :class:`FieldMeta` (a KeyError for a name that is not a field)."""
        return _metas(cls)[name]

    def summary(self) -> str:
        return str(getattr(self, self.summary_field, "") or "")

    def confirmed(self) -> tuple[str, ...]:
        """The fields whose answers a form repeats once this record is saved."""
        return self.confirms

    def expand(self) -> list[Record]:
        """The records to save for this one: itself, except for form-only records."""
        return [self]


class FieldMeta(BaseModel):
    """What the forms and the data dictionary need to know about one field."""

    model_config = ConfigDict(frozen=True)

    name: str
    label: str
    help: str
    widget: str
    required: bool
    choices: dict[str, str] | None = None
    link: str | None = None
    shows: tuple[str, ...] = ()
    #: (a link only) the linked records a form offers: those whose fields hold these values
    only: tuple[tuple[str, Any], ...] = ()
    #: what a form says when a question a new record must answer is left empty (None: none)
    asked: str | None = None
    #: asked only when changing a saved record, never on a new one
    editing_only: bool = False
    max_length: int | None = None
    minimum: float | None = None
    maximum: float | None = None
    type_name: str = "text"

    @property
    def field_kind(self) -> FieldKind:
        """Everything about this field's kind of answer (its ``widget``)."""
        return KINDS[self.widget]

    @classmethod
    def of(cls, model: type[Record], name: str) -> FieldMeta:
        f = model.model_fields[name]
        extra = f.json_schema_extra or {}
        widget = extra.get("widget", "text")
        max_length = minimum = maximum = None
        for m in f.metadata:
            max_length = getattr(m, "max_length", None) or max_length
            for attr in ("ge", "gt"):
                if getattr(m, attr, None) is not None:
                    minimum = getattr(m, attr)
            for attr in ("le", "lt"):
                if getattr(m, attr, None) is not None:
                    maximum = getattr(m, attr)
        choices = None
        enum = _enum_of(f.annotation)
        if enum is not None:
            choices = enum.labels()
        type_name = KINDS[widget].type_name
        return cls(
            name=name,
            label=f.title or name,
            help=f.description or "",
            widget=widget,
            required=f.is_required(),
            choices=choices,
            link=extra.get("link"),
            shows=tuple(extra.get("shows", ())),
            only=tuple((extra.get("only") or {}).items()),
            asked=extra.get("asked"),
            editing_only=bool(extra.get("editing_only", False)),
            max_length=max_length,
            minimum=minimum,
            maximum=maximum,
            type_name=type_name,
        )


_METAS: dict[type[Record], dict[str, FieldMeta]] = {}


def _metas(model: type[Record]) -> dict[str, FieldMeta]:
    """Each field's FieldMeta, by name, worked out on first use and kept per model class."""
    found = _METAS.get(model)
    if found is None:
        found = _METAS[model] = {name: FieldMeta.of(model, name) for name in model.model_fields}
    return found


def _enum_of(annotation: Any) -> type[Choice] | None:
    """Find the Choice enum inside an annotation such as `Part | None` or `list[Part]`."""
    if isinstance(annotation, type) and issubclass(annotation, Choice):
        return annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        found = _enum_of(arg)
        if found is not None:
            return found
    return None


def _blank(value: Any) -> bool:
    """An unanswered value as a form or a file gives it: None, blank text, an empty list."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, list | tuple | set | dict):
        return not value
    return False



"""Words and values: how kinds, records and answers read in messages, lists and text.

The plain-text side of the forms, with no widget in it: a kind's noun and plural, a
stored value as short text, a record's label, an error as one sentence, and the questions
of a form as Markdown (what a headless run shows instead of widgets).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from typing import Any

import ipywidgets as W

from hls_workbook.domain.errors import RecordError
from hls_workbook.domain.kinds import as_date, number_text
from hls_workbook.domain.model import Part, Record, model_for
from hls_workbook.templating import escape

log = logging.getLogger(__name__)

BLANK_LABEL = "— choose —"
NOT_ANSWERED = "Not answered"
#: How a saved record is named in messages, where the kind's own name reads badly.
NOUNS = {
    "voice": "story",
    "checkin": "check-in",
    "pulse": "pulse answer",
    "burden": "requirement",
    "learning": "piece of learning",
    "support": "support request",
    "meeting_series": "regular meeting",
    "glossary_term": "word in our shared language",
    "value": "shared value",
    "share": "note of sharing",
    "contribution": "speaker note",
    "feedback": "note back to a storyteller",
}
#: How records of a kind are named together in a form, where the kind's title reads badly.
PLURALS = {"voice": "Stories"}
LABEL_CHARS = 60
CELL_CHARS = 80


def noun(kind: str) -> str:
    """The word used for one record of a kind in messages, e.g. 'story', 'check-in'."""
    key = model_for(kind).kind
    return NOUNS.get(key, key.replace("_", " "))


def plural(kind: str) -> str:
    """The words for records of a kind together, as a title: 'Stories', 'Partners'."""
    model = model_for(kind)
    return PLURALS.get(model.kind, model.title_plural)


def is_missing(value: Any) -> bool:
    """None, NaN, NaT or pandas' NA (without importing pandas)."""
    if value is None:
        return True
    if isinstance(value, list | tuple | dict | str):
        return False
    try:
        return bool(value != value)
    except (TypeError, ValueError):
        return True


def date_or_none(value: Any) -> dt.date | None:
    return None if is_missing(value) else as_date(value)


def option_values(widget: W.Widget) -> list[Any]:
    """The values of a selection widget whose options are (label, value) pairs."""
    return [value for _label, value in widget.options]


def typed_number(value: Any) -> str:
    """A number as typed: no exponent, no lost digits, no trailing '.0'."""
    return number_text(value)


def shorten(text: str, limit: int) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def normalise_role(role: str | None) -> tuple[str | None, str | None]:
    """The Part value for a role given as a value or a label, and a warning if unknown."""
    if role in (None, ""):
        return None, None
    text = str(role).strip()
    for value, label in Part.labels().items():
        if text.lower() in (value, label.lower(), value.replace("_", " ")):
            return value, None
    known = ", ".join(Part.labels().values())
    return None, (
        f"'{text}' is not a part of the system, so saves will not say who recorded them. "
        f"Set role to one of: {known}."
    )


def format_value(meta: Any, value: Any, limit: int | None = CELL_CHARS) -> str:
    """A stored value as short plain text for a list or a link label (not escaped)."""
    if is_missing(value):
        return ""
    text = meta.field_kind.display(value, meta.choices)  # kinds.FieldKind.display
    return shorten(text, limit) if limit else text


def record_label(kind: str, row: Mapping[str, Any], limit: int = LABEL_CHARS) -> str:
    """How a record is named in choices: '#12 housing'."""
    model = model_for(kind)
    summary = ""
    if model.summary_field:
        meta = model.field_meta(model.summary_field)
        summary = format_value(meta, row.get(model.summary_field), limit)
    return f"#{int(row['id'])} {summary}".strip()


def when_kept(saved_at: dt.datetime) -> str:
    """When a draft was kept (saved in UTC), in local time: '14:05', or '3 March, 14:05'."""
    local = saved_at.replace(tzinfo=dt.UTC).astimezone()
    if local.date() == dt.datetime.now().astimezone().date():
        return f"{local:%H:%M}"
    return f"{local.day} {local:%B}, {local:%H:%M}"


def confirmation_text(record: Record) -> str:
    """The answers a saved record repeats (a story's consent), as sentences after 'Saved'."""
    out = []
    for name in record.confirmed():
        meta = record.field_meta(name)
        shown = format_value(meta, getattr(record, name), None) or "nobody"
        out.append(f" {meta.label}: {shown}.")
    return "".join(out)


def plain_error(exc: BaseException) -> str:
    """An exception as one plain sentence (RecordError: its messages)."""
    if isinstance(exc, RecordError):
        return exc.message()
    text = str(exc).strip() or type(exc).__name__
    return text


def answer_hint(meta: Any) -> str:
    return meta.field_kind.answer_hint(meta, plural)  # kinds.FieldKind.answer_hint


def new_questions(model: type[Record]) -> list[Any]:
    """The questions a new record asks: all but those asked only when changing one."""
    return [meta for meta in model.fields_meta() if not meta.editing_only]


def describe(kind: str) -> str:
    """The questions of a form as Markdown: what a headless run shows instead (as HTML:
    :func:`hls_workbook.ui.forms.html.questions_html`)."""
    model = model_for(kind)
    lines: list[str] = []
    lines.append(f"#### The questions for a new {noun(model.kind)}\n")
    lines.append("*In a live notebook these are a form. Questions marked (required) must be "
                 "answered before saving.*\n")
    for i, meta in enumerate(new_questions(model), start=1):
        req = " *(required)*" if meta.required or meta.asked else ""
        lines.append(f"{i}. **{markdown_safe(meta.label)}**{req}  ")
        if meta.help:
            lines.append(f"   {markdown_safe(meta.help)}  ")
        lines.append(f"   <small>Answer: {markdown_safe(answer_hint(meta))}</small>")
    return "\n".join(lines) + "\n"


def markdown_safe(text: str) -> str:
    """Model text made safe for Markdown: HTML escaped, emphasis characters neutralised."""
    for ch in ("\\", "*", "_", "`", "[", "]"):
        text = text.replace(ch, "\\" + ch)
    return escape(text)

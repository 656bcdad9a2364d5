"""Forms for every record kind, built from the models: one builder, no hand-made forms.

Each field of a model (see :mod:`hls_workbook.domain.model`) carries its label, its help prompt
and its widget kind; :class:`RecordForm` turns that into an ipywidgets form, and
:class:`RecordList` shows what is already recorded for the place, newest first.

In a notebook, one line does it::

    from hls_workbook.ui import forms
    forms.show("voice", wb, place=place, role=role, interactive=interactive)

``show`` returns the live form (displayed when it is the last line of a cell). When a
notebook runs headless (papermill, or ``HLS_WORKBOOK_HEADLESS=1``), pass
``interactive=False``: ``show`` then returns the questions as Markdown and creates no
widget at all, so no live widget ends up in a report.

The form keeps what was typed until it is saved. Submit validates with the model,
shows each problem beside its field, and saves one record through the store (a new
record, or a new version when editing: the old version is kept). Outside a kernel the
widgets use a dummy comm, so tests set ``.value`` and call ``.click()``.

Only ipywidgets is imported here; pandas is imported by the store when a list is read.
"""

from __future__ import annotations

import asyncio
import atexit
import datetime as dt
import html
import logging
import time
import typing
import weakref
from collections.abc import Callable, Iterable, Mapping
from contextlib import contextmanager, suppress
from typing import TYPE_CHECKING, Any

import ipywidgets as W

from hls_workbook import config
from hls_workbook.domain.errors import RecordError, WorkbookError
from hls_workbook.domain.kinds import as_date, number_text
from hls_workbook.domain.model import Part, Record, model_for

if TYPE_CHECKING:
    from hls_workbook.store.workbook import Draft, Workbook

__all__ = ["RecordForm", "RecordList", "describe", "show"]

log = logging.getLogger(__name__)

#: Set this environment variable to 1 to make :func:`show` return text, never widgets.
HEADLESS_ENV = config.HEADLESS_ENV

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
#: Kinds with one record per place: their form always edits that record once it exists.
ONE_PER_PLACE = frozenset({"place"})
SHOWN_ROWS = 10
#: A draft of what is typed is kept this many seconds after a change (later changes ride
#: along), so a closed tab or a dead kernel loses at most the last moment of typing.
DRAFT_DELAY = 1.0
#: How often, in seconds, a live form looks whether someone else saved a record of a kind
#: it shows (another kernel: another browser tab, another person's notebook). See
#: :class:`Watching`.
POLL_SECONDS = 3.0
LABEL_CHARS = 60
CELL_CHARS = 80

SKIP = object()  # "leave this field out": the model's default applies

ERROR_STYLE = "color:#a30000"
OK_STYLE = "color:#1b6e20"
HELP_STYLE = "font-size:0.95em;color:#555;line-height:1.35"  # readable at a glance
HIDDEN_DISPLAY = "none"


def noun(kind: str) -> str:
    """The word used for one record of a kind in messages, e.g. 'story', 'check-in'."""
    key = model_for(kind).kind
    return NOUNS.get(key, key.replace("_", " "))


def plural(kind: str) -> str:
    """The words for records of a kind together, as a title: 'Stories', 'Partners'."""
    model = model_for(kind)
    return PLURALS.get(model.kind, model.title_plural)


def esc_html(text: Any) -> str:
    return html.escape(str(text), quote=True)


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


def record_labels(wb: Workbook, kind: str, place: str,
                  ids: Iterable[int] | None = None) -> list[tuple[str, int]]:
    """(label, id) of a place's current records of a kind, newest first: one light query
    of the ids and summaries (or only of the records ``ids``)."""
    model = model_for(kind)
    columns = [model.summary_field] if model.summary_field else []
    rows = wb.listing(model.kind, place, columns=columns, ids=ids).rows
    return [(record_label(model.kind, r), int(r["id"])) for r in rows]


def merged_options(options: list[tuple[str, int]], changed: Iterable[int],
                   found: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """Known options brought up to date with the records ``changed``: those ``found``
    added or relabelled, the others (archived, moved) dropped; newest first."""
    by_id = {value: label for label, value in options}
    for value in changed:
        by_id.pop(int(value), None)
    by_id.update({value: label for label, value in found})
    return [(by_id[value], value) for value in sorted(by_id, reverse=True)]


# ---------------------------------------------------------------------------
# Widgets: shared layouts and styles, accessible names
# ---------------------------------------------------------------------------

#: Layout and style objects shared by every widget that never changes its own (each is a
#: widget of its own in the kernel and the browser: a form has hundreds of them).
_SHARED: dict[tuple[Any, ...], W.Widget] = {}


def _shared(cls: type[W.Widget], **traits: Any) -> W.Widget:
    """One Layout (or style) per set of traits, shared. Never change it: show or hide a
    widget with :func:`show_if`, which gives it another shared layout."""
    key = (cls, *sorted(traits.items()))
    found = _SHARED.get(key)
    if found is None or found.comm is None:  # made, or closed, in another kernel session
        found = _SHARED[key] = cls(**traits)
    return found


def shared_layout(**traits: Any) -> W.Layout:
    return _shared(W.Layout, **traits)


def shown_layout(shown: bool) -> W.Layout:
    """The shared layout of a widget that is shown, or hidden."""
    return shared_layout() if shown else shared_layout(display=HIDDEN_DISPLAY)


def show_if(widget: W.Widget, shown: bool) -> None:
    """Show or hide a widget (by giving it the other shared layout: one message)."""
    layout = shown_layout(shown)
    if widget.layout is not layout:
        widget.layout = layout


def styled(cls: type[W.Widget], *, style: Mapping[str, Any] | None = None, **kwargs: Any) -> Any:
    """A widget with a shared layout (unless one is given) and a shared style."""
    kwargs.setdefault("layout", shared_layout())
    trait = cls.class_traits().get("style")
    if trait is not None:
        kwargs["style"] = _shared(trait.klass, **dict(style or {}))
    return cls(**kwargs)


#: Inputs are named by their question for screen readers: ipywidgets draws a widget's
#: ``description`` as a ``<label for=...>`` tied to its input. The question is shown above
#: the input (with its help), so that label is kept for assistive technology only.
NAMED = "hls-named"
NAMED_CSS = (
    "<style>"
    f".{NAMED} > .widget-label, .{NAMED} > .jupyter-widget-label {{"
    "position:absolute;width:1px;height:1px;margin:-1px;padding:0;overflow:hidden;"
    "clip:rect(0 0 0 0);clip-path:inset(50%);white-space:nowrap;border:0}"
    ".hls-count > .widget-label, .hls-count > .jupyter-widget-label {text-align:left}"
    "</style>"
)


def named_for(name: str) -> dict[str, Any]:
    """The traits that give an input its accessible name (its question), drawn only for
    screen readers: ``styled(W.Text, **named_for("Title"))``."""
    return {"description": name, "_dom_classes": (NAMED,)}


def mime_bundle(widget: W.Widget, text: str) -> dict[str, Any]:
    """What a notebook displays for ``widget``: its view, and a short plain-text line
    (ipywidgets' own would first write out every widget inside it)."""
    return {
        "text/plain": text,
        "application/vnd.jupyter.widget-view+json": {
            "version_major": 2, "version_minor": 0, "model_id": widget.model_id,
        },
    }


# ---------------------------------------------------------------------------
# One control per widget kind
# ---------------------------------------------------------------------------


class Control:
    """Adapts the input widget(s) of one field: ``read()`` for the model, ``set()`` from a record.

    ``widget`` is what is shown. ``read()`` returns ``(value, problem)``: the value to hand
    the model (or the internal "leave out" marker) and a plain message when the input
    cannot even be read.
    """

    _quiet = False

    def __init__(self, meta: Any, default: Callable[[], Any], nullable: bool,
                 on_change: Callable[[Any], None]) -> None:
        self.meta = meta
        self.default = default  # called at every reset, so "today" stays today
        self.nullable = nullable
        self._on_change = on_change
        self.widget: W.Widget = self.build()
        self.reset()

    # -- to override ---------------------------------------------------------
    def build(self) -> W.Widget:  # pragma: no cover - abstract
        raise NotImplementedError

    def read(self) -> tuple[Any, str | None]:  # pragma: no cover - abstract
        raise NotImplementedError

    def set(self, value: Any) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    # -- shared --------------------------------------------------------------
    def reset(self) -> None:
        value = self.default()
        self.set(None if value is SKIP else value)

    def refresh(self, wb: Workbook, place: str, ids: Iterable[int] | None = None) -> None:
        """Re-read choices that come from the database (links only): all of them, or only
        the records ``ids`` just saved."""

    def problem_shown(self) -> None:
        """Called when this field's problem has been shown to the person."""

    def snapshot(self) -> Any:
        """What the field holds, as a plain JSON value for a draft (None: nothing)."""
        value, _problem = self.read()
        if value is SKIP:
            return None
        if isinstance(value, dt.date):
            return value.isoformat()
        return value

    def restore(self, value: Any) -> None:
        """Put back what :meth:`snapshot` gave."""
        self.set(value)

    def _watch(self, widget: W.Widget) -> W.Widget:
        widget.observe(self._on_change, names="value")
        return widget

    def _empty(self) -> tuple[Any, str | None]:
        """What an unanswered field gives the model."""
        if self.meta.required and self.meta.field_kind.picked:
            return SKIP, f"{self.meta.label}: please choose one"
        if self.meta.required and self.meta.field_kind.is_date:
            return SKIP, f"{self.meta.label}: please pick a date"
        if self.meta.required:
            return SKIP, None
        return (None if self.nullable else SKIP), None


WIDE = {"width": "100%", "max_width": "46em"}


class TextControl(Control):
    def build(self) -> W.Widget:
        self.input = self._watch(styled(
            W.Text, placeholder=self.meta.field_kind.placeholder,
            layout=shared_layout(**WIDE), **named_for(self.meta.label),
        ))
        return self.input

    def read(self) -> tuple[Any, str | None]:
        text = self.input.value
        if not text.strip() and not self.meta.required:
            return self._empty()
        return text, None

    def set(self, value: Any) -> None:
        if is_missing(value):
            self.input.value = ""
        elif isinstance(value, list | tuple):
            self.input.value = ", ".join(str(v) for v in value)
        else:
            self.input.value = str(value)

    def snapshot(self) -> Any:
        return self.input.value  # as typed

    def restore(self, value: Any) -> None:
        self.input.value = "" if is_missing(value) else str(value)


class LongTextControl(TextControl):
    def build(self) -> W.Widget:
        # Every change reaches the kernel as it is typed, so a draft keeps it.
        self.input = self._watch(styled(
            W.Textarea, rows=4, continuous_update=True,
            layout=shared_layout(height="6.5em", **WIDE), **named_for(self.meta.label),
        ))
        return self.input


class DateControl(Control):
    def build(self) -> W.Widget:
        self.input = self._watch(styled(W.DatePicker, value=None, **named_for(self.meta.label)))
        return self.input

    def read(self) -> tuple[Any, str | None]:
        value = self.input.value
        if value is None:
            return self._empty()
        return date_or_none(value), None

    def set(self, value: Any) -> None:
        self.input.value = date_or_none(value)


class ChoiceControl(Control):
    def build(self) -> W.Widget:
        options = [(label, value) for value, label in (self.meta.choices or {}).items()]
        if self.nullable or self.default() is SKIP:
            options.insert(0, (BLANK_LABEL, ""))
        self.input = self._watch(styled(W.Dropdown, options=options,
                                        layout=shared_layout(width="auto"),
                                        **named_for(self.meta.label)))
        return self.input

    def read(self) -> tuple[Any, str | None]:
        value = self.input.value
        if value in ("", None):
            return self._empty()
        return value, None

    def set(self, value: Any) -> None:
        value = "" if is_missing(value) else str(getattr(value, "value", value))
        values = option_values(self.input)
        if value in values:
            self.input.value = value
        elif "" in values:
            self.input.value = ""
        else:
            self.input.index = 0


class YesPartlyNoControl(Control):
    def build(self) -> W.Widget:
        options = [(label, value) for value, label in (self.meta.choices or {}).items()]
        if self.nullable:
            options.append((NOT_ANSWERED, ""))
        self.input = self._watch(styled(
            W.ToggleButtons, options=options, index=None, style={"button_width": "auto"},
        ))
        return self.input

    def read(self) -> tuple[Any, str | None]:
        value = self.input.value
        if value in ("", None):
            return self._empty()
        return value, None

    def set(self, value: Any) -> None:
        value = "" if is_missing(value) else str(getattr(value, "value", value))
        values = option_values(self.input)
        self.input.index = values.index(value) if value in values else None


class CheckboxesControl(Control):
    """A tick box per choice: friendlier than a multi-select list for most people.

    The values ticked are kept as a set as the boxes change, so reading and resetting
    touch only the boxes ticked, however many records a links list offers.
    """

    def build(self) -> W.Widget:
        self.boxes: dict[Any, W.Checkbox] = {}
        self.ticked: set[Any] = set()
        self.box: W.Box | None
        self.box = None
        self._make_boxes([(label, value) for value, label in (self.meta.choices or {}).items()])
        self.box = styled(W.Box, children=tuple(self.boxes.values()),
                          layout=shared_layout(display="flex", flex_flow="row wrap"))
        return self.box

    def _make_boxes(self, options: list[tuple[str, Any]]) -> None:
        """One tick box per option, in order: boxes already there are kept (and relabelled),
        only new options get a new widget."""
        old = self.boxes
        boxes: dict[Any, W.Checkbox] = {}
        for label, value in options:
            cb = old.pop(value, None)
            if cb is None:
                cb = styled(W.Checkbox, value=False, description=label, indent=False,
                            layout=shared_layout(width="auto", margin="0 1.5em 0 0"))
                # ticked before the form hears of it, so that what it reads is up to date
                cb.observe(lambda change, v=value: self._tick(v, change["new"]), names="value")
                self._watch(cb)
            elif cb.description != label:
                cb.description = label
            boxes[value] = cb
        for value, cb in old.items():
            self.ticked.discard(value)
            cb.close()
        self.boxes = boxes
        children = tuple(boxes.values())
        if self.box is not None and children != tuple(self.box.children):
            self.box.children = children

    def _tick(self, value: Any, on: bool) -> None:
        if on:
            self.ticked.add(value)
        else:
            self.ticked.discard(value)

    def read(self) -> tuple[Any, str | None]:
        return [value for value in self.boxes if value in self.ticked], None

    def set(self, value: Any) -> None:
        chosen = set() if is_missing(value) else {str(getattr(v, "value", v)) for v in value}
        want = {key for key in self.boxes if str(key) in chosen}
        for key in self.ticked ^ want:
            self.boxes[key].value = key in want


class ScoreControl(Control):
    """A 0-10 slider with a number box beside it. It starts in the middle; an untouched
    required score is asked about.

    The number box is the slider's readout, and it is what a screen reader finds: it is
    named by the question and takes typed numbers and arrow keys (ipywidgets 8 gives a
    slider's handle no accessible name). The two are linked in the kernel, so either one
    sets the answer.
    """

    def build(self) -> W.Widget:
        lo = int(self.meta.minimum if self.meta.minimum is not None else 0)
        hi = int(self.meta.maximum if self.meta.maximum is not None else 10)
        self.middle = (lo + hi) // 2
        self.input = styled(
            W.IntSlider, value=self.middle, min=lo, max=hi, step=1, continuous_update=False,
            readout=False, layout=shared_layout(width="100%", max_width="26em"),
        )
        self.number = styled(W.BoundedIntText, value=self.middle, min=lo, max=hi,
                             layout=shared_layout(width="4.5em"), **named_for(self.meta.label))
        W.link((self.input, "value"), (self.number, "value"))
        self.input.observe(self._touched, names="value")
        self._watch(self.input)  # after _touched: the form reads an answer up to date
        self.hint = styled(W.HTML, layout=shared_layout(margin="0 0 0 0.5em"))
        self.touched = False
        self.confirmed = False
        return styled(W.HBox, children=[self.input, self.number, self.hint])

    def _touched(self, _change: Any) -> None:
        if not self._quiet:
            self.touched = True
            self.hint.value = ""

    def read(self) -> tuple[Any, str | None]:
        if self.touched or self.confirmed:
            return self.input.value, None
        if not self.meta.required:
            return self._empty()
        return SKIP, (
            f"{self.meta.label}: move the slider (or type the number) to your answer. It "
            f"starts in the middle ({self.middle}); if {self.middle} is your answer, press "
            "Submit again."
        )

    def problem_shown(self) -> None:
        self.confirmed = True  # told once: a second Submit accepts the middle

    def set(self, value: Any) -> None:
        was_quiet, self._quiet = self._quiet, True
        try:
            if is_missing(value):
                self.input.value = self.middle
                self.touched = self.confirmed = False
                self.hint.value = (
                    f'<span style="{HELP_STYLE}">not answered yet: move the slider</span>'
                )
            else:
                self.input.value = int(value)
                self.touched = True
                self.hint.value = ""
        finally:
            self._quiet = was_quiet


class NumberControl(Control):
    """A text box read as a number, so that empty stays empty rather than becoming 0."""

    def build(self) -> W.Widget:
        hint = "a whole number" if self.meta.field_kind.whole_number else "a number"
        if not self.meta.required:
            hint += ", or leave empty"
        self.input = self._watch(styled(W.Text, placeholder=hint,
                                        layout=shared_layout(width="16em"),
                                        **named_for(self.meta.label)))
        return self.input

    def read(self) -> tuple[Any, str | None]:
        text = self.input.value.strip().replace(",", "").replace("£", "").replace(" ", "")
        if not text:
            if self.meta.required:
                return SKIP, f"{self.meta.label}: please write a number"
            return self._empty()
        try:
            number = float(text)
        except ValueError:
            return SKIP, f"{self.meta.label} must be a number, for example 3"
        if number != number or number in (float("inf"), float("-inf")):
            return SKIP, f"{self.meta.label} must be a number, for example 3"
        if self.meta.field_kind.whole_number:
            if not number.is_integer():
                return SKIP, f"{self.meta.label} must be a whole number, for example 3"
            return int(number), None
        return number, None

    def set(self, value: Any) -> None:
        if is_missing(value):
            self.input.value = ""
        elif self.meta.field_kind.whole_number:
            self.input.value = str(int(value))
        else:
            self.input.value = typed_number(value)

    def snapshot(self) -> Any:
        return self.input.value  # as typed, even when it is not a number yet

    def restore(self, value: Any) -> None:
        self.input.value = "" if is_missing(value) else str(value)


class FlagControl(Control):
    """A tick box named by its question, which stands beside it (its help goes under it)."""

    def build(self) -> W.Widget:
        self.input = self._watch(styled(
            W.Checkbox, value=False, description=f"<b>{esc_html(self.meta.label)}</b>",
            description_allow_html=True, indent=False, layout=shared_layout(margin=GAP),
        ))
        return self.input

    def read(self) -> tuple[Any, str | None]:
        return bool(self.input.value), None

    def set(self, value: Any) -> None:
        self.input.value = False if is_missing(value) else bool(value)


class CountsControl(Control):
    """One number box per part of the system."""

    def build(self) -> W.Widget:
        self.inputs: dict[str, W.IntText] = {}
        for value, label in (self.meta.choices or {}).items():
            self.inputs[value] = self._watch(styled(
                W.IntText, value=0, description=label, _dom_classes=("hls-count",),
                style={"description_width": "16em"}, layout=shared_layout(width="22.5em"),
            ))
        return styled(W.VBox, children=list(self.inputs.values()))

    def read(self) -> tuple[Any, str | None]:
        return {key: int(box.value or 0) for key, box in self.inputs.items()}, None

    def set(self, value: Any) -> None:
        counts = {} if is_missing(value) else {
            str(getattr(k, "value", k)): v for k, v in dict(value).items()
        }
        for key, box in self.inputs.items():
            box.value = int(counts.get(key) or 0)


class LinkControl(Control):
    """A drop-down of the place's current records of the linked kind: '#id summary'.

    When the field names fields to show (``meta.shows``), the chosen record's answers to
    them appear under the drop-down, so a review is written with its experiment's intent
    and rules in view."""

    _source: tuple[Workbook, str] | None = None  # where the chosen record is read from

    def build(self) -> W.Widget:
        self.input = self._watch(styled(
            W.Dropdown, options=[(BLANK_LABEL, "")],
            layout=shared_layout(width="auto", max_width="46em"), **named_for(self.meta.label),
        ))
        self.note = styled(W.HTML, layout=shown_layout(False))
        self.context = styled(W.HTML, layout=shown_layout(False))
        if self.meta.shows:
            self.input.observe(self._show_context, names="value")
        return styled(W.VBox, children=[self.input, self.note, self.context])

    def _show_context(self, _change: Any = None) -> None:
        """Show the chosen record's ``meta.shows`` answers (nothing when none is chosen)."""
        value = self.input.value
        html_text = ""
        if self._source is not None and value not in ("", None):
            wb, _place = self._source
            try:
                row = wb.get(self.meta.link, int(value))
            except WorkbookError:
                row = {}
            linked = model_for(self.meta.link)
            items = [
                f"<dt><b>{esc_html(linked.field_meta(name).label)}</b></dt>"
                f"<dd style=\"margin:0 0 0.4em 0;white-space:pre-wrap\">"
                f"{esc_html(format_value(linked.field_meta(name), row.get(name), None))}</dd>"
                for name in self.meta.shows if not is_missing(row.get(name))
            ]
            if items:
                html_text = (f'<dl class="hls-linked" style="{HELP_STYLE};margin:0.3em 0 0 0;'
                             'padding:0.4em 0.8em;border-left:3px solid #0072b2">'
                             f"{''.join(items)}</dl>")
        self.context.value = html_text
        show_if(self.context, bool(html_text))

    options: list[tuple[str, int]] | None = None  # the place's records, as last read

    def refresh(self, wb: Workbook, place: str, ids: Iterable[int] | None = None) -> None:
        self._source = (wb, place)
        if self.meta.shows:
            self._show_context()
        if ids is not None and self.options is not None:
            ids = [int(i) for i in ids]
            found = record_labels(wb, self.meta.link, place, ids)
            options = merged_options(self.options, ids, found)
        else:
            options = record_labels(wb, self.meta.link, place)
        if options != self.options:
            self.options = options
            self._set_options(options)
        if options:
            self.note.value = ""
            show_if(self.note, False)
        else:
            what = plural(self.meta.link).lower()
            self.note.value = (
                f'<span style="{HELP_STYLE}">Nothing recorded in {esc_html(what)} for this place '
                "yet: add one first, then come back.</span>"
            )
            show_if(self.note, True)

    def _set_options(self, options: list[tuple[str, int]]) -> None:
        current = self.input.value
        if current is None:
            current = ""
        if current != "" and current not in {v for _label, v in options}:
            options = [*options, (f"#{current} (archived or in another place)", current)]
        self.input.options = [(BLANK_LABEL, ""), *options]
        self.input.value = current

    def read(self) -> tuple[Any, str | None]:
        value = self.input.value
        if value in ("", None):
            return self._empty()
        return int(value), None

    def set(self, value: Any) -> None:
        if is_missing(value):
            self.input.value = ""
            return
        value = int(value)
        if value not in option_values(self.input):
            self.input.options = [
                *self.input.options, (f"#{value} (archived or in another place)", value)
            ]
        self.input.value = value


class LinksControl(CheckboxesControl):
    """A tick box per current record of the linked kind, in a scrolling box."""

    def build(self) -> W.Widget:
        self.boxes = {}
        self.ticked = set()
        self.box = styled(W.VBox, layout=shared_layout(max_height="12em", overflow="auto"))
        self.note = styled(W.HTML, layout=shown_layout(False))
        return styled(W.VBox, children=[self.box, self.note])

    options: list[tuple[str, int]] | None = None  # the place's records, as last read

    def refresh(self, wb: Workbook, place: str, ids: Iterable[int] | None = None) -> None:
        chosen = [key for key in self.boxes if key in self.ticked]
        if ids is not None and self.options is not None:
            ids = [int(i) for i in ids]
            found = record_labels(wb, self.meta.link, place, ids)
            options = merged_options(self.options, ids, found)
        else:
            options = record_labels(wb, self.meta.link, place)
        self.options = list(options)
        known = {v for _label, v in options}
        options += [(f"#{v} (archived or in another place)", v) for v in chosen
                    if v not in known]
        self._make_boxes(options)
        self.set(chosen)
        if options:
            show_if(self.note, False)
        else:
            what = plural(self.meta.link).lower()
            self.note.value = (
                f'<span style="{HELP_STYLE}">Nothing recorded in {esc_html(what)} for this place '
                "yet.</span>"
            )
            show_if(self.note, True)

    def read(self) -> tuple[Any, str | None]:
        return [int(v) for v in self.boxes if v in self.ticked], None

    def set(self, value: Any) -> None:
        chosen = set() if is_missing(value) else {int(v) for v in value}
        missing = [v for v in chosen if v not in self.boxes]
        if missing:
            options = [(cb.description, v) for v, cb in self.boxes.items()]
            options += [(f"#{v} (archived or in another place)", v) for v in sorted(missing)]
            self._make_boxes(options)
        for key in self.ticked ^ chosen:
            self.boxes[key].value = key in chosen


#: The control of each widget kind, by the kind's name. Everything else about a kind lives
#: in its kinds.FieldKind (domain layer); the controls are widgets, which the domain layer
#: must not import, so the mapping stays here in the UI layer: a new kind adds a line here.
CONTROLS: dict[str, type[Control]] = {
    "text": TextControl,
    "long_text": LongTextControl,
    "date": DateControl,
    "choice": ChoiceControl,
    "multi_choice": CheckboxesControl,
    "score": ScoreControl,
    "yes_partly_no": YesPartlyNoControl,
    "number": NumberControl,
    "integer": NumberControl,
    "flag": FlagControl,
    "counts": CountsControl,
    "link": LinkControl,
    "links": LinksControl,
    "tags": TextControl,
    "period": TextControl,
}


#: The space above each question.
GAP = "0.9em 2px 2px 2px"


class FieldRow:
    """One question: label (and 'required'), the help prompt, the control, its message.

    The label and help are shown above the control (a tick box: its label beside it, its
    help under it); the control's input carries the label as its accessible name. A row's
    widgets go straight into the form's box (``widgets``; a box of their own would be one
    more widget per question); the message widget is made when there is first something
    to say, and put just after them.
    """

    def __init__(self, meta: Any, control: Control) -> None:
        self.meta = meta
        self.control = control
        if isinstance(control, FlagControl):  # the tick box has the space above it
            self.label = styled(W.HTML, value=self._label_html(new=True))
            self.widgets: list[W.Widget] = [control.widget, self.label]
        else:
            self.label = styled(W.HTML, value=self._label_html(new=True),
                                layout=shared_layout(margin=GAP))
            self.widgets = [self.label, control.widget]
        self.box: W.Box | None = None  # the form's box holding the row, set by the form
        self.message: W.HTML | None = None
        self.text = ""

    def _label_html(self, *, new: bool) -> str:
        """The question (but beside a tick box), '(required)' if it must be answered (a
        question only a new record must answer: on a new one), and its help."""
        meta = self.meta
        required = (
            ' <span style="color:#a30000;font-size:0.85em">(required)</span>'
            if meta.required or (meta.asked and new) else ""
        )
        help_html = f'<div style="{HELP_STYLE}">{esc_html(meta.help)}</div>' if meta.help else ""
        if isinstance(self.control, FlagControl):
            return required + help_html
        return f"<b>{esc_html(meta.label)}</b>{required}{help_html}"

    def for_new(self, new: bool) -> None:
        """Say '(required)' on a question only a new record must answer only when new."""
        if self.meta.asked:
            value = self._label_html(new=new)
            if self.label.value != value:
                self.label.value = value

    def show_message(self, text: str) -> None:
        self.text = text
        if text:
            if self.message is None:
                self.message = styled(W.HTML)
                if self.box is not None:
                    children = list(self.box.children)
                    children.insert(children.index(self.widgets[-1]) + 1, self.message)
                    self.box.children = tuple(children)
                self.widgets.append(self.message)
            self.message.value = f'<div style="{ERROR_STYLE}">&#9888; {esc_html(text)}</div>'
            show_if(self.message, True)
        elif self.message is not None:
            self.message.value = ""
            show_if(self.message, False)


# ---------------------------------------------------------------------------
# The form
# ---------------------------------------------------------------------------

LIVE: weakref.WeakSet[Any] = weakref.WeakSet()


def tell_saved(wb: Workbook, place: str, kind: str, ids: list[int] | None = None) -> None:
    """Tell every live form and list on this workbook and place that records ``ids`` of
    ``kind`` were saved (None: that any may have changed)."""
    for item in list(LIVE):
        if item.wb is wb and item.place == place:
            try:
                item.store_changed(kind, ids)
            except Exception:  # one stale widget must not spoil a save
                log.exception("could not refresh %r", item)


class Watching:
    """What a live form or list needs to show what others save, without a reload.

    Each person fills in forms in their own kernel (their own notebook, their own app
    tab), so a save elsewhere never calls :func:`tell_saved` here. Instead, every
    :data:`POLL_SECONDS` the kernel's event loop reads a cheap stamp of the kinds shown
    (:meth:`hls_workbook.store.workbook.Workbook.change_stamps`: counts and latest times, not the
    records) and, when a kind's stamp moved, re-reads only that: the list's rows, the
    choices of a link. What is being typed, the filter and the selection are kept.

    Only in a live kernel with widgets on show: no event loop (tests, scripts) or a
    headless run (``HLS_WORKBOOK_HEADLESS``) never polls; tests call
    :meth:`check_for_changes` by hand.
    """

    wb: Workbook
    place: str
    #: the kinds shown, and their stamps as last read (None: not read yet)
    watched: frozenset[str] = frozenset()
    _stamps: dict[str, str] | None = None

    def _watch_kinds(self, kinds: Iterable[str]) -> None:
        """Watch these kinds from now on: call before the first read of what is shown, so
        that a save between that read and the first look is seen."""
        self.watched = frozenset(model_for(k).kind for k in kinds)
        self._stamps = None
        if not self.watched:
            return
        try:
            self._stamps = self.wb.change_stamps(self.place, self.watched)
        except Exception:  # noqa: BLE001 - the first look takes the stamps instead
            log.warning("could not read the change stamps of %r", self, exc_info=True)
        POLL.start()

    def _stop_watching(self) -> None:
        self.watched = frozenset()
        self._stamps = None

    def check_for_changes(self) -> set[str]:
        """Look now whether records of the kinds shown were saved (by anyone, from any
        kernel) since the last look; re-read what changed and return those kinds. The poll
        calls this every :data:`POLL_SECONDS`; tests call it by hand."""
        if not self.watched:
            return set()
        return self._compare(self.wb.change_stamps(self.place, self.watched))

    def _compare(self, stamps: Mapping[str, str]) -> set[str]:
        mine = {k: stamps[k] for k in self.watched if k in stamps}
        before, self._stamps = self._stamps, mine
        if before is None:  # the first look: nothing to compare with yet
            return set()
        changed = {k for k, v in mine.items() if before.get(k) != v}
        if changed:
            self._reread(changed)
        return changed

    def _reread(self, kinds: set[str]) -> None:  # pragma: no cover - abstract
        raise NotImplementedError


class Poll:
    """The one clock of a kernel that makes every watching form and list look for saves
    made elsewhere: one read of the stamps per workbook and place, every POLL_SECONDS,
    on the kernel's event loop (like the draft timer and the tally's clock)."""

    def __init__(self) -> None:
        self.timer: asyncio.TimerHandle | None = None
        self.failing = ""  # the last problem, said once (not every few seconds)

    def start(self) -> None:
        """Arm the clock, in a live kernel only."""
        if self.timer is not None or config.headless():
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # no event loop (a script, a test): no polling
            return
        self.timer = loop.call_later(POLL_SECONDS, self.tick)

    def watching(self) -> list[Watching]:
        return [i for i in list(LIVE) if isinstance(i, Watching) and i.watched]

    def tick(self) -> None:
        self.timer = None
        items = self.watching()
        try:
            self.look(items)
        except Exception as exc:  # noqa: BLE001 - never reaches the page: logged, once
            problem = plain_error(exc)
            if problem != self.failing:
                self.failing = problem
                log.warning("could not look for records saved elsewhere: %s", problem,
                            exc_info=config.debug())
        else:
            if self.failing:
                log.warning("looking for records saved elsewhere works again")
            self.failing = ""
        if items:
            self.start()

    def look(self, items: list[Watching]) -> None:
        groups: dict[tuple[int, str], list[Watching]] = {}
        for item in items:
            groups.setdefault((id(item.wb), item.place), []).append(item)
        for group in groups.values():
            first = group[0]
            kinds = frozenset().union(*(i.watched for i in group))
            stamps = first.wb.change_stamps(first.place, kinds)
            for item in group:
                try:
                    item._compare(stamps)
                except Exception:  # one stale widget must not stop the others
                    log.warning("could not refresh %r", item, exc_info=config.debug())


POLL = Poll()


def follow_review(wb: Workbook, review: Record, *, by: str | None = None,
                  place: str | None = None) -> str:
    """Carry a new review's decision through to its experiment; say what changed.

    Stop ends the experiment (or stops it early) and dampen pauses it, as a new version of
    the experiment (see :meth:`hls_workbook.domain.model.Review.experiment_status`); amplify and
    adapt leave it. Returns a sentence to add to the save message (empty when nothing
    changed). The review is saved already: a problem here is said, never raised, and the
    experiment can still be changed by hand.
    """
    eid = int(getattr(review, "experiment", 0) or 0)
    try:
        row = wb.get("experiment", eid)
        end_on = row.get("end_on")
        if isinstance(end_on, dt.datetime):
            end_on = end_on.date()
        status = review.experiment_status(row.get("status"), end_on)  # type: ignore[attr-defined]
        if status is None:
            return ""
        version = wb.edit("experiment", eid, {"status": status}, by=by,
                          expected_version=row.get("version"))
    except WorkbookError as exc:
        return (f" Experiment #{eid} was not changed ({plain_error(exc)}): change where it is up "
                "to by hand.")
    if place is not None:
        tell_saved(wb, place, "experiment", [eid])
    label = model_for("experiment").field_meta("status").choices or {}
    return (f" Experiment #{eid} is now at “{label.get(status, status)}” "
            f"(version {version}).")


class RecordForm(Watching):
    """An ipywidgets form for one record kind, built from the model's fields.

    ``form.widget`` is the box to display (a notebook shows it when the form is the last
    line of a cell). Submit validates and saves one record for ``place``; ``role`` (a
    part of the system, never a name) is stored as ``recorded_by``. ``above``: widgets
    shown in the same box, above the form (a stage section's summary).
    """

    def __init__(
        self,
        wb: Workbook,
        kind: str,
        *,
        place: str,
        role: str | None = None,
        with_list: bool = True,
        rows: int = SHOWN_ROWS,
        fold_optional: bool = True,
        above: Iterable[W.Widget] = (),
    ) -> None:
        self.wb = wb
        self.model: type[Record] = model_for(kind)
        self.kind = self.model.kind
        self.place = place
        self.role, role_warning = normalise_role(role)
        self.editing: tuple[int, int] | None = None  # (id, version) being changed
        self.last_saved: int | None = None
        self.problems: dict[str, str] = {}
        self.status_text = ""
        self._busy = False
        self._dirty = False
        self._quiet = False
        self._saved_clean = False  # just saved, nothing typed since
        self._listeners: list[Callable[[int], None]] = []
        # Drafts: what is typed is kept in the workbook until it is submitted (anonymous
        # answers, such as pulse answers and check-ins, never are).
        saved_as = model_for(self.model.stored_as or self.kind)
        self.keeps_drafts = "anonymous" not in saved_as.model_fields
        self.offered: Draft | None = None  # a draft found, offered back and not yet taken
        self.offer_box: W.Box | None = None  # made when there is first a draft to offer
        self._draft_timer: asyncio.TimerHandle | None = None
        self._draft_pending = False  # typed since the draft was last kept
        self._draft_kept = False  # the draft of what the form holds is in the workbook
        self._draft_at = 0.0  # when a draft was last kept (time.monotonic)
        self._baseline: dict[str, Any] = {}  # the answers as loaded, or as a new form
        self._built = False  # changes made while the form is built are not typing

        self.fields: dict[str, FieldRow] = {}
        metas = self.model.fields_meta()
        for meta in metas:
            default, nullable = self._default_of(meta.name)
            control_type = CONTROLS.get(meta.widget, TextControl)
            control = control_type(meta, default, nullable, self._typed)
            self.fields[meta.name] = FieldRow(meta, control)
        self.controls: dict[str, Control] = {n: r.control for n, r in self.fields.items()}
        self._asked = [row for row in self.fields.values() if row.meta.asked]

        saved_as = (
            f" Saved as: {esc_html(Part.labels()[self.role])} (your part of the system)."
            if self.role else ""
        )
        self._intro = (
            f'{NAMED_CSS}<div style="{HELP_STYLE}">Only questions marked (required) must be '
            "answered now; the rest can be added later. Nothing is saved until you press "
            f"Submit.{saved_as}</div>"
        )
        #: the heading ("New partner") and the note under it, in one widget
        self.heading = self.intro = styled(W.HTML, value=self._heading_html())
        self.summary = styled(W.HTML, layout=shown_layout(False))  # shown when there is news
        self.result = styled(W.HTML, layout=shown_layout(False))
        self.submit_button = styled(
            W.Button, description="Submit", button_style="primary", icon="check",
            tooltip="Check the answers and save them",
        )
        self.new_button = styled(
            W.Button, description="New",
            tooltip="Start again with an empty form (nothing is saved)",
        )
        self.submit_button.on_click(lambda _b: self.submit())
        self.new_button.on_click(lambda _b: self.start_again())

        folded = [m.name for m in metas if not (m.required or m.asked or m.editing_only)
                  and m.field_kind.foldable]
        if not fold_optional or len(folded) <= 4:
            folded = []
        self.more: W.Accordion | None = None
        # Questions asked only when changing a saved record, in a box hidden on a new one.
        editing_only = [m.name for m in metas if m.editing_only]
        self.editing_box: W.Box | None = None
        if editing_only:
            self.editing_box = styled(
                W.VBox, children=[w for n in editing_only for w in self.fields[n].widgets],
                layout=shown_layout(False),
            )
            for n in editing_only:
                self.fields[n].box = self.editing_box
        body: list[W.Widget] = []
        for m in metas:
            if m.name in editing_only:
                if m.name == editing_only[0]:
                    body.append(self.editing_box)
            elif m.name not in folded:
                body += self.fields[m.name].widgets
        if folded:
            inner = styled(W.VBox, children=[w for n in folded for w in self.fields[n].widgets])
            for n in folded:
                self.fields[n].box = inner
            self.more = styled(
                W.Accordion, children=[inner],
                titles=(f"More questions ({len(folded)}, optional)",),
                selected_index=None, layout=shared_layout(margin="0.9em 0 0 0"),
            )
            body.append(self.more)
        self._folded = set(folded)

        self.records: RecordList | None = None
        # What others save shows by itself: the list's kind and the linked kinds, watched
        # from before either is first read (see Watching).
        self._watch_kinds([
            *([self.model.stored_as or self.kind] if with_list else []),
            *(c.meta.link for c in self.controls.values() if c.meta.link),
        ])
        parts: list[W.Widget] = [
            *above, self.heading, self.summary, *body,
            styled(W.HBox, children=[self.submit_button, self.new_button],
                   layout=shared_layout(margin="0.9em 0 0 0")),
            self.result,
        ]
        if with_list:
            stored = self.model.stored_as
            self.records = RecordList(wb, stored or self.kind, place=place,
                                      form=None if stored else self, rows=rows,
                                      watch=False)
            parts.append(self.records.widget)
        self.widget = styled(W.VBox, children=parts, layout=shared_layout(max_width="52em"))
        for name, row in self.fields.items():
            if name not in self._folded and name not in editing_only:
                row.box = self.widget

        self._refresh_links()
        self._built = True
        self.new()
        if role_warning:
            self._set_status(role_warning, ok=False)
        LIVE.add(self)

    # -- display -------------------------------------------------------------

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return mime_bundle(self.widget, repr(self))

    def __repr__(self) -> str:
        return f"<RecordForm {self.kind} for {self.place}>"

    def close(self) -> None:
        """Close every widget of the form (and its list); what is typed is kept as a draft."""
        self._draft_flush()
        self._cancel_draft_timer()
        LIVE.discard(self)
        self._stop_watching()
        if self.records is not None:
            self.records.close()
        close_tree(self.widget)

    # -- building ------------------------------------------------------------

    def _default_of(self, name: str) -> tuple[Callable[[], Any], bool]:
        info = self.model.model_fields[name]
        nullable = type(None) in typing.get_args(info.annotation)
        if info.is_required():
            return (lambda: SKIP), nullable

        def default() -> Any:
            value = info.get_default(call_default_factory=True)
            return getattr(value, "value", value)

        return default, nullable

    def _typed(self, _change: Any) -> None:
        if not self._quiet:
            self._dirty = True
            self._saved_clean = False
            self._draft_due()

    @contextmanager
    def _quietly(self) -> Any:
        self._quiet = True
        for c in self.controls.values():
            c._quiet = True
        try:
            yield
        finally:
            self._quiet = False
            for c in self.controls.values():
                c._quiet = False

    # -- public actions --------------------------------------------------------

    def refresh(self) -> None:
        """Re-read the choices that come from the database (linked records) and the list."""
        self._refresh_links()
        if self.records is not None:
            self.records.refresh()

    def _refresh_links(self, kind: str | None = None, ids: list[int] | None = None) -> None:
        with self._quietly():
            for name, control in self.controls.items():
                if control.meta.link and kind in (None, control.meta.link):
                    try:
                        control.refresh(self.wb, self.place, ids)
                    except WorkbookError as exc:
                        self.fields[name].show_message(plain_error(exc))

    def store_changed(self, kind: str, ids: list[int] | None = None) -> None:
        """Called after any save on the same workbook and place: records ``ids`` of ``kind``
        were saved (None: re-read every choice of that kind)."""
        self._refresh_links(kind, ids)

    def _reread(self, kinds: set[str]) -> None:
        """Someone else saved records of ``kinds``: re-read the list and the choices of
        the links to them, and nothing else (what is typed stays as it is)."""
        for kind in sorted(kinds):
            self._refresh_links(kind)
        if self.records is not None and self.records.kind in kinds:
            self.records.refresh()
        if self.editing is not None and (self.model.stored_as or self.kind) in kinds:
            self._say_if_superseded()

    _told_newer: tuple[int, int] | None = None  # (id, version) already said

    def _say_if_superseded(self) -> None:
        """Say at once, not only at Submit, that someone else saved a newer version of
        the record being changed (what is typed stays)."""
        if self.editing is None:
            return
        rid, version = self.editing
        try:
            newer = int(self.wb.get(self.kind, rid).get("version") or 0)
        except WorkbookError:
            return
        if newer > version and self._told_newer != (rid, newer):
            self._told_newer = (rid, newer)
            self._set_status(
                f"Someone else saved a newer version of this {noun(self.kind)} (version "
                f"{newer}) while you were changing it. What you typed is still here; to "
                "save it, open the record again with Edit and add your changes.", ok=False)

    def on_saved(self, callback: Callable[[int], None]) -> None:
        """Call ``callback(id)`` after every successful save."""
        self._listeners.append(callback)

    def set_role(self, role: str | None) -> None:
        """Credit later saves to another part of the system (chosen in the stage's "Who
        are you here?"), and say so under the heading."""
        old = Part.labels().get(self.role or "")
        self.role, _warning = normalise_role(role)
        new = Part.labels().get(self.role or "")
        before = f" Saved as: {esc_html(old)} (your part of the system)." if old else ""
        after = f" Saved as: {esc_html(new)} (your part of the system)." if new else ""
        if before:
            self._intro = self._intro.replace(before, after)
        else:
            self._intro = self._intro.replace("Submit.</div>", f"Submit.{after}</div>")
        self.heading.value = self._heading_html()

    def set_values(self, values: Mapping[str, Any]) -> None:
        """Fill fields from a mapping of field name to value (as stored)."""
        unknown = [k for k in values if k not in self.controls]
        if unknown:
            raise KeyError(f"not fields of a {self.kind}: {', '.join(unknown)}")
        for name, value in values.items():
            self.controls[name].set(value)

    def collect(self) -> tuple[dict[str, Any], dict[str, str]]:
        """What the form holds, as model input, and the fields that cannot even be read."""
        data: dict[str, Any] = {}
        problems: dict[str, str] = {}
        for name, control in self.controls.items():
            value, problem = control.read()
            if problem:
                problems[name] = problem
            if value is not SKIP:
                data[name] = value
        return data, problems

    def new(self) -> None:
        """Empty the form for a new record (or, for the place, load its one record), and
        offer back a draft of a new one, if one was kept."""
        self._cancel_draft_timer()
        self.editing = None
        self._saved_clean = False
        with self._quietly():
            for control in self.controls.values():
                control.reset()
        self._dirty = False
        self._clear_messages()
        self._set_heading()
        if self.kind in ONE_PER_PLACE:
            existing = self._one_record()
            if existing is not None:
                self.load(existing, quiet=True)
                return
        self._offer_draft()

    def start_again(self) -> None:
        """The New (or Cancel edit) button: empty the form. What was typed is discarded,
        its draft with it (a draft offered and not taken is kept)."""
        if self.offered is None:
            self._drop_draft()
        self.new()

    def load(self, rid: int, *, quiet: bool = False) -> bool:
        """Load the current version of record ``rid`` into the form to change it, and offer
        back a draft of changes to it, if one was kept (what was typed before is kept as
        its own draft first)."""
        self._draft_flush()
        self._clear_messages()
        try:
            row = self.wb.get(self.kind, int(rid))
        except WorkbookError as exc:
            self._set_status(plain_error(exc), ok=False)
            return False
        if row.get("place") != self.place:
            self._set_status(
                f"{noun(self.kind).capitalize()} #{rid} belongs to another place, so it "
                "cannot be changed here.", ok=False,
            )
            return False
        with self._quietly():
            for name, control in self.controls.items():
                control.set(row.get(name))
        self._refresh_links()
        self._cancel_draft_timer()
        self.editing = (int(row["id"]), int(row["version"]))
        self._dirty = False
        self._saved_clean = False
        self._set_heading()
        if self.more is not None and not quiet:
            self.more.selected_index = 0
        self._offer_draft()
        return True

    def submit(self) -> int | None:
        """Check what was typed and save it; return the record id, or None if not saved.

        Nothing typed is lost: on any problem the form keeps its values and says what to
        fix. A second press while saving, or on answers already saved, does nothing.
        """
        if self._busy:
            return None
        if self._saved_clean and not self._dirty:
            return None  # the same answers again (a double click): already saved
        self._busy = True
        button = self.submit_button
        button.disabled = True
        button.description = "Saving…"
        try:
            return self._submit()
        except RecordError as exc:
            self._show_problems(exc.problems)
        except WorkbookError as exc:
            self._set_status(
                f"{plain_error(exc)} Nothing was saved; what you typed is still here.", ok=False,
            )
        except Exception as exc:  # never lose an answer to an unexpected error
            log.exception("saving a %s failed", self.kind)
            self._set_status(
                f"Something went wrong, and nothing was saved ({type(exc).__name__}: "
                f"{plain_error(exc)}). What you typed is still here: press Submit again, and if it "
                "happens again tell whoever looks after the workbook.", ok=False,
            )
        finally:
            self._busy = False
            button.disabled = False
            self._set_heading()
        return None

    # -- drafts ----------------------------------------------------------------

    def answers(self) -> dict[str, Any]:
        """What every field holds, as typed, in plain JSON values (what a draft keeps)."""
        return {name: control.snapshot() for name, control in self.controls.items()}

    def save_draft(self) -> bool:
        """Keep what is typed now as the form's draft in the workbook (done by itself a
        moment after each change: see ``DRAFT_DELAY``). Nothing is kept while a draft is
        offered back and not yet taken, or when the form holds only what it was opened
        with. A problem is logged, never shown: a draft is a safety net."""
        self._cancel_draft_timer()
        self._draft_pending = False
        if not self.keeps_drafts or self.offered is not None:
            return False
        self._draft_at = time.monotonic()
        answers = self.answers()
        try:
            if answers == self._baseline:  # nothing typed, or typed back as it was
                self._drop_draft()
                return False
            if self.editing is not None:
                answers[DRAFT_VERSION] = self.editing[1]
            self._draft_kept = self.wb.save_draft(
                self.place, self.kind, self._draft_record(), self.role, answers)
        except Exception:  # noqa: BLE001 - never a traceback while someone types
            log.warning("could not keep a draft of the %s form", self.kind, exc_info=True)
            return False
        return self._draft_kept

    def restore_draft(self) -> bool:
        """Put the draft offered back into the form (the Restore button)."""
        draft = self.offered
        if draft is None:
            return False
        with self._quietly():
            for name, value in draft.answers.items():
                control = self.controls.get(name)
                if control is None:
                    continue  # a question the form no longer asks
                try:
                    control.restore(value)
                except Exception:  # noqa: BLE001 - a value the question can no longer hold
                    log.warning("could not restore %s of a %s draft", name, self.kind,
                                exc_info=True)
        self.offered = None
        self._draft_kept = True
        self._dirty = True
        self._saved_clean = False
        self._show_offer()
        note = (f"Your draft from {when_kept(draft.saved_at)} is back in the form. Nothing is "
                "saved until you press Submit.")
        version = draft.answers.get(DRAFT_VERSION)
        if self.editing is not None and version not in (None, self.editing[1]):
            note += (f" It was written over version {version}; this {noun(self.kind)} is "
                     f"now at version {self.editing[1]}, so check every answer before "
                     "saving.")
        self._set_status(note, ok=True)
        return True

    def discard_draft(self) -> None:
        """Forget the draft offered back, for good (the Discard button)."""
        if self.offered is None:
            return
        self.offered = None
        self._draft_kept = True  # so that it is dropped
        self._drop_draft()
        self._show_offer()
        if self._dirty:  # typed meanwhile: that is the draft now
            self._draft_due()

    def _draft_record(self) -> int | None:
        return self.editing[0] if self.editing is not None else None

    def _draft_due(self) -> None:
        """Something was typed: keep a draft of it soon (at most once per DRAFT_DELAY)."""
        if not (self._built and self.keeps_drafts) or self.offered is not None:
            return
        self._draft_pending = True
        if self._draft_timer is not None:
            return  # already due: this change rides along
        try:
            loop = asyncio.get_running_loop()  # a kernel: keep it a moment later
        except RuntimeError:
            loop = None
        if loop is not None:
            self._draft_timer = loop.call_later(DRAFT_DELAY, self._draft_flush)
        elif time.monotonic() - self._draft_at >= DRAFT_DELAY:
            self.save_draft()  # no event loop (a script, a test): keep it now

    def _draft_flush(self) -> None:
        """Keep the draft now if something typed is not yet kept."""
        self._draft_timer = None
        if self._draft_pending:
            self.save_draft()

    def _cancel_draft_timer(self) -> None:
        if self._draft_timer is not None:
            self._draft_timer.cancel()
            self._draft_timer = None
        self._draft_pending = False

    def _drop_draft(self) -> None:
        """Forget the draft this form kept of what it holds (submitted, or discarded)."""
        self._cancel_draft_timer()
        if not self._draft_kept:
            return
        self._draft_kept = False
        try:
            self.wb.drop_draft(self.place, self.kind, self._draft_record(), self.role)
        except Exception:  # noqa: BLE001 - a draft left behind is offered back, not lost
            log.warning("could not drop a draft of the %s form", self.kind, exc_info=True)

    def _offer_draft(self) -> None:
        """Offer back the draft kept for what the form now holds (a new record, or the
        record loaded), unless it holds nothing more than the form does."""
        self._baseline = self.answers()
        self._draft_kept = False
        self.offered = None
        if self.keeps_drafts:
            try:
                draft = self.wb.draft(self.place, self.kind, self._draft_record(), self.role)
            except Exception:  # noqa: BLE001 - the form works without its draft
                log.warning("could not read a draft of the %s form", self.kind, exc_info=True)
                draft = None
            if draft is not None:
                kept = {k: v for k, v in draft.answers.items() if k in self.controls}
                if any(self._baseline.get(k) != v for k, v in kept.items()):
                    self.offered = draft
        self._show_offer()

    def _show_offer(self) -> None:
        draft = self.offered
        if draft is None:
            if self.offer_box is not None:
                show_if(self.offer_box, False)
            return
        if self.offer_box is None:
            self.offer_text = styled(W.HTML)
            self.restore_button = styled(
                W.Button, description="Restore the draft", button_style="info", icon="undo",
                tooltip="Put what was typed back into the form",
            )
            self.discard_button = styled(W.Button, description="Discard it",
                                         tooltip="Forget the draft for good")
            self.restore_button.on_click(lambda _b: self.restore_draft())
            self.discard_button.on_click(lambda _b: self.discard_draft())
            self.offer_box = styled(W.VBox, children=[
                self.offer_text,
                styled(W.HBox, children=[self.restore_button, self.discard_button]),
            ])
            children = list(self.widget.children)
            children.insert(children.index(self.heading) + 1, self.offer_box)
            self.widget.children = tuple(children)
        when = when_kept(draft.saved_at)
        if self.editing is None:
            text = (f"You have a draft from {when}: a new {noun(self.kind)} that was not "
                    "submitted.")
        else:
            text = (f"You have a draft from {when}: changes to this {noun(self.kind)} that "
                    "were not submitted.")
        self.offer_text.value = (
            f'<div role="status" style="{HELP_STYLE};padding:0.4em 0.8em;'
            f'border-left:3px solid #0072b2;margin:0.3em 0"><b>{esc_html(text)}</b> Restore it '
            "to carry on where you left off, or discard it.</div>"
        )
        show_if(self.offer_box, True)

    # -- internals -------------------------------------------------------------

    def _submit(self) -> int | None:
        self._clear_messages()
        data, problems = self.collect()
        record = None
        try:
            # A new record answers every question it must (a story: who may read it); a
            # saved one may be changed without them (ticking a safeguarding concern on an
            # older story must never wait for its consent).
            record = self.model.validate_input(data, entered=self.editing is None)
        except RecordError as exc:
            problems = {**exc.problems, **problems}
        if problems:
            self._show_problems(problems)
            for name in problems:
                if name in self.controls:
                    self.controls[name].problem_shown()
            return None
        assert record is not None
        what = noun(self.kind)
        confirm = confirmation_text(record)
        if self.editing is not None:
            rid, version = self.editing
            new_version = self.wb.edit(
                self.kind, rid, record, by=self.role, expected_version=version
            )
            ids = [rid]
            message = f"Saved version {new_version} of {what} #{rid}.{confirm} Thank you."
        elif self.model.stored_as:
            saved = record.expand()
            ids = self.wb.add_many([(r.kind, r) for r in saved], place=self.place,
                                   by=self.role)
            rid = ids[0]
            message = (f"Saved {len(ids)} answer{'s' if len(ids) != 1 else ''}. "
                       "Thank you.")
        else:
            rid = self.wb.add(self.kind, record, place=self.place, by=self.role)
            ids = [rid]
            message = f"Saved {what} #{rid}.{confirm} Thank you."
            if self.kind == "review":
                message += follow_review(self.wb, record, by=self.role, place=self.place)
        self.last_saved = rid
        if self.offered is None:  # saved: its draft is done with (one offered is kept)
            self._drop_draft()
        self.new()
        self._saved_clean = True
        self._set_status(message, ok=True)
        tell_saved(self.wb, self.place, self.model.stored_as or self.kind, list(ids))
        for callback in self._listeners:
            try:
                callback(rid)
            except Exception:
                log.exception("a listener of the %s form failed", self.kind)
        return rid

    def _one_record(self) -> int | None:
        try:
            rows = self.wb.listing(self.kind, self.place, columns=[], limit=1).rows
        except WorkbookError:
            return None
        return int(rows[0]["id"]) if rows else None

    def _heading_html(self) -> str:
        what = noun(self.kind)
        if self.editing is None:
            text = f"New {what}"
        else:
            rid, version = self.editing
            text = (f"Changing {what} #{rid} (version {version}). Saving keeps the earlier "
                    "version too.")
        return f"<h4 style='margin:0.3em 0'>{esc_html(text)}</h4>{self._intro}"

    def _set_heading(self) -> None:
        if self.editing_box is not None:
            show_if(self.editing_box, self.editing is not None)
        for row in self._asked:
            row.for_new(self.editing is None)
        if self.editing is None:
            self.new_button.description = "New"
            self.submit_button.description = "Submit"
        else:
            self.new_button.description = (
                "Cancel changes" if self.kind in ONE_PER_PLACE else "Cancel edit"
            )
            self.submit_button.description = "Save changes"
        self.heading.value = self._heading_html()

    def _clear_messages(self) -> None:
        self.problems = {}
        for row in self.fields.values():
            if row.text:
                row.show_message("")
        self._set_status("")

    def _show_problems(self, problems: Mapping[str, str]) -> None:
        self.problems = dict(problems)
        others = []
        for name, text in problems.items():
            if name in self.fields:
                self.fields[name].show_message(text)
            else:
                others.append(text)
        if self.more is not None and self._folded & set(problems):
            self.more.selected_index = 0
        n = len(problems)
        head = f"{n} thing{'s' if n != 1 else ''} to fix before saving"
        items = "".join(f"<li>{esc_html(t)}</li>" for t in problems.values())
        self.status_text = (
            f"{head}: " + "; ".join(problems.values())
            + ". Nothing was saved; what you typed is still here."
        )
        block = (
            f'<div style="{ERROR_STYLE}"><b>{esc_html(head)}</b><ul style="margin:0.2em 0">'
            f"{items}</ul>Nothing was saved; what you typed is still here.</div>"
        )
        short = f'<div style="{ERROR_STYLE}"><b>{esc_html(head)}</b>: see the messages above.</div>'
        self._show(self.summary, block)
        self._show(self.result, short if not others else block)

    def _set_status(self, text: str, *, ok: bool = True) -> None:
        self.status_text = text
        if not text:
            self._show(self.summary, "")
            self._show(self.result, "")
            return
        style = OK_STYLE if ok else ERROR_STYLE
        block = f'<div style="{style}"><b>{esc_html(text)}</b></div>'
        self._show(self.summary, block)
        self._show(self.result, block)

    @staticmethod
    def _show(widget: W.HTML, value: str) -> None:
        if widget.value != value:
            widget.value = value
        show_if(widget, bool(value))


#: The key under which a draft of changes keeps the version it was typed over.
DRAFT_VERSION = "_version"


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


def flush_drafts() -> None:
    """Keep what is typed in every live form as its draft (the kernel is shutting down)."""
    for item in list(LIVE):
        if isinstance(item, RecordForm):
            with suppress(Exception):  # shutting down: nobody to tell
                item._draft_flush()


atexit.register(flush_drafts)


def look_for_drafts_again() -> None:
    """Look again for the draft of every live form nobody has typed in yet: one kept since
    the form was built is offered back, one submitted since is no longer offered (the
    app's warm kernels build their forms before anyone arrives)."""
    for item in list(LIVE):
        if not isinstance(item, RecordForm):
            continue
        try:
            if item.offered is not None:  # offered when warmed: is it still there?
                item.offered = item.wb.draft(item.place, item.kind, item._draft_record(),
                                             item.role)
                item._show_offer()
                if item.offered is None:  # gone: its words leave the page too
                    item.offer_text.value = ""
            elif not item._dirty:
                item._offer_draft()
        except Exception:  # noqa: BLE001 - the form works without its draft
            log.warning("could not look again for a draft of %r", item, exc_info=True)


def plain_error(exc: BaseException) -> str:
    """An exception as one plain sentence (RecordError: its messages)."""
    if isinstance(exc, RecordError):
        return exc.message()
    text = str(exc).strip() or type(exc).__name__
    return text


def close_tree(widget: W.Widget) -> None:
    for child in getattr(widget, "children", ()) or ():
        close_tree(child)
    widget.close()


# ---------------------------------------------------------------------------
# The list of what is recorded
# ---------------------------------------------------------------------------

def list_columns(kind: str, extra: int = 3) -> list[str]:
    """The columns a list shows: the summary field, the date, and a few short key fields."""
    model = model_for(kind)
    metas = model.fields_meta()
    cols = [c for c in (model.summary_field, model.date_field) if c]
    cols = list(dict.fromkeys(cols))
    for meta in metas:
        if len(cols) >= 2 + extra:
            break
        if meta.name in cols or meta.name in model.personal:
            continue
        if meta.field_kind.list_column:
            cols.append(meta.name)
    return cols


class RecordList(Watching):
    """What is recorded for a place: newest first, a filter box, "show more", and Edit.

    Only what is shown is read: the newest records matching the filter, a page at a time,
    with the filtering, the order and the limit done by the database
    (:meth:`hls_workbook.store.workbook.Workbook.listing`), so the list costs the same with ten
    records as with ten thousand. "Change a record" offers the records shown.
    All text is escaped before it goes into the HTML table. In a live kernel it shows
    what others save within a few seconds (``watch``; a form watches for its own list).
    """

    def __init__(self, wb: Workbook, kind: str, *, place: str,
                 form: RecordForm | None = None, rows: int = SHOWN_ROWS,
                 watch: bool = True) -> None:
        self.wb = wb
        self.model = model_for(kind)
        self.kind = self.model.kind
        self.place = place
        self.form = form
        self.page = max(1, int(rows))
        self.limit = self.page
        self.columns = list_columns(self.kind)
        self.metas = {c: self.model.field_meta(c) for c in self.columns}
        #: anonymous kinds (check-ins, pulse answers) are shown only as a count
        self.anonymous = "anonymous" in self.model.model_fields
        #: the records shown, newest first; how many match the filter; how many in all
        self.shown_rows: list[dict[str, Any]] = []
        self.matched = 0
        self.total = 0
        self.problem = ""  # the database's problem, when the records cannot be read
        if watch:
            self._watch_kinds([self.kind])
        self._read("")  # before the widgets, so that each is made as it is to be shown

        hidden = {"display": HIDDEN_DISPLAY} if self.anonymous else {}
        self.heading = styled(
            W.HTML, value=f"{NAMED_CSS}<h4 style='margin:0.8em 0 0.3em 0'>What is recorded: "
            f"{esc_html(plural(self.kind))}</h4>",
        )
        self.filter = styled(
            W.Text, placeholder="Type a word to find a record",
            layout=shared_layout(width="100%", max_width="30em", **hidden),
            **named_for("Find a record"),
        )
        self.table = styled(W.HTML, value=self._table_html(""))
        self.more_button = styled(W.Button, description="Show more", icon="chevron-down",
                                  layout=shown_layout(self._more()))
        self.edit_choice = styled(
            W.Dropdown, options=self._edit_options(), description="Change a record:",
            style={"description_width": "initial"},
            layout=shared_layout(width="auto", max_width="36em"),
        )
        self.edit_button = styled(W.Button, description="Edit", icon="pencil",
                                  tooltip="Load this record into the form above to change it")
        self.filter.observe(lambda _c: self._filtered(), names="value")
        self.more_button.on_click(lambda _b: self.show_more())
        self.edit_button.on_click(lambda _b: self.edit_selected())
        edit_row = styled(
            W.HBox, children=[self.edit_choice, self.edit_button],
            layout=(shared_layout(display=HIDDEN_DISPLAY) if self.anonymous or form is None
                    else shared_layout()),
        )
        self.widget = styled(W.VBox, children=[self.heading, self.filter, self.table,
                                           self.more_button, edit_row])
        LIVE.add(self)

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return mime_bundle(self.widget, repr(self))

    def __repr__(self) -> str:
        return f"<RecordList {self.kind} for {self.place}>"

    def close(self) -> None:
        LIVE.discard(self)
        self._stop_watching()
        close_tree(self.widget)

    def store_changed(self, kind: str, ids: list[int] | None = None) -> None:
        if kind == self.kind:
            self.refresh()

    def _reread(self, kinds: set[str]) -> None:
        if self.kind in kinds:
            self.refresh()

    def refresh(self) -> None:
        """Read the records shown (the newest matching the filter) from the database, and
        redraw."""
        self._read(self.filter.value)
        self.render()

    def _read(self, search: str) -> None:
        try:
            found = self.wb.listing(
                self.kind, self.place, columns=self.columns,
                search="" if self.anonymous else search,
                limit=0 if self.anonymous else self.limit,
            )
        except WorkbookError as exc:
            self.shown_rows, self.matched, self.total = [], 0, 0
            self.problem = plain_error(exc)
            return
        self.problem = ""
        self.shown_rows, self.matched, self.total = found.rows, found.matched, found.total

    def _filtered(self) -> None:
        self.limit = self.page
        self.refresh()

    def show_more(self) -> None:
        self.limit += self.page
        self.refresh()

    def rows(self) -> list[dict[str, Any]]:
        """The records shown: the newest ones matching the filter, newest first."""
        return list(self.shown_rows)

    def _cells(self, row: Mapping[str, Any], limit: int | None = CELL_CHARS) -> list[str]:
        cells = [f"#{int(row['id'])}"]
        cells += [format_value(self.metas[c], row.get(c), limit) for c in self.columns]
        saved = row.get("recorded_at")
        cells.append("" if is_missing(saved) else date_or_none(saved).isoformat())
        by = row.get("recorded_by")
        cells.append("" if is_missing(by) else Part.labels().get(str(by), str(by)))
        return cells

    def render(self) -> None:
        """Redraw the table from the rows already read."""
        table = self._table_html(self.filter.value)
        if self.table.value != table:
            self.table.value = table
        if self.problem or self.anonymous:
            return
        show_if(self.more_button, self._more())
        options = self._edit_options()
        current = self.edit_choice.value
        if current not in ("", None) and current not in {v for _l, v in options}:
            # The record chosen in "Change a record" stays chosen, even when newer saves
            # (someone else's, from another kernel) push it off the page shown.
            options += [o for o in self.edit_choice.options if o[1] == current]
        if options != list(self.edit_choice.options):
            self.edit_choice.options = options
        if current in {v for _l, v in options}:
            self.edit_choice.value = current

    def _more(self) -> bool:
        """Whether there are more records matching than shown."""
        return self.matched > len(self.shown_rows)

    def _edit_options(self) -> list[tuple[str, Any]]:
        return [(BLANK_LABEL, ""),
                *((record_label(self.kind, r), int(r["id"])) for r in self.shown_rows)]

    def _table_html(self, search: str) -> str:
        """The table of the rows read (or what to say instead), escaped."""
        total = self.total
        if self.problem:
            return f'<div style="{ERROR_STYLE}">{esc_html(self.problem)}</div>'
        if self.anonymous:
            what = noun(self.kind)
            return (
                f"<p>{total} {esc_html(what)}{'s' if total != 1 else ''} saved for this place. "
                "They are anonymous, so they are shown only together, in the reports.</p>"
            )
        shown = self.shown_rows
        if not total:
            return "<p>Nothing recorded yet for this place.</p>"
        if not self.matched:
            return (f"<p>None of the {total} records matches "
                    f"&lsquo;{esc_html(search)}&rsquo;.</p>")
        heads = ["#", *(self.metas[c].label for c in self.columns), "Saved", "By"]
        th = "".join(
            f'<th style="text-align:left;padding:2px 8px">{esc_html(h)}</th>' for h in heads
        )
        body = "".join(
            "<tr>" + "".join(
                f'<td style="padding:2px 8px;vertical-align:top">{esc_html(c)}</td>'
                for c in self._cells(r)
            ) + "</tr>"
            for r in shown
        )
        note = f"<p style='{HELP_STYLE}'>Showing {len(shown)} of {self.matched}" + (
            f" (of {total} in all)" if self.matched != total else ""
        ) + ", newest first.</p>"
        return (
            f'<table style="border-collapse:collapse;font-size:0.9em"><thead><tr>{th}'
            f"</tr></thead><tbody>{body}</tbody></table>{note}"
        )

    def edit_selected(self) -> bool:
        """Load the record chosen in the Edit drop-down into the form."""
        rid = self.edit_choice.value
        if self.form is None or rid in ("", None):
            return False
        return self.form.load(int(rid))


# ---------------------------------------------------------------------------
# Notebook helpers
# ---------------------------------------------------------------------------


def _headless(interactive: bool | None) -> bool:
    return config.headless(interactive)


def show(
    kind: str,
    wb: Workbook,
    *,
    place: str,
    role: str | None = None,
    interactive: bool | None = None,
    **options: Any,
) -> Any:
    """The form for ``kind`` (with its list), ready to display as the last line of a cell.

    With ``interactive=False``, or the environment variable ``HLS_WORKBOOK_HEADLESS=1``,
    no widget is created: the questions come back as Markdown, for headless runs.
    """
    if _headless(interactive):
        from IPython.display import Markdown

        return Markdown(describe(kind))
    return RecordForm(wb, kind, place=place, role=role, **options)


def _answer_hint(meta: Any) -> str:
    return meta.field_kind.answer_hint(meta, plural)  # kinds.FieldKind.answer_hint


def new_questions(model: type[Record]) -> list[Any]:
    """The questions a new record asks: all but those asked only when changing one."""
    return [meta for meta in model.fields_meta() if not meta.editing_only]


def describe(kind: str, *, as_html: bool = False) -> str:
    """The questions of a form as Markdown (or HTML): what a headless run shows instead."""
    model = model_for(kind)
    lines: list[str] = []
    if as_html:
        lines.append(f"<h4>The questions for a new {esc_html(noun(model.kind))}</h4><ol>")
        for meta in new_questions(model):
            req = " <em>(required)</em>" if meta.required or meta.asked else ""
            lines.append(
                f"<li><b>{esc_html(meta.label)}</b>{req}<br>{esc_html(meta.help)}<br>"
                f"<small>Answer: {esc_html(_answer_hint(meta))}</small></li>"
            )
        lines.append("</ol>")
        return "\n".join(lines)
    lines.append(f"#### The questions for a new {noun(model.kind)}\n")
    lines.append("*In a live notebook these are a form. Questions marked (required) must be "
                 "answered before saving.*\n")
    for i, meta in enumerate(new_questions(model), start=1):
        req = " *(required)*" if meta.required or meta.asked else ""
        lines.append(f"{i}. **{markdown_safe(meta.label)}**{req}  ")
        if meta.help:
            lines.append(f"   {markdown_safe(meta.help)}  ")
        lines.append(f"   <small>Answer: {esc_html(_answer_hint(meta))}</small>")
    return "\n".join(lines) + "\n"


def markdown_safe(text: str) -> str:
    """Model text made safe for Markdown: HTML escaped, emphasis characters neutralised."""
    for ch in ("\\", "*", "_", "`", "[", "]"):
        text = text.replace(ch, "\\" + ch)
    return html.escape(text, quote=False)


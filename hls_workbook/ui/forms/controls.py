"""One control per widget kind: the input widget(s) of a field, read for the model.

:class:`Control` is what every kind's control does (build, read, set, reset, snapshot and
restore for drafts); the kinds whose input is plain (text, dates, choices, scores,
numbers, flags, counts) are here. Controls of links to other records are in
:mod:`~hls_workbook.ui.forms.links`; the table of which control each kind uses is in
:mod:`~hls_workbook.ui.forms.fields`.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

import ipywidgets as W

from hls_workbook.ui.forms.html import ui_macro
from hls_workbook.ui.forms.values import (
    BLANK_LABEL,
    NOT_ANSWERED,
    date_or_none,
    is_missing,
    option_values,
    typed_number,
)
from hls_workbook.ui.forms.widgets import GAP, named_for, shared_layout, styled

if TYPE_CHECKING:
    from hls_workbook.store.workbook import Workbook

log = logging.getLogger(__name__)

SKIP = object()  # "leave this field out": the model's default applies


class Control:
    """Adapts the input widget(s) of one field: ``read()`` for the model, ``set()`` from a record.

    ``widget`` is what is shown. ``read()`` returns ``(value, problem)``: the value to hand
    the model (or the internal "leave out" marker) and a plain message when the input
    cannot even be read.
    """

    #: True while the form sets the value itself (loading, restoring): not typing.
    quiet = False

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


class OneChoiceControl(Control):
    """What the controls choosing one of a field's choices share: reading the choice, and
    finding a stored value among the options."""

    def read(self) -> tuple[Any, str | None]:
        value = self.input.value
        if value in ("", None):
            return self._empty()
        return value, None

    def _option(self, value: Any) -> tuple[str, list[Any]]:
        """A stored value as an option's value ("" when missing), and the options' values."""
        value = "" if is_missing(value) else str(getattr(value, "value", value))
        return value, option_values(self.input)


class ChoiceControl(OneChoiceControl):
    def build(self) -> W.Widget:
        options = [(label, value) for value, label in (self.meta.choices or {}).items()]
        if self.nullable or self.default() is SKIP:
            options.insert(0, (BLANK_LABEL, ""))
        self.input = self._watch(styled(W.Dropdown, options=options,
                                        layout=shared_layout(width="auto"),
                                        **named_for(self.meta.label)))
        return self.input

    def set(self, value: Any) -> None:
        value, values = self._option(value)
        if value in values:
            self.input.value = value
        elif "" in values:
            self.input.value = ""
        else:
            self.input.index = 0


class YesPartlyNoControl(OneChoiceControl):
    def build(self) -> W.Widget:
        options = [(label, value) for value, label in (self.meta.choices or {}).items()]
        if self.nullable:
            options.append((NOT_ANSWERED, ""))
        self.input = self._watch(styled(
            W.ToggleButtons, options=options, index=None, style={"button_width": "auto"},
        ))
        return self.input

    def set(self, value: Any) -> None:
        value, values = self._option(value)
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
        if not self.quiet:
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
        was_quiet, self.quiet = self.quiet, True
        try:
            if is_missing(value):
                self.input.value = self.middle
                self.touched = self.confirmed = False
                self.hint.value = ui_macro("help", "not answered yet: move the slider", "span")
            else:
                self.input.value = int(value)
                self.touched = True
                self.hint.value = ""
        finally:
            self.quiet = was_quiet


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
            W.Checkbox, value=False, description=ui_macro("bold", self.meta.label),
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

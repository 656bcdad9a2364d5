"""Controls of links to other records: one record (a drop-down) or several (boxes).

Their choices are the place's current records of the linked kind, read lightly (ids and
summaries only) and brought up to date with just the records saved since.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import ipywidgets as W

from hls_workbook.domain.errors import WorkbookError
from hls_workbook.domain.model import model_for
from hls_workbook.ui.forms.controls import CheckboxesControl, Control
from hls_workbook.ui.forms.html import ui_macro
from hls_workbook.ui.forms.values import (
    BLANK_LABEL,
    format_value,
    is_missing,
    option_values,
    plural,
    record_label,
)
from hls_workbook.ui.forms.widgets import (
    named_for,
    shared_layout,
    show_if,
    shown_layout,
    styled,
)

if TYPE_CHECKING:
    from hls_workbook.store.workbook import Workbook

log = logging.getLogger(__name__)

def record_labels(wb: Workbook, kind: str, place: str,
                  ids: Iterable[int] | None = None,
                  only: Iterable[tuple[str, Any]] = ()) -> list[tuple[str, int]]:
    """(label, id) of a place's current records of a kind, newest first: one light query
    of the ids and summaries (or only of the records ``ids``; only those holding the
    link's ``only`` values, as :attr:`FieldMeta.only` asks)."""
    model = model_for(kind)
    columns = [model.summary_field] if model.summary_field else []
    rows = wb.listing(model.kind, place, columns=columns, ids=ids, where=only).rows
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


def _say_if_nothing_yet(note: W.HTML, link: str, nothing: bool, then: str = ".",
                        only: Iterable[tuple[str, Any]] = ()) -> None:
    """Under a link's input: say so (or stop saying so) when the place has no record of the
    linked kind yet (or none that the link's ``only`` lets a person choose, and why)."""
    if nothing:
        what = plural(link).lower()
        only = list(only)
        if only:
            linked = model_for(link)

            def labels(wanted: object) -> list[str]:
                return [f"\u2018{linked.field_meta(name).label}\u2019" for name, value in only
                        if value is wanted]

            ticked, unticked = labels(True), labels(False)
            rules = [f"{' and '.join(ticked)} ticked"] if ticked else []
            if unticked:
                rules.append(f"none of {', '.join(unticked[:-1])} or {unticked[-1]} ticked"
                             if len(unticked) > 1 else f"{unticked[0]} not ticked")
            text = (f"Nothing in {what} to choose here yet: only those with "
                    f"{', and '.join(rules)} are listed.")
        else:
            text = f"Nothing recorded in {what} for this place yet{then}"
        note.value = ui_macro("help", text, "span")
    show_if(note, nothing)


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
                (linked.field_meta(name).label,
                 format_value(linked.field_meta(name), row.get(name), None))
                for name in self.meta.shows if not is_missing(row.get(name))
            ]
            if items:
                html_text = ui_macro("linked", items)
        self.context.value = html_text
        show_if(self.context, bool(html_text))

    options: list[tuple[str, int]] | None = None  # the place's records, as last read

    def refresh(self, wb: Workbook, place: str, ids: Iterable[int] | None = None) -> None:
        self._source = (wb, place)
        if self.meta.shows:
            self._show_context()
        options = _fresh_options(wb, self.meta.link, place, self.options, ids, self.meta.only)
        if options != self.options:
            self.options = options
            self._set_options(options)
        if options:
            self.note.value = ""
        _say_if_nothing_yet(self.note, self.meta.link, not options,
                            ": add one first, then come back.", self.meta.only)

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


def _fresh_options(wb: Workbook, kind: str, place: str,
                   known: list[tuple[str, int]] | None,
                   ids: Iterable[int] | None,
                   only: Iterable[tuple[str, Any]] = ()) -> list[tuple[str, int]]:
    """The place's records of ``kind`` to link, as (label, id): only the ``ids`` someone
    just saved are read again and merged into what is ``known`` (one no longer holding
    ``only``, such as a story just withdrawn, drops out); else all are read."""
    if ids is not None and known is not None:
        ids = [int(i) for i in ids]
        return merged_options(known, ids, record_labels(wb, kind, place, ids, only))
    return record_labels(wb, kind, place, only=only)


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
        options = _fresh_options(wb, self.meta.link, place, self.options, ids, self.meta.only)
        self.options = list(options)
        known = {v for _label, v in options}
        options += [(f"#{v} (archived or in another place)", v) for v in chosen
                    if v not in known]
        self._make_boxes(options)
        self.set(chosen)
        _say_if_nothing_yet(self.note, self.meta.link, not options, only=self.meta.only)

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

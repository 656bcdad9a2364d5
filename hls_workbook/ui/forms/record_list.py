"""The list of what is recorded for a place: newest first, a filter, "show more", Edit.

Only what is shown is read (a page at a time, filtered by the database).
"""

from __future__ import annotations

import logging
import typing
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import ipywidgets as W

from hls_workbook.domain.errors import WorkbookError
from hls_workbook.domain.model import Part, model_for
from hls_workbook.templating import PlainTable
from hls_workbook.ui.forms.html import ui_macro
from hls_workbook.ui.forms.live import Watching, add_live, discard_live
from hls_workbook.ui.forms.values import (
    BLANK_LABEL,
    CELL_CHARS,
    date_or_none,
    format_value,
    is_missing,
    noun,
    plain_error,
    plural,
    record_label,
)
from hls_workbook.ui.forms.widgets import (
    HIDDEN_DISPLAY,
    close_tree,
    mime_bundle,
    named_for,
    shared_layout,
    show_if,
    shown_layout,
    styled,
)

if TYPE_CHECKING:
    from hls_workbook.store.workbook import Workbook

log = logging.getLogger(__name__)

SHOWN_ROWS = 10


class Loads(typing.Protocol):
    """What a list's Edit button needs of its form (a RecordForm): to load a record."""

    def load(self, rid: int, *, quiet: bool = False) -> bool: ...


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
                 form: Loads | None = None, rows: int = SHOWN_ROWS,
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
        self.heading = styled(W.HTML, value=ui_macro(
            "heading", f"What is recorded: {plural(self.kind)}", "0.8em 0 0.3em 0", named=True))
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
        add_live(self)

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return mime_bundle(self.widget, repr(self))

    def __repr__(self) -> str:
        return f"<RecordList {self.kind} for {self.place}>"

    def close(self) -> None:
        discard_live(self)
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
        """The table of the rows read (or what to say instead), as HTML."""
        total = self.total
        if self.problem:
            return ui_macro("message", self.problem, mark=False)
        if self.anonymous:
            what = noun(self.kind)
            return ui_macro("para", f"{total} {what}{'s' if total != 1 else ''} saved for this "
                            "place. They are anonymous, so they are shown only together, in "
                            "the reports.")
        shown = self.shown_rows
        if not total:
            return ui_macro("para", "Nothing recorded yet for this place.")
        if not self.matched:
            return ui_macro("para", f"None of the {total} records matches \u2018{search}\u2019.")
        heads = ["#", *(self.metas[c].label for c in self.columns), "Saved", "By"]
        table = PlainTable(heads, [self._cells(r) for r in shown])
        more = f" (of {total} in all)" if self.matched != total else ""
        return ui_macro("records", table,
                        f"Showing {len(shown)} of {self.matched}{more}, newest first.")

    def edit_selected(self) -> bool:
        """Load the record chosen in the Edit drop-down into the form."""
        rid = self.edit_choice.value
        if self.form is None or rid in ("", None):
            return False
        return self.form.load(int(rid))

"""The one form builder: :class:`RecordForm`, an ipywidgets form for any record kind.

Built from the model's fields (one :class:`~hls_workbook.ui.forms.fields.FieldRow` per
field), it validates with the model, shows each problem beside its question, saves one
record (or a new version) through the store and tells the live lists. Drafts are its
:class:`~hls_workbook.ui.forms.drafts.Drafts` part.
"""

from __future__ import annotations

import logging
import typing
from collections.abc import Callable, Iterable, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import ipywidgets as W

from hls_workbook.domain.errors import RecordError, WorkbookError
from hls_workbook.domain.model import Part, Record, model_for
from hls_workbook.ui.forms.controls import SKIP, Control, TextControl
from hls_workbook.ui.forms.drafts import Drafts
from hls_workbook.ui.forms.fields import CONTROLS, FieldRow
from hls_workbook.ui.forms.html import ui_macro
from hls_workbook.ui.forms.live import Watching, add_live, discard_live, tell_saved
from hls_workbook.ui.forms.record_list import SHOWN_ROWS, RecordList
from hls_workbook.ui.forms.reviews import follow_review
from hls_workbook.ui.forms.values import (
    confirmation_text,
    normalise_role,
    noun,
    plain_error,
)
from hls_workbook.ui.forms.widgets import (
    close_tree,
    mime_bundle,
    shared_layout,
    show_if,
    shown_layout,
    styled,
)

if TYPE_CHECKING:
    from hls_workbook.store.workbook import Workbook

log = logging.getLogger(__name__)

#: Kinds with one record per place: their form always edits that record once it exists.
ONE_PER_PLACE = frozenset({"place"})


class RecordForm(Drafts, Watching):
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
        self.dirty = False  # typed in since it was loaded or emptied
        self._quiet = False
        self._saved_clean = False  # just saved, nothing typed since
        self._listeners: list[Callable[[int], None]] = []
        self._start_drafts()
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
            self.set_status(role_warning, ok=False)
        add_live(self)

    # -- display -------------------------------------------------------------

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return mime_bundle(self.widget, repr(self))

    def __repr__(self) -> str:
        return f"<RecordForm {self.kind} for {self.place}>"

    def close(self) -> None:
        """Close every widget of the form (and its list); what is typed is kept as a draft."""
        self._draft_flush()
        self._cancel_draft_timer()
        discard_live(self)
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
            self.dirty = True
            self._saved_clean = False
            self._draft_due()

    @contextmanager
    def _quietly(self) -> Any:
        self._quiet = True
        for c in self.controls.values():
            c.quiet = True
        try:
            yield
        finally:
            self._quiet = False
            for c in self.controls.values():
                c.quiet = False

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
            self.set_status(
                f"Someone else saved a newer version of this {noun(self.kind)} (version "
                f"{newer}) while you were changing it. What you typed is still here; to "
                "save it, open the record again with Edit and add your changes.", ok=False)

    def on_saved(self, callback: Callable[[int], None]) -> None:
        """Call ``callback(id)`` after every successful save."""
        self._listeners.append(callback)

    def set_role(self, role: str | None) -> None:
        """Credit later saves to another part of the system (chosen in the stage's "Who
        are you here?"), and say so under the heading."""
        old_role = self.role
        self.role, _warning = normalise_role(role)
        self._follow_role(old_role)
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
        self.dirty = False
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
        its draft with it (the drafts offered and not taken are kept)."""
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
            self.set_status(plain_error(exc), ok=False)
            return False
        if row.get("place") != self.place:
            self.set_status(
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
        self.dirty = False
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
        if self._saved_clean and not self.dirty:
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
            self.set_status(
                f"{plain_error(exc)} Nothing was saved; what you typed is still here.", ok=False,
            )
        except Exception as exc:  # never lose an answer to an unexpected error
            log.exception("saving a %s failed", self.kind)
            self.set_status(
                f"Something went wrong, and nothing was saved ({type(exc).__name__}: "
                f"{plain_error(exc)}). What you typed is still here: press Submit again, and if it "
                "happens again tell whoever looks after the workbook.", ok=False,
            )
        finally:
            self._busy = False
            button.disabled = False
            self._set_heading()
        return None

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
        self._drop_draft()  # saved: its draft is done with (the others stay offered)
        self.new()
        self._saved_clean = True
        self.set_status(message, ok=True)
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
        # Under it, what must be answered now, and whose saves these are.
        return ui_macro("form_heading", text, Part.labels().get(self.role or "", ""))

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
        self.set_status("")

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
        self.status_text = (
            f"{head}: " + "; ".join(problems.values())
            + ". Nothing was saved; what you typed is still here."
        )
        block = ui_macro("problems", head, list(problems.values()))
        short = ui_macro("problems", head, [])
        self._show(self.summary, block)
        self._show(self.result, short if not others else block)

    def set_status(self, text: str, *, ok: bool = True) -> None:
        """Say ``text`` under Submit (``ok``: as good news, else as a problem); "": clear it."""
        self.status_text = text
        if not text:
            self._show(self.summary, "")
            self._show(self.result, "")
            return
        block = ui_macro("message", text, ok=ok, strong=True, mark=False)
        self._show(self.summary, block)
        self._show(self.result, block)

    @staticmethod
    def _show(widget: W.HTML, value: str) -> None:
        if widget.value != value:
            widget.value = value
        show_if(widget, bool(value))

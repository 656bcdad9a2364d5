"""Check before sharing: the live list of text waiting for a person's check.

Suspected personal details are marked; each decision (share as written, share in other
words, hold back) is saved as it is made (see :mod:`hls_workbook.privacy.review`).
"""

from __future__ import annotations

import logging
import math
from typing import Any

from hls_workbook.domain.errors import WorkbookError
from hls_workbook.store.workbook import Workbook
from hls_workbook.ui import forms
from hls_workbook.ui.stages.markup import (
    AUDIENCE_LABELS,
    CHECK_AUDIENCES,
    SectionSpec,
    load_analysis,
    plural,
    stage_role,
    wide_layout,
)
from hls_workbook.ui.stages.views import WHEN_IDLE, placeholder, plain_error, summarise_section

log = logging.getLogger(__name__)


def _label_html(question: str, help_text: str = "") -> str:
    """A question shown above its input (the input is named by it for screen readers)."""
    return forms.ui_macro("question", question, help_text)


class _CheckItem:
    """A place on the page for one piece of text waiting for a check: what it is, the text
    with suspected details marked, the three decisions, the box for other words, and its
    own message.

    The places are made with the section and filled from page to page, never made or
    closed later: in the app, a widget made after the page has loaded could be missed by
    the browser, which would then show none of them.
    """

    def __init__(self, view: CheckView) -> None:
        import ipywidgets as W

        self.view = view
        self.row: dict[str, Any] | None = None
        self.text = forms.styled(W.HTML)
        # No icons: a button is named by its words alone, for screen readers.
        self.clear_button = forms.styled(W.Button, description="Clear it as written",
                                         layout=wide_layout(),
                                         tooltip="Share this text exactly as it is written")
        self.edit_button = forms.styled(W.Button, description="Share it in other words",
                                        layout=wide_layout(),
                                        tooltip="Write the words to share instead")
        self.hold_button = forms.styled(W.Button, description="Hold it back", layout=wide_layout(),
                                        tooltip="Do not share this text outside the team")
        self.wording = forms.styled(
            W.Textarea, rows=4, layout=forms.shared_layout(height="6.5em", width="100%",
                                                           max_width="46em"),
            **forms.named_for("Wording for sharing"))
        self.save_button = forms.styled(W.Button, description="Save this wording",
                                        button_style="primary", layout=wide_layout(),
                                        tooltip="Share these words instead of the original")
        self.cancel_button = forms.styled(W.Button, description="Cancel",
                                          tooltip="Close the box; nothing is saved")
        self.editor = forms.styled(W.VBox, children=[
            forms.styled(W.HTML, value=_label_html(
                "Wording for sharing", "How should it read outside the team? The original "
                "stays for the team. Take out anything that could identify someone.")),
            self.wording,
            forms.styled(W.HBox, children=[self.save_button, self.cancel_button]),
        ], layout=forms.shown_layout(False))
        self.message = forms.styled(W.HTML, layout=forms.shown_layout(False))
        self.buttons = forms.styled(W.HBox, children=[self.clear_button, self.edit_button,
                                                  self.hold_button],
                                layout=forms.shared_layout(flex_flow="row wrap"))
        self.widget = forms.styled(W.VBox, children=[self.text, self.buttons, self.editor,
                                                 self.message],
                               _dom_classes=("hls-check-item",), layout=forms.shown_layout(False))
        self.clear_button.on_click(lambda _b: self._decide("cleared"))
        self.hold_button.on_click(lambda _b: self._decide("held"))
        self.edit_button.on_click(lambda _b: self.open_editor(True))
        self.cancel_button.on_click(lambda _b: self.open_editor(False))
        self.save_button.on_click(lambda _b: self._decide("edited", self.wording.value))

    def show(self, row: dict[str, Any] | None, draft: str | None = None) -> None:
        """Show ``row`` here (None: show nothing); ``draft``: words being typed for it."""
        from hls_workbook.privacy import review

        same = row is not None and row is self.row
        self.row = row
        forms.show_if(self.widget, row is not None)
        if row is None:
            self.open_editor(False, quiet=True)
            return
        if same and draft is None:
            return
        # The text, escaped with each suspected detail marked, by privacy.review.
        highlighted = forms.trusted(row["highlighted"])
        self.text.value = forms.ui_macro("check_piece", row["record"], row["label"], highlighted,
                                         review.details_sentence(row["details"]))
        self.wording.description = f"Wording for sharing: {row['record']}, {row['label']}"
        self.show_message("")
        if draft is None:
            self.open_editor(False, quiet=True)
        else:
            self.wording.value = draft
            forms.show_if(self.editor, True)

    def _decide(self, decision: str, wording: str | None = None) -> None:
        if self.row is not None:
            self.view.decide(self, decision, wording)

    @property
    def editing(self) -> bool:
        return self.row is not None and self.editor.layout.display != "none"

    def open_editor(self, shown: bool, *, quiet: bool = False) -> None:
        forms.show_if(self.editor, shown)
        if not quiet:
            self.show_message("")
        if not shown:
            self.wording.value = "" if self.row is None else str(self.row["text"])
            if not quiet:
                self.view.editor_closed()

    def show_message(self, text: str) -> None:
        text = text.strip()
        if text and not text.endswith((".", "!", "?")):
            text += "."
        self.message.value = (forms.ui_macro("message", f"{text} Nothing was saved for this "
                                             "piece.", role="alert") if text else "")
        forms.show_if(self.message, bool(text))

    def close(self) -> None:
        forms.close_tree(self.widget)


class _SummaryOnly:
    """What the idle queue redraws after a check is saved: the summary, not the list."""

    def __init__(self, view: CheckView) -> None:
        self.view = view

    def refresh(self) -> None:
        self.view.refresh_summary()


class CheckView:
    """The live "Check before sharing" section: a person checks each piece of typed text
    before a report carries it outside the team.

    Above, the summary (how many pieces wait, for each audience). Then who will read it
    (public or partners), the period the report covers, and who is checking; then the
    pieces waiting for a check, :data:`PAGE` at a time, each with its record and
    question, its text with suspected personal details marked, and three buttons: clear it
    as written, share it in other words (a box opens with the text to reword), hold it
    back. Each decision is saved at once (:func:`hls_workbook.privacy.review.record_check`)
    and the piece leaves the list with a short confirmation; a problem is shown beside
    the piece, in words, and nothing typed is lost.

    Like a :class:`SectionView`, its summary and list are worked out once the notebook's
    cells have run, and again when another form saves text the list depends on.
    """

    PAGE = 5

    def __init__(self, spec: SectionSpec, wb: Workbook, *, place: str,
                 role: str | None) -> None:
        import datetime as dt

        import ipywidgets as W

        self.spec = spec
        self.wb = wb
        self.place = place
        self.role = stage_role(role)[0]
        self._reads: frozenset[str] = frozenset()
        self.rows: list[dict[str, Any]] = []  # the pieces waiting, as listed
        self.listed = 0  # every piece of text for the audience and period
        self.page = 0
        self.problem = ""
        self._stale = False
        self._summary_only = _SummaryOnly(self)
        today = dt.date.today()
        self.summary = forms.styled(W.HTML, value=placeholder())
        self.audience = forms.styled(
            W.Dropdown, options=[(AUDIENCE_LABELS[a], a) for a in CHECK_AUDIENCES],
            value=CHECK_AUDIENCES[0], layout=forms.shared_layout(width="auto"),
            **forms.named_for("Who will read it"))
        # The last twelve months, to begin with: the period of most reports.
        self.start = forms.styled(W.DatePicker, value=today - dt.timedelta(days=365),
                                  **forms.named_for("First day of the period"))
        self.end = forms.styled(W.DatePicker, value=today,
                                **forms.named_for("Last day of the period"))
        self.checker = forms.styled(W.Text, placeholder="a name or a role",
                                    layout=forms.shared_layout(width="100%", max_width="30em"),
                                    **forms.named_for("Who is checking"))
        self.show_button = forms.styled(W.Button, description="Show what waits",
                                        layout=wide_layout(),
                                        tooltip="List the pieces waiting for a check again")
        self.status = forms.styled(W.HTML)
        self.list_box = forms.styled(W.VBox)
        self.prev_button = forms.styled(W.Button, description="Previous",
                                        layout=forms.shown_layout(False))
        self.next_button = forms.styled(W.Button, description="Next",
                                        layout=forms.shown_layout(False))
        self.page_note = forms.styled(W.HTML)
        self.items = [_CheckItem(self) for _ in range(self.PAGE)]
        self.list_box.children = tuple(item.widget for item in self.items)
        controls = [
            forms.styled(W.HTML, value=forms.ui_macro("check_heading",
                                                      "Check the text waiting to be shared")),
            forms.styled(W.HTML, value=_label_html(
                "Who will read it", "A check for the public covers partners too.")),
            self.audience,
            forms.styled(W.HTML, value=_label_html(
                "The period the report covers", "Text about this period, and about the "
                "place as a whole."), layout=forms.shared_layout(margin="0.9em 2px 2px 2px")),
            forms.styled(W.HBox, children=[self.start, forms.styled(W.HTML, value="to"), self.end],
                         layout=forms.shared_layout(flex_flow="row wrap", align_items="center")),
            forms.styled(W.HTML, value=_label_html(
                "Who is checking", "Your name or your role: it is kept with each check."),
                layout=forms.shared_layout(margin="0.9em 2px 2px 2px")),
            self.checker,
            forms.styled(W.HBox, children=[self.show_button],
                         layout=forms.shared_layout(margin="0.9em 0 0 0")),
        ]
        self.widget = forms.styled(W.VBox, children=[
            self.summary, *controls, self.status, self.list_box,
            forms.styled(W.HBox, children=[self.prev_button, self.next_button, self.page_note],
                         layout=forms.shared_layout(align_items="center")),
        ], _dom_classes=("hls-check",), layout=forms.shared_layout(max_width="52em"))
        self.show_button.on_click(lambda _b: self.load())
        self.prev_button.on_click(lambda _b: self.turn(-1))
        self.next_button.on_click(lambda _b: self.turn(1))
        for widget in (self.audience, self.start, self.end):
            widget.observe(lambda _c: self.load(), names="value")
        WHEN_IDLE.add(self)
        forms.add_live(self)  # forms call store_changed(kind) after every save

    # -- reading ------------------------------------------------------------------

    def refresh(self) -> None:
        """Work out the summary and the list again from the database."""
        self.refresh_summary()
        self.load()

    def refresh_summary(self) -> None:
        WHEN_IDLE.discard(self._summary_only)
        self.summary.value, self._reads = summarise_section(self.spec, self.wb, self.place)

    def load(self) -> None:
        """List the pieces waiting for a check, for the audience and period chosen."""
        WHEN_IDLE.discard(self)
        self._stale = False
        self.problem = ""
        try:
            load_analysis()
            from hls_workbook.privacy import review

            listed = review.check_list(self.wb, self.place, self.start.value, self.end.value,
                                       self.audience.value)
            self.rows = review.waiting(listed).to_dict("records")
            self.listed = len(listed)
        except WorkbookError as exc:
            self.rows, self.listed, self.problem = [], 0, plain_error(exc)
        except Exception as exc:  # never a traceback for a team member
            log.exception("listing the text waiting for a check failed")
            self.rows, self.listed = [], 0
            self.problem = (f"Something went wrong while listing the text to check "
                            f"({type(exc).__name__}). What is recorded is safe; tell whoever "
                            "looks after the workbook.")
        self.page = 0
        self.render()

    def _count_text(self) -> str:
        who = AUDIENCE_LABELS[self.audience.value].lower()
        n = len(self.rows)
        if not self.listed:
            return f"No typed text for this period that a report for {who} would carry."
        if not n:
            return (f"Nothing waits for a check: all {self.listed} pieces of text for {who} "
                    "have been checked.")
        return (f"{plural(n, 'piece of text waits', 'pieces of text wait')} for a check "
                f"before {who} may read {'it' if n == 1 else 'them'} "
                f"({self.listed} in all for this period).")

    # -- drawing ------------------------------------------------------------------

    def render(self, confirmation: str = "") -> None:
        """Draw the count, the confirmation (if any) and the page of pieces."""
        pages = max(1, math.ceil(len(self.rows) / self.PAGE))
        self.page = min(self.page, pages - 1)
        shown = self.rows[self.page * self.PAGE:(self.page + 1) * self.PAGE]
        # Words being typed for a piece still on the page go with it to its new place.
        drafts = {id(item.row): item.wording.value for item in self.items if item.editing}
        for n, item in enumerate(self.items):
            row = shown[n] if n < len(shown) else None
            moved = row is not None and row is not item.row
            item.show(row, drafts.get(id(row)) if moved or row is None else None)
        self.status.value = forms.ui_macro("check_status", self._count_text(), confirmation,
                                           self.problem)
        many = len(self.rows) > self.PAGE
        forms.show_if(self.prev_button, many)
        forms.show_if(self.next_button, many)
        self.prev_button.disabled = self.page == 0
        self.next_button.disabled = self.page >= pages - 1
        if many:
            first = self.page * self.PAGE + 1
            self.page_note.value = forms.ui_macro(
                "help", f"Showing {first} to {first + len(shown) - 1} of {len(self.rows)} "
                f"(page {self.page + 1} of {pages})", "span")
        else:
            self.page_note.value = ""

    def turn(self, step: int) -> None:
        """Show the next (1) or the previous (-1) page of pieces."""
        self.page = max(0, self.page + step)
        self.render()

    # -- deciding -----------------------------------------------------------------

    def decide(self, item: _CheckItem, decision: str, wording: str | None = None) -> int | None:
        """Save one decision on one piece; return the check's record id (None: not saved,
        and the problem is shown beside the piece)."""
        from hls_workbook.privacy import review

        item.show_message("")
        try:
            cid = review.record_check(self.wb, self.place, item.row, decision=decision,
                                      audience=self.audience.value, by=self.checker.value,
                                      shared_text=wording, role=self.role)
        except WorkbookError as exc:
            item.show_message(plain_error(exc))
            return None
        except Exception as exc:  # never lose the piece to an unexpected error
            log.exception("saving a check failed")
            item.show_message(f"Something went wrong ({type(exc).__name__}). Press the button "
                              "again; if it happens again, tell whoever looks after the "
                              "workbook.")
            return None
        who = AUDIENCE_LABELS[self.audience.value].lower()
        where = f"{item.row['record']}, ‘{item.row['label']}’"
        said = {
            "cleared": f"Saved: cleared for {who}, as written ({where}).",
            "edited": f"Saved: {who} will read your wording instead ({where}).",
            "held": f"Saved: held back from {who} ({where}).",
        }[decision]
        self.rows = [r for r in self.rows if r is not item.row]
        self.render(confirmation=said)
        forms.tell_saved(self.wb, self.place, "clearance", [cid])
        return cid

    def editor_closed(self) -> None:
        if self._stale and not any(i.editing for i in self.items):
            self.load()

    def store_changed(self, kind: str, ids: list[int] | None = None) -> None:
        """Called by the forms after a save on the same workbook and place: the summary is
        worked out again, and the list too when the text it holds may have changed (not
        while someone is rewording a piece: then when they are done)."""
        from hls_workbook.privacy.clearance import SHARED_TEXT

        WHEN_IDLE.add(self._summary_only)
        if kind not in SHARED_TEXT:  # a check, or a kind whose text is never shared
            return
        if any(i.editing for i in self.items):
            self._stale = True
        else:
            WHEN_IDLE.add(self)

    def close(self) -> None:
        WHEN_IDLE.discard(self)
        WHEN_IDLE.discard(self._summary_only)
        forms.discard_live(self)
        for item in self.items:
            item.close()
        forms.close_tree(self.widget)

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return forms.mime_bundle(self.widget, repr(self))

    def __repr__(self) -> str:
        return f"<CheckView {self.spec.key} for {self.place}>"

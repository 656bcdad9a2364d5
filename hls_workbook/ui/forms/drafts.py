"""Drafts: what is typed in a form is kept in the workbook until it is submitted.

:class:`Drafts` is the part of :class:`~hls_workbook.ui.forms.record_form.RecordForm`
that keeps a draft a moment after each change, offers it back when the form opens again,
and forgets it once it is submitted or discarded. A kernel shutting down keeps what every
live form holds.
"""

from __future__ import annotations

import asyncio
import atexit
import logging
import time
from contextlib import suppress
from typing import TYPE_CHECKING, Any

import ipywidgets as W

from hls_workbook.domain.model import model_for
from hls_workbook.ui.forms.live import live_items
from hls_workbook.ui.forms.values import esc_html, noun, when_kept
from hls_workbook.ui.forms.widgets import HELP_STYLE, show_if, styled

if TYPE_CHECKING:
    from hls_workbook.store.workbook import Draft

log = logging.getLogger(__name__)

#: A draft of what is typed is kept this many seconds after a change (later changes ride
#: along), so a closed tab or a dead kernel loses at most the last moment of typing.
DRAFT_DELAY = 1.0
#: The key under which a draft of changes keeps the version it was typed over.
DRAFT_VERSION = "_version"


class Drafts:
    """Keeping, offering back and forgetting the draft of a :class:`RecordForm`: a
    mixin, using the form's own state (what it holds, what it is editing, its messages)."""

    def _start_drafts(self) -> None:
        """The draft state of a new form (called by the form as it is built).

        What is typed is kept in the workbook until it is submitted (anonymous answers,
        such as pulse answers and check-ins, never are)."""
        saved_as = model_for(self.model.stored_as or self.kind)
        self.keeps_drafts = "anonymous" not in saved_as.model_fields
        self.offered: Draft | None = None  # a draft found, offered back and not yet taken
        self.offer_box: W.Box | None = None  # made when there is first a draft to offer
        self._draft_timer: asyncio.TimerHandle | None = None
        self._draft_pending = False  # typed since the draft was last kept
        self._draft_kept = False  # the draft of what the form holds is in the workbook
        self._draft_at = 0.0  # when a draft was last kept (time.monotonic)
        self._baseline: dict[str, Any] = {}  # the answers as loaded, or as a new form

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
        self.dirty = True
        self._saved_clean = False
        self._show_offer()
        note = (f"Your draft from {when_kept(draft.saved_at)} is back in the form. Nothing is "
                "saved until you press Submit.")
        version = draft.answers.get(DRAFT_VERSION)
        if self.editing is not None and version not in (None, self.editing[1]):
            note += (f" It was written over version {version}; this {noun(self.kind)} is "
                     f"now at version {self.editing[1]}, so check every answer before "
                     "saving.")
        self.set_status(note, ok=True)
        return True

    def discard_draft(self) -> None:
        """Forget the draft offered back, for good (the Discard button)."""
        if self.offered is None:
            return
        self.offered = None
        self._draft_kept = True  # so that it is dropped
        self._drop_draft()
        self._show_offer()
        if self.dirty:  # typed meanwhile: that is the draft now
            self._draft_due()

    def _follow_role(self, old: str | None) -> None:
        """The part of the system was chosen again while the form is open. A draft is kept
        for the part of whoever typed it, so what is typed moves with the choice: the draft
        kept under the old part is dropped and kept under the new one at once (nothing
        typed is lost, and no copy is left to be offered to someone else). A form nobody
        has typed in offers the new part's draft instead."""
        if not self.keeps_drafts or old == self.role:
            return
        if self._draft_kept:
            try:
                self.wb.drop_draft(self.place, self.kind, self._draft_record(), old)
            except Exception:  # noqa: BLE001 - a copy left behind is offered, not lost
                log.warning("could not move a draft of the %s form", self.kind, exc_info=True)
            self._draft_kept = False
        if not self.dirty:
            self._offer_draft()
        elif self.offered is None:
            self.save_draft()

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


def flush_drafts() -> None:
    """Keep what is typed in every live form as its draft (the kernel is shutting down)."""
    for item in live_items():
        if isinstance(item, Drafts):
            with suppress(Exception):  # shutting down: nobody to tell
                item._draft_flush()


atexit.register(flush_drafts)


def look_for_drafts_again() -> None:
    """Look again for the draft of every live form nobody has typed in yet: one kept since
    the form was built is offered back, one submitted since is no longer offered (the
    app's warm kernels build their forms before anyone arrives)."""
    for item in live_items():
        if not isinstance(item, Drafts):
            continue
        try:
            if item.offered is not None:  # offered when warmed: is it still there?
                item.offered = item.wb.draft(item.place, item.kind, item._draft_record(),
                                             item.role)
                item._show_offer()
                if item.offered is None:  # gone: its words leave the page too
                    item.offer_text.value = ""
            elif not item.dirty:
                item._offer_draft()
        except Exception:  # noqa: BLE001 - the form works without its draft
            log.warning("could not look again for a draft of %r", item, exc_info=True)

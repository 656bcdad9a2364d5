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
from collections.abc import Callable
from contextlib import suppress
from typing import TYPE_CHECKING, Any

import ipywidgets as W

from hls_workbook.domain.model import model_for
from hls_workbook.ui.forms.html import ui_macro
from hls_workbook.ui.forms.live import live_items
from hls_workbook.ui.forms.values import noun, shorten, when_kept
from hls_workbook.ui.forms.widgets import show_if, styled

if TYPE_CHECKING:
    from hls_workbook.store.workbook import Draft

log = logging.getLogger(__name__)

#: A draft of what is typed is kept this many seconds after a change (later changes ride
#: along), so a closed tab or a dead kernel loses at most the last moment of typing.
DRAFT_DELAY = 1.0
#: The key under which a draft of changes keeps the version it was typed over.
DRAFT_VERSION = "_version"


#: How many drafts are said in words ("You have two unsent drafts").
_COUNTS = {2: "two", 3: "three", 4: "four", 5: "five"}
#: The most recent drafts offered are shown in full, each with Restore and Discard, up to
#: this many; older ones are said in one line ("You also have 4 older drafts"), shown on
#: request, and can be discarded together. Someone who ignores the offer again and again
#: and types on gets one more draft each time: none is dropped to make room (a draft goes
#: only by its Discard, a submit or a withdrawal), so the offer stays short instead.
SHOWN_DRAFTS = 3
#: The characters of a draft's words shown beside it, to tell two drafts apart.
PREVIEW_CHARS = 70


class Drafts:
    """Keeping, offering back and forgetting the drafts of a :class:`RecordForm`: a
    mixin, using the form's own state (what it holds, what it is editing, its messages).

    A form keeps what it holds in a slot of its own (``_draft_slot``); the other drafts
    kept for it (the same place, form, record and part of the system) are offered back,
    the most recent first, until each is restored or discarded. So typing while an older
    draft is offered is kept too, beside it, and neither overwrites the other.

    Restoring a draft makes it the form's own (its slot is where typing goes on, and
    Submit drops it); what the form held before is then offered like any other draft.
    Submitting drops only the form's own draft: another one holds words that were never
    submitted, so it stays offered until it is discarded (as a mail program keeps every
    unsent draft until it is sent or deleted). Nothing is dropped that the person did not
    submit, start again on or discard. However many there are, the offer shows the
    ``SHOWN_DRAFTS`` most recent; the older ones wait behind "Show the older drafts"."""

    def _start_drafts(self) -> None:
        """The draft state of a new form (called by the form as it is built).

        What is typed is kept in the workbook until it is submitted (anonymous answers,
        such as pulse answers and check-ins, never are)."""
        saved_as = model_for(self.model.stored_as or self.kind)
        self.keeps_drafts = "anonymous" not in saved_as.model_fields
        self.offered: list[Draft] = []  # drafts found, offered back, not taken (newest first)
        self.offer_box: W.Box | None = None  # made when there is first a draft to offer
        self._offer_rows: list[tuple[W.Box, W.HTML, W.Button, W.Button]] = []
        # The line of older drafts: its words, Show/Hide and "Discard the older drafts".
        self._older: tuple[W.Box, W.HTML, W.Button, W.Button] | None = None
        self.older_shown = False  # the older drafts are shown in full
        self._draft_timer: asyncio.TimerHandle | None = None
        self._draft_pending = False  # typed since the draft was last kept
        self._draft_slot: int | None = None  # where the draft of what the form holds is
        self._draft_at = 0.0  # when a draft was last kept (time.monotonic)
        self._baseline: dict[str, Any] = {}  # the answers as loaded, or as a new form

    @property
    def restore_button(self) -> W.Button:
        """The Restore button of the most recent draft offered."""
        return self._offer_rows[0][2]

    @property
    def discard_button(self) -> W.Button:
        """The Discard button of the most recent draft offered."""
        return self._offer_rows[0][3]

    def answers(self) -> dict[str, Any]:
        """What every field holds, as typed, in plain JSON values (what a draft keeps)."""
        return {name: control.snapshot() for name, control in self.controls.items()}

    def save_draft(self) -> bool:
        """Keep what is typed now as the form's own draft in the workbook (done by itself
        a moment after each change: see ``DRAFT_DELAY``), beside any draft offered back.
        Nothing is kept when the form holds only what it was opened with. A problem is
        logged, never shown: a draft is a safety net."""
        self._cancel_draft_timer()
        if not self.keeps_drafts:
            return False
        self._draft_at = time.monotonic()
        answers = self.answers()
        try:
            if answers == self._baseline:  # nothing typed, or typed back as it was
                self._drop_draft()
                return False
            if self.editing is not None:
                answers[DRAFT_VERSION] = self.editing[1]
            self._draft_slot = self.wb.save_draft(
                self.place, self.kind, self._draft_record(), self.role, answers,
                slot=self._draft_slot)
        except Exception:  # noqa: BLE001 - never a traceback while someone types
            log.warning("could not keep a draft of the %s form", self.kind, exc_info=True)
            return False
        return self._draft_slot is not None

    def restore_draft(self, draft: Draft | None = None) -> bool:
        """Put a draft offered back into the form (its Restore button; the most recent
        when none is named). What was typed before is kept as a draft first, and offered
        with the others."""
        draft = draft if draft is not None else next(iter(self.offered), None)
        if draft is None or draft not in self.offered:
            return False
        self._draft_flush()
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
        self._draft_slot = draft.slot  # the form's own now: typing goes on in it
        self.dirty = True
        self._saved_clean = False
        self._look_for_drafts()
        note = (f"Your draft from {when_kept(draft.saved_at)} is back in the form. Nothing is "
                "saved until you press Submit.")
        version = draft.answers.get(DRAFT_VERSION)
        if self.editing is not None and version not in (None, self.editing[1]):
            note += (f" It was written over version {version}; this {noun(self.kind)} is "
                     f"now at version {self.editing[1]}, so check every answer before "
                     "saving.")
        if len(self.offered) > SHOWN_DRAFTS:
            note += (f" Your {len(self.offered)} other drafts are still kept, offered above "
                     "until you discard them.")
        elif self.offered:
            others = ", ".join(when_kept(d.saved_at) for d in self.offered)
            one = len(self.offered) == 1
            note += (f" Your other draft{'' if one else 's'} (from {others}) "
                     f"{'is' if one else 'are'} still kept, offered above until you "
                     f"discard {'it' if one else 'them'}.")
        self.set_status(note, ok=True)
        return True

    def discard_draft(self, draft: Draft | None = None) -> None:
        """Forget a draft offered back, for good (its Discard button; the most recent when
        none is named). What the form holds, and the other drafts, are kept."""
        draft = draft if draft is not None else next(iter(self.offered), None)
        if draft is None or draft not in self.offered:
            return
        self._discard([draft])

    def discard_older_drafts(self) -> None:
        """Forget, for good, every draft offered beyond the ``SHOWN_DRAFTS`` most recent
        (the button under them, there once they are shown). The recent ones are kept."""
        self._discard(self.offered[SHOWN_DRAFTS:])

    def show_older_drafts(self, shown: bool = True) -> None:
        """Show the older drafts in full, each with Restore and Discard (or fold them)."""
        self.older_shown = shown
        self._show_offer()

    def _discard(self, gone: list[Draft]) -> None:
        slots = {d.slot for d in gone}
        if not slots:
            return
        self.offered = [d for d in self.offered if d.slot not in slots]
        try:
            self.wb.drop_draft(self.place, self.kind, self._draft_record(), self.role,
                               sorted(slots))
        except Exception:  # noqa: BLE001 - a draft left behind is offered again, not lost
            log.warning("could not drop a draft of the %s form", self.kind, exc_info=True)
        self._show_offer()

    def _follow_role(self, old: str | None) -> None:
        """The part of the system was chosen again while the form is open. A draft is kept
        for the part of whoever typed it, so the form's own draft (what it holds) moves
        with the choice: dropped under the old part and kept under the new one at once
        (nothing typed is lost, and no copy is left to be offered to someone else). The
        old part's other drafts stay its own; the new part's are offered instead."""
        if not self.keeps_drafts or old == self.role:
            return
        mine, self._draft_slot = self._draft_slot, None
        if mine is not None:
            try:
                self.wb.drop_draft(self.place, self.kind, self._draft_record(), old, mine)
            except Exception:  # noqa: BLE001 - a copy left behind is offered, not lost
                log.warning("could not move a draft of the %s form", self.kind, exc_info=True)
        if not self.dirty:
            self._offer_draft()
            return
        self.save_draft()
        self._look_for_drafts()

    def _draft_record(self) -> int | None:
        return self.editing[0] if self.editing is not None else None

    def _draft_due(self) -> None:
        """Something was typed: keep a draft of it soon (at most once per DRAFT_DELAY)."""
        if not (self._built and self.keeps_drafts):
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
        """Forget the form's own draft, of what it holds (submitted, or started again on);
        the drafts offered back are kept."""
        self._cancel_draft_timer()
        slot, self._draft_slot = self._draft_slot, None
        if slot is None:
            return
        try:
            self.wb.drop_draft(self.place, self.kind, self._draft_record(), self.role, slot)
        except Exception:  # noqa: BLE001 - a draft left behind is offered back, not lost
            log.warning("could not drop a draft of the %s form", self.kind, exc_info=True)

    def _offer_draft(self) -> None:
        """Offer back the drafts kept for what the form now holds (a new record, or the
        record loaded): the form has none of its own yet."""
        self._baseline = self.answers()
        self._draft_slot = None
        self._look_for_drafts(adopt=True)

    def _look_for_drafts(self, *, adopt: bool = False) -> None:
        """Offer every draft kept for the form but its own, unless it holds nothing more
        than the form as opened. ``adopt``: such a draft becomes the form's own (typing
        replaces it, and it goes when the form is submitted), so it is not left behind."""
        found: list[Draft] = []
        if self.keeps_drafts:
            try:
                drafts = self.wb.drafts(self.place, self.kind, self._draft_record(), self.role)
            except Exception:  # noqa: BLE001 - the form works without its drafts
                log.warning("could not read a draft of the %s form", self.kind, exc_info=True)
                drafts = []
            for draft in drafts:
                if draft.slot == self._draft_slot:
                    continue
                kept = {k: v for k, v in draft.answers.items() if k in self.controls}
                if any(self._baseline.get(k) != v for k, v in kept.items()):
                    found.append(draft)
                elif adopt and self._draft_slot is None:
                    self._draft_slot = draft.slot
        self.offered = found
        self._show_offer()

    def _preview(self, draft: Draft) -> str:
        """The start of a draft's words (its first answer typed as text, in the form's
        order, else the answer that names a record), so that two drafts can be told apart.
        Not escaped."""
        typed = [n for n, row in self.fields.items() if row.meta.field_kind.free_text]
        for name in (*typed, self.model.summary_field):
            value = draft.answers.get(name) if name in self.controls else None
            if isinstance(value, str) and value.strip():
                return shorten(" ".join(value.split()), PREVIEW_CHARS)
        return ""

    def _offer_row(self) -> tuple[W.Box, W.HTML, W.Button, W.Button]:
        """One draft's line in the offer: its time and words, Restore and Discard."""
        at = len(self._offer_rows)
        label = styled(W.HTML)
        restore = styled(W.Button, description="Restore the draft", button_style="info",
                         icon="undo", tooltip="Put what was typed back into the form")
        discard = styled(W.Button, description="Discard it",
                         tooltip="Forget the draft for good")
        restore.on_click(lambda _b: self._on_offer(at, self.restore_draft))
        discard.on_click(lambda _b: self._on_offer(at, self.discard_draft))
        box = styled(W.VBox, children=[label, styled(W.HBox, children=[restore, discard])])
        return box, label, restore, discard

    def _on_offer(self, at: int, act: Callable[[Draft], object]) -> None:
        """A button of the ``at``-th draft offered was pressed: restore or discard it."""
        if at < len(self.offered):
            act(self.offered[at])

    def _older_line(self) -> tuple[W.Box, W.HTML, W.Button, W.Button]:
        """The line under the recent drafts saying how many older ones there are, with
        Show/Hide and (once they are shown) a button discarding them all."""
        words = styled(W.HTML)
        toggle = styled(W.Button, description="Show the older drafts", icon="chevron-down")
        toggle.on_click(lambda _b: self.show_older_drafts(not self.older_shown))
        discard = styled(W.Button, description="Discard the older drafts")
        discard.on_click(lambda _b: self.discard_older_drafts())
        box = styled(W.VBox, children=[words, styled(W.HBox, children=[toggle, discard])])
        return box, words, toggle, discard

    def _show_offer(self) -> None:
        offered = self.offered
        older = len(offered) - SHOWN_DRAFTS
        if older <= 0:
            self.older_shown = False  # folded again when older drafts come back
        if not offered:
            if self.offer_box is not None:
                show_if(self.offer_box, False)
                self.offer_text.value = ""  # its words leave the page too
                for _box, label, _restore, _discard in self._offer_rows:
                    label.value = ""
            return
        if self.offer_box is None:
            self.offer_text = styled(W.HTML)
            self.offer_box = styled(W.VBox, children=[self.offer_text])
            children = list(self.widget.children)
            children.insert(children.index(self.heading) + 1, self.offer_box)
            self.widget.children = tuple(children)
        if older > 0 and self._older is None:
            self._older = self._older_line()
        # Rows are made as they are first shown: older drafts only once asked for.
        shown = len(offered) if older <= 0 or self.older_shown else SHOWN_DRAFTS
        while len(self._offer_rows) < shown:
            self._offer_rows.append(self._offer_row())
        rows = [r[0] for r in self._offer_rows]
        line = () if self._older is None else (self._older[0],)
        laid_out = (self.offer_text, *rows[:SHOWN_DRAFTS], *line, *rows[SHOWN_DRAFTS:])
        if self.offer_box.children != laid_out:
            self.offer_box.children = laid_out
        what = (f"a new {noun(self.kind)}" if self.editing is None
                else f"changes to this {noun(self.kind)}")
        if len(offered) == 1:
            text = (f"You have a draft from {when_kept(offered[0].saved_at)}: {what} that "
                    "was not submitted.")
            rest = "Restore it to carry on where you left off, or discard it."
        else:
            many = _COUNTS.get(len(offered), str(len(offered)))
            text = f"You have {many} unsent drafts of {what}, the most recent first."
            rest = ("Restore one to carry on where you left off; "
                    + ("the other stays kept until you discard it." if len(offered) == 2
                       else "the others stay kept until you discard them."))
        self.offer_text.value = ui_macro("draft_offer", text, rest)
        self._show_older(older)
        for at, (box, label, restore, discard) in enumerate(self._offer_rows):
            show_if(box, at < shown)
            if at >= shown:
                label.value = ""  # a draft no longer shown leaves the page
                continue
            when = when_kept(offered[at].saved_at)
            restore.tooltip = f"Put the draft from {when} back into the form"
            discard.tooltip = f"Forget the draft from {when} for good"
            words = self._preview(offered[at])
            label.value = "" if len(offered) == 1 else ui_macro("draft_line", when, words)
            show_if(label, len(offered) > 1)
        show_if(self.offer_box, True)

    def _show_older(self, older: int) -> None:
        """The line of ``older`` drafts beyond the recent ones (hidden when there are none)."""
        if self._older is None:
            return
        box, words, toggle, discard = self._older
        show_if(box, older > 0)
        if older <= 0:
            words.value = ""
            return
        one = older == 1
        name = "older draft" if one else f"{older} older drafts"
        words.value = ui_macro("draft_older", f"You also have {'1' if one else older} "
                               f"older draft{'' if one else 's'}.",
                               f"Nothing is lost: {'it is' if one else 'they are'} kept "
                               f"until you discard {'it' if one else 'them'}.")
        if self.older_shown:
            toggle.description, toggle.icon = f"Hide the {name}", "chevron-up"
        else:
            toggle.description, toggle.icon = f"Show the {name}", "chevron-down"
        toggle.tooltip = ("Fold the older drafts away" if self.older_shown
                          else "Show each older draft, with its own Restore and Discard")
        discard.description = f"Discard the {name}"
        discard.tooltip = f"Forget the {name} for good (the {SHOWN_DRAFTS} above are kept)"
        show_if(discard, self.older_shown)  # only once the person has seen what goes


def flush_drafts() -> None:
    """Keep what is typed in every live form as its draft (the kernel is shutting down)."""
    for item in live_items():
        if isinstance(item, Drafts):
            with suppress(Exception):  # shutting down: nobody to tell
                item._draft_flush()


atexit.register(flush_drafts)


def look_for_drafts_again() -> None:
    """Look again for the drafts of every live form: one kept since the form was built is
    offered back, one submitted or discarded since is no longer offered (the app's warm
    kernels build their forms before anyone arrives). A form nobody has typed in looks
    afresh; one typed in keeps its own draft and looks again for the others."""
    for item in live_items():
        if not isinstance(item, Drafts):
            continue
        try:
            if item.dirty:
                item._look_for_drafts()
            else:
                item._offer_draft()
        except Exception:  # noqa: BLE001 - the form works without its draft
            log.warning("could not look again for a draft of %r", item, exc_info=True)

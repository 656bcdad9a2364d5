"""The live speaking tally on the page: "Who is speaking now", in JupyterLab and the app.

A facilitator chooses the meeting (or adds today's), adds the people present (a made-up
name and their part of the system, never a real name) and taps a person's button when
they start speaking. Tapping someone else ends the turn under way; tapping the person
speaking, or **Pause**, ends it. The turn under way and the balance by part of the system
are shown as it goes (as text and a simple bar) and redrawn every second while someone
speaks. One **Submit** saves one contribution per person who spoke, in one transaction
(:meth:`hls_workbook.store.workbook.Workbook.add_many`). If it cannot be saved, the tally stays as
it was and a plain sentence says what to put right.

The timing itself is :class:`hls_workbook.domain.tally.SpeakingTally`, with no widget; this
module only draws it. Every button is a real button named by its words: the person
speaking is named "…: speaking" and announced in a status line for screen readers. The
buttons for people are all made with the section and filled as people are added (a widget
made after the page has loaded could be missed by the app's browser page).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import ipywidgets as W

from hls_workbook.domain.errors import RecordError, WorkbookError
from hls_workbook.domain.model import Contribution, Meeting, Part
from hls_workbook.domain.tally import MAX_PEOPLE, NAME_CHARS, SpeakingTally, TallyError, clock_text
from hls_workbook.templating import PlainTable
from hls_workbook.ui import forms

if TYPE_CHECKING:
    from hls_workbook.store.workbook import Workbook

__all__ = ["HEADING", "TallyView"]

log = logging.getLogger(__name__)

#: The heading of the tally, under the section's summary.
HEADING = "Tally a meeting as it happens"
#: How often the times on the page are redrawn while someone speaks (seconds).
TICK_SECONDS = 1.0

_KEPT = "Nothing was saved; the tally is kept."


def _label(question: str, help_text: str = "") -> str:
    return forms.ui_macro("question", question, help_text)


def _slot_layout(shown: bool) -> W.Layout:
    """A person's button: as wide as its words, big enough to tap (or hidden)."""
    if not shown:
        return forms.shared_layout(display="none")
    return forms.shared_layout(width="auto", min_width="9em", height="2.6em",
                               margin="2px 6px 4px 0")


class TallyView:
    """The live tally for one place: see the module's docstring.

    ``clock`` times the turns (seconds; a fake one in tests). ``summary``: a live view
    whose ``widget`` is shown above the tally and which is closed with it (the section's
    summary). ``role`` (a part of the system, never a name) is saved as ``recorded_by``.
    """

    def __init__(self, wb: Workbook, *, place: str, role: str | None = None,
                 clock: Callable[[], float] = time.monotonic, summary: Any = None) -> None:
        self.wb = wb
        self.place = place
        self.role, _warning = forms.normalise_role(role)
        self.tally = SpeakingTally(clock)
        self.summary = summary
        self.status_text = ""  # the last message under Submit, as plain text
        self.saved_ids: list[int] = []
        self._busy = False
        self._saved_clean = False  # just saved, nobody tapped since
        self._closed = False
        self._timer: Any = None

        # The meeting: chosen from the place's meetings, or added now.
        meta = Contribution.field_meta("meeting").model_copy(update={
            "help": "Which meeting are these turns from? Not in the list yet? Add it just "
                    "below."})
        self.meeting = forms.LinkControl(meta, lambda: None, False, lambda _c: None)
        self.meeting_row = forms.FieldRow(meta, self.meeting)
        kinds = Meeting.field_meta("kind_of_meeting").choices or {}
        self.new_date = forms.styled(W.DatePicker, value=dt.date.today(),
                                     **forms.named_for("Date of the meeting to add"))
        self.new_kind = forms.styled(
            W.Dropdown, options=[(forms.BLANK_LABEL, ""), *((lab, v) for v, lab in kinds.items())],
            layout=forms.shared_layout(width="auto"), **forms.named_for("Kind of meeting to add"))
        self.add_meeting_button = forms.styled(
            W.Button, description="Add this meeting", layout=_slot_layout(True),
            tooltip="Save this meeting in the meeting log and tally it")
        self.meeting_message = forms.styled(W.HTML, layout=forms.shown_layout(False))

        # The people present: a button each, made now and filled as people are added.
        self.slots = [forms.styled(W.Button, description="", layout=_slot_layout(False))
                      for _ in range(MAX_PEOPLE)]
        for n, button in enumerate(self.slots):
            button.on_click(lambda _b, n=n: self._safely(self.tap, n))
        self.pause_button = forms.styled(
            W.Button, description="Pause: nobody speaking", layout=_slot_layout(True),
            disabled=True, tooltip="End the turn under way; nobody is speaking")
        self.nobody_note = forms.styled(W.HTML, value=forms.ui_macro(
            "help", "Nobody in the tally yet: add the people present just below."))
        self.name = forms.styled(W.Text, placeholder="for example A, or Ash",
                                 layout=forms.shared_layout(width="14em"),
                                 **forms.named_for("Made-up name or initials"))
        self.part = forms.styled(
            W.Dropdown,
            options=[(forms.BLANK_LABEL, ""), *((lab, v) for v, lab in Part.labels().items())],
            layout=forms.shared_layout(width="auto"), **forms.named_for("Their part of the system"))
        self.add_button = forms.styled(W.Button, description="Add to the tally",
                                       layout=_slot_layout(True),
                                       tooltip="Add this person's button to the tally")
        self.add_message = forms.styled(W.HTML, layout=forms.shown_layout(False))

        # What is happening now, and the balance so far.
        self.status = forms.styled(W.HTML)  # a status line: who is speaking, said once
        self.now = forms.styled(W.HTML)
        self.balance = forms.styled(W.HTML)
        self.submit_button = forms.styled(
            W.Button, description="Submit", button_style="primary", layout=_slot_layout(True),
            tooltip="Save how long each person spoke, for the meeting chosen above")
        self.result = forms.styled(W.HTML, layout=forms.shown_layout(False))

        gap = forms.shared_layout(margin="0.9em 2px 2px 2px")
        row = forms.shared_layout(flex_flow="row wrap", align_items="center")
        self.buttons = forms.styled(W.HBox, children=[*self.slots, self.pause_button],
                                    layout=row, _dom_classes=("hls-tally-people",))
        parts: list[W.Widget] = [] if summary is None else [summary.widget]
        parts += [
            forms.styled(W.HTML, value=(
                forms.ui_macro("heading", HEADING, "0.6em 0 0.2em 0", named=True)
                + forms.ui_macro(
                    "help", "Tap a person when they start speaking. Tapping someone else ends "
                    "the turn under way; tap the person speaking again, or Pause, when they "
                    "stop. Nothing is saved until you press Submit at the end."))),
            *self.meeting_row.widgets,
            forms.styled(W.HTML, value=_label(
                "Or add the meeting now", "Its date and what it was mostly for. Who came can "
                "be added in the meeting log later."), layout=gap),
            forms.styled(W.HBox, children=[self.new_date, self.new_kind, self.add_meeting_button],
                         layout=row),
            self.meeting_message,
            forms.styled(W.HTML, value=_label("Who is here", "A button for each person present."),
                         layout=gap),
            self.nobody_note,
            self.buttons,
            forms.styled(W.HTML, value=_label(
                "Add someone present", f"A made-up name or initials (never a real name, up to "
                f"{NAME_CHARS} characters) and their part of the system."), layout=gap),
            forms.styled(W.HBox, children=[self.name, self.part, self.add_button], layout=row),
            self.add_message,
            self.status, self.now, self.balance,
            forms.styled(W.HBox, children=[self.submit_button],
                         layout=forms.shared_layout(margin="0.9em 0 0 0")),
            self.result,
        ]
        self.widget = forms.styled(W.VBox, children=parts, _dom_classes=("hls-tally",),
                                   layout=forms.shared_layout(max_width="52em"))
        self.meeting_row.box = self.widget  # its message goes just under it
        self.add_meeting_button.on_click(lambda _b: self._safely(self.add_meeting))
        self.pause_button.on_click(lambda _b: self._safely(self.pause))
        self.add_button.on_click(lambda _b: self._safely(self.add_person))
        self.submit_button.on_click(lambda _b: self._safely(self.submit))
        self._refresh_meetings()
        self.render()
        forms.add_live(self)  # forms call store_changed(kind) after every save

    def _safely(self, action: Callable[..., Any], *args: Any) -> None:
        """Run what a button does; an unexpected error is a sentence, never a traceback,
        and the tally stays as it is."""
        try:
            action(*args)
        except Exception as exc:
            log.exception("the speaking tally's %s failed", getattr(action, "__name__", ""))
            self._say(f"Something went wrong ({type(exc).__name__}). The tally is kept: try "
                      "again, and if it happens again tell whoever looks after the workbook.",
                      ok=False)

    # -- the meeting --------------------------------------------------------------

    def _refresh_meetings(self, ids: list[int] | None = None) -> None:
        try:
            self.meeting.refresh(self.wb, self.place, ids)
        except WorkbookError as exc:
            self.meeting_row.show_message(forms.plain_error(exc))

    def store_changed(self, kind: str, ids: list[int] | None = None) -> None:
        """Called by the forms after a save on the same workbook and place: a new or
        changed meeting appears in the list."""
        if kind == "meeting":
            self._refresh_meetings(ids)

    def add_meeting(self) -> int | None:
        """Save the meeting described under "Or add the meeting now" and choose it."""
        try:
            record = Meeting.validate_input({
                "held_on": self.new_date.value, "kind_of_meeting": self.new_kind.value or None})
            mid = self.wb.add("meeting", record, place=self.place, by=self.role)
        except WorkbookError as exc:
            self._meeting_says(f"{forms.plain_error(exc)}. The meeting was not added.", ok=False)
            return None
        except Exception as exc:  # never a traceback for a team member
            log.exception("adding a meeting from the tally failed")
            self._meeting_says(f"Something went wrong ({type(exc).__name__}) and the meeting "
                               "was not added. Press the button again.", ok=False)
            return None
        forms.tell_saved(self.wb, self.place, "meeting", [mid])  # our list too
        self.meeting.set(mid)
        day = record.held_on  # type: ignore[attr-defined]
        self._meeting_says(f"Added meeting #{mid} ({day.day} {day:%B %Y}) to the meeting log, "
                           "and chose it for this tally.", ok=True)
        return mid

    def _meeting_says(self, text: str, *, ok: bool) -> None:
        self.meeting_message.value = forms.ui_macro("message", text, ok=ok)
        forms.show_if(self.meeting_message, True)

    # -- people and turns -----------------------------------------------------------

    def add_person(self) -> bool:
        """Add the person typed under "Add someone present"; a problem is said beside it."""
        try:
            person = self.tally.add(self.name.value, self.part.value)
        except TallyError as exc:
            self.add_message.value = forms.ui_macro("message", forms.plain_error(exc),
                                                    role="alert")
            forms.show_if(self.add_message, True)
            return False
        self.name.value = ""
        self.part.value = ""
        self.add_message.value = ""
        forms.show_if(self.add_message, False)
        self._announce(f"Added {person.label}.")
        self.render()
        return True

    def tap(self, n: int) -> None:
        """The n-th person's button was pressed."""
        people = self.tally.people
        if n >= len(people):
            return
        now = self.tally.tap(people[n].name)
        self._saved_clean = False
        self._say("", ok=True)
        self._announce(f"{now.label} is speaking." if now is not None
                       else f"Paused: {people[n].label} stopped. Nobody is speaking.")
        self.render()
        self._arm()

    def pause(self) -> None:
        was = self.tally.pause()
        if was is not None:
            self._announce(f"Paused: {was.label} stopped. Nobody is speaking.")
        self.render()

    # -- drawing ----------------------------------------------------------------------

    def _announce(self, text: str) -> None:
        self.status.value = forms.ui_macro("announce", text)

    def render(self) -> None:
        """Draw the buttons, the turn under way and the balance."""
        people = self.tally.people
        speaking = self.tally.speaking
        for n, button in enumerate(self.slots):
            person = people[n] if n < len(people) else None
            if person is None:
                if button.layout is not _slot_layout(False):
                    button.layout = _slot_layout(False)
                continue
            on = person == speaking
            description = f"{person.label}: speaking" if on else person.label
            tooltip = ("Speaking now: press when they stop" if on
                       else f"Press when {person.name} starts speaking")
            if button.description != description:
                button.description = description
            if button.tooltip != tooltip:
                button.tooltip = tooltip
            style = "success" if on else ""
            if button.button_style != style:
                button.button_style = style
            if button.layout is not _slot_layout(True):
                button.layout = _slot_layout(True)
        forms.show_if(self.nobody_note, not people)
        self.pause_button.disabled = speaking is None
        self.draw_times()

    def draw_times(self) -> None:
        """Draw the turn under way and the balance as they are now."""
        tally = self.tally
        speaking = tally.speaking
        if speaking is not None:
            value = forms.ui_macro("tally_now", speaking.label,
                                   clock_text(tally.turn_seconds()),
                                   clock_text(tally.seconds(speaking.name)), True)
        else:
            value = forms.ui_macro("tally_now", "", "", "", tally.anyone_spoke)
        if value != self.now.value:
            self.now.value = value
        value = self._balance_html()
        if value != self.balance.value:
            self.balance.value = value

    def _balance_html(self) -> str:
        tally = self.tally
        if not tally.people:
            return ""
        parts = PlainTable(
            ["Part of the system", "People here", "Speaking", "Share", ""],
            [[share.label, share.people, clock_text(share.seconds), f"{pct}%",
              forms.trusted(forms.ui_macro("bar", pct))]
             for share in tally.by_part() for pct in [round(100 * share.share)]],
            f"The balance so far: {clock_text(tally.total_seconds())} of speaking")
        people = PlainTable(
            ["Made-up name", "Part of the system", "Times spoken", "Speaking"],
            [[p.name, p.part_label, tally.turns(p.name), clock_text(tally.seconds(p.name))]
             for p in tally.people],
            "Each person")
        return forms.ui_macro("balance", parts, people)

    # -- the clock on the page ----------------------------------------------------------

    def _arm(self) -> None:
        """Redraw the times in a second while someone speaks (in a kernel only)."""
        if self._closed or self._timer is not None or self.tally.speaking is None:
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # no event loop: tests and scripts draw when asked
            return
        self._timer = loop.call_later(TICK_SECONDS, self._tick)

    def _tick(self) -> None:
        self._timer = None
        if self._closed:
            return
        try:
            self.draw_times()
        except Exception:  # a redraw must never stop the meeting's tally
            log.exception("redrawing the tally failed")
        self._arm()

    # -- saving -----------------------------------------------------------------------

    def _say(self, text: str, *, ok: bool) -> None:
        self.status_text = text
        if not text:
            self.result.value = ""
            forms.show_if(self.result, False)
            return
        self.result.value = (forms.ui_macro("message", text, ok=True, strong=True, role="status")
                             if ok else forms.ui_macro("message", text, role="alert"))
        forms.show_if(self.result, True)

    def submit(self) -> list[int] | None:
        """Save one contribution per person who spoke, for the meeting chosen; return
        their ids, or None when nothing was saved (the tally is kept, and the message under
        Submit says what to put right)."""
        if self._busy or (self._saved_clean and not self.tally.anyone_spoke):
            return None  # a second press while saving, or on a tally just saved
        self._busy = True
        self.submit_button.disabled = True
        self.submit_button.description = "Saving…"
        try:
            return self._submit()
        except (TallyError, RecordError) as exc:
            self._say(f"{forms.plain_error(exc).rstrip('.')}. {_KEPT}", ok=False)
        except WorkbookError as exc:
            self._say(f"{forms.plain_error(exc).rstrip('.')}. {_KEPT} Press Submit again once it "
                      "is put right.", ok=False)
        except Exception as exc:  # never lose a meeting's tally to an unexpected error
            log.exception("saving the speaking tally failed")
            self._say(f"Something went wrong ({type(exc).__name__}). {_KEPT} Press Submit "
                      "again; if it happens again, tell whoever looks after the workbook.",
                      ok=False)
        finally:
            self._busy = False
            self.submit_button.disabled = False
            self.submit_button.description = "Submit"
            self.render()
        return None

    def _submit(self) -> list[int]:
        was = self.tally.pause()  # Submit ends the turn under way
        if was is not None:
            self._announce(f"Paused: {was.label} stopped. Nobody is speaking.")
        if not self.tally.anyone_spoke:
            raise TallyError("Nobody has been tapped yet, so there is nothing to save. Tap a "
                             "person's button when they start speaking")
        meeting = self.meeting.input.value
        if meeting in ("", None):
            raise TallyError("Choose the meeting these turns are from under 'Meeting' (or "
                             "add it there), then press Submit again")
        records = self.tally.contributions(int(meeting))
        ids = self.wb.add_many([("contribution", r) for r in records], place=self.place,
                               by=self.role)
        self.saved_ids = list(ids)
        names = ", ".join(r.speaker for r in records)  # type: ignore[attr-defined]
        noun = "speaker note" if len(ids) == 1 else "speaker notes"
        self.tally.clear_times()
        self.meeting.set(None)  # the next tally is for another meeting
        self._saved_clean = True
        self._say(f"Saved {len(ids)} {noun} for meeting #{int(meeting)} ({names}). The "
                  "times start again from zero. Thank you.", ok=True)
        forms.tell_saved(self.wb, self.place, "contribution", list(ids))
        return list(ids)

    # -- display ------------------------------------------------------------------------

    def close(self) -> None:
        self._closed = True
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        forms.discard_live(self)
        if self.summary is not None:
            self.summary.close()
        for child in self.widget.children:
            if self.summary is None or child is not self.summary.widget:
                forms.close_tree(child)
        self.widget.close()

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return forms.mime_bundle(self.widget, repr(self))

    def __repr__(self) -> str:
        return f"<TallyView for {self.place}>"

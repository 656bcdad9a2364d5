"""A section shown live: its summary (drawn when the kernel is idle) above its form.

:class:`SectionView` is the usual section; the check-ins section adds the anonymous wish
to talk, and the tally section is the speaking tally with its summary.
"""

from __future__ import annotations

import contextlib
import logging
from typing import Any

from hls_workbook import config
from hls_workbook.domain.errors import WorkbookError
from hls_workbook.store.workbook import Workbook
from hls_workbook.ui import forms
from hls_workbook.ui.stages.markup import (
    SectionSpec,
    Tables,
    error_html,
    load_analysis,
    note_html,
    wide_layout,
    wrap_html,
)

log = logging.getLogger(__name__)


def is_headless(interactive: bool | None) -> bool:
    """Headless when asked, or when $HLS_WORKBOOK_HEADLESS says so (config.headless)."""
    return config.headless(interactive)


def summarise_section(spec: SectionSpec, wb: Workbook, place: str) -> tuple[str, frozenset[str]]:
    """The summary's HTML, and the record kinds it read (to know when to redraw it)."""
    tables = Tables(wb, place)
    try:
        load_analysis()
        body = spec.summarise(tables)
    except WorkbookError as exc:
        return error_html(plain_error(exc)), tables.read
    except Exception as exc:  # a summary must never show a traceback to a team member
        log.exception("the summary of %s failed", spec.key)
        return error_html(
            f"Something went wrong while summing up {spec.title.lower()} "
            f"({type(exc).__name__}). What is recorded is safe; tell whoever looks after the "
            "workbook."
        ), tables.read
    return forms.ui_macro("summary", spec.heading, forms.trusted(body)), tables.read


def plain_error(exc: BaseException) -> str:
    text = exc.message() if hasattr(exc, "message") else str(exc)
    return str(text).strip() or type(exc).__name__


#: How long the kernel must have been idle (no cell running) before summaries are drawn.
IDLE_SECONDS = 0.15


def placeholder() -> str:
    """What a summary shows until it is worked out."""
    return forms.ui_macro("summary", "So far", forms.trusted(
        note_html("Working out what is recorded so far…")))


class _WhenIdle:
    """Summaries to draw once the notebook's cells have run, one at a time.

    In a kernel, a live section shows its form at once and its summary a moment later:
    the summaries (pandas and the analysis) wait until no cell has run for
    :data:`IDLE_SECONDS`, so a notebook run from top to bottom has every form ready
    first. A cell that starts meanwhile goes first; a click on a form is handled between
    two summaries. Outside a kernel (tests, scripts) a summary is drawn straight away.
    """

    def __init__(self) -> None:
        self.waiting: dict[int, SectionView] = {}
        self.timer: Any = None
        self.hooked = False

    def add(self, view: SectionView) -> None:
        import asyncio

        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # no event loop: not in a kernel
            view.refresh()
            return
        self.waiting[id(view)] = view
        self._hook()
        self._arm(loop, IDLE_SECONDS)

    def discard(self, view: SectionView) -> None:
        self.waiting.pop(id(view), None)

    def _hook(self) -> None:
        if self.hooked:
            return
        self.hooked = True
        try:
            from IPython import get_ipython

            shell = get_ipython()
        except ImportError:  # pragma: no cover - IPython comes with ipywidgets
            shell = None
        if shell is not None:
            shell.events.register("pre_run_cell", self._cell_starts)
            shell.events.register("post_run_cell", self._cell_ended)

    def _arm(self, loop: Any, delay: float) -> None:
        if self.timer is not None:
            self.timer.cancel()
        self.timer = loop.call_later(delay, self._draw_one) if self.waiting else None

    def _cell_starts(self, *_args: Any) -> None:
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None

    def _cell_ended(self, *_args: Any) -> None:
        import asyncio

        if self.waiting:
            with contextlib.suppress(RuntimeError):
                self._arm(asyncio.get_running_loop(), IDLE_SECONDS)

    def _draw_one(self) -> None:
        import asyncio

        self.timer = None
        if not self.waiting:
            return
        view = self.waiting.pop(next(iter(self.waiting)))
        try:
            view.refresh()
        finally:
            if self.waiting:
                self._arm(asyncio.get_running_loop(), 0)

    def flush(self) -> None:
        """Draw every waiting summary now."""
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None
        while self.waiting:
            self.waiting.pop(next(iter(self.waiting))).refresh()


WHEN_IDLE = _WhenIdle()


def draw_summaries() -> None:
    """Draw now every live section's summary still waiting for the kernel to be idle."""
    WHEN_IDLE.flush()


class SectionView:
    """A live section: the summary above the form.

    In a kernel the form is shown at once and the summary once the notebook's cells have
    run (see :class:`_WhenIdle`); outside one, both straight away. The summary is worked
    out again whenever a form in this notebook saves a record of a kind it reads (the
    forms tell every live view on the same workbook and place), and when Refresh is
    pressed in a section without a form.
    """

    def __init__(self, spec: SectionSpec, wb: Workbook, *, place: str,
                 role: str | None) -> None:
        import ipywidgets as W

        self.spec = spec
        self.wb = wb
        self.place = place
        self._reads: frozenset[str] = frozenset()
        self.summary = forms.styled(W.HTML, value=placeholder())
        WHEN_IDLE.add(self)
        parts: list[Any] = [self.summary]
        self.form: forms.RecordForm | None = None
        self.refresh_button: W.Button | None = None
        if spec.how:
            parts.append(forms.styled(W.HTML, value=wrap_html(note_html(spec.how))))
        if spec.kind is not None:  # one box: the summary above the form
            self.form = forms.show(spec.kind, wb, place=place, role=role, interactive=True,
                                   above=parts)
            self.widget = self.form.widget
        else:
            if spec.view is None:  # a view of its own (the tally) says when it saved
                self.refresh_button = forms.styled(
                    W.Button, description="Refresh", icon="refresh",
                    tooltip="Work this out again from what is recorded now",
                )
                self.refresh_button.on_click(lambda _b: self.refresh())
                parts.append(self.refresh_button)
            self.widget = forms.styled(W.VBox, children=parts)
        forms.add_live(self)  # forms call store_changed(kind) after every save

    def refresh(self) -> None:
        """Work the summary out again from the database."""
        WHEN_IDLE.discard(self)
        self.summary.value, self._reads = summarise_section(self.spec, self.wb, self.place)

    def store_changed(self, kind: str, ids: list[int] | None = None) -> None:
        """Called by the forms after a save of `kind` on the same workbook and place: the
        summary is worked out again (in a kernel, just after the save has been confirmed)."""
        if not self._reads or kind in self._reads:
            WHEN_IDLE.add(self)

    def close(self) -> None:
        WHEN_IDLE.discard(self)
        forms.discard_live(self)
        if self.form is not None:
            self.form.close()
        for widget in (self.summary, self.refresh_button, *self.widget.children, self.widget):
            if widget is not None:
                widget.close()

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return forms.mime_bundle(self.widget, repr(self))

    def __repr__(self) -> str:
        return f"<SectionView {self.spec.key} for {self.place}>"


TALK_LABEL = "I would like someone to talk to"
_TALK_SENT = (" Your wish to talk is passed on without your name, your part of the system "
              "or your check-in: the team will see that someone would like someone to talk "
              "to, and who can offer time.")


def checkin_view(spec: SectionSpec, wb: Workbook, *, place: str,
                 role: str | None) -> SectionView:
    """The check-ins section, with "I would like someone to talk to" in its form.

    The wish is not part of the check-in (the check-in saved is the same with or without
    it): it is kept apart, with its day only (:meth:`Workbook.wish_to_talk`), and becomes
    an open support request with no role on a later day, when the team next looks
    (:meth:`Workbook.raise_talk_wishes`). "Ask without a check-in" keeps a wish alone.
    """
    import ipywidgets as W

    view = SectionView(spec, wb, place=place, role=role)
    form = view.form
    assert form is not None
    view.talk = forms.styled(W.Checkbox, value=False,
                             description=forms.ui_macro("bold", TALK_LABEL),
                             description_allow_html=True, indent=False)
    view.talk_only = forms.styled(W.Button, description="Ask without a check-in",
                                  layout=wide_layout(),
                                  tooltip="Pass on a wish to talk, without saving a check-in")
    view.talk_message = forms.styled(W.HTML, layout=forms.shown_layout(False))
    box = forms.styled(W.VBox, children=[
        view.talk,
        forms.styled(W.HTML, value=forms.ui_macro(
            "help", "Nobody will know it was you: the team sees only that someone asked.")),
        view.talk_only, view.talk_message,
    ], layout=forms.shared_layout(margin="0.9em 0 0 0"))
    children = list(form.widget.children)
    buttons = next(i for i, w in enumerate(children)
                   if isinstance(w, W.HBox) and form.submit_button in w.children)
    form.widget.children = (*children[:buttons], box, *children[buttons:])

    def wish() -> str:
        try:
            wb.wish_to_talk(place)
        except WorkbookError as exc:
            return f" Your wish to talk was not passed on ({plain_error(exc)}): please try again."
        forms.tell_saved(wb, place, "support", [])
        return _TALK_SENT

    def saved(_rid: int) -> None:
        if view.talk.value:
            view.talk.value = False
            form.set_status(form.status_text + wish(), ok=True)

    def ask_only(_button: Any = None) -> None:
        text = wish().strip()
        view.talk_message.value = forms.ui_macro("message", text, ok=True, strong=True)
        forms.show_if(view.talk_message, True)

    form.on_saved(saved)
    view.talk_only.on_click(ask_only)
    view.ask_to_talk = ask_only
    return view


def speaking_tally_view(spec: SectionSpec, wb: Workbook, *, place: str, role: str | None) -> Any:
    """The live speaking tally (:class:`hls_workbook.ui.tally_view.TallyView`) under the
    section's summary."""
    from hls_workbook.ui.tally_view import TallyView

    return TallyView(wb, place=place, role=role,
                     summary=SectionView(spec, wb, place=place, role=role))

"""Opening a stage: the workbook, the place and the role, once per notebook.

:func:`open_stage` returns the :class:`Stage` whose sections a notebook shows; a
:class:`SectionSlot` is a stage's section, built when first shown. In the app (one page
per section) only the first :data:`EAGER_SECTIONS` are built before a participant
arrives; the others when the page asks for them (:meth:`SectionSlot.open`), so a new page
carries a few dozen widgets instead of hundreds and is usable sooner.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from hls_workbook import config
from hls_workbook.domain.errors import WorkbookError
from hls_workbook.store.workbook import Workbook, check_place, open_workbook, shown_location
from hls_workbook.ui import chooser, forms
from hls_workbook.ui.stages.markup import (
    ERROR_CSS,
    PART_LABELS,
    STAGES,
    Block,
    error_html,
    note_html,
    para,
    stage_role,
    wrap_html,
)
from hls_workbook.ui.stages.section import saves_kind, section
from hls_workbook.ui.stages.specs import spec_for
from hls_workbook.ui.stages.views import SectionView, is_headless, plain_error

log = logging.getLogger(__name__)

#: In the app, how many sections are built with the stage (the page after "Start here"
#: holds the first); the rest wait for their page to be opened.
EAGER_SECTIONS = 1
#: The class of the button standing in for a section not built yet: the app's page
#: presses it when the section's page is opened (and then, one by one, the others).
OPENER_CLASS = "hls-open"
#: What the app's progress ("You saved in 1 of 6 sections") counts, said on its start page.
WALK_PROGRESS = ("The bar at the top counts the sections where you have saved something "
                 "since you opened this page (a tick beside each). What others saved, or "
                 "you saved on another visit, is kept but not counted there.")


def workbook_location(wb: Workbook) -> str:
    """Where the workbook is, without any password a database URL may hold."""
    if wb.path is not None:
        return str(wb.path)
    return shown_location(wb.url)


@dataclass
class Stage:
    """An open workbook and place for one stage notebook. Display it to see where we are."""

    place: str
    role: str | None
    interactive: bool
    wb: Workbook | None = None
    error: str | None = None
    role_warning: str | None = None
    place_name: str | None = None
    #: Shown as the app's guided walk (one page per section): sections are built when
    #: their page is opened, and the start page says what the progress counts.
    walk: bool = False

    @property
    def is_new(self) -> bool:
        """True when the place has not been described yet (no name or shared focus)."""
        return self.error is None and self.place_name is None

    chooser: Any = None
    slots: list[SectionSlot] = field(default_factory=list)
    _head: Any = None

    def section(self, key_or_kind: str) -> SectionSlot | SectionView | Block:
        """One section of the notebook (see :func:`section`). Live, with a chooser, it is
        a :class:`SectionSlot`: it follows the place and part of the system chosen."""
        if self.error is not None or self.wb is None:
            return Block(error_html(self.error or "The workbook is not open."),
                         label="A problem")
        if self.chooser is not None:
            lazy = self.walk and len(self.slots) >= EAGER_SECTIONS
            slot = SectionSlot(self, key_or_kind, lazy=lazy)
            self.slots.append(slot)
            return slot
        return section(key_or_kind, self.wb, place=self.place, role=self.role,
                       interactive=self.interactive)

    def choose(self, place: str, role: str | None) -> None:
        """Follow the chooser: a new part of the system credits every later save to it; a
        new place redraws every section for that place."""
        self.role, self.role_warning = role, None
        if place != self.place and self.wb is not None:
            self.place = place
            try:
                info = self.wb.place_info(place)
            except WorkbookError as exc:
                info, self.role_warning = None, plain_error(exc)
            self.place_name = None if info is None else str(info.get("name") or place)
            for slot in self.slots:
                slot.set_place(place)
        for slot in self.slots:
            slot.set_role(role)
        if self._head is not None:
            self._head.value = self.html()

    def close(self) -> None:
        for slot in self.slots:
            slot.close()
        self.slots.clear()
        if self.chooser is not None:
            self.chooser.close()
        if self.wb is not None:
            self.wb.close()

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        if self.chooser is None:
            return {"text/html": self.html(), "text/plain": repr(self)}
        if self._head is None:
            import ipywidgets as W

            self._head = forms.styled(W.HTML, value=self.html())
            self._box = forms.styled(W.VBox, children=[self.chooser.widget, self._head],
                                     _dom_classes=("hls-start",))
        return forms.mime_bundle(self._box, repr(self))

    def html(self) -> str:
        if self.error is not None:
            return error_html(self.error)
        where = workbook_location(self.wb) if self.wb is not None else ""
        # A new place: where to describe it first (the first section of the first stage).
        head = forms.ui_macro("stage_head", self.place, self.place_name,
                              spec_for("place").title, STAGES["1_getting_started"])
        mode = ("Fill in a form and press Submit: nothing is saved until you do."
                if self.interactive else
                "This copy was run without forms: it shows the questions and what is recorded.")
        if self.chooser is not None:  # the chooser says who saves come from; no paths
            parts = [head, note_html(mode)]
            if self.walk:
                parts.append(note_html(WALK_PROGRESS))
        else:
            who = (f"Saves will say they came from: {PART_LABELS[self.role]}. Never a "
                   "name." if self.role else
                   "Saves will not say which part of the system they came from.")
            parts = [head, note_html(who), note_html(mode), note_html(f"Workbook: {where}")]
        if self.role_warning:
            parts.append(para(self.role_warning, ERROR_CSS))
        return wrap_html("".join(parts))

    def _repr_html_(self) -> str:
        return self.html()

    def __repr__(self) -> str:
        return f"<Stage {self.place}>"


def open_stage(
    db: str | None = None,
    place: str = "",
    role: str | None = None,
    *,
    interactive: bool | None = True,
    create: bool = False,
) -> Stage:
    """Open the workbook and get the place ready for a stage notebook.

    ``db`` empty means ``$HLS_WORKBOOK_DB``, else ``data/workbook.db``. A database that
    does not exist is refused, in one sentence, unless ``create`` is True: a mistyped path
    must not start a new, empty workbook (and its -wal and -shm files). A place that has
    not been described yet is not a failure: the stage says to tell us about it first.
    Any problem (a bad place name, a database that cannot be opened) is kept as a plain
    sentence, shown by the stage and by every section, never raised.
    """
    headless = is_headless(interactive)
    if not headless:  # what was chosen earlier in this session wins over the parameters
        chosen = chooser.remembered()
        place = chosen.get("place") or place
        role = chosen.get("role", role)
    role_value, warning = stage_role(role)
    stage = Stage(place=str(place), role=role_value, interactive=not headless,
                  role_warning=warning, walk=not headless and config.in_app())
    try:
        stage.place = check_place(place)
        stage.wb = open_workbook(db or None, create=create)
        info = stage.wb.place_info(stage.place)
    except WorkbookError as exc:
        stage.error = plain_error(exc)
        if not create and stage.wb is None and "hls-workbook init" in stage.error:
            stage.error += " (or, in the notebook, set create = True in its first cell)."
        return stage
    if info is not None:
        stage.place_name = str(info.get("name") or stage.place)
    if not headless:
        try:
            stage.chooser = chooser.Chooser(_place_options(stage.wb), stage.place,
                                            stage.role)
        except WorkbookError as exc:  # no list of places: the notebook's own place only
            log.warning("no list of places: %s", exc)
            stage.chooser = chooser.Chooser([], stage.place, stage.role)
        stage.chooser.observe(stage.choose)
    return stage


def participant_arrived() -> None:
    """In the app: wait until a participant opens the page this kernel was warmed for
    (Voilà's preheated kernels run the notebook before anyone asks for it), then offer
    back any draft kept in the meantime. Without preheating, it returns at once.

    The summaries are drawn before the wait: they would otherwise wait for this cell to
    end, and be worked out while the participant's page is loading."""
    try:
        from voila.utils import wait_for_request
    except ImportError:  # not in the app
        return
    from hls_workbook.ui.stages.views import draw_summaries

    draw_summaries()
    wait_for_request()
    forms.look_for_drafts_again()


def _place_options(wb: Workbook) -> list[tuple[str, str]]:
    """The workbook's places as (what people call it, short name) pairs."""
    named = []
    for short in wb.places():
        info = wb.place_info(short) or {}
        named.append((str(info.get("name") or "").strip() or short, short))
    twice = {name for name, _short in named if [n for n, _s in named].count(name) > 1}
    return [(f"{name} ({short})" if name in twice else name, short) for name, short in named]


class SectionSlot:
    """A live section of a stage with a chooser: it follows the place and the part of the
    system chosen, without running a cell again.

    Its ``widget`` is a box around the section (a :class:`SectionView`, a
    :class:`CheckView` or the tally): a new place builds the section afresh inside the
    box; a new part of the system is handed to the section's form, so the next save is
    credited to it. A section where something was saved in this session is marked
    ``hls-done`` (the app's progress counts them); one that can save is ``hls-task``.

    A ``lazy`` slot (the app) holds only a "Show this section" button until
    :meth:`open`: the app's page presses it when the section's page is shown, then opens
    the other sections one at a time in the background. Its place and part of the system
    are followed all the same, and it counts as a task from the start.
    """

    def __init__(self, stage: Stage, key_or_kind: str, *, lazy: bool = False) -> None:
        import ipywidgets as W

        self.stage = stage
        self.key = str(key_or_kind)
        self.wb = stage.wb
        self.place = stage.place
        try:
            self.saves: str | None = saves_kind(spec_for(self.key))
        except WorkbookError:
            self.saves = None
        self.view: Any = None
        classes = ("hls-section", "hls-task") if self.saves else ("hls-section",)
        self.widget = forms.styled(W.VBox, _dom_classes=classes)
        self.opener: Any = None
        if lazy:
            self.opener = forms.styled(W.Button, description="Show this section",
                                       tooltip="Show this section's questions",
                                       _dom_classes=(OPENER_CLASS,))
            self.opener.on_click(lambda _button: self.open())
            self.widget.children = [self.opener]
        else:
            self._build()
        forms.add_live(self)

    @property
    def form(self) -> forms.RecordForm | None:
        return getattr(self.view, "form", None)

    @property
    def done(self) -> bool:
        return "hls-done" in self.widget._dom_classes

    @property
    def built(self) -> bool:
        return self.view is not None

    def open(self) -> None:
        """Build the section now, if it is not built yet (its page was opened)."""
        if self.view is not None:
            return
        try:
            self._build()
        except Exception:  # noqa: BLE001 - a participant sees a sentence, never a traceback
            log.exception("could not build section %s", self.key)
            import ipywidgets as W

            self.widget.children = [forms.styled(W.HTML, value=error_html(
                "This section could not be shown. Please reload the page; what was saved "
                "is kept."))]
            return
        if self.opener is not None:
            self.opener.close()
            self.opener = None

    def _build(self) -> None:
        import ipywidgets as W

        self.view = section(self.key, self.wb, place=self.place, role=self.stage.role,
                            interactive=True)
        inner = getattr(self.view, "widget", None)
        if inner is None:  # a problem, in words
            inner = forms.styled(W.HTML, value=getattr(self.view, "html", ""))
        self.widget.children = [inner]

    def set_role(self, role: str | None) -> None:
        for holder in (self.view, self.form, getattr(self.view, "summary", None)):
            if holder is None:
                continue
            if hasattr(holder, "set_role"):
                holder.set_role(role)
            elif hasattr(holder, "role"):
                holder.role = role

    def set_place(self, place: str) -> None:
        if place == self.place:
            return
        old = self.view
        self.place = place
        self.widget.remove_class("hls-done")
        if old is None:  # not built yet: it will be built for the new place
            return
        self._build()
        if hasattr(old, "close"):
            old.close()

    def store_changed(self, kind: str, ids: list[int] | None = None) -> None:
        """Called by the forms after every save on this workbook and place."""
        if self.saves is not None and kind == self.saves and ids != []:
            self.widget.add_class("hls-done")

    def close(self) -> None:
        forms.discard_live(self)
        if hasattr(self.view, "close"):
            self.view.close()
        if self.opener is not None:
            self.opener.close()
        self.widget.close()

    def __getattr__(self, name: str) -> Any:  # the section's own parts: .summary, ...
        if name in ("view", "stage"):
            raise AttributeError(name)
        return getattr(self.view, name)

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return forms.mime_bundle(self.widget, repr(self))

    def __repr__(self) -> str:
        return f"<SectionSlot {self.key} for {self.place}>"

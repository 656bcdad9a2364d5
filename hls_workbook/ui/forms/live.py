"""Live forms and lists: what is on show in this kernel, and how it keeps up with saves.

A save in this kernel tells every live form, list and section at once
(:func:`tell_saved`); saves in other kernels are seen by polling the store's change
stamps (:class:`Watching`, :class:`Poll`). Stages, the tally and the forms register what
they show with :func:`add_live` and :func:`discard_live`.
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from hls_workbook import config
from hls_workbook.domain.model import model_for
from hls_workbook.ui.forms.values import plain_error

if TYPE_CHECKING:
    from hls_workbook.store.workbook import Workbook

log = logging.getLogger(__name__)

#: How often, in seconds, a live form looks whether someone else saved a record of a kind
#: it shows (another kernel: another browser tab, another person's notebook). See
#: :class:`Watching`.
POLL_SECONDS = 3.0

#: What is on show in this kernel: forms, lists, stage sections, the tally (held weakly).
LIVE: weakref.WeakSet[Any] = weakref.WeakSet()


def add_live(item: Any) -> None:
    """Keep ``item`` up to date: :func:`tell_saved` calls its ``store_changed(kind, ids)``
    after every save on its workbook and place (it needs ``wb`` and ``place``)."""
    LIVE.add(item)


def discard_live(item: Any) -> None:
    """``item`` is closed: no longer told of saves (nor looked at by the poll)."""
    LIVE.discard(item)


def live_items() -> list[Any]:
    """What is live now (a copy: safe to close items while going through it)."""
    return list(LIVE)


def tell_saved(wb: Workbook, place: str, kind: str, ids: list[int] | None = None) -> None:
    """Tell every live form and list on this workbook and place that records ``ids`` of
    ``kind`` were saved (None: that any may have changed)."""
    for item in list(LIVE):
        if item.wb is wb and item.place == place:
            try:
                item.store_changed(kind, ids)
            except Exception:  # one stale widget must not spoil a save
                log.exception("could not refresh %r", item)


class Watching:
    """What a live form or list needs to show what others save, without a reload.

    Each person fills in forms in their own kernel (their own notebook, their own app
    tab), so a save elsewhere never calls :func:`tell_saved` here. Instead, every
    :data:`POLL_SECONDS` the kernel's event loop reads a cheap stamp of the kinds shown
    (:meth:`hls_workbook.store.workbook.Workbook.change_stamps`: counts and latest times, not the
    records) and, when a kind's stamp moved, re-reads only that: the list's rows, the
    choices of a link. What is being typed, the filter and the selection are kept.

    Only in a live kernel with widgets on show: no event loop (tests, scripts) or a
    headless run (``HLS_WORKBOOK_HEADLESS``) never polls; tests call
    :meth:`check_for_changes` by hand.
    """

    wb: Workbook
    place: str
    #: the kinds shown, and their stamps as last read (None: not read yet)
    watched: frozenset[str] = frozenset()
    _stamps: dict[str, str] | None = None

    def _watch_kinds(self, kinds: Iterable[str]) -> None:
        """Watch these kinds from now on: call before the first read of what is shown, so
        that a save between that read and the first look is seen."""
        self.watched = frozenset(model_for(k).kind for k in kinds)
        self._stamps = None
        if not self.watched:
            return
        try:
            self._stamps = self.wb.change_stamps(self.place, self.watched)
        except Exception:  # noqa: BLE001 - the first look takes the stamps instead
            log.warning("could not read the change stamps of %r", self, exc_info=True)
        POLL.start()

    def _stop_watching(self) -> None:
        self.watched = frozenset()
        self._stamps = None

    def check_for_changes(self) -> set[str]:
        """Look now whether records of the kinds shown were saved (by anyone, from any
        kernel) since the last look; re-read what changed and return those kinds. The poll
        calls this every :data:`POLL_SECONDS`; tests call it by hand."""
        if not self.watched:
            return set()
        return self._compare(self.wb.change_stamps(self.place, self.watched))

    def _compare(self, stamps: Mapping[str, str]) -> set[str]:
        mine = {k: stamps[k] for k in self.watched if k in stamps}
        before, self._stamps = self._stamps, mine
        if before is None:  # the first look: nothing to compare with yet
            return set()
        changed = {k for k, v in mine.items() if before.get(k) != v}
        if changed:
            self._reread(changed)
        return changed

    def _reread(self, kinds: set[str]) -> None:  # pragma: no cover - abstract
        raise NotImplementedError


class Poll:
    """The one clock of a kernel that makes every watching form and list look for saves
    made elsewhere: one read of the stamps per workbook and place, every POLL_SECONDS,
    on the kernel's event loop (like the draft timer and the tally's clock)."""

    def __init__(self) -> None:
        self.timer: asyncio.TimerHandle | None = None
        self.failing = ""  # the last problem, said once (not every few seconds)

    def start(self) -> None:
        """Arm the clock, in a live kernel only."""
        if self.timer is not None or config.headless():
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # no event loop (a script, a test): no polling
            return
        self.timer = loop.call_later(POLL_SECONDS, self.tick)

    def watching(self) -> list[Watching]:
        return [i for i in list(LIVE) if isinstance(i, Watching) and i.watched]

    def tick(self) -> None:
        self.timer = None
        items = self.watching()
        try:
            self.look(items)
        except Exception as exc:  # noqa: BLE001 - never reaches the page: logged, once
            problem = plain_error(exc)
            if problem != self.failing:
                self.failing = problem
                log.warning("could not look for records saved elsewhere: %s", problem,
                            exc_info=config.debug())
        else:
            if self.failing:
                log.warning("looking for records saved elsewhere works again")
            self.failing = ""
        if items:
            self.start()

    def look(self, items: list[Watching]) -> None:
        groups: dict[tuple[int, str], list[Watching]] = {}
        for item in items:
            groups.setdefault((id(item.wb), item.place), []).append(item)
        for group in groups.values():
            first = group[0]
            kinds = frozenset().union(*(i.watched for i in group))
            stamps = first.wb.change_stamps(first.place, kinds)
            for item in group:
                try:
                    item._compare(stamps)
                except Exception:  # one stale widget must not stop the others
                    log.warning("could not refresh %r", item, exc_info=config.debug())


POLL = Poll()

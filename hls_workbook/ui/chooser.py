""""Who are you here?": the place and the part of the system, chosen from two lists.

A live stage (:func:`hls_workbook.ui.stages.open_stage`) shows one :class:`Chooser` at the top
and its sections read from it: choosing another part of the system credits every later
save to that part at once; choosing another place redraws every section for that place.
Nothing in Python is edited and no cell is run again.

The choice is remembered for the session: the kernel's, so in JupyterLab running a cell
again keeps it, and in the app (one kernel per browser tab) each participant has their own.
A part of the system is a role, never a name.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from hls_workbook.domain.model import Part
from hls_workbook.ui import forms

__all__ = ["NO_ROLE", "Chooser", "forget", "remembered"]

#: What the part-of-the-system list shows while nothing is chosen.
NO_ROLE = "Choose your part of the system"

#: The session's choice: {"place": ..., "role": ...}, set when a person changes the chooser.
_REMEMBERED: dict[str, str | None] = {}


def remembered() -> dict[str, str | None]:
    """What was chosen in this session (empty until a person changes the chooser)."""
    return dict(_REMEMBERED)


def forget() -> None:
    """Forget the session's choice (the notebook's own place and role apply again)."""
    _REMEMBERED.clear()


def role_label(role: str | None) -> str:
    return Part.labels().get(role or "", "")


class Chooser:
    """Two lists, place and part of the system, and a line saying what saves will say.

    ``places`` are (label, short name) pairs; the current ``place`` is added when missing
    (a place not yet described). ``observe(callback)`` calls ``callback(place, role)``
    after each change a person makes.
    """

    def __init__(self, places: Iterable[tuple[str, str]], place: str,
                 role: str | None) -> None:
        import ipywidgets as W

        options = list(dict.fromkeys((str(label), str(value)) for label, value in places))
        if place not in [value for _label, value in options]:
            options.append((place, place))
        self._callbacks: list[Callable[[str, str | None], None]] = []
        self.heading = forms.styled(W.HTML, value=forms.ui_macro("chooser_heading"))
        self.place = forms.styled(W.Dropdown, options=options, value=place, description="Place",
                                  style={"description_width": "initial"})
        roles = [(NO_ROLE, ""), *((label, value) for value, label in Part.labels().items())]
        self.role = forms.styled(W.Dropdown, options=roles, value=role or "",
                                 description="Your part of the system",
                                 style={"description_width": "initial"})
        self.status = forms.styled(W.HTML)
        self._say()
        self.place.observe(self._changed, "value")
        self.role.observe(self._changed, "value")
        self.widget = forms.styled(W.VBox, children=[self.heading, self.place, self.role,
                                                 self.status],
                               _dom_classes=("hls-chooser",))

    @property
    def chosen(self) -> tuple[str, str | None]:
        """The place and part of the system chosen now (no part: None)."""
        return str(self.place.value), (self.role.value or None)

    def observe(self, callback: Callable[[str, str | None], None]) -> None:
        self._callbacks.append(callback)

    def choose(self, *, place: str | None = None, role: str | None = None) -> None:
        """Choose as a person would (tests, and the app's own defaults)."""
        if place is not None:
            self.place.value = place
        if role is not None:
            self.role.value = role

    def _say(self) -> None:
        _place, role = self.chosen
        self.status.value = forms.ui_macro("chooser_status", role_label(role))

    def _changed(self, _change: Any) -> None:
        place, role = self.chosen
        _REMEMBERED.update(place=place, role=role)
        self._say()
        for callback in list(self._callbacks):
            callback(place, role)

    def close(self) -> None:
        forms.close_tree(self.widget)

"""Widgets: shared layouts and styles, accessible names, showing and closing.

Every widget of the forms (and of the stages, the tally and the chooser) is made with
:func:`styled`, so that layouts and styles that never change are one shared widget each;
:func:`show_if` shows or hides one by swapping shared layouts. What a notebook displays
for a widget (:func:`mime_bundle`) and closing a tree of widgets live here too. What an
HTML widget shows is drawn by :mod:`~hls_workbook.ui.forms.html`.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

import ipywidgets as W

from hls_workbook.ui.forms.html import (
    ERROR_STYLE as ERROR_STYLE,
)
from hls_workbook.ui.forms.html import (
    HELP_STYLE as HELP_STYLE,
)
from hls_workbook.ui.forms.html import (
    NAMED as NAMED,
)
from hls_workbook.ui.forms.html import (
    NAMED_CSS as NAMED_CSS,
)
from hls_workbook.ui.forms.html import (
    OK_STYLE as OK_STYLE,
)

log = logging.getLogger(__name__)

HIDDEN_DISPLAY = "none"
#: The space above each question.
GAP = "0.9em 2px 2px 2px"

#: Layout and style objects shared by every widget that never changes its own (each is a
#: widget of its own in the kernel and the browser: a form has hundreds of them).
_SHARED: dict[tuple[Any, ...], W.Widget] = {}


def _shared(cls: type[W.Widget], **traits: Any) -> W.Widget:
    """One Layout (or style) per set of traits, shared. Never change it: show or hide a
    widget with :func:`show_if`, which gives it another shared layout."""
    key = (cls, *sorted(traits.items()))
    found = _SHARED.get(key)
    if found is None or found.comm is None:  # made, or closed, in another kernel session
        found = _SHARED[key] = cls(**traits)
    return found


def shared_layout(**traits: Any) -> W.Layout:
    return _shared(W.Layout, **traits)


def shown_layout(shown: bool) -> W.Layout:
    """The shared layout of a widget that is shown, or hidden."""
    return shared_layout() if shown else shared_layout(display=HIDDEN_DISPLAY)


def show_if(widget: W.Widget, shown: bool) -> None:
    """Show or hide a widget (by giving it the other shared layout: one message)."""
    layout = shown_layout(shown)
    if widget.layout is not layout:
        widget.layout = layout


def styled(cls: type[W.Widget], *, style: Mapping[str, Any] | None = None, **kwargs: Any) -> Any:
    """A widget with a shared layout (unless one is given) and a shared style."""
    kwargs.setdefault("layout", shared_layout())
    trait = cls.class_traits().get("style")
    if trait is not None:
        kwargs["style"] = _shared(trait.klass, **dict(style or {}))
    return cls(**kwargs)


def named_for(name: str) -> dict[str, Any]:
    """The traits that give an input its accessible name (its question), drawn only for
    screen readers: ``styled(W.Text, **named_for("Title"))``."""
    return {"description": name, "_dom_classes": (NAMED,)}


def mime_bundle(widget: W.Widget, text: str) -> dict[str, Any]:
    """What a notebook displays for ``widget``: its view, and a short plain-text line
    (ipywidgets' own would first write out every widget inside it)."""
    return {
        "text/plain": text,
        "application/vnd.jupyter.widget-view+json": {
            "version_major": 2, "version_minor": 0, "model_id": widget.model_id,
        },
    }


def close_tree(widget: W.Widget) -> None:
    for child in getattr(widget, "children", ()) or ():
        close_tree(child)
    widget.close()

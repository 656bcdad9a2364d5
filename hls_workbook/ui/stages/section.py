"""Showing one section: live (a widget), or headless (plain HTML).

:func:`section` is what a notebook cell calls; :func:`summary_html` is a section's
summary alone.
"""

from __future__ import annotations

import logging

from hls_workbook.domain.errors import WorkbookError
from hls_workbook.domain.model import (
    model_for,
)
from hls_workbook.store.workbook import Workbook, check_place
from hls_workbook.ui import forms
from hls_workbook.ui.stages.markup import Block, SectionSpec, error_html, note_html, wrap_html
from hls_workbook.ui.stages.specs import spec_for
from hls_workbook.ui.stages.views import SectionView, is_headless, plain_error, summarise_section

log = logging.getLogger(__name__)


def summary_html(key: str, wb: Workbook, *, place: str) -> str:
    """A section's summary of what is recorded for the place, as HTML (errors as sentences)."""
    return summarise_section(spec_for(key), wb, place)[0]


def section(
    key_or_kind: str,
    wb: Workbook,
    *,
    place: str,
    role: str | None = None,
    interactive: bool | None = None,
) -> SectionView | Block:
    """One section of a stage notebook, ready to display as the last line of a cell.

    ``key_or_kind`` is a key of :data:`SECTIONS` (``"partners"``) or a record kind
    (``"partner"``: its first section). Live, it is a :class:`SectionView` (summary and
    form). Headless (``interactive=False`` or ``HLS_WORKBOOK_HEADLESS=1``) it is a
    :class:`Block` of HTML: the summary and the form's questions, no widget.
    A problem comes back as a plain sentence, never a traceback.
    """
    try:
        spec = spec_for(key_or_kind)
        place = check_place(place)
        if not is_headless(interactive):
            if spec.view is not None:
                return spec.view(spec, wb, place=place, role=role)
            return SectionView(spec, wb, place=place, role=role)
        parts = [summary_html(spec.key, wb, place=place)]
        if spec.how:
            parts.append(wrap_html(note_html(spec.how)))
        if spec.kind is not None and spec.questions:
            parts.append(wrap_html(forms.questions_html(spec.kind)))
        return Block("".join(parts), label=spec.title)
    except WorkbookError as exc:
        return Block(error_html(plain_error(exc)), label="A problem")


def saves_kind(spec: SectionSpec) -> str | None:
    """The record kind a section's saves are announced as (None: it saves nothing)."""
    if spec.key == "check":
        return "clearance"
    if spec.key == "tally":
        return "contribution"
    if spec.kind is None:
        return None
    return model_for(spec.kind).stored_as or spec.kind

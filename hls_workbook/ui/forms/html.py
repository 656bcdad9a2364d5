"""What an HTML widget shows: the ui's macros (``templates/ui/macros.html.j2``) and styles.

Every piece of HTML on a live page (a question, a message, the list of what is recorded,
a stage section's summary, "Who are you here?", the tally) is drawn by :func:`ui_macro`
through the package's one Jinja environment (:mod:`hls_workbook.templating`), whose
autoescaping escapes every piece of typed text: code here deals in plain text and data.
The styles below are given to the template, and used by the few widgets that style
themselves. Jinja is imported, and the template compiled, when the first HTML is drawn.
"""

from __future__ import annotations

import functools
from typing import Any

from hls_workbook import templating
from hls_workbook.domain.model import model_for
from hls_workbook.ui.forms.values import answer_hint, new_questions, noun

ERROR_STYLE = "color:#a30000"
OK_STYLE = "color:#1b6e20"
HELP_STYLE = "font-size:0.95em;color:#555;line-height:1.35"  # readable at a glance

#: Inputs are named by their question for screen readers: ipywidgets draws a widget's
#: ``description`` as a ``<label for=...>`` tied to its input. The question is shown above
#: the input (with its help), so that label is kept for assistive technology only.
NAMED = "hls-named"
NAMED_CSS = (
    "<style>"
    f".{NAMED} > .widget-label, .{NAMED} > .jupyter-widget-label {{"
    "position:absolute;width:1px;height:1px;margin:-1px;padding:0;overflow:hidden;"
    "clip:rect(0 0 0 0);clip-path:inset(50%);white-space:nowrap;border:0}"
    ".hls-count > .widget-label, .hls-count > .jupyter-widget-label {text-align:left}"
    "</style>"
)

#: The ui's macros: questions, messages, headings, the pieces of a stage's summaries.
UI_MACROS = "ui/macros.html.j2"


@functools.cache
def _ui_macros() -> Any:
    return templating.macros(UI_MACROS, help_style=HELP_STYLE, error_style=ERROR_STYLE,
                             ok_style=OK_STYLE, named_css=templating.trusted(NAMED_CSS))


def ui_macro(name: str, *args: Any, **kwargs: Any) -> str:
    """One of the ui's macros as HTML text, every value escaped by the template:
    ``ui_macro("message", text, ok=True)``. Markup another macro drew goes in through
    :func:`trusted`."""
    return str(getattr(_ui_macros(), name)(*args, **kwargs))


def trusted(markup: str) -> Any:
    """HTML a macro drew (never typed text), to go into another macro as it is."""
    return templating.trusted(markup)


def questions_html(kind: str) -> str:
    """The questions of a form as HTML: what a stage section run without widgets shows."""
    model = model_for(kind)
    return ui_macro("questions", noun(model.kind), [
        (meta.label, meta.required or meta.asked, meta.help, answer_hint(meta))
        for meta in new_questions(model)])

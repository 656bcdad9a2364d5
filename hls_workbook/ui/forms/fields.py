"""Questions: which control each widget kind uses, and one question's row on a form.

A row is the label (and 'required'), the help prompt, the control and its message.
"""

from __future__ import annotations

import logging
from typing import Any

import ipywidgets as W

from hls_workbook.ui.forms.controls import (
    CheckboxesControl,
    ChoiceControl,
    Control,
    CountsControl,
    DateControl,
    FlagControl,
    LongTextControl,
    NumberControl,
    ScoreControl,
    TextControl,
    YesPartlyNoControl,
)
from hls_workbook.ui.forms.html import ui_macro
from hls_workbook.ui.forms.links import LinkControl, LinksControl
from hls_workbook.ui.forms.widgets import (
    GAP,
    shared_layout,
    show_if,
    styled,
)

log = logging.getLogger(__name__)

#: The control of each widget kind, by the kind's name. Everything else about a kind lives
#: in its kinds.FieldKind (domain layer); the controls are widgets, which the domain layer
#: must not import, so the mapping stays here in the UI layer: a new kind adds a line here.
CONTROLS: dict[str, type[Control]] = {
    "text": TextControl,
    "long_text": LongTextControl,
    "date": DateControl,
    "choice": ChoiceControl,
    "multi_choice": CheckboxesControl,
    "score": ScoreControl,
    "yes_partly_no": YesPartlyNoControl,
    "number": NumberControl,
    "integer": NumberControl,
    "flag": FlagControl,
    "counts": CountsControl,
    "link": LinkControl,
    "links": LinksControl,
    "tags": TextControl,
    "period": TextControl,
}


class FieldRow:
    """One question: label (and 'required'), the help prompt, the control, its message.

    The label and help are shown above the control (a tick box: its label beside it, its
    help under it); the control's input carries the label as its accessible name. A row's
    widgets go straight into the form's box (``widgets``; a box of their own would be one
    more widget per question); the message widget is made when there is first something
    to say, and put just after them.
    """

    def __init__(self, meta: Any, control: Control) -> None:
        self.meta = meta
        self.control = control
        if isinstance(control, FlagControl):  # the tick box has the space above it
            self.label = styled(W.HTML, value=self._label_html(new=True))
            self.widgets: list[W.Widget] = [control.widget, self.label]
        else:
            self.label = styled(W.HTML, value=self._label_html(new=True),
                                layout=shared_layout(margin=GAP))
            self.widgets = [self.label, control.widget]
        self.box: W.Box | None = None  # the form's box holding the row, set by the form
        self.message: W.HTML | None = None
        self.text = ""

    def _label_html(self, *, new: bool) -> str:
        """The question (but beside a tick box), '(required)' if it must be answered (a
        question only a new record must answer: on a new one), and its help."""
        meta = self.meta
        label = "" if isinstance(self.control, FlagControl) else meta.label
        return ui_macro("question", label, meta.help or "",
                        bool(meta.required or (meta.asked and new)))

    def for_new(self, new: bool) -> None:
        """Say '(required)' on a question only a new record must answer only when new."""
        if self.meta.asked:
            value = self._label_html(new=new)
            if self.label.value != value:
                self.label.value = value

    def show_message(self, text: str) -> None:
        self.text = text
        if text:
            if self.message is None:
                self.message = styled(W.HTML)
                if self.box is not None:
                    children = list(self.box.children)
                    children.insert(children.index(self.widgets[-1]) + 1, self.message)
                    self.box.children = tuple(children)
                self.widgets.append(self.message)
            self.message.value = ui_macro("message", text)
            show_if(self.message, True)
        elif self.message is not None:
            self.message.value = ""
            show_if(self.message, False)

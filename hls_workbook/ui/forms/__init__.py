"""Forms for every record kind, built from the models: one builder, no hand-made forms.

Each field of a model (see :mod:`hls_workbook.domain.model`) carries its label, its help prompt
and its widget kind; :class:`RecordForm` turns that into an ipywidgets form, and
:class:`RecordList` shows what is already recorded for the place, newest first.

In a notebook, one line does it::

    from hls_workbook.ui import forms
    forms.show("voice", wb, place=place, role=role, interactive=interactive)

``show`` returns the live form (displayed when it is the last line of a cell). When a
notebook runs headless (papermill, or ``HLS_WORKBOOK_HEADLESS=1``), pass
``interactive=False``: ``show`` then returns the questions as Markdown and creates no
widget at all, so no live widget ends up in a report.

The form keeps what was typed until it is saved. Submit validates with the model,
shows each problem beside its field, and saves one record through the store (a new
record, or a new version when editing: the old version is kept). Outside a kernel the
widgets use a dummy comm, so tests set ``.value`` and call ``.click()``.

The package, by concern: :mod:`.values` (words and values), :mod:`.html` (what an HTML
widget shows: the ui's macros and styles), :mod:`.widgets` (shared layouts),
:mod:`.controls` and :mod:`.links` (one control per widget kind), :mod:`.fields` (a
question's row), :mod:`.live` (live lists, polling), :mod:`.drafts`, :mod:`.reviews` (what
a saved review changes in its experiment), :mod:`.record_form` (the one form builder) and
:mod:`.record_list`. What other modules
use is re-exported here: ``forms.show``, ``forms.RecordForm``, ``forms.styled``...

Only ipywidgets is imported here; pandas is imported by the store when a list is read,
and Jinja when the first HTML is drawn.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from hls_workbook import config
from hls_workbook.ui.forms.controls import (
    SKIP as SKIP,
)
from hls_workbook.ui.forms.controls import (
    WIDE as WIDE,
)
from hls_workbook.ui.forms.controls import (
    CheckboxesControl as CheckboxesControl,
)
from hls_workbook.ui.forms.controls import (
    ChoiceControl as ChoiceControl,
)
from hls_workbook.ui.forms.controls import (
    Control as Control,
)
from hls_workbook.ui.forms.controls import (
    CountsControl as CountsControl,
)
from hls_workbook.ui.forms.controls import (
    DateControl as DateControl,
)
from hls_workbook.ui.forms.controls import (
    FlagControl as FlagControl,
)
from hls_workbook.ui.forms.controls import (
    LongTextControl as LongTextControl,
)
from hls_workbook.ui.forms.controls import (
    NumberControl as NumberControl,
)
from hls_workbook.ui.forms.controls import (
    ScoreControl as ScoreControl,
)
from hls_workbook.ui.forms.controls import (
    TextControl as TextControl,
)
from hls_workbook.ui.forms.controls import (
    YesPartlyNoControl as YesPartlyNoControl,
)
from hls_workbook.ui.forms.drafts import (
    DRAFT_VERSION as DRAFT_VERSION,
)
from hls_workbook.ui.forms.drafts import (
    Drafts as Drafts,
)
from hls_workbook.ui.forms.drafts import (
    flush_drafts as flush_drafts,
)
from hls_workbook.ui.forms.drafts import (
    look_for_drafts_again as look_for_drafts_again,
)
from hls_workbook.ui.forms.fields import (
    CONTROLS as CONTROLS,
)
from hls_workbook.ui.forms.fields import (
    FieldRow as FieldRow,
)
from hls_workbook.ui.forms.html import (
    questions_html as questions_html,
)
from hls_workbook.ui.forms.html import (
    trusted as trusted,
)
from hls_workbook.ui.forms.html import (
    ui_macro as ui_macro,
)
from hls_workbook.ui.forms.links import (
    LinkControl as LinkControl,
)
from hls_workbook.ui.forms.links import (
    LinksControl as LinksControl,
)
from hls_workbook.ui.forms.links import (
    merged_options as merged_options,
)
from hls_workbook.ui.forms.links import (
    record_labels as record_labels,
)
from hls_workbook.ui.forms.live import (
    Poll as Poll,
)
from hls_workbook.ui.forms.live import (
    Watching as Watching,
)
from hls_workbook.ui.forms.live import (
    add_live as add_live,
)
from hls_workbook.ui.forms.live import (
    discard_live as discard_live,
)
from hls_workbook.ui.forms.live import (
    live_items as live_items,
)
from hls_workbook.ui.forms.live import (
    tell_saved as tell_saved,
)
from hls_workbook.ui.forms.record_form import (
    ONE_PER_PLACE as ONE_PER_PLACE,
)
from hls_workbook.ui.forms.record_form import (
    RecordForm as RecordForm,
)
from hls_workbook.ui.forms.record_list import (
    SHOWN_ROWS as SHOWN_ROWS,
)
from hls_workbook.ui.forms.record_list import (
    Loads as Loads,
)
from hls_workbook.ui.forms.record_list import (
    RecordList as RecordList,
)
from hls_workbook.ui.forms.record_list import (
    list_columns as list_columns,
)
from hls_workbook.ui.forms.reviews import (
    follow_review as follow_review,
)
from hls_workbook.ui.forms.values import (
    BLANK_LABEL as BLANK_LABEL,
)
from hls_workbook.ui.forms.values import (
    CELL_CHARS as CELL_CHARS,
)
from hls_workbook.ui.forms.values import (
    LABEL_CHARS as LABEL_CHARS,
)
from hls_workbook.ui.forms.values import (
    NOT_ANSWERED as NOT_ANSWERED,
)
from hls_workbook.ui.forms.values import (
    NOUNS as NOUNS,
)
from hls_workbook.ui.forms.values import (
    PLURALS as PLURALS,
)
from hls_workbook.ui.forms.values import (
    confirmation_text as confirmation_text,
)
from hls_workbook.ui.forms.values import (
    date_or_none as date_or_none,
)
from hls_workbook.ui.forms.values import (
    describe as describe,
)
from hls_workbook.ui.forms.values import (
    format_value as format_value,
)
from hls_workbook.ui.forms.values import (
    is_missing as is_missing,
)
from hls_workbook.ui.forms.values import (
    markdown_safe as markdown_safe,
)
from hls_workbook.ui.forms.values import (
    new_questions as new_questions,
)
from hls_workbook.ui.forms.values import (
    normalise_role as normalise_role,
)
from hls_workbook.ui.forms.values import (
    noun as noun,
)
from hls_workbook.ui.forms.values import (
    option_values as option_values,
)
from hls_workbook.ui.forms.values import (
    plain_error as plain_error,
)
from hls_workbook.ui.forms.values import (
    plural as plural,
)
from hls_workbook.ui.forms.values import (
    record_label as record_label,
)
from hls_workbook.ui.forms.values import (
    shorten as shorten,
)
from hls_workbook.ui.forms.values import (
    typed_number as typed_number,
)
from hls_workbook.ui.forms.values import (
    when_kept as when_kept,
)
from hls_workbook.ui.forms.widgets import (
    ERROR_STYLE as ERROR_STYLE,
)
from hls_workbook.ui.forms.widgets import (
    GAP as GAP,
)
from hls_workbook.ui.forms.widgets import (
    HELP_STYLE as HELP_STYLE,
)
from hls_workbook.ui.forms.widgets import (
    HIDDEN_DISPLAY as HIDDEN_DISPLAY,
)
from hls_workbook.ui.forms.widgets import (
    NAMED as NAMED,
)
from hls_workbook.ui.forms.widgets import (
    NAMED_CSS as NAMED_CSS,
)
from hls_workbook.ui.forms.widgets import (
    OK_STYLE as OK_STYLE,
)
from hls_workbook.ui.forms.widgets import (
    close_tree as close_tree,
)
from hls_workbook.ui.forms.widgets import (
    mime_bundle as mime_bundle,
)
from hls_workbook.ui.forms.widgets import (
    named_for as named_for,
)
from hls_workbook.ui.forms.widgets import (
    shared_layout as shared_layout,
)
from hls_workbook.ui.forms.widgets import (
    show_if as show_if,
)
from hls_workbook.ui.forms.widgets import (
    shown_layout as shown_layout,
)
from hls_workbook.ui.forms.widgets import (
    styled as styled,
)

if TYPE_CHECKING:
    from hls_workbook.store.workbook import Workbook

__all__ = ["RecordForm", "RecordList", "describe", "show"]

#: Set this environment variable to 1 to make :func:`show` return text, never widgets.
HEADLESS_ENV = config.HEADLESS_ENV


def show(
    kind: str,
    wb: Workbook,
    *,
    place: str,
    role: str | None = None,
    interactive: bool | None = None,
    **options: Any,
) -> Any:
    """The form for ``kind`` (with its list), ready to display as the last line of a cell.

    With ``interactive=False``, or the environment variable ``HLS_WORKBOOK_HEADLESS=1``,
    no widget is created: the questions come back as Markdown, for headless runs.
    """
    if config.headless(interactive):
        from IPython.display import Markdown

        return Markdown(describe(kind))
    return RecordForm(wb, kind, place=place, role=role, **options)

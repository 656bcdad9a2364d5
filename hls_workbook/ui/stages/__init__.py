"""What the four stage notebooks show: one line per cell, the logic here.

A stage notebook opens the workbook once and then shows one section per cell::

    from hls_workbook.ui import stages

    stage = stages.open_stage(db, place, role, interactive=interactive)
    stage                       # says which place, and what to do first if it is new
    stage.section("partners")   # the form and a short summary of what is recorded

In a live notebook (``interactive=True``) a section is one widget: a summary of what is
recorded so far, computed with :mod:`hls_workbook.analysis`, above the form for its record
kind (built by :func:`hls_workbook.ui.forms.show`). The summary is worked out again after
every save. Run headless (``interactive=False``, or the environment variable
``HLS_WORKBOOK_HEADLESS=1``, as papermill and reports do) a section is plain HTML: the same
summary and the questions of the form, and no widget at all.

One section is not a form: "Check before sharing" (:class:`CheckView`) lists the typed
text waiting for a person's check before a report carries it outside the team, with
suspected personal details marked, and saves each decision as it is made (see
:mod:`hls_workbook.privacy.review`).

Every piece of text a person typed is escaped once, where it meets the markup: every
piece of HTML is drawn by a template macro, and the one Jinja environment
(:mod:`hls_workbook.templating`) autoescapes what the macros are given. Stories appear
only when their teller agreed (see :func:`hls_workbook.privacy.visible_voices`); a
withdrawn story, one told in confidence or one that raised a safeguarding concern is only
ever counted. Pulse answers and check-ins are shown only as averages of at least
:data:`MIN_GROUP` people. Problems are shown as plain sentences, never as tracebacks.

:data:`SECTIONS` lists every section with its notebook, title, record kind and the
practice ids (PRACTICES.md) it serves. The stage notebooks are edited by hand; a test
(tests/test_practices.py) checks that their section cells follow this list.

The package, by concern: :mod:`.markup` (HTML builders, the tables a summary reads, the
section spec), :mod:`.summaries` and :mod:`.relationships` (one summary per section),
:mod:`.specs` (the sections in order, and what needs doing now), :mod:`.views` (a live
section), :mod:`.check_view` (check before sharing), :mod:`.section` (showing one section)
and :mod:`.stage` (opening a stage). What notebooks and the app use is re-exported here.
"""

from __future__ import annotations

from hls_workbook.ui.stages.check_view import (
    CheckView as CheckView,
)
from hls_workbook.ui.stages.markup import (
    AUDIENCE_LABELS as AUDIENCE_LABELS,
)
from hls_workbook.ui.stages.markup import (
    CHECK_AUDIENCES as CHECK_AUDIENCES,
)
from hls_workbook.ui.stages.markup import (
    ERROR_CSS as ERROR_CSS,
)
from hls_workbook.ui.stages.markup import (
    EVERY_STAGE as EVERY_STAGE,
)
from hls_workbook.ui.stages.markup import (
    EXCERPT_CHARS as EXCERPT_CHARS,
)
from hls_workbook.ui.stages.markup import (
    MIN_GROUP as MIN_GROUP,
)
from hls_workbook.ui.stages.markup import (
    NAMED_PARTS as NAMED_PARTS,
)
from hls_workbook.ui.stages.markup import (
    OK_CSS as OK_CSS,
)
from hls_workbook.ui.stages.markup import (
    PART_LABELS as PART_LABELS,
)
from hls_workbook.ui.stages.markup import (
    STAGES as STAGES,
)
from hls_workbook.ui.stages.markup import (
    Block as Block,
)
from hls_workbook.ui.stages.markup import (
    SectionSpec as SectionSpec,
)
from hls_workbook.ui.stages.markup import (
    Tables as Tables,
)
from hls_workbook.ui.stages.markup import (
    analysis_here as analysis_here,
)
from hls_workbook.ui.stages.markup import (
    bullets as bullets,
)
from hls_workbook.ui.stages.markup import (
    current_day as current_day,
)
from hls_workbook.ui.stages.markup import (
    day_text as day_text,
)
from hls_workbook.ui.stages.markup import (
    error_html as error_html,
)
from hls_workbook.ui.stages.markup import (
    flags as flags,
)
from hls_workbook.ui.stages.markup import (
    is_missing as is_missing,
)
from hls_workbook.ui.stages.markup import (
    labels_of as labels_of,
)
from hls_workbook.ui.stages.markup import (
    load_analysis as load_analysis,
)
from hls_workbook.ui.stages.markup import (
    mean_text as mean_text,
)
from hls_workbook.ui.stages.markup import (
    note_html as note_html,
)
from hls_workbook.ui.stages.markup import (
    para as para,
)
from hls_workbook.ui.stages.markup import (
    place_row as place_row,
)
from hls_workbook.ui.stages.markup import (
    plural as plural,
)
from hls_workbook.ui.stages.markup import (
    rhythm_so_far as rhythm_so_far,
)
from hls_workbook.ui.stages.markup import (
    shorten as shorten,
)
from hls_workbook.ui.stages.markup import (
    stage_role as stage_role,
)
from hls_workbook.ui.stages.markup import (
    table_html as table_html,
)
from hls_workbook.ui.stages.markup import (
    wide_layout as wide_layout,
)
from hls_workbook.ui.stages.markup import (
    wrap_html as wrap_html,
)
from hls_workbook.ui.stages.relationships import (
    TALK_WISH_TEXT as TALK_WISH_TEXT,
)
from hls_workbook.ui.stages.relationships import (
    burden_summary as burden_summary,
)
from hls_workbook.ui.stages.relationships import (
    checkins_summary as checkins_summary,
)
from hls_workbook.ui.stages.relationships import (
    contributions_summary as contributions_summary,
)
from hls_workbook.ui.stages.relationships import (
    decisions_summary as decisions_summary,
)
from hls_workbook.ui.stages.relationships import (
    how_we_meet_summary as how_we_meet_summary,
)
from hls_workbook.ui.stages.relationships import (
    pulse_summary as pulse_summary,
)
from hls_workbook.ui.stages.relationships import (
    support_summary as support_summary,
)
from hls_workbook.ui.stages.relationships import (
    tally_summary as tally_summary,
)
from hls_workbook.ui.stages.relationships import (
    values_summary as values_summary,
)
from hls_workbook.ui.stages.section import (
    saves_kind as saves_kind,
)
from hls_workbook.ui.stages.section import (
    section as section,
)
from hls_workbook.ui.stages.section import (
    summary_html as summary_html,
)
from hls_workbook.ui.stages.specs import (
    NEXT_LIMIT as NEXT_LIMIT,
)
from hls_workbook.ui.stages.specs import (
    SECTIONS as SECTIONS,
)
from hls_workbook.ui.stages.specs import (
    next_steps as next_steps,
)
from hls_workbook.ui.stages.specs import (
    sections_for as sections_for,
)
from hls_workbook.ui.stages.specs import (
    spec_for as spec_for,
)
from hls_workbook.ui.stages.specs import (
    where_to as where_to,
)
from hls_workbook.ui.stages.stage import (
    SectionSlot as SectionSlot,
)
from hls_workbook.ui.stages.stage import (
    Stage as Stage,
)
from hls_workbook.ui.stages.stage import (
    open_stage as open_stage,
)
from hls_workbook.ui.stages.stage import (
    participant_arrived as participant_arrived,
)
from hls_workbook.ui.stages.stage import (
    workbook_location as workbook_location,
)
from hls_workbook.ui.stages.summaries import (
    amplify_summary as amplify_summary,
)
from hls_workbook.ui.stages.summaries import (
    checks_summary as checks_summary,
)
from hls_workbook.ui.stages.summaries import (
    experiment_status_summary as experiment_status_summary,
)
from hls_workbook.ui.stages.summaries import (
    experiment_summary as experiment_summary,
)
from hls_workbook.ui.stages.summaries import (
    feedback_summary as feedback_summary,
)
from hls_workbook.ui.stages.summaries import (
    glossary_summary as glossary_summary,
)
from hls_workbook.ui.stages.summaries import (
    learning_summary as learning_summary,
)
from hls_workbook.ui.stages.summaries import (
    meeting_series_summary as meeting_series_summary,
)
from hls_workbook.ui.stages.summaries import (
    meetings_summary as meetings_summary,
)
from hls_workbook.ui.stages.summaries import (
    partners_summary as partners_summary,
)
from hls_workbook.ui.stages.summaries import (
    place_summary as place_summary,
)
from hls_workbook.ui.stages.summaries import (
    portfolio_summary as portfolio_summary,
)
from hls_workbook.ui.stages.summaries import (
    reflection_summary as reflection_summary,
)
from hls_workbook.ui.stages.summaries import (
    review_summary as review_summary,
)
from hls_workbook.ui.stages.summaries import (
    sharing_summary as sharing_summary,
)
from hls_workbook.ui.stages.summaries import (
    voices_summary as voices_summary,
)
from hls_workbook.ui.stages.views import (
    IDLE_SECONDS as IDLE_SECONDS,
)
from hls_workbook.ui.stages.views import (
    TALK_LABEL as TALK_LABEL,
)
from hls_workbook.ui.stages.views import (
    SectionView as SectionView,
)
from hls_workbook.ui.stages.views import (
    checkin_view as checkin_view,
)
from hls_workbook.ui.stages.views import (
    draw_summaries as draw_summaries,
)
from hls_workbook.ui.stages.views import (
    is_headless as is_headless,
)
from hls_workbook.ui.stages.views import (
    plain_error as plain_error,
)
from hls_workbook.ui.stages.views import (
    speaking_tally_view as speaking_tally_view,
)
from hls_workbook.ui.stages.views import (
    summarise_section as summarise_section,
)

__all__ = [
    "EVERY_STAGE",
    "MIN_GROUP",
    "SECTIONS",
    "STAGES",
    "Block",
    "CheckView",
    "SectionSlot",
    "SectionSpec",
    "SectionView",
    "Stage",
    "next_steps",
    "open_stage",
    "section",
    "sections_for",
    "summary_html",
    "where_to",
]

"""The sections of the four stage notebooks, in order, and what needs doing now.

Each section (a :class:`~hls_workbook.ui.stages.markup.SectionSpec`) names its notebook,
title, record kind, practices and summary; a few have a live view of their own instead of
the summary and a form. What needs doing now (:func:`next_steps`), the section at the end
of every notebook, is here too: it says where each thing is done (:func:`where_to`).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from hls_workbook.domain.errors import WorkbookError
from hls_workbook.domain.model import (
    model_for,
)
from hls_workbook.store.workbook import Workbook, check_place
from hls_workbook.ui.forms import ui_macro
from hls_workbook.ui.stages import markup
from hls_workbook.ui.stages.check_view import CheckView
from hls_workbook.ui.stages.markup import (
    EVERY_STAGE,
    STAGES,
    SectionSpec,
    Tables,
    analysis_here,
    load_analysis,
    note_html,
    para,
    plural,
)
from hls_workbook.ui.stages.relationships import (
    burden_summary,
    checkins_summary,
    contributions_summary,
    decisions_summary,
    how_we_meet_summary,
    pulse_summary,
    support_summary,
    tally_summary,
    values_summary,
)
from hls_workbook.ui.stages.summaries import (
    amplify_summary,
    checks_summary,
    experiment_status_summary,
    experiment_summary,
    feedback_summary,
    glossary_summary,
    learning_summary,
    meeting_series_summary,
    meetings_summary,
    partners_summary,
    place_summary,
    portfolio_summary,
    reflection_summary,
    review_summary,
    sharing_summary,
    voices_summary,
)
from hls_workbook.ui.stages.views import checkin_view, speaking_tally_view

if TYPE_CHECKING:
    import pandas as pd

    from hls_workbook import analysis as an

log = logging.getLogger(__name__)

#: pandas, the analysis and privacy: set by markup.load_analysis() before a summary runs.
analysis_here(globals())


#: How many things to do a stage notebook lists (the rest are counted; the command
#: ``hls-workbook next`` lists them all).
NEXT_LIMIT = 10


def next_steps(wb: Workbook, place: str, on: Any = None) -> pd.DataFrame:
    """What needs doing now for a place, as the team may see it, most urgent first
    (:func:`hls_workbook.analysis.next_steps`, as of ``on``, default today)."""
    load_analysis()
    return _next_frame(Tables(wb, check_place(place)), on)


def _next_frame(t: Mapping[str, pd.DataFrame], on: Any = None) -> pd.DataFrame:
    return an.next_steps(t["experiment"], t["review"], t["learning"], t["share"],
                         t["support"], t["meeting_series"], t["meeting"],
                         voices=t["voice"], decisions=t["decision"], feedback=t["feedback"],
                         on=markup.current_day() if on is None else on)


def where_to(stage: str, key: str) -> str:
    """Where an item of the list is done, in words: the section's title and its notebook."""
    spec = SECTIONS.get(key)
    title = spec.title if spec is not None else key
    return f"{title}, in {stage}"


def _overdue(days: int) -> str:
    return "due today" if days <= 0 else f"{plural(int(days), 'day')} overdue"


def _next(t: Mapping[str, pd.DataFrame]) -> str:
    todo = _next_frame(t)
    if todo.empty:
        return para("Nothing needs doing now: no experiment is past its end date or waiting "
                    "for a look back, every decision has been followed up, and all our "
                    "learning has been shared. Every storyteller who asked has heard what "
                    "their story changed.")
    shown = todo.head(NEXT_LIMIT)
    steps = [(r["sentence"],
              f"{_overdue(r['overdue_days'])}. Where: {where_to(r['stage'], r['section'])}.")
             for r in shown.to_dict("records")]
    out = [para(f"{plural(len(todo), 'thing needs', 'things need')} doing now, the most "
                "overdue first."), ui_macro("steps", steps)]
    if len(todo) > len(shown):
        place = getattr(t, "place", "") or "..."
        out.append(note_html(f"And {len(todo) - len(shown)} more: a coordinator can list them "
                             f"all with: hls-workbook next --place {place}"))
    return "".join(out)


_EDIT_HOW = ("To change an experiment, go to 'Change a record' at the bottom of this form, "
             "pick it from the list and press Edit. Change 'Where it is up to' (and anything "
             "else), then press 'Save changes'. The earlier version is kept.")

_CHECK_HOW = ("Before a report is shared outside the team, a person reads every piece of "
              "typed text it would carry and decides: share it as written, share it in "
              "other words, or hold it back. Suspected personal details are marked, but the "
              "workbook cannot find them all: read each piece yourself. In a live notebook "
              "or the app the pieces are listed here; a coordinator can also run "
              "'hls-workbook review'.")

_TALK_HOW = ("Would you like someone to talk to? Tick 'I would like someone to talk to' "
             "with your check-in, or press 'Ask without a check-in'. The team sees only that "
             "someone asked: not who, not your part of the system, not your check-in.")

_SPECS = [
    # 1 Getting started
    SectionSpec("place", "1_getting_started", "The place and its shared focus", "place",
                ("GS3",), place_summary),
    SectionSpec("partners", "1_getting_started", "Partners: who is here and who is missing",
                "partner", ("GS3", "RC2"), partners_summary),
    SectionSpec("voices", "1_getting_started", "Stories, with consent", "voice",
                ("GS1", "GS4"), voices_summary),
    SectionSpec("meeting_series", "1_getting_started", "Our meeting rhythm", "meeting_series",
                ("GS2", "RC4"), meeting_series_summary),
    SectionSpec("meetings", "1_getting_started", "Meeting log: who came", "meeting",
                ("GS2", "GS4", "RC2", "RC3", "RC4"), meetings_summary),
    SectionSpec("glossary", "1_getting_started", "Our shared language", "glossary_term",
                ("LB1",), glossary_summary),
    # 2 Experimentation
    SectionSpec("experiment", "2_experimentation", "Propose an experiment", "experiment",
                ("EX1", "EX3", "BH3"), experiment_summary),
    SectionSpec("experiment_status", "2_experimentation", "Update where an experiment is up to",
                "experiment", ("EX1", "EX4"), experiment_status_summary, questions=False,
                how=_EDIT_HOW),
    SectionSpec("review", "2_experimentation", "Look back: after-action review", "review",
                ("EX2", "EX4", "BH1"), review_summary),
    SectionSpec("portfolio", "2_experimentation", "Our portfolio at a glance", None,
                ("EX1", "EX3"), portfolio_summary),
    # 3 Learning
    SectionSpec("learning", "3_learning", "What we learned: breakthroughs and disappointments",
                "learning", ("LE1", "LE2", "BH3"), learning_summary),
    SectionSpec("sharing", "3_learning", "Who we shared it with", "share", ("LE1",),
                sharing_summary),
    SectionSpec("amplify", "3_learning", "What we will amplify and celebrate", None, ("LE3",),
                amplify_summary),
    SectionSpec("feedback", "3_learning", "You said, we did: telling storytellers what "
                "happened", "feedback", ("GS4", "LE1"), feedback_summary),
    SectionSpec("reflection", "3_learning", "A short reflection, feelings included",
                "reflection", ("BH1", "ES3", "LE2"), reflection_summary),
    SectionSpec("check", "3_learning", "Check before sharing", "clearance", ("LE1",),
                checks_summary,
                questions=False, how=_CHECK_HOW,
                view=lambda *args, **kwargs: CheckView(*args, **kwargs)),
    # 4 Relationships and support
    SectionSpec("pulse", "4_relationships_and_support", "Behaviour pulse", "pulse_round",
                ("RC1", "RC2", "RC3", "RC4", "RC5", "LB1", "LB2", "BH1", "BH2", "BH3", "ES1",
                 "ES2", "ES3"), pulse_summary),
    SectionSpec("how_we_meet", "4_relationships_and_support",
                "How we meet: rhythm, the room and hard conversations", None,
                ("RC2", "RC3", "RC4"), how_we_meet_summary),
    SectionSpec("tally", "4_relationships_and_support", "Who is speaking now", None, ("RC5",),
                tally_summary, view=lambda *args, **kwargs: speaking_tally_view(*args, **kwargs)),
    SectionSpec("contributions", "4_relationships_and_support", "Who spoke in our meetings",
                "contribution", ("RC5",), contributions_summary),
    SectionSpec("decisions", "4_relationships_and_support", "Decisions and whose views shaped them",
                "decision", ("RC5",), decisions_summary),
    SectionSpec("burden", "4_relationships_and_support", "Paperwork: the bureaucracy audit",
                "burden", ("LB2",), burden_summary),
    SectionSpec("values", "4_relationships_and_support", "Values we share", "value",
                ("BH2", "BH3"), values_summary),
    SectionSpec("support", "4_relationships_and_support", "Asking for outside support",
                "support", ("ES2",), support_summary),
    SectionSpec("checkins", "4_relationships_and_support", "Check-ins: how heavy the work feels",
                "checkin", ("ES3", "BH1"), checkins_summary, how=_TALK_HOW,
                view=lambda *args, **kwargs: checkin_view(*args, **kwargs)),
    # The end of every stage notebook
    SectionSpec("next", EVERY_STAGE, "What needs doing now", None, ("EX4", "LE1", "LE2"),
                _next, heading="What needs doing now"),
]

#: Every section, by key, in notebook order.
SECTIONS: dict[str, SectionSpec] = {s.key: s for s in _SPECS}


def sections_for(stage: str) -> list[SectionSpec]:
    """The sections of one stage notebook ('1_getting_started', ...), in order (those of
    :data:`EVERY_STAGE` last)."""
    if stage not in STAGES:
        raise KeyError(f"'{stage}' is not a stage; use one of: {', '.join(STAGES)}")
    return [s for s in _SPECS if s.stage in (stage, EVERY_STAGE)]


def spec_for(key_or_kind: str) -> SectionSpec:
    key = str(key_or_kind).strip()
    if key in SECTIONS:
        return SECTIONS[key]
    try:
        kind = model_for(key).kind
    except WorkbookError:
        kind = None
    for spec in _SPECS:
        if kind is not None and spec.kind == kind:
            return spec
    raise WorkbookError(
        f"'{key_or_kind}' is not a section of the stage notebooks; use one of: "
        + ", ".join(SECTIONS)
    )

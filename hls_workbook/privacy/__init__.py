"""What an audience may see: consent, redaction, small numbers and escaping.

Reports call :func:`apply` on the DataFrames from ``Workbook.table`` (or ``tables``)
before any of the data reaches a report cell, then :func:`suppress_counts` on every
count they show to the public, and :func:`escape` on every piece of text a person typed
when it is rendered as HTML. Everything here is a pure function over DataFrames and
strings: no I/O, no widgets, nothing cached between calls except compiled patterns.

The three audiences (``model.Audience``) are nested by *sensitivity*:

``team`` ⊂ ``partners`` ⊂ ``public``

A storyteller who agrees that the public may read their story has agreed to the wider
circle, so partners and the team may read it too; consent to ``partners`` also allows
``team``; consent to ``team`` allows only the team. A story with no audience ticked is
used in no report at all, not even the team's: nobody has asked the storyteller yet.

Rules that hold for every audience, without exception:

- a withdrawn story (``consent_withdrawn`` on any version we are given), a story told
  in confidence and a story that raised a safeguarding concern never appear; a missing
  flag counts as set, because we cannot show that the story is safe to use;
- archived rows and superseded versions never appear: reports show what is current;
- links from learning entries and decisions to stories that may not be shown are
  dropped, so a hidden story cannot be counted or looked up through them.

What each audience sees besides (see :func:`apply`):

========  =================================================================
team      every current record, names and all; stories only as consent allows,
          with a ``shown_name`` column
partners  as team, without any model's ``personal`` fields; stories show only
          ``shown_name`` (never ``storyteller_name``, ``pseudonym``, ``collected_by``)
public    as partners, with every typed text field (each model's ``free_text`` and every
          text, long text or tags field) redacted (:func:`redact`), partner
          contact names gone, speakers' made-up names replaced by their part of the
          system, and pulse answers and check-ins marked for aggregate use only:
          a report must aggregate them and pass the counts through
          :func:`suppress_counts` (or check :meth:`Policy.may_show_aggregate`)
========  =================================================================

Every frame :func:`apply` returns carries ``df.attrs["privacy"]``: the audience, the
threshold and whether the frame is for aggregate use only.

Counts that are not records (for example a meeting's ``attendance`` by part of the
system) pass through :func:`apply` unchanged: a public report must suppress them too.

Which numbers are counts of people
----------------------------------

Small-number suppression protects people, so it applies to numbers that count people or
records about people, and only to those:

- counts of people (attendances, speakers, people in a group), of what people gave
  (pulse answers, check-ins, contributions) and of records of what a part of the system
  said or did whose members may be few (decisions a part proposed or whose views shaped
  them): each from 1 to ``threshold - 1`` is shown as "hidden", with secondary
  suppression wherever a total would give it away (:func:`suppress_counts`); a report
  decides this once per table (``Report.counts``) and builds its words from the result;
- a share or average is a figure about the people behind it: it is shown only when it
  sums up at least ``threshold`` people or answers (:meth:`Policy.may_show_aggregate`;
  for shares of speaking time, ``min_group`` in ``analysis.participation``); answer
  counts per pulse statement are not published, since two of them differ by the few who
  skipped one;
- not counts of people, shown as they are: experiments and their reviews, pieces of
  learning and their reach (the team's own records, each listed in the report), meetings
  planned, kept or missed, streaks and gaps, requirements and funders, hours, money,
  ranks, days, and averages or shares of at least ``threshold`` answers;
- stories are published one by one, as their tellers agreed: a public report lists them
  and does not count them by theme.

Charts say which columns of their numbers table are counts of people (``Chart.people``);
a public report suppresses those cells, and leaves out the image (which draws them) only
when one of them is hidden.

The package: ``policy`` (audiences and thresholds), ``detect`` (personal details in text),
``consent`` (stories), ``numbers`` (small counts), ``escaping`` (HTML) and ``gate`` (what
an audience may see of a set of tables).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

#: Public names, by the module that defines them. Loaded on first use, so that the
#: report runner can check a threshold or a header without importing pandas.
_WHERE = {
    "consent": ("consent_allows", "consent_ledger", "shown_name", "usable_voices",
                "visible_voices", "widest_audience"),
    "detect": ("Redactor", "name_variants", "names_on_record", "redact"),
    "escaping": ("escape", "escape_frame"),
    "gate": ("apply", "header", "open_tables", "read_tables", "waiting_for_check"),
    "numbers": ("HIDDEN_TEXT", "SuppressedSeries", "SuppressedTable", "hidden_note",
                "suppress_counts", "suppress_series"),
    "policy": ("AGGREGATE_ONLY", "AUDIENCE_ORDER", "MIN_PUBLIC_THRESHOLD", "REMOVED",
               "Policy", "check_threshold"),
}
_MODULE_OF = {name: module for module, names in _WHERE.items() for name in names}
__all__ = [
    "AGGREGATE_ONLY",
    "AUDIENCE_ORDER",
    "HIDDEN_TEXT",
    "MIN_PUBLIC_THRESHOLD",
    "Policy",
    "REMOVED",
    "Redactor",
    "SuppressedSeries",
    "SuppressedTable",
    "apply",
    "check_threshold",
    "consent_allows",
    "consent_ledger",
    "escape",
    "escape_frame",
    "header",
    "hidden_note",
    "name_variants",
    "names_on_record",
    "open_tables",
    "read_tables",
    "redact",
    "shown_name",
    "suppress_counts",
    "suppress_series",
    "usable_voices",
    "visible_voices",
    "waiting_for_check",
    "widest_audience",
]


def __getattr__(name: str) -> Any:
    if name in _WHERE or name in ("clearance", "review", "names"):  # a module of the package
        return importlib.import_module(f"{__name__}.{name}")
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


if TYPE_CHECKING:
    from hls_workbook.privacy.consent import (
        consent_allows,
        consent_ledger,
        shown_name,
        usable_voices,
        visible_voices,
        widest_audience,
    )
    from hls_workbook.privacy.detect import Redactor, name_variants, names_on_record, redact
    from hls_workbook.privacy.escaping import escape, escape_frame
    from hls_workbook.privacy.gate import apply, header, open_tables, read_tables, waiting_for_check
    from hls_workbook.privacy.numbers import (
        HIDDEN_TEXT,
        SuppressedSeries,
        SuppressedTable,
        hidden_note,
        suppress_counts,
        suppress_series,
    )
    from hls_workbook.privacy.policy import (
        AGGREGATE_ONLY,
        AUDIENCE_ORDER,
        MIN_PUBLIC_THRESHOLD,
        REMOVED,
        Policy,
        check_threshold,
    )

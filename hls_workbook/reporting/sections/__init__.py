"""What each report section shows: view models, rendered by Jinja templates.

The report notebook calls ``Report.load(...)`` once, then per section
``report.data(key)`` (the audience-safe view models) and ``report.render(key, data)``
(their HTML); ``report.show(key)`` does both, and the benchmark's floor calls
``report.render_html()``. Privacy is applied once, in ``load``, before any section sees
the data; every piece of text a person typed is escaped by the templates' autoescaping
(``templates/sections/section.html.j2``, ``templates/macros.html.j2``). In public reports
every count of people or answers below the threshold is shown as "hidden".

The package's modules, by concern: ``html`` (the view models, and builders that render one
table, cards or note), ``wording`` (dates, amounts and comparisons in words), ``gated``
(loading through the privacy gate, count suppression, the shared analyses and charts),
``glance`` (the summary "At a glance"), ``themes`` (the sections per theme), ``holds``
(the parts of those sections that show what the data holds: learning not yet heard, who
was missing at decisions, values in practice, pooled check-ins, words to avoid), ``pulse``
(the behaviour pulse by part of the system and round) and ``report`` (the :class:`Report`
that puts them on a page). This module re-exports the public API:
``from hls_workbook.reporting.sections import Report`` works as before.
"""

from __future__ import annotations

from hls_workbook.reporting.sections.gated import LOG_LIMIT, SECTIONS, GatedReport
from hls_workbook.reporting.sections.html import (
    LIST_LIMIT,
    Section,
    SectionData,
    Table,
    cards,
    frame_html,
    sentence_case,
    table_html,
)
from hls_workbook.reporting.sections.report import Report
from hls_workbook.reporting.sections.themes import PART_LABELS
from hls_workbook.reporting.sections.wording import rhythm_findings

__all__ = [
    "LIST_LIMIT", "LOG_LIMIT", "PART_LABELS", "SECTIONS", "GatedReport", "Report", "Section",
    "SectionData", "Table",
    "cards", "frame_html", "rhythm_findings", "sentence_case", "table_html",
]

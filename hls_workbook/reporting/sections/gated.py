"""A report's data, loaded once through the privacy gate, and the count suppression every
section uses: :class:`GatedReport` reads the place's records for the audience
(:meth:`GatedReport.load`), shows counts of people as "hidden" in public reports, works
out the analyses the summary and the sections share once, and embeds a chart with its
numbers (leaving out a public chart that would draw a hidden count).

The report's outline (:data:`SECTIONS`) lives here too: every section is one of its keys.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from hls_workbook import analysis as an
from hls_workbook import privacy
from hls_workbook.reporting import charts
from hls_workbook.reporting.sections import html as markup
from hls_workbook.reporting.sections.html import (
    Figure,
    Group,
    Para,
    RawHtml,
    Table,
    blocks_html,
)

#: key -> (title, practice ids). The report notebook's cells follow this order.
SECTIONS: dict[str, tuple[str, tuple[str, ...]]] = {
    "glance": ("At a glance", ("LE3", "LB2")),
    "place": ("The place and its focus", ("GS3", "RC2")),
    "voices": ("What people told us", ("GS1", "GS4", "LE3")),
    "meetings": ("How we met and who was in the room",
                 ("GS2", "GS4", "RC2", "RC3", "RC4", "RC5")),
    "experiments": ("What we tried and what happened", ("EX1", "EX2", "EX3", "EX4", "BH3")),
    "learning": ("What we learned and who heard it", ("LE1", "LE2", "LE3", "EX2")),
    "relationships": ("Relationships and support",
                      ("RC1", "RC3", "LB2", "BH1", "BH2", "BH3", "ES1", "ES2", "ES3")),
    "glossary": ("Our shared language", ("LB1",)),
}

#: Reports for partners and the public list only this many of a log's records (the most
#: recent); the team's report lists up to LIST_LIMIT.
LOG_LIMIT = 5


@dataclass
class GatedReport:
    """Everything one report needs, loaded once, with the audience's privacy applied."""

    place: str
    start: dt.date
    end: dt.date
    audience: str
    threshold: int
    title: str
    place_row: dict[str, Any]
    tables: dict[str, pd.DataFrame]
    #: The database read (for the previous period, through the same gate); None: no
    #: comparison (a report built by hand).
    db: Any = field(default=None, repr=False)
    _cache: dict[str, Any] = field(default_factory=dict, repr=False)

    @classmethod
    def load(
        cls, *, db: str | None, place: str, start: str | dt.date, end: str | dt.date,
        audience: str = "team", title: str = "", threshold: int = 5,
    ) -> GatedReport:
        """Read the place's records for the period through the privacy gate, once."""
        start_d = pd.Timestamp(start).date()
        end_d = pd.Timestamp(end).date()
        policy = privacy.Policy.of(audience, threshold)  # refuses a bad audience or threshold
        tables = privacy.open_tables(db, place, start_d, end_d, policy)
        place_rows = tables["place"]
        place_row = place_rows.iloc[0].to_dict() if len(place_rows) else {"name": place}
        if not policy.may_see_unredacted_text:
            title = privacy.redact(title)
        return cls(place, start_d, end_d, policy.audience, policy.threshold, title, place_row,
                   tables, db=db)

    # -- helpers ---------------------------------------------------------------------

    @property
    def public(self) -> bool:
        return self.audience == "public"

    def count(self, n: Any) -> str:
        """A count of people as text; in public reports, 1 to threshold-1 is "hidden"."""
        if n is None or (isinstance(n, float) and math.isnan(n)):
            return "–"
        n = int(n)
        if self.public and 0 < n < self.threshold:
            return privacy.HIDDEN_TEXT
        return f"{n:,}"

    def number_of(self, n: Any, noun: str) -> str:
        """"12 decisions", or in a public report "a hidden number of decisions" (1 to
        threshold-1): the one wording for a hidden number, inside a sentence."""
        text = self.count(n)
        if text == privacy.HIDDEN_TEXT:
            return f"a {privacy.HIDDEN_TEXT} number of {noun}"
        return f"{text} {noun}"

    @property
    def min_group(self) -> int:
        """The smallest group whose share or average a report may show (0: any)."""
        return self.threshold if self.public else 0

    def counts(self, frame: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
        """``frame`` with its counts of people as text, decided once for the whole table.

        Public: small counts hidden, with secondary suppression so that no hidden count
        can be worked out from the others or a total (:func:`privacy.suppress_counts`).
        Other audiences: the counts, formatted. Build every sentence about these counts
        from what this returns, never from the numbers again.
        """
        if self.public:
            return privacy.suppress_counts(frame, list(columns), self.threshold).display
        out = frame.copy()
        for col in columns:
            out[col] = pd.Series([self.count(v) for v in frame[col]], index=frame.index,
                                 dtype=object)
        return out

    def more(self, shown: int, total: int, what: str, which: str = "the {n} most recent"
             ) -> list[Para]:
        """The note under a table that lists only some of the records (none: all shown)."""
        if total <= shown:
            return []
        rest = ""
        if self.audience != "team":
            # Said as a count of people would be (a log of stories is one): never small.
            others = self.count(total - shown)
            rest = (" The others are" if others == privacy.HIDDEN_TEXT else
                    " The other one is" if total - shown == 1 else f" The other {others} are"
                    ) + " in the team\u2019s own report."
        return [Para(f"This shows {which.format(n=shown)} of "
                     f"{self.number_of(total, what)}.{rest} The workbook keeps every one.",
                     "note")]

    @property
    def log_limit(self) -> int:
        """How many records of a log (reviews, learning, support asked for) a report lists:
        the team's up to LIST_LIMIT, the others' the LOG_LIMIT most recent."""
        return markup.LIST_LIMIT if self.audience == "team" else min(LOG_LIMIT, markup.LIST_LIMIT)

    def cached(self, key: str, make: Callable[[], Any]) -> Any:
        if key not in self._cache:
            self._cache[key] = make()
        return self._cache[key]

    @property
    def waiting(self) -> int:
        """Pieces of typed text left out because nobody has checked them yet."""
        return privacy.waiting_for_check(self.tables)

    # -- analyses shared by the summary and the sections (worked out once) -------------

    def rhythm(self) -> Any:
        t = self.tables
        return self.cached("rhythm", lambda: an.meeting_rhythm(
            t["meeting_series"], t["meeting"], start=self.start, end=self.end))

    def participation(self) -> Any:
        t = self.tables
        return self.cached("participation", lambda: an.participation_summary(
            t["contribution"], t["meeting"], t["decision"], min_group=self.min_group))

    def audit(self) -> Any:
        return self.cached("audit", lambda: an.burden_audit(self.tables["burden"]))

    def health(self) -> Any:
        t = self.tables
        return self.cached("health", lambda: an.learning_health(
            t["learning"], t["share"], t["experiment"], t["review"], t["voice"]))

    # -- charts ------------------------------------------------------------------------

    def figure(self, chart: Any, numbers: str = "") -> str:
        """A chart with its numbers as HTML (:meth:`figure_block`, drawn and rendered now);
        ``numbers``: HTML a builder of :mod:`.html` made."""
        block = self.figure_block(chart, RawHtml(numbers) if numbers else None)
        self.draw([block])
        return blocks_html([block])

    def figure_block(self, chart: Any, numbers: Table | RawHtml | None = None) -> Figure:
        """A chart with its alt text and its numbers as a table, as a view model.

        In a public report the chart's people columns (``chart.people``) pass through
        :func:`privacy.suppress_counts`; when any of their cells is hidden the chart and
        its alt text (which draw and state those counts) are left out, and the numbers
        table is shown with the small counts "hidden". Other columns are shown
        as they are: see "Which numbers are counts of people" in :mod:`privacy`.

        ``numbers``: the section's own table of what the chart draws (built from the same
        gated, suppressed figures: it is shown as it is, also under a chart left out for
        its small counts), said once: in the chart's numbers fold when the chart is drawn
        or hidden, in the open when nothing is drawn.
        """
        if chart is None or getattr(chart, "figure", None) is None:
            alt = getattr(chart, "alt_text", "") if chart is not None else ""
            return Figure("none", alt=alt or "", fold=numbers)
        table = getattr(chart, "table", None)
        people = [c for c in getattr(chart, "people", ()) if table is not None and c in table]
        hidden = False
        if self.public and people and len(table):
            result = privacy.suppress_counts(table, people, self.threshold)
            hidden = result.any_suppressed
            table = result.display
        # The section's own numbers (already as the audience may see them, with its
        # headings and caption) stand, drawn or not: a hidden chart's own table names its
        # columns as the chart does ("Proposed") and would not say what it counts.
        fold = numbers
        if fold is None and table is not None and len(table):
            # A hidden chart's title is left out with it: it states the counts it draws.
            caption = ("The numbers behind this chart, with small counts hidden" if hidden
                       else chart.title)
            fold = Table.of_frame(table, caption=caption, counts=people)
        if hidden:
            # Not kept, so that no one reaches the counts it draws through the data.
            charts.release(chart)
            return Figure("hidden", fold=fold)
        return Figure("drawn", title=chart.title, fold=fold, chart=chart)

    def draw(self, blocks: list[Any]) -> None:
        """Draw each figure's chart as an inline SVG, once, in page order: its text stays
        text, readable on a phone and sharp in print; the alt text is its ``<title>``."""
        for block in blocks:
            if isinstance(block, Group):
                self.draw(block.blocks)
            if not isinstance(block, Figure) or block.chart is None or block.drawn_svg:
                continue
            n = self._cache["charts"] = self._cache.get("charts", 0) + 1
            block.drawn_svg = charts.to_svg(block.chart, prefix=f"chart-{n}")
            charts.release(block.chart)  # memory back before the next chart (big places)
            block.chart = None

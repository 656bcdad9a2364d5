"""The view models of report sections, and the builders that render them.

A section's content is data (:class:`SectionData`: headings, paragraphs, tables held as
DataFrames, figures holding their chart, cards, points and stories), rendered by the
Jinja templates ``templates/sections/section.html.j2`` and ``templates/macros.html.j2``
with autoescaping. So an analyst can change what a section shows (drop a row, reword a
caption) before it is rendered, and typed text is escaped in one place, by the template
engine, however the data was changed. Tables are accessible the same way everywhere
(captions, scrolling regions, count columns marked for the small-number checks).

The builders :func:`table_html`, :func:`frame_html`, :func:`cards` and :func:`empty_note`
render one piece straight away, through the same macros, for code that wants HTML.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from hls_workbook import templating
from hls_workbook.analysis import missing

#: A report lists at most this many records in one table (the most recent, or the first),
#: and says how many more there are: the page stays the same size however much a place
#: records. Totals, findings and charts still count every record.
#: (Read as ``html.LIST_LIMIT`` by the other modules, so it can be lowered in one place.)
LIST_LIMIT = 30

SECTION_TEMPLATE = "sections/section.html.j2"

#: A first column whose cells are all this short (a date: "25 June 2026", a statement in
#: the pulse chart's few words, 26 at most) prints unwrapped.
SHORT_CELL = 26


class Section:
    """A block of report HTML that notebooks display as it is."""

    def __init__(self, html_text: str) -> None:
        self.html = html_text

    def _repr_html_(self) -> str:
        return self.html

    def __str__(self) -> str:
        return self.html


# -- view models ---------------------------------------------------------------------


@dataclass
class Para:
    """A paragraph; ``cls`` is how the page marks it: "finding", "note", "empty", "lede"."""

    text: str
    cls: str = ""
    kind: ClassVar[str] = "para"


@dataclass
class Heading:
    text: str
    id: str = ""
    kind: ClassVar[str] = "heading"


@dataclass
class Table:
    """A table: ``frame``'s columns are its headings and its rows its rows, each cell
    shown as text (a missing value as nothing). ``numeric`` and ``counts`` name columns
    of numbers and of counts of people (right-aligned; counts checked for small
    numbers).

    ``grouped``: the first column names a group of rows (a statement and its parts of
    the system): shown once, as the heading of its rows, rather than repeated on each,
    which made a long table pages of the same words in print."""

    frame: pd.DataFrame
    caption: str = ""
    numeric: tuple[str, ...] = ()
    counts: tuple[str, ...] = ()
    grouped: bool = False
    kind: ClassVar[str] = "table"

    def headers(self) -> list[Any]:
        return list(self.frame.columns)

    def rows(self) -> list[list[Any]]:
        return [list(r) for r in self.frame.itertuples(index=False)]

    def groups(self) -> list[tuple[Any, list[list[Any]]]]:
        """Runs of rows with the same first cell: (that cell, the rows without it)."""
        out: list[tuple[Any, list[list[Any]]]] = []
        for row in self.rows():
            if out and out[-1][0] == row[0]:
                out[-1][1].append(row[1:])
            else:
                out.append((row[0], [row[1:]]))
        return out

    def css(self, i: int) -> str:
        """The class of column ``i``'s cells."""
        name = self.frame.columns[i]
        return "num count" if name in self.counts else "num" if name in self.numeric else ""

    def cell_css(self, i: int) -> str:
        """The class of column ``i``'s body cells: :meth:`css`, and "short" for a first
        column of short words (dates, months), which print keeps on one line: a wrapped
        date doubled a long table, while a first column of sentences (the pulse's
        statements) must wrap or the columns after it run off the page."""
        if i or self.css(i) or self.frame.empty:
            return self.css(i)
        short = all(len(str(v)) <= SHORT_CELL for v in self.frame.iloc[:, 0])
        return "short" if short else ""

    @classmethod
    def of(cls, headers: Sequence[str], rows: Iterable[Sequence[Any]], *, caption: str = "",
           numeric: Sequence[int] = (), counts: Sequence[int] = (), grouped: bool = False
           ) -> Table:
        """A table from its headings and rows; columns of numbers and counts by position.
        The cells keep their values (no column is converted to another type)."""
        headers = list(headers)
        frame = pd.DataFrame([list(r) for r in rows], columns=headers, dtype=object)
        return cls(frame, caption, tuple(headers[i] for i in numeric),
                   tuple(headers[i] for i in counts), grouped)

    @classmethod
    def of_frame(cls, df: pd.DataFrame, *, caption: str = "", counts: Sequence[str] = ()
                 ) -> Table:
        """A DataFrame's numbers as a report shows them (:func:`cell_text`), its columns'
        underscores as spaces; numeric columns found by type, `counts` named."""
        numeric = [i for i, c in enumerate(df.columns) if pd.api.types.is_numeric_dtype(df[c])
                   and not pd.api.types.is_bool_dtype(df[c])]
        count_idx = [i for i, c in enumerate(df.columns) if c in set(counts)]
        places = [_decimals(df[c]) for c in df.columns]
        rows = [[cell_text(v, d) for v, d in zip(r, places, strict=True)]
                for r in df.itertuples(index=False)]
        return cls.of([str(c).replace("_", " ") for c in df.columns], rows, caption=caption,
                      numeric=numeric, counts=count_idx)


@dataclass
class RawHtml:
    """HTML a builder of this module made (its typed text already escaped), for code
    that passes a figure its numbers as HTML (``GatedReport.figure``)."""

    text: str
    kind: ClassVar[str] = "raw"

    @property
    def html(self) -> Any:
        return templating.trusted(self.text)


#: In a chart's numbers, a first cell longer than this (in characters) is a sentence,
#: and any other cell longer than LONG_CELL wraps in a column beside the chart.
SENTENCE = 40
LONG_CELL = 18


@dataclass
class Figure:
    """A chart and its numbers. ``state``: "drawn" (the chart, titled with its finding,
    its numbers in a fold), "hidden" (a public chart that would draw a small count: left
    out with its title and chart, its numbers shown with those counts hidden) or "none"
    (nothing drawn: ``alt`` says why, and the numbers are shown in the open).

    ``chart`` is the chart object until the figure is rendered; its SVG is drawn then,
    once (:attr:`svg`)."""

    state: str
    title: str = ""
    alt: str = ""
    fold: Table | RawHtml | None = None
    chart: Any = field(default=None, repr=False)
    drawn_svg: str = field(default="", repr=False)
    kind: ClassVar[str] = "figure"

    @property
    def wide(self) -> bool:
        """Its numbers have sentences (a statement a row) or two or more columns of long
        words: printed under the chart, across the page, rather than beside it where every
        cell would wrap. Short cells (a rhythm, "24 of 26", a date) fit beside it."""
        if not isinstance(self.fold, Table) or self.fold.frame.empty:
            return False
        marked = set(self.fold.numeric) | set(self.fold.counts)
        longest = {c: self.fold.frame[c].astype(str).str.len().max()
                   for c in self.fold.frame.columns if c not in marked}
        first, *rest = self.fold.frame.columns
        return (longest.get(first, 0) > SENTENCE
                or sum(1 for c in rest if longest.get(c, 0) > LONG_CELL) >= 2)

    @property
    def svg(self) -> Any:
        """The drawn chart, passed to the page as it is: the package drew it, and its
        only text from a person (the alt text) was escaped when it was drawn."""
        return templating.trusted(self.drawn_svg)


@dataclass
class Cards:
    """Big numbers with labels; ``count`` marks them as counts of people."""

    items: list[tuple[str, str]]
    count: bool = True
    kind: ClassVar[str] = "cards"


@dataclass
class Point:
    """One point of a list: ``title`` in bold before it, ``aside`` in italics after it,
    ``link`` the id of the section that says more."""

    text: str
    title: str | None = None
    aside: str = ""
    link: str = ""
    link_text: str = ""


@dataclass
class Points:
    items: list[Point]
    kind: ClassVar[str] = "points"


@dataclass
class Story:
    """A story in its teller's words, with who told it, what it is about and when."""

    text: str
    why: str = ""
    who: str = ""
    role: str = ""
    about: str = ""
    when: str = ""
    kind: ClassVar[str] = "story"


@dataclass
class Group:
    """Blocks kept together in one box (the summary's)."""

    cls: str
    blocks: list[Any]
    kind: ClassVar[str] = "group"


Block = Para | Heading | Table | Figure | Cards | Points | Story | Group


@dataclass
class SectionData:
    """What one section shows, before it is rendered: the audience-safe data.

    ``frame``: "section" (one of the report's outline, with its heading), "aside" ("How we
    protect people") or "bare" (the introduction). Change ``blocks`` (or a table's
    ``frame``) and render it again to change the page."""

    key: str
    title: str
    blocks: list[Any]
    practices: tuple[str, ...] = ()
    frame: str = "section"
    anchor: str = ""

    def __post_init__(self) -> None:
        self.anchor = self.anchor or self.key

    def walk(self) -> Iterator[Any]:
        """Every block, those inside groups too, in page order."""
        def inner(blocks: list[Any]) -> Iterator[Any]:
            for b in blocks:
                yield b
                if isinstance(b, Group):
                    yield from inner(b.blocks)
        return inner(self.blocks)

    def every_table(self) -> list[Table]:
        """Every table, those in a figure's numbers too, in page order."""
        out = []
        for b in self.walk():
            if isinstance(b, Table):
                out.append(b)
            elif isinstance(b, Figure) and isinstance(b.fold, Table):
                out.append(b.fold)
        return out

    def table(self, name: str) -> Table:
        """The first table whose caption holds ``name``, else the first under a heading
        that holds it ("Learning timeline"): what an analyst sees on the page."""
        for t in self.every_table():
            if name.casefold() in t.caption.casefold():
                return t
        under = False
        for b in self.walk():
            if isinstance(b, Heading):
                under = name.casefold() in b.text.casefold()
            elif under and isinstance(b, Table):
                return b
            elif under and isinstance(b, Figure) and isinstance(b.fold, Table):
                return b.fold
        raise KeyError(f"No table {name!r} in {self.key!r}: "
                       + "; ".join(t.caption for t in self.every_table()))

    def figures(self) -> list[Figure]:
        return [b for b in self.walk() if isinstance(b, Figure)]

    def texts(self) -> list[str]:
        """The paragraphs' and points' words (what tests read instead of the HTML)."""
        out: list[str] = []
        for b in self.walk():
            if isinstance(b, Para):
                out.append(b.text)
            elif isinstance(b, Points):
                out += [p.text for p in b.items]
        return out


def render_section(data: SectionData) -> str:
    """A section's HTML (its figures must be drawn: see ``Report.render``)."""
    return templating.render(SECTION_TEMPLATE, data=data)


# -- builders: one piece as HTML, through the same macros ---------------------------------


def table_html(headers: Sequence[str], rows: Iterable[Sequence[Any]], *, caption: str = "",
               numeric: Sequence[int] = (), counts: Sequence[int] = (),
               grouped: bool = False) -> str:
    """An accessible table; `counts` marks columns of counts (checked for small numbers);
    `grouped`: rows grouped by their first cell (:class:`Table`)."""
    return templating.macro("table", Table.of(headers, rows, caption=caption,
                                        numeric=numeric, counts=counts, grouped=grouped))


def frame_html(df: pd.DataFrame, *, caption: str = "", counts: Sequence[str] = ()) -> str:
    """A DataFrame as a table; the columns named in `counts` (counts of people) are marked
    as counts, as :func:`table_html` marks them."""
    return templating.macro("table", Table.of_frame(df, caption=caption, counts=counts))


def cards(items: Iterable[tuple[str, str]], *, count: bool = True) -> str:
    """Big numbers with labels; `count` marks them as counts of people (checked in tests)."""
    return templating.macro("cards", list(items), count)


def empty_note(text: str) -> str:
    return templating.macro("note", text, "empty")


def blocks_html(blocks: Sequence[Any]) -> str:
    """Blocks (without figures to draw) as HTML."""
    return templating.macro("blocks", list(blocks))


def sentence_case(text: str) -> str:
    """Every sentence starts with a capital letter, whatever number or word was put at its
    start ("a hidden number of reviews ..." becomes "A hidden number of reviews ...")."""
    return re.sub(r"(^|[.!?]\s+)([a-z])", lambda m: m.group(1) + m.group(2).upper(), text)


def names_text(names: Sequence[Any]) -> str:
    """Names in order, the first LIST_LIMIT of them, then how many more."""
    limit = LIST_LIMIT
    names = sorted(str(n) for n in names if not missing(n))
    more = f" and {len(names) - limit:,} more" if len(names) > limit else ""
    return ", ".join(names[:limit]) + more


def cell_text(v: Any, decimals: int | None = None) -> str:
    """A cell as a report shows it; a number with ``decimals`` places (None: as few as it
    needs, up to two)."""
    if isinstance(v, bool | np.bool_):
        return "yes" if v else "no"
    if isinstance(v, float):
        if math.isnan(v):
            return "–"
        if decimals is None:
            decimals = 0 if v.is_integer() else 2
        return f"{v:,.{decimals}f}"
    return "" if v is None else str(v)


def _decimals(column: pd.Series) -> int | None:
    """The decimal places a column of numbers is shown with, the same in every row ('49.6',
    '12.0', not '49.60', '12'): none for whole numbers, else one or two as its values
    need. None for a column that is not of floats."""
    if not pd.api.types.is_float_dtype(column):
        return None
    values = column.dropna()
    for places in (0, 1):
        if ((values.round(places) - values.round(2)).abs() < 1e-9).all():
            return places
    return 2

"""Small HTML builders for report sections: every piece of typed text reaches the page
through :func:`esc`, and every table, card and note is built here.

Kept apart so that escaping happens in one place, and so that tables are accessible the same
way everywhere (captions, scrolling regions, count columns marked for the small-number
checks).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from hls_workbook import privacy
from hls_workbook.analysis import missing

#: Every piece of typed text reaches the HTML through this (None and NaN become "").
esc = privacy.escape

#: A report lists at most this many records in one table (the most recent, or the first),
#: and says how many more there are: the page stays the same size however much a place
#: records. Totals, findings and charts still count every record.
#: (Read as ``html.LIST_LIMIT`` by the other modules, so it can be lowered in one place.)
LIST_LIMIT = 30


class Section:
    """A block of report HTML that notebooks display as it is."""

    def __init__(self, html_text: str) -> None:
        self.html = html_text

    def _repr_html_(self) -> str:
        return self.html

    def __str__(self) -> str:
        return self.html


def table_html(headers: Sequence[str], rows: Iterable[Sequence[Any]], *, caption: str = "",
               numeric: Sequence[int] = (), counts: Sequence[int] = ()) -> str:
    """An accessible table; `counts` marks columns of counts (checked for small numbers)."""
    classes = {i: ' class="num"' for i in numeric}
    classes.update({i: ' class="num count"' for i in counts})
    head = "".join(f'<th scope="col"{classes.get(i, "")}>{esc(h)}</th>'
                   for i, h in enumerate(headers))
    body = []
    for row in rows:
        cells = "".join(f'<td{classes.get(i, "")}>{esc(v)}</td>' for i, v in enumerate(row))
        body.append(f"<tr>{cells}</tr>")
    cap = f"<caption>{esc(caption)}</caption>" if caption else ""
    # A wide table scrolls sideways on a phone or at 200% zoom: the scrolling box takes the
    # keyboard focus (tabindex) and is named after the table, so it can be scrolled by keys.
    name = esc(caption or "Table")
    return (f'<div class="table-wrap" role="region" tabindex="0" aria-label="{name}">'
            f"<table>{cap}<thead><tr>{head}</tr></thead>"
            f"<tbody>{''.join(body)}</tbody></table></div>")


def frame_html(df: pd.DataFrame, *, caption: str = "", counts: Sequence[str] = ()) -> str:
    """A DataFrame as a table; the columns named in `counts` (counts of people) are marked
    as counts, as :func:`table_html` marks them."""
    numeric = [i for i, c in enumerate(df.columns) if pd.api.types.is_numeric_dtype(df[c])
               and not pd.api.types.is_bool_dtype(df[c])]
    count_idx = [i for i, c in enumerate(df.columns) if c in set(counts)]
    rows = [[cell_text(v) for v in r] for r in df.itertuples(index=False)]
    return table_html([str(c).replace("_", " ") for c in df.columns], rows, caption=caption,
                      numeric=numeric, counts=count_idx)


def cards(items: Iterable[tuple[str, str]], *, count: bool = True) -> str:
    """Big numbers with labels; `count` marks them as counts of people (checked in tests)."""
    cls = "number count" if count else "number"
    inner = "".join(f'<div class="card"><span class="{cls}">{esc(n)}</span>'
                    f'<span class="label">{esc(label)}</span></div>' for n, label in items)
    return f'<div class="cards">{inner}</div>'


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


def empty_note(text: str) -> str:
    return f'<p class="empty">{esc(text)}</p>'


def cell_text(v: Any) -> str:
    if isinstance(v, bool | np.bool_):
        return "yes" if v else "no"
    if isinstance(v, float):
        return "–" if math.isnan(v) else (f"{v:,.0f}" if v.is_integer() else f"{v:,.2f}")
    return "" if v is None else str(v)

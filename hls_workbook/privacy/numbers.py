"""Small numbers: counts of people from 1 to threshold - 1 hidden, with secondary
suppression so that no hidden count can be worked out from the shown ones."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from hls_workbook.domain.values import missing as _missing
from hls_workbook.privacy.policy import MIN_PUBLIC_THRESHOLD

#: The one wording for every hidden number, in every table, tile, sentence and chart's
#: numbers: a small count, a count hidden so that a small one cannot be worked out, and
#: an average or share of too few people all read the same, so that the wording itself
#: gives nothing away. "How we protect people" in each report says once what it means.
HIDDEN_TEXT = "hidden"


@dataclass(frozen=True)
class SuppressedTable:
    """The result of :func:`suppress_counts`.

    ``display``: a copy of the frame with each count column as display text (and the
    total row and column, if asked for). ``suppressed``: True for every hidden cell
    (same index and count columns as the input). ``primary``: True for the small counts
    themselves; the rest of ``suppressed`` was hidden so that they cannot be worked out.
    ``note``: a sentence to print under the table when anything was hidden.
    """

    display: pd.DataFrame
    suppressed: pd.DataFrame
    primary: pd.DataFrame
    threshold: int

    @property
    def any_suppressed(self) -> bool:
        return bool(self.suppressed.to_numpy().any())

    @property
    def note(self) -> str:
        if not self.any_suppressed:
            return ""
        return hidden_note(self.threshold)


@dataclass(frozen=True)
class SuppressedSeries:
    """The result of :func:`suppress_series`: display text, masks and the total's text."""

    display: pd.Series
    suppressed: pd.Series
    primary: pd.Series
    total: str
    threshold: int
    note: str


def hidden_note(threshold: int) -> str:
    """What "hidden" means, in one sentence: the same wherever a hidden number is explained."""
    return (
        f"To protect people's privacy, a count from 1 to {threshold - 1} is shown as "
        f"'{HIDDEN_TEXT}', and so is any count that would let one be worked out from a "
        "total; a total that includes a hidden count is given as 'at least'."
    )


def _fmt(n: float) -> str:
    return f"{int(n):,}" if float(n).is_integer() else f"{n:,}"


def _counts_matrix(df: pd.DataFrame, count_cols: Sequence[str]) -> list[list[float]]:
    missing = [c for c in count_cols if c not in df]
    if missing:
        raise KeyError(f"suppress_counts: no column(s) {', '.join(map(str, missing))} to suppress")
    rows = []
    for values in df[list(count_cols)].astype(object).itertuples(index=False):
        row = []
        for v in values:
            if _missing(v):
                row.append(math.nan)
                continue
            try:
                f = float(v)
            except (TypeError, ValueError):
                raise ValueError(f"suppress_counts: {v!r} is not a count") from None
            if f < 0 or not f.is_integer():
                raise ValueError(f"suppress_counts: {v!r} is not a count (whole number, 0 or more)")
            row.append(f)
        rows.append(row)
    return rows


def suppress_counts(
    df: pd.DataFrame,
    count_cols: Sequence[str],
    threshold: int = MIN_PUBLIC_THRESHOLD,
    *,
    total_row: str | None = None,
    total_column: str | None = None,
) -> SuppressedTable:
    """Hide small counts so that nobody can be picked out of a public table.

    Primary: every count from 1 to ``threshold - 1`` is hidden (0 is shown as 0; a
    missing value as ""). Secondary: the row and column totals of the table may be known
    (printed here, or elsewhere in the report), so wherever a row or a column holds
    exactly one hidden count, its smallest other count (a non-zero one if there is one)
    is hidden too, until no row or column of two or more cells has exactly one hidden
    count. Both read :data:`HIDDEN_TEXT`, so the wording does not tell a small count
    from one hidden to protect it. Nothing hidden can then be found by
    subtracting the shown counts from a total.

    ``total_row`` (a label) adds a row of column totals, ``total_column`` (a name) a
    column of row totals. A total that includes a hidden count is shown as
    "at least N", N being the shown counts plus 1 for each small count: true, and no
    more than the reader already knows. ``threshold`` 0 or 1 hides nothing.
    """
    count_cols = list(count_cols)
    threshold = int(threshold)
    values = _counts_matrix(df, count_cols)
    n_rows, n_cols = len(values), len(count_cols)
    primary = [[not math.isnan(v) and 1 <= v < threshold for v in row] for row in values]
    hidden = [list(row) for row in primary]

    lines: list[list[tuple[int, int]]] = []
    if n_cols >= 2:
        lines += [[(i, j) for j in range(n_cols)] for i in range(n_rows)]
    if n_rows >= 2:
        lines += [[(i, j) for i in range(n_rows)] for j in range(n_cols)]
    changed = True
    while changed:
        changed = False
        for line in lines:
            cells = [(i, j) for i, j in line if not math.isnan(values[i][j])]
            if sum(hidden[i][j] for i, j in cells) != 1:
                continue
            candidates = [(values[i][j] == 0, values[i][j], i, j)
                          for i, j in cells if not hidden[i][j]]
            if not candidates:
                continue
            _zero, _v, i, j = min(candidates)
            hidden[i][j] = True
            changed = True

    def cell_text(i: int, j: int) -> str:
        v = values[i][j]
        if math.isnan(v):
            return ""
        if hidden[i][j]:
            return HIDDEN_TEXT
        return _fmt(v)

    def total_text(cells: list[tuple[int, int]]) -> str:
        present = [(i, j) for i, j in cells if not math.isnan(values[i][j])]
        if not present:
            return ""
        shown = sum(values[i][j] for i, j in present if not hidden[i][j])
        if not any(hidden[i][j] for i, j in present):
            return _fmt(shown)
        return "at least " + _fmt(shown + sum(primary[i][j] for i, j in present))

    display = df.copy()
    for j, col in enumerate(count_cols):
        display[col] = pd.Series([cell_text(i, j) for i in range(n_rows)],
                                 index=df.index, dtype=object)
    every = [(i, j) for i in range(n_rows) for j in range(n_cols)]
    if total_column is not None:
        display[total_column] = pd.Series(
            [total_text([(i, j) for j in range(n_cols)]) for i in range(n_rows)],
            index=df.index, dtype=object,
        )
    if total_row is not None:
        row: dict[str, Any] = {c: "" for c in display.columns}
        labels = [c for c in df.columns if c not in count_cols]
        if labels:
            row[labels[0]] = total_row
        for j, col in enumerate(count_cols):
            row[col] = total_text([(i, j) for i in range(n_rows)])
        if total_column is not None:
            row[total_column] = total_text(every)
        extra = pd.DataFrame([row], index=[total_row], columns=display.columns, dtype=object)
        display = pd.concat([display.astype(object), extra])

    suppressed = pd.DataFrame(hidden, index=df.index, columns=count_cols, dtype=bool)
    primary_df = pd.DataFrame(primary, index=df.index, columns=count_cols, dtype=bool)
    if n_rows == 0:
        suppressed = pd.DataFrame(False, index=df.index, columns=count_cols, dtype=bool)
        primary_df = suppressed.copy()
    return SuppressedTable(display, suppressed, primary_df, threshold)


def suppress_series(
    counts: pd.Series | Mapping[Any, Any] | Sequence[Any], threshold: int = MIN_PUBLIC_THRESHOLD
) -> SuppressedSeries:
    """:func:`suppress_counts` for one list of counts and its total.

    Returns the display text of each count (same index), the masks, and the total's
    text: exact when nothing is hidden, else "at least N".

    >>> r = suppress_series({"a": 12, "b": 3, "c": 20})
    >>> list(r.display), r.total
    (['hidden', 'hidden', '20'], 'at least 21')
    """
    series = counts if isinstance(counts, pd.Series) else pd.Series(
        dict(counts) if isinstance(counts, Mapping) else list(counts), dtype=object
    )
    frame = pd.DataFrame({"count": series.astype(object)})
    result = suppress_counts(frame, ["count"], threshold, total_row="__total__")
    body = result.display.iloc[:-1]
    display = pd.Series(list(body["count"]), index=series.index, dtype=object)
    return SuppressedSeries(
        display=display,
        suppressed=pd.Series(list(result.suppressed["count"]), index=series.index, dtype=bool),
        primary=pd.Series(list(result.primary["count"]), index=series.index, dtype=bool),
        total=str(result.display.iloc[-1]["count"]),
        threshold=result.threshold,
        note=result.note,
    )


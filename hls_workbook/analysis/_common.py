"""Small helpers shared by the analysis modules (not part of the public API)."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from hls_workbook.domain.model import Part, model_for
from hls_workbook.domain.values import missing
from hls_workbook.store.workbook import META_COLUMNS

#: The six parts of a local system, in the order the model lists them.
PARTS: tuple[str, ...] = tuple(p.value for p in Part)
#: Their labels, for people to read.
PART_LABELS: dict[str, str] = Part.labels()
#: The label used for a row that counts everyone together.
ALL = "all"
ALL_LABEL = "Everyone"


def frame(df: pd.DataFrame | None, kind: str) -> pd.DataFrame:
    """A copy of `df` with every column of the record kind present, one row per record.

    Accepts exactly what ``Workbook.table`` returns, and also None or a bare DataFrame
    (missing columns are added, empty). When several versions of a record are present
    (``history=True``), only the newest is kept.
    """
    cols = list(META_COLUMNS) + list(model_for(kind).model_fields)
    if df is None:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in cols})
    out = df.copy()
    for c in cols:
        if c not in out.columns:
            out[c] = pd.Series([None] * len(out), index=out.index, dtype="object")
    if len(out) and out["id"].notna().all() and out["id"].duplicated().any():
        out = out.sort_values(["id", "version"], kind="stable").drop_duplicates(
            "id", keep="last"
        )
    return out.reset_index(drop=True)


def text(value: Any) -> str | None:
    """A stored choice or text as a plain str, or None when empty."""
    if missing(value):
        return None
    out = str(value).strip()
    return out or None


def texts(series: pd.Series) -> pd.Series:
    """:func:`text` for a whole column at once: stripped strings, None where missing or blank."""
    out = np.full(len(series), None, dtype=object)
    present = series.notna().to_numpy()
    if present.any():
        given = series[present]
        if not pd.api.types.is_string_dtype(given.dtype) or given.dtype == object:
            given = given.astype("object").astype(str)  # numbers, lists: as str() gives them
        stripped = given.str.strip().to_numpy(dtype=object)
        out[present] = np.where(stripped == "", None, stripped)
    return pd.Series(out, index=series.index, dtype="object")


def _split_lists(values: np.ndarray, rows: np.ndarray, n: int) -> list[list[Any]]:
    """`values` gathered by row position (`rows`, already in row order): one list per row,
    made in one pass over the values (numpy does the grouping)."""
    counts = np.bincount(rows, minlength=n) if len(rows) else np.zeros(n, dtype="int64")
    return [chunk.tolist() for chunk in np.split(values, np.cumsum(counts)[:-1])]


def group_lists(values: pd.Series, index: pd.Index) -> pd.Series:
    """Values whose index repeats a row label, gathered into one list per row of `index`
    (in the order given; an empty list for a row with none)."""
    rows = index.get_indexer(values.index)
    keep = rows >= 0
    rows = rows[keep]
    order = np.argsort(rows, kind="stable")
    lists = _split_lists(values.to_numpy(dtype="object")[keep][order], rows[order], len(index))
    return pd.Series(lists, index=index, dtype="object")


def lists_by_row(mask: pd.DataFrame) -> pd.Series:
    """For each row of a boolean frame, the list of its column names that are True, in
    column order (an empty list where none is): a list column without a loop over rows."""
    rows, cols = np.nonzero(mask.to_numpy(dtype=bool))  # row by row, columns in order
    names = np.asarray(list(mask.columns), dtype="object")[cols]
    return pd.Series(_split_lists(names, rows, len(mask)), index=mask.index, dtype="object")


def as_list(value: Any) -> list[Any]:
    """A list field as a Python list (None and NaN become [])."""
    if isinstance(value, list | tuple | set):
        return list(value)
    if isinstance(value, np.ndarray):
        return value.tolist()
    return []


def as_dict(value: Any) -> dict[str, Any]:
    if isinstance(value, Mapping):
        return dict(value)
    return {}


def attendance_table(attendance: pd.Series) -> pd.DataFrame:
    """A column of attendance dicts (one per meeting) as a table with the same index: a
    column per part, the six in model order first, then any other in name order; values as
    stored, NaN where a part was not given."""
    records = attendance.map(as_dict).tolist()
    table = pd.DataFrame.from_records(records, index=attendance.index) if records else (
        pd.DataFrame(index=attendance.index))
    extra = sorted(str(c) for c in table.columns if c not in PARTS)
    return table.reindex(columns=[*PARTS, *extra])


def num(series: pd.Series) -> pd.Series:
    """A numeric column as float64, with NaN for anything missing or unreadable."""
    return pd.to_numeric(series, errors="coerce").astype("float64")


def dates(series: pd.Series) -> pd.Series:
    """A date column as datetime64[ns] (NaT where missing)."""
    return pd.to_datetime(series, errors="coerce").astype("datetime64[ns]")


def as_timestamp(value: dt.date | str | pd.Timestamp | None) -> pd.Timestamp | None:
    """A date given by a caller, as a midnight Timestamp (None stays None)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    ts = pd.Timestamp(value)
    if pd.isna(ts):
        return None
    return ts.tz_localize(None).normalize() if ts.tzinfo else ts.normalize()


def ids(series: pd.Series) -> pd.Series:
    """A link column as nullable integers."""
    return pd.to_numeric(series, errors="coerce").astype("Int64")


def gini(values: Iterable[float]) -> float:
    """The Gini coefficient of non-negative amounts: 0 = all equal, near 1 = one has all.

    NaN when there is nothing to compare (no values, or all zero). One value gives 0.
    """
    arr = np.asarray([v for v in values if not missing(v)], dtype=float)
    if arr.size == 0 or arr.sum() <= 0:
        return math.nan
    arr = np.sort(arr)
    n = arr.size
    # Mean absolute difference over all ordered pairs, divided by twice the mean.
    index = np.arange(1, n + 1)
    return float((2 * np.sum(index * arr) / (n * arr.sum())) - (n + 1) / n)


def part_label(part: str | None) -> str:
    if part is None:
        return "Not given"
    return PART_LABELS.get(part, str(part).replace("_", " ").capitalize())


def _plural_word(word: str) -> str:
    lower = word.lower()
    if lower.endswith("y") and len(lower) > 1 and lower[-2] not in "aeiou":
        return word[:-1] + "ies"
    if re.search(r"(s|x|z|ch|sh)$", lower):
        return word + "es"
    return word + "s"


def part_plural(part: str | None) -> str:
    """The part's label as a plural phrase for a sentence: 'commissioners or funders'."""
    label = part_label(part)
    if label.split(" ")[0].lower() in ("people", "someone", "everyone", "not"):
        return label[0].lower() + label[1:]
    pieces = []
    for piece in label.split(" or "):
        words = piece.split(" ")
        words[-1] = _plural_word(words[-1])
        pieces.append(" ".join(words))
    phrase = " or ".join(pieces)
    return phrase[0].lower() + phrase[1:]


def pct(share: float, digits: int = 0) -> str:
    """A share (0-1) as a percentage for a sentence: 0.613 -> '61%'."""
    if missing(share):
        return "an unknown share"
    return f"{share * 100:.{digits}f}%"


def share_table(
    counts: Mapping[str, float], order: Iterable[str], labels: Mapping[str, str],
    *, key: str, value: str = "count", denominator: float | None = None,
) -> pd.DataFrame:
    """One row per choice in `order` (zero when absent), with its count and share."""
    order = list(order)
    extra = [k for k in counts if k not in order]
    keys = order + sorted(extra, key=str)
    values = [float(counts.get(k, 0) or 0) for k in keys]
    total = float(sum(values)) if denominator is None else float(denominator)
    out = pd.DataFrame({
        key: keys,
        "label": [labels.get(k, str(k).replace("_", " ").capitalize()) for k in keys],
        value: values,
    })
    if all(float(v).is_integer() for v in values):
        out[value] = out[value].astype("int64")
    out["share"] = [v / total if total > 0 else math.nan for v in values]
    return out


def period_key(period: Any) -> tuple[int, int, int]:
    """Sort key for periods written 2026-Q3 or 2026-09 (a quarter sorts after its months)."""
    s = str(period)
    m = re.match(r"^(\d{4})-(?:Q([1-4])|(\d{2}))$", s)
    if not m:
        return (9999, 99, 9)
    year = int(m.group(1))
    if m.group(2):
        return (year, int(m.group(2)) * 3, 1)
    return (year, int(m.group(3)), 0)


def round_label(period: Any) -> str:
    """A round as a reader says it: '2026-Q2' as 'April to June 2026', '2026-09' as
    'September 2026'; anything else as it was typed."""
    s = str(period)
    m = re.match(r"^(\d{4})-(?:Q([1-4])|(\d{2}))$", s)
    if not m:
        return s
    year = int(m.group(1))
    if m.group(2):
        first = (int(m.group(2)) - 1) * 3 + 1
        return (f"{dt.date(year, first, 1):%B} to {dt.date(year, first + 2, 1):%B} "
                f"{year}")
    month = int(m.group(3))
    return f"{dt.date(year, month, 1):%B %Y}" if 1 <= month <= 12 else s


def empty(columns: Iterable[str]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="object") for c in columns})

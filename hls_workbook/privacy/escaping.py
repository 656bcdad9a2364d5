"""Escaping: every piece of text a person typed goes through :func:`escape` into HTML."""

from __future__ import annotations

import html
from collections.abc import Iterable
from typing import Any

import pandas as pd

from hls_workbook.domain.values import missing as _missing


def escape(text: Any) -> str:
    """HTML-escape text a person typed (``&``, ``<``, ``>``, ``"``, ``'``); None gives ""."""
    if _missing(text):
        return ""
    return html.escape(str(text), quote=True)


def escape_frame(df: pd.DataFrame, columns: Iterable[str] | None = None) -> pd.DataFrame:
    """A copy of ``df`` with the given (default: every text) column escaped for HTML."""
    out = df.copy()
    if columns is None:
        columns = [c for c in out.columns
                   if out[c].dtype == object or pd.api.types.is_string_dtype(out[c])]
    for col in columns:
        out[col] = out[col].map(escape).astype(object)
    return out


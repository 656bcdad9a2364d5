"""Copies of workbook databases for tests that change one (the original only read)."""

from __future__ import annotations

import sqlite3
from pathlib import Path


def copy_db(src: Path, dst: Path) -> Path:
    """A consistent copy of a SQLite workbook (the WAL included), never touching `src`."""
    source, target = sqlite3.connect(src), sqlite3.connect(dst)
    try:
        source.backup(target)
    finally:
        source.close()
        target.close()
    return dst

"""HLS Workbook: a reflective-practice workbook for teams working the Human Learning Systems way.

The public API for analysts:

>>> from hls_workbook import open_workbook
>>> wb = open_workbook("data/demo.db")
>>> voices = wb.table("voices", place="millbrook")

Heavy libraries (pandas, matplotlib, papermill) are imported only when used, so a form
opens quickly.
"""

from typing import Any

from hls_workbook.domain.errors import DatabaseError, NewerDatabaseError, RecordError, WorkbookError

#: Imported when first used (PEP 562): the store and the model pull in SQLAlchemy and
#: pydantic (about 0.35 s), which a command that starts a report kernel should not wait
#: for before starting it.
_LAZY = {
    "RECORD_KINDS": "hls_workbook.domain.model",
    "model_for": "hls_workbook.domain.model",
    "Workbook": "hls_workbook.store.workbook",
    "open_workbook": "hls_workbook.store.workbook",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'hls_workbook' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *_LAZY])


__version__ = "0.1.0"

__all__ = [
    "RECORD_KINDS",
    "DatabaseError",
    "NewerDatabaseError",
    "RecordError",
    "Workbook",
    "WorkbookError",
    "model_for",
    "open_workbook",
]

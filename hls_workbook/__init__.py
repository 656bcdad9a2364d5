"""HLS Workbook: a reflective-practice workbook for teams working the Human Learning Systems way.

The public API for analysts:

>>> from hls_workbook import open_workbook
>>> wb = open_workbook("data/demo.db")
>>> voices = wb.table("voices", place="millbrook")

Heavy libraries (pandas, matplotlib, papermill) are imported only when used, so a form
opens quickly.
"""

from hls_workbook.domain.errors import DatabaseError, NewerDatabaseError, RecordError, WorkbookError
from hls_workbook.domain.model import RECORD_KINDS, model_for
from hls_workbook.store.workbook import Workbook, open_workbook

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

"""The store: the only door to the database.

``workbook`` holds :class:`Workbook`, which saves every answer as a new version, searches,
keeps drafts and erases withdrawn stories. It is built from one part per concern:
``engine`` (the URL, transactions, retries and errors), ``schema`` (tables and
migrations), ``writing``, ``reading`` (lists, search, DataFrames), ``consent`` (withdrawal
and erasure) and ``drafts`` (drafts, wishes to talk, change stamps). ``checks`` finds
problems for ``hls-workbook validate`` without changing anything.

May import: ``hls_workbook.domain`` and ``hls_workbook.config``. No other package imports
SQLAlchemy or a database driver (tests/test_architecture.py).
"""

from hls_workbook.store.workbook import Workbook, open_workbook

__all__ = ["Workbook", "open_workbook"]

"""The store: the only door to the database.

``workbook`` holds :class:`Workbook`, which saves every answer as a new version, searches,
keeps drafts and erases withdrawn stories; ``checks`` finds problems for
``hls-workbook validate`` without changing anything.

May import: ``hls_workbook.domain`` and ``hls_workbook.config``. No other package imports
SQLAlchemy or a database driver (tests/test_architecture.py).
"""

from hls_workbook.store.workbook import Workbook, open_workbook

__all__ = ["Workbook", "open_workbook"]

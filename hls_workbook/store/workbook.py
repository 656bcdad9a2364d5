"""The workbook database: every answer kept, every edit a new version, nothing lost.

SQLAlchemy Core over SQLite by default (WAL, a busy timeout and retries so several team
members' kernels can write at once); any SQLAlchemy URL works, so a team on JupyterHub can
share a PostgreSQL server (a plain ``postgresql://`` URL uses psycopg 3: the ``postgres``
extra). Busy, serialisation and deadlock errors are told by the driver's error codes and
retried with back-off (tenacity); an edit locks its record, so two people editing one
record at once never both save on top of the same version.

One table per record kind, with the model's fields as columns and these columns besides:

- ``id``: the record's number, the same across its versions and unique in the workbook;
- ``version``: 1 for the first save, +1 for every edit;
- ``place``: the place the record belongs to;
- ``recorded_at`` / ``superseded_at``: when this version was saved and when a newer one
  replaced it (empty while it is current), in UTC: what the team believed, and when;
- ``archived``: set by "archive" instead of deleting;
- ``recorded_by``: the part of the system of whoever saved it (never a name).

The Workbook is built from one part per concern, each in a module of its own: ``engine``
(URL, transactions, retries, errors), ``schema`` (tables and migrations), ``writing``,
``reading``, ``consent`` (withdrawal and erasure) and ``drafts`` (drafts, wishes to talk,
change stamps). This module joins them and keeps the names callers import from it.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from hls_workbook.config import DB_ENV, resolve_db
from hls_workbook.domain.errors import DatabaseError, NewerDatabaseError, RecordError, WorkbookError
from hls_workbook.domain.kinds import as_date
from hls_workbook.store.consent import Consent
from hls_workbook.store.drafts import DRAFT_CHARS, TALK_REQUEST, TALK_WISH, Draft, Drafts
from hls_workbook.store.engine import (
    BUSY_WAIT,
    RETRY_SQLITE_CODES,
    RETRY_SQLSTATES,
    URL_DRIVERS,
    Transactions,
    database_url,
    shown_location,
)
from hls_workbook.store.reading import PART_LABELS, PERIOD_VIA, Listing, Reading, frame_for
from hls_workbook.store.schema import (
    DRAFTS,
    META_COLUMNS,
    METADATA,
    MIGRATIONS,
    NEW_DRAFT,
    SCHEMA_VERSION,
    TABLES,
    Schema,
    build_metadata,
)
from hls_workbook.store.writing import PLACE_RE, Writing, check_place

ENV_VAR = DB_ENV  # kept for callers of store.ENV_VAR


class Workbook(Drafts, Writing, Reading, Consent, Schema, Transactions):
    """One workbook database. Open it with :func:`open_workbook`."""

    def __init__(self, db: str | os.PathLike[str] | None = None, *, create: bool = True) -> None:
        self.location = resolve_db(db)
        self.shown = shown_location(self.location)  # for messages: never a password
        self._damaged = False  # set once SQLite has reported the file damaged
        try:
            self.url = database_url(self.location)
        except (ValueError, OSError) as exc:  # e.g. a NUL byte in the path
            raise DatabaseError(
                f"{self.shown!r} is not a usable database location ({exc}). Give a file "
                "path, or a database URL such as postgresql://host/workbook."
            ) from None
        self.is_sqlite = self.url.startswith("sqlite")
        if self.is_sqlite:
            path = Path(self.url.removeprefix("sqlite:///"))
            self.path: Path | None = path
            if not path.exists():
                if not create:
                    raise DatabaseError(
                        f"There is no workbook database at {path}. Check the path, or create "
                        "one with: hls-workbook init"
                    )
                try:
                    path.parent.mkdir(parents=True, exist_ok=True)
                except OSError as exc:
                    raise DatabaseError(
                        f"Cannot make the folder for the database at {path.parent}: "
                        f"{exc.strerror or exc}. Choose another place with --db."
                    ) from None
            elif path.is_dir():
                raise DatabaseError(f"{path} is a folder, not a database file. Give a file name.")
        else:
            self.path = None
        self.engine = self._make_engine()
        self._open_schema(create)


def open_workbook(db: str | os.PathLike[str] | None = None, *, create: bool = False) -> Workbook:
    """Open the workbook database: the one given, else $HLS_WORKBOOK_DB, else data/workbook.db.

    >>> wb = open_workbook("data/demo.db")
    >>> voices = wb.table("voices", place="millbrook")
    """
    return Workbook(db, create=create)


@contextmanager
def workbook(
    db: str | os.PathLike[str] | None = None, *, create: bool = False
) -> Iterator[Workbook]:
    wb = open_workbook(db, create=create)
    try:
        yield wb
    finally:
        wb.close()


#: What callers import from here (the names lived in this module before it was split).
__all__ = [
    "BUSY_WAIT", "DRAFTS", "DRAFT_CHARS", "ENV_VAR", "META_COLUMNS", "METADATA", "MIGRATIONS",
    "NEW_DRAFT", "PART_LABELS", "PERIOD_VIA", "PLACE_RE", "RETRY_SQLITE_CODES",
    "RETRY_SQLSTATES", "SCHEMA_VERSION", "TABLES", "TALK_REQUEST", "TALK_WISH", "URL_DRIVERS",
    "DatabaseError", "Draft", "Listing", "NewerDatabaseError", "RecordError", "Workbook",
    "WorkbookError", "as_date", "build_metadata", "check_place", "database_url", "frame_for",
    "open_workbook", "resolve_db", "shown_location", "workbook",
]

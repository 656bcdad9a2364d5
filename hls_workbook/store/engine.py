"""Reaching the database: its URL, the SQLAlchemy engine, transactions, retries and errors.

Busy, serialisation and deadlock errors are told by the driver's error codes and retried
with back-off (tenacity); every other database error becomes one plain sentence (a
:class:`~hls_workbook.domain.errors.DatabaseError`). :class:`Transactions` is the part of
the Workbook that opens the engine and runs every read and write.
"""

from __future__ import annotations

import contextlib
import re
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any, Self

import sqlalchemy as sa
import tenacity
from sqlalchemy.engine import Connection, Engine

from hls_workbook.config import is_url
from hls_workbook.domain.errors import DatabaseError, RecordError, WorkbookError
from hls_workbook.store.schema import TABLES

#: How long a save or read keeps retrying while the database is busy, in seconds.
BUSY_WAIT = 30.0
#: PostgreSQL's SQLSTATEs worth a retry: serialisation failure, deadlock, lock not available.
RETRY_SQLSTATES = frozenset({"40001", "40P01", "55P03"})
#: SQLite's primary result codes worth a retry: SQLITE_BUSY and SQLITE_LOCKED.
RETRY_SQLITE_CODES = frozenset({sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED})
#: Drivers named by a plain URL scheme: SQLAlchemy 2 would pick psycopg2 for postgresql://.
URL_DRIVERS = {"postgresql": "postgresql+psycopg", "postgres": "postgresql+psycopg"}


def shown_location(db: str) -> str:
    """The database location as it may appear in a message: a URL's password hidden."""
    if not is_url(db):
        return db
    try:
        return sa.engine.make_url(db).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - a URL we cannot parse: show only its scheme
        return db.split("://", 1)[0] + "://..."


def database_url(db: str) -> str:
    """The SQLAlchemy URL for a location: a file path becomes a SQLite URL, and a plain
    ``postgresql://`` (or ``postgres://``) URL names psycopg 3 as its driver."""
    if is_url(db):
        scheme, rest = db.split("://", 1)
        return f"{URL_DRIVERS.get(scheme.lower(), scheme)}://{rest}"
    return "sqlite:///" + str(Path(db).expanduser().resolve())


def _fold(value: Any) -> Any:
    return value.casefold() if isinstance(value, str) else value


def _driver_error(exc: BaseException) -> BaseException:
    """The driver's own exception inside SQLAlchemy's wrapper."""
    return getattr(exc, "orig", None) or exc


def _sqlite_code(exc: BaseException) -> int | None:
    """SQLite's primary result code (SQLITE_BUSY, SQLITE_READONLY...), or None."""
    code = getattr(_driver_error(exc), "sqlite_errorcode", None)
    return code & 0xFF if isinstance(code, int) else None


def _sqlstate(exc: BaseException) -> str | None:
    """A server database's SQLSTATE (psycopg 3: sqlstate; psycopg2: pgcode), or None."""
    orig = _driver_error(exc)
    state = getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)
    return state if isinstance(state, str) else None


def _is_busy(exc: BaseException) -> bool:
    """Worth another try: busy or locked (SQLite), a serialisation failure, a deadlock or a
    lock not available (PostgreSQL). Told by the driver's error code, never by the words
    of the message (which may quote the SQL and the values)."""
    if not isinstance(exc, sa.exc.DBAPIError):
        return False
    return _sqlite_code(exc) in RETRY_SQLITE_CODES or _sqlstate(exc) in RETRY_SQLSTATES


def _first_line(text: str) -> str:
    """A driver's message as one plain sentence: the first line, capitalised, no period."""
    line = next((ln.strip() for ln in str(text).splitlines() if ln.strip()), "")
    line = re.sub(r"^\(?[\w.]+(Error|Exception|Violation)\)?:?\s*", "", line).strip()
    line = line.rstrip(". ")
    return line[:1].upper() + line[1:] if line else "no reason given"


def _connection_reason(text: str) -> str:
    """Why libpq could not connect, in its own few words (e.g. 'Connection refused')."""
    line = " ".join(text.split())
    for mark in ("FATAL:", "failed:"):
        if mark in line:
            line = line.rsplit(mark, 1)[1]
            break
    line = line.split(" Is the server running")[0]
    return _first_line(line)


def _newer_version_error(kind: str, version: int | None = None) -> RecordError:
    """The friendly refusal when someone else saved the record first."""
    newer = f" (version {version})" if version is not None else ""
    return RecordError(
        {"version": (
            f"someone else saved a newer version{newer} while you were editing; your text "
            "is kept in the form: reload the record, then add your changes again"
        )},
        kind,
    )


def _version_clash(exc: BaseException, code: int | None, state: str | None) -> str | None:
    """The record kind when exc is two saves of the same version of a record (the unique
    constraint on id and version), else None."""
    if code == sqlite3.SQLITE_CONSTRAINT:
        found = re.search(r"unique constraint failed: (\w+)\.id, \1\.version",
                          str(_driver_error(exc)).lower())
        return found.group(1) if found and found.group(1) in TABLES else None
    if state == "23505":
        diag = getattr(_driver_error(exc), "diag", None)
        name = str(getattr(diag, "constraint_name", "") or "")
        found = re.fullmatch(r"uq_(\w+)_id_version", name)
        return found.group(1) if found and found.group(1) in TABLES else None
    return None


class Transactions:
    """The engine and its transactions: every read and write goes through :meth:`read` and
    :meth:`write`, retried while the database is busy."""

    def _make_engine(self) -> Engine:
        if not self.is_sqlite:
            try:
                return sa.create_engine(self.url, pool_pre_ping=True)
            except (sa.exc.ArgumentError, ImportError) as exc:
                raise DatabaseError(
                    f"Cannot use the database at {self.shown}: {_first_line(str(exc))}. Check "
                    "the URL; a server database needs its driver installed (for PostgreSQL: "
                    "pip install 'hls-workbook[postgres]')."
                ) from None
        engine = sa.create_engine(
            self.url,
            connect_args={"timeout": 10, "check_same_thread": False},
        )

        @sa.event.listens_for(engine, "connect")
        def _on_connect(dbapi_conn: sqlite3.Connection, _record: Any) -> None:
            dbapi_conn.isolation_level = None  # we issue BEGIN ourselves, below
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA busy_timeout = 10000")
            with contextlib.suppress(sqlite3.OperationalError):  # read-only: reads still work
                cur.execute("PRAGMA journal_mode = WAL")
            cur.execute("PRAGMA synchronous = FULL")
            cur.execute("PRAGMA foreign_keys = ON")
            # Withdrawn stories are overwritten on disk too, not just unlinked.
            cur.execute("PRAGMA secure_delete = ON")
            cur.close()
            # Case-insensitive search beyond ASCII (SQLite's own lower() is ASCII only).
            dbapi_conn.create_function("hls_fold", 1, _fold, deterministic=True)

        @sa.event.listens_for(engine, "begin")
        def _on_begin(conn: Connection) -> None:
            # A writer takes the write lock at the start, so two writers never deadlock.
            mode = "IMMEDIATE" if conn.get_execution_options().get("hls_write") else "DEFERRED"
            conn.exec_driver_sql(f"BEGIN {mode}")

        return engine

    def _damaged_error(self) -> DatabaseError:
        return DatabaseError(
            f"The file at {self.shown} is not a workbook database or is damaged. It was not "
            "changed. Restore it from a backup, or choose another file with --db."
        )

    def _translate(self, exc: BaseException) -> WorkbookError:
        """One plain line for a database error, chosen by the driver's error code (SQLite's
        result code, PostgreSQL's SQLSTATE); the words of the message only when the driver
        gives no code."""
        where = self.shown
        orig = _driver_error(exc)
        code, state = _sqlite_code(exc), _sqlstate(exc)
        text = str(orig or exc).lower()
        uncoded = code is None and state is None

        readonly = (code in (sqlite3.SQLITE_READONLY, sqlite3.SQLITE_PERM)
                    or state in ("42501", "25006")
                    or (uncoded and ("readonly" in text or "read-only" in text
                                     or "permission" in text)))
        cannot_open = code == sqlite3.SQLITE_CANTOPEN or (uncoded and "unable to open" in text)
        if readonly or cannot_open:
            # A connection opened read-only stays read-only: drop the pool, so that once
            # write access is given back, the next Submit opens a fresh connection.
            self.engine.dispose()
        if readonly:
            return DatabaseError(
                f"The database at {where} is read-only for you, so nothing was saved. Ask whoever "
                "looks after the workbook for write access, or choose another file with --db."
            )
        if (code in (sqlite3.SQLITE_NOTADB, sqlite3.SQLITE_CORRUPT)
                or (uncoded and self.is_sqlite and ("not a database" in text
                                                    or "malformed" in text))):
            # SQLite notices a damaged page only when it reads it. Once it has, write no
            # more to this file: what is left must stay as it is, for rescue.
            self._damaged = True
            return self._damaged_error()
        if (code in (sqlite3.SQLITE_FULL, sqlite3.SQLITE_IOERR)
                or (state or "").startswith(("53", "58"))
                or (uncoded and "disk" in text and ("full" in text or "i/o" in text))):
            return DatabaseError(
                f"The disk holding {where} is full or failing, so nothing was saved. Free some "
                "space and try again; what you typed is still in the form."
            )
        if cannot_open:
            return DatabaseError(
                f"Cannot open the database at {where}. Check that the folder exists and that "
                "you may write there."
            )
        if _is_busy(exc):
            return DatabaseError(
                "The database is busy with other people's saves. Nothing was lost: please "
                "press Submit again in a moment."
            )
        kind = _version_clash(exc, code, state)
        if kind is not None:
            return _newer_version_error(kind)
        if not self.is_sqlite and uncoded:
            # libpq gives no SQLSTATE for a refused connection: only its words tell why.
            reason = _connection_reason(str(orig))
            if re.search(r'database ".*" does not exist', reason, re.I):
                state = "3D000"
            elif re.search(r"authentication failed|role .* does not exist|pg_hba\.conf",
                           reason, re.I):
                state = "28000"
        if state == "3D000":
            return DatabaseError(
                f"There is no database at {where}. Check the name in the URL, or ask whoever "
                "looks after the server to create it."
            )
        if state in ("28000", "28P01"):
            return DatabaseError(
                f"The database server at {where} refused the login. Check the user name and "
                "password in the URL (or in ~/.pgpass)."
            )
        if not self.is_sqlite and (uncoded or (state or "").startswith(("08", "57P"))):
            return DatabaseError(
                f"Cannot reach the database server at {where} "
                f"({_connection_reason(str(orig))}). Check that it is running and that the "
                "URL is right."
            )
        return DatabaseError(
            f"The database at {where} could not be used: {_first_line(str(orig or exc))}."
        )

    def _retrying(self) -> tenacity.Retrying:
        """Retry while the database is busy (see _is_busy): random exponential back-off
        from 20 ms up to half a second, for at most BUSY_WAIT seconds."""
        return tenacity.Retrying(
            retry=tenacity.retry_if_exception(lambda exc: _is_busy(exc)),
            wait=tenacity.wait_random_exponential(multiplier=0.02, max=0.5),
            stop=tenacity.stop_after_delay(BUSY_WAIT),
            reraise=True,
        )

    def _with_retry(self, fn: Callable[[Connection], Any], *, write: bool) -> Any:
        """Run fn in one transaction; retry with back-off while the database is busy."""
        if write and self._damaged:
            raise self._damaged_error()

        def once() -> Any:
            with self.engine.connect() as conn:
                conn = conn.execution_options(hls_write=write)
                with conn.begin():
                    return fn(conn)

        try:
            return self._retrying()(once)
        except sa.exc.DBAPIError as exc:
            raise self._translate(exc) from None

    def write(self, fn: Callable[[Connection], Any]) -> Any:
        """Run fn(conn) as one write transaction (all or nothing)."""
        return self._with_retry(fn, write=True)

    def read(self, fn: Callable[[Connection], Any]) -> Any:
        return self._with_retry(fn, write=False)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Workbook({self.shown!r})"


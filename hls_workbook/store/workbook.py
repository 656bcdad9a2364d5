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
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import re
import secrets
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
import tenacity
from sqlalchemy.engine import Connection, Engine

from hls_workbook.config import DB_ENV, is_url, resolve_db
from hls_workbook.domain.errors import DatabaseError, NewerDatabaseError, RecordError, WorkbookError
from hls_workbook.domain.kinds import Column, Equals, OneOf
from hls_workbook.domain.model import RECORD_KINDS, Choice, Part, Record, Voice, model_for

#: 2: the clearance table (a person's check of text before sharing). 3: review.signs_seen.
#: 4: the draft table (what a person typed into a form and has not yet submitted).
#: 5: the feedback table (a note back to a storyteller) and voice.consent_tell_back.
SCHEMA_VERSION = 5
ENV_VAR = DB_ENV  # kept for callers of store.ENV_VAR
PLACE_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
META_COLUMNS = ("id", "version", "place", "recorded_at", "superseded_at", "archived",
                "recorded_by")
PART_LABELS = Part.labels()
#: Record kinds placed in a period through another record (kind field -> linked kind).
PERIOD_VIA = {"contribution": ("meeting", "meeting")}
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


# ---------------------------------------------------------------------------
# Schema, generated from the models
# ---------------------------------------------------------------------------


#: The SQL type of each kind of column (a field's kind says which: kinds.FieldKind.column).
_COLUMN_TYPES: dict[Column, Callable[[], sa.types.TypeEngine[Any]]] = {
    Column.TEXT: sa.Text,
    Column.CHOICE: lambda: sa.String(60),
    Column.INTEGER: sa.Integer,
    Column.FLOAT: sa.Float,
    Column.BOOLEAN: sa.Boolean,
    Column.DATE: sa.Date,
    Column.JSON: sa.JSON,
}


def build_metadata() -> tuple[sa.MetaData, dict[str, sa.Table]]:
    md = sa.MetaData()
    sa.Table(
        "meta", md,
        sa.Column("key", sa.String(60), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
    )
    sa.Table(
        "record_ids", md,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("place", sa.String(63), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    # What was typed into a form and not yet submitted (see Workbook.save_draft): not a
    # record kind, so never in a table(), an export or a report.
    sa.Table(
        "draft", md,
        sa.Column("place", sa.String(63), primary_key=True),
        sa.Column("kind", sa.String(40), primary_key=True),
        sa.Column("record", sa.String(20), primary_key=True),  # a record's id, or "new"
        sa.Column("role", sa.String(60), primary_key=True),  # "" when no role was given
        sa.Column("saved_at", sa.DateTime, nullable=False),
        sa.Column("answers", sa.JSON, nullable=False),
    )
    tables = {}
    for kind, model in RECORD_KINDS.items():
        cols = [
            sa.Column("row_id", sa.Integer, primary_key=True, autoincrement=True),
            sa.Column("id", sa.Integer, nullable=False),
            sa.Column("version", sa.Integer, nullable=False),
            sa.Column("place", sa.String(63), nullable=False),
            sa.Column("recorded_at", sa.DateTime, nullable=False),
            sa.Column("superseded_at", sa.DateTime, nullable=True),
            sa.Column("archived", sa.Boolean, nullable=False, default=False),
            sa.Column("recorded_by", sa.String(60), nullable=True),
        ]
        for meta in model.fields_meta():
            column_type = _COLUMN_TYPES[meta.field_kind.column]()
            cols.append(sa.Column(meta.name, column_type, nullable=True))
        t = sa.Table(
            kind, md, *cols,
            sa.UniqueConstraint("id", "version", name=f"uq_{kind}_id_version"),
        )
        sa.Index(f"ix_{kind}_current", t.c.place, t.c.superseded_at)
        # A form's list: a place's current records, newest first, read a page at a time.
        sa.Index(f"ix_{kind}_list", t.c.place, t.c.superseded_at, t.c.archived, t.c.id)
        sa.Index(f"ix_{kind}_id", t.c.id)
        if model.date_field:
            sa.Index(f"ix_{kind}_date", t.c.place, t.c[model.date_field])
        # The change check (Workbook.change_stamp): a place's latest save, without a scan.
        sa.Index(f"ix_{kind}_saved", t.c.place, t.c.recorded_at)
        tables[kind] = t
    return md, tables


METADATA, TABLES = build_metadata()


def _fold(value: Any) -> Any:
    return value.casefold() if isinstance(value, str) else value


def _indexes() -> dict[str, sa.Index]:
    return {ix.name: ix for t in TABLES.values() for ix in t.indexes if ix.name}


def _missing_indexes(conn: Connection) -> list[str]:
    """The names of the indexes the tables should have and do not (tables that exist)."""
    if conn.dialect.name == "sqlite":
        rows = conn.exec_driver_sql(
            "SELECT type, name FROM sqlite_master WHERE type IN ('table', 'index')"
        ).all()
        tables = {name for kind, name in rows if kind == "table"}
        have = {name for kind, name in rows if kind == "index"}
    else:
        insp = sa.inspect(conn)
        tables = set(insp.get_table_names())
        have = {ix["name"] for found in insp.get_multi_indexes().values() for ix in found}
    return [name for name, ix in _indexes().items()
            if name not in have and ix.table is not None and ix.table.name in tables]


def _create_indexes(conn: Connection, names: Iterable[str]) -> None:
    indexes = _indexes()
    for name in names:
        indexes[name].create(conn, checkfirst=True)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


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


# ---------------------------------------------------------------------------
# The workbook
# ---------------------------------------------------------------------------


#: The key prefix of an anonymous wish to talk in the ``meta`` table (Workbook.wish_to_talk).
TALK_WISH = "talk_wish:"
#: The support request a wish to talk becomes: no role, no link, no words of the person.
TALK_REQUEST: dict[str, Any] = {
    "support_kind": "someone_to_talk_to",
    "description": "Someone would like someone to talk to (asked anonymously in a check-in).",
    "requested_by": None,
}


def _talk_wishes(conn: Connection, place: str, before: dt.date | None) -> list[str]:
    """The keys of a place's waiting wishes to talk (kept before ``before``, if given)."""
    meta = METADATA.tables["meta"]
    rows = conn.execute(sa.select(meta.c.key, meta.c.value)
                        .where(meta.c.key.like(TALK_WISH + "%"))).all()
    keys = []
    for key, value in rows:
        try:
            wish = json.loads(value)
        except ValueError:
            continue
        early = before is None or str(wish.get("on", "")) < before.isoformat()
        if wish.get("place") == place and early:
            keys.append(key)
    return sorted(keys)


class Workbook:
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

    # -- engine and transactions ------------------------------------------------

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

    def __enter__(self) -> Workbook:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Workbook({self.shown!r})"

    # -- schema --------------------------------------------------------------------

    def _open_schema(self, create: bool = True) -> None:
        def check(conn: Connection) -> int | None:
            insp = sa.inspect(conn)
            if not insp.has_table("meta"):
                if insp.get_table_names():
                    other = ", ".join(insp.get_table_names()[:3])
                    raise DatabaseError(
                        f"The database at {self.shown} already holds other tables ({other}) "
                        "and is not a workbook. It was not changed; choose another file with --db."
                    )
                return None
            row = conn.execute(
                sa.text("SELECT value FROM meta WHERE key = 'schema_version'")
            ).first()
            if row is None:
                return 0
            try:
                return int(row[0])
            except (TypeError, ValueError):
                raise DatabaseError(
                    f"The database at {self.shown} has a schema version we cannot read "
                    f"({row[0]!r}), so it is damaged or not a workbook. It was not changed. "
                    "Restore it from a backup, or choose another file with --db."
                ) from None

        found = self.read(check)
        if found is not None and found > SCHEMA_VERSION:
            raise NewerDatabaseError(
                f"The database at {self.shown} was made by a newer HLS Workbook (schema "
                f"{found}; this one understands up to {SCHEMA_VERSION}). It was not changed. "
                "Update HLS Workbook: pip install -U hls-workbook"
            )
        if found == SCHEMA_VERSION:
            self._add_missing_indexes()
            return
        if found is None and not create and not self.is_sqlite:
            # As for a missing file: reading never starts a workbook by mistake.
            self.close()
            raise DatabaseError(
                f"The database at {self.shown} holds no workbook yet. Check the URL, or "
                "create one there with: hls-workbook init --db URL"
            )
        self.write(lambda conn: self._migrate(conn, found))

    def _add_missing_indexes(self) -> None:
        """Add the indexes a newer version of the package defines (data is not touched).

        A database that cannot be written (read-only, busy for long) is used as it is:
        the indexes only make lists faster.
        """
        try:
            missing = self.read(_missing_indexes)
            if missing:
                self.write(lambda conn: _create_indexes(conn, missing))
        except WorkbookError:
            pass

    def _migrate(self, conn: Connection, found: int | None) -> None:
        """Create what is missing and add new columns: data is never dropped or rewritten."""
        METADATA.create_all(conn)
        _create_indexes(conn, _missing_indexes(conn))
        insp = sa.inspect(conn)
        for name, table in TABLES.items():
            have = {c["name"] for c in insp.get_columns(name)}
            fields = RECORD_KINDS[name].model_fields
            for col in table.columns:
                if col.name not in have:
                    ddl = col.type.compile(dialect=conn.dialect)
                    conn.exec_driver_sql(f'ALTER TABLE "{name}" ADD COLUMN "{col.name}" {ddl}')
                    # A question added later: earlier records take its default (a flag
                    # left unticked), so they still read as valid records.
                    default = getattr(fields.get(col.name), "default", None)
                    if isinstance(default, bool | int | float | str):
                        conn.execute(sa.update(table).values({col.name: getattr(
                            default, "value", default)}))
        for step in range((found or 0) + 1, SCHEMA_VERSION + 1):
            migration = MIGRATIONS.get(step)
            if migration:
                migration(conn)
        meta = METADATA.tables["meta"]
        conn.execute(sa.delete(meta).where(meta.c.key == "schema_version"))
        conn.execute(sa.insert(meta).values(key="schema_version", value=str(SCHEMA_VERSION)))
        if found is None:
            conn.execute(sa.insert(meta).values(key="created_at", value=_now().isoformat()))

    def schema_version(self) -> int:
        return self.read(
            lambda c: int(c.execute(sa.text("SELECT value FROM meta WHERE key='schema_version'"))
                          .scalar_one())
        )

    # -- writing ------------------------------------------------------------------

    def add(
        self,
        kind: str | Record,
        data: Mapping[str, Any] | Record | None = None,
        *,
        place: str,
        by: str | None = None,
    ) -> int:
        """Validate and save a new record; return its id. Raises RecordError naming the field."""
        record = _as_record(kind, data)
        place = check_place(place)
        return self.write(lambda conn: self._insert_new(conn, record, place, by))

    def add_many(
        self, items: Iterable[tuple[str, Mapping[str, Any] | Record]], *, place: str,
        by: str | None = None,
    ) -> list[int]:
        """Save many records in one transaction: all of them or none."""
        records = [_as_record(k, d) for k, d in items]
        place = check_place(place)
        return self.write(lambda conn: [self._insert_new(conn, r, place, by) for r in records])

    def insert(self, conn: Connection, record: Record, *, place: str, by: str | None = None,
               archived: bool = False) -> int:
        """Save a new record inside a transaction the caller holds (see :meth:`write`)."""
        rid = self._insert_new(conn, record, check_place(place), by)
        if archived:
            t = TABLES[record.kind]
            conn.execute(sa.update(t).where(t.c.id == rid).values(archived=True))
        return rid

    def _insert_new(self, conn: Connection, record: Record, place: str, by: str | None) -> int:
        self._check_links(conn, record, place)
        if record.about_story:
            _check_may_tell(conn, record)
        now = _now()
        ids = METADATA.tables["record_ids"]
        new_id = conn.execute(
            sa.insert(ids).values(kind=record.kind, place=place, created_at=now)
        ).inserted_primary_key[0]
        self._insert_version(conn, record, new_id, 1, place, now, by, archived=False)
        return int(new_id)

    def _insert_version(
        self, conn: Connection, record: Record, rid: int, version: int, place: str,
        now: dt.datetime, by: str | None, *, archived: bool,
    ) -> None:
        values = record.model_dump(mode="python")
        values = {k: (v.value if isinstance(v, Choice) else v) for k, v in values.items()}
        if record.kind == "voice" and values.get("consent_withdrawn"):
            values.update(Voice.withdrawn_values())
            values["consent_withdrawn_on"] = values.get("consent_withdrawn_on") or now.date()
        if record.about_story and _withdrawn(conn, values.get(record.about_story)):
            values.update(record.erased_with_story())  # words about a withdrawn story
        conn.execute(
            sa.insert(TABLES[record.kind]).values(
                id=rid, version=version, place=place, recorded_at=now, superseded_at=None,
                archived=archived, recorded_by=by, **values,
            )
        )

    def _check_links(self, conn: Connection, record: Record, place: str) -> None:
        problems = {}
        for meta in record.fields_meta():
            if not meta.link:
                continue
            value = getattr(record, meta.name)
            wanted = [value] if isinstance(value, int) else list(value or [])
            if not wanted:
                continue
            found = _linkable_ids(conn, meta.link, place, among=wanted)
            missing = [str(w) for w in wanted if w not in found]
            if missing:
                what = model_for(meta.link).title_plural.lower()
                problems[meta.name] = (
                    f"{meta.label}: there is no record numbered {', '.join(missing)} in "
                    f"{what} for this place; pick one from the list"
                )
        if problems:
            raise RecordError(problems, record.kind)

    def _current_row(self, conn: Connection, kind: str, rid: int) -> Mapping[str, Any]:
        t = TABLES[kind]
        row = conn.execute(
            sa.select(t).where(t.c.id == rid, t.c.superseded_at.is_(None))
        ).mappings().first()
        if row is None:
            raise RecordError(
                {"id": f"There is no {kind.replace('_', ' ')} numbered {rid} (it may be archived)"},
                kind,
            )
        return row

    def edit(
        self,
        kind: str,
        rid: int,
        changes: Mapping[str, Any] | Record,
        *,
        by: str | None = None,
        expected_version: int | None = None,
        archived: bool | None = None,
    ) -> int:
        """Save a new version of a record (the old one is kept); return the new version.

        ``expected_version`` guards against overwriting a colleague's edit made meanwhile.
        The record is locked for the edit (on SQLite the whole database is, by BEGIN
        IMMEDIATE; on a server its row in record_ids, SELECT ... FOR UPDATE), so the check of
        the version and the save are one step: of two edits of the same version, the second
        is refused with a plain message, never a clash in the database.
        """
        model = model_for(kind)
        withdrew = []

        def run(conn: Connection) -> int:
            withdrew.clear()
            self._lock_record(conn, rid)
            row = self._current_row(conn, model.kind, rid)
            if expected_version is not None and row["version"] != expected_version:
                raise _newer_version_error(model.kind, row["version"])
            withdrawn = model.kind == "voice" and bool(row["consent_withdrawn"])
            if withdrawn and (isinstance(changes, Record) or changes):
                raise RecordError(
                    {"consent_withdrawn": (
                        "Consent withdrawn: the storyteller took this story out, so its words "
                        "are gone and it cannot be changed or switched back on (it can only be "
                        "archived). If they want to share again, record a new story with their "
                        "new consent"
                    )},
                    model.kind,
                )
            if isinstance(changes, Record):
                record = changes
            else:
                current = {k: row[k] for k in model.model_fields}
                current.update(changes)
                record = model.validate_input(current)
            self._check_links(conn, record, row["place"])
            now = _now()
            t = TABLES[model.kind]
            if model.kind == "voice" and record.consent_withdrawn and not withdrawn:
                # Withdrawn now: the words leave every earlier version too, not just this one.
                conn.execute(sa.update(t).where(t.c.id == rid).values(**Voice.withdrawn_values()))
                _drop_drafts(conn, "voice", rid)
                _erase_about_story(conn, rid)
                withdrew.append(rid)
            conn.execute(
                sa.update(t).where(t.c.row_id == row["row_id"]).values(superseded_at=now)
            )
            version = row["version"] + 1
            self._insert_version(
                conn, record, rid, version, row["place"], now, by,
                archived=row["archived"] if archived is None else archived,
            )
            return version

        version = self.write(run)
        if withdrew:
            self._scrub("voice")
        return version

    def _lock_record(self, conn: Connection, rid: int) -> None:
        """Hold the record's lock until the transaction ends (a server database; SQLite's
        writers already hold the whole database). Its row in record_ids is locked, not its
        current version, which the edit itself replaces."""
        if self.is_sqlite:
            return
        ids = METADATA.tables["record_ids"]
        conn.execute(sa.select(ids.c.id).where(ids.c.id == rid).with_for_update())

    def _scrub(self, kind: str) -> None:
        """After words were erased on a server database: rewrite the table's files, so the
        old row versions holding the words are gone from them (PostgreSQL keeps a changed
        row's old version in the table until VACUUM; VACUUM FULL writes the table anew).
        SQLite needs nothing: secure_delete overwrites freed space at once. What may remain
        in the write-ahead log and in backups: docs/privacy.md."""
        if self.is_sqlite:
            return
        name = TABLES[kind].name
        reason = ""
        try:
            with self.engine.connect() as conn:
                conn = conn.execution_options(isolation_level="AUTOCOMMIT")
                # PostgreSQL only warns, and skips the table, when we may not VACUUM it.
                owner = conn.exec_driver_sql(
                    "SELECT pg_has_role(c.relowner, 'MEMBER') OR (SELECT rolsuper FROM "
                    "pg_roles WHERE rolname = current_user) FROM pg_class c "
                    f"WHERE c.oid = '\"{name}\"'::regclass").scalar()
                if owner:
                    conn.exec_driver_sql(f'VACUUM FULL "{name}"')
                    if kind == "voice":  # its drafts and the notes about it, erased with it
                        for other in ("draft", *_ABOUT_STORY):
                            conn.exec_driver_sql(f'VACUUM FULL "{other}"')
                else:
                    reason = "only the owner of the table may do that"
        except sa.exc.DBAPIError as exc:
            reason = _first_line(str(_driver_error(exc)))
        if reason:
            also = "".join(f", {t}" for t in ("draft", *_ABOUT_STORY)) if kind == "voice" else ""
            raise DatabaseError(
                "The story was withdrawn and its words erased, but the database could not "
                f"clean them out of its files ({reason}). Ask whoever looks after the "
                f"database to run: VACUUM FULL {name}{also}"
            )

    def archive(self, kind: str, rid: int, *, by: str | None = None) -> int:
        """Hide a record from lists and reports. It stays in the history; nothing is deleted."""
        return self.edit(kind, rid, {}, by=by, archived=True)

    def restore(self, kind: str, rid: int, *, by: str | None = None) -> int:
        return self.edit(kind, rid, {}, by=by, archived=False)

    def withdraw_consent(self, voice_id: int, *, on: dt.date | str | None = None,
                         by: str | None = None) -> int:
        """Take a story out for good: its words are erased from every version, today.

        This is the one place where the workbook removes text: the storyteller asked for
        it. The fact that a story was withdrawn, and when, is kept. Ticking "Consent
        withdrawn" in the form does the same (through :meth:`edit`). Links from decisions
        and learning stay: they point at a withdrawn story. The words of records about the
        story (a note back to its teller: a model's ``about_story``) are erased with it,
        in every version, and their drafts dropped. Withdrawing again only makes sure no
        words are left.
        """
        row = self.read(lambda c: self._current_row(c, "voice", voice_id))
        if row["consent_withdrawn"]:
            t = TABLES["voice"]

            def erase(c: Connection) -> None:  # words left behind (an old copy): erase them
                c.execute(sa.update(t).where(t.c.id == voice_id)
                          .values(**Voice.withdrawn_values()))
                _drop_drafts(c, "voice", voice_id)
                _erase_about_story(c, voice_id)

            self.write(erase)
            self._scrub("voice")
            return int(row["version"])
        return self.edit("voice", voice_id, {
            "consent_withdrawn": True, "consent_withdrawn_on": on or dt.date.today(),
        }, by=by)

    # -- drafts --------------------------------------------------------------------

    def save_draft(self, place: str, kind: str, record: int | str | None, role: str | None,
                   answers: Mapping[str, Any]) -> bool:
        """Keep what a person has typed into a form and not yet submitted, over any earlier
        draft of the same form: ``record`` is the id of the record being changed, or
        None (or "new") for a new one; ``role`` the part of the system of whoever types
        (never a name). ``answers``: the form's answers as plain JSON values.

        Drafts are the team's, like the records: never in a table, an export or a report.
        A draft of a withdrawn story is not kept (withdrawal erases its drafts too): returns
        False then, True when the draft is kept.
        """
        key = _draft_key(place, kind, record, role)
        try:
            text = json.dumps(dict(answers), ensure_ascii=False)
        except (TypeError, ValueError):
            raise RecordError({"draft": "A draft can only hold text, numbers, yes/no and lists"},
                              key[1]) from None
        if len(text) > DRAFT_CHARS:
            raise RecordError({"draft": "This draft is too long to keep; submit it in parts"},
                              key[1])
        values = json.loads(text)

        def run(conn: Connection) -> bool:
            if key[1] == "voice" and key[2] != NEW_DRAFT and _withdrawn(conn, key[2]):
                return False
            if key[1] in _ABOUT_STORY and _draft_about_withdrawn(conn, key, values):
                return False
            d = DRAFTS
            conn.execute(sa.delete(d).where(*_draft_where(key)))
            conn.execute(sa.insert(d).values(
                place=key[0], kind=key[1], record=key[2], role=key[3], saved_at=_now(),
                answers=values))
            return True

        return bool(self.write(run))

    def draft(self, place: str, kind: str, record: int | str | None,
              role: str | None) -> Draft | None:
        """The draft kept for a form (see :meth:`save_draft`), or None."""
        key = _draft_key(place, kind, record, role)
        d = DRAFTS
        row = self.read(lambda c: c.execute(
            sa.select(d.c.saved_at, d.c.answers).where(*_draft_where(key))).first())
        if row is None:
            return None
        answers = row.answers
        if isinstance(answers, str):  # a driver that hands JSON back as text
            answers = json.loads(answers)
        return Draft(dict(answers or {}), row.saved_at)

    def drop_draft(self, place: str, kind: str, record: int | str | None,
                   role: str | None) -> None:
        """Forget a form's draft (it was submitted, or the person discarded it)."""
        key = _draft_key(place, kind, record, role)
        self.write(lambda c: c.execute(sa.delete(DRAFTS).where(*_draft_where(key))))

    # -- wishes to talk ------------------------------------------------------------

    def wish_to_talk(self, place: str, on: dt.date | None = None) -> None:
        """Keep an anonymous "I would like someone to talk to" for a place, to be raised as
        a support request on a later day (:meth:`raise_talk_wishes`).

        It is kept in the ``meta`` table under a random key, with the place and the day
        only: no time, no role, no record id and no link to a check-in (so its order
        among the records says nothing). Never exported, never read by a report.
        """
        place = check_place(place)
        day = (on or dt.date.today()).isoformat()
        key = TALK_WISH + secrets.token_hex(12)
        meta = METADATA.tables["meta"]
        self.write(lambda conn: conn.execute(sa.insert(meta).values(
            key=key, value=json.dumps({"place": place, "on": day}))))

    def talk_wishes(self, place: str) -> int:
        """How many wishes to talk are waiting to be raised for a place."""
        return len(self.read(lambda conn: _talk_wishes(conn, check_place(place), None)))

    def raise_talk_wishes(self, place: str, on: dt.date | None = None) -> list[int]:
        """Raise every wish to talk kept for a place on a day before ``on`` (default today)
        as an open support request, dated ``on``; return their ids.

        Raised on a later day and when the team next looks (not when the person asked),
        with no role and no ``recorded_by``, a request cannot be matched to a check-in by
        its time, its id or its author. Two people raising at once raise each wish once.
        """
        place = check_place(place)
        today = on or dt.date.today()

        def run(conn: Connection) -> list[int]:
            meta = METADATA.tables["meta"]
            ids = []
            for key in _talk_wishes(conn, place, today):
                gone = conn.execute(sa.delete(meta).where(meta.c.key == key)).rowcount
                if gone:
                    record = _as_record("support", TALK_REQUEST | {"requested_on": today})
                    ids.append(self._insert_new(conn, record, place, None))
            return ids

        return list(self.write(run))

    # -- places --------------------------------------------------------------------

    def set_place(self, place: str, data: Mapping[str, Any], *, by: str | None = None) -> int:
        """Create the place, or save a new version of it."""
        place = check_place(place)
        existing = self.read(lambda c: _place_id(c, place))
        if existing is None:
            return self.add("place", data, place=place, by=by)
        self.edit("place", existing, data, by=by)
        return existing

    def place_info(self, place: str) -> dict[str, Any] | None:
        """The current name and focus of a place, or None (a light query: no pandas)."""
        t = TABLES["place"]
        row = self.read(
            lambda c: c.execute(
                sa.select(t.c.id, t.c.name, t.c.shared_focus)
                .where(t.c.place == place, t.c.superseded_at.is_(None))
            ).mappings().first()
        )
        return dict(row) if row else None

    def places(self) -> list[str]:
        t = TABLES["place"]
        return self.read(
            lambda c: list(
                c.execute(
                    sa.select(t.c.place).where(t.c.superseded_at.is_(None), ~t.c.archived)
                    .order_by(t.c.place)
                ).scalars()
            )
        )

    # -- reading -------------------------------------------------------------------

    def get(self, kind: str, rid: int) -> dict[str, Any]:
        """The current version of one record, as a dict (with id, version and place)."""
        model = model_for(kind)
        return dict(self.read(lambda c: self._current_row(c, model.kind, rid)))

    def listing(
        self,
        kind: str,
        place: str,
        *,
        columns: Iterable[str] | None = None,
        search: str = "",
        limit: int | None = None,
        ids: Iterable[int] | None = None,
    ) -> Listing:
        """A place's current records of a kind, newest first, as plain dicts (no pandas).

        Everything is done in the database, so a list beside a form reads only what it
        shows, however many records there are:

        - ``columns``: the fields to read (``id``, ``version``, ``recorded_at`` and
          ``recorded_by`` always come too); all fields when None;
        - ``search``: words that must each appear, ignoring case, in one of those fields as a
          list shows it (a choice by its label, a date as 2026-03-01, a record as #12), in
          the record's number, the day it was saved or the part of the system that saved it;
        - ``limit``: only the newest this many; ``ids``: only these records.

        Archived records are left out. The :class:`Listing` also says how many records
        match the search and how many there are in all.
        """
        model = model_for(kind)
        t = TABLES[model.kind]
        names = list(model.model_fields) if columns is None else list(dict.fromkeys(columns))
        unknown = [n for n in names if n not in model.model_fields]
        if unknown:
            raise KeyError(f"not fields of a {model.kind}: {', '.join(unknown)}")
        wanted = [*dict.fromkeys(["id", "version", "recorded_at", "recorded_by", *names])]
        current = sa.and_(t.c.place == place, t.c.superseded_at.is_(None),
                          t.c.archived == sa.false())
        words = search.casefold().split()
        if words and not self.is_sqlite:
            return self.read(lambda c: _listing_folded(c, t, model, names, wanted, current,
                                                       words, limit, ids))
        matching = current
        if words:
            matching = sa.and_(current, *(_word_in_sql(t, model, names, w) for w in words))
        q = sa.select(*[t.c[c] for c in wanted]).where(matching)
        if ids is not None:
            q = q.where(t.c.id.in_([int(i) for i in ids]))
        q = q.order_by(t.c.id.desc())
        if limit is not None:
            q = q.limit(max(0, int(limit)))

        def run(conn: Connection) -> Listing:
            rows = [dict(r) for r in conn.execute(q).mappings()]
            count = sa.select(sa.func.count()).select_from(t)
            total = int(conn.execute(count.where(current)).scalar_one())
            matched = (int(conn.execute(count.where(matching)).scalar_one()) if words
                       else total)
            return Listing(rows, matched, total)

        return self.read(run)

    def table(
        self,
        kind: str,
        place: str | None = None,
        *,
        start: dt.date | str | None = None,
        end: dt.date | str | None = None,
        history: bool = False,
        archived: bool = False,
        as_of: dt.datetime | str | None = None,
    ) -> Any:
        """Every record of a kind as a pandas DataFrame, filtered in the database.

        ``start``/``end`` keep records whose date falls in the period (inclusive);
        ``history=True`` returns every version; ``as_of`` what was current at that moment.
        """
        import pandas as pd

        model = model_for(kind)
        t = TABLES[model.kind]
        columns = [c.name for c in t.columns if c.name != "row_id"]
        q = sa.select(*[t.c[c] for c in columns])
        if place is not None:
            q = q.where(t.c.place == place)
        if as_of is not None:
            when = pd.Timestamp(as_of).to_pydatetime()
            q = q.where(t.c.recorded_at <= when,
                        sa.or_(t.c.superseded_at.is_(None), t.c.superseded_at > when))
        elif not history:
            q = q.where(t.c.superseded_at.is_(None))
        if not archived and not history:
            q = q.where(~t.c.archived)
        start_d = as_date(start)
        end_d = as_date(end)
        if start_d or end_d:
            if model.date_field:
                col = t.c[model.date_field]
                if start_d:
                    q = q.where(col >= start_d)
                if end_d:
                    q = q.where(col <= end_d)
            elif model.kind in PERIOD_VIA:
                fld, linked = PERIOD_VIA[model.kind]
                lt = TABLES[linked]
                lm = model_for(linked)
                sub = sa.select(lt.c.id).where(lt.c.superseded_at.is_(None))
                if start_d:
                    sub = sub.where(lt.c[lm.date_field] >= start_d)
                if end_d:
                    sub = sub.where(lt.c[lm.date_field] <= end_d)
                q = q.where(t.c[fld].in_(sub))
        q = q.order_by(t.c.id, t.c.version)
        # Plain tuples: pandas builds a frame from them several times faster than from
        # SQLAlchemy's rows, which it probes field by field (seconds for a big place).
        rows = self.read(lambda c: list(map(tuple, c.execute(q).all())))
        return frame_for(model, rows, columns)

    def tables(self, place: str | None = None, **kwargs: Any) -> dict[str, Any]:
        """Every record kind as a DataFrame, keyed by kind."""
        return {kind: self.table(kind, place, **kwargs) for kind in RECORD_KINDS}

    def history(self, kind: str, rid: int) -> Any:
        """Every version of one record, oldest first."""
        df = self.table(kind, history=True)
        return df[df["id"] == rid].reset_index(drop=True)

    def counts(self, place: str | None = None) -> dict[str, int]:
        """How many current records of each kind there are."""
        def run(conn: Connection) -> dict[str, int]:
            out = {}
            for kind, t in TABLES.items():
                q = sa.select(sa.func.count()).select_from(t).where(
                    t.c.superseded_at.is_(None), ~t.c.archived
                )
                if place is not None:
                    q = q.where(t.c.place == place)
                out[kind] = int(conn.execute(q).scalar_one())
            return out

        return self.read(run)

    def change_stamp(self, place: str, kinds: Iterable[str] | None = None) -> str:
        """A short fingerprint of everything saved for ``place``: it changes with every
        save, edit, archive or withdrawal (each adds or changes a version), so a batch can
        tell whether a report made earlier is still up to date. ``kinds``: only records of
        these kinds (what a form and its list show; every kind when None)."""
        def run(conn: Connection) -> str:
            digest = hashlib.sha256(place.encode())
            for kind, found in sorted(_stamp_rows(conn, place, kinds).items()):
                digest.update(f"{kind}:{found}".encode())
            return digest.hexdigest()[:32]

        return self.read(run)

    def change_stamps(self, place: str, kinds: Iterable[str]) -> dict[str, str]:
        """One short fingerprint per record kind for ``place``, read together: what a live
        form compares every few seconds to see that someone else saved (another kernel,
        another person), and which of the kinds it shows to read again.

        Every save, edit, archive, restore or withdrawal adds a version (rows are never
        deleted), so the count of a kind's rows grows with each; the latest
        ``recorded_at`` and ``superseded_at`` come from indexes. A few milliseconds for
        the kinds of one form at a place 100 times the demo's size (docs/collaboration.md).
        """
        return self.read(lambda conn: {
            kind: hashlib.sha256(f"{kind}:{found}".encode()).hexdigest()[:16]
            for kind, found in _stamp_rows(conn, place, kinds).items()
        })

    def current_rows(self, kind: str, place: str | None = None, *,
                     columns: Iterable[str] | None = None) -> list[dict[str, Any]]:
        """The current version of every record of a kind, archived ones too, oldest id
        first, as plain dicts (no pandas): what an export writes. ``place``: one place's
        only; ``columns``: the columns to read (fields and meta columns; all when None)."""
        model = model_for(kind)
        t = TABLES[model.kind]
        names = ([c.name for c in t.columns if c.name != "row_id"] if columns is None
                 else list(columns))
        q = sa.select(*[t.c[c] for c in names]).where(t.c.superseded_at.is_(None))
        if place is not None:
            q = q.where(t.c.place == place)
        q = q.order_by(t.c.id)
        return [dict(r) for r in self.read(lambda c: c.execute(q).mappings().all())]

    def current_ids(self, kind: str, place: str) -> set[int]:
        """The ids of a place's current records of a kind, archived ones too: what a link
        from that place may point at (an import checks its links with them)."""
        kind = model_for(kind).kind
        return self.read(lambda c: _linkable_ids(c, kind, place))

    def version_clashes(self) -> list[tuple[str, int, int]]:
        """Records with more than one current version, as (kind, id, how many): never
        made by the workbook itself (every edit supersedes the version it replaces), so
        each is damage for `hls-workbook validate` to report. Empty when all is well."""
        def run(conn: Connection) -> list[tuple[str, int, int]]:
            out = []
            for kind, t in TABLES.items():
                q = (sa.select(t.c.id, sa.func.count())
                     .where(t.c.superseded_at.is_(None)).group_by(t.c.id)
                     .having(sa.func.count() > 1))
                out += [(kind, int(rid), int(n)) for rid, n in conn.execute(q)]
            return out

        return self.read(run)

    def integrity_check(self) -> list[str]:
        """SQLite's own integrity check: an empty list when the file is sound."""
        if not self.is_sqlite:
            return []
        rows = self.read(lambda c: c.exec_driver_sql("PRAGMA integrity_check").scalars().all())
        return [] if rows == ["ok"] else list(rows)


@dataclass
class Listing:
    """Records read by :meth:`Workbook.listing`: the rows, newest first, and two counts."""

    rows: list[dict[str, Any]]
    #: how many current records match the search (all of them, not only the rows read)
    matched: int
    #: how many current records of the kind the place has
    total: int


def _word_matches(t: sa.Table, model: type[Record], names: list[str], word: str
                  ) -> tuple[list[sa.ColumnElement[bool]], list[str]]:
    """Where one search word is looked for (see listing): the tests done in SQL (the
    record's number, the day, choices by their label, dates, numbers, links), and the
    typed-text fields, whose text is matched after full Unicode case folding (so Straße
    and STRASSE match): by SQLite through hls_fold, on a server in Python."""

    def text(col: Any) -> Any:
        return sa.cast(col, sa.Text)

    def labelled(choices: Mapping[str, str]) -> list[str]:
        return [value for value, label in choices.items() if word in label.casefold()]

    found: list[Any] = [
        (sa.literal("#", sa.Text) + text(t.c.id)).contains(word, autoescape=True),
        sa.func.substr(text(t.c.recorded_at), 1, 10).contains(word, autoescape=True),
    ]
    typed: list[str] = []
    by = labelled(PART_LABELS)
    if by:
        found.append(t.c.recorded_by.in_(by))
    for name in names:
        meta = model.field_meta(name)
        col = t.c[name]
        matches = meta.field_kind.matches(word, meta.choices)
        if matches is None:
            typed.append(name)
            continue
        for match in matches:
            if isinstance(match, OneOf):
                found.append(col.in_(list(match.values)))
            elif isinstance(match, Equals):
                found.append(col == (sa.true() if match.value else sa.false()))
            else:
                where = text(col) if not match.prefix else sa.literal(match.prefix, sa.Text) \
                    + text(col)
                found.append(where.contains(match.text, autoescape=match.autoescape))
    return found, typed


def _word_in_sql(t: sa.Table, model: type[Record], names: list[str], word: str
                 ) -> sa.ColumnElement[bool]:
    """One search word as one SQL condition (SQLite: hls_fold is Python's casefold)."""
    found, typed = _word_matches(t, model, names, word)
    found += [sa.func.hls_fold(sa.cast(t.c[n], sa.Text)).contains(word, autoescape=True)
              for n in typed]
    return sa.or_(*found)


def _folded(value: Any) -> str:
    """A stored value's text as SQL's CAST(... AS TEXT) gives it, case-folded."""
    if value is None:
        return ""
    return (value if isinstance(value, str) else json.dumps(value)).casefold()


def _listing_folded(conn: Connection, t: sa.Table, model: type[Record], names: list[str],
                    wanted: list[str], current: Any, words: list[str], limit: int | None,
                    ids: Iterable[int] | None) -> Listing:
    """listing's search on a server database: what SQL can test is tested there (one yes/no
    column per word); the typed text of the current records is read and case-folded here,
    because PostgreSQL's lower() is not full case folding (and is ASCII-only in the C
    locale). Then only the newest matching records are read in full."""
    tests, typed = [], set()
    for word in words:
        found, names_typed = _word_matches(t, model, names, word)
        tests.append(sa.or_(*found).label(f"w{len(tests)}"))
        typed.update(names_typed)
    columns = sorted(typed)
    q = (sa.select(t.c.id, *tests, *[t.c[n] for n in columns]).where(current)
         .order_by(t.c.id.desc()))
    total = 0
    matched_ids = []
    for row in conn.execute(q):
        total += 1
        texts = [_folded(v) for v in row[1 + len(words):]]
        if all(row[1 + i] or any(word in text for text in texts)
               for i, word in enumerate(words)):
            matched_ids.append(int(row[0]))
    chosen = matched_ids
    if ids is not None:
        keep = {int(i) for i in ids}
        chosen = [i for i in chosen if i in keep]
    if limit is not None:
        chosen = chosen[:max(0, int(limit))]
    rows: list[dict[str, Any]] = []
    for start in range(0, len(chosen), 1000):
        part = chosen[start:start + 1000]
        rows += [dict(r) for r in conn.execute(
            sa.select(*[t.c[c] for c in wanted]).where(current, t.c.id.in_(part))
            .order_by(t.c.id.desc())).mappings()]
    return Listing(rows, len(matched_ids), total)


@dataclass(frozen=True)
class Draft:
    """A form's draft: its answers (plain JSON values, by field) and when it was saved (UTC)."""

    answers: dict[str, Any]
    saved_at: dt.datetime


DRAFTS = METADATA.tables["draft"]
#: The ``record`` of a draft of a new record.
NEW_DRAFT = "new"
#: The longest draft kept, in characters of JSON (a form's text fields hold far less).
DRAFT_CHARS = 500_000


def _stamp_rows(conn: Connection, place: str, kinds: Iterable[str] | None
                ) -> dict[str, tuple[Any, ...]]:
    """For each kind (every kind when None): its rows for ``place`` (every version), the
    latest recorded_at and the latest superseded_at. Each is a subquery of its own, so
    that each maximum is one step down an index rather than a scan of the place's rows."""
    names = (sorted(TABLES) if kinds is None
             else sorted({model_for(k).kind for k in kinds}))
    out: dict[str, tuple[Any, ...]] = {}
    for kind in names:
        t = TABLES[kind]
        mine = t.c.place == place
        q = sa.select(
            sa.select(sa.func.count()).select_from(t).where(mine).scalar_subquery(),
            sa.select(sa.func.max(t.c.recorded_at)).where(mine).scalar_subquery(),
            sa.select(sa.func.max(t.c.superseded_at)).where(mine).scalar_subquery(),
        )
        out[kind] = tuple(conn.execute(q).one())
    return out


def _draft_key(place: str, kind: str, record: int | str | None,
               role: str | None) -> tuple[str, str, str, str]:
    """(place, kind, record, role) as the draft table keeps them."""
    model = model_for(kind)
    if record in (None, "", NEW_DRAFT):
        rec = NEW_DRAFT
    else:
        try:
            rec = str(int(record))
        except (TypeError, ValueError):
            raise RecordError({"record": f"'{record}' is not a record's number"},
                              model.kind) from None
    return check_place(place), model.kind, rec, str(role or "")[:60]


def _draft_where(key: tuple[str, str, str, str]) -> list[Any]:
    d = DRAFTS
    return [d.c.place == key[0], d.c.kind == key[1], d.c.record == key[2], d.c.role == key[3]]


def _drop_drafts(conn: Connection, kind: str, rid: int) -> None:
    """Erase every draft of one record, whoever typed it (a withdrawn story's)."""
    d = DRAFTS
    conn.execute(sa.delete(d).where(d.c.kind == kind, d.c.record == str(int(rid))))


#: Kinds whose words are about one story (a model's ``about_story``), by that link field.
_ABOUT_STORY = {k: m.about_story for k, m in RECORD_KINDS.items() if m.about_story}


def _withdrawn(conn: Connection, voice_id: Any) -> bool:
    """Was the story numbered ``voice_id`` withdrawn (on any version)?"""
    try:
        vid = int(voice_id)
    except (TypeError, ValueError):
        return False
    t = TABLES["voice"]
    return conn.execute(sa.select(t.c.id).where(
        t.c.id == vid, t.c.consent_withdrawn.is_(True)).limit(1)).first() is not None


def _draft_about_withdrawn(conn: Connection, key: tuple[str, str, str, str],
                           answers: Mapping[str, Any]) -> bool:
    """Is a draft of a note about a story (``_ABOUT_STORY``) about a withdrawn one, by the
    story its answers name or the story of the saved record it changes?"""
    link = _ABOUT_STORY[key[1]]
    if _withdrawn(conn, answers.get(link)):
        return True
    if key[2] == NEW_DRAFT:
        return False
    t = TABLES[key[1]]
    story = conn.execute(sa.select(t.c[link]).where(t.c.id == int(key[2]))
                         .order_by(t.c.version.desc()).limit(1)).scalar()
    return _withdrawn(conn, story)


def _check_may_tell(conn: Connection, record: Record) -> None:
    """A new note back to a storyteller only where they agreed to be told what happened
    (a withdrawn story's note is saved erased, by ``_insert_version``)."""
    link = record.about_story or ""
    vid = getattr(record, link, None)
    if vid is None or _withdrawn(conn, vid):
        return
    t = TABLES["voice"]
    agreed = conn.execute(sa.select(t.c.consent_tell_back).where(
        t.c.id == int(vid), t.c.superseded_at.is_(None))).scalar()
    if not agreed:
        label = record.field_meta(link).label
        raise RecordError({link: (
            f"{label}: its teller has not said we may tell them what happened, so no note "
            "is written to them. Ask them first; if they agree, tick 'May we tell them "
            "what happened' on the story")}, record.kind)


def _erase_about_story(conn: Connection, voice_id: int) -> None:
    """A story was withdrawn: erase the words of every record about it (every version),
    and every draft of them, new notes naming it included."""
    for kind, link in _ABOUT_STORY.items():
        t = TABLES[kind]
        conn.execute(sa.update(t).where(t.c[link] == int(voice_id))
                     .values(**RECORD_KINDS[kind].erased_with_story()))
        for rid in set(conn.execute(sa.select(t.c.id).where(t.c[link] == int(voice_id)))
                       .scalars()):
            _drop_drafts(conn, kind, rid)
        d = DRAFTS
        for row in conn.execute(sa.select(d.c.place, d.c.kind, d.c.record, d.c.role,
                                          d.c.answers).where(d.c.kind == kind,
                                                             d.c.record == NEW_DRAFT)).all():
            answers = json.loads(row.answers) if isinstance(row.answers, str) else row.answers
            if str((answers or {}).get(link)) == str(int(voice_id)):
                conn.execute(sa.delete(d).where(*_draft_where(tuple(row)[:4])))


MIGRATIONS: dict[int, Callable[[Connection], None]] = {
    # n: function(conn) bringing schema n-1 to n, beyond adding tables and columns.
}


def _linkable_ids(conn: Connection, kind: str, place: str, *,
                  among: Iterable[int] | None = None) -> set[int]:
    """What a link from ``place`` may point at: the ids of the place's current records of
    ``kind`` (archived ones too), of ``among`` only when given. The one statement of the
    rule, for a save (``Workbook._check_links``) and an import (``current_ids``)."""
    t = TABLES[kind]
    q = sa.select(t.c.id).where(t.c.place == place, t.c.superseded_at.is_(None))
    if among is not None:
        q = q.where(t.c.id.in_(list(among)))
    return {int(i) for i in conn.execute(q).scalars()}


def _place_id(conn: Connection, place: str) -> int | None:
    t = TABLES["place"]
    return conn.execute(
        sa.select(t.c.id).where(t.c.place == place, t.c.superseded_at.is_(None))
    ).scalar()


def check_place(place: str) -> str:
    """A place's short name: lower-case letters, digits and hyphens (used in file names)."""
    value = str(place).strip().lower()
    if not PLACE_RE.match(value):
        raise RecordError(
            {"place": (
                f"Place: '{place}' is not a usable short name for a place; use lower-case letters, "
                "digits and hyphens, for example 'millbrook' or 'north-ward'"
            )}
        )
    return value


def _as_record(kind: str | Record, data: Mapping[str, Any] | Record | None) -> Record:
    if isinstance(kind, Record):
        return kind
    model = model_for(kind)
    if isinstance(data, Record):
        if not isinstance(data, model):
            raise RecordError({"kind": f"expected a {model.kind}, got a {data.kind}"})
        return data
    return model.validate_input(dict(data or {}))


def as_date(value: Any, what: str = "Period") -> dt.date | None:
    """A day given as a date, a datetime or ISO text (None or "" give None); the one place
    a typed day is read. A day that cannot be read is a RecordError naming ``what``."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        try:
            return dt.datetime.fromisoformat(text).date()
        except ValueError:
            raise RecordError(
                {"period": f"{what}: '{value}' is not a date we can read; write it like "
                           "2026-03-31"}
            ) from None


def frame_for(model: type[Record], rows: list[Any], columns: list[str]) -> Any:
    """Build the documented DataFrame for a kind: dates as datetime64, choices as text."""
    import pandas as pd

    df = pd.DataFrame.from_records(rows, columns=columns)
    for meta in model.fields_meta():
        if meta.field_kind.frame_dtype is not None:
            df[meta.name] = meta.field_kind.frame_column(df[meta.name])
    for col in ("recorded_at", "superseded_at"):
        df[col] = pd.to_datetime(df[col]).astype("datetime64[ns]")
    df["archived"] = df["archived"].astype(bool)
    df["id"] = df["id"].astype("int64")
    df["version"] = df["version"].astype("int64")
    return df


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

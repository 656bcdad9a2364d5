"""The database schema, generated from the record models, and its migrations.

One table per record kind (the model's fields as columns, beside the meta columns the
workbook keeps), the ``meta``, ``record_ids`` and ``draft`` tables, their indexes, and
:class:`Schema`, the part of the Workbook that opens a database and brings an older one
up to ``SCHEMA_VERSION`` (adding tables, columns and indexes; never dropping data).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from hls_workbook.domain.errors import DatabaseError, NewerDatabaseError, WorkbookError
from hls_workbook.domain.kinds import Column
from hls_workbook.domain.model import RECORD_KINDS

#: 2: the clearance table (a person's check of text before sharing). 3: review.signs_seen.
#: 4: the draft table (what a person typed into a form and has not yet submitted).
#: 5: the feedback table (a note back to a storyteller) and voice.consent_tell_back.
#: 6: experiments' and learning's ``values`` links. 7: draft.slot (two drafts of one form).
SCHEMA_VERSION = 7
META_COLUMNS = ("id", "version", "place", "recorded_at", "superseded_at", "archived",
                "recorded_by")


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
        # 1, 2, ...: a form keeps what is typed while an older draft is offered back in a
        # slot of its own, so neither overwrites the other (Workbook.save_draft).
        sa.Column("slot", sa.Integer, primary_key=True, autoincrement=False),
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
    """Now, in UTC without a zone, as the tables keep every time."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


DRAFTS = METADATA.tables["draft"]
#: The ``record`` of a draft of a new record.
NEW_DRAFT = "new"


def _draft_where(key: tuple[str, str, str, str], slot: int | None = None) -> list[Any]:
    """The drafts of one form (place, kind, record, role): every slot, or one."""
    d = DRAFTS
    where = [d.c.place == key[0], d.c.kind == key[1], d.c.record == key[2],
             d.c.role == key[3]]
    return where if slot is None else [*where, d.c.slot == int(slot)]


def _values_from_their_names(conn: Connection) -> None:
    """Schema 6: experiments and learning link the shared values they put into practice.
    Before, a value was typed as text (``value_shown``); where that text is the name of one
    of the place's agreed values, the new ``values`` link is filled in. The text stays."""
    values = METADATA.tables["value"]
    current = conn.execute(sa.select(values.c.id, values.c.place, values.c.value).where(
        values.c.superseded_at.is_(None))).all()
    by_name = {(place, str(name).strip().casefold()): vid for vid, place, name in current
               if name}
    for kind in ("experiment", "learning"):
        table = METADATA.tables[kind]
        rows = conn.execute(sa.select(table.c.row_id, table.c.place, table.c.value_shown).where(
            table.c.value_shown.is_not(None))).all()
        for row_id, place, text in rows:
            found = by_name.get((place, str(text).strip().casefold()))
            if found is not None:
                conn.execute(sa.update(table).where(table.c.row_id == row_id).values(
                    values=[found]))


def _draft_slots(conn: Connection) -> None:
    """Schema 7: a form keeps what is typed while an older draft is offered back as a draft
    of its own, so the draft table's key gains ``slot``; drafts kept before are slot 1.

    PostgreSQL changes the key in place, so the grants on the table (a writer may delete a
    draft: docs/deploy.md) stay. SQLite cannot change a table's key: its draft table is
    written anew (renamed, made again, copied, the old one dropped; secure_delete wipes it).
    """
    if "slot" in {c["name"] for c in sa.inspect(conn).get_columns("draft")}:
        return  # made just now, with its slot
    cols = "place, kind, record, role, saved_at, answers"
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("ALTER TABLE draft RENAME TO draft_before_slots")
        DRAFTS.create(conn)
        conn.exec_driver_sql(
            f"INSERT INTO draft ({cols}, slot) SELECT {cols}, 1 FROM draft_before_slots")
        conn.exec_driver_sql("DROP TABLE draft_before_slots")
        return
    key = sa.inspect(conn).get_pk_constraint("draft")["name"]
    conn.exec_driver_sql("ALTER TABLE draft ADD COLUMN slot INTEGER NOT NULL DEFAULT 1")
    conn.exec_driver_sql("ALTER TABLE draft ALTER COLUMN slot DROP DEFAULT")
    conn.exec_driver_sql(f'ALTER TABLE draft DROP CONSTRAINT "{key}"')
    conn.exec_driver_sql("ALTER TABLE draft ADD PRIMARY KEY (place, kind, record, role, slot)")


MIGRATIONS: dict[int, Callable[[Connection], None]] = {
    # n: function(conn) bringing schema n-1 to n, beyond adding tables and columns.
    6: _values_from_their_names,
    7: _draft_slots,
}


class Schema:
    """Opening a workbook database: its schema version checked, and migrated when older."""

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
                    # left unticked, an empty list of links), so they still read as
                    # valid records.
                    info = fields.get(col.name)
                    default = info.get_default(call_default_factory=True) if info else None
                    if isinstance(default, bool | int | float | str | list):
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


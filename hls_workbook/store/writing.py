"""Writing records: a new record, a new version of one, archiving, and places.

Every save is validated against its model, its links are checked, and an edit never
overwrites: it supersedes the current version and adds the next one, with the record
locked so two edits of the same version cannot both save. :class:`Writing` is the part of
the Workbook that saves.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from hls_workbook.domain.errors import RecordError
from hls_workbook.domain.model import Choice, Record, Voice, model_for
from hls_workbook.store.consent import _check_may_tell, _drop_drafts, _erase_about_story, _withdrawn
from hls_workbook.store.engine import _newer_version_error
from hls_workbook.store.reading import _linkable_ids, _place_id
from hls_workbook.store.schema import METADATA, TABLES, _now

PLACE_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")


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


class Writing:
    """Saving records: every save a new version, nothing overwritten."""

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

    def archive(self, kind: str, rid: int, *, by: str | None = None) -> int:
        """Hide a record from lists and reports. It stays in the history; nothing is deleted."""
        return self.edit(kind, rid, {}, by=by, archived=True)

    def restore(self, kind: str, rid: int, *, by: str | None = None) -> int:
        return self.edit(kind, rid, {}, by=by, archived=False)

    def set_place(self, place: str, data: Mapping[str, Any], *, by: str | None = None) -> int:
        """Create the place, or save a new version of it."""
        place = check_place(place)
        existing = self.read(lambda c: _place_id(c, place))
        if existing is None:
            return self.add("place", data, place=place, by=by)
        self.edit("place", existing, data, by=by)
        return existing


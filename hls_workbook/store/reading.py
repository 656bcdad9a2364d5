"""Reading records: one record, a form's list with its search, DataFrames, counts.

Everything is filtered in the database; a list beside a form reads only what it shows.
:class:`Reading` is the part of the Workbook that reads; ``frame_for`` is the one shape of
a kind's DataFrame (a day is read by :func:`hls_workbook.domain.kinds.as_date`).
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from operator import itemgetter
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from hls_workbook.domain.kinds import Equals, OneOf, as_date
from hls_workbook.domain.model import RECORD_KINDS, Part, Record, model_for
from hls_workbook.store.schema import TABLES

PART_LABELS = Part.labels()
#: Record kinds placed in a period through another record (kind field -> linked kind).
PERIOD_VIA = {"contribution": ("meeting", "meeting")}


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


def frame_for(model: type[Record], rows: list[Any], columns: list[str]) -> Any:
    """Build the documented DataFrame for a kind: dates as datetime64, choices as text.

    ``rows`` may hold the values as SQLAlchemy gives them or as SQLite stores them (dates
    as ISO text, flags as 0 and 1, lists and mappings as JSON text): pandas converts a
    column at a time either way, and a list or mapping given as text is read here."""
    import pandas as pd

    df = pd.DataFrame.from_records(rows, columns=columns)
    position = {name: i for i, name in enumerate(columns)}
    for meta in model.fields_meta():
        if meta.field_kind.container is not None and rows and meta.name in position:
            # From the rows, not the frame: pandas would turn a missing value into NaN.
            loads = json.loads
            df[meta.name] = pd.Series(
                [loads(v) if isinstance(v, str) else v
                 for v in map(itemgetter(position[meta.name]), rows)],
                index=df.index, dtype=object)
        elif meta.field_kind.frame_dtype is not None:
            df[meta.name] = meta.field_kind.frame_column(df[meta.name])
    for col in ("recorded_at", "superseded_at"):
        df[col] = pd.to_datetime(df[col]).astype("datetime64[ns]")
    df["archived"] = df["archived"].astype(bool)
    df["id"] = df["id"].astype("int64")
    df["version"] = df["version"].astype("int64")
    return df


def _plain_rows(conn: Connection, q: sa.Select[Any]) -> list[Any]:
    """A select's rows as plain tuples, which pandas builds a frame from several times
    faster than from SQLAlchemy's rows (it probes those field by field).

    From SQLite, the values as stored, straight from the driver's cursor: SQLAlchemy would
    make a Row of each record and read its dates, flags and JSON one value at a time,
    half the time of reading a big place (80,000 records); :func:`frame_for` converts a
    column at a time instead. Other databases' drivers give dates and JSON as Python
    values already, so their rows are read the usual way."""
    result = conn.execute(q)
    if conn.dialect.name != "sqlite":
        return list(map(tuple, result.all()))
    try:
        return result.cursor.fetchall()
    except sqlite3.Error as exc:  # as SQLAlchemy wraps it: the store retries or explains
        raise sa.exc.DBAPIError.instance(str(q), None, exc, sqlite3.Error) from exc
    finally:
        result.close()


def _holding(t: sa.Table, model: Any, where: Iterable[tuple[str, Any]]) -> list[Any]:
    """SQL conditions: the record's field holds the value (a flag left empty counts as
    False, so a story saved before a question was asked is not offered for it)."""
    conditions = []
    for name, value in where:
        if name not in model.model_fields:
            raise KeyError(f"not a field of a {model.kind}: {name}")
        col = t.c[name]
        conditions.append(sa.or_(col == value, col.is_(None)) if value is False
                          else col == value)
    return conditions


class Reading:
    """Reading a workbook: records, lists and searches, DataFrames, counts and checks."""

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

    def no_such_place(self, place: str) -> str:
        """The one message for a place this workbook does not have: where it looked (a
        URL's password hidden) and the places it has."""
        known = ", ".join(self.places()) or "none yet"
        return f"There is no place called '{place}' in {self.shown}. Places: {known}."

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
        where: Iterable[tuple[str, Any]] = (),
    ) -> Listing:
        """A place's current records of a kind, newest first, as plain dicts (no pandas).

        Everything is done in the database, so a list beside a form reads only what it
        shows, however many records there are:

        - ``columns``: the fields to read (``id``, ``version``, ``recorded_at`` and
          ``recorded_by`` always come too); all fields when None;
        - ``search``: words that must each appear, ignoring case, in one of those fields as a
          list shows it (a choice by its label, a date as 2026-03-01, a record as #12), in
          the record's number, the day it was saved or the part of the system that saved it;
        - ``limit``: only the newest this many; ``ids``: only these records;
        - ``where``: (field, value) pairs every record listed holds (an unanswered flag
          counts as False), as a link's ``only`` asks: the choices a form offers.

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
                          t.c.archived == sa.false(), *_holding(t, model, where))
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
        start_d = as_date(start, "Period")
        end_d = as_date(end, "Period")
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
        return frame_for(model, self.read(lambda c: _plain_rows(c, q)), columns)

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


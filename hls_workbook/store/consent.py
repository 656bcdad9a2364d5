"""Withdrawal and erasure: a story taken out for good, with every word about it.

When a storyteller withdraws their consent, the story's words leave every version, the
words of the records about it (a note back to its teller) are erased too, their drafts
are dropped, and on a server database the table files are rewritten. :class:`Consent` is
the part of the Workbook that does it; the helpers are shared with saving and drafts.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from hls_workbook.domain.errors import DatabaseError, RecordError
from hls_workbook.domain.model import RECORD_KINDS, Record, Voice
from hls_workbook.store.engine import _driver_error, _first_line
from hls_workbook.store.schema import DRAFTS, NEW_DRAFT, TABLES, _draft_where


def _drop_drafts(conn: Connection, kind: str, rid: int) -> None:
    """Erase every draft of one record, whoever typed it, in every slot (a withdrawn
    story's)."""
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
                                          d.c.slot, d.c.answers)
                                .where(d.c.kind == kind, d.c.record == NEW_DRAFT)).all():
            answers = json.loads(row.answers) if isinstance(row.answers, str) else row.answers
            if str((answers or {}).get(link)) == str(int(voice_id)):  # this slot's words
                conn.execute(sa.delete(d).where(*_draft_where(tuple(row)[:4], row.slot)))


class Consent:
    """Taking a story out (:meth:`withdraw_consent`) and cleaning its words out of the files."""

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


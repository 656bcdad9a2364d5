"""What the workbook keeps beside the records: drafts, wishes to talk and change stamps.

A draft is what a person typed into a form and has not yet submitted; a wish to talk is an
anonymous "I would like someone to talk to" from a check-in, kept in the ``meta`` table
until it is raised as a support request; a change stamp is a short fingerprint of what a
place has saved, so a form or a batch can tell that something changed. :class:`Drafts` is
the part of the Workbook that keeps them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from hls_workbook.domain.errors import RecordError
from hls_workbook.domain.model import model_for
from hls_workbook.store.consent import _ABOUT_STORY, _draft_about_withdrawn, _withdrawn
from hls_workbook.store.schema import DRAFTS, METADATA, NEW_DRAFT, TABLES, _draft_where, _now
from hls_workbook.store.writing import _as_record, check_place

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


@dataclass(frozen=True)
class Draft:
    """A form's draft: its answers (plain JSON values, by field), when it was saved (UTC)
    and its slot (a form keeps more than one: see :meth:`Drafts.save_draft`)."""

    answers: dict[str, Any]
    saved_at: dt.datetime
    slot: int = 1


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


class Drafts:
    """Drafts of forms, wishes to talk, and the change stamps a live form compares."""

    def save_draft(self, place: str, kind: str, record: int | str | None, role: str | None,
                   answers: Mapping[str, Any], slot: int | None = 1) -> int | None:
        """Keep what a person has typed into a form and not yet submitted: ``record`` is
        the id of the record being changed, or None (or "new") for a new one; ``role`` the
        part of the system of whoever types (never a name). ``answers``: the form's answers
        as plain JSON values.

        One form may have more than one draft, each in a ``slot`` (1, 2, ...): a form
        offering back an older draft keeps what is typed meanwhile in a slot of its own,
        so neither is lost. The draft in ``slot`` is replaced; ``slot=None`` keeps it in
        the lowest slot holding none (what a form does at its first change; SQLite's write
        lock makes the choice and the save one step; two PostgreSQL writers choosing at
        the same instant clash, and the form keeps its draft at the next change). Slots
        have no upper limit: a draft goes only when the person discards it, submits it or
        withdraws its story, never to make room (a form keeps its offer short instead).

        Drafts are the team's, like the records: never in a table, an export or a report.
        A draft of a withdrawn story is not kept (withdrawal erases its drafts too): returns
        None then, else the slot it is kept in.
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

        def run(conn: Connection) -> int | None:
            if key[1] == "voice" and key[2] != NEW_DRAFT and _withdrawn(conn, key[2]):
                return None
            if key[1] in _ABOUT_STORY and _draft_about_withdrawn(conn, key, values):
                return None
            d = DRAFTS
            if slot is None:
                taken = set(conn.execute(sa.select(d.c.slot).where(*_draft_where(key)))
                            .scalars())
                kept_in = next(n for n in range(1, len(taken) + 2) if n not in taken)
            else:
                kept_in = int(slot)
                conn.execute(sa.delete(d).where(*_draft_where(key, kept_in)))
            conn.execute(sa.insert(d).values(
                place=key[0], kind=key[1], record=key[2], role=key[3], slot=kept_in,
                saved_at=_now(), answers=values))
            return kept_in

        return self.write(run)

    def drafts(self, place: str, kind: str, record: int | str | None,
               role: str | None) -> list[Draft]:
        """Every draft kept for a form (see :meth:`save_draft`), the most recent first."""
        key = _draft_key(place, kind, record, role)
        d = DRAFTS
        rows = self.read(lambda c: c.execute(
            sa.select(d.c.slot, d.c.saved_at, d.c.answers).where(*_draft_where(key))
            .order_by(d.c.saved_at.desc(), d.c.slot.desc())).all())
        found = []
        for row in rows:
            answers = row.answers
            if isinstance(answers, str):  # a driver that hands JSON back as text
                answers = json.loads(answers)
            found.append(Draft(dict(answers or {}), row.saved_at, int(row.slot)))
        return found

    def draft(self, place: str, kind: str, record: int | str | None, role: str | None,
              slot: int | None = None) -> Draft | None:
        """The draft kept for a form in ``slot`` (None: its most recent, in any slot), or
        None."""
        found = self.drafts(place, kind, record, role)
        return next((d for d in found if slot is None or d.slot == slot), None)

    def drop_draft(self, place: str, kind: str, record: int | str | None,
                   role: str | None, slot: int | Collection[int] | None = None) -> None:
        """Forget a form's draft in ``slot`` (it was submitted, or the person discarded it);
        several slots: those drafts, at once; ``slot=None``: every draft of the form."""
        key = _draft_key(place, kind, record, role)
        if slot is None or isinstance(slot, int):
            where = _draft_where(key, slot)
        else:
            where = [*_draft_where(key), DRAFTS.c.slot.in_([int(n) for n in slot])]
        self.write(lambda c: c.execute(sa.delete(DRAFTS).where(*where)))

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


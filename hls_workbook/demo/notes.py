"""The notes a fictional team wrote back to storytellers ("You said, we did"): for the
stories that shaped a decision or learning we amplify, some notes sent, some written and
not sent yet, and some still to write, so the demo shows every state a note can be in.

Only where the teller asked to hear back, and never about a story withdrawn, told in
confidence or raising a safeguarding concern (as the note form offers them). Kept apart
from :mod:`.build` so that the build stays one page of records.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from hls_workbook.domain.values import missing
from hls_workbook.store.workbook import Workbook

#: How a note sent went, in turn: in person first, as most teams would.
CHANNELS = ("in_person", "phone", "letter")
#: Of every three stories owed a note (oldest first): sent, written, not begun.
STATES = ("sent", "drafted", None)


def _flag(value: Any) -> bool:
    return not missing(value) and bool(value)


def _sentence(text: Any) -> str:
    """A decision or a next step as the middle of a sentence: no full stop at its end,
    its first letter small ("Keep the drop-in ..." -> "keep the drop-in ...")."""
    words = str(text).strip().rstrip(".")
    return words[:1].lower() + words[1:]


def write_notes_back(wb: Workbook, place: str, *, today: dt.date | None = None) -> int:
    """Write the demo's notes back; returns how many were saved.

    Deterministic: the stories owed a note are taken oldest first (by the day the decision
    was taken or the learning written down) and given :data:`STATES` in turn. A note sent
    went two weeks after (never after ``today``, default today's date).
    """
    today = today or dt.date.today()
    voices = wb.table("voice", place)
    may_tell = {
        int(r["id"]): str(r["domain_of_change"]) for r in voices.to_dict("records")
        if _flag(r["consent_tell_back"]) and not any(
            _flag(r[k]) for k in ("consent_withdrawn", "in_confidence", "safeguarding_concern"))
    }
    owed: list[tuple[dt.date, str, int, int, str]] = []
    for r in wb.table("decision", place).to_dict("records"):
        for vid in _ids(r["voices"]):
            if vid in may_tell:
                owed.append((_day(r["decided_on"]), "decision", int(r["id"]), vid,
                             f"the partnership decided to {_sentence(r['text'])}"))
    for r in wb.table("learning", place).to_dict("records"):
        if not _flag(r["amplify"]):
            continue
        for vid in _ids(r["voices"]):
            if vid in may_tell:
                owed.append((_day(r["recorded_on"]), "learning", int(r["id"]), vid,
                             f"we learned something we now want to do more of: "
                             f"{_sentence(r['title'])}. Next, we will "
                             f"{_sentence(r['response'])}"))
    items = []
    for k, (day, kind, rid, vid, what) in enumerate(sorted(owed)):
        state = STATES[k % len(STATES)]
        if state is None:
            continue
        note: dict[str, Any] = {
            "voice": vid, kind: rid, "status": state,
            "text": (f"Thank you for telling us about {may_tell[vid]}. Because of what you "
                     f"said, {what}. We will let you know how it goes."),
        }
        if state == "sent":
            note["sent_on"] = min(day + dt.timedelta(days=14), today)
            note["channel"] = CHANNELS[(k // len(STATES)) % len(CHANNELS)]
        items.append(("feedback", note))
    return len(wb.add_many(items, place=place, by="charity")) if items else 0


def _ids(value: Any) -> list[int]:
    """The stories a record names, each once (none when the answer is empty)."""
    if value is None or (not isinstance(value, list | tuple) and missing(value)):
        return []
    return list(dict.fromkeys(int(v) for v in value))


def _day(value: Any) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value

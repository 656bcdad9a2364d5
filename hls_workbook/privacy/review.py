"""The check before sharing: list what needs a person's check, and record their decision.

Detection of personal details is a safety net; a person's check is the decision. Every
piece of typed text that a report for ``partners`` or the ``public`` would carry
(:func:`.clearance.pieces`) is listed by :func:`check_list`, with its status for that
audience (:func:`.clearance.status`), the personal details the workbook suspects in it
(:func:`.detect.find_details`) and the text as HTML with each of them marked. A person
then decides, piece by piece (:func:`record_check`): share it as written, share it in
other words, or hold it back. The decision holds for the text as it was checked: once
the text is edited, it waits for a check again.

What the team typed is never changed here: a new wording is kept beside the original,
for sharing only. The stage notebook's "Check before sharing" section and the command
``hls-workbook review`` both build on these two functions.

Pure functions over DataFrames, plus the two that read and write a workbook. May import
the model, the errors and the rest of :mod:`hls_workbook.privacy`; never widgets.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import pandas as pd

from hls_workbook.domain.errors import RecordError
from hls_workbook.domain.kinds import as_date
from hls_workbook.domain.model import Audience, ClearanceDecision, model_for
from hls_workbook.domain.values import join_words
from hls_workbook.domain.values import missing as _missing
from hls_workbook.privacy.clearance import PENDING, SHARED_TEXT, as_text, pieces, status
from hls_workbook.privacy.consent import _current
from hls_workbook.privacy.detect import Detail, find_details
from hls_workbook.privacy.escaping import escape
from hls_workbook.privacy.gate import read_tables

__all__ = [
    "AUDIENCES",
    "DECISIONS",
    "DETAIL_WORDS",
    "check_list",
    "decision_of",
    "details_sentence",
    "marked",
    "record_check",
    "waiting",
    "what_it_is",
]

#: The audiences a piece of text is checked for (the team reads everything as written).
AUDIENCES: tuple[str, ...] = (Audience.partners.value, Audience.public.value)

#: The three decisions, by value, with the words the forms and the command use.
DECISIONS: dict[str, str] = ClearanceDecision.labels()

#: Each kind of suspected detail, in plain words (as in "it may hold a phone number").
DETAIL_WORDS: dict[str, str] = {
    "email": "an email address",
    "phone": "a phone number",
    "postcode": "a postcode",
    "ni_number": "a National Insurance number",
    "nhs_number": "an NHS number",
    "date_of_birth": "a date of birth",
    "address": "a street address",
    "name_on_record": "a name we hold on record",
    "name": "what may be a person's name",
    "handle": "a social media handle",
}

#: One record of each kind whose text is shared, as a person would call it.
RECORD_WORDS: dict[str, str] = {
    "place": "Place", "partner": "Partner", "voice": "Story",
    "meeting_series": "Regular meeting", "glossary_term": "Shared word",
    "experiment": "Experiment", "review": "Review", "learning": "Learning",
    "burden": "Paperwork requirement", "value": "Shared value", "support": "Support request",
}

#: Columns of :func:`check_list`, besides those of :func:`.clearance.pieces` and status.
LIST_COLUMNS = ["record", "details", "highlighted"]


# ---------------------------------------------------------------------------
# Checking the input
# ---------------------------------------------------------------------------


def _audience(audience: Any) -> str:
    value = str(getattr(audience, "value", audience) or "").strip().lower()
    if value in AUDIENCES:
        return value
    if value == Audience.team.value:
        raise RecordError({"audience": (
            "Checked for: the team reads every text as it was written, so there is nothing "
            "to check for the team; choose partners or public")}, "clearance")
    raise RecordError({"audience": (
        f"Checked for: '{audience}' is not an audience to check for; choose partners or "
        "public")}, "clearance")


def decision_of(decision: Any) -> str:
    """A decision given as its value ('cleared') or its words ('Clear it as written')."""
    text = str(getattr(decision, "value", decision) or "").strip()
    for value, words in DECISIONS.items():
        if text.lower() in (value, words.lower()):
            return value
    choices = "; ".join(f"{v} ({w})" for v, w in DECISIONS.items())
    raise RecordError({"decision": (
        f"Decision: '{decision}' is not one of the choices; pick one of: {choices}")},
        "clearance")


def _period(start: Any, end: Any) -> tuple[dt.date, dt.date]:
    first = as_date(start, "First day of the period")
    last = as_date(end, "Last day of the period")
    if first is None or last is None:
        raise RecordError({"period": (
            "Period: give the first and the last day of the period the report will cover, "
            "like 2026-01-01 and 2026-03-31")})
    if last < first:
        raise RecordError({"period": (
            f"Period: the last day ({last.isoformat()}) is before the first "
            f"({first.isoformat()}); swap them")})
    return first, last


# ---------------------------------------------------------------------------
# What a piece of text holds: suspected details, marked
# ---------------------------------------------------------------------------


def marked(text: str, details: Iterable[Detail], *,
           mark: Callable[[str, Detail], str] | None = None,
           plain: Callable[[str], str] = escape) -> str:
    """``text`` with every suspected detail marked, the rest passed through ``plain``.

    By default: HTML, every part escaped with :func:`.escape` and each detail wrapped in
    ``<mark>``, with its kind in plain words as a title. ``mark`` and ``plain`` make other
    markups (the command line's rich markup).
    """
    text = as_text(text)
    if mark is None:
        def mark(part: str, d: Detail) -> str:
            words = escape(DETAIL_WORDS.get(d.kind, "a personal detail"))
            return f'<mark class="hls-detail" title="Looks like {words}">{escape(part)}</mark>'
    out: list[str] = []
    last = 0
    for d in sorted(details, key=lambda d: (d.start, d.end)):
        if d.start < last or d.end > len(text):  # overlapping or stale: skip it
            continue
        out.append(plain(text[last:d.start]))
        out.append(mark(text[d.start:d.end], d))
        last = d.end
    out.append(plain(text[last:]))
    return "".join(out)


def details_sentence(details: Iterable[Detail]) -> str:
    """The suspected details in plain words: 'It may hold a phone number (07700 900123)
    and a postcode (M1 1AE).' Empty when nothing was found."""
    found = [f"{DETAIL_WORDS.get(d.kind, 'a personal detail')} ({d.text.strip()})"
             for d in details]
    if not found:
        return ""
    words = join_words(found)
    return f"It may hold {words}."


def what_it_is(kind: str, rid: int, summary: Any = None) -> str:
    """How a record is named beside its text: 'Learning #12: Nobody came'."""
    model = model_for(kind)
    head = f"{RECORD_WORDS.get(model.kind, model.title_plural)} #{int(rid)}"
    text = " ".join(as_text(summary).split())
    if len(text) > 60:
        text = text[:59].rstrip() + "…"
    text = text.rstrip(" .;:,")
    return f"{head}: {text}" if text else head


def _record_names(tables: Mapping[str, pd.DataFrame]) -> dict[tuple[str, int], str]:
    names: dict[tuple[str, int], str] = {}
    for kind in SHARED_TEXT:
        df = tables.get(kind)
        if df is None or df.empty:
            continue
        df = _current(df)
        field = model_for(kind).summary_field
        summaries = df[field] if field in df else pd.Series([None] * len(df), index=df.index)
        for rid, summary in zip(df["id"], summaries, strict=True):
            names[(kind, int(rid))] = what_it_is(kind, int(rid), summary)
    return names


# ---------------------------------------------------------------------------
# The list
# ---------------------------------------------------------------------------


def _list_from(tables: Mapping[str, pd.DataFrame], names: Iterable[str],
               audience: str) -> pd.DataFrame:
    found = pieces(tables, audience)
    out = status(found, tables.get("clearance"), audience)
    on_record = tuple(sorted({str(n) for n in names if not _missing(n)}))
    titles = _record_names(tables)
    out["record"] = pd.Series(
        [titles.get((k, int(i)), what_it_is(k, int(i))) for k, i in zip(out["kind"], out["id"],
                                                                       strict=True)],
        index=out.index, dtype=object)
    details = [find_details(t, names=on_record) for t in out["text"]]
    out["details"] = pd.Series(details, index=out.index, dtype=object)
    out["highlighted"] = pd.Series(
        [marked(t, d) for t, d in zip(out["text"], details, strict=True)],
        index=out.index, dtype=object)
    # Fields of one record together, records in the order the report reads them.
    kinds = {k: i for i, k in enumerate(SHARED_TEXT)}
    fields = {(k, f): i for k, fs in SHARED_TEXT.items() for i, f in enumerate(fs)}
    order = pd.DataFrame({
        "k": out["kind"].map(kinds), "i": out["id"],
        "f": [fields.get((k, f), 0) for k, f in zip(out["kind"], out["field"], strict=True)],
    }, index=out.index)
    out = out.loc[order.sort_values(["k", "i", "f"], kind="stable").index]
    return out.reset_index(drop=True)


def check_list(wb: Any, place: str, start: Any, end: Any, audience: str) -> pd.DataFrame:
    """Every piece of typed text a report on ``place`` for ``start``-``end`` would carry
    for ``audience`` (partners or public), with its check.

    One row per piece: ``kind``, ``id``, ``field``, ``label`` (the question it answers),
    ``text``, ``fingerprint``; its check (``status``: pending, cleared, edited or held;
    ``shared_text``, ``checked_by``, ``checked_on``, ``clearance_id``); ``record`` (the
    record it belongs to, as a person would name it: "Learning #12: Nobody came");
    ``details`` (the :class:`.detect.Detail` found in it, names on record included) and
    ``highlighted`` (the text as HTML, escaped, each detail in ``<mark>``). Pieces wait
    for a check when ``status == "pending"``.

    Reads the place the way every output does (:func:`.gate.read_tables`). Raises
    RecordError for an audience that is not partners or public, or a period that is not
    one.
    """
    aud = _audience(audience)
    first, last = _period(start, end)
    tables, names = read_tables(wb, place, first, last)
    return _list_from(tables, names, aud)


def waiting(listed: pd.DataFrame) -> pd.DataFrame:
    """The pieces of a :func:`check_list` still waiting for a check."""
    return listed[listed["status"] == PENDING].reset_index(drop=True)


# ---------------------------------------------------------------------------
# Recording a decision
# ---------------------------------------------------------------------------


def _get(piece: Any, key: str) -> Any:
    try:
        return piece[key]
    except (KeyError, IndexError, TypeError):
        return None


def _current_piece(wb: Any, place: str, kind: str, rid: int, field: str,
                   audience: str) -> dict[str, Any] | None:
    """The piece as the workbook holds it now (None: gone, or no longer for this audience)."""
    df = wb.table(kind, place)
    df = df[df["id"] == rid]
    if df.empty:
        return None
    found = pieces({kind: df}, audience)
    found = found[found["field"] == field]
    return None if found.empty else found.iloc[0].to_dict()


def record_check(wb: Any, place: str, piece: Mapping[str, Any] | pd.Series, *, decision: Any,
                 audience: Any, by: str, shared_text: str | None = None,
                 role: str | None = None, on: dt.date | str | None = None) -> int:
    """Save a person's decision on one piece of text; return the clearance's record id.

    ``piece`` is a row of :func:`check_list` (its ``kind``, ``id``, ``field`` and
    ``fingerprint`` are used). ``decision``: ``cleared`` (share it as written),
    ``edited`` (share ``shared_text`` instead) or ``held`` (do not share it), by value or
    by its words. ``audience``: partners or public. ``by``: who checked, a name or a role;
    ``role``: the part of the system saving it (kept as ``recorded_by``, as forms do);
    ``on``: the day it was checked (default: today).

    One clearance record per piece, fingerprint and audience: a second check of the same
    text for the same audience saves a new version of that record, so its history keeps
    who checked it and when. Raises RecordError naming the field and the fix for an
    empty ``by``, an edit without wording (or wording longer than the question allows),
    a piece that no longer exists, or whose text changed since it was listed.
    """
    aud = _audience(audience)
    choice = decision_of(decision)
    who = " ".join(str(by or "").split())
    if not who:
        raise RecordError({"checked_by": (
            "Checked by is empty: write your name or role, so that others know who checked "
            "it")}, "clearance")
    kind = str(_get(piece, "kind") or "")
    field = str(_get(piece, "field") or "")
    rid = _get(piece, "id")
    listed = str(_get(piece, "fingerprint") or "")
    if kind not in SHARED_TEXT or field not in SHARED_TEXT[kind] or _missing(rid):
        raise RecordError({"record_id": (
            "Record: this is not a piece of text a report shares; pick one from the list of "
            "pieces waiting for a check")}, "clearance")
    rid = int(rid)
    model = model_for(kind)
    meta = model.field_meta(field)
    where = f"'{meta.label}' of {what_it_is(kind, rid)}"
    wording = None
    if choice == ClearanceDecision.edited.value:
        wording = "\n".join(line.rstrip() for line in str(shared_text or "").strip().splitlines())
        if not wording.strip():
            raise RecordError({"shared_text": (
                "Wording for sharing is empty: write how it should read outside the team, or "
                "choose 'Clear it as written' or 'Hold it back'")}, "clearance")
        if meta.max_length and len(wording) > meta.max_length:
            raise RecordError({"shared_text": (
                f"Wording for sharing is too long for '{meta.label}': keep it under "
                f"{meta.max_length:,} characters")}, "clearance")
    now = _current_piece(wb, place, kind, rid, field, aud)
    if now is None:
        raise RecordError({"record_id": (
            f"Record: {where} is no longer there to share (it was emptied, archived, or may "
            f"no longer be read by {Audience.labels()[aud].lower()}); list the pieces "
            "again")}, "clearance")
    if listed and now["fingerprint"] != listed:
        raise RecordError({"text_sha256": (
            f"Text: {where} was changed after it was listed, so this check would not be for "
            "what it says now; list the pieces again and check the new text")}, "clearance")
    data = {
        "record_kind": kind, "record_id": rid, "field_name": field,
        "text_sha256": now["fingerprint"], "audience": aud, "decision": choice,
        "shared_text": wording, "checked_by": who,
    }
    day = as_date(on, "Checked on") if on is not None else None
    if day is not None:
        data["checked_on"] = day
    existing = _existing(wb, place, kind, rid, field, now["fingerprint"], aud)
    if existing is None:
        return int(wb.add("clearance", data, place=place, by=role))
    wb.edit("clearance", existing, data, by=role)
    return existing


def _existing(wb: Any, place: str, kind: str, rid: int, field: str, fp: str,
              audience: str) -> int | None:
    df = wb.table("clearance", place)
    if df.empty:
        return None
    same = df[(df["record_kind"].astype(str) == kind) & (df["record_id"] == rid)
              & (df["field_name"] == field) & (df["text_sha256"] == fp)
              & (df["audience"].astype(str) == audience)]
    return int(same["id"].max()) if len(same) else None

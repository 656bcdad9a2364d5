"""Text a person checked before it leaves the team: what needs a check, and its status.

Detection of personal details is a safety net; a person's check is the decision. Each
piece of typed text that a partners or public report would carry is one *piece*
(record kind, record id, field). A clearance (``model.Clearance``) records what a person
decided for it: share as written, share in other words, or hold back. It holds only for
the text as it was checked (its fingerprint): edit the text and it needs a new check.

Pure functions over DataFrames; the gate (:mod:`.gate`) and the check step
(:mod:`.review`) both build on them, so what is listed for checking is exactly what a
report may carry.
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Mapping
from typing import Any

import pandas as pd

from hls_workbook.domain.model import Audience, model_for
from hls_workbook.domain.values import missing as _missing
from hls_workbook.privacy.consent import _current, visible_voices
from hls_workbook.privacy.policy import AUDIENCE_ORDER, _audience

#: The typed text a partners or public report may carry, by record kind, that a person
#: checks before it is published. Every other typed field stays with the team (the gate
#: hands it on to nobody else), except the labels in :data:`SHARED_UNCHECKED`.
SHARED_TEXT: dict[str, tuple[str, ...]] = {
    "place": ("shared_focus", "why_it_matters"),
    "voice": ("story", "why_it_matters", "domain_of_change"),
    "glossary_term": ("term", "plain_meaning", "words_to_avoid"),
    "experiment": ("title", "safe_to_fail_bounds"),
    "review": ("actual", "sustain", "improve"),
    "learning": ("title", "observation", "response"),
    "value": ("value", "what_it_looks_like"),
    "support": ("description",),
}

#: Typed labels that leave without a person's check, with detected personal details
#: still removed: names of the place, of organisations and funders, of a meeting rhythm
#: and a funder's requirement. Reports group and count by them, so they cannot wait.
#: Who spoke in a meeting is here too: the gate replaces it by their part of the system.
SHARED_UNCHECKED: dict[str, tuple[str, ...]] = {
    "place": ("name",),
    "partner": ("organisation",),
    "meeting_series": ("name",),
    "burden": ("requirement", "funder", "organisation"),
    "contribution": ("speaker",),
}

#: Status of a piece of text for one audience.
PENDING, CLEARED, EDITED, HELD = "pending", "cleared", "edited", "held"

PIECE_COLUMNS = ["kind", "id", "field", "label", "text", "fingerprint"]
STATUS_COLUMNS = ["status", "shared_text", "checked_by", "checked_on", "clearance_id"]


def as_text(value: Any) -> str:
    """A field's value as the one string a person checks (a list of words: joined)."""
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value if not _missing(v))
    if _missing(value):
        return ""
    return str(value)


def fingerprint(value: Any) -> str:
    """What a clearance is tied to: the text as checked, spaces and Unicode forms aside."""
    text = " ".join(unicodedata.normalize("NFC", as_text(value)).split())
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _frame(tables: Mapping[str, pd.DataFrame], kind: str) -> pd.DataFrame | None:
    for key, df in tables.items():
        if key == kind or model_for(key).kind == kind:
            return df
    return None


def pieces(tables: Mapping[str, pd.DataFrame], audience: str | Audience) -> pd.DataFrame:
    """Every piece of typed text a report for ``audience`` would carry, before any check.

    Only current records, only stories whose tellers agreed to this audience, only the
    fields in :data:`SHARED_TEXT`, and only fields with text in them. Columns: kind, id,
    field, label (the question, as the form asks it), text, fingerprint.
    """
    aud = _audience(audience)
    rows: list[dict[str, Any]] = []
    for kind, fields in SHARED_TEXT.items():
        df = _frame(tables, kind)
        if df is None or df.empty:
            continue
        df = visible_voices(df, aud) if kind == "voice" else _current(df)
        model = model_for(kind)
        for field in fields:
            if field not in df:
                continue
            label = model.field_meta(field).label
            for rid, value in zip(df["id"], df[field], strict=True):
                text = as_text(value)
                if text.strip():
                    rows.append({"kind": kind, "id": int(rid), "field": field, "label": label,
                                 "text": text, "fingerprint": fingerprint(text)})
    return pd.DataFrame(rows, columns=PIECE_COLUMNS)


def status(pieces_df: pd.DataFrame, clearances: pd.DataFrame | None,
           audience: str | Audience) -> pd.DataFrame:
    """``pieces_df`` with each piece's check for ``audience``: status, shared_text,
    checked_by, checked_on, clearance_id.

    A check counts when it was made on the same text (fingerprint) for this audience or
    a wider one (a check for the public covers partners). The latest such check wins.
    Status is ``pending`` (nobody checked this text), ``cleared`` (share as written),
    ``edited`` (share ``shared_text`` instead) or ``held`` (do not share).
    """
    aud = _audience(audience)
    out = pieces_df.copy()
    n = len(out)
    columns: dict[str, list[Any]] = {"status": [PENDING] * n, "shared_text": [None] * n,
                                     "checked_by": [None] * n, "checked_on": [None] * n,
                                     "clearance_id": [None] * n}
    if clearances is not None and not clearances.empty and n:
        checks = _current(clearances)
        audiences = checks["audience"].map(lambda a: str(getattr(a, "value", a)))
        wide_enough = audiences.isin(AUDIENCE_ORDER[AUDIENCE_ORDER.index(aud):])
        checks = checks[wide_enough]
        order = [c for c in ("checked_on", "recorded_at", "id") if c in checks]
        checks = checks.sort_values(order, kind="stable")
        latest: dict[tuple[str, int, str, str], int] = {}
        for i, key in enumerate(zip(checks["record_kind"].astype(str),
                                    checks["record_id"].astype(int),
                                    checks["field_name"].astype(str),
                                    checks["text_sha256"].astype(str), strict=True)):
            latest[key] = i  # the latest check of each piece wins
        decisions = [str(getattr(d, "value", d)) for d in checks["decision"]]
        for row, key in enumerate(zip(out["kind"], out["id"].astype(int), out["field"],
                                      out["fingerprint"], strict=True)):
            i = latest.get(key)
            if i is None:
                continue
            columns["status"][row] = decisions[i]
            if decisions[i] == EDITED:
                columns["shared_text"][row] = checks["shared_text"].iat[i]
            columns["checked_by"][row] = checks["checked_by"].iat[i]
            columns["checked_on"][row] = checks["checked_on"].iat[i]
            columns["clearance_id"][row] = int(checks["id"].iat[i])
    for col, values in columns.items():
        out[col] = pd.Series(values, index=out.index, dtype=object)
    return out

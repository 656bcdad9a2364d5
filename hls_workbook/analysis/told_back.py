"""You said, we did (GS4, LE1): which storytellers are owed a note about what their story
changed.

A story shapes something when a decision names it among the stories behind it, or when a
piece of learning we mark to amplify and celebrate names it among the voices behind it.
For each such pair, :func:`told_back` says whether a note back to the teller
(``model.Feedback``) has been sent, marked "cannot be sent", only written, or not begun.
Only stories whose teller agreed to be told (``Voice.consent_tell_back``) are listed:
without that, nobody is owed a note and none may be sent.

This is for the team: pass the frames the team may see (a stage notebook's tables, or
:func:`hls_workbook.privacy.apply` for "team"), so that withdrawn, confidential and
safeguarding stories are already gone. A story marked withdrawn in the frame given is left
out all the same. Notes never leave the team (the gate hands them to nobody else).
"""

from __future__ import annotations

import pandas as pd

from hls_workbook.analysis._common import as_list, dates, empty, frame, ids, texts
from hls_workbook.domain.model import FeedbackStatus, model_for

#: The statuses that close a note: the teller heard, or we know they cannot.
DONE = (FeedbackStatus.sent.value, FeedbackStatus.cannot_send.value)

COLUMNS = ["voice", "about", "shaped_kind", "shaped_id", "shaped_title", "shaped_on",
           "note", "note_status", "done"]


def _agreed(v: pd.DataFrame) -> pd.DataFrame:
    """Stories a note back may be about: those the note's story question offers
    (``Feedback.voice``'s ``only``, the one definition: the teller agreed to be told, did
    not withdraw, and it was neither told in confidence nor raised a safeguarding
    concern). A flag left empty counts as False, as in the store's list."""
    keep = pd.Series(True, index=v.index)
    for name, value in model_for("feedback").field_meta("voice").only:
        flag = (v[name].astype("object").where(v[name].notna(), False) if name in v
                else pd.Series(False, index=v.index, dtype="object"))
        keep &= flag.astype(bool) == bool(value)
    return v[keep]


def _shaped(df: pd.DataFrame, kind: str, title: str, on: str) -> pd.DataFrame:
    """(voice, shaped_kind, shaped_id, shaped_title, shaped_on): one row per story named."""
    rows = [
        (int(vid), kind, int(rid), name, when)
        for rid, links, name, when in zip(df["id"], df["voices"], texts(df[title]),
                                          dates(df[on]), strict=True)
        for vid in dict.fromkeys(int(x) for x in as_list(links) if pd.notna(x))
    ]
    return pd.DataFrame(rows, columns=["voice", "shaped_kind", "shaped_id", "shaped_title",
                                       "shaped_on"])


def told_back(
    voices: pd.DataFrame | None,
    decisions: pd.DataFrame | None = None,
    learning: pd.DataFrame | None = None,
    feedback: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Every story that shaped a decision or learning we amplify, whose teller agreed to be
    told, with where its note back is up to; the oldest first.

    Columns: voice (the story's id), about (what it is about), shaped_kind ("decision" or
    "learning"), shaped_id, shaped_title (the decision's words or the learning's title),
    shaped_on (the day it was decided, or the learning written down), note (the id of its
    latest note, or missing), note_status (that note's status, or None: no note yet) and
    done (a note was sent, or marked "cannot be sent").
    """
    v = _agreed(frame(voices, "voice"))
    d, lrn = frame(decisions, "decision"), frame(learning, "learning")
    flags = lrn["amplify"].astype("object").where(lrn["amplify"].notna(), False)
    lrn = lrn[flags.astype(bool)]
    pairs = pd.concat([_shaped(d, "decision", "text", "decided_on"),
                       _shaped(lrn, "learning", "title", "recorded_on")], ignore_index=True)
    about = dict(zip(v["id"].astype("int64"), texts(v["domain_of_change"]), strict=True))
    pairs = pairs[pairs["voice"].isin(list(about))]
    if pairs.empty:
        return empty(COLUMNS)
    f = frame(feedback, "feedback")
    notes = pd.DataFrame({
        "note": f["id"].astype("Int64"), "voice": ids(f["voice"]),
        "status": texts(f["status"]).fillna(FeedbackStatus.drafted.value),
        "decision": ids(f["decision"]), "learning": ids(f["learning"]),
    })
    latest: dict[tuple[int, str, int], tuple[int, str]] = {}
    closed: set[tuple[int, str, int]] = set()
    for row in notes.sort_values("note", kind="stable").to_dict("records"):
        if pd.isna(row["voice"]):
            continue
        for kind in ("decision", "learning"):
            if pd.notna(row[kind]):
                key = (int(row["voice"]), kind, int(row[kind]))
                latest[key] = (int(row["note"]), row["status"])
                if row["status"] in DONE:
                    closed.add(key)
    keys = list(zip(pairs["voice"], pairs["shaped_kind"], pairs["shaped_id"], strict=True))
    out = pairs.assign(
        about=[about.get(int(vid)) for vid in pairs["voice"]],
        note=pd.array([latest[k][0] if k in latest else None for k in keys], dtype="Int64"),
        # object, so that "no note yet" stays None beside notes' statuses (pandas would
        # read the list as strings and make None a NaN, which reads as true)
        note_status=pd.Series([latest[k][1] if k in latest else None for k in keys],
                              index=pairs.index, dtype=object),
        done=[k in closed for k in keys],
    )
    out = out.sort_values(["shaped_on", "shaped_kind", "shaped_id", "voice"],
                          kind="stable", na_position="last")
    return out[COLUMNS].reset_index(drop=True)


def waiting_to_tell(told: pd.DataFrame) -> pd.DataFrame:
    """The rows of :func:`told_back` still owed a note: none sent nor marked unsendable."""
    return told[~told["done"].astype(bool)].reset_index(drop=True)

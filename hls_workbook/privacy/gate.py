"""The gate: what an audience may see of a set of tables (:func:`apply`)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

from hls_workbook.domain.errors import RecordError, WorkbookError
from hls_workbook.domain.model import RECORD_KINDS, Audience, Part, model_for
from hls_workbook.domain.values import missing as _missing
from hls_workbook.privacy.clearance import (
    EDITED,
    HELD,
    PENDING,
    SHARED_TEXT,
    SHARED_UNCHECKED,
    pieces,
    status,
)
from hls_workbook.privacy.consent import _as_list, _current, _role_label, visible_voices
from hls_workbook.privacy.detect import Redactor, find_details, name_variants, names_on_record
from hls_workbook.privacy.policy import MIN_PUBLIC_THRESHOLD, VOICE_LINKS, Policy


def _text_fields(kind: str) -> list[str]:
    """Every field a person types into: the model's free_text and every field of a kind
    that is free text (kinds.FieldKind.free_text)."""
    model = RECORD_KINDS[kind]
    fields = list(model.free_text)
    for meta in model.fields_meta():
        if meta.field_kind.free_text and meta.name not in fields:
            fields.append(meta.name)
    return fields


def _redact_value(value: Any, redactor: Redactor, keep: Iterable[str]) -> Any:
    if isinstance(value, str):
        return redactor.redact(value, keep)
    if isinstance(value, list | tuple):
        return [_redact_value(v, redactor, keep) for v in value]
    return value


def _redact_frame(df: pd.DataFrame, kind: str, redactor: Redactor) -> pd.DataFrame:
    df = df.copy()
    keeps: list[tuple[str, ...]]
    if kind == "voice" and "shown_name" in df:
        # A storyteller's own consented name may stay in their own story.
        keeps = [
            () if _missing(n) or n == _role_label(r) else tuple(name_variants(n))
            for n, r in zip(df["shown_name"], df.get("storyteller_role", df["shown_name"]),
                            strict=True)
        ]
    else:
        keeps = [()] * len(df)
    for col in _text_fields(kind):
        if col not in df:
            continue
        df[col] = pd.Series(
            [_redact_value(v, redactor, k) for v, k in zip(df[col], keeps, strict=True)],
            index=df.index, dtype=object,
        )
    return df


def _speaker_labels(df: pd.DataFrame) -> pd.Series:
    """Replace speakers' made-up names by their part of the system, numbered within a
    meeting when one part had several speakers ("Charity 1", "Charity 2")."""
    labels = Part.labels()
    keys = pd.DataFrame({
        "meeting": df.get("meeting", pd.Series(0, index=df.index)).astype(object),
        "role": df.get("role", pd.Series(None, index=df.index)).astype(object),
        "speaker": df["speaker"].astype(object),
    }, index=df.index)
    # Each meeting and part's speakers, numbered in the order they first appear.
    first = keys.drop_duplicates()
    number = first.groupby(["meeting", "role"], dropna=False, sort=False).cumcount() + 1
    many = first.groupby(["meeting", "role"], dropna=False, sort=False)["speaker"].transform(
        "size") > 1
    numbered = first.assign(number=number, many=many)
    found = keys.merge(numbered, on=["meeting", "role", "speaker"], how="left")
    roles = keys["role"]
    base = roles.map(lambda r: labels.get(str(r), "Someone")).where(roles.notna(), "Someone")
    out = base.where(~found["many"].to_numpy(),
                     base + " " + found["number"].astype(str).to_numpy())
    return pd.Series(out.to_numpy(dtype=object), index=df.index, dtype=object)


def _prune_links(df: pd.DataFrame, col: str, visible: set[int]) -> pd.DataFrame:
    if col not in df:
        return df
    df = df.copy()
    df[col] = pd.Series(
        [[v for v in _as_list(links) if _as_int(v) in visible] for links in df[col]],
        index=df.index, dtype=object,
    )
    return df


def _as_int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _shared_text(df: pd.DataFrame, kind: str, policy: Policy,
                 clearances: pd.DataFrame | None) -> tuple[pd.DataFrame, int]:
    """Partners and public: only the typed fields that may leave, as a person checked them.

    Fields not in :data:`SHARED_TEXT` are dropped. Partners: text held back is left out,
    reworded text replaces the original, the rest stays (detected details are removed
    later). Public: only text cleared as written or reworded; the rest is left out.
    Returns the frame and how many pieces are waiting for a check.
    """
    keep = set(SHARED_TEXT.get(kind, ())) | set(SHARED_UNCHECKED.get(kind, ()))
    drop = [c for c in _text_fields(kind) if c in df and c not in keep]
    df = df.drop(columns=drop)
    fields = [f for f in SHARED_TEXT.get(kind, ()) if f in df]
    if not fields or df.empty:
        return df, 0
    checked = status(pieces({kind: df}, policy.audience), clearances, policy.audience)
    df = df.copy()
    waiting = 0
    for field in fields:
        mine = checked[checked["field"] == field]
        by_id = dict(zip(mine["id"], zip(mine["status"], mine["shared_text"], strict=True),
                         strict=True))
        values = []
        for rid, value in zip(df["id"], df[field], strict=True):
            state, reworded = by_id.get(int(rid), (None, None))
            if state is None:  # empty: nothing to check
                values.append(value)
            elif state == EDITED:
                values.append(_as_field_value(reworded, value))
            elif state == HELD or (state == PENDING and not policy.may_see_unchecked_text):
                values.append([] if isinstance(value, list | tuple) else None)
                waiting += state == PENDING
            else:
                values.append(value)
        df[field] = pd.Series(values, index=df.index, dtype=object)
    if kind == "voice" and "story" in df:  # a story whose words may not be shown is not shown
        df = df[df["story"].map(lambda v: not _missing(v) and str(v).strip() != "")]
    return df, waiting


def _as_field_value(text: Any, original: Any) -> Any:
    """Reworded text in the original's shape (a list of words stays a list)."""
    if isinstance(original, list | tuple):
        return [w.strip() for w in str(text or "").split(",") if w.strip()]
    return text


def _safe_shown_names(df: pd.DataFrame) -> pd.DataFrame:
    """A made-up or real name shown with a story carries nothing but a name: anything
    else detected in it (a phone number, an email) and the story is shown by role."""
    if "shown_name" not in df or df.empty:
        return df
    df = df.copy()
    roles = df.get("storyteller_role", pd.Series(None, index=df.index))
    df["shown_name"] = [
        name if _missing(name) or not any(
            d.kind not in ("name", "name_on_record") for d in find_details(str(name)))
        else _role_label(role)
        for name, role in zip(df["shown_name"], roles, strict=True)
    ]
    return df


class Tag(dict):
    """What the gate says of a frame it let through (audience, threshold, aggregate_only,
    waiting), kept as ``df.attrs["privacy"]``: a dict that cannot be changed.

    Read only, so it is shared rather than copied: pandas deep-copies a frame's
    ``attrs`` into every frame made from it (``NDFrame.__finalize__``), thousands of
    times a report, and a copy of this tag is the tag itself. Still a dict, so whatever
    reads or writes ``attrs`` as JSON (``to_parquet``) reads it as before.
    """

    __slots__ = ()

    def __deepcopy__(self, memo: dict[int, Any]) -> Tag:
        return self

    def __copy__(self) -> Tag:
        return self

    def __reduce__(self) -> tuple[Any, ...]:
        return (Tag, (dict(self),))

    def _read_only(self, *args: Any, **kwargs: Any) -> Any:
        raise TypeError("A frame's privacy tag cannot be changed: the gate sets it.")

    __setitem__ = __delitem__ = __ior__ = _read_only
    clear = pop = popitem = setdefault = update = _read_only


def apply(
    tables: Mapping[str, pd.DataFrame],
    audience: str | Audience | Policy,
    *,
    threshold: int = MIN_PUBLIC_THRESHOLD,
    names: Iterable[str] | None = None,
) -> dict[str, pd.DataFrame]:
    """What ``audience`` may see of ``tables`` (keyed by record kind, plural or title).

    - every audience: archived rows and superseded versions dropped; withdrawn,
      in-confidence and safeguarding stories dropped; stories kept only as consent allows
      (see :func:`visible_voices`), with ``shown_name``; links to hidden stories dropped,
      and records about one (a note back to its teller) left out;
    - beyond the team: no record of a team-only kind (``policy.TEAM_ONLY``: checks of
      text, notes back to storytellers);
    - ``partners``: personal fields dropped (names, who collected a story, a story's
      pseudonym unless it is how the story is shown); only the typed fields in
      :data:`SHARED_TEXT`, with a person's check applied (held back: left out; reworded:
      the new wording), every detected personal detail removed (:mod:`.detect`, with the
      names on record and any ``names`` given), speakers shown by their part of the system;
    - ``public``: as partners, but typed text only where a person cleared it for the
      public; the rest is left out and counted in ``attrs["privacy"]["waiting"]``. Pulse
      and check-in rows are marked ``attrs["privacy"]["aggregate_only"]``: show them only
      as aggregates of at least ``threshold`` answers.

    The clearance table, when given, is read and not handed on beyond the team. Text is
    not HTML-escaped here: :func:`escape` it where it is rendered. The input frames are
    not changed. Keys that are not record kinds raise a WorkbookError.
    """
    policy = Policy.of(audience, threshold)
    kinds: dict[str, str] = {}
    for key in tables:
        try:
            kinds[key] = model_for(key).kind
        except RecordError:
            raise WorkbookError(
                f"privacy.apply was given a table called '{key}', which is not a kind of "
                "record, so it cannot tell what is safe to show. Pass the tables from "
                "Workbook.tables() and aggregate after applying privacy."
            ) from None
    clearances = next((df for key, df in tables.items() if kinds[key] == "clearance"), None)

    redactor = None
    if not policy.may_see_unredacted_text:
        redactor = Redactor(sorted(names_on_record(tables) | set(names or ())))

    out: dict[str, pd.DataFrame] = {}
    visible_ids: set[int] = set()
    for key, df in tables.items():
        kind = kinds[key]
        if not policy.may_see_kind(kind):  # the team's own (TEAM_ONLY): never handed on
            continue
        if kind == "voice":
            df = visible_voices(df, policy.audience,
                                keep_personal=policy.may_see_personal_fields)
        else:
            df = _current(df).copy()
        if kind == "support" and not policy.may_see_personal_fields and "support_kind" in df:
            # an anonymous wish to talk (store.Workbook.raise_talk_wishes) stays in the team
            df = df[df["support_kind"].astype(str) != "someone_to_talk_to"]
        out[key] = df

    waiting = 0
    for key, df in out.items():
        kind = kinds[key]
        if not policy.may_see_personal_fields:
            df = df.drop(columns=[c for c in RECORD_KINDS[kind].personal if c in df])
            df, n = _shared_text(df, kind, policy, clearances)
            waiting += n
        if kind == "voice":
            visible_ids |= {int(i) for i in df.get("id", [])}
        if kind == "contribution" and not policy.may_see_speaker_pseudonyms and "speaker" in df:
            df = df.copy()
            df["speaker"] = _speaker_labels(df)
        if redactor is not None:
            df = _redact_frame(df, kind, redactor)
            if kind == "voice":
                df = _safe_shown_names(df)
        out[key] = df
    for key, df in out.items():
        kind = kinds[key]
        if kind in VOICE_LINKS:
            df = _prune_links(df, VOICE_LINKS[kind], visible_ids)
        about = RECORD_KINDS[kind].about_story
        if about and about in df:  # a record about a story that may not be shown is not
            df = df[df[about].map(_as_int).isin(visible_ids)]
        df.attrs = dict(df.attrs)
        df.attrs["privacy"] = Tag(audience=policy.audience,
                                  threshold=policy.effective_threshold,
                                  aggregate_only=not policy.may_see_rows_of(kind),
                                  waiting=waiting)
        out[key] = df
    return out


def waiting_for_check(tables: Mapping[str, pd.DataFrame]) -> int:
    """How many pieces of text :func:`apply` left out because nobody has checked them."""
    return max((int(df.attrs.get("privacy", {}).get("waiting", 0)) for df in tables.values()),
               default=0)


#: Kinds a report reads whole (they describe the place), and kinds it reads for a period.
WHOLE_KINDS = ("place", "partner", "meeting_series", "glossary_term", "burden", "value",
               "experiment", "clearance")
#: Kinds always read as they are now, even for an earlier moment (see :func:`read_tables`).
_NOW_KINDS = ("voice", "clearance")
PERIOD_KINDS = ("voice", "meeting", "contribution", "decision", "review", "learning", "share",
                "reflection", "pulse", "support", "checkin")


#: The kinds :func:`apply` judges every other kind with: stories (links to a story, and
#: records about one, go with it) and the checks of text before sharing.
GATE_NEEDS = ("voice", "clearance")


def read_tables(wb: Any, place: str, start: Any, end: Any, *, as_of: Any = None,
                kinds: Iterable[str] | None = None, names: bool = True
                ) -> tuple[dict[str, pd.DataFrame], set[str]]:
    """A place's records for a period, as read, and every name the place holds.

    The one way outputs read the store: what is read here goes through :func:`apply`
    before anyone else sees it. Names come from the whole record, not just the period,
    so a name recorded last year is still removed from this year's text. ``as_of`` (a
    moment) reads the records as they stood then (a year ago's funding paperwork, say),
    except stories and checks of text, read as they are now (a withdrawal or a "hold
    back" made since still holds); names still come from every record held now.
    ``kinds``: only these (default: every kind a report reads), with :data:`GATE_NEEDS`,
    which the gate needs to judge them. ``names=False``: no names (an empty set), for
    an audience that sees text as typed.
    """
    wanted = None if kinds is None else {*kinds, *GATE_NEEDS}
    raw: dict[str, pd.DataFrame] = {}

    def read(kind: str, **period: Any) -> pd.DataFrame:
        if as_of is None or kind in _NOW_KINDS:
            return wb.table(kind, place, **period)
        df = wb.table(kind, place, as_of=as_of, **period)
        return df.assign(superseded_at=pd.NaT)  # each was the current version then

    for kind in WHOLE_KINDS:
        if wanted is None or kind in wanted:
            raw[kind] = read(kind)
    for kind in PERIOD_KINDS:
        if wanted is None or kind in wanted:
            raw[kind] = read(kind, start=start, end=end)
    if "experiment" in raw:
        raw["experiment"] = _overlapping(raw["experiment"], start, end)
    if not names:
        return raw, set()
    partner = raw["partner"] if "partner" in raw else read("partner")
    said = (raw["contribution"] if "contribution" in raw
            else read("contribution", start=start, end=end))
    return raw, names_on_record({"partner": partner, "voice": wb.table("voice", place),
                                 "contribution": said})


def _overlapping(df: pd.DataFrame, start: Any, end: Any) -> pd.DataFrame:
    """Experiments that overlap the period; ideas without dates count as current."""
    if df.empty:
        return df
    s, e = pd.Timestamp(start), pd.Timestamp(end)
    starts, ends = df["start_on"], df["end_on"]
    keep = (starts.isna() | (starts <= e)) & (ends.isna() | (ends >= s))
    return df[keep].reset_index(drop=True)


def open_tables(db: Any, place: str, start: Any, end: Any, audience: str | Policy, *,
                threshold: int = MIN_PUBLIC_THRESHOLD, as_of: Any = None,
                kinds: Iterable[str] | None = None) -> dict[str, pd.DataFrame]:
    """A place's records for a period, as ``audience`` may see them: the gate, whole.

    Reports, summaries and exports meant to leave the team read through this (or
    :func:`read_tables` then :func:`apply`), never through the store directly. ``as_of``:
    the records as they stood at that moment (see :func:`read_tables`). ``kinds``: only
    these, judged as they would be among all (the stories and checks of text the gate
    needs are read too, and handed on as the audience may see them); what is waiting for
    a check is then counted in these only.
    """
    from hls_workbook.store.workbook import open_workbook

    policy = Policy.of(audience, threshold)
    with open_workbook(db or None) as wb:
        # Names are only needed to remove them from text an audience may not see as typed.
        raw, names = read_tables(wb, place, start, end, as_of=as_of, kinds=kinds,
                                 names=not policy.may_see_unredacted_text)
    return apply(raw, policy, names=names)


def header(db: Any, place: str, audience: str, title: str = "") -> dict[str, str] | None:
    """The place's name and the report's title as ``audience`` may see them (None: no
    such place). Read without pandas: the report runner calls it before any kernel."""
    from hls_workbook.store.workbook import open_workbook

    with open_workbook(db or None) as wb:
        info = wb.place_info(place)
    if info is None:
        return None
    name, title = str(info["name"]), (title or "").strip()
    if not Policy.of(audience, MIN_PUBLIC_THRESHOLD).may_see_unredacted_text:
        from hls_workbook.privacy.detect import redact

        name, title = redact(name), redact(title)
    return {"place_name": name, "title": title}


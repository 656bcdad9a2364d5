"""The gate: what an audience may see of a set of tables (:func:`apply`)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

from ..analysis import missing as _missing
from ..errors import RecordError, WorkbookError
from ..model import RECORD_KINDS, Audience, Part, model_for
from .consent import _as_list, _current, _role_label, visible_voices
from .detect import Redactor, name_variants, names_on_record
from .policy import _TEXT_WIDGETS, VOICE_LINKS, Policy


def _text_fields(kind: str) -> list[str]:
    """Every field a person types into: the model's free_text and every text widget."""
    model = RECORD_KINDS[kind]
    fields = list(model.free_text)
    for meta in model.fields_meta():
        if meta.widget in _TEXT_WIDGETS and meta.name not in fields:
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


def apply(
    tables: Mapping[str, pd.DataFrame],
    audience: str | Audience | Policy,
    *,
    threshold: int = 5,
    names: Iterable[str] | None = None,
) -> dict[str, pd.DataFrame]:
    """What ``audience`` may see of ``tables`` (keyed by record kind, plural or title).

    - every audience: archived rows and superseded versions dropped; withdrawn,
      in-confidence and safeguarding stories dropped; stories kept only as consent allows
      (see :func:`visible_voices`), with ``shown_name``; links to hidden stories dropped;
    - ``partners``: as team, and every model's ``personal`` fields dropped, along with a
      story's pseudonym and who collected it;
    - ``public``: as partners, and every typed text field redacted with the names on
      record (:func:`names_on_record` of ``tables``, plus any ``names`` given), speakers'
      made-up names replaced by their part of the system, and pulse and check-in rows
      marked ``attrs["privacy"]["aggregate_only"]``: show them only as aggregates of at
      least ``threshold`` answers, with counts through :func:`suppress_counts`.

    Text is not HTML-escaped here: :func:`escape` it where it is rendered. The input
    frames are not changed. Keys that are not record kinds raise a WorkbookError.
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

    redactor = None
    if not policy.may_see_unredacted_text:
        redactor = Redactor(sorted(names_on_record(tables) | set(names or ())))

    out: dict[str, pd.DataFrame] = {}
    visible_ids: set[int] = set()
    for key, df in tables.items():
        kind = kinds[key]
        if kind == "voice":
            df = visible_voices(df, policy.audience,
                                keep_personal=policy.may_see_personal_fields)
            visible_ids |= {int(i) for i in df.get("id", [])}
        else:
            df = _current(df).copy()
        out[key] = df

    for key, df in out.items():
        kind = kinds[key]
        if kind in VOICE_LINKS:
            df = _prune_links(df, VOICE_LINKS[kind], visible_ids)
        if not policy.may_see_personal_fields:
            df = df.drop(columns=[c for c in RECORD_KINDS[kind].personal if c in df])
        if kind == "contribution" and not policy.may_see_speaker_pseudonyms and "speaker" in df:
            df = df.copy()
            df["speaker"] = _speaker_labels(df)
        if redactor is not None:
            df = _redact_frame(df, kind, redactor)
        df.attrs = dict(df.attrs)
        df.attrs["privacy"] = {
            "audience": policy.audience,
            "threshold": policy.effective_threshold,
            "aggregate_only": not policy.may_see_rows_of(kind),
        }
        out[key] = df
    return out


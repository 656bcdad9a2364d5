"""Checks for `hls-workbook validate`: find problems in a database without changing it."""

from __future__ import annotations

from typing import Any

from hls_workbook.domain.errors import RecordError
from hls_workbook.domain.model import RECORD_KINDS, Voice
from hls_workbook.store.workbook import Workbook


def check_workbook(wb: Workbook) -> list[str]:
    """Every problem found, as a sentence a person can act on. Empty when all is well."""
    problems = [f"database integrity: {line}" for line in wb.integrity_check()]
    places = set(wb.places())
    known_ids: dict[str, set[int]] = {}
    frames = {kind: wb.table(kind, archived=True) for kind in RECORD_KINDS}
    for kind, df in frames.items():
        known_ids[kind] = set(df["id"].tolist())
    voices = frames["voice"]
    withdrawn = set(voices.loc[voices["consent_withdrawn"].fillna(False).astype(bool), "id"])
    for kind, model in RECORD_KINDS.items():
        df = frames[kind]
        for place in sorted(set(df["place"]) - places - {None}):
            problems.append(f"{kind} records belong to place '{place}', which has no place "
                            "record; add it with the getting-started notebook")
        for row in df.to_dict("records"):
            data = {k: _plain(row[k]) for k in model.model_fields}
            where = f"{kind} #{row['id']} (version {row['version']})"
            try:
                model.model_validate(data)
            except Exception as exc:  # noqa: BLE001 - report every kind of invalid record
                detail = str(RecordError.from_validation(model, exc)) if hasattr(
                    exc, "errors") else str(exc)
                problems.append(f"{where}: {detail}")
            for meta in model.fields_meta():
                if not meta.link:
                    continue
                value = row[meta.name]
                wanted = [] if value is None or value != value else (
                    value if isinstance(value, list) else [value])
                missing = [int(v) for v in wanted if int(v) not in known_ids[meta.link]]
                if missing:
                    problems.append(
                        f"{where}: {meta.label} points at missing {meta.link} "
                        f"#{', #'.join(map(str, missing))}"
                    )
            if kind == "voice" and row["consent_withdrawn"] and not Voice.is_erased(row):
                problems.append(f"{where}: consent was withdrawn but words of the story are "
                                "still there; erase them with: hls-workbook withdraw "
                                f"{row['id']}")
            story = _plain(row[model.about_story]) if model.about_story else None
            if story is not None and int(story) in withdrawn and any(
                    _plain(row[k]) != v for k, v in model.erased_with_story().items()):
                problems.append(f"{where}: the story it is about (#{int(story)}) was "
                                "withdrawn but its words are still there; erase them with: "
                                f"hls-workbook withdraw {int(story)}")
    problems += [f"{kind} #{rid} has {n} current versions; only the newest should be"
                 for kind, rid, n in wb.version_clashes()]
    return problems


def _plain(value: Any) -> Any:
    """DataFrame cells back to plain Python for re-validation."""
    import pandas as pd

    if value is None:
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    if isinstance(value, float) and value != value:
        return None
    if value is pd.NA or value is pd.NaT:
        return None
    return value

"""Exports meant to leave the team: what an audience may see, as CSV, Excel or JSON.

``hls-workbook export`` without ``--audience`` is the team's backup (every record, for
``import``). With ``--audience partners`` or ``public`` it writes only what the privacy
gate hands that audience (:func:`hls_workbook.privacy.open_tables`): consented stories,
checked text, personal details removed. Public exports carry no rows of anonymous
answers (pulse, check-ins), which the public may only see summed up in a report.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from pathlib import Path
from typing import Any

from hls_workbook import privacy
from hls_workbook.domain.errors import WorkbookError
from hls_workbook.privacy.policy import MIN_PUBLIC_THRESHOLD

#: Columns that say who saved a row and when, to the second: for the team only.
TEAM_COLUMNS = ("recorded_by", "recorded_at", "superseded_at", "archived", "version",
                "row_id")


def _plain(value: Any) -> Any:
    """A cell as a file holds it: lists joined, dates as ISO text, NaN as empty."""
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if hasattr(value, "isoformat"):  # pandas Timestamp
        return None if str(value) == "NaT" else value.isoformat()
    return value


def export_for(db: Any, place: str, audience: str, out: Path | str, fmt: str = "xlsx", *,
               start: dt.date | str = "1900-01-01", end: dt.date | str = "2199-12-31",
               threshold: int = MIN_PUBLIC_THRESHOLD) -> list[Path]:
    """Write what ``audience`` may see of ``place`` for the period; return the files.

    ``fmt``: ``csv`` (``out`` is a folder, one file per kind), ``xlsx`` or ``json`` (one
    file). Refuses the team (use the backup export) and a public threshold under 5.
    """
    policy = privacy.Policy.of(audience, threshold)
    if policy.may_see_personal_fields:
        raise WorkbookError("--audience: an export for the team is the backup: leave "
                            "--audience out. Use partners or public for one to share.")
    fmt = str(fmt).strip().lower().lstrip(".")
    if fmt not in ("csv", "xlsx", "json"):
        raise WorkbookError(f"--format: '{fmt}' is not a format we write; use csv, xlsx or "
                            "json.")
    if privacy.header(db, place, policy.audience) is None:
        raise WorkbookError(f"--place: there is no place called '{place}' in this workbook.")
    tables = privacy.open_tables(db, place, start, end, policy)
    frames = {}
    for kind, df in tables.items():
        if not policy.may_see_rows_of(kind):
            continue
        df = df.drop(columns=[c for c in TEAM_COLUMNS if c in df])
        frames[kind] = df.map(_plain) if len(df) else df
    out = Path(out)
    if fmt == "csv":
        out.mkdir(parents=True, exist_ok=True)
        paths = []
        for kind, df in frames.items():
            path = out / f"{place}-{audience}-{kind}.csv"
            df.to_csv(path, index=False)
            paths.append(path)
        return paths
    if out.is_dir() or not out.suffix:  # a folder: the file is named for what it holds
        out = out / f"{place}-{audience}.{fmt}"
    out.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "json":
        doc = {"place": place, "audience": audience, "from": str(start), "to": str(end),
               "waiting_for_a_check": privacy.waiting_for_check(tables),
               "records": {k: df.to_dict("records") for k, df in frames.items()}}
        out.write_text(json.dumps(doc, ensure_ascii=False, indent=1, default=str),
                       encoding="utf-8")
    else:
        import pandas as pd

        with pd.ExcelWriter(out) as writer:
            for kind, df in frames.items():
                df.to_excel(writer, sheet_name=kind[:31], index=False)
    return [out]

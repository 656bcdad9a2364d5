"""Exporting a team's records: every kind, current versions, to a CSV folder, one Excel
workbook or one JSON file, written beside the target and moved into place, so a cut-off
write never leaves half a backup. The formats are described in the package's docstring.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hls_workbook.domain.errors import RecordError
from hls_workbook.domain.model import RECORD_KINDS, Voice
from hls_workbook.io.exchange.layout import (
    FORMAT_NAME,
    FORMAT_VERSION,
    FORMATS,
    INFO_SHEET,
    MANIFEST,
    export_columns,
    neutralise,
    ooxml_escape,
)
from hls_workbook.io.exchange.results import ExportError
from hls_workbook.store.workbook import SCHEMA_VERSION, Workbook, check_place


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return neutralise(str(value))


def _json_value(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _current_rows(wb: Workbook, kind: str, place: str | None) -> list[dict[str, Any]]:
    """The current version of every record of a kind (archived ones too), oldest id first."""
    rows = wb.current_rows(kind, place, columns=export_columns(kind))
    anonymous = "anonymous" in RECORD_KINDS[kind].model_fields
    for row in rows:
        row["archived"] = bool(row["archived"])
        if anonymous:
            _blur_anonymous(row)
        if kind == "voice" and row.get("consent_withdrawn"):
            _erase_withdrawn(row)
    return rows


def _blur_anonymous(row: dict[str, Any]) -> None:
    """An anonymous answer leaves without who typed it in or the second it was saved:
    in a small team, the time and the facilitator's role can say whose answer it was."""
    row["recorded_by"] = None
    if isinstance(row.get("recorded_at"), dt.datetime):
        row["recorded_at"] = row["recorded_at"].replace(hour=0, minute=0, second=0,
                                                        microsecond=0)


def _erase_withdrawn(row: dict[str, Any]) -> None:
    row.update(Voice.withdrawn_values())


def _atomic_write(path: Path, write: Callable[[Path], None]) -> None:
    """Write to a temporary file beside ``path``, then move it into place."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    os.close(fd)
    try:
        write(Path(tmp))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _target_file(out: Path, fmt: str, place: str | None) -> Path:
    if out.is_dir():
        return out / f"{place or 'workbook'}-export.{fmt}"
    if out.suffix.lower() != f".{fmt}":
        out = out.with_name(out.name + f".{fmt}")
    return out


def export(
    wb: Workbook, out: Path | str, fmt: str = "csv", place: str | None = None
) -> list[Path]:
    """Export every record kind of a place (or of every place) and return the files written.

    ``fmt`` is ``"csv"`` (``out`` is a folder: one file per kind and ``manifest.json``),
    ``"xlsx"`` (one workbook, a sheet per kind) or ``"json"`` (one file). For xlsx and json,
    ``out`` may be a folder: the file is then called ``<place>-export.<fmt>`` inside it.
    Only current versions are exported, archived records included and flagged.
    """
    fmt = str(fmt).strip().lower().lstrip(".")
    if fmt == "excel":
        fmt = "xlsx"
    if fmt not in FORMATS:
        raise ExportError(f"'{fmt}' is not a format we export; choose csv, xlsx or json.")
    if place is not None:
        try:
            place = check_place(place)
        except RecordError as exc:
            raise ExportError(exc.message()) from None
        if not any(wb.counts(place).values()) and place not in wb.places():
            known = ", ".join(wb.places()) or "none yet"
            raise ExportError(
                f"Nothing is recorded for the place '{place}'. Places in this workbook: {known}."
            )
    out = Path(out).expanduser()
    data = {kind: _current_rows(wb, kind, place) for kind in RECORD_KINDS}
    info = {
        "format": FORMAT_NAME,
        "format_version": FORMAT_VERSION,
        "schema_version": SCHEMA_VERSION,
        "exported_at": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
        "place": place,
        "history": "current versions only (archived records included)",
        "counts": {kind: len(rows) for kind, rows in data.items()},
    }
    try:
        if fmt == "csv":
            return _export_csv(out, data, info)
        target = _target_file(out, fmt, place)
        target.parent.mkdir(parents=True, exist_ok=True)
        if fmt == "xlsx":
            _atomic_write(target, lambda p: _write_xlsx(p, data, info))
        else:
            _atomic_write(target, lambda p: _write_json(p, data, info))
        return [target]
    except OSError as exc:
        raise ExportError(
            f"Could not write the export to {out}: {exc.strerror or exc}. Choose a folder "
            "you may write to."
        ) from None


def _export_csv(out: Path, data: dict[str, list[dict[str, Any]]], info: dict) -> list[Path]:
    if out.exists() and not out.is_dir():
        raise ExportError(
            f"{out} is a file; a CSV export is a folder of files. Give a folder name."
        )
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for kind, rows in data.items():
        cols = export_columns(kind)

        def write(p: Path, rows: list[dict[str, Any]] = rows, cols: list[str] = cols) -> None:
            with p.open("w", encoding="utf-8-sig", newline="") as fh:
                w = csv.writer(fh)
                w.writerow(cols)
                for row in rows:
                    w.writerow([_csv_cell(row[c]) for c in cols])

        path = out / f"{kind}.csv"
        _atomic_write(path, write)
        written.append(path)
    manifest = {**info, "files": {kind: f"{kind}.csv" for kind in data}}
    path = out / MANIFEST
    _atomic_write(path, lambda p: p.write_text(
        json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"))
    written.append(path)
    return written


def _write_json(path: Path, data: dict[str, list[dict[str, Any]]], info: dict) -> None:
    doc = {
        **info,
        "records": {
            kind: [{k: _json_value(v) for k, v in row.items()} for row in rows]
            for kind, rows in data.items()
        },
    }
    path.write_text(json.dumps(doc, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def _write_xlsx(path: Path, data: dict[str, list[dict[str, Any]]], info: dict) -> None:
    from openpyxl import Workbook as XlWorkbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    book = XlWorkbook(write_only=True)
    bold = Font(bold=True)
    about = book.create_sheet(INFO_SHEET)
    for key in ("format", "format_version", "schema_version", "exported_at", "place",
                "history"):
        value = info[key]
        about.append([key, neutralise(str(value)) if isinstance(value, str) else value])
    for kind, count in info["counts"].items():
        about.append([f"records: {kind}", count])
    for kind, rows in data.items():
        ws = book.create_sheet(kind)
        ws.freeze_panes = "A2"
        cols = export_columns(kind)
        header = []
        for name in cols:
            cell = WriteOnlyCell(ws, value=name)
            cell.font = bold
            header.append(cell)
        ws.append(header)
        for row in rows:
            ws.append([_xlsx_cell(ws, row[c], WriteOnlyCell) for c in cols])
    book.save(path)


def _xlsx_cell(ws: Any, value: Any, cell_type: Any) -> Any:
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, dt.datetime):
        cell = cell_type(ws, value=value)
        cell.number_format = "yyyy-mm-dd hh:mm:ss"
        return cell
    if isinstance(value, dt.date):
        cell = cell_type(ws, value=value)
        cell.number_format = "yyyy-mm-dd"
        return cell
    if isinstance(value, list | dict):
        return ooxml_escape(json.dumps(value, ensure_ascii=False))
    return ooxml_escape(neutralise(str(value)))

"""Export a workbook to files, and import files into a workbook.

Formats
-------

``export(wb, out, "csv")``
    A folder with one UTF-8 CSV file per record kind (``learning.csv``, ...; with a byte
    order mark, so Excel opens accents and pound signs right) and ``manifest.json``
    (format, schema version, export time, place, row counts).
``export(wb, out, "xlsx")``
    One Excel workbook: a sheet ``export_info`` and one sheet per record kind.
``export(wb, out, "json")``
    One file ``{"format", "schema_version", "exported_at", "place", "counts",
    "records": {kind: [record, ...]}}``.

Every record kind is exported, empty ones included, with the current version of every
record (archived ones too, flagged in ``archived``). Columns: ``id, place, version,
archived, recorded_at, recorded_by`` and then the model's fields by name. Dates are ISO
(``2026-03-31``; real date cells in Excel, shown that way); lists and counts are JSON text in
CSV and Excel; yes/no fields are ``true``/``false``.

Rules chosen
------------

- **Formula injection.** On export every text cell of a CSV or Excel file that starts with
  ``=``, ``+``, ``-``, ``@``, a tab or a carriage return, possibly after some single quotes,
  gets one more single quote in front (``=SUM(A1)`` is written ``'=SUM(A1)``). Numbers,
  dates and yes/no cells are never touched. On import one leading quote is taken off a cell
  of that shape, so an export imports back exactly, whatever the text. JSON is not a
  spreadsheet: no quotes are added or taken away there.
- **Formula-looking cells on import** (CSV and Excel): a cell starting with ``=`` is refused:
  the row is reported with the field, and nothing is imported. Type the value itself (in
  Excel: copy, then Paste Values), or, if it is meant as text, start the cell with a single
  quote (``'=...``): it is then stored as plain text without that quote. Cells starting with
  ``+``, ``-`` or ``@`` are ordinary text ("- a list", "@Jo", "+1"): they are stored as
  plain text and neutralised again on every export.
- **History.** Only current versions travel. An imported record starts at version 1, with
  the import time as ``recorded_at``; ``recorded_by`` and the archived flag are kept.
- **Anonymous answers** (pulse answers, check-ins) leave without ``recorded_by`` and with
  ``recorded_at`` cut to the day: in a small team the second an answer was saved, and the
  role of whoever typed it in, can say whose answer it was.
- **Ids.** Ids in a file are that file's own. Every record gets a new id; links to records
  in the same import (review.experiment, learning.experiment, learning.voices,
  share.learning, contribution.meeting, decision.meeting, decision.voices, meeting.series,
  and the record a check before sharing names: clearance.record_kind and record_id) are
  changed to the new ids. A link to an id that is not in the import must be a record
  already in the workbook in the same place (a learning log whose "From experiment" column
  names an experiment already recorded). ``ImportResult.ids`` maps old ids to new ones.
- **Withdrawn stories** stay withdrawn: their words are not exported (``story`` is
  ``[withdrawn]``, name, pseudonym, listener and "why it matters" empty) and, should a file
  bring a withdrawn story with its words, the words are erased on import.
- **Places.** ``place=`` puts everything into that place, which must be a place of the
  workbook (else it is refused with the list of places and how to create one), unless
  ``new_place=True`` says it is new on purpose; otherwise each row goes to the place in its
  ``place`` column. A place description (kind ``place``) is not imported when
  the place already has one: the note in the result says so. Import only ever adds records:
  it never merges, edits or removes.
- **All or nothing.** Every row is checked first (its fields, its links); if any row is
  wrong nothing is saved and :class:`ImportRowsError` lists every bad row with its file,
  line (as a spreadsheet counts rows: the headings are line 1; "record N" in JSON) and the
  problem. Otherwise every row is saved in one transaction.
- **Spreadsheets from elsewhere.** Headings may be field names (``event_on``) or labels
  (``When it happened``), in any case, or anything a column mapping
  (:class:`~hls_workbook.io.mapping.ColumnMap`: a TOML file or ``--map`` options) says: a field,
  a field of a kind linked to this one (``share.shared_with``: one linked record per name in
  the cell, saved in the same transaction), or nothing (left out, and said so). A heading we
  do not know is refused; the message names the required columns first, then suggests
  fields. Choices may be values or labels (``Make it simpler``). Numbers may have a pound
  sign and thousands commas. Dates may be written day first (``31/03/2026``, ``31/3/26``,
  ``31 March 2026``); one that could be read two ways is refused unless an order is given
  or the file's other dates settle it (rules in :mod:`hls_workbook.io.mapping`). A semicolon-
  or tab-separated file is read as such (decimal commas accepted there), and the result
  notes it.
- **Refused files** (one :class:`ImportFileError` naming the file and the fix): missing,
  empty, cut off, not UTF-8 (UTF-8 with or without a byte order mark is read), UTF-16,
  headings we do not know (named, with the expected ones), the same heading twice, more than
  20 MB or 200,000 rows, an "Excel" file that is really CSV, an old .xls, a password-protected
  or damaged workbook, a JSON file that is not an export.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import json
import os
import re
import tempfile
import unicodedata
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hls_workbook.domain.errors import RecordError, WorkbookError
from hls_workbook.domain.kinds import Reading
from hls_workbook.domain.model import RECORD_KINDS, FieldMeta, Record, Voice, model_for
from hls_workbook.io.mapping import (
    ColumnMap,
    DateOrder,
    DateProblem,
    Target,
    other_kind_of,
    parse_target,
    read_date,
    suggest,
)
from hls_workbook.store.workbook import SCHEMA_VERSION, Workbook, check_place

__all__ = [
    "FORMATS",
    "MAX_BYTES",
    "MAX_ROWS",
    "ExportError",
    "ImportFileError",
    "ImportResult",
    "ImportRowsError",
    "RowProblem",
    "export",
    "import_path",
    "neutralise",
    "unneutralise",
]

FORMAT_NAME = "hls-workbook-export"
FORMAT_VERSION = 1
FORMATS = ("csv", "xlsx", "json")
MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 200_000
#: Unpacked size beyond which an .xlsx is refused (a small file can unpack to gigabytes).
MAX_UNPACKED_BYTES = 400 * 1024 * 1024
EXPORT_META = ("id", "place", "version", "archived", "recorded_at", "recorded_by")
#: Columns an export has besides the fields; the ones we read back are id, place,
#: archived and recorded_by.
META_COLUMNS = (*EXPORT_META, "superseded_at")
MANIFEST = "manifest.json"
INFO_SHEET = "export_info"
WITHDRAWN_STORY = Voice.WITHDRAWN_TEXT

_TRIGGER = "=+-@\t\r"
_ESCAPED = re.compile(r"^'*[=+\-@\t\r]")
_UNESCAPE = re.compile(r"^'+[=+\-@\t\r]")
_OOXML_ESCAPE = re.compile(r"_x[0-9A-Fa-f]{4}_")
_MAX_CELL = 131_072


# ---------------------------------------------------------------------------
# Errors and results
# ---------------------------------------------------------------------------


class ExportError(WorkbookError):
    """An export could not be made; the message says why and what to do."""


class ImportFileError(WorkbookError):
    """A file cannot be imported as it is. Nothing was imported; the message names the fix."""

    def __init__(self, message: str, path: Path | str | None = None) -> None:
        self.path = Path(path) if path is not None else None
        super().__init__(message)


@dataclass
class RowProblem:
    """One bad row: where it is and what is wrong with it, field by field."""

    source: str
    line: int
    kind: str
    problems: dict[str, str]
    unit: str = "line"

    def __str__(self) -> str:
        return f"{self.source}, {self.unit} {self.line}: {'; '.join(self.problems.values())}"


class ImportRowsError(ImportFileError):
    """Some rows are wrong, so nothing was imported. ``problems`` lists every bad row."""

    #: How many rows the message itself lists (``problems`` always holds them all).
    SHOWN = 200

    def __init__(self, problems: list[RowProblem], path: Path | str | None = None) -> None:
        self.problems = list(problems)
        n = len(self.problems)
        head = (
            f"Nothing was imported: {n} row{'s' if n != 1 else ''} "
            f"{'have' if n != 1 else 'has'} a problem. Put {'them' if n != 1 else 'it'} "
            "right in the file and import it again."
        )
        lines = [f"- {p}" for p in self.problems[: self.SHOWN]]
        if n > self.SHOWN:
            lines.append(f"- ... and {n - self.SHOWN} more rows")
        super().__init__("\n".join([head, *lines]), path)


@dataclass
class ImportResult:
    """What an import saved."""

    source: Path
    format: str
    #: Records saved, by kind (kinds with none are left out).
    counts: dict[str, int] = field(default_factory=dict)
    #: For rows that had an id in the file: kind -> {id in the file: new id}.
    ids: dict[str, dict[int, int]] = field(default_factory=dict)
    #: The new ids of every saved record, by kind, in the order of the rows.
    new_ids: dict[str, list[int]] = field(default_factory=dict)
    places: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def __str__(self) -> str:
        where = ", ".join(self.places) or "the workbook"
        n = self.total
        lines = [f"Imported {n} record{'s' if n != 1 else ''} from {self.source.name} "
                 f"into {where}."]
        for kind, count in self.counts.items():
            lines.append(f"  {RECORD_KINDS[kind].title_plural}: {count}")
        lines.extend(f"Note: {note}" for note in self.notes)
        return "\n".join(lines)


# ---------------------------------------------------------------------------
# Cells
# ---------------------------------------------------------------------------


def neutralise(text: str) -> str:
    """Make a text cell safe to open in a spreadsheet: never read as a formula.

    Text starting with ``= + - @``, a tab or a carriage return (after any single quotes)
    gets one more leading single quote. :func:`unneutralise` reverses it exactly.
    """
    return "'" + text if _ESCAPED.match(text) else text


def unneutralise(text: str) -> str:
    """Undo :func:`neutralise`: one leading quote comes off a cell it would have quoted."""
    return text[1:] if _UNESCAPE.match(text) else text


_XML_UNSAFE = re.compile("[\r\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _ooxml_escape(text: str) -> str:
    """Keep carriage returns, characters XML cannot hold and literal ``_xHHHH_`` through an
    .xlsx file, escaped as ``_xHHHH_`` the way Excel itself does."""
    text = _OOXML_ESCAPE.sub(lambda m: "_x005F" + m.group(0), text)
    return _XML_UNSAFE.sub(lambda m: f"_x{ord(m.group(0)):04X}_", text)


def _ooxml_unescape(text: str) -> str:
    if "_x" not in text:
        return text
    return _OOXML_ESCAPE.sub(lambda m: chr(int(m.group(0)[2:6], 16)), text)


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


# ---------------------------------------------------------------------------
# Export
# ---------------------------------------------------------------------------


def _fields(kind: str) -> list[FieldMeta]:
    return RECORD_KINDS[kind].fields_meta()


def _columns(kind: str) -> list[str]:
    return [*EXPORT_META, *(m.name for m in _fields(kind))]


def _current_rows(wb: Workbook, kind: str, place: str | None) -> list[dict[str, Any]]:
    """The current version of every record of a kind (archived ones too), oldest id first."""
    rows = wb.current_rows(kind, place, columns=_columns(kind))
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
        cols = _columns(kind)

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
        cols = _columns(kind)
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
        return _ooxml_escape(json.dumps(value, ensure_ascii=False))
    return _ooxml_escape(neutralise(str(value)))


# ---------------------------------------------------------------------------
# Reading files into tables of rows
# ---------------------------------------------------------------------------


@dataclass
class _Table:
    """Rows of one kind from one file or sheet, keyed by field or meta name."""

    source: str
    kind: str
    rows: list[tuple[int, dict[str, Any]]]
    spreadsheet: bool = True
    unit: str = "line"
    decimal_comma: bool = False
    note: str | None = None
    #: Field (or ``kind.field``) -> the heading as written in the file, for messages.
    headings: dict[str, str] = field(default_factory=dict)
    #: The team's column mapping, if any (its value maps are used per column).
    mapping: ColumnMap | None = None
    #: One value for every row, by field (or ``kind.field``), from the mapping.
    every_row: dict[str, Any] = field(default_factory=dict)
    #: Columns that come in as another kind: that kind -> its link to this table's kind.
    side_links: dict[str, str] = field(default_factory=dict)
    #: Headings the mapping leaves out.
    left_out: list[str] = field(default_factory=list)
    dates: DateOrder = field(default_factory=DateOrder)
    #: Whether a date readable both ways was read in the order the file's dates show.
    dates_used: bool = False


def _norm(text: Any) -> str:
    text = unicodedata.normalize("NFC", str(text)).replace("_", " ")
    return " ".join(text.split()).casefold().rstrip(" *:")


def _header_map(kind: str) -> dict[str, str]:
    """Normalised heading -> field (or meta column) for a kind: names win over labels."""
    out: dict[str, str] = {}
    labels: dict[str, list[str]] = {}
    for meta in _fields(kind):
        labels.setdefault(_norm(meta.label), []).append(meta.name)
    for label, names in labels.items():
        if len(names) == 1:
            out[label] = names[0]
    for name in META_COLUMNS:
        out[_norm(name)] = name
    for meta in _fields(kind):
        out[_norm(meta.name)] = meta.name
    return out


def _expected_columns(kind: str) -> str:
    fields = ", ".join(f"{m.name} ({m.label})" for m in _fields(kind))
    return f"{fields}; and optionally {', '.join(EXPORT_META)}"


def _too_big(path: Path, size: int) -> None:
    if size > MAX_BYTES:
        raise ImportFileError(
            f"{path.name} is {size / 1024 / 1024:.1f} MB, more than the "
            f"{MAX_BYTES // 1024 // 1024} MB we import at once. Split it into smaller files "
            "(for example by year) and import them one by one.",
            path,
        )


def _too_many_rows(path: Path, where: str = "") -> ImportFileError:
    return ImportFileError(
        f"{path.name}{where} has more than {MAX_ROWS:,} rows, more than we import at once. "
        "Split it into smaller files and import them one by one.",
        path,
    )


def _read_bytes(path: Path) -> bytes:
    size = path.stat().st_size
    if size == 0:
        raise ImportFileError(
            f"{path.name} is empty. Check that it was saved, or export it again.", path
        )
    _too_big(path, size)
    return path.read_bytes()


_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _decode_text(path: Path, raw: bytes) -> str:
    save_as = (
        "in Excel choose File > Save As > 'CSV UTF-8 (Comma delimited) (*.csv)'; in LibreOffice "
        "choose 'Text CSV' with the character set 'Unicode (UTF-8)'."
    )
    if raw.startswith(b"PK\x03\x04"):
        raise ImportFileError(
            f"{path.name} is an Excel workbook (or another zipped file), not a CSV text file. "
            "Import it with the .xlsx ending, or save it from Excel as CSV UTF-8.", path
        )
    if raw.startswith(_OLE):
        raise ImportFileError(
            f"{path.name} is an old Excel (.xls) workbook, not a CSV text file. To import it, "
            f"{save_as}", path
        )
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ImportFileError(
            f"{path.name} is saved as UTF-16 ('Unicode Text'), which we do not read. Save it as "
            f"UTF-8 CSV: {save_as}",
            path,
        )
    if b"\x00" in raw:
        raise ImportFileError(
            f"{path.name} is not a text file: it holds binary data. Import the CSV or Excel "
            "file itself.", path
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ImportFileError(
            f"{path.name} is not saved as UTF-8 (the first character we cannot read is on line "
            f"{line}), so accents and symbols such as £ would come out wrong. "
            f"Save it as UTF-8 CSV: {save_as}", path
        ) from None
    if not text.strip():
        raise ImportFileError(
            f"{path.name} is empty. Check that it was saved, or export it again.", path
        )
    return text


def _all_headings() -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for kind in RECORD_KINDS:
        for heading in _header_map(kind):
            out.setdefault(heading, set()).add(kind)
    return out


def _first_record(text: str, delimiter: str) -> list[str]:
    try:
        for cells in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            if any(c.strip() for c in cells):
                return cells
    except csv.Error:
        return []
    return []


def _sniff_delimiter(text: str, kind: str | None) -> str:
    known = set(_header_map(kind)) if kind else set(_all_headings())
    best, best_score = ",", -1
    for delimiter in (",", ";", "\t"):
        cells = _first_record(text, delimiter)
        score = sum(1 for c in cells if _norm(c) in known)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _parse_csv(path: Path, text: str, source: str, kind: str | None) -> tuple[
    str, int, list[str], list[tuple[int, list[str]]]
]:
    """Split CSV text into the heading row and numbered data rows (spreadsheet row numbers)."""
    delimiter = _sniff_delimiter(text, kind)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    header: list[str] | None = None
    header_line = 0
    rows: list[tuple[int, list[str]]] = []
    line = 0
    try:
        for line, cells in enumerate(reader, start=1):  # noqa: B007 - used after the loop
            if header is None:
                if any(c.strip() for c in cells):
                    header, header_line = cells, line
                continue
            if any(c.strip() for c in cells):
                rows.append((line, cells))
                if len(rows) > MAX_ROWS:
                    raise _too_many_rows(path)
    except csv.Error as exc:
        text_of = str(exc)
        if "unexpected end of data" in text_of or "EOF" in text_of:
            raise ImportFileError(
                f"{source} seems cut off: a cell that opens with a double quote on line "
                f"{line + 1} never closes. Export or save the file again; if it is complete, "
                "look for a stray double quote (\") on that line.", path
            ) from None
        if "field larger than field limit" in text_of:
            raise ImportFileError(
                f"{source}, line {line + 1}, has a cell longer than {_MAX_CELL:,} characters, "
                "more than any field holds. Check the line for a stray double quote (\").", path
            ) from None
        raise ImportFileError(
            f"{source} could not be read as CSV at line {line + 1} ({text_of}). Save it "
            "again as CSV UTF-8 from your spreadsheet.", path
        ) from None
    if header is None:
        raise ImportFileError(f"{source} is empty. Check that it was saved.", path)
    if rows and not text.endswith(("\n", "\r")) and len(rows[-1][1]) < len(header):
        raise ImportFileError(
            f"{source} seems cut off: its last line (line {rows[-1][0]}) stops after "
            f"{len(rows[-1][1])} of {len(header)} columns. Export or save the file again.", path
        )
    return delimiter, header_line, header, rows


def _guess_kind_from_name(name: str) -> str | None:
    tokens = [t for t in re.split(r"[\s\-_.]+", name.lower()) if t]
    for size in range(len(tokens), 0, -1):
        found = set()
        for start in range(len(tokens) - size + 1):
            words = tokens[start: start + size]
            for joined in ("_".join(words), " ".join(words)):
                with contextlib.suppress(RecordError):
                    found.add(model_for(joined).kind)
        if len(found) == 1:
            return found.pop()
        if found:
            return None
    return None


def _fits(kind: str, header: list[Any]) -> tuple[int, list[str]]:
    """How many headings name fields of this kind, and which headings it does not know."""
    hmap = _header_map(kind)
    mapped, unknown = 0, []
    for h in header:
        if h is None or not str(h).strip():
            continue
        key = hmap.get(_norm(h))
        if key is None:
            unknown.append(str(h).strip())
        elif key not in META_COLUMNS:
            mapped += 1
    return mapped, unknown


def _choose_kind(path: Path, name: str, header: list[Any], kind: str | None,
                 source: str | None = None) -> str:
    source = source or path.name
    if kind is not None:
        try:
            return model_for(kind).kind
        except RecordError as exc:
            raise ImportFileError(exc.message(), path) from None
    by_name = _guess_kind_from_name(name)
    if by_name and not _fits(by_name, header)[1]:
        return by_name
    scores = []
    for k in RECORD_KINDS:
        mapped, unknown = _fits(k, header)
        if mapped and not unknown:
            scores.append((mapped, k))
    scores.sort(reverse=True)
    if scores and (len(scores) == 1 or scores[0][0] > scores[1][0]):
        return scores[0][1]
    if by_name:
        return by_name  # its unknown headings are reported next, by name
    kinds = ", ".join(RECORD_KINDS)
    if scores:
        tied = ", ".join(k for s, k in scores if s == scores[0][0])
        raise ImportFileError(
            f"We cannot tell which kind of record {source} holds: its columns fit {tied}. Name "
            f"the file after the kind (for example learning.csv) or give the kind.", path
        )
    raise ImportFileError(
        f"We cannot tell which kind of record {source} holds: its name and its column "
        f"headings match none of them. Name the file after the kind (one of: {kinds}), or "
        "give the kind, and check that the first row holds the column headings.", path
    )


@dataclass
class _Columns:
    """What the headings of one file or sheet say, once mapped."""

    #: Column index -> field, meta column, ``kind.field`` (another kind), or None.
    keys: list[str | None]
    headings: dict[str, str] = field(default_factory=dict)
    every_row: dict[str, Any] = field(default_factory=dict)
    side_links: dict[str, str] = field(default_factory=dict)
    left_out: list[str] = field(default_factory=list)


def _field_map(kind: str) -> dict[str, str]:
    """Normalised name or label -> field, for the fields of a kind only (no meta columns)."""
    return {k: v for k, v in _header_map(kind).items() if v not in META_COLUMNS}


def _mapped_header(header: list[Any], mapping: ColumnMap | None) -> list[Any]:
    """The headings with the mapping applied, to tell the file's kind from them."""
    if not mapping:
        return header
    out: list[Any] = []
    for h in header:
        target = mapping.target(h) if h is not None and str(h).strip() else None
        if target is None:
            out.append(h)
        else:
            out.append(None if target.left_out or target.kind else target.field)
    return out


def _side_key(path: Path, where: str, kind: str, target: Target, heading: str,
              links: dict[str, str]) -> str:
    """``kind.field`` for a column (or every-row value) that comes in as another kind."""
    other = str(target.kind)
    model = RECORD_KINDS[other]
    back = [m.name for m in model.fields_meta() if m.link == kind]
    title = model.title_plural.lower()
    if len(back) != 1:
        raise ImportFileError(
            f"{where}: '{heading}' is mapped to {target.text}, but {title} records cannot be "
            f"linked to {kind} records one by one. Map it to a field of {kind}, or leave it out "
            f"(--map \"{heading}=\").", path
        )
    name = _field_map(other).get(_norm(target.field))
    if name is None or name == back[0]:
        fields = ", ".join(f"{other}.{m.name} ({m.label})" for m in model.fields_meta()
                           if m.name != back[0])
        raise ImportFileError(
            f"{where}: '{heading}' is mapped to {target.text}, which is not a field of {title}. "
            f"Use one of: {fields}.", path
        )
    links[other] = back[0]
    return f"{other}.{name}"


def _every_row(path: Path, mapping: ColumnMap, kind: str, links: dict[str, str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    hmap = _header_map(kind)
    for written, value in mapping.every_row.items():
        where = f"{mapping.source}, [every_row] {written}"
        target = parse_target(written, where)
        if target.left_out:
            continue
        if target.kind and target.kind != kind:
            out[_side_key(path, mapping.source, kind, target, written, links)] = value
            continue
        key = hmap.get(_norm(target.field))
        if key is None or key in META_COLUMNS and key != "recorded_by":
            raise ImportFileError(
                f"{where}: '{written}' is not a field of {kind}. Use one of: "
                f"{_expected_columns(kind)}.", path
            )
        out[key] = value
    return out


def _map_header(path: Path, source: str, kind: str, header: list[Any],
                rows: list[tuple[int, list[Any]]], mapping: ColumnMap | None = None) -> _Columns:
    """Column index -> field/meta name; refuse unknown, duplicate or missing headings.

    With a mapping, a heading it names goes where it says (a field, another kind's field,
    or nowhere). The refusal of unknown or missing columns names the required columns
    first, then suggests a field for each heading it does not know.
    """
    hmap = _header_map(kind)
    found = _Columns([])
    keys = found.keys
    unknown: list[str] = []
    seen: dict[str, str] = {}
    duplicates: list[str] = []
    for i, h in enumerate(header):
        text = "" if h is None else str(h).strip()
        target = mapping.target(text) if mapping and text else None
        if not text or (target is not None and target.left_out):
            if text:
                found.left_out.append(text)
            elif any(i < len(cells) and _filled(cells[i]) for _line, cells in rows):
                raise ImportFileError(
                    f"{source}: column {_column_letter(i)} has values but no heading. Give it "
                    f"a heading (one of the fields: {_expected_columns(kind)}) or delete it.",
                    path,
                )
            keys.append(None)
            continue
        if target is not None and target.kind and target.kind != kind:
            key: str | None = _side_key(path, f"{source} ({mapping.source})",  # type: ignore[union-attr]
                                        kind, target, text, found.side_links)
        elif target is not None:
            key = hmap.get(_norm(target.field))
            if key is None:
                raise ImportFileError(
                    f"{mapping.source}: '{text}' is mapped to '{target.text}', which is not a "  # type: ignore[union-attr]
                    f"field of {kind}. Use one of: {_expected_columns(kind)}.", path
                )
        else:
            key = hmap.get(_norm(text))
        if key is None:
            unknown.append(text)
        elif key in seen:
            duplicates.append(f"'{seen[key]}' and '{text}' (both mean {key})"
                              if _norm(seen[key]) != _norm(text) else f"'{text}'")
        else:
            seen[key] = text
        keys.append(key)
    if duplicates:
        raise ImportFileError(
            f"{source} has the same column twice: {'; '.join(duplicates)}. Keep one of each "
            "and delete the other.", path
        )
    if mapping:
        found.every_row = _every_row(path, mapping, kind, found.side_links)
    found.headings = {k: v for k, v in seen.items()}
    missing = _missing_required(kind, set(seen) | set(found.every_row), found.side_links)
    if unknown or missing:
        hint = ""
        if len([h for h in header if h is not None and str(h).strip()]) == 1:
            hint = " The first row must hold the column headings: delete any title rows above."
        raise ImportFileError(_columns_message(source, kind, missing, unknown, mapping, header)
                              + hint, path)
    if not any(k is not None and k not in META_COLUMNS for k in keys):
        raise ImportFileError(
            f"{source} has no columns for the fields of {kind}. Expected (name or label): "
            f"{_expected_columns(kind)}.", path
        )
    return found


def _required(kind: str) -> list[FieldMeta]:
    return [m for m in _fields(kind) if m.required]


def _missing_required(kind: str, have: set[str], side_links: dict[str, str]) -> list[str]:
    """Required fields no column (or every-row value) gives: ``name`` or ``kind.name``."""
    missing = [m.name for m in _required(kind) if m.name not in have]
    date_from = RECORD_KINDS[kind].date_field
    for other, link in side_links.items():
        dated = RECORD_KINDS[other].date_field if date_from else None
        missing += [f"{other}.{m.name}" for m in _required(other)
                    if m.name not in (link, dated) and f"{other}.{m.name}" not in have]
    return missing


def _describe(kind: str) -> str:
    title = RECORD_KINDS[kind].title_plural.lower()
    return kind.replace("_", " ") if title == kind else f"{title} ({kind})"


def _field_words(key: str, kind: str) -> str:
    other, dot, name = key.rpartition(".")
    meta = RECORD_KINDS[other if dot else kind].field_meta(name)
    return f"{key} ({meta.label})"


def _columns_message(source: str, kind: str, missing: list[str], unknown: list[str],
                     mapping: ColumnMap | None, header: list[Any]) -> str:
    """The refusal of a file's columns: the required ones first, then what we do not know."""
    required = ", ".join(f"{m.name} ({m.label})" for m in _required(kind)) or "none"
    lines = [f"Required columns for {_describe(kind)}: {required}."]
    if missing:
        lines.append(
            f"{source} has no column for: {', '.join(_field_words(k, kind) for k in missing)}. "
            "Map one of your columns to each (--map \"Your heading=field\"), or give one value "
            "for every row under [every_row] in a mapping file (--map-file)."
        )
    if unknown:
        lines.append(f"{source} has {'columns' if len(unknown) > 1 else 'a column'} we do not "
                     f"know for {_describe(kind)}:")
        metas = _fields(kind)
        extra = {"recorded_by": "who wrote it down"}
        for heading in unknown:
            elsewhere = other_kind_of(heading, kind)
            if elsewhere:
                other = elsewhere.partition(".")[0]
                lines.append(
                    f"- '{heading}' is a field of {_describe(other)}: bring it in as "
                    f"{RECORD_KINDS[other].title_plural.lower()} records linked to each row "
                    f"with --map \"{heading}={elsewhere}\", or leave it out with "
                    f"--map \"{heading}=\""
                )
                continue
            likely = suggest(heading, metas, extra)
            lines.append(f"- '{heading}': " + (f"perhaps {' or '.join(likely)}" if likely
                                                else "no field of ours looks like it"))
        lines.append(
            "Map each with --map \"Your heading=field\" (a field's name or label) or a mapping "
            "file (--map-file mapping.toml), or leave it out with --map \"Your heading=\"."
        )
    if mapping:
        have = {_norm(h) for h in header if h is not None}
        unused = [written for key, (written, _t) in mapping.columns.items() if key not in have]
        if unused:
            lines.append(f"The mapping ({mapping.source}) names headings {source} does not "
                         f"have: {', '.join(repr(u) for u in unused)}.")
    lines.append(f"Expected (name or label): {_expected_columns(kind)}.")
    return "\n".join(lines)


def _filled(value: Any) -> bool:
    return value is not None and (not isinstance(value, str) or bool(value.strip()))


def _column_letter(i: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(i + 1)


def _rows_as_dicts(source: str, keys: list[str | None],
                   rows: list[tuple[int, list[Any]]]) -> list[tuple[int, dict[str, Any]]]:
    out = []
    for line, cells in rows:
        data: dict[str, Any] = {}
        extra = [c for c in cells[len(keys):] if _filled(c)]
        for key, value in zip(keys, cells, strict=False):
            if key is not None:
                data[key] = value
        if extra:
            data["__extra__"] = (
                f"this line has {len(cells)} cells but there are only {len(keys)} column "
                "headings; look for a stray comma or a missing heading"
            )
        out.append((line, data))
    return out


def _make_table(path: Path, source: str, kind: str, header: list[Any],
                rows: list[tuple[int, list[Any]]], mapping: ColumnMap | None,
                **options: Any) -> _Table:
    cols = _map_header(path, source, kind, header, rows, mapping)
    return _Table(source, kind, _rows_as_dicts(source, cols.keys, rows), headings=cols.headings,
                  mapping=mapping, every_row=cols.every_row, side_links=cols.side_links,
                  left_out=cols.left_out, **options)


def _read_csv_file(path: Path, kind: str | None, source: str | None = None,
                   mapping: ColumnMap | None = None) -> _Table:
    source = source or path.name
    text = _decode_text(path, _read_bytes(path))
    delimiter, _hl, header, rows = _parse_csv(path, text, source, kind)
    chosen = _choose_kind(path, path.stem, _mapped_header(header, mapping), kind, source)
    table = _make_table(path, source, chosen, header, rows, mapping,
                        decimal_comma=delimiter == ";")
    if delimiter != ",":
        what = "semicolons" if delimiter == ";" else "tabs"
        table.note = (
            f"{source} has its columns separated by {what}; it was read that way"
            + (", with commas as decimal points." if delimiter == ";" else ".")
        )
    return table


def _read_folder(path: Path, kind: str | None) -> tuple[list[_Table], list[str]]:
    notes: list[str] = []
    manifest: dict[str, Any] | None = None
    mpath = path / MANIFEST
    if mpath.exists():
        try:
            manifest = json.loads(mpath.read_text(encoding="utf-8-sig"))
            if not isinstance(manifest, dict):
                raise ValueError
        except (ValueError, UnicodeDecodeError):
            raise ImportFileError(
                f"{path.name}/{MANIFEST} is damaged. Export again, or delete {MANIFEST} to "
                "import the CSV files without checking them against it.", mpath
            ) from None
        _check_schema(manifest, mpath)
    files = sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() == ".csv")
    wanted = model_for(kind).kind if kind else None
    by_kind: dict[str, Path] = {}
    for p in files:
        try:
            k = model_for(p.stem).kind
        except RecordError:
            notes.append(f"{p.name} was not imported: its name is not a kind of record "
                         f"({', '.join(RECORD_KINDS)}).")
            continue
        if k in by_kind:
            raise ImportFileError(
                f"The folder {path.name} has two files for {k}: {by_kind[k].name} and "
                f"{p.name}. Keep one.", path
            )
        by_kind[k] = p
    if manifest:
        for k, name in (manifest.get("files") or {}).items():
            if k in RECORD_KINDS and k not in by_kind and (wanted in (None, k)):
                raise ImportFileError(
                    f"The export in {path.name} is incomplete: {name} is missing. Export again "
                    "or copy the whole folder.", path
                )
    if wanted and wanted not in by_kind:
        raise ImportFileError(
            f"The folder {path.name} has no file for {wanted} (it would be {wanted}.csv).", path
        )
    if not by_kind:
        raise ImportFileError(
            f"The folder {path.name} holds no CSV files named after a kind of record (for "
            "example learning.csv). Choose the folder of an export, or a single file.", path
        )
    tables = []
    counts = (manifest or {}).get("counts") or {}
    for k, p in by_kind.items():
        if wanted and k != wanted:
            continue
        if manifest is not None and not _ends_with_line_break(p):
            # Every exported file ends with a line break: without one, the last line (and
            # maybe its last cell) was cut, even when every column seems to be there.
            raise ImportFileError(
                f"{path.name}/{p.name} seems cut off: it stops in the middle of its last line "
                f"(an export always ends with a line break). Export again; if you edited it "
                f"by hand, delete {MANIFEST} first.", p
            )
        table = _read_csv_file(p, k, f"{path.name}/{p.name}")
        expected = counts.get(k)
        if isinstance(expected, int) and len(table.rows) < expected:
            raise ImportFileError(
                f"{path.name}/{p.name} has {len(table.rows)} rows but the export made "
                f"{expected}: the file seems cut off. Export again; if you removed rows on "
                f"purpose, delete {MANIFEST} first.", p
            )
        tables.append(table)
    return tables, notes


def _ends_with_line_break(path: Path) -> bool:
    with path.open("rb") as fh:
        fh.seek(0, os.SEEK_END)
        if fh.tell() == 0:
            return True  # empty: refused later, with its own message
        fh.seek(-1, os.SEEK_END)
        return fh.read(1) in (b"\n", b"\r")


def _check_schema(info: dict[str, Any], path: Path) -> None:
    found = info.get("schema_version")
    if isinstance(found, int) and found > SCHEMA_VERSION:
        raise ImportFileError(
            f"{path.name} was exported by a newer HLS Workbook (schema {found}; this one "
            f"understands up to {SCHEMA_VERSION}). Update HLS Workbook, then import it.", path
        )


def _open_xlsx(path: Path) -> Any:
    size = path.stat().st_size
    if size == 0:
        raise ImportFileError(f"{path.name} is empty. Check that it was saved.", path)
    _too_big(path, size)
    with path.open("rb") as fh:
        raw_head = fh.read(8)
    save_as = "Open it in Excel and save it as 'Excel Workbook (.xlsx)'."
    if raw_head.startswith(_OLE):
        raise ImportFileError(
            f"{path.name} is an old Excel 97-2003 (.xls) workbook or is protected with a "
            f"password; we read .xlsx files without a password. {save_as}", path
        )
    if not raw_head.startswith(b"PK"):
        looks_text = all(32 <= b < 127 or b in (9, 10, 13) or b >= 0xC0 for b in raw_head)
        more = (" It looks like a text (CSV) file: give it the .csv ending and import it "
                "again." if looks_text else f" {save_as}")
        raise ImportFileError(f"{path.name} is not really an Excel workbook.{more}", path)
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
            unpacked = sum(i.file_size for i in zf.infolist())
    except (zipfile.BadZipFile, OSError):
        raise ImportFileError(
            f"{path.name} is damaged or cut off and cannot be opened. Save or export it again.",
            path,
        ) from None
    if "xl/workbook.xml" not in names:
        what = " (it looks like an OpenDocument .ods file)" if "content.xml" in names else ""
        raise ImportFileError(f"{path.name} is a zip file but not an Excel workbook{what}. "
                              f"{save_as}", path)
    if unpacked > MAX_UNPACKED_BYTES:
        raise ImportFileError(
            f"{path.name} unpacks to {unpacked / 1024 / 1024:.0f} MB, more than we import at "
            "once. Split it into smaller workbooks.", path
        )
    from openpyxl import load_workbook

    try:
        return load_workbook(path, read_only=True, data_only=False)
    except Exception:  # openpyxl raises many kinds of error for a damaged file
        raise ImportFileError(
            f"{path.name} is damaged and cannot be opened as a workbook. {save_as}", path
        ) from None


def _sheet_rows(path: Path, ws: Any, where: str) -> tuple[list[Any], list[tuple[int, list[Any]]]]:
    header: list[Any] | None = None
    rows: list[tuple[int, list[Any]]] = []
    for line, values in enumerate(ws.iter_rows(values_only=True), start=1):
        cells = [_ooxml_unescape(v) if isinstance(v, str) else v for v in values]
        if not any(_filled(c) for c in cells):
            continue
        if header is None:
            header = cells
            while header and not _filled(header[-1]):
                header.pop()
            continue
        rows.append((line, cells))
        if len(rows) > MAX_ROWS:
            raise _too_many_rows(path, where)
    return header or [], rows


def _read_xlsx(path: Path, kind: str | None,
               mapping: ColumnMap | None = None) -> tuple[list[_Table], list[str]]:
    book = _open_xlsx(path)
    notes: list[str] = []
    try:
        sheets = list(book.worksheets)
        info: dict[str, Any] = {}
        named: dict[str, Any] = {}
        others = []
        for ws in sheets:
            if ws.title == INFO_SHEET:
                for row in ws.iter_rows(values_only=True):
                    if row and row[0] is not None and len(row) > 1:
                        info[str(row[0])] = row[1]
                continue
            try:
                k = model_for(ws.title).kind
            except RecordError:
                others.append(ws)
                continue
            if k in named:
                raise ImportFileError(
                    f"{path.name} has two sheets for {k}: '{named[k].title}' and '{ws.title}'. "
                    "Keep one.", path
                )
            named[k] = ws
        _check_schema(info, path)
        wanted = None
        if kind is not None:
            try:
                wanted = model_for(kind).kind
            except RecordError as exc:
                raise ImportFileError(exc.message(), path) from None
        chosen: list[tuple[Any, str | None]]
        if wanted and wanted in named:
            chosen = [(named[wanted], wanted)]
        elif wanted and named:
            raise ImportFileError(
                f"{path.name} has no sheet for {wanted}; its sheets are: "
                f"{', '.join(ws.title for ws in sheets)}. Name the sheet '{wanted}'.", path
            )
        elif named and not wanted:
            chosen = [(ws, k) for k, ws in named.items()]
            notes.extend(f"The sheet '{ws.title}' in {path.name} was not imported: its name is "
                         "not a kind of record." for ws in others)
        else:
            candidates = others or list(named.values())
            non_empty = [ws for ws in candidates if _sheet_has_data(ws)]
            if not non_empty:
                raise ImportFileError(f"{path.name} is empty: none of its sheets holds data. "
                                      "Check that it was saved.", path)
            if len(non_empty) > 1:
                raise ImportFileError(
                    f"{path.name} has {len(non_empty)} sheets with data and we cannot tell which "
                    f"to import. Name each sheet after its kind of record (for example "
                    f"'learning'), or keep one sheet.", path
                )
            chosen = [(non_empty[0], wanted)]
        tables = []
        for ws, k in chosen:
            where = f", sheet '{ws.title}'"
            source = f"{path.name}{where}"
            header, rows = _sheet_rows(path, ws, where)
            if not header:
                if k is not None and len(chosen) > 1:
                    continue
                raise ImportFileError(f"{source} is empty. Check that it was saved.", path)
            if k is None:
                name = ws.title if _guess_kind_from_name(ws.title) else path.stem
                k = _choose_kind(path, name, _mapped_header(header, mapping), None, source)
            tables.append(_make_table(path, source, k, header, rows, mapping))
        return tables, notes
    finally:
        book.close()


def _sheet_has_data(ws: Any) -> bool:
    return any(any(_filled(v) for v in row) for row in ws.iter_rows(values_only=True))


def _read_json(path: Path, kind: str | None) -> tuple[list[_Table], list[str]]:
    raw = _read_bytes(path)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportFileError(
            f"{path.name} is not UTF-8 text. Export it again from HLS Workbook.", path
        ) from None
    if not text.strip():
        raise ImportFileError(f"{path.name} is empty. Check that it was saved.", path)
    try:
        doc = json.loads(text)
    except RecursionError:
        raise ImportFileError(
            f"{path.name} is not a workbook export: its lists are nested too deeply to read. "
            "Export it again from HLS Workbook.", path
        ) from None
    except json.JSONDecodeError as exc:
        # A string that never closes, or an error at the very end: the file stops short.
        cut = exc.pos >= len(text.rstrip()) - 1 or exc.msg.startswith("Unterminated string")
        raise ImportFileError(
            f"{path.name} is not readable JSON"
            + (" and seems cut off at the end" if cut else f" (line {exc.lineno}: {exc.msg})")
            + ". Export it again.", path
        ) from None
    source = path.name
    if isinstance(doc, list):
        k = model_for(kind).kind if kind else _guess_kind_from_name(path.stem)
        if k is None:
            raise ImportFileError(
                f"{path.name} is a list of records but we cannot tell their kind. Name the file "
                "after the kind (for example learning.json) or give the kind.", path
            )
        sections = {k: doc}
    elif isinstance(doc, dict) and isinstance(doc.get("records"), dict):
        _check_schema(doc, path)
        sections = doc["records"]
    else:
        raise ImportFileError(
            f"{path.name} is JSON but not a workbook export: it should hold "
            '{"schema_version": ..., "records": {"learning": [...], ...}}. Export it again '
            "from HLS Workbook.", path
        )
    wanted = model_for(kind).kind if kind else None
    tables = []
    total = 0
    for name, items in sections.items():
        try:
            k = model_for(name).kind
        except RecordError:
            raise ImportFileError(
                f"{path.name} holds records of a kind we do not know: '{name}'. Kinds are: "
                f"{', '.join(RECORD_KINDS)}.", path
            ) from None
        if wanted and k != wanted:
            continue
        if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
            raise ImportFileError(
                f"{path.name}: the {k} records should be a list of objects. Export it again.",
                path,
            )
        total += len(items)
        if total > MAX_ROWS:
            raise _too_many_rows(path)
        headings: list[Any] = []
        for item in items:
            for key in item:
                if key not in headings:
                    headings.append(key)
        keys = _map_header(path, f"{source} ({k})", k, headings, []).keys if items else []
        lookup = dict(zip(headings, keys, strict=True))
        rows = [
            (n, {lookup[key]: value for key, value in item.items() if lookup.get(key)})
            for n, item in enumerate(items, start=1)
        ]
        tables.append(_Table(f"{source} ({k})", k, rows, spreadsheet=False, unit="record"))
    return tables, []


# ---------------------------------------------------------------------------
# Turning cells into model input
# ---------------------------------------------------------------------------


class _Omit:
    pass


_OMIT = _Omit()


class _CellProblem(Exception):
    pass


def _choice_value(meta: FieldMeta, value: Any) -> Any:
    if not isinstance(value, str) or not meta.choices:
        return value
    wanted = _norm(value)
    for key, label in meta.choices.items():
        if wanted in (_norm(key), _norm(label)):
            return key
    return value


def _number_text(value: str, decimal_comma: bool) -> str:
    text = value.strip().replace("£", "").replace("\u00a0", "").replace(" ", "")
    if decimal_comma and re.fullmatch(r"-?\d+,\d+", text):
        return text.replace(",", ".")
    if re.fullmatch(r"-?\d{1,3}(,\d{3})+(\.\d+)?", text):
        return text.replace(",", "")
    return text


def _short(text: str) -> str:
    return text if len(text) <= 40 else text[:37] + "..."


def _convert(meta: FieldMeta, value: Any, table: _Table, key: str | None = None) -> Any:
    """One cell -> what the model reads; _OMIT for an empty cell (the default applies).

    ``key`` is the cell's field (``kind.field`` for another kind), to name its column."""
    if value is None:
        return _OMIT
    kind = meta.field_kind
    if isinstance(value, str):
        if not value.strip():
            return _OMIT
        if table.spreadsheet:
            stripped = value.lstrip()
            if _UNESCAPE.match(stripped):
                value = unneutralise(stripped)
            elif stripped.startswith("="):
                raise _CellProblem(
                    f"{meta.label}: '{_short(stripped)}' looks like a spreadsheet formula, which "
                    "we do not import; type the value itself (in Excel: copy, then Paste "
                    "Values), or if it is meant as text start the cell with a single quote ('=)"
                )
        if kind.reading is Reading.CHOICE:
            return _choice_value(meta, value)
        if kind.reading is Reading.CHOICES:
            if value.strip()[:1] == "[":
                try:
                    items = json.loads(value)
                except json.JSONDecodeError:
                    return value
                return [_choice_value(meta, i) for i in items] if isinstance(items, list) \
                    else value
            return [_choice_value(meta, i.strip()) for i in value.split(",") if i.strip()]
        if kind.reading is Reading.NUMBER:
            return _number_text(value, table.decimal_comma)
        if kind.reading is Reading.DATE:
            return _date_cell(meta, value, table, key or meta.name)
        return value
    if isinstance(value, dt.datetime):
        return value.date() if kind.is_date else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value if kind.is_date else value.isoformat()
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        if kind.is_date:
            raise _CellProblem(
                f"{meta.label} is a number, not a date; format the column as a date or write "
                "it like 2026-03-31"
            )
        if kind.number_as_list and float(value).is_integer():
            return [int(value)]
        if kind.number_as_text:
            if isinstance(value, float) and value.is_integer():
                value = int(value)
            return str(value)
        return value
    if isinstance(value, list):
        return [_choice_value(meta, i) for i in value] if kind.reading is Reading.CHOICES \
            else value
    if isinstance(value, dict) and kind.choice_keys:
        return {_choice_value(meta, k) if isinstance(k, str) else k: v for k, v in value.items()}
    return value


def _date_cell(meta: FieldMeta, value: str, table: _Table, key: str) -> Any:
    """A written date: ISO, in words, or numbers read in the file's order (io/mapping.py)."""
    written = read_date(value)
    if written is None:
        return value  # not a date we know how to read: the model says what is wrong
    try:
        found, by_order = table.dates.read(written)
    except DateProblem as exc:
        raise _CellProblem(f"{_column_words(meta, table, key)}: {exc}") from None
    table.dates_used = table.dates_used or by_order
    return found


def _column_words(meta: FieldMeta, table: _Table, key: str) -> str:
    """A field as a person finds it in their file: its label, and their heading if other."""
    heading = table.headings.get(key)
    if heading and _norm(heading) not in (_norm(meta.label), _norm(meta.name)):
        return f"{meta.label} (column '{heading}')"
    return meta.label


def _settle_dates(table: _Table, dayfirst: bool | None) -> DateOrder:
    """How this table's numeric dates are read: the option, else what its own dates show."""
    dated = {}
    for key in table.headings:
        other, dot, name = key.rpartition(".")
        model = RECORD_KINDS[other if dot else table.kind]
        if name in model.model_fields and model.field_meta(name).field_kind.is_date:
            dated[key] = table.headings[key]
    seen = []
    for line, data in table.rows:
        for key, heading in dated.items():
            value = data.get(key)
            written = read_date(value) if isinstance(value, str) and value.strip() else None
            if written is not None:
                seen.append((f"{table.unit} {line}, column '{heading}'", written))
    return DateOrder.settle(seen, dayfirst)


_TRUE = {"true", "yes", "y", "1", "t", "on"}
_FALSE = {"false", "no", "n", "0", "f", "off"}


def _meta_values(data: dict[str, Any], table: _Table) -> tuple[dict[str, Any], dict[str, str]]:
    """Read id, place, archived and recorded_by; the rest of the meta columns are ignored."""
    meta: dict[str, Any] = {"id": None, "place": None, "archived": False, "recorded_by": None}
    problems: dict[str, str] = {}
    for name in META_COLUMNS:
        value = data.pop(name, None)
        if isinstance(value, str):
            value = value.strip()
            if table.spreadsheet:
                value = unneutralise(value)
        if value in (None, "") or name not in meta:
            continue
        if name == "id":
            try:
                number = float(value)
                if not number.is_integer() or number < 1:
                    raise ValueError
                meta["id"] = int(number)
            except (TypeError, ValueError):
                problems["id"] = f"id: '{value}' is not a record number; use a whole number"
        elif name == "place":
            try:
                meta["place"] = check_place(str(value))
            except RecordError as exc:
                problems["place"] = exc.message()
        elif name == "archived":
            text = str(value).strip().lower()
            if isinstance(value, bool):
                meta["archived"] = value
            elif text in _TRUE | _FALSE:
                meta["archived"] = text in _TRUE
            else:
                problems["archived"] = f"archived: '{value}' should be true or false"
        elif name == "recorded_by":
            text = str(value)
            if len(text) > 60:
                problems["recorded_by"] = "recorded_by: keep it under 60 characters"
            else:
                meta["recorded_by"] = text
    return meta, problems


@dataclass
class _Row:
    table: _Table
    line: int
    kind: str
    record: Record | None
    src_id: int | None
    place: str | None
    archived: bool
    recorded_by: str | None
    problems: dict[str, str] = field(default_factory=dict)
    skip: bool = False
    #: Records of other kinds this row brings (its "Shared with"), linked to it when saved.
    side: list[Record] = field(default_factory=list)

    def problem(self) -> RowProblem:
        return RowProblem(self.table.source, self.line, self.kind, self.problems, self.table.unit)


def _validate(table: _Table, line: int, data: dict[str, Any], place: str | None) -> _Row:
    data = dict(data)
    problems: dict[str, str] = {}
    extra = data.pop("__extra__", None)
    if extra:
        problems["row"] = extra
    side_cells = {k: data.pop(k) for k in [k for k in data if "." in k]}
    for key, value in table.every_row.items():
        if "." not in key and not _filled(data.get(key)):
            data[key] = value
    if table.mapping:
        data = {k: _mapped_value(table, k, v) for k, v in data.items()}
    meta, meta_problems = _meta_values(data, table)
    if place is not None:
        meta_problems.pop("place", None)  # the place column is not used
    problems.update(meta_problems)
    model = RECORD_KINDS[table.kind]
    fields = {m.name: m for m in model.fields_meta()}
    values: dict[str, Any] = {}
    for name, value in data.items():
        try:
            converted = _convert(fields[name], value, table)
        except _CellProblem as exc:
            problems[name] = str(exc)
            continue
        if converted is not _OMIT:
            values[name] = converted
    record: Record | None = None
    try:
        record = model.validate_input(values)
    except RecordError as exc:
        for key, text in exc.problems.items():
            problems.setdefault(key, _with_column(table, key, text))
    if record is not None and table.kind == "voice" and record.consent_withdrawn:
        record = record.model_validate({**record.model_dump(), **Voice.withdrawn_values()})
    row = _Row(table, line, table.kind, None if problems else record, meta["id"],
               place or meta["place"], bool(meta["archived"]), meta["recorded_by"], problems)
    if row.record is not None and table.side_links:
        row.side = _side_records(table, row.record, side_cells, problems)
        if problems:
            row.record = None
    return row


def _with_column(table: _Table, key: str, text: str) -> str:
    """A model's message about a field, with the team's own heading when it differs, and
    for a choice, how a mapping file can say which choice a word of theirs means."""
    heading = table.headings.get(key)
    if heading and f"'{heading}'" not in text and _norm(heading) not in (
            _norm(key.rpartition(".")[2]), _norm(text.partition(":")[0])):
        text = f"{text} (column '{heading}')"
    other, dot, name = key.rpartition(".")
    model = RECORD_KINDS[other if dot else table.kind]
    if (heading and table.mapping is not None and name in model.model_fields
            and model.field_meta(name).choices and "not one of" in text):
        text += f"; or say which one each word means under [values.\"{heading}\"] in a " \
                "mapping file"
    return text


def _mapped_value(table: _Table, key: str, value: Any) -> Any:
    """A cell through the mapping's [values] for its column ("Council" -> public_service)."""
    words = table.mapping.value_map(table.headings.get(key, key)) if table.mapping else {}
    if words and isinstance(value, str):
        return words.get(_norm(value), value)
    return value


_SEPARATORS = re.compile(r"\s*(?:[,;/&\n]|\band\b)\s*", re.IGNORECASE)


def _items(meta: FieldMeta, value: Any, table: _Table, key: str) -> list[Any]:
    """A choice cell naming several choices ("Council, Funder") -> one value each."""
    if not isinstance(value, str) or not meta.choices:
        return [value]
    whole = _mapped_value(table, key, value)
    if _choice_value(meta, whole) in meta.choices:
        return [whole]
    parts = [p for p in _SEPARATORS.split(value) if p.strip()]
    return [_mapped_value(table, key, p) for p in parts] or [value]


def _side_records(table: _Table, record: Record, cells: dict[str, Any],
                  problems: dict[str, str]) -> list[Record]:
    """The records of other kinds a row brings (a sharing record per name in "Shared with"),
    each to be linked to the row's own record when it is saved."""
    out: list[Record] = []
    main_date = RECORD_KINDS[table.kind].date_field
    for other, link in table.side_links.items():
        model = RECORD_KINDS[other]
        fields = {m.name: m for m in model.fields_meta()}
        mine = {k.partition(".")[2]: v for k, v in cells.items() if k.startswith(other + ".")}
        if not any(_filled(v) for v in mine.values()):
            continue  # nothing of this kind on this row
        given = {k.partition(".")[2]: v for k, v in table.every_row.items()
                 if k.startswith(other + ".")}
        split = {name: _items(fields[name], v, table, f"{other}.{name}")
                 for name, v in mine.items() if _filled(v)}
        several = [name for name, items in split.items() if len(items) > 1]
        if len(several) > 1:
            names = " and ".join(f"'{table.headings[f'{other}.{n}']}'" for n in several)
            problems[other] = (f"{names} both list several values; only one column of "
                               f"{model.title_plural.lower()} may list several")
            continue
        variants = [{several[0]: item} for item in split[several[0]]] if several else [{}]
        for variant in variants:
            values: dict[str, Any] = {link: 1}  # a stand-in: the new record's id when saved
            for name, value in {**given, **mine, **variant}.items():
                key = f"{other}.{name}"
                if name not in variant:
                    value = _mapped_value(table, key, value)
                try:
                    converted = _convert(fields[name], value, table, key)
                except _CellProblem as exc:
                    problems[key] = str(exc)
                    continue
                if converted is not _OMIT:
                    values[name] = converted
            if model.date_field and main_date and model.date_field not in values:
                values[model.date_field] = getattr(record, main_date)
            try:
                out.append(model.validate_input(values))
            except RecordError as exc:
                for key, text in exc.problems.items():
                    problems.setdefault(f"{other}.{key}", _with_column(table, f"{other}.{key}",
                                                                       text))
    return out


def _link_fields(kind: str) -> list[FieldMeta]:
    return [m for m in _fields(kind) if m.link]


#: Kinds whose records point at a record of any kind: (field with the kind, field with the
#: id). A check before sharing names the record its text is in; it is saved last, and its
#: record id is changed to the new id like every other link.
ANY_KIND_LINKS: dict[str, tuple[str, str]] = {"clearance": ("record_kind", "record_id")}


def _kind_order() -> list[str]:
    """Kinds in an order where every record's links point to kinds saved before it."""
    order: list[str] = []
    pending = [k for k in RECORD_KINDS if k not in ANY_KIND_LINKS]
    while pending:
        for kind in pending:
            if all(m.link in order or m.link == kind for m in _link_fields(kind)):
                order.append(kind)
                pending.remove(kind)
                break
        else:  # a cycle: cannot happen with today's models; keep the models' order
            order.extend(pending)
            break
    return order + [k for k in RECORD_KINDS if k in ANY_KIND_LINKS]


def _link_values(value: Any) -> list[int]:
    if value is None:
        return []
    return [value] if isinstance(value, int) else list(value)


# ---------------------------------------------------------------------------
# Import
# ---------------------------------------------------------------------------


def import_path(
    wb: Workbook, path: Path | str, *, place: str | None = None, kind: str | None = None,
    columns: ColumnMap | None = None, dayfirst: bool | None = None, new_place: bool = False,
) -> ImportResult:
    """Import an export (CSV folder, .xlsx, .json) or one CSV/Excel file of one kind.

    ``place`` puts every record into that place (else the file's ``place`` column says); it
    must be a place of the workbook, unless ``new_place`` says it is new on purpose.
    ``kind`` names the kind of a single file (else the mapping's kind, else it is guessed
    from the file name, then the headings); with an export it imports only that kind.
    ``columns`` maps a team's own headings to our fields (:mod:`hls_workbook.io.mapping`);
    ``dayfirst`` (True, False, or None: as the mapping, else as the file's dates show) says
    how dates such as 03/04/2026 are read. Everything is imported in one transaction, or
    nothing: :class:`ImportRowsError` lists every bad row, and :class:`ImportFileError`
    explains a file that cannot be read.
    """
    path = Path(path).expanduser()
    if place is not None:
        try:
            place = check_place(place)
        except RecordError as exc:
            raise ImportFileError(exc.message(), path) from None
        if not new_place and place not in wb.places():
            known = ", ".join(wb.places()) or "none yet"
            raise ImportFileError(
                f"There is no place called '{place}' in {wb.shown} (places: {known}). "
                f"Check the spelling, or create it first: hls-workbook init --place {place} "
                "--focus \"...\" (or import with --new-place to start it from this file).", path
            )
    if columns is not None:
        kind = kind or columns.kind
        dayfirst = columns.dayfirst if dayfirst is None else dayfirst
    if kind is not None:
        try:
            kind = model_for(kind).kind
        except RecordError as exc:
            raise ImportFileError(f"Cannot import {path.name}: {exc.message()}.", path) from None
    if not path.exists():
        raise ImportFileError(f"There is no file or folder at {path}. Check the name.", path)
    suffix = path.suffix.lower()
    notes: list[str] = []
    if path.is_dir():
        fmt = "csv folder"
        tables, notes = _read_folder(path, kind)
    elif suffix in (".csv", ".tsv", ".txt"):
        fmt = "csv"
        tables = [_read_csv_file(path, kind, mapping=columns)]
    elif suffix in (".xlsx", ".xlsm"):
        fmt = "xlsx"
        tables, notes = _read_xlsx(path, kind, columns)
    elif suffix == ".json":
        fmt = "json"
        tables, notes = _read_json(path, kind)
    elif suffix == ".xls":
        raise ImportFileError(
            f"{path.name} is an old Excel 97-2003 (.xls) workbook. Open it in Excel and save it "
            "as 'Excel Workbook (.xlsx)' or as 'CSV UTF-8', then import that.", path
        )
    elif suffix in (".ods", ".numbers"):
        raise ImportFileError(
            f"We do not read {suffix} files. Save {path.name} as an Excel workbook (.xlsx) or "
            "as CSV (UTF-8), then import that.", path
        )
    else:
        raise ImportFileError(
            f"We do not know how to read {path.name}. Import a CSV file (.csv), an Excel "
            "workbook (.xlsx), a JSON export (.json) or the folder of a CSV export.", path
        )
    if columns and fmt in ("csv folder", "json"):
        notes.append(f"The column mapping was not used: {path.name} is a workbook export, "
                     "whose columns are ours already.")
    notes.extend(t.note for t in tables if t.note)
    if not any(t.rows for t in tables):
        raise ImportFileError(
            f"{path.name} holds column headings but no records to import. Check that it "
            "was saved with its rows.", path
        )
    for table in tables:
        table.dates = _settle_dates(table, dayfirst)
        if table.left_out:
            names = ", ".join(f"'{h}'" for h in table.left_out)
            notes.append(f"Left out of {table.source}, as the mapping says: {names}.")
    result = _import_tables(wb, path, fmt, tables, place, notes)
    if place is not None and new_place and place not in wb.places():
        result.notes.append(
            f"{place} is a new place without a description yet: give it one with "
            f"hls-workbook init --place {place} --focus \"...\"."
        )
    return result


def _import_tables(wb: Workbook, path: Path, fmt: str, tables: list[_Table],
                   place: str | None, notes: list[str]) -> ImportResult:
    rows: list[_Row] = [
        _validate(table, line, data, place) for table in tables for line, data in table.rows
    ]
    missing_place = [r for r in rows if r.place is None and "place" not in r.problems]
    if missing_place:
        first = missing_place[0]
        raise ImportFileError(
            f"{first.table.source} does not say which place its records belong to (no 'place' "
            "column, or empty cells in it). Choose the place to import them into (place=..., "
            "or --place on the command line).", path
        )
    # Ids in the file, kind by kind; a duplicate makes both rows bad.
    by_src: dict[str, dict[int, _Row]] = {}
    for r in rows:
        if r.src_id is None:
            continue
        seen = by_src.setdefault(r.kind, {})
        if r.src_id in seen:
            other = seen[r.src_id]
            r.problems["id"] = (
                f"id {r.src_id} is also used on {other.table.unit} {other.line}; each record "
                "needs its own id (leave the id empty for new records)"
            )
        else:
            seen[r.src_id] = r
    # One place description per place: keep the one the workbook has.
    existing_places = set(wb.places())
    described: dict[str, _Row] = {}
    for r in rows:
        if r.kind != "place" or r.place is None:
            continue
        if r.place in existing_places:
            r.skip = True
            notes.append(f"{r.place} already has a place description, so the one on "
                         f"{r.table.unit} {r.line} of {r.table.source} was not imported.")
        elif r.place in described:
            r.problems["place"] = (
                f"place: {r.place} is described twice (also on {described[r.place].table.unit} "
                f"{described[r.place].line}); keep one"
            )
        else:
            described[r.place] = r
    _check_links(wb, rows, by_src)
    bad = [r.problem() for r in rows if r.problems]
    if bad:
        raise ImportRowsError(bad, path)
    order = {k: i for i, k in enumerate(_kind_order())}
    todo = sorted((r for r in rows if not r.skip), key=lambda r: order[r.kind])
    current: list[_Row] = []

    def run(conn: Any) -> tuple[dict[str, dict[int, int]], dict[str, list[int]]]:
        ids: dict[str, dict[int, int]] = {}
        new_ids: dict[str, list[int]] = {}
        for r in todo:
            current[:] = [r]
            record = r.record
            assert record is not None
            update = {}
            for m in _link_fields(r.kind):
                value = getattr(record, m.name)
                mapping = ids.get(m.link, {})
                if isinstance(value, int):
                    update[m.name] = mapping.get(value, value) if _internal(
                        by_src, m.link, value) else value
                elif value:
                    update[m.name] = [mapping.get(v, v) if _internal(by_src, m.link, v) else v
                                      for v in value]
            if r.kind in ANY_KIND_LINKS:
                kind_field, id_field = ANY_KIND_LINKS[r.kind]
                linked = str(getattr(record, kind_field))
                value = getattr(record, id_field)
                if _internal(by_src, linked, value):
                    update[id_field] = ids.get(linked, {}).get(value, value)
            if update:
                record = record.model_copy(update=update)
            new = wb.insert(conn, record, place=str(r.place), by=r.recorded_by,
                            archived=r.archived)
            if r.src_id is not None:
                ids.setdefault(r.kind, {})[r.src_id] = new
            new_ids.setdefault(r.kind, []).append(new)
            for side in r.side:
                link = r.table.side_links[side.kind]
                linked = side.model_copy(update={link: new})
                new_ids.setdefault(side.kind, []).append(
                    wb.insert(conn, linked, place=str(r.place), by=r.recorded_by))
        return ids, new_ids

    try:
        ids, new_ids = wb.write(run)
    except RecordError as exc:  # the store found what the checks above did not
        r = current[0] if current else None
        if r is None:
            raise ImportFileError(f"Nothing was imported: {exc.message()}", path) from None
        r.problems.update(exc.problems)
        raise ImportRowsError([r.problem()], path) from None
    counts = {k: len(new_ids[k]) for k in RECORD_KINDS if new_ids.get(k)}
    places = sorted({r.place for r in todo if r.place})
    notes.extend(_side_notes(todo))
    for table in {id(r.table): r.table for r in todo}.values():
        note = table.dates.note(table.source, table.dates_used)
        if note:
            notes.append(note)
    return ImportResult(path, fmt, counts, ids, new_ids, places, notes)


def _side_notes(rows: list[_Row]) -> list[str]:
    """What came in as another kind ("Shared with" as sharing records), said plainly."""
    out = []
    tables = {id(r.table): r.table for r in rows if r.side}
    for table in tables.values():
        for other, link in table.side_links.items():
            n = sum(1 for r in rows if r.table is table for s in r.side if s.kind == other)
            if not n:
                continue
            heads = [h for k, h in table.headings.items() if k.startswith(other + ".")]
            names = " and ".join(f"'{h}'" for h in heads)
            title = RECORD_KINDS[other].title_plural.lower()
            line = (f"{names} in {table.source} came in as {n} {title} record"
                    f"{'s' if n != 1 else ''}, each linked to the {_describe(table.kind)} "
                    f"record of its row (the field '{link}')")
            dated = RECORD_KINDS[other].date_field
            main_date = RECORD_KINDS[table.kind].date_field
            if dated and main_date and f"{other}.{dated}" not in table.headings \
                    and f"{other}.{dated}" not in table.every_row:
                label = RECORD_KINDS[table.kind].field_meta(main_date).label
                line += (f"; each is dated the day of its row's '{label}', as the file has no "
                         f"column for {other}.{dated}")
            out.append(line + ".")
    return out


def _internal(by_src: dict[str, dict[int, _Row]], kind: str, value: int) -> bool:
    return value in by_src.get(kind, {})


def _check_links(wb: Workbook, rows: list[_Row], by_src: dict[str, dict[int, _Row]]) -> None:
    """Every link must name a record in this import, or one already in the same place."""
    cache: dict[tuple[str, str], set[int]] = {}

    def existing(kind: str, place: str) -> set[int]:
        if (kind, place) not in cache:
            cache[(kind, place)] = wb.current_ids(kind, place)
        return cache[(kind, place)]

    for r in rows:
        if r.record is None or r.skip:
            continue
        for m in _link_fields(r.kind):
            missing, elsewhere = [], []
            for v in _link_values(getattr(r.record, m.name)):
                target = by_src.get(m.link, {}).get(v)
                if target is not None:
                    if target.place != r.place:
                        elsewhere.append(str(v))
                elif v not in existing(m.link, r.place or ""):
                    missing.append(str(v))
            what = RECORD_KINDS[m.link].title_plural.lower()
            if missing:
                r.problems[m.name] = (
                    f"{m.label}: there is no record numbered {', '.join(missing)} in {what}, "
                    f"neither in this import nor already in {r.place}"
                )
            elif elsewhere:
                r.problems[m.name] = (
                    f"{m.label}: record {', '.join(elsewhere)} in {what} belongs to another "
                    "place; links stay within one place"
                )

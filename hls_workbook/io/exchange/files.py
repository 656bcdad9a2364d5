"""Reading files into tables of rows: a CSV file (UTF-8, with its delimiter sniffed), the
folder of a CSV export (checked against its manifest), an Excel workbook and a JSON export;
and refusing, with the fix, a file that is empty, too big, cut off, in another encoding or
not what its ending says.
"""

from __future__ import annotations

import csv
import io
import json
import os
import zipfile
from pathlib import Path
from typing import Any

from hls_workbook.domain.errors import RecordError
from hls_workbook.domain.model import RECORD_KINDS, model_for
from hls_workbook.io.exchange.headings import (
    Table,
    all_headings,
    choose_kind,
    guess_kind_from_name,
    header_map,
    make_table,
    map_header,
    mapped_header,
)
from hls_workbook.io.exchange.layout import (
    INFO_SHEET,
    MANIFEST,
    MAX_BYTES,
    MAX_ROWS,
    MAX_UNPACKED_BYTES,
    filled,
    norm,
    ooxml_unescape,
)
from hls_workbook.io.exchange.results import ImportFileError
from hls_workbook.io.mapping import ColumnMap
from hls_workbook.store.workbook import SCHEMA_VERSION

_MAX_CELL = 131_072


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


def _first_record(text: str, delimiter: str) -> list[str]:
    try:
        for cells in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            if any(c.strip() for c in cells):
                return cells
    except csv.Error:
        return []
    return []


def _sniff_delimiter(text: str, kind: str | None) -> str:
    known = set(header_map(kind)) if kind else set(all_headings())
    best, best_score = ",", -1
    for delimiter in (",", ";", "\t"):
        cells = _first_record(text, delimiter)
        score = sum(1 for c in cells if norm(c) in known)
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


def read_csv_file(path: Path, kind: str | None, source: str | None = None,
                  mapping: ColumnMap | None = None) -> Table:
    """One CSV file as a table: its kind given, else told from its name and headings."""
    source = source or path.name
    text = _decode_text(path, _read_bytes(path))
    delimiter, _hl, header, rows = _parse_csv(path, text, source, kind)
    chosen = choose_kind(path, path.stem, mapped_header(header, mapping), kind, source)
    table = make_table(path, source, chosen, header, rows, mapping,
                       decimal_comma=delimiter == ";")
    if delimiter != ",":
        what = "semicolons" if delimiter == ";" else "tabs"
        table.note = (
            f"{source} has its columns separated by {what}; it was read that way"
            + (", with commas as decimal points." if delimiter == ";" else ".")
        )
    return table


def read_folder(path: Path, kind: str | None) -> tuple[list[Table], list[str]]:
    """The folder of a CSV export: one table per kind's file, checked against the manifest
    (a missing or cut-off file is refused); notes name the files that were not read."""
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
        table = read_csv_file(p, k, f"{path.name}/{p.name}")
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
        cells = [ooxml_unescape(v) if isinstance(v, str) else v for v in values]
        if not any(filled(c) for c in cells):
            continue
        if header is None:
            header = cells
            while header and not filled(header[-1]):
                header.pop()
            continue
        rows.append((line, cells))
        if len(rows) > MAX_ROWS:
            raise _too_many_rows(path, where)
    return header or [], rows


def read_xlsx(path: Path, kind: str | None,
              mapping: ColumnMap | None = None) -> tuple[list[Table], list[str]]:
    """An Excel workbook: a table per sheet named after a kind (an export), else its one
    sheet with data; notes name the sheets that were not read."""
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
                name = ws.title if guess_kind_from_name(ws.title) else path.stem
                k = choose_kind(path, name, mapped_header(header, mapping), None, source)
            tables.append(make_table(path, source, k, header, rows, mapping))
        return tables, notes
    finally:
        book.close()


def _sheet_has_data(ws: Any) -> bool:
    return any(any(filled(v) for v in row) for row in ws.iter_rows(values_only=True))


def read_json(path: Path, kind: str | None) -> tuple[list[Table], list[str]]:
    """A JSON export (or a list of records of one kind): a table per kind."""
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
        k = model_for(kind).kind if kind else guess_kind_from_name(path.stem)
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
        keys = map_header(path, f"{source} ({k})", k, headings, []).keys if items else []
        lookup = dict(zip(headings, keys, strict=True))
        rows = [
            (n, {lookup[key]: value for key, value in item.items() if lookup.get(key)})
            for n, item in enumerate(items, start=1)
        ]
        tables.append(Table(f"{source} ({k})", k, rows, spreadsheet=False, unit="record"))
    return tables, []

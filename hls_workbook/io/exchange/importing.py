"""Importing: ``import_path`` reads the file (``files``), checks every row (``rows``) and
every link (to a record in the same import, or already in the same place), then saves every
record in one transaction, links changed to the new ids, or nothing at all.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hls_workbook.domain.errors import RecordError
from hls_workbook.domain.model import RECORD_KINDS, FieldMeta, model_for
from hls_workbook.io.exchange.convert import settle_dates
from hls_workbook.io.exchange.files import read_csv_file, read_folder, read_json, read_xlsx
from hls_workbook.io.exchange.headings import Table, describe
from hls_workbook.io.exchange.layout import fields_of
from hls_workbook.io.exchange.results import ImportFileError, ImportResult, ImportRowsError
from hls_workbook.io.exchange.rows import Row, validate_row
from hls_workbook.io.mapping import ColumnMap
from hls_workbook.store.workbook import Workbook, check_place


def _link_fields(kind: str) -> list[FieldMeta]:
    return [m for m in fields_of(kind) if m.link]


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
        tables, notes = read_folder(path, kind)
    elif suffix in (".csv", ".tsv", ".txt"):
        fmt = "csv"
        tables = [read_csv_file(path, kind, mapping=columns)]
    elif suffix in (".xlsx", ".xlsm"):
        fmt = "xlsx"
        tables, notes = read_xlsx(path, kind, columns)
    elif suffix == ".json":
        fmt = "json"
        tables, notes = read_json(path, kind)
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
        table.dates = settle_dates(table, dayfirst)
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


def _import_tables(wb: Workbook, path: Path, fmt: str, tables: list[Table],
                   place: str | None, notes: list[str]) -> ImportResult:
    rows: list[Row] = [
        validate_row(table, line, data, place) for table in tables for line, data in table.rows
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
    by_src: dict[str, dict[int, Row]] = {}
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
    described: dict[str, Row] = {}
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
    current: list[Row] = []

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


def _side_notes(rows: list[Row]) -> list[str]:
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
                    f"{'s' if n != 1 else ''}, each linked to the {describe(table.kind)} "
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


def _internal(by_src: dict[str, dict[int, Row]], kind: str, value: int) -> bool:
    return value in by_src.get(kind, {})


def _check_links(wb: Workbook, rows: list[Row], by_src: dict[str, dict[int, Row]]) -> None:
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

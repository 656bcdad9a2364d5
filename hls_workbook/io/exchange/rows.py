"""Checking one row of an import: its meta columns and fields into a record (or the
problems, field by field), a withdrawn story's words erased, and the records of other kinds
the row brings (a sharing record per name in "Shared with").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from hls_workbook.domain.errors import RecordError
from hls_workbook.domain.model import RECORD_KINDS, Record, Voice
from hls_workbook.io.exchange.convert import (
    OMIT,
    CellProblem,
    cell_items,
    convert_cell,
    mapped_value,
    meta_values,
    with_column,
)
from hls_workbook.io.exchange.headings import Table
from hls_workbook.io.exchange.layout import filled
from hls_workbook.io.exchange.results import RowProblem


@dataclass
class Row:
    """One checked row of an import: its record (None when it has problems) and where it goes."""

    table: Table
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


def validate_row(table: Table, line: int, data: dict[str, Any], place: str | None) -> Row:
    """Check one row: meta columns, every field (the mapping's values first), the model's
    own rules, and the side records it brings. Problems are kept, never raised."""
    data = dict(data)
    problems: dict[str, str] = {}
    extra = data.pop("__extra__", None)
    if extra:
        problems["row"] = extra
    side_cells = {k: data.pop(k) for k in [k for k in data if "." in k]}
    for key, value in table.every_row.items():
        if "." not in key and not filled(data.get(key)):
            data[key] = value
    if table.mapping:
        data = {k: mapped_value(table, k, v) for k, v in data.items()}
    meta, meta_problems = meta_values(data, table)
    if place is not None:
        meta_problems.pop("place", None)  # the place column is not used
    problems.update(meta_problems)
    model = RECORD_KINDS[table.kind]
    fields = {m.name: m for m in model.fields_meta()}
    values: dict[str, Any] = {}
    for name, value in data.items():
        try:
            converted = convert_cell(fields[name], value, table)
        except CellProblem as exc:
            problems[name] = str(exc)
            continue
        if converted is not OMIT:
            values[name] = converted
    record: Record | None = None
    try:
        record = model.validate_input(values)
    except RecordError as exc:
        for key, text in exc.problems.items():
            problems.setdefault(key, with_column(table, key, text))
    if record is not None and table.kind == "voice" and record.consent_withdrawn:
        record = record.model_validate({**record.model_dump(), **Voice.withdrawn_values()})
    row = Row(table, line, table.kind, None if problems else record, meta["id"],
              place or meta["place"], bool(meta["archived"]), meta["recorded_by"], problems)
    if row.record is not None and table.side_links:
        row.side = _side_records(table, row.record, side_cells, problems)
        if problems:
            row.record = None
    return row


def _side_records(table: Table, record: Record, cells: dict[str, Any],
                  problems: dict[str, str]) -> list[Record]:
    """The records of other kinds a row brings (a sharing record per name in "Shared with"),
    each to be linked to the row's own record when it is saved."""
    out: list[Record] = []
    main_date = RECORD_KINDS[table.kind].date_field
    for other, link in table.side_links.items():
        model = RECORD_KINDS[other]
        fields = {m.name: m for m in model.fields_meta()}
        mine = {k.partition(".")[2]: v for k, v in cells.items() if k.startswith(other + ".")}
        if not any(filled(v) for v in mine.values()):
            continue  # nothing of this kind on this row
        given = {k.partition(".")[2]: v for k, v in table.every_row.items()
                 if k.startswith(other + ".")}
        split = {name: cell_items(fields[name], v, table, f"{other}.{name}")
                 for name, v in mine.items() if filled(v)}
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
                    value = mapped_value(table, key, value)
                try:
                    converted = convert_cell(fields[name], value, table, key)
                except CellProblem as exc:
                    problems[key] = str(exc)
                    continue
                if converted is not OMIT:
                    values[name] = converted
            if model.date_field and main_date and model.date_field not in values:
                values[model.date_field] = getattr(record, main_date)
            try:
                out.append(model.validate_input(values))
            except RecordError as exc:
                for key, text in exc.problems.items():
                    problems.setdefault(f"{other}.{key}", with_column(table, f"{other}.{key}",
                                                                      text))
    return out

"""Turning a cell into what a model reads: a choice by its value or label, numbers with a
pound sign or thousands commas, dates written day first, a quoted formula sign taken off
and a formula refused; the meta columns (id, place, archived, recorded_by); and a cell
through the team's value map. A problem is said with the team's own column heading.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

from hls_workbook.domain.errors import RecordError
from hls_workbook.domain.kinds import Reading
from hls_workbook.domain.model import RECORD_KINDS, FieldMeta
from hls_workbook.io.exchange.headings import Table
from hls_workbook.io.exchange.layout import (
    META_COLUMNS,
    is_neutralised,
    norm,
    unneutralise,
)
from hls_workbook.io.mapping import DateOrder, DateProblem, read_date
from hls_workbook.store.workbook import check_place


class _Omit:
    pass


#: What :func:`convert_cell` gives for an empty cell: the field is left out, so its default
#: applies.
OMIT = _Omit()


class CellProblem(Exception):
    """A cell that cannot be read as its field; the message names the field and the fix."""


def _choice_value(meta: FieldMeta, value: Any) -> Any:
    if not isinstance(value, str) or not meta.choices:
        return value
    wanted = norm(value)
    for key, label in meta.choices.items():
        if wanted in (norm(key), norm(label)):
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


def convert_cell(meta: FieldMeta, value: Any, table: Table, key: str | None = None) -> Any:
    """One cell -> what the model reads; OMIT for an empty cell (the default applies).

    ``key`` is the cell's field (``kind.field`` for another kind), to name its column."""
    if value is None:
        return OMIT
    kind = meta.field_kind
    if isinstance(value, str):
        if not value.strip():
            return OMIT
        if table.spreadsheet:
            stripped = value.lstrip()
            if is_neutralised(stripped):
                value = unneutralise(stripped)
            elif stripped.startswith("="):
                raise CellProblem(
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
            raise CellProblem(
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


def _date_cell(meta: FieldMeta, value: str, table: Table, key: str) -> Any:
    """A written date: ISO, in words, or numbers read in the file's order (io/mapping.py)."""
    written = read_date(value)
    if written is None:
        return value  # not a date we know how to read: the model says what is wrong
    try:
        found, by_order = table.dates.read(written)
    except DateProblem as exc:
        raise CellProblem(f"{_column_words(meta, table, key)}: {exc}") from None
    table.dates_used = table.dates_used or by_order
    return found


def _column_words(meta: FieldMeta, table: Table, key: str) -> str:
    """A field as a person finds it in their file: its label, and their heading if other."""
    heading = table.headings.get(key)
    if heading and norm(heading) not in (norm(meta.label), norm(meta.name)):
        return f"{meta.label} (column '{heading}')"
    return meta.label


def settle_dates(table: Table, dayfirst: bool | None) -> DateOrder:
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


def meta_values(data: dict[str, Any], table: Table) -> tuple[dict[str, Any], dict[str, str]]:
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


def with_column(table: Table, key: str, text: str) -> str:
    """A model's message about a field, with the team's own heading when it differs, and
    for a choice, how a mapping file can say which choice a word of theirs means."""
    heading = table.headings.get(key)
    if heading and f"'{heading}'" not in text and norm(heading) not in (
            norm(key.rpartition(".")[2]), norm(text.partition(":")[0])):
        text = f"{text} (column '{heading}')"
    other, dot, name = key.rpartition(".")
    model = RECORD_KINDS[other if dot else table.kind]
    if (heading and table.mapping is not None and name in model.model_fields
            and model.field_meta(name).choices and "not one of" in text):
        text += f"; or say which one each word means under [values.\"{heading}\"] in a " \
                "mapping file"
    return text


def mapped_value(table: Table, key: str, value: Any) -> Any:
    """A cell through the mapping's [values] for its column ("Council" -> public_service)."""
    words = table.mapping.value_map(table.headings.get(key, key)) if table.mapping else {}
    if words and isinstance(value, str):
        return words.get(norm(value), value)
    return value


_SEPARATORS = re.compile(r"\s*(?:[,;/&\n]|\band\b)\s*", re.IGNORECASE)


def cell_items(meta: FieldMeta, value: Any, table: Table, key: str) -> list[Any]:
    """A choice cell naming several choices ("Council, Funder") -> one value each."""
    if not isinstance(value, str) or not meta.choices:
        return [value]
    whole = mapped_value(table, key, value)
    if _choice_value(meta, whole) in meta.choices:
        return [whole]
    parts = [p for p in _SEPARATORS.split(value) if p.strip()]
    return [mapped_value(table, key, p) for p in parts] or [value]

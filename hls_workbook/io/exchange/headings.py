"""Telling what a file's columns are: which kind of record a file or sheet holds (by its
name, else its headings), which field each heading means (a name, a label, or what the
team's column mapping says), and the refusal that names the required columns and suggests
a field for each heading we do not know. The result is a :class:`Table` of rows by field.
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hls_workbook.domain.errors import RecordError
from hls_workbook.domain.model import RECORD_KINDS, FieldMeta, model_for
from hls_workbook.io.exchange.layout import (
    EXPORT_META,
    META_COLUMNS,
    fields_of,
    filled,
    norm,
)
from hls_workbook.io.exchange.results import ImportFileError
from hls_workbook.io.mapping import (
    ColumnMap,
    DateOrder,
    Target,
    other_kind_of,
    parse_target,
    suggest,
)


@dataclass
class Table:
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


def header_map(kind: str) -> dict[str, str]:
    """Normalised heading -> field (or meta column) for a kind: names win over labels."""
    out: dict[str, str] = {}
    labels: dict[str, list[str]] = {}
    for meta in fields_of(kind):
        labels.setdefault(norm(meta.label), []).append(meta.name)
    for label, names in labels.items():
        if len(names) == 1:
            out[label] = names[0]
    for name in META_COLUMNS:
        out[norm(name)] = name
    for meta in fields_of(kind):
        out[norm(meta.name)] = meta.name
    return out


def expected_columns(kind: str) -> str:
    """The columns a kind's file may have, for messages: fields (name and label), then meta."""
    fields = ", ".join(f"{m.name} ({m.label})" for m in fields_of(kind))
    return f"{fields}; and optionally {', '.join(EXPORT_META)}"


def all_headings() -> dict[str, set[str]]:
    """Every heading we know, normalised -> the kinds that have it."""
    out: dict[str, set[str]] = {}
    for kind in RECORD_KINDS:
        for heading in header_map(kind):
            out.setdefault(heading, set()).add(kind)
    return out


def guess_kind_from_name(name: str) -> str | None:
    """The kind a file or sheet name names (``learning-2025.csv``: learning), if exactly one."""
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
    hmap = header_map(kind)
    mapped, unknown = 0, []
    for h in header:
        if h is None or not str(h).strip():
            continue
        key = hmap.get(norm(h))
        if key is None:
            unknown.append(str(h).strip())
        elif key not in META_COLUMNS:
            mapped += 1
    return mapped, unknown


def choose_kind(path: Path, name: str, header: list[Any], kind: str | None,
                source: str | None = None) -> str:
    """The kind of record a file holds: the one given, else by its name when its headings
    fit, else the one kind its headings fit best; refused when it cannot be told."""
    source = source or path.name
    if kind is not None:
        try:
            return model_for(kind).kind
        except RecordError as exc:
            raise ImportFileError(exc.message(), path) from None
    by_name = guess_kind_from_name(name)
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
    return {k: v for k, v in header_map(kind).items() if v not in META_COLUMNS}


def mapped_header(header: list[Any], mapping: ColumnMap | None) -> list[Any]:
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
    name = _field_map(other).get(norm(target.field))
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
    hmap = header_map(kind)
    for written, value in mapping.every_row.items():
        where = f"{mapping.source}, [every_row] {written}"
        target = parse_target(written, where)
        if target.left_out:
            continue
        if target.kind and target.kind != kind:
            out[_side_key(path, mapping.source, kind, target, written, links)] = value
            continue
        key = hmap.get(norm(target.field))
        if key is None or key in META_COLUMNS and key != "recorded_by":
            raise ImportFileError(
                f"{where}: '{written}' is not a field of {kind}. Use one of: "
                f"{expected_columns(kind)}.", path
            )
        out[key] = value
    return out


def map_header(path: Path, source: str, kind: str, header: list[Any],
               rows: list[tuple[int, list[Any]]], mapping: ColumnMap | None = None) -> _Columns:
    """Column index -> field/meta name; refuse unknown, duplicate or missing headings.

    With a mapping, a heading it names goes where it says (a field, another kind's field,
    or nowhere). The refusal of unknown or missing columns names the required columns
    first, then suggests a field for each heading it does not know.
    """
    hmap = header_map(kind)
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
            elif any(i < len(cells) and filled(cells[i]) for _line, cells in rows):
                raise ImportFileError(
                    f"{source}: column {_column_letter(i)} has values but no heading. Give it "
                    f"a heading (one of the fields: {expected_columns(kind)}) or delete it.",
                    path,
                )
            keys.append(None)
            continue
        if target is not None and target.kind and target.kind != kind:
            key: str | None = _side_key(path, f"{source} ({mapping.source})",  # type: ignore[union-attr]
                                        kind, target, text, found.side_links)
        elif target is not None:
            key = hmap.get(norm(target.field))
            if key is None:
                raise ImportFileError(
                    f"{mapping.source}: '{text}' is mapped to '{target.text}', which is not a "  # type: ignore[union-attr]
                    f"field of {kind}. Use one of: {expected_columns(kind)}.", path
                )
        else:
            key = hmap.get(norm(text))
        if key is None:
            unknown.append(text)
        elif key in seen:
            duplicates.append(f"'{seen[key]}' and '{text}' (both mean {key})"
                              if norm(seen[key]) != norm(text) else f"'{text}'")
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
            f"{expected_columns(kind)}.", path
        )
    return found


def _required(kind: str) -> list[FieldMeta]:
    return [m for m in fields_of(kind) if m.required]


def _missing_required(kind: str, have: set[str], side_links: dict[str, str]) -> list[str]:
    """Required fields no column (or every-row value) gives: ``name`` or ``kind.name``."""
    missing = [m.name for m in _required(kind) if m.name not in have]
    date_from = RECORD_KINDS[kind].date_field
    for other, link in side_links.items():
        dated = RECORD_KINDS[other].date_field if date_from else None
        missing += [f"{other}.{m.name}" for m in _required(other)
                    if m.name not in (link, dated) and f"{other}.{m.name}" not in have]
    return missing


def describe(kind: str) -> str:
    """A kind as a person reads it in a message: its title, and its name if that differs."""
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
    lines = [f"Required columns for {describe(kind)}: {required}."]
    if missing:
        lines.append(
            f"{source} has no column for: {', '.join(_field_words(k, kind) for k in missing)}. "
            "Map one of your columns to each (--map \"Your heading=field\"), or give one value "
            "for every row under [every_row] in a mapping file (--map-file)."
        )
    if unknown:
        lines.append(f"{source} has {'columns' if len(unknown) > 1 else 'a column'} we do not "
                     f"know for {describe(kind)}:")
        metas = fields_of(kind)
        extra = {"recorded_by": "who wrote it down"}
        for heading in unknown:
            elsewhere = other_kind_of(heading, kind)
            if elsewhere:
                other = elsewhere.partition(".")[0]
                lines.append(
                    f"- '{heading}' is a field of {describe(other)}: bring it in as "
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
        have = {norm(h) for h in header if h is not None}
        unused = [written for key, (written, _t) in mapping.columns.items() if key not in have]
        if unused:
            lines.append(f"The mapping ({mapping.source}) names headings {source} does not "
                         f"have: {', '.join(repr(u) for u in unused)}.")
    lines.append(f"Expected (name or label): {expected_columns(kind)}.")
    return "\n".join(lines)


def _column_letter(i: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(i + 1)


def _rows_as_dicts(source: str, keys: list[str | None],
                   rows: list[tuple[int, list[Any]]]) -> list[tuple[int, dict[str, Any]]]:
    out = []
    for line, cells in rows:
        data: dict[str, Any] = {}
        extra = [c for c in cells[len(keys):] if filled(c)]
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


def make_table(path: Path, source: str, kind: str, header: list[Any],
               rows: list[tuple[int, list[Any]]], mapping: ColumnMap | None,
               **options: Any) -> Table:
    """A table of rows by field, once the headings are mapped (refused if they do not fit)."""
    cols = map_header(path, source, kind, header, rows, mapping)
    return Table(source, kind, _rows_as_dicts(source, cols.keys, rows), headings=cols.headings,
                 mapping=mapping, every_row=cols.every_row, side_links=cols.side_links,
                 left_out=cols.left_out, **options)

"""Malformed files in, safe files out. Extends tests/test_exchange.py, which already covers
(and docs/reliability.md names): empty, truncated, non-UTF-8, semicolon, wrong-heading,
oversized, not-really-Excel and formula-cell files, and the exact round trips.

Here: every cut of an exported file, a table of wrong encodings, delimiters and headings,
hostile structures (zip bomb, deep JSON, a megabyte cell, 5,000 columns), every formula
payload in every text column of every kind on export and import, and arbitrary bytes and
cells (hypothesis). Promise: each is refused with one clear message naming the file (and
the row and field where there is one) and nothing is imported, or it is imported exactly;
exports never hold a cell a spreadsheet would run.
"""

from __future__ import annotations

import csv
import io
import os
import re
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hls_workbook import RECORD_KINDS, open_workbook
from hls_workbook.domain.errors import WorkbookError
from hls_workbook.domain.model import model_for
from hls_workbook.io.exchange import (
    ImportFileError,
    ImportRowsError,
    export,
    import_path,
)

from . import payloads as P

PLACE = "testville"
DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def rows_in(wb) -> int:
    return wb.read(lambda c: c.exec_driver_sql("SELECT count(*) FROM record_ids").scalar())


def refused(wb, path: Path, *words: str, **kwargs: Any) -> str:
    before = rows_in(wb)
    with pytest.raises(WorkbookError) as err:
        import_path(wb, path, **{"place": PLACE, **kwargs})
    message = str(err.value)
    assert "Traceback" not in message
    assert path.name in message or isinstance(err.value, ImportRowsError), message
    for word in words:
        assert word in message, (word, message)
    assert rows_in(wb) == before
    return message


@pytest.fixture
def every_kind(wb):
    """One good record of every kind in the place, links and all."""
    ids = P.add_link_targets(wb, PLACE)
    for kind in RECORD_KINDS:
        if kind not in ids and kind != "place":
            wb.add(kind, P.good_record(kind, ids), place=PLACE)
    return wb


# ---------------------------------------------------------------------------
# Every cut of an exported file
# ---------------------------------------------------------------------------


def _cuts(size: int, tail: int = 24, step: int = 13) -> list[int]:
    """Cut points: every byte of the last `tail` bytes, then every `step`th byte."""
    points = set(range(max(1, size - tail), size))
    points |= set(range(1, size, step))
    return sorted(points)


@pytest.mark.slow
def test_every_cut_of_an_exported_csv_file_is_refused_or_imports_exactly(every_kind,
                                                                       tmp_path):
    """A folder export cut short anywhere in any file: refused, never half a record."""
    wb = every_kind
    out = tmp_path / "out"
    export(wb, out, "csv", place=PLACE)
    tried = refusals = 0
    for kind in RECORD_KINDS:
        file = out / f"{kind}.csv"
        raw = file.read_bytes()
        whole = _content(wb, kind)
        for cut in _cuts(len(raw)):
            file.write_bytes(raw[:cut])
            tried += 1
            known = set(wb.table(kind, PLACE)["id"])
            try:
                import_path(wb, out, place=PLACE, kind=kind)
            except WorkbookError as exc:
                refusals += 1
                assert file.name in str(exc), str(exc)
                assert set(wb.table(kind, PLACE)["id"]) == known
                continue
            # Only a cut that takes nothing but the final line break may import, and then
            # what it imports is exactly what was exported.
            assert raw[cut:].strip(b"\r\n") == b"", (kind, cut, raw[cut:])
            added = _content(wb, kind, exclude=known)
            assert added == whole or (kind == "place" and added == []), (kind, cut, added)
        file.write_bytes(raw)
    assert tried > 600 and refusals > 0.95 * tried
    print(f"\n{tried} cut files tried, {refusals} refused, the rest cut only a line break")


def _content(wb, kind: str, exclude: set[int] = frozenset()) -> list[tuple]:
    fields = list(model_for(kind).model_fields)
    df = wb.table(kind, PLACE)
    return [tuple(str(r[f]) for f in fields) for r in df.to_dict("records")
            if r["id"] not in exclude]


def test_every_cut_of_an_xlsx_or_json_export_is_refused(every_kind, tmp_path):
    wb = every_kind
    xlsx = export(wb, tmp_path / "out.xlsx", "xlsx", place=PLACE)[0]
    doc = export(wb, tmp_path / "out.json", "json", place=PLACE)[0]
    tried = 0
    for path, step in ((xlsx, 97), (doc, 13)):
        raw = path.read_bytes()
        for cut in range(1, len(raw) - 2, step):
            cut_file = tmp_path / f"cut{cut}{path.suffix}"
            cut_file.write_bytes(raw[:cut])
            refused(wb, cut_file)
            cut_file.unlink()
            tried += 1
    assert tried > 100


# ---------------------------------------------------------------------------
# Encodings, delimiters, headings: a table of wrong files
# ---------------------------------------------------------------------------

GLOSSARY = [["term", "plain_meaning"], ["Café", "Costs £5, ça va"], ["名前", "意味"]]


def _csv_bytes(rows: list[list[Any]], delimiter: str = ",") -> str:
    buf = io.StringIO(newline="")
    csv.writer(buf, delimiter=delimiter).writerows(rows)
    return buf.getvalue()


WRONG_FILES: list[tuple[str, bytes, list[str]]] = [
    ("latin-1", _csv_bytes(GLOSSARY[:2]).encode("latin-1"), ["not saved as UTF-8", "line 2"]),
    ("cp1252", _csv_bytes(GLOSSARY[:2]).encode("cp1252"), ["not saved as UTF-8"]),
    ("mac roman", _csv_bytes(GLOSSARY[:2]).encode("mac_roman"), ["not saved as UTF-8"]),
    ("shift-jis", _csv_bytes([GLOSSARY[0], GLOSSARY[2]]).encode("shift_jis"),
     ["not saved as UTF-8"]),
    ("gb18030", _csv_bytes([GLOSSARY[0], GLOSSARY[2]]).encode("gb18030"),
     ["not saved as UTF-8"]),
    ("utf-16 with BOM", _csv_bytes(GLOSSARY).encode("utf-16"), ["UTF-16"]),
    ("utf-16-be with BOM", b"\xfe\xff" + _csv_bytes(GLOSSARY).encode("utf-16-be"), ["UTF-16"]),
    ("utf-16-le without BOM", _csv_bytes(GLOSSARY).encode("utf-16-le"), ["not a text file"]),
    ("utf-32", _csv_bytes(GLOSSARY).encode("utf-32"), ["UTF-"]),
    ("EBCDIC", _csv_bytes(GLOSSARY[:2]).encode("cp500"), ["not saved as UTF-8"]),
    ("random bytes", os.urandom(4000), []),
    ("NUL inside", b"term,plain_meaning\nA,B\x00C\n", ["binary"]),
    ("a zip", b"PK\x03\x04" + os.urandom(200), ["Excel"]),
    ("pipe delimited", b"term|plain_meaning\nA|B\n", ["'term|plain_meaning'"]),
    ("colon delimited", b"term:plain_meaning\nA:B\n", ["do not know"]),
    ("no header row", b"Outcome,The difference it makes\nKPI,A number\n", ["Outcome"]),
    ("header in row 3", b"Our glossary\n\nterm,plain_meaning\nA,B\n", ["Our glossary"]),
    ("blank heading", b"term,,plain_meaning\nA,x,B\n", []),
    ("duplicate heading", b"term,Word or phrase,plain_meaning\nA,A,B\n", ["same column twice"]),
    ("headings of another kind", b"emotional_load,role\n3,charity\n", []),
    ("html saved as csv", b"<html><body><table><tr><td>term</td></tr></table></body></html>",
     []),
    ("a huge cell", b"term,plain_meaning\nA," + b"x" * 200_000 + b"\n", ["longer than"]),
    ("5,000 columns", (",".join(f"c{i}" for i in range(5000)) + "\n"
                       + ",".join("1" for _ in range(5000)) + "\n").encode(), ["'c0'"]),
    ("stray quote", b'term,plain_meaning\n"A,B\nC,D\n', ["cut off"]),
    ("only a BOM", b"\xef\xbb\xbf", ["empty"]),
    ("only headings", b"term,plain_meaning\n", ["no records"]),
]


@pytest.mark.parametrize(("name", "data", "words"), WRONG_FILES, ids=[w[0] for w in WRONG_FILES])
def test_wrong_csv_files_are_refused_with_a_clear_message(wb, tmp_path, name, data, words):
    path = tmp_path / "glossary.csv"
    path.write_bytes(data)
    refused(wb, path, *words, kind="glossary_term")


def test_other_delimiters_are_read_exactly_and_noted(wb, tmp_path):
    for delimiter, word in ((";", "semicolons"), ("\t", "tabs")):
        path = tmp_path / f"glossary{len(word)}.csv"
        path.write_bytes(_csv_bytes(GLOSSARY, delimiter).encode("utf-8-sig"))
        result = import_path(wb, path, place=f"d-{len(word)}", kind="glossary_term",
                             new_place=True)
        assert any(word in note for note in result.notes)
        terms = wb.table("glossary_term", f"d-{len(word)}")
        assert sorted(terms["term"]) == sorted(["Café", "名前"])
        assert sorted(terms["plain_meaning"]) == sorted(["Costs £5, ça va", "意味"])


@pytest.mark.slow
def test_hostile_structures_are_refused(wb, tmp_path):
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000)
    refused(wb, deep, "nested too deeply", kind="glossary_term")
    nested = tmp_path / "nested.json"
    nested.write_text('{"schema_version": 1, "records": {"learning": '
                      + "[" * 50_000 + "]" * 50_000 + "}}")
    refused(wb, nested, "nested too deeply")
    bomb = tmp_path / "bomb.xlsx"
    book = openpyxl.Workbook()
    book.active.append(["term", "plain_meaning"])
    book.active.append(["a", "b"])
    book.save(tmp_path / "small.xlsx")
    with zipfile.ZipFile(tmp_path / "small.xlsx") as src, \
            zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        for info in src.infolist():
            zf.writestr(info.filename, src.read(info.filename))
        with zf.open("xl/media/padding.bin", "w") as pad:
            chunk = b"\0" * (1 << 20)
            for _ in range(401):
                pad.write(chunk)
    assert bomb.stat().st_size < 2_000_000
    refused(wb, bomb, "unpacks to", kind="glossary_term")


# ---------------------------------------------------------------------------
# Formula injection: every payload, every text column, every kind
# ---------------------------------------------------------------------------


def _text_fields(kind: str) -> list[Any]:
    return [m for m in model_for(kind).fields_meta()
            if m.widget in ("text", "long_text", "tags")]


@pytest.fixture
def formulas(wb):
    """Every formula payload in every text field of every kind (links to real records)."""
    ids = P.add_link_targets(wb, PLACE)
    count = 0
    for kind in RECORD_KINDS:
        items = []
        for meta in _text_fields(kind):
            for text in P.FORMULA_PAYLOADS:
                value = P.fit(text, meta.max_length)
                items.append((kind, {**P.good_record(kind, ids),
                                     meta.name: [value] if meta.widget == "tags" else value}))
        if kind == "place":
            for _k, data in items:  # one place record per place
                count += 1
                wb.add("place", data, place=f"f-{count}")
            continue
        count += len(wb.add_many(items, place=PLACE))
    assert count > 500
    return wb


def _unsafe(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(DANGEROUS)


@pytest.mark.slow
def test_exports_never_hold_a_cell_a_spreadsheet_would_run(formulas, tmp_path):
    wb = formulas
    files = export(wb, tmp_path / "csv", "csv")
    cells = 0
    for path in files:
        if path.suffix != ".csv":
            continue
        with path.open(encoding="utf-8-sig", newline="") as fh:
            for row in csv.reader(fh):
                for cell in row:
                    cells += 1
                    assert not _unsafe(cell), (path.name, cell)
    xlsx = export(wb, tmp_path / "all.xlsx", "xlsx")[0]
    book = openpyxl.load_workbook(xlsx)
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                cells += 1
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                assert not _unsafe(cell.value), (ws.title, cell.coordinate, cell.value)
    assert cells > 10_000
    # And they come back exactly: the quote added on export is taken off on import.
    for fmt, source in (("csv", files[0].parent), ("xlsx", xlsx)):
        fresh = open_workbook(tmp_path / f"{fmt}.db", create=True)
        import_path(fresh, source)
        for kind in ("glossary_term", "reflection", "burden"):
            a = sorted(map(str, wb.table(kind, PLACE)[[m.name for m in _text_fields(kind)]]
                           .itertuples(index=False)))
            b = sorted(map(str, fresh.table(kind, PLACE)[[m.name for m in _text_fields(kind)]]
                           .itertuples(index=False)))
            assert a == b, (fmt, kind)
        fresh.close()


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_formula_cells_on_import_are_refused_naming_row_and_field(wb, tmp_path, fmt):
    rows = [["term", "plain_meaning"]]
    rows += [[f"Term {i}", p] for i, p in enumerate(P.FORMULA_PAYLOADS)]
    if fmt == "csv":
        path = tmp_path / "glossary.csv"
        path.write_text(_csv_bytes(rows), encoding="utf-8")
    else:
        path = tmp_path / "glossary.xlsx"
        book = openpyxl.Workbook()
        for row in rows:
            book.active.append(row)
        for cell in book.active["B"][1:]:
            cell.data_type = "s"  # text cells, as a person types them with a quote
        book.save(path)
    before = rows_in(wb)
    with pytest.raises(ImportRowsError) as err:
        import_path(wb, path, place=PLACE)
    lines = sorted(p.line for p in err.value.problems)
    expected = sorted(i + 2 for i, p in enumerate(P.FORMULA_PAYLOADS) if p.startswith("="))
    assert lines == expected
    for problem in err.value.problems:
        assert "What it means" in problem.problems["plain_meaning"], problem
        assert "formula" in problem.problems["plain_meaning"], problem
    assert rows_in(wb) == before
    # Without the formula cells, the rest import as plain text, exactly.
    rows = [rows[0]] + [r for r in rows[1:] if not r[1].startswith("=")]
    path = tmp_path / "glossary2.csv"
    path.write_text(_csv_bytes(rows), encoding="utf-8")
    import_path(wb, path, place="f-import", new_place=True)
    got = sorted(wb.table("glossary_term", "f-import")["plain_meaning"])
    # One leading quote is taken off a quoted formula-like cell ("'=x" is stored "=x").
    want = sorted(p[1:] if re.match(r"^'+[=+\-@]", p) else p
                  for p in P.FORMULA_PAYLOADS if not p.startswith("="))
    assert got == want


def test_real_formula_cells_in_excel_are_refused(wb, tmp_path):
    path = tmp_path / "glossary.xlsx"
    book = openpyxl.Workbook()
    book.active.append(["term", "plain_meaning"])
    book.active.append(["Sum", "=SUM(1,2)"])
    book.active.append(["Call", '=HYPERLINK("http://example.invalid","x")'])
    book.active.append(["DDE", "=cmd|' /C calc'!A0"])
    book.save(path)
    with pytest.raises(ImportRowsError) as err:
        import_path(wb, path, place=PLACE)
    assert sorted(p.line for p in err.value.problems) == [2, 3, 4]


# ---------------------------------------------------------------------------
# Property-based: arbitrary bytes, arbitrary cells
# ---------------------------------------------------------------------------

FUZZ = settings(max_examples=150, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture])


@given(data=st.binary(max_size=2000), suffix=st.sampled_from([".csv", ".xlsx", ".json"]))
@FUZZ
def test_any_bytes_are_imported_or_refused_plainly(wb, tmp_path, data, suffix):
    path = tmp_path / f"learning{suffix}"
    path.write_bytes(data)
    before = rows_in(wb)
    try:
        import_path(wb, path, place=PLACE)
    except (ImportFileError, ImportRowsError) as exc:
        assert str(exc) and "Traceback" not in str(exc)
        assert rows_in(wb) == before


CELL = st.one_of(
    st.text(max_size=40),
    st.sampled_from(P.FORMULA_PAYLOADS + P.SQL_PAYLOADS + P.HTML_PAYLOADS[:10]
                    + list(P.SCRIPTS.values()) + ["", " ", "2026-02-30", "-1", "1e999"]),
)
LEARNING_COLUMNS = ["kind_of_learning", "title", "observation", "event_on", "recorded_on",
                    "confidence", "evidence_level", "amplify"]


@pytest.mark.slow
@given(rows=st.lists(st.lists(CELL, min_size=8, max_size=8), min_size=1, max_size=6))
@FUZZ
def test_any_cells_import_all_exactly_or_nothing(wb, tmp_path, rows):
    path = tmp_path / "learning.csv"
    path.write_text(_csv_bytes([LEARNING_COLUMNS, *rows]), encoding="utf-8")
    place = f"fuzz-{abs(hash(path.read_bytes())) % 10**9}"
    before = rows_in(wb)
    try:
        result = import_path(wb, path, place=place, new_place=True)
    except (ImportFileError, ImportRowsError) as exc:
        assert str(exc) and "Traceback" not in str(exc)
        assert rows_in(wb) == before
        return
    assert rows_in(wb) == before + result.total
    df = wb.table("learning", place)
    assert len(df) == len([r for r in rows if any(c.strip() for c in r)])
    for title in df["title"]:
        assert title == title.strip() and title


def test_import_and_export_messages_are_one_line_on_the_command_line(wb, tmp_path):
    from typer.testing import CliRunner

    from hls_workbook.cli import app

    bad = tmp_path / "glossary.csv"
    bad.write_bytes(_csv_bytes(GLOSSARY).encode("cp1252", errors="replace"))
    runner = CliRunner()
    db = wb.location
    result = runner.invoke(app, ["import", str(bad), "--db", db, "--place", PLACE])
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: ") and "UTF-8" in result.stderr
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000)
    result = runner.invoke(app, ["import", str(deep), "--db", db, "--place", PLACE])
    assert result.exit_code == 1, result.output
    assert "something unexpected" not in result.output
    result = runner.invoke(app, ["export", "--db", db, "--out", "/proc/no/such/out.xlsx",
                                 "--format", "xlsx"])
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith("Error: ")
    assert len(result.stderr.strip().splitlines()) == 1

"""A team's own spreadsheet: a column mapping, suggestions, UK dates, and a checked place.

A charity's learning log ("Date", "What happened", "What we learned", "What we will do",
"Logged by", "Shared with"; dates like 31/03/2026) comes in with one command and a mapping
file. Every refusal stores nothing.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from typer.testing import CliRunner

from hls_workbook.cli import app
from hls_workbook.io.exchange import ImportFileError, ImportRowsError, import_path
from hls_workbook.io.mapping import (
    ColumnMap,
    MappingError,
    parse_map_option,
    read_date,
    read_map_file,
)

runner = CliRunner()

HEADINGS = ["Date", "What happened", "What we learned", "What we will do", "Logged by",
            "Shared with"]
LOG = [
    HEADINGS,
    ["31/03/2026", "The drop-in was full by ten", "People come early when the bus is free",
     "Open at nine", "Sam", "Commissioner or funder, Community group"],
    ["03/04/2026", "Nobody came to the evening session", "Evenings do not work in winter",
     "Move it to lunchtime", "Priya", ""],
    ["15/4/26", "A volunteer brought her neighbour", "Word of mouth beats leaflets",
     "Ask everyone to bring a friend", "Sam", "Council"],
]
MAPPING = """\
# Our learning log -> HLS Workbook
kind = "learning"

[columns]
"Date" = "event_on"
"What happened" = "observation"
"What we learned" = "title"
"Logged by" = "recorded_by"
"Shared with" = "share.shared_with"

[every_row]
kind_of_learning = "surprise"

[values."Shared with"]
"Council" = "public_service"
"""


def write_csv(path: Path, rows: list[list[Any]]) -> Path:
    buf = io.StringIO(newline="")
    csv.writer(buf).writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")
    return path


def total(wb: Any) -> int:
    return sum(wb.counts().values())


@pytest.fixture
def log(tmp_path: Path) -> Path:
    return write_csv(tmp_path / "learning_log.csv", LOG)


@pytest.fixture
def mapping(tmp_path: Path) -> Path:
    path = tmp_path / "mapping.toml"
    path.write_text(MAPPING, encoding="utf-8")
    return path


def cli(*args: Any) -> Any:
    return runner.invoke(app, [str(a) for a in args])


def one_line_error(result: Any) -> str:
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output and "something unexpected" not in result.output
    err = result.stderr.strip()
    assert err.startswith("Error: ") and len(err.splitlines()) == 1, err
    return err


# ---------------------------------------------------------------------------
# The learning log, in one command
# ---------------------------------------------------------------------------


def test_a_charity_learning_log_comes_in_with_one_command(wb: Any, log: Path,
                                                          mapping: Path) -> None:
    result = cli("import", log, "--db", wb.location, "--place", "testville", "--map-file",
                 mapping)
    assert result.exit_code == 0, result.output
    assert "Imported 6 records from learning_log.csv into testville." in result.stdout
    assert "Learning: 3" in result.stdout and "Sharing log: 3" in result.stdout
    learning = wb.table("learning", "testville").sort_values("event_on")
    assert list(learning["event_on"].dt.date) == [dt.date(2026, 3, 31), dt.date(2026, 4, 3),
                                                   dt.date(2026, 4, 15)]
    first = learning.iloc[0]
    assert first["observation"] == "The drop-in was full by ten"
    assert first["title"] == "People come early when the bus is free"
    assert first["response"] == "Open at nine"  # our label: no mapping needed
    assert first["recorded_by"] == "Sam" and first["kind_of_learning"] == "surprise"
    shares = wb.table("share", "testville").sort_values("id")
    assert list(shares["shared_with"]) == ["commissioner", "community_group", "public_service"]
    ids = dict(zip(learning["title"], learning["id"], strict=True))
    assert list(shares["learning"]) == [ids["People come early when the bus is free"]] * 2 + [
        ids["Word of mouth beats leaflets"]]
    # Shared on the day it happened (the log has no column for it), and said so.
    assert list(shares["shared_on"].dt.date) == [dt.date(2026, 3, 31)] * 2 + [
        dt.date(2026, 4, 15)]
    assert "'Shared with' in learning_log.csv came in as 3 sharing log records" in result.stdout
    assert "no column for share.shared_on" in result.stdout
    # 03/04/2026 was read day first because 31/03/2026 can only be; the note says why.
    assert "read day first, as '31/03/2026' (line 2, column 'Date')" in result.stdout


def test_map_options_alone_and_a_column_left_out(wb: Any, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "log.csv", [
        ["Type", "Headline", "What happened", "Date", "Notes"],
        ["Breakthrough", "Buses", "They came early", "31 March 2026", "see folder"],
        ["surprise", "Rain", "Nobody came", "Tue 7 Apr 2026", ""],
    ])
    result = cli("import", path, "--db", wb.location, "--place", "testville", "--kind",
                 "LEARNING", "--map", "Type=kind_of_learning", "--map", "Headline=In a few words",
                 "--map", "What happened=observation", "--map", "Date=event_on",
                 "--map", "Notes=")
    assert result.exit_code == 0, result.output
    assert "Left out of log.csv, as the mapping says: 'Notes'." in result.stdout
    learning = wb.table("learning", "testville").sort_values("id")
    assert list(learning["kind_of_learning"]) == ["breakthrough", "surprise"]
    assert list(learning["event_on"].dt.date) == [dt.date(2026, 3, 31), dt.date(2026, 4, 7)]


def test_an_excel_log_with_date_cells_and_a_mapping(wb: Any, tmp_path: Path,
                                                    mapping: Path) -> None:
    path = tmp_path / "Our log.xlsx"
    book = openpyxl.Workbook()
    book.active.append(HEADINGS)
    book.active.append([dt.datetime(2026, 3, 31), "Full", "Buses matter", "More buses", "Sam",
                        "Community group"])
    book.active.append(["2/3/2026", "Empty", "Cold", "Warm room", "Sam", None])
    book.save(path)
    with pytest.raises(ImportRowsError) as caught:  # a date cell settles nothing: 2/3 is unclear
        import_path(wb, path, place="testville", columns=read_map_file(mapping))
    assert "line 3" in str(caught.value) and "ambiguous" in str(caught.value)
    result = import_path(wb, path, place="testville", columns=read_map_file(mapping),
                         dayfirst=True)
    assert result.counts == {"learning": 2, "share": 1}
    days = sorted(wb.table("learning", "testville")["event_on"].dt.date)
    assert days == [dt.date(2026, 3, 2), dt.date(2026, 3, 31)]


# ---------------------------------------------------------------------------
# What is not known: the required columns first, then suggestions
# ---------------------------------------------------------------------------


def test_required_columns_come_first_then_suggestions(wb: Any, log: Path) -> None:
    before = total(wb)
    result = cli("import", log, "--db", wb.location, "--place", "testville", "--kind",
                 "learning")
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert lines[0] == ("Error: Required columns for learning: kind_of_learning (Kind of "
                        "learning), title (In a few words), observation (What we noticed), "
                        "event_on (When it happened).")
    text = result.stderr
    assert "learning_log.csv has no column for: kind_of_learning" in text
    assert "- 'What happened': perhaps observation (What we noticed)" in text
    assert "- 'Date': perhaps event_on (When it happened)" in text
    assert "- 'Logged by': perhaps recorded_by" in text
    assert ("- 'Shared with' is a field of sharing log (share): bring it in as sharing log "
            "records linked to each row with --map \"Shared with=share.shared_with\"") in text
    assert "'What we will do'" not in text  # our own label: known
    assert "Traceback" not in result.output
    assert total(wb) == before


def test_a_required_field_the_mapping_leaves_without_a_column(wb: Any, log: Path,
                                                              mapping: Path) -> None:
    columns = read_map_file(mapping)
    columns.every_row.clear()
    with pytest.raises(ImportFileError) as caught:
        import_path(wb, log, place="testville", columns=columns)
    lines = str(caught.value).splitlines()
    assert lines[0].startswith("Required columns for learning: kind_of_learning")
    assert lines[1].startswith("learning_log.csv has no column for: kind_of_learning (Kind of "
                               "learning).")
    assert "[every_row]" in lines[1]


def test_a_mapped_heading_the_file_lacks_is_named(wb: Any, log: Path) -> None:
    columns = ColumnMap(kind="learning").with_options(["What hapened=observation"])
    with pytest.raises(ImportFileError) as caught:
        import_path(wb, log, place="testville", columns=columns)
    assert "names headings learning_log.csv does not have: 'What hapened'" in str(caught.value)


# ---------------------------------------------------------------------------
# Dates
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "day"), [
    ("31/03/2026", dt.date(2026, 3, 31)), ("31/3/26", dt.date(2026, 3, 31)),
    ("31 March 2026", dt.date(2026, 3, 31)), ("Tue 31 Mar 2026", dt.date(2026, 3, 31)),
    ("31st of March 2026", dt.date(2026, 3, 31)), ("March 31, 2026", dt.date(2026, 3, 31)),
    ("31-Mar-26", dt.date(2026, 3, 31)), ("31.03.2026", dt.date(2026, 3, 31)),
    ("2026-03-31", dt.date(2026, 3, 31)), ("31/03/2026 14:05", dt.date(2026, 3, 31)),
    ("05/05/2026", dt.date(2026, 5, 5)), ("1/1/69", dt.date(1969, 1, 1)),
])
def test_dates_written_one_way_only(text: str, day: dt.date) -> None:
    written = read_date(text)
    assert written is not None and not written.both_ways
    assert (written.fixed or written.day_first or written.month_first) == day


@pytest.mark.parametrize("text", ["31/02/2026", "yesterday", "2026-13-01", "13/13/2026",
                                  "２０２６-01-01", "31 Smarch 2026", ""])
def test_not_dates_are_left_to_the_model(text: str) -> None:
    assert read_date(text) is None


def _dated_log(tmp_path: Path, *days: str) -> Path:
    rows = [["Type", "Headline", "What happened", "Date"]]
    rows += [["surprise", f"Day {i}", "Something", day] for i, day in enumerate(days)]
    return write_csv(tmp_path / "learning.csv", rows)


DATE_MAP = ColumnMap().with_options(["Type=kind_of_learning", "Headline=title",
                                     "What happened=observation", "Date=event_on"])


def test_an_ambiguous_date_is_refused_naming_row_column_and_fix(wb: Any,
                                                                tmp_path: Path) -> None:
    path = _dated_log(tmp_path, "05/05/2026", "03/04/2026")
    before = total(wb)
    with pytest.raises(ImportRowsError) as caught:
        import_path(wb, path, place="testville", columns=DATE_MAP)
    [problem] = caught.value.problems
    assert problem.line == 3
    assert str(problem) == (
        "learning.csv, line 3: When it happened (column 'Date'): '03/04/2026' is ambiguous: "
        "it could be 3 April 2026 (day first) or 4 March 2026 (month first), and no other "
        "date in the file settles which. Write it as 2026-04-03 (year-month-day is never "
        "misread), or import again with --dayfirst (day/month/year, as in the UK) or "
        "--monthfirst")
    assert total(wb) == before
    import_path(wb, path, place="testville", columns=DATE_MAP, dayfirst=False)
    assert dt.date(2026, 3, 4) in set(wb.table("learning", "testville")["event_on"].dt.date)


def test_a_file_that_mixes_orders_refuses_what_it_cannot_tell(wb: Any, tmp_path: Path) -> None:
    path = _dated_log(tmp_path, "31/03/2026", "03/31/2026", "03/04/2026")
    with pytest.raises(ImportRowsError) as caught:
        import_path(wb, path, place="testville", columns=DATE_MAP)
    [problem] = caught.value.problems
    assert problem.line == 4
    assert ("the file writes some dates day first ('31/03/2026', line 2, column 'Date') and "
            "some month first ('03/31/2026', line 3, column 'Date')") in str(problem)


def test_a_month_first_file_is_read_so_and_said(wb: Any, tmp_path: Path) -> None:
    path = _dated_log(tmp_path, "03/31/2026", "04/03/2026")
    result = import_path(wb, path, place="testville", columns=DATE_MAP)
    assert sorted(wb.table("learning", "testville")["event_on"].dt.date) == [
        dt.date(2026, 3, 31), dt.date(2026, 4, 3)]
    assert any("read month first, as '03/31/2026'" in n for n in result.notes)


def test_a_date_against_the_order_given_is_refused(wb: Any, tmp_path: Path) -> None:
    path = _dated_log(tmp_path, "03/31/2026")
    result = cli("import", path, "--db", wb.location, "--place", "testville", "--dayfirst",
                 "--map", "Type=kind_of_learning", "--map", "Headline=title", "--map",
                 "What happened=observation", "--map", "Date=event_on")
    assert result.exit_code == 1
    assert ("line 2: When it happened (column 'Date'): '03/31/2026' is not a date when read "
            "as day/month/year; check it, or if the file writes dates the other way import "
            "again with --monthfirst") in result.stderr


# ---------------------------------------------------------------------------
# Nothing is stored on any error
# ---------------------------------------------------------------------------


def _log_with(tmp_path: Path, **change: str) -> Path:
    rows = [list(r) for r in LOG]
    for heading, value in change.items():
        rows[3][HEADINGS.index(heading.replace("_", " "))] = value
    return write_csv(tmp_path / "learning_log.csv", rows)


@pytest.mark.parametrize(("change", "words"), [
    ({"Shared_with": "Trustees"}, "under [values.\"Shared with\"]"),  # not one of the parts
    ({"Date": "2026-02-30"}, "When it happened"),          # no such day
    ({"Date": "31/12/2099"}, "in the future"),
    ({"What_happened": "=SUM(A1)"}, "formula"),
    ({"Logged_by": "x" * 61}, "recorded_by"),
])
def test_a_bad_row_stores_nothing_of_any_kind(wb: Any, tmp_path: Path, mapping: Path,
                                              change: dict[str, str], words: str) -> None:
    before = total(wb)
    with pytest.raises(ImportRowsError) as caught:
        import_path(wb, _log_with(tmp_path, **change), place="testville",
                    columns=read_map_file(mapping))
    assert [p.line for p in caught.value.problems] == [4]
    assert words in str(caught.value)
    assert total(wb) == before


def test_a_failure_while_saving_leaves_nothing(wb: Any, log: Path, mapping: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """The sharing records go in the same transaction as their learning."""
    from hls_workbook.domain.errors import RecordError

    before = total(wb)
    real = type(wb).insert
    calls = []

    def fail_on_the_third(self: Any, conn: Any, record: Any, **kw: Any) -> int:
        calls.append(record.kind)
        if len(calls) == 3:
            raise RecordError({"share": "simulated failure"})
        return real(self, conn, record, **kw)

    monkeypatch.setattr(type(wb), "insert", fail_on_the_third)
    with pytest.raises(ImportRowsError, match="simulated failure"):
        import_path(wb, log, place="testville", columns=read_map_file(mapping))
    assert total(wb) == before


# ---------------------------------------------------------------------------
# Mapping files and options: one plain line each
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "text", "words"), [
    ("m.toml", '[columns]\n"Date" = event_on\n', "cannot be read"),
    ("m.toml", 'colums = 1\n', "'colums' is not something a mapping file holds"),
    ("m.toml", 'kind = "spells"\n', "not a kind of record"),
    ("m.toml", 'dates = "sideways"\n', "day-first"),
    ("m.toml", '[columns]\n"Date" = 3\n', "give the field as text"),
    ("m.toml", 'columns = "Date"\n', "should be a section"),
    ("m.yaml", "Date: event_on\n", "TOML file ending in .toml"),
])
def test_bad_mapping_files_are_one_line(wb: Any, log: Path, tmp_path: Path, name: str,
                                        text: str, words: str) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(MappingError, match=words):
        read_map_file(path)
    err = one_line_error(cli("import", log, "--db", wb.location, "--place", "testville",
                             "--map-file", path))
    assert words in err


@pytest.mark.parametrize(("option", "words"), [
    ("What happened", "write it as --map \"Your heading=our field\""),
    ("=observation", "write it as"),
    ("What happened=wibble", "is mapped to 'wibble', which is not a field of learning"),
    ("Shared with=share.wibble", "which is not a field of sharing log"),
    ("Shared with=voice.story", "cannot be linked to learning records one by one"),
])
def test_bad_map_options_are_one_line(wb: Any, log: Path, mapping: Path, option: str,
                                      words: str) -> None:
    before = total(wb)
    err = one_line_error(cli("import", log, "--db", wb.location, "--place", "testville",
                             "--map-file", mapping, "--map", option))
    assert words in err
    assert total(wb) == before


def test_map_options_win_over_the_file(mapping: Path) -> None:
    columns = read_map_file(mapping).with_options(["what HAPPENED = context"])
    assert columns.target("What happened").field == "context"
    assert columns.source == "mapping.toml and --map"
    heading, target = parse_map_option("A=B=observation")
    assert heading == "A=B" and target.field == "observation"
    assert parse_map_option("Notes=")[1].left_out


# ---------------------------------------------------------------------------
# Places
# ---------------------------------------------------------------------------


def test_an_unknown_place_is_refused_with_the_places_and_how_to_make_one(
        wb: Any, log: Path, mapping: Path) -> None:
    before = total(wb)
    err = one_line_error(cli("import", log, "--db", wb.location, "--place", "Testvile",
                             "--map-file", mapping))
    assert "There is no place called 'testvile'" in err
    assert "(places: testville)" in err
    assert "hls-workbook init --place testvile --focus" in err and "--new-place" in err
    assert total(wb) == before
    # Capitals are the same place.
    result = cli("import", log, "--db", wb.location, "--place", "TestVille", "--map-file",
                 mapping)
    assert result.exit_code == 0, result.output


def test_a_new_place_on_purpose(wb: Any, log: Path, mapping: Path) -> None:
    result = cli("import", log, "--db", wb.location, "--place", "north-ward", "--new-place",
                 "--map-file", mapping)
    assert result.exit_code == 0, result.output
    assert "north-ward is a new place without a description yet" in result.stdout
    assert wb.counts("north-ward")["learning"] == 3
    err = one_line_error(cli("import", log, "--db", wb.location, "--new-place"))
    assert "--new-place goes with --place" in err



def test_the_guide_example_imports_as_written(wb: Any, tmp_path: Path) -> None:
    """docs/analysts.md: its learning log and mapping file come in with its one command."""
    guide = (Path(__file__).resolve().parents[1] / "docs" / "analysts.md").read_text("utf-8")
    [log_text] = re.findall(r"```csv\n(.*?)```", guide, re.S)
    toml_blocks = re.findall(r"```toml\n(.*?)```", guide, re.S)
    (tmp_path / "learning_log.csv").write_text(log_text, encoding="utf-8")
    (tmp_path / "mapping.toml").write_text(toml_blocks[0], encoding="utf-8")
    assert "hls-workbook import learning_log.csv --place north-ward --map-file mapping.toml" \
        in guide
    result = cli("import", tmp_path / "learning_log.csv", "--db", wb.location, "--place",
                 "north-ward", "--new-place", "--map-file", tmp_path / "mapping.toml")
    assert result.exit_code == 0, result.output
    assert wb.counts("north-ward")["learning"] == 3 and wb.counts("north-ward")["share"] == 3
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text("utf-8")
    [short] = re.findall(r"```toml\n(.*?)```", readme, re.S)
    (tmp_path / "short.toml").write_text(short, encoding="utf-8")
    assert read_map_file(tmp_path / "short.toml").target("Shared with").kind == "share"

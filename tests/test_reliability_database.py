"""Database problems: missing, read-only, corrupt, newer, full. Clear words; the file kept.

How read-only is made real (the tests run as root, for whom chmod stops nothing):

- ``chattr +i`` (the immutable flag) on the file or on its folder: the kernel refuses
  writes even to root. Used when the file system supports it; skipped with the reason
  otherwise.
- chmod 0444 / 0555 with the check run as an unprivileged user (uid 65534, via
  ``setpriv``), so permissions bite exactly as they do for a team member. Without root
  (no setpriv needed) the chmod applies to the test process itself.

A full disk is a real SQLITE_FULL: ``PRAGMA max_page_count`` caps the file's size on every
connection of the workbook, so a save fails exactly as it would on a full disk.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from hls_workbook import open_workbook
from hls_workbook.cli import app
from hls_workbook.domain.errors import DatabaseError, NewerDatabaseError
from hls_workbook.store.workbook import SCHEMA_VERSION
from hls_workbook.ui import forms

from .samples import GOOD

PLACE = "testville"
ROOT = Path(__file__).resolve().parents[1]
runner = CliRunner()


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def make_db(path: Path, records: int = 3) -> Path:
    with open_workbook(path, create=True) as wb:
        wb.set_place(PLACE, {"name": "Testville", "shared_focus": "Fewer people alone"})
        for i in range(records):
            wb.add("checkin", {**GOOD["checkin"], "emotional_load": i % 11}, place=PLACE)
    return path


def fill_checkin(form: forms.RecordForm, load: int = 4) -> None:
    form.controls["emotional_load"].input.value = load
    form.controls["role"].input.value = "charity"


def count(path: Path, table: str = "checkin") -> int:
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    finally:
        con.close()


# ---------------------------------------------------------------------------
# Missing
# ---------------------------------------------------------------------------


def test_missing_database_is_said_plainly_and_not_created(tmp_path):
    for path in (tmp_path / "nope.db", tmp_path / "no" / "such" / "folder" / "x.db"):
        with pytest.raises(DatabaseError) as err:
            open_workbook(path)
        assert str(path) in str(err.value)
        assert "hls-workbook init" in str(err.value)
        assert not path.exists()
        assert not path.parent.exists() or path.parent == tmp_path
    result = runner.invoke(app, ["validate", "--db", str(tmp_path / "nope.db")])
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: There is no workbook database")
    assert len(result.stderr.strip().splitlines()) == 1


# ---------------------------------------------------------------------------
# Read-only: the immutable flag (works for root) and real permissions (as uid 65534)
# ---------------------------------------------------------------------------


def _chattr(flag: str, *paths: Path) -> bool:
    if shutil.which("chattr") is None:
        return False
    done = subprocess.run(["chattr", flag, *map(str, paths)], capture_output=True)
    return done.returncode == 0


@contextlib.contextmanager
def immutable(*paths: Path) -> Iterator[None]:
    """Make files or folders immutable (even for root); skip if the system cannot."""
    if not _chattr("+i", *paths):
        pytest.skip("chattr +i is not available on this file system")
    try:
        probe = paths[0] / ".probe" if paths[0].is_dir() else paths[0]
        try:
            if paths[0].is_dir():
                probe.write_text("x")
            else:
                with probe.open("ab"):
                    pass
        except OSError:
            pass
        else:
            pytest.skip("chattr +i did not stop writes here")
        yield
    finally:
        _chattr("-i", *paths)


def test_read_only_file_reads_but_refuses_writes_and_the_form_keeps_the_text(tmp_path):
    path = make_db(tmp_path / "ro.db")
    before = digest(path)
    with immutable(path):
        wb = open_workbook(path)
        assert len(wb.table("checkin", PLACE)) == 3  # the team can still read
        form = forms.RecordForm(wb, "checkin", place=PLACE, with_list=False)
        fill_checkin(form, 9)
        assert form.submit() is None
        assert "read-only" in form.status_text and "still here" in form.status_text
        assert form.controls["emotional_load"].input.value == 9
        with pytest.raises(DatabaseError, match="read-only"):
            wb.add("checkin", GOOD["checkin"], place=PLACE)
        assert digest(path) == before
        result = runner.invoke(app, ["init", "--db", str(path), "--place", "new-place",
                                     "--focus", "x"])
        assert result.exit_code == 1 and "read-only" in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
    # Write access given back: the same form, still open, saves what was typed.
    assert form.submit() is not None, form.status_text
    assert count(path) == 4
    form.close()
    wb.close()


def test_read_only_folder_is_said_plainly_and_the_file_kept(tmp_path):
    folder = tmp_path / "shared"
    folder.mkdir()
    path = make_db(folder / "wb.db")
    before = digest(path)
    with immutable(folder):
        with pytest.raises(DatabaseError) as err:
            wb = open_workbook(path)
            wb.add("checkin", GOOD["checkin"], place=PLACE)
        assert str(path) in str(err.value)
        assert "may write there" in str(err.value) or "read-only" in str(err.value)
        with pytest.raises(DatabaseError):
            open_workbook(folder / "new.db", create=True)
        assert sorted(p.name for p in folder.iterdir()) == ["wb.db"]
        assert digest(path) == before
    with immutable(path, folder):
        with pytest.raises(DatabaseError):
            open_workbook(path).add("checkin", GOOD["checkin"], place=PLACE)
        assert digest(path) == before


PROBE = textwrap.dedent("""
    import json, sys
    sys.path.insert(0, {root!r})
    from hls_workbook import open_workbook
    from hls_workbook.domain.errors import WorkbookError
    from tests.samples import GOOD
    out = {{}}
    try:
        wb = open_workbook(sys.argv[1])
        wb.add("checkin", GOOD["checkin"], place="testville")
        out["saved"] = True
    except WorkbookError as exc:
        out["error"] = str(exc)
    except Exception as exc:
        out["unexpected"] = f"{{type(exc).__name__}}: {{exc}}"
    print(json.dumps(out))
""")


@pytest.mark.parametrize("what", ["file 0444", "folder 0555", "file 0444 and folder 0555"])
def test_real_permissions_as_an_ordinary_user(tmp_path, what):
    """chmod as it bites a team member: the check runs as uid 65534 (setpriv)."""
    if os.geteuid() == 0 and shutil.which("setpriv") is None:
        pytest.skip("running as root without setpriv: cannot drop privileges")
    base = Path(os.environ.get("HLS_TEST_SHARED_TMP", "/tmp")) / f"hls-perm-{os.getpid()}"
    folder = base / tmp_path.name
    shutil.rmtree(base, ignore_errors=True)
    folder.mkdir(parents=True)
    try:
        path = make_db(folder / "wb.db")
        if os.geteuid() == 0:
            base.chmod(0o755)
            os.chown(folder, 65534, 65534)
            os.chown(path, 65534, 65534)
        if "file" in what:
            path.chmod(0o444)
        if "folder" in what:
            folder.chmod(0o555)
        before = digest(path)
        cmd = [sys.executable, "-c", PROBE.format(root=str(ROOT)), str(path)]
        if os.geteuid() == 0:
            cmd = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", *cmd]
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=60, cwd="/")
        assert done.returncode == 0, done.stderr
        import json

        out = json.loads(done.stdout.strip().splitlines()[-1])
        assert "error" in out, out
        assert "read-only" in out["error"] or "may write there" in out["error"], out
        assert str(path) in out["error"]
        assert digest(path) == before
        assert count(path) == 3
    finally:
        with contextlib.suppress(OSError):
            folder.chmod(0o755)
        shutil.rmtree(base, ignore_errors=True)


# ---------------------------------------------------------------------------
# Corrupt files: refused, never replaced, never "repaired"
# ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def healthy_db(tmp_path_factory) -> tuple[bytes, list[int]]:
    """The bytes of a checkpointed workbook with some pages of data, and the numbers of
    the pages that hold the reflections' rows."""
    path = tmp_path_factory.mktemp("healthy") / "h.db"
    with open_workbook(path, create=True) as wb:
        wb.set_place(PLACE, {"name": "Testville", "shared_focus": "x"})
        wb.add_many([("reflection", {"reflected_on": "2026-01-02",
                                     "description": f"Reflection {i} " * 40})
                     for i in range(300)], place=PLACE)
    con = sqlite3.connect(path)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    leaves = [r[0] for r in con.execute(
        "SELECT pageno FROM dbstat WHERE name = 'reflection' AND pagetype = 'leaf' "
        "ORDER BY pageno")]
    con.close()
    return path.read_bytes(), leaves


@pytest.fixture(scope="module")
def healthy(healthy_db) -> bytes:
    return healthy_db[0]


def corruptions(raw: bytes) -> dict[str, bytes]:
    page = 4096
    return {
        "random bytes": os.urandom(len(raw)),
        "a text file": b"Minutes of the meeting\n" * 200,
        "cut in half": raw[: len(raw) // 2],
        "only the first page": raw[:page],
        "only the header": raw[:100],
        "wrong magic": b"SQLite format 2\x00" + raw[16:],
        "bad page size": raw[:16] + b"\x00\x03" + raw[18:],
        "schema page zeroed": raw[:page] + b"\x00" * page + raw[2 * page:],
        "schema page scrambled": raw[:page] + os.urandom(page) + raw[2 * page:],
        "an empty zip": b"PK\x05\x06" + b"\x00" * 18,
        "a JSON export": b'{"format": "hls-workbook-export", "records": {}}',
    }


def test_corrupt_files_are_refused_with_a_clear_message_and_never_changed(tmp_path, healthy):
    kinds = corruptions(healthy)
    for name, data in kinds.items():
        path = tmp_path / f"{name.replace(' ', '_')}.db"
        path.write_bytes(data)
        with pytest.raises(DatabaseError) as err:
            wb = open_workbook(path, create=True)
            try:  # if it opens at all, the first read or write must find the damage
                wb.table("reflection", PLACE)
                wb.add("checkin", GOOD["checkin"], place=PLACE)
            finally:
                wb.close()
        message = str(err.value)
        assert "not a workbook database or is damaged" in message, (name, message)
        assert "was not changed" in message
        assert path.read_bytes() == data, name
        result = runner.invoke(app, ["validate", "--db", str(path)])
        assert result.exit_code == 1, name
        assert result.stderr.startswith("Error: "), (name, result.output)
        assert len(result.stderr.strip().splitlines()) == 1
        assert path.read_bytes() == data, name
    assert len(kinds) == 11  # docs/reliability.md


def test_damage_inside_a_data_page_is_found_and_then_nothing_more_is_written(tmp_path,
                                                                          healthy_db):
    """SQLite only sees a damaged page when it reads it. Once seen, the workbook writes no
    more to that file, so what is left can still be rescued from it."""
    healthy, leaves = healthy_db
    page = 4096
    middle = (leaves[len(leaves) // 2] - 1) * page  # a page of the reflections' rows
    data = healthy[:middle] + b"\x00" * page + healthy[middle + page:]
    path = tmp_path / "damaged.db"
    path.write_bytes(data)
    wb = open_workbook(path)
    with pytest.raises(DatabaseError, match="damaged"):
        wb.table("reflection", PLACE)
    form = forms.RecordForm(wb, "checkin", place=PLACE, with_list=False)
    fill_checkin(form)
    assert form.submit() is None
    assert "damaged" in form.status_text and "still here" in form.status_text
    with pytest.raises(DatabaseError, match="damaged"):
        wb.add("checkin", GOOD["checkin"], place=PLACE)
    form.close()
    wb.close()
    assert path.read_bytes() == data
    result = runner.invoke(app, ["validate", "--db", str(path)])
    assert result.exit_code == 1
    assert "damaged" in result.output
    assert path.read_bytes() == data


# ---------------------------------------------------------------------------
# A database from a newer HLS Workbook
# ---------------------------------------------------------------------------


def test_newer_database_is_refused_everywhere_and_never_touched(tmp_path):
    path = make_db(tmp_path / "newer.db")
    con = sqlite3.connect(path)
    con.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'",
                (str(SCHEMA_VERSION + 1),))
    con.execute("ALTER TABLE checkin ADD COLUMN from_the_future TEXT")
    con.commit()
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    before = digest(path)
    for create in (False, True):
        with pytest.raises(NewerDatabaseError) as err:
            open_workbook(path, create=create)
        assert "newer HLS Workbook" in str(err.value) and "was not changed" in str(err.value)
    for args in (["validate", "--db", str(path)],
                 ["init", "--db", str(path), "--place", "x-place", "--focus", "x"],
                 ["export", "--db", str(path), "--out", str(tmp_path / "out")],
                 ["import", str(tmp_path / "x.csv"), "--db", str(path)],
                 ["report", "--db", str(path), "--place", PLACE, "--from", "2026-01-01",
                  "--to", "2026-02-01"]):
        result = runner.invoke(app, args)
        assert result.exit_code == 1, (args, result.output)
        assert "newer HLS Workbook" in result.stderr, (args, result.output)
        assert len(result.stderr.strip().splitlines()) == 1
    assert digest(path) == before
    assert not (tmp_path / "out").exists()


def test_a_schema_version_that_is_not_a_number_is_refused_untouched(tmp_path):
    path = make_db(tmp_path / "odd.db")
    con = sqlite3.connect(path)
    con.execute("UPDATE meta SET value = 'two' WHERE key = 'schema_version'")
    con.commit()
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    before = digest(path)
    with pytest.raises(DatabaseError) as err:
        open_workbook(path)
    assert str(path) in str(err.value)
    assert digest(path) == before


# ---------------------------------------------------------------------------
# A full disk (a real SQLITE_FULL) and a file that turns read-only while a form is open
# ---------------------------------------------------------------------------


@contextlib.contextmanager
def disk_full(wb, spare_pages: int = 0) -> Iterator[None]:
    """Cap the database file at its current size (+ spare pages) on every connection."""

    def cap(dbapi_conn, _record):
        pages = dbapi_conn.execute("PRAGMA page_count").fetchone()[0]
        dbapi_conn.execute(f"PRAGMA max_page_count = {pages + spare_pages}")

    wb.engine.dispose()
    sa.event.listen(wb.engine, "connect", cap)
    try:
        yield
    finally:
        sa.event.remove(wb.engine, "connect", cap)
        wb.engine.dispose()


def test_full_disk_keeps_the_form_text_saves_nothing_and_retry_works(wb, db_path):
    story = "A long story that will not fit. " * 300
    form = forms.RecordForm(wb, "voice", place=PLACE, with_list=False)
    form.controls["story"].input.value = story
    form.controls["domain_of_change"].input.value = "housing"
    form.controls["storyteller_role"].input.value = "person_using_services"
    form.controls["collected_on"].input.value = __import__("datetime").date(2026, 2, 1)
    form.controls["consent_audiences"].boxes["team"].value = True  # asked of a new story
    before = (count(db_path, "voice"), count(db_path, "record_ids"))
    with disk_full(wb):
        assert form.submit() is None
        assert "full" in form.status_text and "still here" in form.status_text
        assert "Traceback" not in form.summary.value
        with pytest.raises(DatabaseError, match="full"):
            wb.add_many([("reflection", {"reflected_on": "2026-01-02",
                                         "description": "x" * 5000})] * 50, place=PLACE)
    assert form.controls["story"].input.value == story
    assert (count(db_path, "voice"), count(db_path, "record_ids")) == before
    assert wb.integrity_check() == []
    rid = form.submit()  # space freed: the same answers save
    assert rid is not None, form.status_text
    assert wb.get("voice", rid)["story"] == story.strip()
    form.close()


def test_a_batch_that_fills_the_disk_half_way_leaves_nothing_behind(wb, db_path):
    before = (count(db_path, "reflection"), count(db_path, "record_ids"))
    with disk_full(wb, spare_pages=20), pytest.raises(DatabaseError, match="full"):
        wb.add_many([("reflection", {"reflected_on": "2026-01-02",
                                     "description": f"{i} " + "y" * 3000})
                     for i in range(100)], place=PLACE)
    assert (count(db_path, "reflection"), count(db_path, "record_ids")) == before
    assert wb.integrity_check() == []

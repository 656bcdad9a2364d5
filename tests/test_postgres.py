"""PostgreSQL as a first-class store (issue 15), next to SQLite.

The server is a throwaway one started by tests/pg.py; ``db_url`` runs a test once on a
SQLite file and once on a PostgreSQL database, and so does ``wb`` in a test marked
``both_databases``. Promises proved here:

- a database URL is never taken for a file: ``demo --db postgresql://...`` writes no file,
  and a report from it is byte for byte the report from SQLite;
- a plain ``postgresql://`` URL uses psycopg 3;
- 4 processes x 50 edits of one record at once: each edit is saved or refused with the
  friendly "someone else saved a newer version", never a raw database error, and the
  history stays whole (versions 1..n, one current);
- busy is told by the driver's error code: a value containing "busy" fails at once, while
  a real lock timeout on the server is waited out;
- search folds case fully on both (Straße matches STRASSE);
- after a withdrawal on PostgreSQL the words are gone from the table's files (VACUUM FULL);
- every database error is one plain line.
"""

from __future__ import annotations

import datetime as dt
import json
import multiprocessing as mp
import re
import threading
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from hls_workbook import open_workbook
from hls_workbook.cli import app
from hls_workbook.domain.errors import DatabaseError, RecordError, WorkbookError
from hls_workbook.store import engine as store_engine  # the retries live in store.engine
from hls_workbook.store import workbook as store_mod

from .samples import GOOD

ROOT = Path(__file__).resolve().parents[1]
PLACE = "testville"
runner = CliRunner()


def _one_plain_line(message: str) -> None:
    assert "\n" not in message, message
    assert message[:1].isupper(), message
    for noise in ("psycopg", "sqlalchemy", "[SQL:", "Background on this error", "LINE 1",
                  "sqlite3."):
        assert noise not in message, message


# ---------------------------------------------------------------------------
# URLs
# ---------------------------------------------------------------------------


def test_a_plain_postgresql_url_uses_psycopg3(pg_url):
    assert store_mod.database_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert store_mod.database_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert store_mod.database_url("postgresql+psycopg2://u@h/db") == "postgresql+psycopg2://u@h/db"
    with open_workbook(pg_url, create=True) as wb:
        assert wb.engine.dialect.driver == "psycopg"
        assert wb.path is None and not wb.is_sqlite


def test_a_password_in_the_url_is_never_shown(pg_url):
    secret = pg_url.replace("hls@", "hls:s3cret-pw@")
    with open_workbook(secret, create=True) as wb:
        assert "s3cret-pw" not in repr(wb) and "s3cret-pw" not in wb.shown
    result = runner.invoke(app, ["init", "--db", secret])
    assert result.exit_code == 0, result.output
    assert "s3cret-pw" not in result.output


@pytest.mark.slow
@pytest.mark.notebook
def test_demo_by_url_makes_no_file_and_its_report_matches_sqlites(pg_url, demo_db,
                                                                 demo_reports, tmp_path,
                                                                 monkeypatch):
    from hls_workbook.demo import START, WEEKS
    from hls_workbook.reporting.reports import ReportRequest, ReportRunner

    work = tmp_path / "cwd"
    work.mkdir()
    monkeypatch.chdir(work)
    before = sorted(p.name for p in (ROOT / "data").iterdir())
    result = runner.invoke(app, ["demo", "--db", pg_url, "--no-reports"])
    assert result.exit_code == 0, result.output
    assert list(work.iterdir()) == []  # no SQLite file named after the URL
    assert sorted(p.name for p in (ROOT / "data").iterdir()) == before
    assert not list(ROOT.glob("postgres*")) and not list(work.glob("postgres*"))
    with open_workbook(pg_url) as wb:
        assert wb.places() == ["millbrook"]
        pg_counts = wb.counts()
    # Building it again into a database that holds places is refused, in one line.
    again = runner.invoke(app, ["demo", "--db", pg_url, "--no-reports"])
    assert again.exit_code == 1 and "already holds places" in again.output
    assert len(again.output.strip().splitlines()) == 1

    # The demo in SQLite (demo_db: the demo the tests share, as `demo` builds it) holds
    # the same records, and its public report for the demo's whole period (demo_reports,
    # made once for every test) is the one made here from PostgreSQL.
    with open_workbook(demo_db) as wb:
        assert wb.counts() == pg_counts
    end = START + dt.timedelta(weeks=WEEKS)
    with ReportRunner() as engine:
        made = [demo_reports["public"],
                engine.run(ReportRequest.make("millbrook", START, end, "public", db=pg_url),
                           tmp_path / "postgresql").html]
    # Byte for byte, but for the charts' element ids, which a warm kernel numbers on from
    # one report to the next (chart-1... in the first report, chart-9... in the second),
    # and the day each was made (the shared report may be from before midnight).
    made_on = re.compile(rb"Made with HLS Workbook on [^.<]*")
    same = [re.sub(rb"chart-\d+", b"chart-N", made_on.sub(b"", path.read_bytes()))
            for path in made]
    assert same[0] == same[1]


# ---------------------------------------------------------------------------
# Moving a workbook between SQLite and PostgreSQL; the commands on a URL
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_a_workbook_moves_from_sqlite_to_postgresql_and_back_exactly(pg_workbook_url, tmp_path,
                                                                     fmt):
    from hls_workbook.io.exchange import export, import_path

    from .test_exchange import fill, import_source, snapshot

    with open_workbook(tmp_path / "team.db", create=True) as sqlite_wb, \
            open_workbook(pg_workbook_url) as pg_wb, \
            open_workbook(tmp_path / "back.db", create=True) as back_wb:
        fill(sqlite_wb)
        before = snapshot(sqlite_wb, "testville")
        files = export(sqlite_wb, tmp_path / "out", fmt, place="testville")
        import_path(pg_wb, import_source(files, fmt))
        assert snapshot(pg_wb, "testville") == before
        files = export(pg_wb, tmp_path / "again", fmt, place="testville")
        import_path(back_wb, import_source(files, fmt))
        assert snapshot(back_wb, "testville") == before


def test_init_validate_and_withdraw_by_url(pg_url, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    # Reading an empty database never starts a workbook there (as for a missing file).
    empty = runner.invoke(app, ["validate", "--db", pg_url])
    assert empty.exit_code == 1 and "holds no workbook yet" in empty.output
    with pytest.raises(DatabaseError, match="hls-workbook init"):
        open_workbook(pg_url)
    done = runner.invoke(app, ["init", "--db", pg_url, "--place", "north-ward",
                               "--focus", "Fewer people alone"])
    assert done.exit_code == 0, done.output
    assert "Places: north-ward" in done.output
    with open_workbook(pg_url) as wb:
        vid = wb.add("voice", GOOD["voice"], place="north-ward")
    checked = runner.invoke(app, ["validate", "--db", pg_url])
    assert checked.exit_code == 0, checked.output
    assert "no problems found" in checked.output
    gone = runner.invoke(app, ["withdraw", str(vid), "--db", pg_url])
    assert gone.exit_code == 0, gone.output
    monkeypatch.setenv("HLS_WORKBOOK_DB", pg_url)  # the environment variable takes a URL too
    with open_workbook() as wb:
        assert wb.get("voice", vid)["consent_withdrawn"] is True
    # The workbook is on the server: the working folder holds no database, only the
    # stage notebooks init gives a team.
    assert [p.name for p in tmp_path.iterdir()] == ["notebooks"]


# ---------------------------------------------------------------------------
# Many people editing one record at once
# ---------------------------------------------------------------------------

EDITORS = 4
EDITS_EACH = 50


def _editor(db: str, rid: int, who: int, n: int, out_path: str, barrier) -> None:
    """One 'kernel': reads the record, then saves an edit of the version it read."""
    from hls_workbook import open_workbook
    from hls_workbook.domain.errors import RecordError, WorkbookError

    wb = open_workbook(db)
    barrier.wait(timeout=120)
    with open(out_path, "w", encoding="utf-8") as out:
        for i in range(n):
            text = f"editor{who}-edit{i}"
            seen = wb.get("reflection", rid)["version"]
            result: dict = {"text": text, "seen": seen}
            try:
                result["version"] = wb.edit("reflection", rid, {"description": text},
                                            expected_version=seen)
            except RecordError as exc:
                result["refused"] = str(exc)
            except WorkbookError as exc:
                result["error"] = str(exc)
            except Exception as exc:  # noqa: BLE001 - a raw error is what this test looks for
                result["error"] = f"{type(exc).__name__}: {exc}"
            out.write(json.dumps(result) + "\n")
    wb.close()


@pytest.mark.slow
def test_concurrent_edits_of_one_record_are_saved_or_refused_plainly(db_url, tmp_path):
    with open_workbook(db_url, create=True) as wb:
        wb.set_place(PLACE, {"name": "Testville", "shared_focus": "Fewer people alone"})
        rid = wb.add("reflection", {"reflected_on": "2026-02-01", "description": "first"},
                     place=PLACE)
    ctx = mp.get_context("spawn")
    barrier = ctx.Barrier(EDITORS)
    logs = [tmp_path / f"editor{w}.jsonl" for w in range(EDITORS)]
    procs = [ctx.Process(target=_editor,
                         args=(db_url, rid, w, EDITS_EACH, str(logs[w]), barrier))
             for w in range(EDITORS)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=180)
        assert p.exitcode == 0, f"editor exited with {p.exitcode}"
    results = [json.loads(line) for log in logs
               for line in log.read_text(encoding="utf-8").splitlines()]
    assert len(results) == EDITORS * EDITS_EACH
    assert [r["error"] for r in results if "error" in r] == []
    saved = [r for r in results if "version" in r]
    refused = [r for r in results if "refused" in r]
    assert len(saved) + len(refused) == len(results)
    for r in refused:
        assert r["refused"].startswith("someone else saved a newer version"), r
    for r in saved:
        assert r["version"] == r["seen"] + 1
    assert len({r["version"] for r in saved}) == len(saved)  # never two on one version
    with open_workbook(db_url) as wb:
        history = wb.history("reflection", rid)
    assert history["version"].tolist() == list(range(1, len(saved) + 2))
    assert int(history["superseded_at"].isna().sum()) == 1
    by_version = dict(zip(history["version"], history["description"], strict=True))
    for r in saved:
        assert by_version[r["version"]] == r["text"]
    print(f"\n{db_url.split(':')[0]}: {len(saved)} edits saved, {len(refused)} refused")


@pytest.mark.both_databases
def test_a_clash_on_one_version_is_the_friendly_message(wb):
    rid = wb.add("reflection", {"reflected_on": "2026-02-01", "description": "first"},
                     place=PLACE)
    t = store_mod.TABLES["reflection"]

    def insert_version_one_again(conn):
        conn.execute(sa.insert(t).values(id=rid, version=1, place=PLACE,
                                         recorded_at=dt.datetime(2026, 2, 1), archived=False,
                                         reflected_on=dt.date(2026, 2, 1), description="x"))

    with pytest.raises(RecordError, match="^someone else saved a newer version"):
        wb.write(insert_version_one_again)


# ---------------------------------------------------------------------------
# Busy, told by the error code
# ---------------------------------------------------------------------------


@pytest.mark.both_databases
def test_a_value_containing_busy_is_not_retried(wb, monkeypatch):
    monkeypatch.setattr(store_engine, "BUSY_WAIT", 5.0)
    bad = ("SELECT 'busy'::int" if not wb.is_sqlite
           else "SELECT busy FROM meta WHERE 'database is busy' = 'locked'")
    started = time.monotonic()
    with pytest.raises(DatabaseError) as err:
        wb.read(lambda c: c.exec_driver_sql(bad).all())
    assert time.monotonic() - started < 1.0  # failed at once: not taken for a busy database
    assert "busy with other people's saves" not in str(err.value)
    _one_plain_line(str(err.value))
    # The same with the word in a saved value that breaks a rule of the database.
    started = time.monotonic()
    with pytest.raises(WorkbookError):
        wb.write(lambda c: c.execute(sa.insert(store_mod.TABLES["reflection"]).values(
            id=1, version=1, place=PLACE, recorded_at=None, archived=False,
            description="the database is busy, busy, busy")))
    assert time.monotonic() - started < 1.0


def test_a_lock_timeout_on_the_server_is_waited_out(pg_url):
    """55P03 (lock not available) is retried with back-off until the lock is free."""
    import psycopg

    with open_workbook(pg_url, create=True) as wb:
        wb.set_place(PLACE, {"name": "Testville", "shared_focus": "Fewer people alone"})
        rid = wb.add("reflection", {"reflected_on": "2026-02-01", "description": "first"},
                     place=PLACE)
        wb.engine.dispose()

        def short_lock_timeout(dbapi_conn, _record) -> None:
            dbapi_conn.execute("SET lock_timeout = '50ms'")
            dbapi_conn.commit()  # a SET inside a transaction rolled back would be undone

        sa.event.listen(wb.engine, "connect", short_lock_timeout)
        seen = []
        real = store_engine._is_busy
        ready, release = threading.Event(), threading.Event()

        def hold() -> None:
            with psycopg.connect(pg_url) as conn:
                conn.execute("SELECT id FROM record_ids WHERE id = %s FOR UPDATE", (rid,))
                ready.set()
                release.wait(10)
                time.sleep(0.6)

        thread = threading.Thread(target=hold, daemon=True)
        thread.start()
        ready.wait(5)
        release.set()
        try:
            store_engine._is_busy = lambda exc: seen.append(real(exc)) or seen[-1]
            started = time.monotonic()
            version = wb.edit("reflection", rid, {"description": "after the lock"},
                              expected_version=1)
            waited = time.monotonic() - started
        finally:
            store_engine._is_busy = real
        thread.join(5)
        assert version == 2
        assert sum(seen) >= 2, seen  # lock_not_available, retried more than once
        assert 0.3 < waited < 10


# ---------------------------------------------------------------------------
# Search: full Unicode case folding on both
# ---------------------------------------------------------------------------


@pytest.mark.both_databases
def test_search_folds_case_fully(wb):
    add = wb.add
    street = add("glossary_term", {"term": "Straße", "plain_meaning": "a road"}, place=PLACE)
    shout = add("glossary_term", {"term": "HAUPTSTRASSE", "plain_meaning": "the main road"},
                place=PLACE)
    greek = add("glossary_term", {"term": "ΣΟΦΊΑ", "plain_meaning": "wisdom"}, place=PLACE)
    add("glossary_term", {"term": "Lane", "plain_meaning": "a small road"}, place=PLACE)

    def found(words: str, columns=("term",)) -> list[int]:
        return sorted(r["id"] for r in wb.listing(
            "glossary_term", PLACE, columns=list(columns), search=words).rows)

    assert found("STRASSE") == sorted([street, shout])
    assert found("straße") == sorted([street, shout])
    assert found("hauptstraße") == [shout]
    assert found("σοφία") == [greek]
    assert found("ROAD", columns=["plain_meaning"]) == found("road", columns=["plain_meaning"])
    assert len(found("road", columns=["plain_meaning"])) == 3
    listing = wb.listing("glossary_term", PLACE, columns=["term"], search="strasse",
                             limit=1)
    assert (listing.matched, listing.total, [r["id"] for r in listing.rows]) == (2, 4, [shout])
    assert [r["id"] for r in wb.listing("glossary_term", PLACE, columns=["term"],
                                            search="strasse", ids=[street]).rows] == [street]


# ---------------------------------------------------------------------------
# Withdrawal: the words leave the table's files
# ---------------------------------------------------------------------------


def test_withdrawn_words_leave_the_tables_files(pg_server, pg_url):
    import random
    import string

    token, long_token = "Quillfeather-Marrowbank", "Thistledown-Copperkettle"
    voice = {**GOOD["voice"], "story": f"{token} told us about the lunch club. " * 3}
    # A long story that does not compress is kept out of line, in the TOAST table.
    rng = random.Random(15)
    noise = " ".join("".join(rng.choices(string.ascii_lowercase, k=7)) for _ in range(600))
    with open_workbook(pg_url, create=True) as wb:
        wb.set_place(PLACE, {"name": "Testville", "shared_focus": "Fewer people alone"})
        vid = wb.add("voice", voice, place=PLACE)
        wb.edit("voice", vid, {"story": f"{token} changed her mind about the club."})
        long_id = wb.add("voice", {**GOOD["voice"], "story": f"{noise} {long_token} {noise}"},
                         place=PLACE)
        kept = wb.add("voice", {**GOOD["voice"], "story": "Kept-Story-Words"}, place=PLACE)
        files = pg_server.relation_files(pg_url, "voice")
        assert len(files) >= 2  # the table and its TOAST table
        for words in (token, long_token):  # the test can see them before
            assert any(words.encode() in f.read_bytes() for f in files), words
        wb.withdraw_consent(vid)
        wb.withdraw_consent(long_id)
        assert token not in str(wb.get("voice", vid)["story"])
        files = pg_server.relation_files(pg_url, "voice")
        for words in (token, long_token):
            assert not any(words.encode() in f.read_bytes() for f in files), words
        assert any(b"Kept-Story-Words" in f.read_bytes() for f in files)
        assert wb.get("voice", kept)["story"] == "Kept-Story-Words"


def test_ticking_withdrawn_in_an_edit_also_cleans_the_files(pg_server, pg_url):
    token = "Pennywhistle-Oakhollow"
    with open_workbook(pg_url, create=True) as wb:
        wb.set_place(PLACE, {"name": "Testville", "shared_focus": "Fewer people alone"})
        vid = wb.add("voice", {**GOOD["voice"], "story": f"{token} spoke."}, place=PLACE)
        wb.edit("voice", vid, {"consent_withdrawn": True, "consent_withdrawn_on": "2026-03-01"})
        files = pg_server.relation_files(pg_url, "voice")
        assert not any(token.encode() in f.read_bytes() for f in files)


# ---------------------------------------------------------------------------
# One plain line
# ---------------------------------------------------------------------------


def test_server_errors_are_one_plain_line(pg_server, pg_url):
    no_database = pg_url.rsplit("/", 1)[0] + "/no_such_database"
    closed = f"postgresql://hls@127.0.0.1:{_closed_port()}/workbook"
    wrong_user = pg_url.replace("//hls@", "//nobody_here@")
    for url, words in ((no_database, "There is no database"),
                       (closed, "Cannot reach the database server"),
                       (wrong_user, "")):
        with pytest.raises(DatabaseError) as err:
            open_workbook(url)
        _one_plain_line(str(err.value))
        assert words in str(err.value)
        result = runner.invoke(app, ["validate", "--db", url])
        assert result.exit_code == 1
        assert len(result.output.strip().splitlines()) == 1, result.output
    with open_workbook(pg_url, create=True) as wb:
        with pytest.raises(DatabaseError) as err:
            wb.read(lambda c: c.exec_driver_sql("SELECT * FROM no_such_table").all())
        _one_plain_line(str(err.value))
        assert 'Relation "no_such_table" does not exist' in str(err.value)


def _closed_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_a_user_who_may_not_vacuum_is_told_and_the_withdrawal_is_kept(pg_url):
    import psycopg

    with open_workbook(pg_url, create=True) as wb:
        wb.set_place(PLACE, {"name": "Testville", "shared_focus": "Fewer people alone"})
        vid = wb.add("voice", GOOD["voice"], place=PLACE)
    role = f"helper_{pg_url.rsplit('/', 1)[1]}"
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute(f"CREATE ROLE {role} LOGIN")
        conn.execute(f"GRANT ALL ON ALL TABLES IN SCHEMA public TO {role}")
        conn.execute(f"GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO {role}")
    try:
        with open_workbook(pg_url.replace("//hls@", f"//{role}@")) as wb:
            with pytest.raises(DatabaseError) as err:
                wb.withdraw_consent(vid)
            _one_plain_line(str(err.value))
            assert "was withdrawn" in str(err.value) and "VACUUM FULL voice" in str(err.value)
            assert wb.get("voice", vid)["consent_withdrawn"] is True
    finally:
        with psycopg.connect(pg_url, autocommit=True) as conn:
            conn.execute(f"DROP OWNED BY {role}")
            conn.execute(f"DROP ROLE {role}")


# ---------------------------------------------------------------------------
# A password in the URL stays with whoever ran the report
# ---------------------------------------------------------------------------


@pytest.mark.notebook
def test_a_kept_report_notebook_holds_no_password(pg_workbook_url, tmp_path):
    """The kept notebook (``--keep-notebook``, or a failed report's, kept for an analyst)
    shows the database URL with its password hidden; the report itself was made."""
    from hls_workbook.reporting.reports import ReportRequest, ReportRunner

    url = sa.engine.make_url(pg_workbook_url).set(password="Sup3r-secret-pw")
    with_password = url.render_as_string(hide_password=False)
    with open_workbook(with_password) as wb:  # the throwaway server trusts; any password
        wb.set_place("pwtown", {"name": "Pwtown", "shared_focus": "Our focus"})
    req = ReportRequest.make("pwtown", "2026-01-01", "2026-03-31", "team", db=with_password)
    with ReportRunner() as runner:
        result = runner.run(req, tmp_path, keep_notebook=True)
    kept = result.notebook.read_text(encoding="utf-8")
    assert "Sup3r-secret-pw" not in kept
    assert url.render_as_string(hide_password=True) in kept  # where, without the secret
    assert "Sup3r-secret-pw" not in result.html.read_text(encoding="utf-8")

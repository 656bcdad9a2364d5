"""Many team members at once, writers killed mid-stream, and a lock held too long.

Promises proved here (figures in docs/reliability.md):

- several processes (as several kernels would) submitting forms and saving records into
  one database at the same time lose nothing: every acknowledged save is there with
  exactly its text, no "database is locked" reaches anyone, and the file passes
  ``PRAGMA integrity_check``;
- a writer killed with SIGKILL in the middle of a stream of saves leaves a database that
  opens, passes its integrity check and holds every save acknowledged before the kill,
  and no half-saved batch;
- while another writer holds the lock the store retries with back-off and the save goes
  through; if the lock is held for too long the person is told plainly, the form keeps
  the text, and Submit works once the lock is free.
"""

from __future__ import annotations

import json
import multiprocessing as mp
import os
import random
import signal
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from hls_workbook import open_workbook
from hls_workbook.domain.errors import DatabaseError
from hls_workbook.store import engine as store_mod  # the retries live in store.engine
from hls_workbook.ui import forms

from . import payloads as P

PLACE = "testville"
ROOT = Path(__file__).resolve().parents[1]
WRITERS = 4
WRITES_EACH = 250

# ---------------------------------------------------------------------------
# Several team members at once
# ---------------------------------------------------------------------------


def _team_member(db: str, who: int, n: int, out_path: str, via: str, barrier) -> None:
    """One 'kernel': saves n reflections through a form or the store, logging each result."""
    import datetime as dt

    from hls_workbook import open_workbook
    from hls_workbook.domain.errors import WorkbookError
    from hls_workbook.store import engine as store_mod  # the retries live in store.engine
    from hls_workbook.ui import forms

    retries = 0
    real_is_busy = store_mod._is_busy

    def counting_is_busy(exc: BaseException) -> bool:
        nonlocal retries
        busy = real_is_busy(exc)
        retries += busy
        return busy

    store_mod._is_busy = counting_is_busy
    wb = open_workbook(db)
    form = forms.RecordForm(wb, "reflection", place=PLACE, role="charity", with_list=False)
    texts = [t for _name, t in P.VALID_TEXTS]
    barrier.wait(timeout=120)
    with open(out_path, "w", encoding="utf-8") as out:
        for i in range(n):
            token = f"writer{who}-save{i}"
            text = f"{token} {texts[(i + who) % len(texts)]}"
            started = time.time()
            error = None
            if via == "form":
                form.controls["reflected_on"].input.value = dt.date(2026, 2, 1)
                form.controls["description"].input.value = text
                rid = form.submit()
                if rid is None:
                    error = form.status_text
            else:
                try:
                    rid = wb.add("reflection", {"reflected_on": "2026-02-01",
                                                "description": text}, place=PLACE)
                except WorkbookError as exc:
                    rid, error = None, str(exc)
            out.write(json.dumps({"id": rid, "text": text, "error": error,
                                  "start": started, "end": time.time()}) + "\n")
            out.flush()
        out.write(json.dumps({"retries": retries}) + "\n")
    form.close()
    wb.close()


@pytest.mark.slow
def test_team_members_saving_at_once_lose_nothing(wb, db_path, tmp_path):
    wb.close()
    ctx = mp.get_context("spawn")
    barrier = ctx.Barrier(WRITERS)
    logs = [tmp_path / f"writer{w}.jsonl" for w in range(WRITERS)]
    procs = [
        ctx.Process(target=_team_member,
                    args=(str(db_path), w, WRITES_EACH, str(logs[w]),
                          "form" if w % 2 == 0 else "store", barrier))
        for w in range(WRITERS)
    ]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=240)
        assert p.exitcode == 0, f"writer exited with {p.exitcode}"
    saves, retries = [], 0
    windows = []
    for log in logs:
        lines = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
        retries += lines[-1]["retries"]
        body = lines[:-1]
        saves += body
        windows.append((body[0]["start"], body[-1]["end"]))
    errors = [s["error"] for s in saves if s["error"]]
    assert errors == [], errors[:3]  # no "database is locked", nor anything else
    assert len(saves) == WRITERS * WRITES_EACH
    # The writers really overlapped: each was still saving when every other had started.
    assert max(start for start, _ in windows) < min(end for _, end in windows)
    book = open_workbook(db_path)
    df = book.table("reflection", PLACE).set_index("id")
    ids = [s["id"] for s in saves]
    assert len(set(ids)) == len(ids)
    for s in saves:
        assert df.loc[s["id"], "description"] == P.expected_stored(s["text"])
    assert len(df) == len(saves)
    assert book.integrity_check() == []
    book.close()
    con = sqlite3.connect(db_path)
    assert con.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    con.close()
    print(f"\n{len(saves)} saves by {WRITERS} writers, {retries} retries after a busy lock")


# ---------------------------------------------------------------------------
# A writer killed mid-stream
# ---------------------------------------------------------------------------

WRITER = textwrap.dedent("""
    import sys
    sys.path.insert(0, {root!r})
    from hls_workbook import open_workbook
    db, mode, round_no = sys.argv[1], sys.argv[2], sys.argv[3]
    wb = open_workbook(db)
    i = 0
    while True:
        if mode == "batch":
            token = f"r{{round_no}}-batch{{i}}"
            ids = wb.add_many([("reflection", {{"reflected_on": "2026-02-01",
                                               "description": f"{{token}} part {{k}} " * 20}})
                               for k in range({batch})], place="testville")
            print("batch", token, *ids, flush=True)
        elif mode == "hold":
            def run(conn):
                wb.insert(conn, wb_model, place="testville")
                print("inside", flush=True)
                import time
                time.sleep(60)
            from hls_workbook.domain.model import model_for
            wb_model = model_for("reflection").validate_input(
                {{"reflected_on": "2026-02-01", "description": "HALF-WRITTEN"}})
            wb.write(run)
        else:
            token = f"r{{round_no}}-save{{i}}"
            rid = wb.add("reflection", {{"reflected_on": "2026-02-01",
                                        "description": token}}, place="testville")
            print("save", token, rid, flush=True)
        i += 1
""")
BATCH = 25


def _kill_after(db: Path, mode: str, round_no: int, acknowledged: int) -> list[list[str]]:
    """Run a writer, SIGKILL it after `acknowledged` lines; return every line it flushed."""
    code = WRITER.format(root=str(ROOT), batch=BATCH)
    proc = subprocess.Popen([sys.executable, "-c", code, str(db), mode, str(round_no)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    lines = []
    try:
        while len(lines) < acknowledged:
            line = proc.stdout.readline()
            if not line:
                raise AssertionError(f"writer stopped early: {proc.stderr.read()[-2000:]}")
            lines.append(line.split())
        time.sleep(random.uniform(0, 0.02))  # somewhere inside the next save
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        # Only whole lines count as acknowledged: the kill may cut the last one short.
        tail = proc.stdout.read().splitlines(keepends=True)
        lines += [line.split() for line in tail if line.endswith("\n") and line.strip()]
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.stdout.close()
        proc.stderr.close()
    assert proc.returncode == -signal.SIGKILL
    return lines


@pytest.mark.slow
def test_a_writer_killed_mid_stream_loses_no_acknowledged_save(wb, db_path):
    wb.close()
    rng = random.Random(20260201)
    acknowledged: dict[int, str] = {}
    batches: dict[str, list[int]] = {}
    plan = [("single", rng.randint(20, 80)) for _ in range(4)]
    plan += [("batch", rng.randint(3, 10)) for _ in range(3)]
    for round_no, (mode, n) in enumerate(plan):
        for line in _kill_after(db_path, mode, round_no, n):
            if line[0] == "save":
                acknowledged[int(line[2])] = line[1]
            else:
                batches[line[1]] = [int(x) for x in line[2:]]
        # After every kill the file opens, is sound and holds every acknowledged save.
        book = open_workbook(db_path)
        assert book.integrity_check() == []
        df = book.table("reflection", PLACE).set_index("id")
        for rid, token in acknowledged.items():
            assert df.loc[rid, "description"] == token
        for ids in batches.values():
            assert len(ids) == BATCH
            assert set(ids) <= set(df.index)
        # No half-saved batch: every batch is all there or not there at all.
        tokens = df["description"].str.extract(r"^(r\d+-batch\d+) part")[0].dropna()
        assert set(tokens.value_counts().tolist()) <= {BATCH}
        book.close()
    assert len(acknowledged) >= 80 and len(batches) >= 9
    print(f"\n{len(plan)} kills; {len(acknowledged)} single saves and {len(batches)} batches "
          f"of {BATCH} acknowledged, all present")


@pytest.mark.slow
def test_a_writer_killed_inside_its_transaction_leaves_nothing_and_no_lock(wb, db_path):
    wb.close()
    lines = _kill_after(db_path, "hold", 0, 1)
    assert lines[0] == ["inside"]
    book = open_workbook(db_path)
    started = time.monotonic()
    rid = book.add("reflection", {"reflected_on": "2026-02-01", "description": "after"},
                   place=PLACE)
    assert time.monotonic() - started < 2  # the dead writer's lock went with it
    descriptions = book.table("reflection", PLACE)["description"].tolist()
    assert "HALF-WRITTEN" not in descriptions
    assert book.get("reflection", rid)["description"] == "after"
    assert book.integrity_check() == []
    book.close()


# ---------------------------------------------------------------------------
# Another writer holding the lock: retry with back-off, then a plain message
# ---------------------------------------------------------------------------


def _short_busy_timeout(wb, ms: int = 50) -> None:
    """Make SQLite give up waiting after `ms`, so the store's own retry does the waiting."""

    def fast(dbapi_conn, _record):
        dbapi_conn.execute(f"PRAGMA busy_timeout = {ms}")

    wb.engine.dispose()
    sa.event.listen(wb.engine, "connect", fast)


def _hold_lock(db_path: Path, seconds: float, ready: threading.Event,
               release: threading.Event | None = None) -> threading.Thread:
    def hold():
        con = sqlite3.connect(db_path, isolation_level=None, check_same_thread=False)
        con.execute("BEGIN IMMEDIATE")
        ready.set()
        if release is not None:
            release.wait(timeout=60)
        else:
            time.sleep(seconds)
        con.execute("ROLLBACK")
        con.close()

    thread = threading.Thread(target=hold, daemon=True)
    thread.start()
    return thread


def test_a_held_lock_is_waited_out_with_back_off(wb, db_path, monkeypatch):
    _short_busy_timeout(wb)
    seen = []
    real = store_mod._is_busy
    monkeypatch.setattr(store_mod, "_is_busy", lambda exc: seen.append(real(exc)) or real(exc))
    ready = threading.Event()
    thread = _hold_lock(db_path, 1.2, ready)
    ready.wait(5)
    started = time.monotonic()
    rid = wb.add("checkin", {"emotional_load": 3, "role": "charity",
                             "checked_in_on": "2026-02-01"}, place=PLACE)
    waited = time.monotonic() - started
    thread.join(5)
    assert rid and wb.get("checkin", rid)["emotional_load"] == 3
    assert sum(seen) >= 2, seen  # the store retried, more than once
    assert 0.9 < waited < 10


def test_a_lock_held_too_long_is_said_plainly_and_the_form_keeps_the_text(wb, db_path,
                                                                           monkeypatch):
    _short_busy_timeout(wb)
    monkeypatch.setattr(store_mod, "BUSY_WAIT", 0.3)  # give up after 0.3 s, not 30 s
    ready, release = threading.Event(), threading.Event()
    thread = _hold_lock(db_path, 0, ready, release)
    ready.wait(5)
    form = forms.RecordForm(wb, "reflection", place=PLACE, with_list=False)
    import datetime as dt

    form.controls["reflected_on"].input.value = dt.date(2026, 2, 1)
    form.controls["description"].input.value = "Typed while someone else was saving"
    assert form.submit() is None
    assert "busy with other people's saves" in form.status_text
    assert "press Submit again" in form.status_text
    assert form.controls["description"].input.value == "Typed while someone else was saving"
    with pytest.raises(DatabaseError, match="busy"):
        wb.add("checkin", {"emotional_load": 3, "role": "charity"}, place=PLACE)
    release.set()
    thread.join(5)
    rid = form.submit()
    assert rid is not None, form.status_text
    assert wb.get("reflection", rid)["description"] == "Typed while someone else was saving"
    form.close()

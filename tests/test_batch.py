"""Batches (issue 15): a manifest a program can read, a resume that skips only what is
still up to date, and the same batch on a local Dask cluster of 2 worker processes."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys

import pytest

from hls_workbook.demo import build_demo_places
from hls_workbook.reporting.batch import MANIFEST, build_batch, read_manifest
from hls_workbook.store.workbook import open_workbook

from .databases import copy_db

START, END = "2026-01-01", "2026-03-31"


@pytest.fixture(scope="module")
def places_db(tmp_path_factory):
    db = tmp_path_factory.mktemp("batch") / "places.db"
    with open_workbook(db, create=True) as wb:
        build_demo_places(wb, 2)
        places = wb.places()
    return db, places


@pytest.fixture(scope="module")
def partners_batch(places_db, tmp_path_factory):
    """The partners' reports of both places, made once by a local batch of 2 workers on
    the module's database as built: (the batch's folder, its items). Read only: a test
    that changes them works on copies (:func:`_copy`)."""
    db, _places = places_db
    out = tmp_path_factory.mktemp("partners-batch") / "out"
    items = build_batch(None, START, END, ["partners"], db=db, out=out, workers=2)
    return out, items


def _copy(db, made, tmp_path):
    """A copy of the database and of a batch's folder (files keep their times), to change."""
    copy = copy_db(db, tmp_path / "places.db")
    out = tmp_path / "out"
    shutil.copytree(made, out)
    return copy, out


def _manifest(out):
    return json.loads((out / MANIFEST).read_text(encoding="utf-8"))


def test_the_manifest_says_what_was_made_and_resume_skips_only_what_is_current(
        places_db, partners_batch, tmp_path):
    _db, places = places_db
    made, first = partners_batch  # a local batch of 2 workers, into an empty folder
    db, out = _copy(_db, made, tmp_path)
    assert [i.status for i in first] == ["made", "made"], [i.error for i in first]
    doc = _manifest(out)
    assert doc["format"] == "hls-workbook-batch"
    entries = {e["place"]: e for e in doc["reports"]}
    assert set(entries) == set(places)
    for place, e in entries.items():
        assert e["audience"] == "partners" and (e["start"], e["end"]) == (START, END)
        assert e["status"] == "made" and e["error"] is None and e["seconds"] > 0
        assert (out / e["file"]).exists() and e["file"].startswith(place)
        assert len(e["inputs"]) == 32

    # Nothing changed: a resumed batch makes nothing and leaves the files alone.
    page = out / entries[places[0]]["file"]
    made_at = page.stat().st_mtime_ns
    again = build_batch(None, START, END, ["partners"], db=db, out=out, resume=True)
    assert [i.status for i in again] == ["skipped", "skipped"]
    assert page.stat().st_mtime_ns == made_at

    # A new record in one place: only that place's report is made again.
    with open_workbook(db) as wb:
        wb.add("learning", {"title": "A new thing we noticed", "kind_of_learning": "surprise",
                            "observation": "More people came on rainy days.",
                            "event_on": "2026-02-02"}, place=places[1])
    third = build_batch(None, START, END, ["partners"], db=db, out=out, resume=True)
    assert {i.place: i.status for i in third} == {places[0]: "skipped", places[1]: "made"}
    after = read_manifest(out)
    assert len(after) == 2
    assert after[f"{places[1]}_{START}_{END}_partners"]["inputs"] != \
        entries[places[1]]["inputs"]

    # A deleted file is made again, even with the same inputs.
    page.unlink()
    fourth = build_batch([places[0]], START, END, ["partners"], db=db, out=out, resume=True)
    assert [i.status for i in fourth] == ["made"] and page.exists()


def test_a_failed_report_is_in_the_manifest_with_its_error(places_db, tmp_path):
    db, places = places_db
    out = tmp_path / "out"
    items = build_batch([places[0], "nowhere"], START, END, ["team"], db=db, out=out,
                        workers=1)
    by_place = {i.place: i for i in items}
    assert by_place[places[0]].status == "made"
    assert by_place["nowhere"].status == "failed" and by_place["nowhere"].error
    entry = read_manifest(out)[f"nowhere_{START}_{END}_team"]
    assert entry["status"] == "failed" and entry["file"] is None
    assert "nowhere" in entry["error"]
    # A failed report is never skipped by a resume.
    again = build_batch(["nowhere"], START, END, ["team"], db=db, out=out, resume=True)
    assert again[0].status == "failed"


def test_the_same_batch_on_a_local_dask_cluster(places_db, partners_batch, tmp_path):
    pytest.importorskip("distributed")
    db, places = places_db
    _made, local = partners_batch  # the same batch made by local workers
    out = tmp_path / "dask"
    items = build_batch(None, START, END, ["partners"], db=db, out=out, workers=2,
                        dask="local")
    assert sorted((i.place, i.status) for i in items) == sorted(
        (p, "made") for p in places), [i.error for i in items]
    # Each worker sent its page back: the reports are in this folder, the same reports as
    # the local batch makes (apart from the time they were made).
    # Set aside: the time it was made, and element ids (a warm kernel numbers its charts'
    # ids on from the report before, and either worker may make either report).
    stamp = re.compile(r"Made with HLS Workbook on [^.<]*|\d{1,2}:\d{2}|"
                       r"\b(?:id|href|xlink:href|clip-path)=\"[^\"]*\"|url\(#[^)]*\)")
    for item in local:
        here = out / item.html.name
        assert here.exists()
        assert stamp.sub("", here.read_text(encoding="utf-8")) == stamp.sub(
            "", item.html.read_text(encoding="utf-8"))
    assert {e["status"] for e in _manifest(out)["reports"]} == {"made"}
    # Resumed with nothing changed: no cluster is started, nothing is made.
    again = build_batch(None, START, END, ["partners"], db=db, out=out, workers=2,
                        dask="local", resume=True)
    assert {i.status for i in again} == {"skipped"}


def test_the_batch_command_writes_the_manifest_and_resumes(places_db, tmp_path):
    db, places = places_db
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "hls_workbook.cli", "batch", "--db", str(db), "--from",
           START, "--to", END, "--place", places[0], "--out", str(out), "--workers", "1"]
    first = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert first.returncode == 0, first.stderr
    assert f"Manifest: {out / MANIFEST}" in first.stdout
    second = subprocess.run([*cmd, "--resume"], capture_output=True, text=True, timeout=300)
    assert second.returncode == 0, second.stderr
    assert "1 of 1 reports made (1 already made from the same records" in second.stdout
    bad = subprocess.run([*cmd, "--dask", "tcp://127.0.0.1:9"], capture_output=True,
                         text=True, timeout=120)
    assert bad.returncode == 1
    lines = [x for x in bad.stderr.splitlines() if x.strip()]
    assert lines[-1].startswith("Error: --dask: no Dask scheduler answered"), bad.stderr
    assert "Traceback" not in bad.stderr


@pytest.mark.slow
def test_a_dask_batch_reads_a_postgresql_workbook(pg_workbook_url, tmp_path):
    """Two Dask worker processes make the reports of a workbook on a PostgreSQL server
    (as a commissioner's shared database would be): every report made, and a resumed batch
    makes nothing again."""
    pytest.importorskip("distributed")
    with open_workbook(pg_workbook_url) as wb:
        build_demo_places(wb, 2)
        places = wb.places()
    out = tmp_path / "dask-pg"
    items = build_batch(None, START, END, ["partners"], db=pg_workbook_url, out=out,
                        workers=2, dask="local")
    assert sorted((i.place, i.status) for i in items) == sorted(
        (p, "made") for p in places), [i.error for i in items]
    for item in items:
        page = (out / item.html.name).read_text(encoding="utf-8")
        assert "For: Partners across the local system" in page
    assert {e["status"] for e in _manifest(out)["reports"]} == {"made"}
    again = build_batch(None, START, END, ["partners"], db=pg_workbook_url, out=out,
                        workers=2, dask="local", resume=True)
    assert {i.status for i in again} == {"skipped"}


def test_a_mistyped_dask_address_is_known_at_once_and_a_listening_one_is_tried():
    """A refused port or an unknown host is said in a moment (Dask's client would retry
    for its whole 15 s); an address where something listens, or one that is not plain
    TCP, is left to the client."""
    import socket

    from hls_workbook.reporting.batch import _refused

    with socket.socket() as listening:
        listening.bind(("127.0.0.1", 0))
        listening.listen()
        port = listening.getsockname()[1]
        assert _refused(f"tcp://127.0.0.1:{port}") == ""
        assert _refused(f"127.0.0.1:{port}") == ""  # Dask's default scheme
    assert "refused" in _refused(f"tcp://127.0.0.1:{port}").lower()  # closed now
    assert _refused("tcp://no-such-host.invalid:8786")
    assert _refused("tls://127.0.0.1:9") == _refused("inproc://x") == ""

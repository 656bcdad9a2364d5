"""Shared fixtures: a fresh empty workbook, and the demo place built once per test run."""

from __future__ import annotations

import copy
import fcntl
import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path
from types import MappingProxyType

import pytest

from .browser_helpers import browser  # noqa: F401 - a fixture for every test file
from .databases import copy_db
from .pg import (  # noqa: F401 - fixtures and hooks for every test file
    backend,
    backend_location,
    db_url,
    pg_server,
    pg_url,
    pg_workbook_url,
    pytest_configure,
    pytest_generate_tests,
)

os.environ.setdefault("MPLBACKEND", "Agg")

ROOT = Path(__file__).resolve().parents[1]

#: On CI (.ci/run sets HLS_REQUIRE_BROWSER=1) the browser, HTML-checker and app tests must
#: run: a skip for a missing Chromium, Java, npm tool, Playwright, Voila or the collab extra
#: (jupyter-collaboration) is a failure there, so CI cannot pass green with the browser
#: checks silently left out.
REQUIRE_BROWSER = os.environ.get("HLS_REQUIRE_BROWSER") == "1"
BROWSER_NEEDS = ("Chromium", "Java", "tools/node_modules", "playwright", "Voila",
                 "collab extra")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):  # noqa: ARG001 - pytest's hook signature
    outcome = yield
    report = outcome.get_result()
    if REQUIRE_BROWSER and report.skipped and not hasattr(report, "wasxfail"):
        reason = str(report.longrepr)
        if any(need.lower() in reason.lower() for need in BROWSER_NEEDS):
            report.outcome = "failed"
            report.longrepr = ("HLS_REQUIRE_BROWSER=1, but this browser test was skipped: "
                               f"{reason}")


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "workbook.db"


@pytest.fixture
def wb(backend: str, backend_location: str):  # noqa: F811 - fixtures from .pg
    """An empty workbook with one place, 'testville': a SQLite file at db_path; a test
    marked both_databases runs a second time on a PostgreSQL database (tests/pg.py)."""
    from hls_workbook import open_workbook

    book = open_workbook(backend_location, create=True)
    book.set_place("testville", {"name": "Testville", "shared_focus": "Fewer people alone"})
    yield book
    book.close()


def _once(factory: pytest.TempPathFactory, name: str, build: Callable[[Path], None]) -> Path:
    """A folder ``build`` fills once per test run, shared by every xdist worker (a file
    lock in the run's common temporary folder): the demo and its reports are made once,
    not once per worker. What is in it is only read."""
    base = factory.getbasetemp()
    root = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    folder = root / f"shared-{name}"
    with open(root / f"shared-{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (folder / ".done").exists():
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir()
            build(folder)
            (folder / ".done").touch()
    return folder


def _build_demo(name: str) -> Callable[[Path], None]:
    """What builds the demo into `name` in a folder (for :func:`_once`)."""
    def build(folder: Path) -> None:
        from hls_workbook import open_workbook
        from hls_workbook.demo import build_demo

        with open_workbook(folder / name, create=True) as book:
            build_demo(book)

    return build


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database holding the demo place 'millbrook' (built once; do not write to it)."""
    return _once(tmp_path_factory, "demo", _build_demo("demo.db")) / "demo.db"


@pytest.fixture(scope="session")
def demo_again(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo built a second time into a database of its own (once per run): for the
    tests that the same seed builds the same demo, against demo_db. Only read."""
    return _once(tmp_path_factory, "demo_again", _build_demo("again.db")) / "again.db"


@pytest.fixture
def demo_copy(demo_db: Path, tmp_path: Path) -> Path:
    """A copy of the demo database for this test alone (it may change it): a consistent
    copy made with SQLite's backup, demo_db itself untouched."""
    return copy_db(demo_db, tmp_path / "demo-copy.db")


@pytest.fixture
def demo_wb(demo_db: Path):
    from hls_workbook import open_workbook

    book = open_workbook(demo_db)
    yield book
    book.close()


@pytest.fixture(scope="session")
def demo_reports(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The demo place's report for each audience, built once: {audience: html path}."""
    from hls_workbook.reporting.reports import AUDIENCES, build_demo_reports

    def build(folder: Path) -> None:
        paths = build_demo_reports(demo_db, "millbrook", folder)
        (folder / "made.json").write_text(json.dumps([p.name for p in paths]))

    folder = _once(tmp_path_factory, "demo_reports", build)
    names = json.loads((folder / "made.json").read_text())
    return dict(zip(AUDIENCES, [folder / n for n in names], strict=True))


#: The period the in-process report tests read the demo place for: January to June 2026.
DEMO_PERIOD = {"start": "2026-01-01", "end": "2026-06-30"}


def _load_demo(demo_db: Path, audience: str):
    from hls_workbook.reporting.sections import Report

    return Report.load(db=str(demo_db), place="millbrook", audience=audience, **DEMO_PERIOD)


@pytest.fixture(scope="session")
def demo_pages(demo_db: Path, tmp_path_factory: pytest.TempPathFactory
               ) -> MappingProxyType[str, str]:
    """{audience: the demo place's report page for January to June 2026}, rendered
    in-process as the report notebook does (``Report.load(...).render_html()``): made once
    per test run and shared between xdist workers as files. Only read."""
    from hls_workbook.reporting.reports import AUDIENCES

    def build(folder: Path) -> None:
        for audience in AUDIENCES:
            html = _load_demo(demo_db, audience).render_html()
            (folder / f"{audience}.html").write_text(html, encoding="utf-8")

    folder = _once(tmp_path_factory, "demo_pages", build)
    # Read only: a test cannot put another page in place of one the next test reads.
    return MappingProxyType({a: (folder / f"{a}.html").read_text(encoding="utf-8")
                             for a in AUDIENCES})


@pytest.fixture(scope="session")
def _demo_loaded(demo_db: Path) -> dict[str, object]:
    """{audience: the demo's Report for January to June 2026 as loaded}, filled as asked:
    never handed to a test itself (``demo_report`` hands out copies)."""
    return {}


@pytest.fixture
def demo_report(demo_db: Path, _demo_loaded: dict[str, object]) -> Callable[[str], object]:
    """``demo_report(audience)``: the demo place's Report for January to June 2026, as
    ``Report.load`` gives it, for this test alone: a deep copy of one loaded once per
    worker (its tables, caches and chart numbering its own), so a test may change it."""
    def make(audience: str):
        if audience not in _demo_loaded:
            _demo_loaded[audience] = _load_demo(demo_db, audience)
        return copy.deepcopy(_demo_loaded[audience])

    return make

"""Shared fixtures: a fresh empty workbook, and the demo place built once per session."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

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
#: run: a skip for a missing Chromium, Java, npm tool, Playwright or Voila is a failure there,
#: so CI cannot pass green with the browser checks silently left out.
REQUIRE_BROWSER = os.environ.get("HLS_REQUIRE_BROWSER") == "1"
BROWSER_NEEDS = ("Chromium", "Java", "tools/node_modules", "playwright", "Voila")


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


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database holding the demo place 'millbrook' (built once; do not write to it)."""
    from hls_workbook import open_workbook
    from hls_workbook.demo import build_demo

    path = tmp_path_factory.mktemp("demo") / "demo.db"
    with open_workbook(path, create=True) as book:
        build_demo(book)
    return path


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

    out = tmp_path_factory.mktemp("demo_reports")
    paths = build_demo_reports(demo_db, "millbrook", out)
    return dict(zip(AUDIENCES, paths, strict=True))

"""`hls-workbook stage-page`: a stage notebook as one page to keep, made offline.

The notebook runs for real (papermill, a kernel) without widgets, and the page is checked
as a reader's browser would get it: nothing to fetch, no widget views, typed text escaped,
stories only as their consent allows.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.databases import copy_db
from tests.test_notebooks import (
    ESCAPED,
    PLACE,
    SAFEGUARDING,
    SECRET,
    VISIBLE,
    WIDGET_VIEW,
    WITHDRAWN,
    XSS,
    plant,
)


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "hls_workbook.cli", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def page(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str, Path]:
    """The learning stage's page for the demo place, with planted text; and the output."""
    tmp = tmp_path_factory.mktemp("stage-page")
    planted = copy_db(demo_db, tmp / "planted.db")
    plant(planted)
    # A relative database path, as a person types it in their working folder.
    done = _cli("stage-page", "3_learning", "--place", PLACE, "--db", "planted.db", cwd=tmp)
    assert done.returncode == 0, done.stderr
    target = tmp / "reports" / f"{PLACE}-3_learning.html"
    return target.read_text(encoding="utf-8"), done.stdout + done.stderr, tmp


@pytest.mark.notebook
def test_the_page_opens_offline_without_widgets(page):
    html, output, _tmp = page
    assert "<script" not in html.lower().replace(ESCAPED.lower(), "")
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html)
    assert WIDGET_VIEW not in html and "require.js" not in html and "mathjax" not in html.lower()
    # A person's terminal gets two plain lines, no kernel warnings.
    assert "WARNING" not in output and "Traceback" not in output
    assert "Do not forward it" in output


@pytest.mark.notebook
def test_the_page_holds_the_summaries_and_the_questions(page):
    html, _output, _tmp = page
    assert "For: Our team" in html and "Millbrook" in html
    assert "So far" in html  # what is recorded, worked out from the workbook
    assert "(required)" in html  # each form's questions, as text
    # Every section of the stage is in the contents list and on the page.
    assert "What we learned: breakthroughs and disappointments" in html


@pytest.mark.notebook
def test_typed_text_is_escaped_and_stories_follow_consent(page):
    html, _output, _tmp = page
    assert XSS not in html and ESCAPED in html
    assert VISIBLE in html  # the team may read this one
    for hidden in (SECRET, WITHDRAWN, SAFEGUARDING):
        assert hidden not in html


def test_an_unknown_place_or_notebook_is_one_plain_line(demo_db: Path, tmp_path: Path):
    db = copy_db(demo_db, tmp_path / "w.db")
    done = _cli("stage-page", "3_learning", "--place", "milbrook", "--db", str(db),
                cwd=tmp_path)
    assert done.returncode != 0
    assert "There is no place called 'milbrook'" in done.stderr and PLACE in done.stderr
    assert "Traceback" not in done.stderr
    done = _cli("stage-page", "9_nothing", "--place", PLACE, "--db", str(db), cwd=tmp_path)
    assert done.returncode != 0 and "1_getting_started" in done.stderr
    done = _cli("stage-page", "report", "--place", PLACE, "--db", str(db), cwd=tmp_path)
    assert done.returncode != 0 and "not a stage notebook" in done.stderr
    assert not (tmp_path / "reports").exists()  # nothing half-made


def test_a_missing_database_is_refused_without_making_one(tmp_path: Path):
    done = _cli("stage-page", "3_learning", "--place", PLACE, "--db", "nowhere.db",
                cwd=tmp_path)
    assert done.returncode != 0 and "Traceback" not in done.stderr
    assert not (tmp_path / "nowhere.db").exists()

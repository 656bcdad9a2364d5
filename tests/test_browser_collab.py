"""One notebook, two people, collaboration on (issue 15), in a real browser.

JupyterLab with jupyter-collaboration (the `collab` extra) serves a one-form notebook that
has been trusted for the server's user (`jupyter trust`; docs/collaboration.md). Page A
runs its cells; page B, another browser context on the same notebook, shows the same live
form without running anything. A saves a pulse answer; B sees the confirmation and the
count in the list beside the form go up, and the workbook holds the one answer.
"""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from .browser_forms import choose, form, nudge_score, submit, type_text, wait_saved
from .browser_helpers import open_page
from .test_browser_lab import (
    SCORE,
    _options,
    lab_env,
    open_notebook,
    records,
    run_all,
    start_lab,
)

pytestmark = [pytest.mark.browser, pytest.mark.timeout(300)]
NOTEBOOK = "pulse_a.ipynb"


@pytest.fixture(scope="module")
def shared_lab(tmp_path_factory: pytest.TempPathFactory):
    pytest.importorskip("jupyter_collaboration", reason="the collab extra is not installed")
    tmp = tmp_path_factory.mktemp("collab")
    lab = start_lab(tmp, collaborative=True)
    base, token, root, db = next(lab)
    trusted = subprocess.run([sys.executable, "-m", "jupyter", "trust", str(root / NOTEBOOK)],
                             env=lab_env(tmp, db), capture_output=True, text=True,
                             check=False)
    assert trusted.returncode == 0, trusted.stderr
    yield base, token, root, db
    lab.close()


def test_two_pages_on_one_notebook_share_its_form_and_see_a_save(browser, shared_lab):
    from playwright.sync_api import expect

    pages = []
    try:
        for person in ("a", "b"):
            pages.append(open_page(browser, width=1200))
            open_notebook(pages[-1], shared_lab, NOTEBOOK, workspace=f"collab-{person}")
        a, b = pages
        run_all(a, runs_on_open=False)  # only A runs the cells
        fa, fb = form(a, "New pulse answer"), form(b, "New pulse answer")
        # B ran nothing: the form it shows is A's, drawn from the shared notebook.
        expect(fb.locator("button", has_text="Submit")).to_be_visible(timeout=30_000)
        choose(fa, "Statement", _options(fa, "Statement")[0])
        choose(fa, "Your part of the system", "Charity")
        type_text(fa, "Round", "2026-Q1")
        nudge_score(fa, SCORE, 1)
        submit(fa)
        saved = wait_saved(fa)
        assert wait_saved(fb) == saved  # B sees A's save at once: one shared form
        # ... and the list beside it counts the new answer (pulse answers are anonymous,
        # so the list gives their number, not the rows).
        expect(fb.get_by_text(re.compile(r"\b1 pulse answer saved"))).to_be_visible()
    finally:
        for page in pages:
            page.context.close()
    assert len(records(shared_lab[3], "pulse")) == 1

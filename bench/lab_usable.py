"""How soon a stage notebook opened in JupyterLab has a usable form, in Chromium.

Starts JupyterLab on 127.0.0.1 (as tests/test_browser_lab.py does: its own settings, the
package's extension that runs a stage notebook when it is opened, a copy of the database),
then, for each repetition, opens ``1_getting_started.ipynb`` in a new browser context and
a fresh workspace, with no kernel running for it, and measures from navigation to the
first form ready (its Submit or Save changes button drawn), with no Run All. The
notebook's kernel is shut down after each repetition, so every one starts its own.
Prints JSON: the times in seconds, and their median.

    python bench/lab_usable.py --db data/demo.db --reps 3
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

NOTEBOOK = "1_getting_started.ipynb"
#: A form is ready when its primary button (Submit, or Save changes) is drawn.
FIRST_FORM = ".jp-NotebookPanel:not(.lm-mod-hidden) .widget-button.mod-primary"


def _sessions(base: str, token: str) -> list[dict]:
    with urllib.request.urlopen(f"{base}/api/sessions?token={token}", timeout=10) as r:
        return json.load(r)


def _stop_kernels(base: str, token: str) -> None:
    """Shut down every notebook's kernel, so the next opening starts one of its own."""
    for session in _sessions(base, token):
        request = urllib.request.Request(
            f"{base}/api/sessions/{session['id']}?token={token}", method="DELETE")
        urllib.request.urlopen(request, timeout=30).close()
    end = time.monotonic() + 30
    while _sessions(base, token) and time.monotonic() < end:
        time.sleep(0.2)


def _open(browser, base: str, token: str, rep: int) -> float:
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="en-GB")
    context.set_default_timeout(180_000)
    page = context.new_page()
    began = time.perf_counter()
    page.goto(f"{base}/lab/workspaces/bench-{rep}/tree/{NOTEBOOK}?token={token}&reset")
    select = page.locator(".jp-Dialog button", has_text="Select")
    ready = page.locator(FIRST_FORM).first
    select.or_(ready).first.wait_for(state="attached")
    if select.count():  # JupyterLab asked which kernel to start: answered at once
        select.first.click()
    ready.wait_for(state="attached")
    usable = time.perf_counter() - began
    context.close()
    return usable


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True)
    parser.add_argument("--reps", type=int, default=3)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    from tests.browser_helpers import CHROMIUM_ARGS, chromium
    from tests.test_browser_lab import start_lab

    with tempfile.TemporaryDirectory(prefix="hls-bench-lab-") as folder:
        lab = start_lab(Path(folder))
        base, token, _root, db = next(lab)
        try:
            shutil.copyfile(args.db, db)  # the demo's records, as a team would have
            times = []
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=chromium(), args=CHROMIUM_ARGS,
                                            headless=True)
                _open(browser, base, token, 0)  # the server and its files are warm
                _stop_kernels(base, token)
                for rep in range(1, args.reps + 1):
                    times.append(_open(browser, base, token, rep))
                    _stop_kernels(base, token)
                browser.close()
        finally:
            lab.close()
    print(json.dumps({"usable_s": times, "usable_median_s": statistics.median(times)}))


if __name__ == "__main__":
    main()

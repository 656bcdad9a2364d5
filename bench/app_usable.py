"""How soon a participant's page of the app is usable on a warm server, in Chromium.

Starts ``hls-workbook app 1_getting_started`` on a copy of the database (Voilà with its
preheated kernels), opens the page once so the server is warm, then, for each repetition,
opens the page in a new browser context (a new participant: a new kernel) and measures
from navigation to:

- the first form ready: the primary button (Submit, or Save changes where the form opens
  a saved record, as the demo's place does) of the first section drawn; this is "usable";
- the "Who are you here?" list;
- every section built (the app builds the sections after the first as their pages are
  asked for, and the rest in the background: no "Show this section" button left).

Each repetition waits for the pool to warm the next kernel first, as a room of people
arriving a few seconds apart would. Prints JSON: the times in seconds, and their medians.

    python bench/app_usable.py --db data/demo.db --reps 5
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait(url: str, proc: subprocess.Popen, timeout: float = 120) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if proc.poll() is not None:
            raise SystemExit("the app stopped before it answered")
        try:
            with urllib.request.urlopen(url, timeout=60):
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit("the app did not answer")


#: The first section's form is ready when its primary button is drawn.
FIRST_FORM = ".hls-section .widget-button.mod-primary"
#: A section the app has not built yet.
NOT_BUILT = "button.hls-open"


def _open(browser, url: str) -> tuple[float, float, float]:
    """(first form ready, chooser, every section built), in seconds from navigation."""
    context = browser.new_context(viewport={"width": 390, "height": 844})
    context.set_default_timeout(120_000)
    page = context.new_page()
    began = time.perf_counter()
    page.goto(url)
    page.locator(FIRST_FORM).first.wait_for(state="attached")
    form = time.perf_counter() - began
    page.locator(".hls-chooser select").first.wait_for()
    chooser = time.perf_counter() - began
    page.wait_for_function(
        f"document.querySelector('.hls-section') && !document.querySelector('{NOT_BUILT}')",
        polling=50)
    every = time.perf_counter() - began
    context.close()
    return form, chooser, every


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True)
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--gap", type=float, default=8.0,
                        help="seconds between participants (the pool warms a kernel)")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    from tests.browser_helpers import CHROMIUM_ARGS, chromium

    with tempfile.TemporaryDirectory(prefix="hls-bench-app-") as folder:
        db = Path(folder) / "app.db"
        shutil.copyfile(args.db, db)
        port = _free_port()
        env = {k: v for k, v in os.environ.items() if not k.startswith("HLS_WORKBOOK_")}
        env["JUPYTER_RUNTIME_DIR"] = str(Path(folder) / "runtime")
        proc = subprocess.Popen(
            [sys.executable, "-m", "hls_workbook.cli", "app", "1_getting_started", "--db",
             str(db), "--place", "millbrook", "--port", str(port)], env=env, cwd=folder,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        url = f"http://127.0.0.1:{port}/"
        try:
            _wait(url, proc)
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=chromium(), args=CHROMIUM_ARGS,
                                            headless=True)
                _open(browser, url)  # the server is warm
                forms, choosers, everys = [], [], []
                for _ in range(args.reps):
                    time.sleep(args.gap)
                    form, chooser, every = _open(browser, url)
                    forms.append(form)
                    choosers.append(chooser)
                    everys.append(every)
                browser.close()
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
    print(json.dumps({"form_s": forms, "chooser_s": choosers, "every_section_s": everys,
                      "form_median_s": statistics.median(forms),
                      "chooser_median_s": statistics.median(choosers),
                      "every_section_median_s": statistics.median(everys)}))


if __name__ == "__main__":
    main()

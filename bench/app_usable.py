"""How soon a participant's page of the app is usable on a warm server, in Chromium.

Starts ``hls-workbook app 1_getting_started`` on a copy of the database (Voilà with its
preheated kernels), opens the page once so the server is warm, then, for each repetition,
opens the page in a new browser context (a new participant: a new kernel) and measures
from navigation to the first Submit button drawn, and to the "Who are you here?" list.
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


def _open(browser, url: str) -> tuple[float, float]:
    context = browser.new_context(viewport={"width": 390, "height": 844})
    context.set_default_timeout(120_000)
    page = context.new_page()
    began = time.perf_counter()
    page.goto(url)
    page.locator(".widget-button", has_text="Submit").first.wait_for(state="attached")
    submit = time.perf_counter() - began
    page.locator(".hls-chooser select").first.wait_for()
    chooser = time.perf_counter() - began
    context.close()
    return submit, chooser


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
                submits, choosers = [], []
                for _ in range(args.reps):
                    time.sleep(args.gap)
                    submit, chooser = _open(browser, url)
                    submits.append(submit)
                    choosers.append(chooser)
                browser.close()
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
    print(json.dumps({"submit_s": submits, "chooser_s": choosers,
                      "submit_median_s": statistics.median(submits),
                      "chooser_median_s": statistics.median(choosers)}))


if __name__ == "__main__":
    main()

"""Shared helpers for the tests that drive a real browser or a real server.

Only the machine's own Chromium is used (never a downloaded one), always with flags that stop
it from reaching the network; servers listen on 127.0.0.1 only. A test that needs something
missing here is skipped with a sentence saying what to install.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TOOLS = ROOT / "tools" / "node_modules"
AXE_JS = TOOLS / "axe-core" / "axe.min.js"
VNU_JAR = TOOLS / "vnu-jar" / "build" / "dist" / "vnu.jar"
#: Screenshots for a person to look at (git-ignored).
ARTIFACTS = ROOT / "tests" / "_artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"

#: Chromium, kept off the network: no background requests, updates or sync.
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-extensions",
    "--disable-default-apps", "--mute-audio",
]


def chromium() -> str | None:
    """The machine's Chromium: $HLS_WORKBOOK_CHROMIUM, else chromium on PATH."""
    given = os.environ.get("HLS_WORKBOOK_CHROMIUM")
    if given:
        return given if Path(given).exists() else None
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    return None


def need_chromium() -> str:
    path = chromium()
    if path is None:
        pytest.skip("needs Debian's Chromium (apt-get install chromium, or run "
                    "'bash scripts/system-deps'); Playwright's own browser is never downloaded")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        pytest.skip("needs the playwright Python package (pip install -e '.[dev]')")
    return path


def need_tool(path: Path, what: str) -> Path:
    if not path.exists():
        pytest.skip(f"needs {what} in tools/node_modules: run 'bash scripts/system-deps' "
                    "(npm ci --prefix tools --ignore-scripts)")
    return path


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """One headless Chromium per test module (the system's, never a downloaded one).

    Module scope, not session: each module imports this fixture, and Playwright's sync API
    allows one running instance per thread, so each must stop before the next starts."""
    path = need_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=path, args=CHROMIUM_ARGS, headless=True)
        try:
            yield b
        finally:
            b.close()


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for_http(url: str, proc: subprocess.Popen, *, timeout: float = 60.0,
                  log: Path | None = None) -> None:
    """Wait until `url` answers (any HTTP status), or fail with the server's own log."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            break
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except urllib.error.HTTPError:
            return
        except (urllib.error.URLError, OSError):
            time.sleep(0.25)
    text = log.read_text(errors="replace")[-4000:] if log and log.exists() else ""
    pytest.fail(f"the server at {url} did not start:\n{text}")


def stop(proc: subprocess.Popen) -> None:
    """Stop a server we started (its whole process group), politely first."""
    if proc.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)  # Jupyter and Voila shut their kernels down
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=5)

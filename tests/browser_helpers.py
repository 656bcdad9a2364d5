"""Shared helpers for the tests that drive a real browser or a real server.

Only the machine's own Chromium is used (never a downloaded one), always with flags that stop
it from reaching the network; servers listen on 127.0.0.1 only. A test that needs something
missing here is skipped with a sentence saying what to install.

What every such test sets up the same way is here: the ``browser`` fixture (registered for
every test module by conftest.py), a reader's page that records any request leaving the
machine (:func:`open_page`, :func:`assert_stayed_local`), a workbook holding the place the
servers show (:func:`workbook_with_place`), and a server started, waited for and stopped
(:func:`server_env`, :func:`running`). What a test file starts (JupyterLab, the app) and
how it finds its widgets stays in that file, and in browser_forms.py.
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
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

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


#: The place every served workbook holds (:func:`workbook_with_place`).
PLACE = "millbrook"
#: Where a page may fetch from: this machine, and what it made itself.
LOCAL = ("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:")


def open_page(browser: Any, outside: list[str] | None = None, *, width: int = 1280,
              height: int = 900, **context: Any) -> Any:
    """A reader's page in a new browser context (British English, a minute to wait for
    anything), every request it makes outside this machine added to ``outside``.
    ``context``: more of Playwright's context options (``is_mobile``, ``has_touch``).
    Close it with ``page.context.close()``."""
    made = browser.new_context(viewport={"width": width, "height": height}, locale="en-GB",
                               **context)
    made.set_default_timeout(60_000)
    page = made.new_page()
    if outside is not None:
        page.on("request", lambda r: None if r.url.startswith(LOCAL) else outside.append(r.url))
    return page


def assert_stayed_local(outside: list[str]) -> None:
    """No page asked anything of the internet (the requests :func:`open_page` recorded)."""
    assert not outside, f"the page asked the internet for: {outside[:5]}"


def workbook_with_place(db: Path, fill: Callable[[Any], None] | None = None) -> Path:
    """A new workbook at ``db`` holding :data:`PLACE`, as a team that has described its
    place has; ``fill(wb)`` adds what a test needs besides."""
    from hls_workbook import open_workbook

    with open_workbook(db, create=True) as wb:
        wb.set_place(PLACE, {"name": "Millbrook", "shared_focus": "Nobody alone"})
        if fill is not None:
            fill(wb)
    return db


def server_env(**extra: str) -> dict[str, str]:
    """A server's environment: this one without the workbook's own variables (a server
    is told its workbook, never inherits one), charts drawn off screen, and ``extra``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("HLS_WORKBOOK_")}
    env.update({"MPLBACKEND": "Agg", **extra})
    return env


@contextlib.contextmanager
def running(cmd: list[str], *, env: dict[str, str], cwd: Path, url: str, log: Path,
            timeout: float = 60.0) -> Iterator[subprocess.Popen]:
    """Start a server (``cmd``, in a process group of its own, its output in ``log``),
    wait until ``url`` answers, and stop it, whatever happens, when the block ends."""
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)
    try:
        wait_for_http(url, proc, timeout=timeout, log=log)
        yield proc
    finally:
        stop(proc)

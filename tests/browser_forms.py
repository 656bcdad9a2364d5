"""Filling in the workbook's ipywidgets forms from Playwright, as a person would.

The same helpers drive JupyterLab and Voila: a form is found by its heading ("New partner"),
a question by its bold label ("Part of the system"), and the controls are the plain HTML
that ipywidgets draws (input, textarea, select, a slider handle).
"""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

#: The confirmation: "Saved partner #3. Thank you." or, for a pulse round, "Saved 2 answers."
SAVED = re.compile(r"Saved (?:.* #(\d+)|(\d+) answers?)\. Thank you\.")


def _xpath_text(text: str) -> str:
    """An XPath string literal for any text (XPath 1.0 has no escapes)."""
    if '"' not in text:
        return f'"{text}"'
    if "'" not in text:
        return f"'{text}'"
    parts = text.split('"')
    return "concat(" + ", '\"', ".join(f'"{p}"' for p in parts) + ")"


def form(page: Any, heading: str) -> Any:
    """The form whose heading is `heading`, e.g. 'New partner'."""
    h = _xpath_text(heading)
    return page.locator(
        "xpath=//div[contains(@class,'widget-vbox')]"
        f"[./div[contains(@class,'widget-html')]//h4[normalize-space(.)={h}]]"
    ).first


def field(scope: Any, label: str) -> Any:
    """One question of a form: the box holding its label, its control and its message."""
    lab = _xpath_text(label)
    return scope.locator(
        "xpath=.//div[contains(@class,'widget-vbox')]"
        f"[./div[contains(@class,'widget-html')]//b[normalize-space(.)={lab}]]"
    ).first


def type_text(scope: Any, label: str, text: str) -> None:
    box = field(scope, label).locator("input[type=text], textarea").first
    box.fill(text)
    box.press("Tab")  # a textarea sends its value when it loses focus


def choose(scope: Any, label: str, option: str) -> None:
    field(scope, label).locator("select").first.select_option(label=option)


def pick_date(scope: Any, label: str, iso_date: str) -> None:
    box = field(scope, label).locator("input[type=date]").first
    box.fill(iso_date)
    box.press("Tab")


def nudge_score(scope: Any, label: str, steps: int) -> None:
    """Move a 0-10 slider with the keyboard, as someone without a mouse would."""
    handle = field(scope, label).locator(".noUi-handle").first
    handle.focus()
    key = "ArrowRight" if steps > 0 else "ArrowLeft"
    for _ in range(abs(steps)):
        handle.press(key)


def submit(scope: Any) -> None:
    scope.locator("button", has_text=re.compile(r"^\s*(Submit|Save changes)\s*$")).first.click()


def wait_saved(scope: Any, timeout: float = 30_000) -> int:
    """Wait for the form's confirmation; return the saved record's id (or, for a form
    that saves several answers at once, how many it saved)."""
    note = scope.locator("b", has_text=SAVED).first
    note.wait_for(timeout=timeout)
    found = SAVED.search(note.inner_text())
    return int(found.group(1) or found.group(2))


def wait_saved_after(scope: Any, last: int, timeout: float = 30.0) -> int:
    """Wait for a confirmation newer than record `last` (the form is ready for more then:
    its answers are cleared only after the save, so typing earlier could be wiped)."""
    deadline = time.monotonic() + timeout
    rid = last
    while time.monotonic() < deadline:
        for text in scope.locator("b", has_text=SAVED).all_inner_texts():
            found = SAVED.search(text)
            if found and found.group(1):
                rid = max(rid, int(found.group(1)))
        if rid > last:
            return rid
        time.sleep(0.1)
    raise AssertionError(f"no new confirmation after #{last} within {timeout:.0f} s")


def message_beside(scope: Any, label: str, timeout: float = 30_000) -> str:
    """The problem shown under one question (waits for it to appear)."""
    msg = field(scope, label).locator("text=⚠").first
    msg.wait_for(timeout=timeout)
    return msg.inner_text()


def full_screenshot(page: Any, path: Path, *, scroller: str | None = None,
                    limit: int = 12_000) -> None:
    """A screenshot of everything, even inside a scrolling panel: the window is made tall
    enough to show it all (up to `limit` pixels), then put back."""
    path.parent.mkdir(parents=True, exist_ok=True)
    size = page.viewport_size
    height = page.evaluate(
        "(sel) => { const el = sel ? document.querySelector(sel) : null;"
        " if (el) { el.scrollTop = 0; }"
        " const inner = el ? el.scrollHeight : 0;"
        " return Math.max(inner + 120, document.documentElement.scrollHeight); }", scroller)
    page.set_viewport_size({"width": size["width"], "height": min(int(height), limit)})
    time.sleep(0.5)
    if scroller:
        page.evaluate("(sel) => { const el = document.querySelector(sel);"
                      " if (el) { el.scrollTop = 0; } }", scroller)
    page.screenshot(path=str(path))
    page.set_viewport_size(size)

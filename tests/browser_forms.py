"""Filling in the workbook's ipywidgets forms from Playwright, as a person would.

The same helpers drive JupyterLab and Voila: a form is found by its heading ("New partner"),
an input by its accessible name, which is its question ("Part of the system"), as a screen
reader finds it; a question's label by its bold text, its control and its message just
after it. The controls are the plain HTML that ipywidgets draws (input, textarea, select, a
slider handle).
"""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

#: The confirmation: "Saved partner #3. Thank you.", "Saved story #4. Who may read it: Our
#: team. [...] Thank you." (a story repeats its consent) or "Saved 2 answers. Thank you."
SAVED = re.compile(r"Saved (?:[^#]* #(\d+)|(\d+) answers?)\..*Thank you\.")


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


def reveal(page: Any, target: Any) -> Any:
    """Bring ``target`` (a locator) into view in the app, as a participant would: the app
    shows one section at a time, so press the contents bar's entry for the page holding
    it. Outside the app (JupyterLab) it is visible already. Returns ``target``."""
    target.wait_for(state="attached")
    if not target.is_visible():
        index = target.evaluate("el => el.closest('[data-hls-page]').dataset.hlsPage")
        page.locator(f'#hls-walk button[data-page="{index}"]').click()
    target.wait_for()
    return target


def walk_to(page: Any, title: str) -> None:
    """Press the app's contents bar entry whose title starts with ``title``."""
    page.locator("#hls-walk button.hls-page-link", has_text=title).first.click()


def field(scope: Any, label: str) -> Any:
    """One question of a form: its label and help (the control and the message follow)."""
    lab = _xpath_text(label)
    return scope.locator(
        f"xpath=.//div[contains(@class,'widget-html')][.//b[normalize-space(.)={lab}]]"
    ).first


def control(scope: Any, label: str) -> Any:
    """The widget that answers a question (just after its label)."""
    return field(scope, label).locator("xpath=following-sibling::div[1]")


def named(scope: Any, label: str) -> Any:
    """The one input whose accessible name is `label` (its question)."""
    return scope.get_by_label(label, exact=True)


def type_text(scope: Any, label: str, text: str) -> None:
    box = named(scope, label)
    box.fill(text)
    box.press("Tab")  # a textarea sends its value when it loses focus


def choose(scope: Any, label: str, option: str) -> None:
    named(scope, label).select_option(label=option)


def pick_date(scope: Any, label: str, iso_date: str) -> None:
    box = named(scope, label)
    box.fill(iso_date)
    box.press("Tab")


def nudge_score(scope: Any, label: str, steps: int) -> None:
    """Move a 0-10 slider with the keyboard, as someone without a mouse would."""
    handle = control(scope, label).locator(".noUi-handle").first
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
    msg = field(scope, label).locator(
        "xpath=following-sibling::div[position() <= 2][contains(., '⚠')]").first
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


# ---------------------------------------------------------------------------
# Accessible names: every input is named by its question
# ---------------------------------------------------------------------------

#: Widget kinds whose one input (input, textarea or select) is named by the question.
NAMED_BY_QUESTION = {"text", "period", "tags", "number", "integer", "long_text", "date",
                     "choice", "link"}


def forms_of(page: Any, kind: str) -> list[Any]:
    """Every form on the page for a record kind: 'New partner', or 'Changing place #1 ...'."""
    from hls_workbook.ui.forms import noun

    what = noun(kind)
    heads = " or ".join(f"starts-with(normalize-space(.), {_xpath_text(h)})"
                        for h in (f"New {what}", f"Changing {what} #"))
    return page.locator(
        "xpath=//div[contains(@class,'widget-vbox')]"
        f"[./div[contains(@class,'widget-html')]//h4[{heads}]]"
    ).all()


def open_folded_questions(page: Any) -> None:
    """Open every "More questions" fold, so that its inputs are in the page to be read."""
    for header in page.locator(".jupyter-widget-Collapse-header",
                               has_text="More questions").all():
        header.click()


def assert_inputs_named(page: Any, stage: str) -> int:
    """Every question of every form of a stage notebook is the accessible name of its
    input, checked with the browser's own accessibility tree (Playwright's
    to_have_accessible_name): a text box, text area, date or drop-down by the question; a
    tick box by the question beside it or by its choice; a count by its part of the system.
    Returns how many inputs were checked.

    A 0-10 score is named through the number box beside its slider: ipywidgets 8 gives a
    slider's handle no accessible name (its description is not tied to the handle), so
    the handle itself is left out here and from :func:`axe_unnamed`.
    """
    from playwright.sync_api import expect

    from hls_workbook.domain.model import model_for
    from hls_workbook.ui import stages

    open_folded_questions(page)
    checked = 0
    for spec in stages.sections_for(stage):
        if spec.kind is None:
            continue
        if spec.key == "check":  # a section of its own making: "Check before sharing"
            checked += check_inputs_named(page)
            continue
        model = model_for(spec.kind)
        found = forms_of(page, model.kind)
        assert found, f"no form for {model.kind} in {stage}"
        for f in found:
            for meta in model.fields_meta():
                if meta.editing_only:  # asked only when changing a saved record: hidden
                    continue
                if meta.widget in NAMED_BY_QUESTION:
                    targets = [(named(f, meta.label), meta.label)]
                elif meta.widget == "flag":
                    targets = [(f.get_by_role("checkbox", name=meta.label, exact=True),
                                meta.label)]
                elif meta.widget == "counts":
                    targets = [(f.get_by_role("spinbutton", name=label, exact=True), label)
                               for label in (meta.choices or {}).values()]
                elif meta.widget == "multi_choice":
                    targets = [(f.get_by_role("checkbox", name=label, exact=True).first, label)
                               for label in (meta.choices or {}).values()]
                elif meta.widget == "score":  # the number box beside the slider
                    targets = [(f.get_by_role("spinbutton", name=meta.label, exact=True),
                                meta.label)]
                elif meta.widget == "yes_partly_no":
                    targets = [(f.get_by_role("button", name=label, exact=True).first, label)
                               for label in (meta.choices or {}).values()]
                else:  # links (one tick box per record)
                    continue
                for target, name in targets:
                    expect(target).to_have_count(1)
                    expect(target).to_have_accessible_name(name)
                    checked += 1
    return checked


#: The inputs of the "Check before sharing" section, each named by its question.
CHECK_INPUTS = ("Who will read it", "First day of the period", "Last day of the period",
                "Who is checking")


def check_section(page: Any) -> Any:
    """The "Check before sharing" section, once its list of waiting pieces is drawn."""
    section = page.locator(".hls-check").first
    section.scroll_into_view_if_needed()
    section.locator(".hls-check-count, .hls-check-problem").first.wait_for(timeout=60_000)
    return section


def check_inputs_named(page: Any) -> int:
    """The check section's inputs, and the box of each piece being reworded, are named by
    their questions. Returns how many were checked."""
    from playwright.sync_api import expect

    section = check_section(page)
    for label in CHECK_INPUTS:
        target = named(section, label)
        expect(target).to_have_count(1)
        expect(target).to_have_accessible_name(label)
    return len(CHECK_INPUTS)


#: The count line of the check section: "3 pieces of text wait for a check ..."
WAITING = re.compile(r"(\d+) pieces? of text waits? for a check|Nothing waits for a check")


def waiting_count(section: Any) -> int:
    """How many pieces the check section says wait for a check."""
    text = section.locator(".hls-check-count").first.inner_text()
    found = WAITING.search(text)
    assert found, f"no count of waiting pieces in: {text!r}"
    return int(found.group(1) or 0)


def wait_waiting(section: Any, expected: int, timeout: float = 30.0) -> None:
    """Wait until the check section says `expected` pieces wait."""
    deadline = time.monotonic() + timeout
    while (count := waiting_count(section)) != expected and time.monotonic() < deadline:
        time.sleep(0.1)
    assert count == expected, f"{count} pieces wait, expected {expected}"


def find_marked(section: Any, text: str, timeout: float = 60.0) -> None:
    """Turn the check section's pages (Next) until `text` is shown marked as a suspected
    personal detail."""
    deadline = time.monotonic() + timeout
    mark = section.locator("mark.hls-detail", has_text=text)
    nxt = section.get_by_role("button", name="Next", exact=True)
    note = ""
    while time.monotonic() < deadline:
        if mark.count():
            return
        shown = section.locator(".widget-html-content", has_text="Showing ").all_inner_texts()
        if nxt.is_visible() and nxt.is_enabled() and shown and shown[0] != note:
            note = shown[0]
            nxt.click()
        time.sleep(0.2)
    raise AssertionError(
        f"'{text}' is not marked as a suspected detail on any page; the section says "
        f"{section.locator('.hls-check-count').all_inner_texts()}, shows "
        f"{section.locator('h5').all_inner_texts()} and "
        f"{section.locator('.widget-html-content', has_text='Showing ').all_inner_texts()}")


def clear_one_and_reword_one(page: Any, checker: str, wording: str) -> tuple[int, str, str]:
    """In the check section: say who is checking, clear the first piece waiting as
    written, then put the next in other words, as a person would. Returns the count of
    waiting pieces before, and the records (with questions) of the two pieces."""
    from playwright.sync_api import expect

    section = check_section(page)
    before = waiting_count(section)
    assert before >= 2, f"only {before} pieces wait for a check"
    section.locator("mark.hls-detail").first.wait_for()  # a suspected detail is marked
    who = named(section, "Who is checking")
    who.fill(checker)
    who.press("Tab")
    items = section.locator(".hls-check-item")
    first = items.nth(0)
    cleared = first.locator("h5").inner_text()
    first.get_by_role("button", name="Clear it as written", exact=True).click()
    section.locator("b", has_text="Saved: cleared for").first.wait_for()
    wait_waiting(section, before - 1)
    second = items.nth(0)
    reworded = second.locator("h5").inner_text()
    assert reworded != cleared or before > 2
    second.get_by_role("button", name="Share it in other words", exact=True).click()
    box = second.get_by_role("textbox")
    expect(box).to_be_visible()
    name = box.evaluate("(el) => el.labels && el.labels.length ? el.labels[0].textContent : ''")
    assert name.startswith("Wording for sharing: "), name
    expect(box).to_have_accessible_name(name)
    box.fill(wording)
    box.press("Tab")
    second.get_by_role("button", name="Save this wording", exact=True).click()
    section.locator("b", has_text="will read your wording instead").first.wait_for()
    wait_waiting(section, before - 2)
    return before, cleared, reworded


#: axe-core rules about names: inputs, drop-downs, buttons, ARIA inputs.
NAME_RULES = ["label", "select-name", "button-name", "aria-input-field-name",
              "label-title-only"]


def axe_unnamed(page: Any, axe_js: Any) -> list[str]:
    """axe-core's naming rules over the notebook's outputs (the forms), sliders left out:
    one line per violation, none when every input, drop-down and button is named."""
    page.add_script_tag(path=str(axe_js))
    result = page.evaluate(
        """async (rules) => await axe.run(
               {include: [['.jp-OutputArea-output']], exclude: [['.noUi-handle']]},
               {runOnly: {type: 'rule', values: rules}})""",
        NAME_RULES)
    labelled = sum(len(r["nodes"]) for r in result["passes"] if r["id"] == "label")
    assert labelled >= 10, f"axe found only {labelled} named inputs to check: wrong page?"
    return [f"{v['id']}: {node['target']} {node.get('failureSummary', '')[:160]}"
            for v in result["violations"] for node in v["nodes"]]

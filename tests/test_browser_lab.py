"""JupyterLab end to end, in a real browser (the machine's Chromium, driven by Playwright).

A JupyterLab server starts on 127.0.0.1 with a token, in a temporary folder holding copies of
the stage notebooks and a temporary workbook (HLS_WORKBOOK_DB). For each stage notebook the
test runs every cell from the Run menu, fills in a form as a person would (text, a choice, a
date and, in stage 4, a 0-10 score moved with the keyboard), presses Submit, sees the
confirmation and finds the record in the database. Then it submits a bad value and finds the
message beside the field. Two pages saving into the same workbook at once lose nothing.

Screenshots of each notebook go to tests/_artifacts/screenshots/ for a person to look at.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import secrets
import shutil
import sys
import time
import urllib.request
import warnings
from pathlib import Path

import nbformat
import pytest

from hls_workbook.config import templates_dir

from .browser_forms import (
    assert_inputs_named,
    axe_unnamed,
    check_section,
    choose,
    clear_one_and_reword_one,
    field,
    find_marked,
    form,
    full_screenshot,
    message_beside,
    named,
    nudge_score,
    pick_date,
    submit,
    type_text,
    wait_saved,
    wait_saved_after,
)
from .browser_helpers import (
    AXE_JS,
    PLACE,
    ROOT,
    SCREENSHOTS,
    assert_stayed_local,
    free_port,
    open_page,
    running,
    server_env,
    workbook_with_place,
)

pytestmark = [pytest.mark.browser, pytest.mark.timeout(300)]
SCORE = "Score (0 = not at all, 10 = completely)"
STAGES = ("1_getting_started", "2_experimentation", "3_learning",
          "4_relationships_and_support")
#: JupyterLab settings for a quiet, offline test run: no news or update checks, every cell
#: kept in the page (no windowed rendering) so the whole notebook can be seen, and the
#: notebook's own kernel started without asking (JupyterLab 4.6 otherwise asks once).
LAB_SETTINGS = {
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings":
        {"fetchNews": "false", "checkForUpdates": False},
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings":
        {"windowingMode": "none", "autoStartDefaultKernel": True},
}


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory):
    """A JupyterLab server on 127.0.0.1: yields (base url, token, root folder, database)."""
    yield from start_lab(tmp_path_factory.mktemp("lab"))


def start_lab(tmp: Path, *, collaborative: bool = False):
    """Start JupyterLab in ``tmp`` (the stage notebooks and two one-form notebooks in
    ``tmp/work``, a workbook holding the place), yield (base url, token, root folder,
    database), stop it. Real-time collaboration is off unless ``collaborative`` (it is
    on by itself wherever jupyter-collaboration is installed)."""
    root = tmp / "work"
    root.mkdir()
    for stem in STAGES:
        shutil.copy(ROOT / "notebooks" / f"{stem}.ipynb", root / f"{stem}.ipynb")
    _write_form_notebook(root / "pulse_a.ipynb")
    _write_form_notebook(root / "pulse_b.ipynb")
    db = workbook_with_place(tmp / "workbook.db")  # the team has described its place
    settings = tmp / "settings"
    for rel, value in LAB_SETTINGS.items():
        path = settings / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(value))
    port = free_port()
    token = secrets.token_hex(16)
    cmd = [
        sys.executable, "-m", "jupyterlab",
        "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}",
        "--ServerApp.open_browser=False", "--no-browser",
        "--LabApp.news_url=None",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        "--LabApp.extension_manager=readonly",
        "--ServerApp.terminals_enabled=False",
        f"--YDocExtension.disable_rtc={not collaborative}",
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--allow-root")  # CI runs as root in a throwaway machine
    base = f"http://127.0.0.1:{port}"
    with running(cmd, env=lab_env(tmp, db), cwd=root, url=f"{base}/api/status?token={token}",
                 log=tmp / "lab.log"):
        yield base, token, root, db


def lab_env(tmp: Path, db: Path) -> dict[str, str]:
    """The server's environment: its own Jupyter folders in ``tmp``, the workbook."""
    return server_env(
        HLS_WORKBOOK_DB=str(db),
        JUPYTER_CONFIG_DIR=str(tmp / "config"),
        JUPYTER_DATA_DIR=str(tmp / "data"),  # its own trust database
        JUPYTER_RUNTIME_DIR=str(tmp / "runtime"),
        JUPYTERLAB_SETTINGS_DIR=str(tmp / "settings"),
        JUPYTERLAB_WORKSPACES_DIR=str(tmp / "workspaces"),
        # The package's JupyterLab extension (a stage notebook opens with its forms ready),
        # found where an installed wheel puts it or, in a checkout, in the package.
        JUPYTER_PATH=os.pathsep.join(
            [str(templates_dir()), *filter(None, [os.environ.get("JUPYTER_PATH")])]),
    )


def _write_form_notebook(path: Path) -> None:
    """A one-form notebook: the pulse form, as an analyst's own notebook would show it."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nb.cells = [
        nbformat.v4.new_markdown_cell("# Behaviour pulse\n\nHow true is each statement?"),
        nbformat.v4.new_code_cell(
            "from hls_workbook import open_workbook\nfrom hls_workbook.ui import forms\n"
            "wb = open_workbook(create=True)\n"
            f"forms.show('pulse', wb, place={PLACE!r}, role='charity')"),
    ]
    nbformat.write(nb, path)


@pytest.fixture
def page(browser, lab):
    outside: list[str] = []
    pg = open_page(browser, outside, width=1366)
    yield pg
    pg.context.close()
    assert_stayed_local(outside)


def open_notebook(page, lab, name: str, workspace: str | None = None) -> None:
    base, token, _root, _db = lab
    # A workspace of its own, emptied: only this notebook open, as on a first visit.
    workspace = workspace or re.sub(r"\W", "-", name)
    page.goto(f"{base}/lab/workspaces/{workspace}/tree/{name}?token={token}&reset")
    page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook").first.wait_for()
    # If JupyterLab still asks which kernel to start, answer as a person would.
    select = page.locator(".jp-Dialog button", has_text="Select")
    if select.count():
        select.first.click()
    wait_for_kernel(lab, name)


def wait_for_kernel(lab, name: str, timeout: float = 60.0) -> None:
    """Wait until the server says the notebook's kernel is started and idle."""
    base, token, _root, _db = lab
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with urllib.request.urlopen(f"{base}/api/sessions?token={token}", timeout=5) as r:
            sessions = json.load(r)
        for s in sessions:
            if s.get("path") == name and (s.get("kernel") or {}).get("execution_state") == "idle":
                return
        time.sleep(0.25)
    raise AssertionError(f"the kernel for {name} did not start")


def _all_cells_ran(page, timeout: float) -> bool:
    try:
        page.wait_for_function(
            """() => {
                const prompts = [...document.querySelectorAll(
                    '.jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell .jp-InputPrompt')];
                return prompts.length > 0
                    && prompts.every(p => /\\[\\d+\\]/.test(p.textContent));
            }""", timeout=timeout)
        return True
    except Exception:
        return False


def run_all(page, *, runs_on_open: bool = True) -> None:
    """Run every cell from the Run menu, then wait until each code cell has run. A Run All
    that stalls after the first cell (seen on a loaded machine) is asked for once more.

    A stage notebook runs by itself when opened (our lab extension); another notebook
    (``runs_on_open=False``) is run from the menu at once rather than after a minute."""
    if runs_on_open and _all_cells_ran(page, 60_000):
        return
    for attempt in range(2):
        page.locator(".lm-MenuBar-itemLabel", has_text=re.compile("^Run$")).click()
        page.locator(".lm-Menu-itemLabel", has_text=re.compile("^Run All Cells$")).click()
        if _all_cells_ran(page, 120_000 if attempt else 90_000):
            return
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "lab_run_all_failed.png"))
    prompts = page.locator(".jp-CodeCell .jp-InputPrompt").all_inner_texts()
    raise AssertionError(f"not every cell ran; prompts: {prompts}")


def inputs_are_named(page, stage: str) -> None:
    """Every input of the notebook's forms has its question as its accessible name (the
    browser's accessibility tree), and axe-core finds no unnamed input, drop-down or
    button (docs: tests/browser_forms.py)."""
    checked = assert_inputs_named(page, stage)
    assert checked >= 10, f"only {checked} inputs were found to check in {stage}"
    if AXE_JS.exists():
        unnamed = axe_unnamed(page, AXE_JS)
        assert not unnamed, "\n".join(unnamed[:10])
    else:
        warnings.warn("axe-core is not in tools/node_modules: its naming rules were not run "
                      "(bash scripts/system-deps)", stacklevel=2)


def no_errors_shown(page) -> None:
    errors = page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr'],"
                          " .jp-RenderedText[data-mime-type='application/vnd.jupyter.error']")
    texts = [t[:300] for t in errors.all_inner_texts() if "Traceback" in t or "Error" in t]
    assert not texts, f"a cell showed an error: {texts}"


#: The part of JupyterLab's page that scrolls through the open notebook.
SCROLLER = ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-WindowedPanel-outer"


def open_stage(page, lab, stem: str) -> None:
    """Open a stage notebook and run every cell; then check it as a person first sees
    it: no error shown, every input named, and a screenshot of all of it to look at."""
    open_notebook(page, lab, f"{stem}.ipynb")
    check_stage(page, stem)


def check_stage(page, stem: str) -> None:
    """The open stage notebook, once every cell has run (:func:`run_all`): no error
    shown, every input named, and a screenshot of all of it to look at."""
    run_all(page)
    no_errors_shown(page)
    full_screenshot(page, SCREENSHOTS / f"lab_{stem}.png", scroller=SCROLLER)
    inputs_are_named(page, stem)


def records(db: Path, kind: str):
    from hls_workbook import open_workbook

    with open_workbook(db) as wb:
        return wb.table(kind, PLACE)


# ---------------------------------------------------------------------------
# One test per stage notebook
# ---------------------------------------------------------------------------


def test_a_stage_notebook_opens_with_its_forms_ready_and_stage_2_experiment(page, lab):
    """Opening a stage notebook runs it, without Run All: the forms appear, the view stays
    at the top, and the notebook is not marked as changed. Then, on the same page (one
    kernel, not two), stage 2 as each stage is tested: an experiment saved."""
    began = time.monotonic()
    open_notebook(page, lab, "2_experimentation.ipynb")
    page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .widget-button",
                 has_text="Submit").first.wait_for(timeout=120_000)
    usable = time.monotonic() - began
    assert _all_cells_ran(page, 120_000)
    page.locator(".hls-chooser").first.wait_for()
    page.wait_for_timeout(500)
    heading = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) h1").first
    assert heading.is_visible() and heading.bounding_box()["y"] < 300, "not at the top"
    dirty = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden)").first
    tab = page.locator(".lm-DockPanel-tabBar .lm-TabBar-tab.lm-mod-current")
    assert "jp-mod-dirty" not in (tab.get_attribute("class") or "")
    assert dirty.is_visible()
    print(f"JupyterLab: stage notebook opened to its first usable form in {usable:.1f} s")
    check_stage(page, "2_experimentation")
    f = form(page, "New experiment")
    f.scroll_into_view_if_needed()
    type_text(f, "Name of the experiment", "Drop-in at the library")
    type_text(f, "What we hope will happen", "More people find help nearby.")
    type_text(f, "Safe-to-fail limits", "Four Fridays; no more than £200.")
    choose(f, "Whose idea", "Charity")
    pick_date(f, "Start", "2026-03-06")
    submit(f)
    rid = wait_saved(f)
    saved = records(lab[3], "experiment").set_index("id").loc[rid]
    assert saved["title"] == "Drop-in at the library"
    assert saved["proposed_by"] == "charity"
    assert saved["start_on"].date() == dt.date(2026, 3, 6)


def test_a_participant_says_who_they_are_without_touching_code_and_stage_1_partner(page,
                                                                                 lab):
    """In JupyterLab, with no cell edited and no Run All: the participant picks their part
    of the system from the list at the top of the notebook, fills in a form and submits;
    the save is credited to the part chosen, and the notebook is not marked as changed.
    Then, on the same page (one kernel, not two), stage 1 as each stage is tested: a
    partner saved with a date, and a bad value refused beside its field."""
    from playwright.sync_api import expect

    open_notebook(page, lab, "1_getting_started.ipynb")
    panel = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden)").first
    chooser = panel.locator(".hls-chooser").first
    chooser.wait_for(timeout=120_000)
    expect(named(chooser, "Place")).to_have_value("Millbrook")
    named(chooser, "Your part of the system").select_option(label="Community group")
    expect(chooser.get_by_text("Saves will say they came from: Community group")
           ).to_be_visible()
    f = form(page, "New partner")
    f.wait_for(timeout=120_000)
    expect(f.get_by_text("Saved as: Community group", exact=False).first).to_be_visible()
    f.scroll_into_view_if_needed()
    type_text(f, "Organisation or group", "Picked-from-a-list Club")
    choose(f, "Part of the system", "Charity")
    submit(f)
    rid = wait_saved(f)
    saved = records(lab[3], "partner").set_index("id").loc[rid]
    assert saved["organisation"] == "Picked-from-a-list Club"
    assert saved["recorded_by"] == "community_group"  # not the notebook's "charity"
    assert panel.locator(".jp-CodeCell .cm-editor.cm-focused").count() == 0
    tab = page.locator(".lm-DockPanel-tabBar .lm-TabBar-tab.lm-mod-current")
    assert "jp-mod-dirty" not in (tab.get_attribute("class") or "")

    before = len(records(lab[3], "partner"))  # saved by the tests before and above
    check_stage(page, "1_getting_started")
    f.scroll_into_view_if_needed()
    type_text(f, "Organisation or group", "Riverside Tenants' Group")
    choose(f, "Part of the system", "Community group")
    pick_date(f, "Joined on", "2026-02-03")
    submit(f)
    rid = wait_saved_after(f, rid)  # a new confirmation, not the one above
    saved = records(lab[3], "partner").set_index("id").loc[rid]
    assert saved["organisation"] == "Riverside Tenants' Group"
    assert saved["part"] == "community_group"
    assert saved["joined_on"].date() == dt.date(2026, 2, 3)
    # A bad value: a name but no part of the system. The message sits beside the choice.
    f.locator("button", has_text="New").first.click()
    # Wait for the kernel's reset to reach the page before typing, or it may clear the
    # text typed in the meantime (the saved partner's summary is redrawn at the same time).
    from playwright.sync_api import expect

    expect(named(f, "Organisation or group")).to_have_value("", timeout=15_000)
    for _attempt in range(3):  # a late reset from a busy kernel can still clear the box
        type_text(f, "Organisation or group", "Nobody's part")
        page.wait_for_timeout(1500)
        if named(f, "Organisation or group").input_value() == "Nobody's part":
            break
    submit(f)
    assert "choose" in message_beside(f, "Part of the system").lower()
    assert named(f, "Organisation or group").input_value() == "Nobody's part"
    assert len(records(lab[3], "partner")) == before + 1
    page.screenshot(path=str(SCREENSHOTS / "lab_1_bad_value.png"))


#: Text a person would not want shared as it is: a phone number, and a name on record.
PRIVATE_TITLE = "Mrs Okafor rang 07700 900123"
PRIVATE_TEXT = "Mrs Okafor said the Friday group helped; call her on 07700 900123."


def test_stage_3_check_before_sharing_and_learning(page, lab):
    """A person checks the text waiting to be shared: one piece cleared as written, one put
    in other words. Both are saved, and two fewer pieces wait. Then, on the same page (one
    kernel, not two), stage 3 as each stage is tested: a piece of learning saved."""
    db = lab[3]
    from hls_workbook import open_workbook

    with open_workbook(db) as wb:
        wb.add("learning", {"kind_of_learning": "breakthrough", "title": PRIVATE_TITLE,
                            "observation": PRIVATE_TEXT,
                            "event_on": dt.date.today() - dt.timedelta(days=10)},
               place=PLACE, by="charity")
    before_checks = len(records(db, "clearance"))
    open_stage(page, lab, "3_learning")
    find_marked(check_section(page), "07700 900123")  # on whichever page it is
    before, cleared, reworded = clear_one_and_reword_one(page, "Sam (coordinator)",
                                                         "A neighbour found the group helped.")
    full_screenshot(page, SCREENSHOTS / "lab_3_check_before_sharing.png", scroller=SCROLLER)
    checks = records(db, "clearance")
    assert len(checks) == before_checks + 2
    new = checks.sort_values("id").tail(2)
    assert list(new["decision"]) == ["cleared", "edited"]
    assert set(new["audience"]) == {"public"} and set(new["checked_by"]) == {"Sam (coordinator)"}
    assert new["shared_text"].iloc[1] == "A neighbour found the group helped."
    assert pd_isna(new["shared_text"].iloc[0])
    assert set(new["recorded_by"]) == {"charity"}  # the notebook's role, never a name
    assert f"#{int(new['record_id'].iloc[0])}" in cleared
    assert f"#{int(new['record_id'].iloc[1])}" in reworded
    assert before >= 2

    # Stage 3 as each stage is tested, once the text is checked: a piece of learning saved.
    f = form(page, "New piece of learning")
    f.scroll_into_view_if_needed()
    choose(f, "Kind of learning", "Disappointment")
    type_text(f, "In a few words", "Nobody came in the rain")
    type_text(f, "What we noticed", "The Friday drop-in was empty when it rained.")
    pick_date(f, "When it happened", "2026-03-13")
    submit(f)
    rid = wait_saved(f)
    saved = records(lab[3], "learning").set_index("id").loc[rid]
    assert saved["title"] == "Nobody came in the rain"
    assert saved["kind_of_learning"] == "disappointment"
    assert saved["event_on"].date() == dt.date(2026, 3, 13)


def pd_isna(value) -> bool:
    return value is None or value != value


def test_stage_4_pulse_round_with_a_score(page, lab):
    """A pulse round with a score moved by keyboard, a bad value refused beside its field,
    then the live speaking tally: one person tapped, timed and saved for a meeting."""
    from hls_workbook import open_workbook

    with open_workbook(lab[3]) as wb:  # a meeting for the tally to record
        wb.add("meeting", {"held_on": dt.date.today(), "kind_of_meeting": "partnership"},
               place=PLACE, by="charity")
    open_stage(page, lab, "4_relationships_and_support")
    f = form(page, "New pulse round")
    f.scroll_into_view_if_needed()
    choose(f, "Your part of the system", "Charity")
    type_text(f, "Round", "2026-Q1")
    pick_date(f, "Answered on", "2026-03-20")
    statement = _statement_label(f)
    nudge_score(f, statement, 2)  # from the middle (5) to 7, with the keyboard
    # The next one typed into the number box a screen reader finds by the statement.
    second = _statement_label(f, 1)
    typed = f.get_by_role("spinbutton", name=second, exact=True)
    typed.fill("3")
    typed.press("Tab")
    submit(f)
    assert wait_saved(f) == 2
    saved = records(lab[3], "pulse")
    assert len(saved) == 2
    assert sorted(saved["score"].astype(int)) == [3, 7]
    row = saved.iloc[0]
    assert row["period"] == "2026-Q1" and row["role"] == "charity"
    assert row["answered_on"].date() == dt.date(2026, 3, 20)
    # A bad value: a round written the wrong way. The message sits beside it.
    choose(f, "Your part of the system", "Charity")
    type_text(f, "Round", "last spring")
    nudge_score(f, statement, 1)
    submit(f)
    assert "2026-Q3" in message_beside(f, "Round")
    assert len(records(lab[3], "pulse")) == 2
    field(f, "Round").scroll_into_view_if_needed()
    page.screenshot(path=str(SCREENSHOTS / "lab_4_bad_value.png"))
    _tally_one_speaker(page, lab)


def _tally_one_speaker(page, lab) -> None:
    """The live tally works in JupyterLab as in the app (tests/test_browser_tally.py)."""
    from playwright.sync_api import expect

    from hls_workbook.ui.tally_view import HEADING

    tally = form(page, HEADING)
    tally.scroll_into_view_if_needed()
    named(tally, "Meeting").select_option(index=1)
    type_text(tally, "Made-up name or initials", "Cy")
    choose(tally, "Their part of the system", "Public service")
    tally.get_by_role("button", name="Add to the tally", exact=True).click()
    tally.get_by_role("button", name="Cy (Public service)", exact=True).click()
    expect(tally.get_by_role("button", name="Cy (Public service): speaking", exact=True)
           ).to_be_visible()
    expect(tally.get_by_text(re.compile(r"0:0[1-9] this turn"))).to_be_visible(timeout=15_000)
    tally.get_by_role("button", name="Submit", exact=True).click()
    expect(tally.get_by_text(re.compile(r"Saved 1 speaker note for meeting #\d+ \(Cy\)"))
           ).to_be_visible()
    saved = records(lab[3], "contribution")
    assert list(saved["speaker"]) == ["Cy"] and list(saved["role"]) == ["public_service"]
    assert list(saved["turns"]) == [1]


def _statement_label(scope, n: int = 0) -> str:
    """The label of the n-th behaviour statement's slider."""
    from hls_workbook.domain.model import Statement

    return list(Statement.labels().values())[n]


def _options(scope, label: str) -> list[str]:
    """The choices of a drop-down, without its '— choose —'."""
    options = named(scope, label).locator("option").all_inner_texts()
    return [o for o in options if not o.startswith("—")]


def _wait_for_count(db: Path, kind: str, expected: int, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while (count := len(records(db, kind))) < expected and time.monotonic() < deadline:
        time.sleep(0.2)
    assert count == expected, f"{count} {kind} records saved, expected {expected}"


# ---------------------------------------------------------------------------
# Two people at once
# ---------------------------------------------------------------------------


def test_two_pages_saving_at_once_lose_nothing(browser, lab):
    """Two browser pages (two kernels) submit into the same workbook, interleaved."""
    before = len(records(lab[3], "pulse"))
    pages = []
    for name in ("pulse_a.ipynb", "pulse_b.ipynb"):
        pg = open_page(browser, width=1200)
        open_notebook(pg, lab, name)
        run_all(pg, runs_on_open=False)  # not a stage notebook
        pages.append(pg)
    rounds = 3
    try:
        forms_ = [form(pg, "New pulse answer") for pg in pages]
        last = [0, 0]
        for i in range(rounds):
            for n, f in enumerate(forms_):  # after a save the form is empty again
                choose(f, "Statement", _options(f, "Statement")[i])
                choose(f, "Your part of the system", "Charity" if n == 0 else "Public service")
                type_text(f, "Round", "2026-Q1")
                nudge_score(f, SCORE, 1 if n == 0 else -1)
            for f in forms_:  # both presses land before either save has finished
                submit(f)
            try:
                _wait_for_count(lab[3], "pulse", before + 2 * (i + 1))
            except AssertionError as exc:
                shown = [f.locator(".widget-html-content").all_inner_texts() for f in forms_]
                messages = [[t for t in texts if "save" in t.lower() or "⚠" in t]
                            for texts in shown]
                for n, pg in enumerate(pages):
                    pg.screenshot(path=str(SCREENSHOTS / f"lab_two_pages_failed_{n}.png"))
                raise AssertionError(f"{exc}; the forms said: {messages}") from None
            last = [wait_saved_after(f, last[n]) for n, f in enumerate(forms_)]
    finally:
        for pg in pages:
            pg.context.close()
    saved = records(lab[3], "pulse")
    assert len(saved) - before == 2 * rounds, "a save was lost"
    assert saved["id"].is_unique

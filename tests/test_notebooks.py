"""The stage notebooks, run for real: papermill with a kernel, headless and live, and nbval.

Every stage notebook runs top to bottom against a copy of the demo place (with a few
planted records: typed text holding a script tag, and stories that must never be shown)
and against a brand-new place in a brand-new database. Headless runs must hold no widget
and must escape typed text; live runs must create their widgets without an error. The
kernel runs share one pool of threads, so the whole file takes well under a minute and a
half. The helpers behind the notebooks (hls_workbook.ui.stages) are tested here too, without
a kernel.
"""

from __future__ import annotations

import concurrent.futures
import datetime as dt
import os
import subprocess
import sys
import time
import types
from pathlib import Path

import ipywidgets as W
import nbformat
import pytest

from hls_workbook import open_workbook
from hls_workbook.ui import stages

from .databases import copy_db

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
STAGE_FILES = [f"{stage}.ipynb" for stage in stages.STAGES]
PLACE = "millbrook"
NEW_PLACE = "new-town"

XSS = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
ERROR_MARK = 'class="hls-error"'
#: Story text that must never reach any output, and one that may (its teller agreed).
SECRET = "MARKER-SAID-IN-CONFIDENCE"
WITHDRAWN = "MARKER-WITHDRAWN-STORY"
UNASKED = "MARKER-NOBODY-ASKED-YET"
SAFEGUARDING = "MARKER-SAFEGUARDING-CONCERN"
VISIBLE = "MARKER-TEAM-MAY-READ"
TODAY = dt.date.today()


def plant(db: Path) -> None:
    """Add typed text with a script tag, and stories of every kind of consent."""
    with open_workbook(db) as wb:
        wb.add("partner", {"organisation": XSS, "part": "other"}, place=PLACE, by="charity")
        wb.add("experiment", {
            "title": XSS, "intended_results": XSS, "safe_to_fail_bounds": "One week.",
            "proposed_by": "lived_experience", "status": "ended",
        }, place=PLACE, by="charity")
        voice = {"domain_of_change": "planted", "storyteller_role": "person_using_services",
                 "collected_on": TODAY}
        vids = [
            wb.add("voice", {**voice, "story": f"{VISIBLE} {XSS}", "consent_audiences": ["team"]},
                   place=PLACE),
            wb.add("voice", {**voice, "story": SECRET, "in_confidence": True,
                             "consent_audiences": ["public"]}, place=PLACE),
            wb.add("voice", {**voice, "story": WITHDRAWN, "consent_audiences": ["public"]},
                   place=PLACE),
            wb.add("voice", {**voice, "story": UNASKED, "consent_audiences": []}, place=PLACE),
            wb.add("voice", {**voice, "story": SAFEGUARDING, "safeguarding_concern": True,
                             "consent_audiences": ["team"]}, place=PLACE),
        ]
        wb.withdraw_consent(vids[2])
        wb.add("learning", {
            "kind_of_learning": "breakthrough", "title": XSS, "observation": XSS,
            "amplify": True, "event_on": TODAY, "voices": vids,
        }, place=PLACE, by="charity")
        wb.add("value", {"value": XSS, "what_it_looks_like": XSS}, place=PLACE)
        wb.add("glossary_term", {"term": XSS, "plain_meaning": XSS}, place=PLACE)


def outputs(nb: nbformat.NotebookNode) -> list[tuple[nbformat.NotebookNode, dict]]:
    return [(cell, out) for cell in nb.cells if cell.cell_type == "code"
            for out in cell.get("outputs", [])]


def all_text(nb: nbformat.NotebookNode) -> str:
    parts = []
    for _cell, out in outputs(nb):
        parts.append(str(out.get("text", "")))
        for value in out.get("data", {}).values():
            parts.append(value if isinstance(value, str) else str(value))
    return "\n".join(parts)


def section_cells(nb: nbformat.NotebookNode) -> list[nbformat.NotebookNode]:
    return [c for c in nb.cells if "section" in c.metadata.get("hls", {})]


def assert_ran_cleanly(nb: nbformat.NotebookNode) -> None:
    for cell, out in outputs(nb):
        assert out["output_type"] != "error", f"{cell.source}: {out.get('evalue')}"
        assert out.get("name") != "stderr" or "Traceback" not in out.get("text", "")
    assert ERROR_MARK not in all_text(nb), "a section showed a problem"


# ---------------------------------------------------------------------------
# Kernel runs: all of them at once, in a pool of threads
# ---------------------------------------------------------------------------


def _execute(name: str, out: Path, parameters: dict) -> tuple[object, float]:
    import papermill as pm

    started = time.perf_counter()
    try:
        nb = pm.execute_notebook(
            str(NOTEBOOKS / name), str(out), parameters=parameters, kernel_name="python3",
            cwd=str(NOTEBOOKS), progress_bar=False, log_output=False,
        )
    except Exception as exc:  # reported by the test that looks at this run
        return exc, time.perf_counter() - started
    return nb, time.perf_counter() - started


@pytest.fixture(scope="module")
def runs(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """(mode, notebook) -> the executed notebook (or the exception), for every run."""
    tmp = tmp_path_factory.mktemp("stage-runs")
    planted = copy_db(demo_db, tmp / "planted.db")
    plant(planted)
    jobs = {}
    for name in STAGE_FILES:
        stem = name.removesuffix(".ipynb")
        jobs[("demo", name)] = (name, tmp / f"demo-{name}",
                                {"db": str(planted), "place": PLACE, "interactive": False})
        # A brand-new database per notebook: nothing exists until the notebook makes it,
        # which it does only when told to (create).
        jobs[("new", name)] = (name, tmp / f"new-{name}",
                               {"db": str(tmp / f"new-{stem}.db"), "place": NEW_PLACE,
                                "interactive": False, "create": True})
        jobs[("live", name)] = (name, tmp / f"live-{name}",
                                {"db": str(planted), "place": PLACE, "interactive": True})
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("HLS_WORKBOOK_HEADLESS", raising=False)  # live runs must make widgets
        workers = max(2, min(4, os.cpu_count() or 2))
        with concurrent.futures.ThreadPoolExecutor(max_workers=workers) as pool:
            futures = {key: pool.submit(_execute, *job) for key, job in jobs.items()}
            results = {key: f.result() for key, f in futures.items()}
    return results


def executed(runs: dict, mode: str, name: str) -> nbformat.NotebookNode:
    nb, seconds = runs[(mode, name)]
    if isinstance(nb, Exception):
        pytest.fail(f"{name} ({mode}) failed after {seconds:.1f} s: {nb}")
    return nb


@pytest.mark.notebook
@pytest.mark.parametrize("name", STAGE_FILES)
def test_headless_demo_runs_without_widgets_and_escapes_typed_text(runs, name):
    nb = executed(runs, "demo", name)
    assert_ran_cleanly(nb)
    text = all_text(nb)
    assert WIDGET_VIEW not in text and "widgets" not in nb.metadata
    for _cell, out in outputs(nb):
        assert WIDGET_VIEW not in out.get("data", {})
    for cell in section_cells(nb):
        htmls = [o for o in cell.outputs if "text/html" in o.get("data", {})]
        assert len(htmls) == 1, f"{cell.source} should show one block of HTML"
    assert ESCAPED in text, "the planted text should be shown, escaped"
    assert XSS not in text and "<script" not in text.lower()
    for marker in (SECRET, WITHDRAWN, UNASKED, SAFEGUARDING):
        assert marker not in text, f"{marker} must never be shown"


@pytest.mark.notebook
def test_headless_learning_shows_only_stories_whose_teller_agreed(runs):
    text = all_text(executed(runs, "demo", "3_learning.ipynb"))
    assert VISIBLE in text, "a story the team may read is shown behind what we amplify"
    # Links to stories the team may not use are dropped by the privacy gate, as in reports:
    # such a story is neither shown nor counted.
    for marker in (SECRET, WITHDRAWN, UNASKED, SAFEGUARDING):
        assert marker not in text


@pytest.mark.notebook
@pytest.mark.parametrize("name", STAGE_FILES)
def test_headless_new_place_in_a_new_database(runs, name):
    nb = executed(runs, "new", name)
    assert_ran_cleanly(nb)
    text = all_text(nb)
    assert WIDGET_VIEW not in text
    assert "is new here" in text
    if name.startswith("1_"):
        assert "Tell us about your place first" in text
    for cell in section_cells(nb):
        assert cell.outputs, f"{cell.source} showed nothing for a new place"


@pytest.mark.notebook
@pytest.mark.parametrize("name", STAGE_FILES)
def test_live_run_creates_the_widgets(runs, name):
    nb = executed(runs, "live", name)
    assert_ran_cleanly(nb)
    for cell in section_cells(nb):
        mimes = {m for o in cell.outputs for m in o.get("data", {})}
        assert WIDGET_VIEW in mimes, f"{cell.source} did not show a live widget"


@pytest.mark.notebook
@pytest.mark.parametrize("name", STAGE_FILES)
def test_every_stage_notebook_ends_with_what_needs_doing_now(runs, name):
    for mode, words in (("demo", "things need doing now"), ("new", "Nothing needs doing now")):
        last = section_cells(executed(runs, mode, name))[-1]
        assert last.metadata["hls"]["section"]["id"] == "next"
        shown = "".join(o["data"]["text/html"] for o in last.outputs
                        if "text/html" in o.get("data", {}))
        assert "What needs doing now</h4>" in shown and words in shown, f"{mode}: {shown}"


@pytest.mark.notebook
def test_kernel_runs_are_quick(runs):
    slow = {f"{mode} {name}": round(s, 1) for (mode, name), (_nb, s) in runs.items() if s > 60}
    assert not slow, f"these runs took over a minute: {slow}"


@pytest.mark.notebook
def test_nbval_runs_the_stage_notebooks_with_their_defaults(demo_db, tmp_path):
    """`pytest --nbval-lax` runs the notebooks as committed, the report notebook too;
    $HLS_WORKBOOK_DB gives the db."""
    db = copy_db(demo_db, tmp_path / "nbval.db")
    env = {k: v for k, v in os.environ.items()
           if k not in ("HLS_WORKBOOK_HEADLESS", "PYTEST_ADDOPTS")}
    env["HLS_WORKBOOK_DB"] = str(db)
    cmd = [sys.executable, "-m", "pytest", "--nbval-lax", "-q", "-p", "no:cacheprovider",
           "-p", "no:randomly", *[f"notebooks/{n}" for n in [*STAGE_FILES, "report.ipynb"]]]
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    assert " passed" in proc.stdout


# ---------------------------------------------------------------------------
# The helpers behind the notebooks, without a kernel
# ---------------------------------------------------------------------------


@pytest.fixture
def planted_db(demo_db: Path, tmp_path: Path) -> Path:
    db = copy_db(demo_db, tmp_path / "planted.db")
    plant(db)
    return db


def test_every_summary_on_the_demo_place_and_on_a_new_place(planted_db, tmp_path):
    demo = stages.open_stage(planted_db, PLACE, "charity", interactive=False)
    new = stages.open_stage(tmp_path / "new.db", NEW_PLACE, "charity", interactive=False,
                            create=True)
    try:
        assert not demo.is_new and new.is_new
        for key, spec in stages.SECTIONS.items():
            for stage in (demo, new):
                block = stage.section(key)
                assert isinstance(block, stages.Block)
                assert ERROR_MARK not in block.html, f"{key}: {block.html}"
                assert XSS not in block.html and XSS not in repr(block)
                if spec.kind is not None and spec.questions:
                    assert "The questions for a new" in block.html
        assert "Tell us about your place first" in new.section("place").html
        assert ESCAPED in demo.section("partners").html
    finally:
        demo.close()
        new.close()


def test_summaries_never_show_stories_that_may_not_be_shown(planted_db):
    with open_workbook(planted_db) as wb:
        text = "".join(stages.summary_html(k, wb, place=PLACE) for k in stages.SECTIONS)
    for marker in (SECRET, WITHDRAWN, UNASKED, SAFEGUARDING):
        assert marker not in text
    assert VISIBLE in text
    assert "Withdrawn: never used" in text


def test_pulse_and_checkins_hide_small_groups(wb):
    for i in range(3):
        wb.add("pulse", {"statement": "equal_partners", "score": 9, "role": "charity",
                         "period": "2026-Q1"}, place="testville")
        wb.add("checkin", {"emotional_load": 10, "role": "charity",
                           "checked_in_on": dt.date(2026, 3, 1 + i)}, place="testville")
    pulse = stages.summary_html("pulse", wb, place="testville")
    checkins = stages.summary_html("checkins", wb, place="testville")
    assert "9.0" not in pulse and "–" in pulse
    # The team sees its own counts, as in the team report; only the average is hidden.
    assert "10.0" not in checkins and ">3</td>" in checkins
    assert ">hidden</td>" in checkins


def test_live_section_saves_and_redraws_its_summary(wb, monkeypatch):
    monkeypatch.delenv("HLS_WORKBOOK_HEADLESS", raising=False)
    view = stages.section("partners", wb, place="testville", role="charity", interactive=True)
    try:
        assert isinstance(view, stages.SectionView)
        assert isinstance(view.widget, W.VBox) and view.form is not None
        assert "No partners yet" in view.summary.value
        view.form.controls["organisation"].input.value = XSS
        view.form.controls["part"].input.value = "charity"
        assert view.form.submit() is not None, view.form.status_text
        assert ESCAPED in view.summary.value and XSS not in view.summary.value
        assert len(wb.table("partner", "testville")) == 1
    finally:
        view.close()


def test_summaries_redraw_after_a_save_in_another_section(wb, monkeypatch):
    monkeypatch.delenv("HLS_WORKBOOK_HEADLESS", raising=False)
    propose = stages.section("experiment", wb, place="testville", interactive=True)
    portfolio = stages.section("portfolio", wb, place="testville", interactive=True)
    try:
        assert portfolio.form is None and portfolio.refresh_button is not None
        assert "No experiments yet" in portfolio.summary.value
        c = propose.form.controls
        c["title"].input.value = "Tea at the library"
        c["intended_results"].input.value = "Company for people on their own."
        c["safe_to_fail_bounds"].input.value = "A month, and fifty pounds."
        c["proposed_by"].input.value = "lived_experience"
        assert propose.form.submit() is not None, propose.form.status_text
        assert "1 experiment" in portfolio.summary.value
        # A save from somewhere else (another person's kernel): Refresh picks it up.
        wb.add("experiment", {"title": "Walk and talk", "intended_results": "Fresh air.",
                              "safe_to_fail_bounds": "Two weeks.", "proposed_by": "charity"},
               place="testville")
        portfolio.refresh_button.click()
        assert "2 experiments" in portfolio.summary.value
    finally:
        for view in (propose, portfolio):
            view.close()


def test_headless_environment_variable_always_wins(wb, monkeypatch):
    monkeypatch.setenv("HLS_WORKBOOK_HEADLESS", "1")
    block = stages.section("voice", wb, place="testville", interactive=True)
    assert isinstance(block, stages.Block)
    assert "Stories, with consent" in repr(block)
    stage = stages.open_stage(wb.location, "testville")
    assert not stage.interactive
    stage.close()


def test_problems_are_plain_sentences_not_tracebacks(tmp_path, wb):
    bad_place = stages.open_stage(tmp_path / "a.db", "North Ward", "charity")
    assert bad_place.error and "lower-case letters" in bad_place.error
    assert ERROR_MARK in bad_place.section("partners").html
    assert ERROR_MARK in bad_place._repr_html_()
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    bad_db = stages.open_stage(blocked / "x.db", "testville", create=True)
    assert bad_db.error and "Traceback" not in bad_db.error
    unknown = stages.section("nonsense", wb, place="testville", interactive=False)
    assert ERROR_MARK in unknown.html and "partners" in unknown.html
    odd_role = stages.open_stage(wb.location, "testville", "the boss", interactive=False)
    assert odd_role.role is None and "not a part of the system" in odd_role.html()


def test_a_section_can_be_named_by_its_record_kind(wb):
    block = stages.section("glossary_term", wb, place="testville", interactive=False)
    assert block.label == stages.SECTIONS["glossary"].title


def test_the_workbook_is_named_without_its_password():
    fake = types.SimpleNamespace(path=None, url="postgresql://team:s3cret@db.example/hls")
    assert "s3cret" not in stages.workbook_location(fake)


# ---------------------------------------------------------------------------
# A live stage in a real kernel: forms first, summaries once the cells have run
# ---------------------------------------------------------------------------


def test_stage_module_does_not_import_pandas():
    code = ("import sys; from hls_workbook.ui import stages; "
            "print('pandas' in sys.modules, 'hls_workbook.analysis' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.split() == ["False", "False"]


@pytest.mark.notebook
def test_live_summaries_are_drawn_once_the_cells_have_run(wb):
    """In a kernel the forms come first: pandas is not even imported while the cells run.
    The summaries follow as soon as the kernel is idle, and again after a save."""
    from jupyter_client.manager import KernelManager

    wb.add("partner", {"organisation": "Millbrook Library", "part": "public_service"},
           place="testville")
    km = KernelManager(kernel_name="python3")
    km.start_kernel(cwd=str(ROOT), env={**os.environ, "HLS_WORKBOOK_HEADLESS": ""})
    kc = km.client()
    kc.start_channels()

    def run(source: str) -> str:
        texts: list[str] = []

        def hook(msg: dict) -> None:
            if msg["msg_type"] == "stream":
                texts.append(msg["content"]["text"])

        reply = kc.execute_interactive(source, timeout=120, output_hook=hook)
        assert reply["content"]["status"] == "ok", reply["content"]
        return "".join(texts).strip()

    try:
        kc.wait_for_ready(timeout=120)
        shown = run(f"import sys\nfrom hls_workbook.ui import stages\n"
                    f"stage = stages.open_stage({wb.location!r}, 'testville', 'charity')\n"
                    "views = [stage.section(k) for k in ('partners', 'voices')]\n"
                    "print(views[0].form is not None, 'pandas' in sys.modules, "
                    "'Working out' in views[0].summary.value)")
        assert shown == "True False True"  # forms built; no summary (nor pandas) yet
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            time.sleep(0.3)
            drawn = run("print(all('Working out' not in v.summary.value for v in views))")
            if drawn == "True":
                break
        assert drawn == "True", "the summaries were not drawn once the kernel was idle"
        assert "Millbrook Library" in run("print(views[0].summary.value)")
        # A save redraws the summary, just after the save is confirmed.
        run("f = views[0].form\n"
            "f.controls['organisation'].input.value = 'Tea and Talk'\n"
            "f.controls['part'].input.value = 'community_group'\n"
            "assert f.submit() is not None, f.status_text")
        deadline = time.monotonic() + 30
        while "Tea and Talk" not in (text := run("print(views[0].summary.value)")):
            assert time.monotonic() < deadline, text
            time.sleep(0.3)
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)

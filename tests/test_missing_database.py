"""A mistyped database never starts a new, empty workbook, from a notebook or the app.

The command line already refuses a database that does not exist; the stage notebooks, the
report notebook and the app do too, in one plain sentence, and leave no file behind (no
database, no -wal or -shm). Creating one is deliberate: `create = True` in a stage
notebook, or `hls-workbook init`. The notebook runs start two kernels at once (~15 s).
"""

from __future__ import annotations

import concurrent.futures
from pathlib import Path

import nbformat
import pytest

from hls_workbook.domain.errors import WorkbookError
from hls_workbook.store.workbook import DatabaseError
from hls_workbook.ui import stages

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
ERROR_MARK = 'class="hls-error"'
MISSING = "There is no workbook database at"


def test_a_stage_refuses_a_missing_database_unless_told_to_create(tmp_path):
    typo = tmp_path / "workbok.db"
    stage = stages.open_stage(typo, "millbrook", "charity", interactive=False)
    assert stage.error.startswith(MISSING) and "create = True" in stage.error
    assert "\n" not in stage.error and "Traceback" not in stage.error
    assert ERROR_MARK in stage.section("partners").html
    assert list(tmp_path.iterdir()) == []  # no database, no -wal, no -shm

    made = stages.open_stage(typo, "millbrook", "charity", interactive=False, create=True)
    try:
        assert made.error is None and made.is_new and typo.exists()
    finally:
        made.close()


def test_a_workbook_error_is_one_line_in_a_notebook(monkeypatch):
    monkeypatch.delenv("HLS_WORKBOOK_DEBUG", raising=False)
    exc = DatabaseError(f"{MISSING} x.db. Check the path.")
    assert exc._render_traceback_() == [f"Error: {MISSING} x.db. Check the path."]
    monkeypatch.setenv("HLS_WORKBOOK_DEBUG", "1")  # the traceback, for whoever debugs
    with pytest.raises(NotImplementedError):
        exc._render_traceback_()


def test_the_app_refuses_a_missing_database(tmp_path, monkeypatch):
    pytest.importorskip("voila")
    from hls_workbook.ui.app import run_app

    monkeypatch.delenv("HLS_WORKBOOK_DB", raising=False)
    with pytest.raises(WorkbookError, match=MISSING):
        run_app("1", db=tmp_path / "workbok.db")
    assert list(tmp_path.iterdir()) == []


def _run(name: str, out: Path, parameters: dict) -> nbformat.NotebookNode | Exception:
    import papermill as pm

    try:
        return pm.execute_notebook(str(NOTEBOOKS / name), str(out), parameters=parameters,
                                   kernel_name="python3", cwd=str(out.parent),
                                   progress_bar=False, log_output=False)
    except Exception as exc:  # noqa: BLE001 - looked at below
        return exc


@pytest.mark.notebook
@pytest.mark.slow
def test_the_notebooks_refuse_a_missing_database(tmp_path, monkeypatch):
    import papermill as pm

    monkeypatch.setenv("HLS_WORKBOOK_HEADLESS", "1")
    data = tmp_path / "data"
    data.mkdir()
    typo = str(data / "workbok.db")
    jobs = {
        "report.ipynb": {"db": typo, "place": "millbrook", "start": "2026-01-01",
                         "end": "2026-06-30", "audience": "team"},
        "1_getting_started.ipynb": {"db": typo, "interactive": False},
    }
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        done = {name: pool.submit(_run, name, tmp_path / name, params)
                for name, params in jobs.items()}
        report, stage = (done[name].result() for name in jobs)

    # The report notebook stops at its first cell, with one plain line.
    assert isinstance(report, pm.PapermillExecutionError), report
    assert MISSING in report.evalue
    ran = nbformat.read(tmp_path / "report.ipynb", as_version=4)
    errors = [o for c in ran.cells if c.cell_type == "code" for o in c.get("outputs", [])
              if o.output_type == "error"]
    assert len(errors) == 1 and len(errors[0].traceback) == 1, errors
    assert errors[0].traceback[0].startswith(f"Error: {MISSING}")

    # A stage notebook runs to the end, every section saying what is wrong.
    assert isinstance(stage, nbformat.NotebookNode), stage
    shown = "".join(o.get("data", {}).get("text/html", "") for c in stage.cells
                    if c.cell_type == "code" for o in c.get("outputs", []))
    assert MISSING in shown and "create = True" in shown

    assert list(data.iterdir()) == []  # nothing made: no database, no -wal, no -shm

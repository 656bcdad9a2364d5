"""The report engine: one warm kernel makes many reports, and nothing leaks between them."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from pathlib import Path

import nbformat
import pytest

from hls_workbook.reporting.reports import ReportError, ReportRequest, ReportRunner

pytestmark = pytest.mark.notebook

PARAMETERS = '''db = ""
place = "somewhere"
start = "2026-01-01"
end = "2026-03-31"
audience = "team"
title = ""
threshold = 5'''

LOOK = '''import json, os
import matplotlib as mpl
import hls_workbook.privacy as _privacy
print(json.dumps({
    "names": sorted(k for k in globals() if not k.startswith("_")),
    "pid": os.getpid(),
    "cwd": os.getcwd(),
    "env": os.environ.get("HLS_LEAK_TEST"),
    "font_size": mpl.rcParams["font.size"],
    "redactors": _privacy.detect._redactor.cache_info().currsize,
    "count": get_ipython().execution_count,
}))'''

LEAVE_TRACES = '''secret = "told in " + place
os.environ["HLS_LEAK_TEST"] = place
mpl.rcParams["font.size"] = 31
_privacy.redact("call Zeb", ["Zeb Quartermaine"])
os.chdir("/")
if place == "broken":
    raise ValueError("this place is broken")'''


def _notebook(path: Path) -> Path:
    cells = [nbformat.v4.new_code_cell(PARAMETERS, metadata={"tags": ["parameters"]}),
             nbformat.v4.new_code_cell(LOOK),
             nbformat.v4.new_code_cell(LEAVE_TRACES,
                                       metadata={"hls": {"section": {"title": "Traces"}}})]
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nbformat.write(nb, path)
    return path


def _look(notebook: Path) -> dict:
    nb = nbformat.read(notebook, as_version=4)
    cell = next(c for c in nb.cells if c.source == LOOK)
    text = "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream")
    return json.loads(text)


@pytest.fixture(scope="module")
def runner(tmp_path_factory):
    folder = tmp_path_factory.mktemp("engine")
    with ReportRunner(notebook=_notebook(folder / "look.ipynb")) as run:
        yield run


def _run(runner: ReportRunner, place: str, out: Path) -> Path:
    req = ReportRequest.make(place, "2026-01-01", "2026-03-31", "team", db=out / "none.db")
    result = runner.run(req, out, keep_notebook=True, meta={"title": place})
    assert result.html.exists()
    return result.notebook


def test_a_reused_kernel_keeps_nothing_from_the_last_place(runner, tmp_path):
    first = _look(_run(runner, "north", tmp_path))
    second = _look(_run(runner, "south", tmp_path))
    assert second["pid"] == first["pid"]  # the same, warm kernel made both
    assert "secret" not in second["names"]
    assert second["names"] == first["names"]
    assert second["env"] is None
    assert second["font_size"] == first["font_size"] != 31
    assert second["cwd"] == first["cwd"] != "/"
    assert second["redactors"] == 0
    assert second["count"] == first["count"]


def test_a_failed_report_names_its_section_and_the_next_gets_a_new_kernel(runner, tmp_path):
    before = _look(_run(runner, "east", tmp_path))
    req = ReportRequest.make("broken", "2026-01-01", "2026-03-31", "team",
                             db=tmp_path / "none.db")
    with pytest.raises(ReportError) as err:
        runner.run(req, tmp_path, meta={"title": "broken"})
    assert "stopped in the section 'Traces'" in str(err.value)
    assert "this place is broken" in str(err.value)
    assert err.value.notebook is not None and err.value.notebook.exists()
    after = _look(_run(runner, "west", tmp_path))
    assert after["pid"] != before["pid"]
    assert "secret" not in after["names"]


def test_a_kernel_closed_as_soon_as_it_starts_leaves_no_thread_behind(tmp_path):
    """A report refused on its options closes the kernel started for it at once. No
    heartbeat thread is started (the manager says whether the kernel lives): one stopped
    before it had begun reopened its socket until zmq ran out ("Too many open files")."""
    from jupyter_client.channels import HBChannel

    from hls_workbook.reporting.engine import Kernel

    failures: list[BaseException | None] = []
    hook = threading.excepthook
    threading.excepthook = lambda args: failures.append(args.exc_value)
    before = set(threading.enumerate())
    try:
        for _ in range(2):
            kernel = Kernel(tmp_path)
            assert not [t for t in threading.enumerate() if isinstance(t, HBChannel)]
            kernel.close()
    finally:
        threading.excepthook = hook
    assert not failures
    assert not [t for t in threading.enumerate() if t not in before and t.is_alive()]


def test_reports_print_no_kernel_warnings(demo_db, tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "hls_workbook.cli", "report", "--db", str(demo_db),
         "--place", "millbrook", "--from", "2026-01-01", "--to", "2026-02-28",
         "--audience", "public", "--out", str(tmp_path)],
        capture_output=True, text=True, timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    assert "Report:" in proc.stdout
    for noise in ("WARNING", "without encryption", "Traceback"):
        assert noise not in proc.stderr, proc.stderr


# ---------------------------------------------------------------------------
# Plain papermill, the fallback: the same report
# ---------------------------------------------------------------------------


@pytest.mark.slow
def test_plain_papermill_makes_the_same_report_as_the_warm_kernel(demo_db, tmp_path,
                                                                   monkeypatch):
    import re

    from hls_workbook.demo import START

    req = ReportRequest.make("millbrook", START, "2026-03-31", "partners", db=demo_db)
    with ReportRunner() as warm:
        assert warm.warm
        made_warm = warm.run(req, tmp_path / "warm").html
    monkeypatch.setenv("HLS_WORKBOOK_WARM_KERNEL", "0")
    with ReportRunner() as cold:
        assert not cold.warm and cold._kernel is None  # no warm kernel was started
        made_cold = cold.run(req, tmp_path / "cold").html
    # Byte for byte, but for the charts' element ids (a warm kernel numbers them on).
    same = [re.sub(rb"chart-\d+", b"chart-N", path.read_bytes())
            for path in (made_warm, made_cold)]
    assert b"At a glance" in same[0]
    assert same[0] == same[1]


def test_plain_papermill_names_the_section_that_failed(tmp_path):
    with ReportRunner(notebook=_notebook(tmp_path / "look.ipynb"), warm=False) as runner:
        req = ReportRequest.make("broken", "2026-01-01", "2026-03-31", "team",
                                 db=tmp_path / "none.db")
        with pytest.raises(ReportError) as err:
            runner.run(req, tmp_path, meta={"title": "broken"})
        assert "stopped in the section 'Traces'" in str(err.value)
        assert err.value.notebook is not None and err.value.notebook.exists()
        fine = runner.run(ReportRequest.make("north", "2026-01-01", "2026-03-31", "team",
                                             db=tmp_path / "none.db"),
                          tmp_path, keep_notebook=True, meta={"title": "north"})
        assert _look(fine.notebook)["names"]  # a new kernel each time: nothing to reset

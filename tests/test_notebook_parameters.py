"""papermill can describe every notebook's parameters: a type and a sentence for each.

`papermill --help-notebook NOTEBOOK` (papermill.inspect_notebook underneath) reads the cell
tagged 'parameters': `name: type = literal  # what it is`. A parameter without a type hint
shows as "Unknown type", one without a comment has no description; both fail here. No kernel
is started.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import papermill as pm
import pytest

from hls_workbook.ui import stages

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = [ROOT / "notebooks" / "report.ipynb",
             *(ROOT / "notebooks" / f"{stage}.ipynb" for stage in stages.STAGES),
             ROOT / "hls_workbook" / "templates" / "analysis.ipynb"]
REPORT = {"db", "place", "start", "end", "audience", "title", "threshold"}
STAGE = {"db", "place", "role", "interactive", "create"}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_parameter_has_a_type_and_a_description(path):
    params = pm.inspect_notebook(path)
    assert params, f"{path.name}: papermill found no parameters"
    for name, p in params.items():
        assert p["inferred_type_name"] in ("str", "int", "bool", "float"), (name, p)
        assert len(p["help"].split()) >= 3, f"{path.name}: '{name}' has no description"


def test_the_report_and_stage_parameters_are_the_ones_the_commands_give():
    assert set(pm.inspect_notebook(NOTEBOOKS[0])) == REPORT
    for path in NOTEBOOKS[1:-1]:
        assert set(pm.inspect_notebook(path)) == STAGE, path.name


def test_help_notebook_describes_the_report_parameters():
    proc = subprocess.run(
        [sys.executable, "-m", "papermill", "--help-notebook", "notebooks/report.ipynb"],
        cwd=ROOT, capture_output=True, text=True, timeout=60, check=False)
    assert proc.returncode == 0, proc.stderr
    assert "Unknown type" not in proc.stdout
    for name in REPORT:
        assert f"  {name}: " in proc.stdout, proc.stdout
    assert "who will read it: team, partners or public" in proc.stdout

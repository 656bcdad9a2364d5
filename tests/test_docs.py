"""The analysts' guide runs as written, and the analysts' notebook template runs."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = ROOT / "hls_workbook" / "templates" / "analysis.ipynb"


def _python_blocks(path: Path) -> list[str]:
    return re.findall(r"```python\n(.*?)```", path.read_text(encoding="utf-8"), re.S)


def test_analysts_guide_examples_run(demo_db, tmp_path):
    blocks = _python_blocks(ROOT / "docs" / "analysts.md")
    assert len(blocks) >= 5
    (tmp_path / "data").mkdir()
    shutil.copy(demo_db, tmp_path / "data" / "demo.db")
    script = tmp_path / "guide.py"
    script.write_text("\n\n".join(blocks), encoding="utf-8")
    proc = subprocess.run([sys.executable, str(script)], cwd=tmp_path, capture_output=True,
                          text=True, timeout=300, env={**os.environ, "MPLBACKEND": "Agg"})
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "spoke" in proc.stdout
    assert "[removed]" in proc.stdout
    assert "millbrook" in proc.stdout


@pytest.mark.notebook
def test_analysis_template_runs_with_papermill(demo_db, tmp_path):
    import papermill as pm

    out = tmp_path / "analysis.ipynb"
    nb = pm.execute_notebook(
        str(TEMPLATE), str(out), kernel_name="python3",
        parameters={"db": str(demo_db), "place": "millbrook"}, progress_bar=False,
        cwd=str(tmp_path),
    )
    text = str(nb.cells)
    assert "spoke" in text
    assert "image/png" in text


def test_new_notebook_command_copies_the_template(tmp_path):
    from typer.testing import CliRunner

    from hls_workbook.cli import app

    runner = CliRunner()
    result = runner.invoke(app, ["new-notebook", "funding_questions", "--folder",
                                 str(tmp_path)])
    assert result.exit_code == 0, result.output
    made = tmp_path / "funding_questions.ipynb"
    assert made.read_bytes() == (TEMPLATE).read_bytes()
    again = runner.invoke(app, ["new-notebook", "funding_questions", "--folder",
                                str(tmp_path)])
    assert again.exit_code == 1
    assert "already exists" in again.output
    bad = runner.invoke(app, ["new-notebook", "../escape", "--folder", str(tmp_path)])
    assert bad.exit_code == 1

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


def test_the_learning_loop_walkthrough_runs_and_closes_the_loop(tmp_path):
    """docs/learning-loop.md, run as written on a new workbook: after each step the list
    of what needs doing moves on, and at the end nothing is left."""
    doc = ROOT / "docs" / "learning-loop.md"
    script = tmp_path / "loop.py"
    script.write_text("\n\n".join(_python_blocks(doc)), encoding="utf-8")
    proc = subprocess.run([sys.executable, str(script)], cwd=tmp_path, capture_output=True,
                          text=True, timeout=300, env={**os.environ, "MPLBACKEND": "Agg"})
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = proc.stdout
    steps = ["Past its end date: 1 to do", "[past_end]", "Ended: 1 to do",
             "[waiting_for_review]", "Saved review #", "Decided to amplify: 1 to do",
             "[decision_not_followed]", "Learned: 3 to do", "[not_shared]", "[tell_them]",
             "[response_not_followed]", "Stories to choose from: ['#", "Saved note back",
             "Loop closed: 0 to do"]
    at = [out.find(s) for s in steps]
    assert all(i >= 0 for i in at) and at == sorted(at), out


def test_the_readme_and_the_walkthrough_name_the_real_sections():
    """The loop as the README and docs/learning-loop.md tell it, step by step, names the
    sections a team really uses."""
    from hls_workbook.ui.stages import SECTIONS

    readme = re.sub(r"\s+", " ", (ROOT / "README.md").read_text(encoding="utf-8"))
    loop = readme[readme.index("### From a proposed experiment to shared learning"):]
    loop = loop[:loop.index("##", 10)]
    words = ["**Propose**", "**Look back**", "**Write down what we learned**",
             "**Share it**", "**Tell the storyteller**", "docs/learning-loop.md"]
    at = [loop.find(w) for w in words]
    assert all(i >= 0 for i in at) and at == sorted(at), loop
    doc = re.sub(r"\s+", " ", (ROOT / "docs" / "learning-loop.md").read_text(encoding="utf-8"))
    for key in ("voices", "experiment", "experiment_status", "review", "learning", "sharing",
                "feedback", "next"):
        assert f"*{SECTIONS[key].title}*" in doc, SECTIONS[key].title

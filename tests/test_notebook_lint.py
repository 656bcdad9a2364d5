"""The committed notebooks are the source: edited in JupyterLab, checked here.

Nothing writes them. Each notebook in notebooks/ is paired by jupytext with a MyST Markdown
copy (notebooks/jupytext.toml) that reviews read; the pair must say the same thing. Every
notebook is valid, its cell ids are there and unique (JupyterLab keeps them, so one added
cell does not renumber the others), and it holds no outputs. The report notebook's section
cells follow `sections.SECTIONS`; the stage notebooks', the parameters cells and the
practices are checked in tests/test_practices.py and tests/test_notebook_parameters.py.
"""

from __future__ import annotations

import re
from pathlib import Path

import jupytext
import nbformat
import pytest

from hls_workbook.reporting import sections
from hls_workbook.ui import stages

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
PAIRED = ["report.ipynb", *(f"{stage}.ipynb" for stage in stages.STAGES)]
ALL = [NOTEBOOKS / name for name in PAIRED] + [
    ROOT / "hls_workbook" / "templates" / "analysis.ipynb"]
CELL_ID = re.compile(r"^[a-zA-Z0-9-_]{1,64}$")  # nbformat 4.5's rule


def _content(nb: nbformat.NotebookNode) -> list[tuple]:
    """What a notebook says, cell by cell: its kind, source and metadata (not its id)."""
    return [(c.cell_type, c.source.strip(), dict(c.metadata)) for c in nb.cells]


def test_every_notebook_is_paired():
    found = sorted(p.name for p in NOTEBOOKS.glob("*.ipynb"))
    assert found == sorted(PAIRED), "a new notebook needs a test here, and its .md copy"
    config = (NOTEBOOKS / "jupytext.toml").read_text(encoding="utf-8")
    assert 'formats = "ipynb,md:myst"' in config


@pytest.mark.parametrize("name", PAIRED)
def test_the_text_copy_says_what_the_notebook_says(name):
    ipynb = nbformat.read(NOTEBOOKS / name, as_version=4)
    text = jupytext.read(NOTEBOOKS / name.replace(".ipynb", ".md"))
    assert _content(text) == _content(ipynb), f"run: jupytext --sync notebooks/{name}"


@pytest.mark.parametrize("path", ALL, ids=lambda p: p.name)
def test_valid_with_stable_cell_ids_and_no_outputs(path):
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    assert nb.metadata["kernelspec"]["name"] == "python3"
    ids = [cell.get("id") for cell in nb.cells]
    assert all(i and CELL_ID.match(i) for i in ids), ids
    assert len(set(ids)) == len(ids), "two cells share an id"
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert not cell.outputs and cell.execution_count is None, (
                f"{path.name}: clear the outputs before committing ({cell.source[:40]!r})")
    assert "widgets" not in nb.metadata, f"{path.name}: widget state saved with it"


def test_the_report_sections_follow_the_package():
    """Each section is two visible steps (issue 14): a cell that gets the section's
    audience-safe data, then the section cell that renders it."""
    nb = nbformat.read(NOTEBOOKS / "report.ipynb", as_version=4)
    found = [(c.metadata["hls"]["section"], c.metadata["hls"].get("practices"), c.source,
              nb.cells[i - 1].source)
             for i, c in enumerate(nb.cells) if "section" in c.metadata.get("hls", {})]
    assert [s["id"] for s, _p, _src, _data in found] == list(sections.SECTIONS)
    for section, practices, source, data in found:
        key = section["id"]
        title, wanted = sections.SECTIONS[key]
        assert section["title"] == title
        assert practices == list(wanted)
        assert data == f'{key}_data = report.data("{key}")'
        assert source == f'report.render("{key}", {key}_data)'

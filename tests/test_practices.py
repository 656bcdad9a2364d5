"""Every practice in PRACTICES.md is carried by the workbook: a stage-notebook section and a
report section name it in their cell metadata, and every model names only real practices.

PRACTICES.md lives in ../shared beside the clone; when it is absent the 24 ids it held
when this test was written are used instead.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import nbformat
import pytest

from hls_workbook.domain.model import RECORD_KINDS, model_for
from hls_workbook.ui import stages

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
PRACTICES_MD = ROOT.parent / "shared" / "PRACTICES.md"

FALLBACK_IDS = (
    "GS1", "GS2", "GS3", "GS4", "EX1", "EX2", "EX3", "EX4", "LE1", "LE2", "LE3",
    "RC1", "RC2", "RC3", "RC4", "RC5", "LB1", "LB2", "BH1", "BH2", "BH3", "ES1", "ES2", "ES3",
)
ROW = re.compile(r"^\|\s*([A-Z]{2}\d+)\s*\|(.*)$", re.MULTILINE)
STAGE_FILES = [f"{stage}.ipynb" for stage in stages.STAGES]
WIDGET_TAGS = {"nbval-ignore-output", "hls-widgets"}


def _rows() -> dict[str, list[str]]:
    """Practice id -> the other cells of its row in PRACTICES.md (empty if no file)."""
    if not PRACTICES_MD.exists():
        return {}
    text = PRACTICES_MD.read_text(encoding="utf-8")
    return {m.group(1): [c.strip() for c in m.group(2).split("|")] for m in ROW.finditer(text)}


def practice_ids() -> list[str]:
    rows = _rows()
    return list(rows) if rows else list(FALLBACK_IDS)


IDS = practice_ids()


def sections(name: str) -> list[tuple[str, list[str], nbformat.NotebookNode]]:
    """(section id, practice ids, cell) of every section cell of a notebook."""
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    out = []
    for cell in nb.cells:
        hls = cell.metadata.get("hls")
        if hls and "section" in hls:
            out.append((hls["section"]["id"], list(hls.get("practices", [])), cell))
    return out


def served_by(names: list[str]) -> dict[str, list[str]]:
    served: dict[str, list[str]] = {}
    for name in names:
        for sid, practices, _cell in sections(name):
            for pid in practices:
                served.setdefault(pid, []).append(f"{name}:{sid}")
    return served


# ---------------------------------------------------------------------------
# The checklist
# ---------------------------------------------------------------------------


def test_practice_ids_are_read():
    assert len(IDS) >= len(FALLBACK_IDS)
    assert len(set(IDS)) == len(IDS), "a practice id appears twice in PRACTICES.md"
    if PRACTICES_MD.exists():
        missing = set(FALLBACK_IDS) - set(IDS)
        assert not missing, f"PRACTICES.md no longer lists {sorted(missing)}"


def test_every_practice_is_served_by_a_stage_notebook_section():
    served = served_by(STAGE_FILES)
    missing = [pid for pid in IDS if pid not in served]
    assert not missing, f"no stage-notebook section serves {missing}"


def test_every_practice_is_served_by_a_report_section():
    served = served_by(["report.ipynb"])
    missing = [pid for pid in IDS if pid not in served]
    assert not missing, f"no report section serves {missing}"


@pytest.mark.skipif(not PRACTICES_MD.exists(), reason="PRACTICES.md is not beside the clone")
def test_each_practice_is_in_the_notebooks_practices_md_names():
    """The 'form / notebook' column says 1_getting_started, '1 and 4', '2 and 3' ..."""
    rows = _rows()
    stage_of = {stage.split("_")[0]: stage for stage in stages.STAGES}
    problems = []
    for pid, cells in rows.items():
        named = set(re.findall(r"\b([1-4])(?:_[a-z_]+)?\b", cells[2]))
        for number in sorted(named):
            name = f"{stage_of[number]}.ipynb"
            if not any(pid in practices for _sid, practices, _c in sections(name)):
                problems.append(f"{pid} is not served in {name}")
    assert not problems, "; ".join(problems)


def test_every_section_names_only_real_practices():
    for name in [*STAGE_FILES, "report.ipynb"]:
        for sid, practices, _cell in sections(name):
            assert practices, f"{name}:{sid} names no practice"
            unknown = set(practices) - set(IDS)
            assert not unknown, f"{name}:{sid} names unknown practices {sorted(unknown)}"


def test_every_model_names_real_practices_and_a_stage():
    for kind, model in RECORD_KINDS.items():
        assert model.practices, f"{kind} names no practice"
        unknown = set(model.practices) - set(IDS)
        assert not unknown, f"model {kind} names unknown practices {sorted(unknown)}"
        assert model.stage in stages.STAGES, f"model {kind} names unknown stage {model.stage}"


def test_every_record_kind_has_a_form_in_its_own_stage_notebook():
    for kind, model in RECORD_KINDS.items():
        kinds = {s.kind for s in stages.sections_for(model.stage)}
        # A form-only record (the pulse round) fills in the kind it is stored as.
        kinds |= {model_for(k).stored_as for k in kinds if k and model_for(k).stored_as}
        assert kind in kinds, f"{kind} has no section in {model.stage}"


# ---------------------------------------------------------------------------
# The notebooks' shape
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", STAGE_FILES)
def test_stage_notebook_follows_the_package(name):
    stage = name.removesuffix(".ipynb")
    found = sections(name)
    expected = stages.sections_for(stage)
    assert [sid for sid, _p, _c in found] == [s.key for s in expected]
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    for (sid, practices, cell), spec in zip(found, expected, strict=True):
        assert practices == list(spec.practices)
        assert cell.metadata["hls"]["section"]["title"] == spec.title
        assert set(cell.metadata.get("tags", [])) >= WIDGET_TAGS, f"{name}:{sid} tags"
        assert cell.source.count("\n") == 0, f"{name}:{sid} should be one line"
        # Guidance comes first: the cell before every section is Markdown with its title.
        before = nb.cells[nb.cells.index(cell) - 1]
        assert before.cell_type == "markdown" and spec.title in before.source
    assert nb.cells[0].cell_type == "markdown"


@pytest.mark.parametrize("name", [*STAGE_FILES, "report.ipynb"])
def test_parameters_cell_holds_literals_only(name):
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    cells = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(cells) == 1
    tree = ast.parse(cells[0].source)
    for node in tree.body:  # name: type = literal (papermill reads the type hint)
        assert isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name), \
            ast.unparse(node)
        assert isinstance(node.value, ast.Constant), ast.unparse(node)
        assert ast.unparse(node.annotation) == type(node.value.value).__name__, \
            ast.unparse(node)
    if name in STAGE_FILES:
        names = {n.target.id: n.value.value for n in tree.body}
        assert names == {"db": "", "place": "millbrook", "role": "charity",
                         "interactive": True, "create": False}


@pytest.mark.parametrize("name", [*STAGE_FILES, "report.ipynb"])
def test_committed_notebooks_have_no_outputs(name):
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert not cell.outputs and cell.execution_count is None

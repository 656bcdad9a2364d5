"""The layers hold: every module is in the import-linter contract, and the contract is kept.

`make test` runs `lint-imports` before pytest; this test makes sure a new module cannot
slip past the contract by not being listed in it.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _layers() -> list[set[str]]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    [contract] = [c for c in config["tool"]["importlinter"]["contracts"]
                  if c["type"] == "layers"]
    return [{m.strip() for m in layer.split("|")} for layer in contract["layers"]]


def test_every_module_has_a_layer():
    listed = set().union(*_layers())
    package = ROOT / "hls_workbook"
    modules = {f"hls_workbook.{p.stem}" for p in package.glob("*.py") if p.stem != "__init__"}
    modules |= {f"hls_workbook.{p.parent.name}" for p in package.glob("*/__init__.py")}
    assert modules - listed == set(), "add these to [tool.importlinter] in pyproject.toml"
    assert listed - modules == set(), "these are listed but no longer exist"


def test_the_layers_are_kept():
    exe = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    if exe is None:
        pytest.skip("import-linter is not installed (pip install -e '.[dev]')")
    result = subprocess.run([exe], cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout[-3000:]

"""The project's files agree with each other: conda env, pyproject, data dictionary, layout."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml

from hls_workbook.io.dictionary import render

ROOT = Path(__file__).resolve().parents[1]


def _norm(spec: str) -> tuple[str, str]:
    spec = re.sub(r"\[[^]]*\]", "", spec.replace(" ", ""))  # psycopg[binary] is psycopg
    name = re.split(r"[<>=!~]", spec, maxsplit=1)[0]
    return name.lower().replace("_", "-"), spec[len(name):]


def test_environment_yml_matches_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = project["dependencies"] + [
        d for extra in project["optional-dependencies"].values() for d in extra
    ]
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    conda = [d for d in env["dependencies"] if isinstance(d, str)]
    conda = [d for d in conda if not d.startswith(("python", "pip"))]
    assert sorted(map(_norm, conda)) == sorted(map(_norm, wanted))


def test_security_pins():
    deps = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    assert "nbconvert>=7.17.1" in deps
    assert any(d.startswith("ipywidgets>=8") for d in deps)
    assert any(d.startswith("jupyterlab_widgets>=3") for d in deps)


def test_data_dictionary_is_current():
    written = (ROOT / "docs" / "data-dictionary.md").read_text(encoding="utf-8")
    assert written == render(), "run: make dictionary"


def test_layout():
    for name in ("hls_workbook", "hls_workbook/templates/hls_report",
                 "hls_workbook/templates/voila/templates/hls_app",
                 "hls_workbook/templates/analysis.ipynb", "notebooks", "data", "tests",
                 "environment.yml", "README.md", "pyproject.toml", ".ci/run", "Makefile"):
        assert (ROOT / name).exists(), name


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    ci = (ROOT / ".ci" / "run").read_text()
    assert "make test" in readme
    assert "make test" in ci


def test_every_sub_package_reaches_the_wheel():
    """pyproject.toml lists the packages (it maps notebooks/ into the package): none missing."""
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    found = {".".join(p.parent.relative_to(ROOT).parts)
             for p in (ROOT / "hls_workbook").rglob("__init__.py")}
    assert set(declared["packages"]) == found | {"hls_workbook.notebooks"}
    assert declared["package-dir"] == {"hls_workbook.notebooks": "notebooks"}

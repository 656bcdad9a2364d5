"""The package installs and runs anywhere: a wheel, a fresh virtual environment, an empty folder.

The wheel is built from a copy of the sources (the checkout is never written to, and only what
pyproject.toml declares reaches the wheel), with this environment's setuptools and no build
isolation, so nothing is downloaded. It is installed into a new virtual environment that
borrows its dependencies from this one (a .pth line to this site-packages; the package itself
comes only from the wheel). Then, from an empty temporary folder: the demo workbook, a report
(the notebook and the nbconvert template come from the installed package), new-notebook,
new-report and a report made from it, a batch, the
stage notebooks the app opens, and app --help. About 20 s.

Skipped only when no wheel can be built here (setuptools older than 70.1 without the wheel
package); `make test` installs the dev extra, which brings a setuptools that can.
"""

from __future__ import annotations

import importlib.metadata
import json
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from hls_workbook.ui import stages

ROOT = Path(__file__).resolve().parents[1]
PLACE = "millbrook"

pytestmark = [pytest.mark.slow, pytest.mark.install]


def _why_no_build() -> str:
    """Why a wheel cannot be built in this environment ('' when it can)."""
    try:
        version = importlib.metadata.version("setuptools")
    except importlib.metadata.PackageNotFoundError:
        return "setuptools is not installed"
    major_minor = tuple(int(p) for p in version.split(".")[:2] if p.isdigit())
    if major_minor >= (70, 1):
        return ""
    try:
        importlib.metadata.version("wheel")
    except importlib.metadata.PackageNotFoundError:
        return f"setuptools {version} needs the wheel package to build a wheel"
    return ""


def _clean_env(home: Path) -> dict[str, str]:
    """This environment without anything that would point the new one back at the checkout
    (a person's own Jupyter kernels included)."""
    drop = {"PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME", "JUPYTER_PATH", "PYTHONSTARTUP"}
    env = {k: v for k, v in os.environ.items()
           if k not in drop and not k.startswith("HLS_WORKBOOK_")}
    env["HLS_WORKBOOK_HEADLESS"] = "1"
    env["JUPYTER_DATA_DIR"] = str(home / "jupyter-data")
    return env


def _run(cmd: list[str], cwd: Path, timeout: float = 120) -> subprocess.CompletedProcess:
    env = _clean_env(Path(cmd[0]).parent.parent)
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=timeout, check=False)
    assert proc.returncode == 0, f"{cmd} failed:\n{proc.stdout}\n{proc.stderr}"
    return proc


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    why = _why_no_build()
    if why:
        pytest.skip(f"cannot build a wheel here: {why}")
    tmp = tmp_path_factory.mktemp("wheel")
    src = tmp / "src"
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".ipynb_checkpoints")
    for name in ("hls_workbook", "notebooks"):
        shutil.copytree(ROOT / name, src / name, ignore=ignore)
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, src / name)
    _run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-index",
          "--no-build-isolation", "--disable-pip-version-check", "-w", str(tmp / "dist"),
          str(src)], cwd=tmp)
    (built,) = (tmp / "dist").glob("hls_workbook-*.whl")
    return built


@pytest.fixture(scope="module")
def venv(wheel, tmp_path_factory) -> Path:
    """A fresh virtual environment with the wheel installed; its dependencies are borrowed."""
    root = tmp_path_factory.mktemp("venv") / "env"
    _run([sys.executable, "-m", "venv", "--without-pip", str(root)], cwd=root.parent)
    python = root / "bin" / "python"
    site = Path(_run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()"
                      "['purelib'])"], cwd=root).stdout.strip())
    borrowed = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    (site / "_hls_borrowed.pth").write_text("\n".join(sorted(borrowed)) + "\n")
    # The borrowed packages' data files too (nbconvert's and Voila's base templates), as
    # installing them would have put them; not the kernel specs, which name this Python.
    share = root / "share" / "jupyter"
    share.mkdir(parents=True)
    for name in ("nbconvert", "voila"):
        if (Path(sys.prefix) / "share" / "jupyter" / name).is_dir():
            (share / name).symlink_to(Path(sys.prefix) / "share" / "jupyter" / name)
    # --ignore-installed: this environment's own (editable) install is visible through the
    # borrowed path; it must be neither reused nor touched.
    _run([str(python), "-m", "pip", "install", "--quiet", "--no-deps", "--no-index",
          "--ignore-installed", "--disable-pip-version-check", str(wheel)], cwd=root)
    return root


@pytest.fixture(scope="module")
def empty(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("empty folder")


def test_the_wheel_carries_the_notebooks_and_templates(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    wanted = [
        "hls_workbook/notebooks/report.ipynb",
        *(f"hls_workbook/notebooks/{stage}.ipynb" for stage in stages.STAGES),
        "hls_workbook/templates/analysis.ipynb",
        "hls_workbook/templates/hls_report/conf.json",
        "hls_workbook/templates/hls_report/index.html.j2",
        "hls_workbook/templates/hls_report/report.css",
        "hls_workbook/templates/voila/templates/hls_app/conf.json",
        "hls_workbook/templates/voila/templates/hls_app/index.html.j2",
    ]
    assert not [name for name in wanted if name not in names]
    assert not [name for name in names if "__pycache__" in name or name.startswith("notebooks/")]


def test_the_installed_package_is_the_wheel(venv, empty):
    code = ("import hls_workbook, hls_workbook.config as c, hls_workbook.ui.app as a; "
            "print(hls_workbook.__file__); print(c.notebooks_dir()); print(c.templates_dir()); "
            "print(a.resolve_notebook('learning')); "
            "from jupyter_client.kernelspec import KernelSpecManager as K; "
            "print(K().get_kernel_spec('python3').argv[0])")
    out = _run([str(venv / "bin" / "python"), "-c", code], cwd=empty).stdout.split()
    assert all(line.startswith(str(venv)) for line in out), out
    assert out[3].endswith("3_learning.ipynb")
    assert out[4] == str(venv / "bin" / "python")  # the kernel imports the wheel's package


def test_demo_report_and_new_notebook_from_an_empty_folder(venv, empty):
    exe = str(venv / "bin" / "hls-workbook")
    # `init` sets the folder up: the team's workbook and the stage notebooks to fill in,
    # which run there (here as a page to keep) on the workbook beside them.
    _run([exe, "init", "--place", "north-ward", "--focus", "Less loneliness"], cwd=empty)
    assert (empty / "data" / "workbook.db").exists()
    copied = sorted(p.name for p in (empty / "notebooks").glob("*.ipynb"))
    assert copied == [f"{stage}.ipynb" for stage in stages.STAGES]
    _run([exe, "stage-page", "notebooks/1_getting_started.ipynb", "--place", "north-ward"],
         cwd=empty)
    page = (empty / "reports" / "north-ward-1_getting_started.html").read_text("utf-8")
    assert "Less loneliness" in page and "application/vnd.jupyter.widget-view" not in page

    _run([exe, "demo", "--places", "1", "--no-reports"], cwd=empty)
    assert (empty / "data" / "demo.db").exists()  # the working folder's data/

    out = _run([exe, "report", "--db", "data/demo.db", "--place", PLACE, "--from",
                "2026-01-01", "--to", "2026-12-31", "--audience", "public"], cwd=empty)
    (html,) = (empty / "reports").glob(f"{PLACE}_*_public.html")
    page = html.read_text(encoding="utf-8")
    assert "Millbrook" in page and "<style" in page, out.stdout
    assert "http://" not in page.replace("http://www.w3.org", "")  # nothing fetched

    _run([exe, "new-notebook", "mine"], cwd=empty)
    made = empty / "notebooks" / "mine.ipynb"
    template = ROOT / "hls_workbook" / "templates" / "analysis.ipynb"
    assert json.loads(made.read_text(encoding="utf-8")) == json.loads(
        template.read_text(encoding="utf-8"))
    # A team's own report notebook, made from the installed package's, and a batch.
    _run([exe, "new-report", "ours"], cwd=empty)
    assert (empty / "notebooks" / "ours.ipynb").exists()
    _run([exe, "report", "--db", "data/demo.db", "--place", PLACE, "--from", "2026-01-01",
          "--to", "2026-03-31", "--audience", "team", "--notebook", "notebooks/ours.ipynb"],
         cwd=empty)
    assert list((empty / "reports").glob(f"{PLACE}_2026-01-01_2026-03-31_team.html"))
    _run([exe, "batch", "--db", "data/demo.db", "--from", "2026-01-01", "--to", "2026-03-31",
          "--audience", "partners", "--workers", "1"], cwd=empty)
    assert (empty / "reports" / "batch-manifest.json").exists()

    assert "Usage" in _run([exe, "app", "--help"], cwd=empty).stdout
    # A notebook there runs in notebooks/, and finds the working folder's database.
    code = "from hls_workbook import config; print(config.resolve_db())"
    shown = _run([str(venv / "bin" / "python"), "-c", code], cwd=empty / "notebooks").stdout
    assert shown.strip() == str(empty / "data" / "workbook.db")
    leftovers = {p.name for p in empty.iterdir()}
    assert leftovers == {"data", "reports", "notebooks"}, leftovers

"""Paths and environment variables, read in one place.

Every setting is read when it is asked for (not at import), so a notebook, a test or the
app can change it on the fly. The order for the database is always: what the caller gave
(``--db``, a notebook's ``db``), then ``$HLS_WORKBOOK_DB``, then ``data/workbook.db``.
Domain layer: imports nothing from the package.
"""

from __future__ import annotations

import os
from importlib.resources import files
from pathlib import Path

#: The database to use when none is given: a file path or any SQLAlchemy URL.
DB_ENV = "HLS_WORKBOOK_DB"
#: Set to 1 to build forms without showing them (tests, papermill runs of stage notebooks).
HEADLESS_ENV = "HLS_WORKBOOK_HEADLESS"
#: Set to 1 to see the full technical detail of an unexpected error.
DEBUG_ENV = "HLS_WORKBOOK_DEBUG"
#: The Chromium to print PDFs with, when it is not on the PATH.
CHROMIUM_ENV = "HLS_WORKBOOK_CHROMIUM"
#: Set to 0 to make reports with plain papermill (a new kernel each) instead of one warm
#: kernel: slower, the same output; for when the warm engine is suspected of a fault.
WARM_KERNEL_ENV = "HLS_WORKBOOK_WARM_KERNEL"
#: Set by ``hls-workbook app`` for its kernels: the page shows one section at a time, so
#: a stage builds a section's forms when its page is opened rather than all at once.
APP_ENV = "HLS_WORKBOOK_APP"

_TRUE = ("1", "true", "yes", "on")


def _flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in _TRUE


def _checkout() -> Path | None:
    """The source checkout this package runs from (an editable install), if it does."""
    here = Path(__file__).resolve().parents[1]
    if (here / "pyproject.toml").exists() and (here / "notebooks").exists():
        return here
    return None


def project_root() -> Path:
    """The working folder, holding data/, reports and an analyst's own notebooks/: the current
    folder, or the source checkout when the package runs from one and the current folder is
    in it (``make demo``, JupyterLab's kernels in its notebooks/).

    From any other folder a checkout's command works there, as an installed wheel's does:
    its database and its reports stay together, and a team's workbook never lands in the
    checkout. A notebook's kernel runs in the notebook's folder: for a notebook in the
    working folder's notebooks/ (where new-notebook puts it, beside data/), that is the
    working folder's notebooks/, so its parent is the working folder.
    """
    here = Path.cwd()
    checkout = _checkout()
    if checkout is not None and (here == checkout or checkout in here.parents):
        return checkout
    if here.name == "notebooks" and (here.parent / "data").is_dir():
        return here.parent
    return here


def package_path(*parts: str) -> Path:
    """A file or folder shipped inside the package (its templates), as a real path.

    Found through importlib.resources, so it is the same in a checkout and in an installed
    wheel. The package is always installed as plain files (never zipped), so nbconvert,
    Voila and shutil can read what this returns.
    """
    return Path(str(files(__package__ or "hls_workbook").joinpath(*parts)))


def templates_dir() -> Path:
    """The package's templates: hls_report (nbconvert), voila/ (the app) and the analysts'
    notebook template."""
    return package_path("templates")


def notebooks_dir() -> Path:
    """The notebooks the commands and the app run: report.ipynb and the stage notebooks.

    An installed wheel carries them in the package (hls_workbook/notebooks/); a checkout
    (an editable install) runs its notebooks/ folder, the one copy, which the wheel is
    built from (see pyproject.toml).
    """
    shipped = package_path("notebooks")
    if shipped.is_dir():
        return shipped
    return (_checkout() or Path(__file__).resolve().parent) / "notebooks"


def demo_db() -> Path:
    """Where ``hls-workbook demo`` builds the demo when no --db is given: data/demo.db in
    the working folder (the checkout, else the current folder)."""
    return project_root() / "data" / "demo.db"


def default_db() -> Path:
    return project_root() / "data" / "workbook.db"


def resolve_db(db: str | os.PathLike[str] | None = None) -> str:
    """The database to use: the one given, else $HLS_WORKBOOK_DB, else data/workbook.db."""
    chosen = db if db not in (None, "") else os.environ.get(DB_ENV) or default_db()
    return str(chosen)


def is_url(location: str | os.PathLike[str]) -> bool:
    """Is this database location a URL (``postgresql://...``, ``sqlite:///...``) rather than
    a file path? A URL is never turned into a path: ``Path`` would fold its ``//``."""
    return "://" in str(location)


def headless(interactive: bool | None = None) -> bool:
    """Show text instead of live widgets? When ``interactive`` (a notebook parameter) is
    False, or when ``$HLS_WORKBOOK_HEADLESS`` says so: the variable always wins, because it
    is set where nobody could use a widget (papermill runs, reports, tests). The one rule
    for forms, stages and live lists."""
    return _flag(HEADLESS_ENV) or interactive is False


def in_app() -> bool:
    """Is this kernel serving a page of ``hls-workbook app`` (the guided walk)?"""
    return _flag(APP_ENV)


def warm_kernel() -> bool:
    """Make reports on one warm kernel (the default), or with plain papermill?"""
    return os.environ.get(WARM_KERNEL_ENV, "1").strip().lower() in _TRUE


def debug() -> bool:
    """Show tracebacks instead of one plain line?"""
    return _flag(DEBUG_ENV)


def chromium_env() -> str | None:
    """The Chromium path a person gave in $HLS_WORKBOOK_CHROMIUM, if any."""
    return os.environ.get(CHROMIUM_ENV) or None

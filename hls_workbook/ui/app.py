"""App mode: a stage notebook as a code-free web app, served by Voilà.

Participants see only the guidance, the forms and the summaries: no code, no cells to edit,
no way to run code of their own (Voilà passes only widget messages to the kernel, never a
request to execute code). Each browser tab gets its own kernel; every form saves to the
same workbook, so a room full of people can fill in one stage at once.

From the command line::

    hls-workbook app 1_getting_started --place millbrook --role charity

From Python::

    from hls_workbook.ui.app import run_app
    run_app("1_getting_started", db="data/workbook.db", port=8866)

The stage notebook itself is never changed: it is copied to a temporary folder with the
chosen database, place and role written in (the way papermill passes parameters), and Voilà
serves that copy. The server listens on 127.0.0.1 unless told otherwise; see
docs/app-mode.md before opening it to other machines.
"""

from __future__ import annotations

import os
import re
import sys
import tempfile
from pathlib import Path
from typing import Annotated, Any

import typer

from hls_workbook import config
from hls_workbook.domain.errors import WorkbookError

__all__ = ["AppError", "app_command", "prepare_notebook", "resolve_notebook", "run_app",
           "voila_argv"]

#: Voilà's usual port; the next free one is taken if it is busy.
DEFAULT_PORT = 8866
DEFAULT_IP = "127.0.0.1"
#: Kernels kept warm (the notebook already run) for the next participants to open the page.
POOL_SIZE = 1
#: Seconds after a participant takes a warm kernel before the pool warms the next one:
#: long enough for that page to be usable first, short enough for the next participant.
FILL_DELAY = 2.0

#: JupyterLab extensions installed beside the app that its page does not load.
NOT_ON_THE_PAGE = ("jupyterlab-jupytext", "@voila-dashboards/jupyterlab-preview",
                   "jupyterlab_pygments", "hls-workbook", "@jupyter/collaboration-extension",
                   "@jupyter/docprovider-extension")

#: The last cell of the app's copy (see stages.participant_arrived).
ARRIVED = "from hls_workbook.ui import stages as _stages\n_stages.participant_arrived()"

#: Words for JupyterLab only, taken out of the app's copy of a notebook.
LAB_ONLY = ("(In JupyterLab the forms appear by themselves a few seconds after the notebook "
            "opens; if they do not, choose *Run → Run All Cells*.) ")


class AppError(WorkbookError):
    """The app could not start; the message says what to do."""


def _stages() -> dict[str, str]:
    from hls_workbook.ui.stages import STAGES

    return STAGES


def resolve_notebook(notebook: str | os.PathLike[str]) -> Path:
    """The stage notebook meant by a name like '1_getting_started', '1', 'learning', or a path.

    Raises AppError naming the stages when nothing matches.
    """
    from hls_workbook.config import notebooks_dir

    text = str(notebook).strip()
    given = Path(text).expanduser()
    if given.suffix == ".ipynb" and given.exists():
        return given.resolve()
    folder = notebooks_dir()
    stem = given.name.removesuffix(".ipynb").lower()
    stages = _stages()
    matches = [s for s in stages if stem in (s, s.split("_", 1)[0], s.split("_", 1)[1])]
    if len(matches) == 1 and (folder / f"{matches[0]}.ipynb").exists():
        return (folder / f"{matches[0]}.ipynb").resolve()
    names = ", ".join(stages)
    raise AppError(f"'{text}' is not a stage notebook. Use one of: {names} (or a path to an "
                   ".ipynb file).")


def for_the_app(text: str) -> str:
    """A notebook's guidance in the app's words: no JupyterLab instructions, no file
    names ('**2_experimentation**' is the stage's title), pages rather than notebooks."""
    text = text.replace(LAB_ONLY, "")
    text = text.replace("This notebook", "This page").replace("In this notebook", "Here")
    stages = _stages()
    return re.sub(r"\*\*(\d_[a-z_]+)\*\*",
                  lambda m: f"*{stages[m[1]]}*" if m[1] in stages else m[0], text)


def prepare_notebook(
    notebook: str | os.PathLike[str], folder: str | os.PathLike[str], *,
    db: str | os.PathLike[str] | None = None, place: str | None = None,
    role: str | None = None,
) -> Path:
    """Copy a stage notebook into `folder` with its parameters set for live forms.

    Like papermill, this adds an 'injected-parameters' cell after the parameters cell:
    ``interactive = True`` always, and the database, place and role when given. A database
    path is made absolute, because the app's kernel runs in another folder.
    """
    import nbformat
    from papermill.parameterize import parameterize_notebook

    source = resolve_notebook(notebook)
    nb = nbformat.read(source, as_version=4)
    parameters: dict[str, Any] = {"interactive": True}
    if db not in (None, ""):
        text = str(db)
        parameters["db"] = text if "://" in text else str(Path(text).expanduser().resolve())
    if place:
        parameters["place"] = str(place)
    if role is not None:  # "" too: every participant chooses their own
        parameters["role"] = str(role)
    nb.metadata.setdefault("papermill", {})  # what papermill's own runs add first
    for cell in nb.cells:  # ... and a tags list on every cell
        cell.metadata.setdefault("tags", [])
    nb = parameterize_notebook(nb, parameters, kernel_name="python3", language="python")
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            cell.source = for_the_app(cell.source)
    # A warm kernel waits here for its participant, then offers back drafts kept since.
    arrived = nbformat.v4.new_code_cell(ARRIVED)
    arrived.metadata["tags"] = ["hls-app-arrived"]
    nb.cells.append(arrived)
    # The page's title: the stage's own name, not the file name.
    title = nb.metadata.get("hls", {}).get("title") or _stages().get(source.stem)
    if title:
        nb.metadata["title"] = f"{title}: HLS Workbook"
    target = Path(folder) / source.name
    target.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, target)
    return target


def template_root() -> Path:
    """The folder that holds our Voila template (voila/templates/hls_app), in the package."""
    from hls_workbook.config import templates_dir

    return templates_dir()


def _add_template_path() -> None:
    """Let Voila find the hls_app template: Jupyter looks in $JUPYTER_PATH/voila/templates."""
    root = str(template_root())
    paths = [p for p in os.environ.get("JUPYTER_PATH", "").split(os.pathsep) if p]
    if root not in paths:
        os.environ["JUPYTER_PATH"] = os.pathsep.join([root, *paths])


def voila_argv(path: str | os.PathLike[str], *, port: int | None = None,
               open_browser: bool = False, ip: str = DEFAULT_IP) -> list[str]:
    """Voilà's command-line arguments for serving one prepared notebook, code hidden."""
    argv = [
        str(path),
        f"--Voila.ip={ip}",
        "--strip_sources=True",  # no code on the page
        "--show_tracebacks=False",  # a team member never sees a traceback
        "--theme=light",
        "--template=hls_app",  # Voila's lab template, offline and easier to read
        # A participant's page is ready at once: each page takes a kernel that has already
        # run the notebook (the pool then warms another).
        "--preheat_kernel=True",
        f"--pool_size={POOL_SIZE}",
    ]
    if port:
        argv.append(f"--port={int(port)}")
    if not open_browser:
        argv.append("--no-browser")
    return argv


def voila_config(folder: str | os.PathLike[str]) -> Any:
    """The settings Voilà takes as configuration: no file served from the folder, kernels
    reached through local sockets, and the notebook copy signed as trusted (its signature
    and key kept in ``folder``, the app's temporary folder, never in the user's files)."""
    from traitlets.config import Config

    config = Config()
    config.VoilaConfiguration.file_allowlist = ["(?!)"]  # serve no files from the folder
    # The page needs the widgets, not the extensions for JupyterLab installed beside them
    # (jupytext's, Voilà's own preview, code highlighting): they only slow the page down.
    config.VoilaConfiguration.extension_denylist = list(NOT_ON_THE_PAGE)
    # Local (IPC) sockets: the kernel and the server talk through files only this user can
    # open, rather than over TCP in plain text (which the kernel warns about).
    config.KernelManager.transport = "ipc"
    config.NotebookNotary.data_dir = str(folder)
    # The pool warms the next kernel once this participant's page is usable, not while it
    # loads: on a small machine the two would share its cores.
    config.VoilaKernelManager.fill_delay = FILL_DELAY
    # Jupyter Server waits three pings for a pong, which Tornado refuses (and says so on
    # every page opened): wait one ping, as Tornado asks.
    config.Voila.tornado_settings = {"ws_ping_timeout": 30_000}
    return config


def _sign(path: Path, folder: str | os.PathLike[str]) -> None:
    """Mark the copy as trusted, as Jupyter does for a notebook its user has run."""
    import nbformat
    from nbformat.sign import NotebookNotary

    notary = NotebookNotary(data_dir=str(folder))
    nb = nbformat.read(path, as_version=4)
    notary.sign(nb)
    notary.store.close()


def run_app(
    notebook: str | os.PathLike[str],
    *,
    db: str | os.PathLike[str] | None = None,
    port: int | None = None,
    open_browser: bool = False,
    place: str | None = None,
    role: str | None = None,
    ip: str = DEFAULT_IP,
) -> None:
    """Serve a stage notebook as a code-free app with Voilà, until stopped (Ctrl+C).

    ``notebook`` is a stage ('1_getting_started', '2', 'learning', ...) or a path to a
    notebook. ``db`` empty means ``$HLS_WORKBOOK_DB``, else data/workbook.db; ``place`` and
    ``role`` default to the notebook's own. The server listens on ``ip`` (127.0.0.1: this
    machine only) and ``port`` (8866, or the next free one).
    """
    try:
        from voila.app import Voila
    except ImportError:
        raise AppError("App mode needs Voilà: pip install 'hls-workbook[app]'.") from None
    from hls_workbook.store.workbook import open_workbook

    open_workbook(db or None).close()  # a missing database is refused here, never created
    # The kernels run in the notebooks' folder, not here: they are told the database this
    # command checked (given, or $HLS_WORKBOOK_DB, or this working folder's default).
    text = config.resolve_db(db)
    os.environ[config.DB_ENV] = text if config.is_url(text) else str(
        Path(text).expanduser().resolve())
    # An app is for people filling in forms: never the headless, text-only mode; one page
    # per section, each section's forms built when its page is opened.
    os.environ.pop(config.HEADLESS_ENV, None)
    os.environ[config.APP_ENV] = "1"
    _add_template_path()
    with tempfile.TemporaryDirectory(prefix="hls-app-") as folder:
        notes = Path(folder) / "trust"
        notes.mkdir()
        path = prepare_notebook(notebook, Path(folder) / "app", db=db, place=place,
                                role=role or "")
        _sign(path, notes)
        Voila.launch_instance(argv=voila_argv(path, port=port, open_browser=open_browser,
                                              ip=ip), config=voila_config(notes))


def app_command(
    notebook: Annotated[str, typer.Argument(
        help="A stage notebook: 1_getting_started, 2_experimentation, 3_learning or "
             "4_relationships_and_support (or just 1 to 4).")],
    place: Annotated[str | None, typer.Option(
        help="Short name of the place, e.g. 'millbrook' (default: the notebook's).")] = None,
    role: Annotated[str | None, typer.Option(
        help="Which part of the system the saves come from, e.g. 'charity' (default: the "
             "notebook's).")] = None,
    db: Annotated[str | None, typer.Option(
        "--db", help="Database file or URL (default: $HLS_WORKBOOK_DB, else "
                     "data/workbook.db).", show_default=False)] = None,
    port: Annotated[int | None, typer.Option(
        help=f"Port to listen on (default: {DEFAULT_PORT}, or the next free one).")] = None,
    open_browser: Annotated[bool, typer.Option(
        "--open/--no-open", help="Open a browser tab on this machine.")] = False,
    ip: Annotated[str, typer.Option(
        help="Address to listen on. 127.0.0.1 means this machine only.")] = DEFAULT_IP,
) -> None:
    """Open a stage notebook as a code-free app: guidance, forms and summaries only."""
    try:
        run_app(notebook, db=db, port=port, open_browser=open_browser, place=place,
                role=role, ip=ip)
    except WorkbookError as exc:
        typer.echo(f"Error: {exc}", err=True)
        raise typer.Exit(1) from None


def main(argv: list[str] | None = None) -> None:
    """``python -m hls_workbook.ui.app 1_getting_started [--port N] ...``."""
    cmd = typer.Typer(add_completion=False, pretty_exceptions_enable=False)
    cmd.command()(app_command)
    cmd(args=argv if argv is not None else sys.argv[1:])


if __name__ == "__main__":
    main()

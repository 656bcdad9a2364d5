"""What every command shares: the ``--db`` option, ``friendly`` (every error one readable
line), ``fail`` (stop with one line), ``require_place`` (stop when the workbook has no
such place) and ``copy_notebook`` (a shipped notebook copied for a team).

The command modules import from here; ``hls_workbook.cli`` adds their commands to its app.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Annotated, Any

import typer

from hls_workbook import config
from hls_workbook.domain.errors import WorkbookError

DbOption = Annotated[
    str | None,
    typer.Option("--db", help="Database file or URL (default: $HLS_WORKBOOK_DB, else "
                 "data/workbook.db).", show_default=False),
]


def fail(message: str, code: int = 1) -> None:
    """Stop the command: the message as one line on stderr, and a non-zero exit code."""
    typer.echo(f"Error: {message}", err=True)
    raise typer.Exit(code)


def friendly(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Turn every error into one readable line; a traceback only with HLS_WORKBOOK_DEBUG=1."""

    @wraps(fn)
    def run(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except (typer.Exit, typer.Abort, SystemExit):
            raise
        except WorkbookError as exc:
            fail(str(exc))
        except OSError as exc:  # a file or folder we cannot read or write
            where = f" {exc.filename}" if exc.filename else ""
            fail(f"cannot use{where}: {exc.strerror or exc}. Check the path and that you "
                 "may write there. Nothing saved before was lost.")
        except KeyboardInterrupt:
            fail("stopped.", 130)
        except Exception as exc:  # noqa: BLE001 - the last line of defence for a person
            if config.debug():
                raise
            fail(
                f"something unexpected went wrong ({type(exc).__name__}: {exc}). Nothing "
                "saved before was lost. Run again with HLS_WORKBOOK_DEBUG=1 for details, and "
                "tell whoever looks after the workbook.",
                2,
            )

    return run


def require_place(wb: Any, place: str) -> None:
    """Stop with one line when the workbook has no such place, naming the places it has."""
    if wb.place_info(place) is None:
        fail(wb.no_such_place(place))


def copy_notebook(source: Path, target: Path) -> None:
    """Copy a shipped notebook to ``target`` as the team's own: not paired with a text file
    (its jupytext metadata dropped), otherwise byte for byte."""
    import shutil

    import nbformat

    target.parent.mkdir(parents=True, exist_ok=True)
    nb = nbformat.read(source, as_version=4)
    if "jupytext" in nb.metadata:
        nb.metadata.pop("jupytext")
        nbformat.write(nb, target)
    else:
        shutil.copyfile(source, target)

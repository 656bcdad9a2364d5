"""The `hls-workbook` command. Every error is one clear line and a non-zero exit code.

Every command that touches a database chooses it the same way: ``--db``, else the
``HLS_WORKBOOK_DB`` environment variable, else ``data/workbook.db``. The demo is the one
exception: it writes ``data/demo.db`` unless told otherwise, so fictional people never
mix with a team's real workbook.

The commands live by concern: ``workbook`` (init, demo, validate, withdraw),
``reports`` (next, funder-pack, words, report, batch), ``review``, and ``files`` (export,
import, new-notebook, dictionary); ``base`` holds what they share. Each lists its commands
(``COMMANDS``); they are added to ``app`` here, in the order ``--help`` lists them, and
``app`` (Voila) last.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import sys
import threading
from typing import NoReturn

import typer

from hls_workbook.cli import files, reports, review, workbook
from hls_workbook.cli.base import friendly
from hls_workbook.cli.workbook import summary_text
from hls_workbook.ui.app import app_command as _app_command  # light: typer and errors only

app = typer.Typer(
    help="HLS Workbook: record, learn and share the Human Learning Systems way.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

for _group in (workbook, reports, review, files):  # the order --help lists them in
    for _name, _command in _group.COMMANDS.items():
        app.command(name=_name)(_command)

# `hls-workbook app 1_getting_started`: a stage notebook as a code-free app (Voila).
app.command(name="app")(friendly(_app_command))


def main() -> None:
    """Entry point for the `hls-workbook` command."""
    try:
        code = app(prog_name="hls-workbook", standalone_mode=False)
    except SystemExit:
        raise
    except typer.Abort:
        typer.echo("Error: stopped.", err=True)
        sys.exit(130)
    except typer.TyperException as exc:  # a mistyped or missing option: one line, no box
        if type(exc).__name__ == "NoArgsIsHelpError":  # `hls-workbook` alone: help shown
            sys.exit(getattr(exc, "exit_code", 2))
        ctx = getattr(exc, "ctx", None)
        where = f" See: {ctx.command_path} --help" if ctx is not None else ""
        text = exc.format_message() if hasattr(exc, "format_message") else str(exc)
        typer.echo(f"Error: {text}.{where}".replace("..", "."), err=True)
        sys.exit(getattr(exc, "exit_code", 2))
    except Exception as exc:  # noqa: BLE001 - the last line of defence for a person
        typer.echo(f"Error: {exc}", err=True)
        sys.exit(2)
    _done(code if isinstance(code, int) else 0)


def _done(code: int) -> NoReturn:
    """End the command once its work is written, without Python's teardown.

    A report's command has loaded papermill, nbconvert, Jupyter's client and SQLAlchemy;
    tearing them down, object by object, took about 0.3 s of every report (as mypy does
    for the same reason, it is skipped). What must happen still does: threads still
    running are waited for, the exit handlers run (temporary folders, logging), and
    everything printed is flushed.
    """
    for thread in threading.enumerate():
        if thread is not threading.current_thread() and not thread.daemon:
            thread.join()
    atexit._run_exitfuncs()  # noqa: SLF001 - what interpreter shutdown would run first
    for stream in (sys.stdout, sys.stderr):
        # A reader that went away (`| head`), or a stream already closed.
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    os._exit(code)


__all__ = ["app", "friendly", "main", "summary_text"]

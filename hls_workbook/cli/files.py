"""Commands for records in and out as files, and files to start from: ``export`` (the
team's backup, or through the privacy gate for partners or the public), ``import``,
``new-notebook``, ``new-report``, ``stage-page`` (a stage notebook as a page to keep) and
``dictionary``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from hls_workbook import config
from hls_workbook.cli.base import DbOption, copy_notebook, fail, friendly


@friendly
def export(
    out: Annotated[Path, typer.Option(help="Folder (csv) or file (xlsx, json) to write.")],
    format: Annotated[str, typer.Option("--format", help="csv, xlsx or json.")] = "csv",
    place: Annotated[str | None, typer.Option(help="Only this place (default: all).")] = None,
    audience: Annotated[str | None, typer.Option(
        help="partners or public: only what they may see, through the privacy gate "
             "(needs --place). Leave it out for the team's backup.")] = None,
    start: Annotated[str, typer.Option("--from", help="With --audience: first day.")
                     ] = "1900-01-01",
    end: Annotated[str, typer.Option("--to", help="With --audience: last day.")
                   ] = "2199-12-31",
    db: DbOption = None,
) -> None:
    """Export every record kind to CSV files, an Excel workbook or JSON."""
    from hls_workbook.io.exchange import export as do_export
    from hls_workbook.store.workbook import open_workbook

    if audience is not None:
        from hls_workbook.config import resolve_db
        from hls_workbook.reporting.shared_export import export_for

        if not place:
            fail("--audience needs --place: an export to share is for one place.")
        paths = export_for(resolve_db(db), place, audience.strip().lower(), out, format,
                           start=start, end=end)
        for path in paths:
            typer.echo(f"Wrote {path}")
        return
    with open_workbook(db) as wb:
        paths = do_export(wb, out, format, place)
    for path in paths:
        typer.echo(f"Wrote {path}")


@friendly
def import_(
    path: Annotated[Path, typer.Argument(help="An export (folder, .xlsx, .json), or one CSV "
                                         "or Excel file of one record kind.")],
    place: Annotated[str | None, typer.Option(help="Put every record in this place (one "
                                              "the workbook has).")] = None,
    kind: Annotated[str | None, typer.Option(help="The record kind of a single file, e.g. "
                                             "learning or burden.")] = None,
    map_file: Annotated[Path | None, typer.Option(
        "--map-file", help="A mapping file (.toml): which of your columns is which of our "
        "fields (see docs/analysts.md).")] = None,
    maps: Annotated[list[str] | None, typer.Option(
        "--map", help="One column: --map \"What happened=observation\" (repeat for more; "
        "\"Notes=\" leaves a column out).")] = None,
    dayfirst: Annotated[bool | None, typer.Option(
        "--dayfirst/--monthfirst", help="How to read dates such as 03/04/2026 (default: as "
        "the file's other dates show).", show_default=False)] = None,
    new_place: Annotated[bool, typer.Option(
        "--new-place", help="--place is a new place, on purpose.")] = False,
    db: DbOption = None,
    create: Annotated[bool, typer.Option(
        "--create", help="Start a new workbook at --db if there is none yet.")] = False,
) -> None:
    """Import records. Every row is checked; either all rows go in, or none do."""
    from hls_workbook.io.exchange import ImportFileError, import_path
    from hls_workbook.io.mapping import ColumnMap, read_map_file
    from hls_workbook.store.workbook import open_workbook

    if create and not path.exists():  # before --create makes an empty workbook for nothing
        raise ImportFileError(f"There is no file or folder at {path}. Check the name.", path)
    if new_place and not place:
        fail("--new-place goes with --place: name the new place, e.g. --place north-ward.")
    columns = (read_map_file(map_file) if map_file else ColumnMap()).with_options(maps)
    with open_workbook(db, create=create) as wb:
        result = import_path(wb, path, place=place, kind=kind, columns=columns or None,
                             dayfirst=dayfirst, new_place=new_place)
    typer.echo(str(result))


def _copy_notebook(name: str, folder: Path | None, source: Path, what: str) -> None:
    """Copy ``source`` to ``<folder>/<name>.ipynb`` (default: the working folder's
    notebooks/), refusing a bad name or a notebook that is there already."""
    import re

    from hls_workbook.config import project_root

    stem = name.removesuffix(".ipynb").strip()
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_-]{0,80}", stem):
        fail(f"'{name}' is not a usable notebook name; use letters, digits, - and _ only.")
    if not source.exists():
        fail(f"The {what} is missing: {source}.")
    target_dir = folder or project_root() / "notebooks"
    target = target_dir / f"{stem}.ipynb"
    if target.exists():
        fail(f"{target} already exists; choose another name.")
    copy_notebook(source, target)
    typer.echo(f"Created {target}")


@friendly
def new_notebook(
    name: Annotated[str, typer.Argument(help="Name of the new notebook, e.g. "
                                        "'funding_questions'.")],
    folder: Annotated[Path | None, typer.Option(help="Where to put it (default: "
                                                "notebooks/).")] = None,
) -> None:
    """Start a new analysis notebook from the analysts' template."""
    _copy_notebook(name, folder, config.templates_dir() / "analysis.ipynb",
                   "analysts' notebook template")


@friendly
def new_report(
    name: Annotated[str, typer.Argument(help="Name of the team's report notebook, e.g. "
                                        "'our_report'.")],
    folder: Annotated[Path | None, typer.Option(help="Where to put it (default: "
                                                "notebooks/).")] = None,
) -> None:
    """Copy the report notebook for a team's own report: add cells tagged section:<id>,
    then make it with: hls-workbook report --notebook notebooks/NAME.ipynb ..."""
    _copy_notebook(name, folder, config.notebooks_dir() / "report.ipynb", "report notebook")


@friendly
def stage_page(
    notebook: Annotated[str, typer.Argument(help="A stage notebook, e.g. "
                                            "'1_getting_started', 'learning' or a path.")],
    place: Annotated[str, typer.Option(help="Short name of the place, e.g. 'millbrook'.")],
    db: DbOption = None,
    out: Annotated[Path | None, typer.Option(help="The page to write (default: "
                                             "reports/PLACE-NOTEBOOK.html).")] = None,
) -> None:
    """A stage notebook as one HTML page for the team: what is recorded so far and each
    form's questions, without live forms; it opens offline."""
    from hls_workbook.reporting.stage_page import stage_page as make_page
    from hls_workbook.ui.app import resolve_notebook  # the app's names: '3', 'learning'

    source = resolve_notebook(notebook)
    target = out or Path("reports") / f"{place}-{source.stem}.html"
    typer.echo(f"Page: {make_page(source, place=place, out=target, db=db)}")
    typer.echo("For the team only: it holds what the team records. Do not forward it.")


@friendly
def dictionary(
    out: Annotated[Path | None, typer.Option(help="Write to this file instead of the "
                                             "screen.")] = None,
) -> None:
    """Print (or write) the data dictionary: every record kind and field."""
    from hls_workbook.io.dictionary import render

    text = render()
    if out is None:
        typer.echo(text)
        return
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    typer.echo(f"Wrote {out}")


#: This module's commands by name, in the order ``--help`` lists them.
COMMANDS = {
    "export": export,
    "import": import_,
    "new-notebook": new_notebook,
    "new-report": new_report,
    "stage-page": stage_page,
    "dictionary": dictionary,
}

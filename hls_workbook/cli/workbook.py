"""Commands that make and look after a workbook: ``init``, ``demo`` (the fictional town,
then its reports), ``validate`` and ``withdraw`` (a storyteller's words taken out).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from hls_workbook import config
from hls_workbook.cli.base import DbOption, copy_notebook, fail, friendly


@friendly
def init(
    db: DbOption = None,
    place: Annotated[str | None, typer.Option(help="Short name of a first place, e.g. "
                                              "'millbrook'.")] = None,
    name: Annotated[str | None, typer.Option(help="The place's full name.")] = None,
    focus: Annotated[str | None, typer.Option(help="The shared focus, in a sentence.")] = None,
    notebooks: Annotated[bool, typer.Option(help="Copy the stage notebooks into this "
                                            "folder's notebooks/ to open in JupyterLab.")
                         ] = True,
) -> None:
    """Set up a working folder: a new, empty workbook database (data/workbook.db unless
    --db says otherwise), optionally a first place, and the stage notebooks to fill in."""
    from hls_workbook.store.workbook import open_workbook

    if place is not None and not focus:
        fail("give the place's shared focus with --focus \"...\" (one sentence)")

    with open_workbook(db, create=True) as wb:
        if place is not None:
            wb.set_place(place, {"name": name or place.replace("-", " ").title(),
                                 "shared_focus": focus})
        typer.echo(f"Workbook ready: {wb.shown}")
        places = wb.places()
        if places:
            typer.echo("Places: " + ", ".join(places))
    if notebooks:
        _stage_notebooks(config.project_root() / "notebooks")


def _stage_notebooks(folder: Path) -> None:
    """Copy the stage notebooks into ``folder``, keeping any the team has already (never
    overwritten: they may hold the team's own cells)."""
    shipped = sorted(config.notebooks_dir().glob("[0-9]_*.ipynb"))
    made = []
    for source in shipped:
        target = folder / source.name
        if not target.exists():
            copy_notebook(source, target)
            made.append(source.stem)
    if made:
        typer.echo(f"Notebooks to fill in, in {folder}: " + ", ".join(made))
    elif shipped:
        typer.echo(f"Notebooks: {folder} (already there, left as they are)")
    typer.echo("Open them in JupyterLab, or as an app: hls-workbook app 1_getting_started")


@friendly
def demo(
    db: Annotated[str, typer.Option("--db", help="Where to build the demo database.")] = "",
    places: Annotated[int, typer.Option(min=1, max=200, help="How many fictional places.")] = 1,
    scale: Annotated[int, typer.Option(min=1, max=1000, help="Multiply the records per place "
                                       "(for benchmarks).")] = 1,
    reports: Annotated[bool, typer.Option(help="Also build the demo reports.")] = True,
    out: Annotated[Path, typer.Option(help="Folder for the demo reports.")] = Path("reports"),
) -> None:
    """Build the fictional demo town (Millbrook) from scratch, then its reports."""
    import time

    from hls_workbook.demo import build_demo_places
    from hls_workbook.store.workbook import open_workbook

    # A URL stays a string: Path() would fold its "//" and make a SQLite file of it.
    path = db or str(config.demo_db())
    if not config.is_url(path):
        _remove_demo_file(Path(path))
    started = time.perf_counter()
    with open_workbook(path, create=True) as wb:
        if config.is_url(path) and wb.places():
            fail(f"the database at {wb.shown} already holds places ({', '.join(wb.places())}); "
                 "the demo is built only into an empty database. Give a new one with --db.")
        names = build_demo_places(wb, places, scale=scale)
        counts = wb.counts()
        took = time.perf_counter() - started
        typer.echo(f"Demo workbook: {wb.shown}")
        typer.echo(f"Built {len(names)} place(s) with {sum(counts.values()):,} records in "
                   f"{took:.1f} s.")
        typer.echo(summary_text(wb, names[0]))
    if reports:
        _demo_reports(path, names[0], out)


def _demo_reports(db: str, place: str, out: Path) -> None:
    from hls_workbook.reporting.reports import build_demo_reports

    for path in build_demo_reports(db, place, out):
        typer.echo(f"Report: {path}")


def _remove_demo_file(path: Path) -> None:
    """Remove an old demo database, but never a team's real workbook."""
    if not path.exists():
        return
    from hls_workbook.store.workbook import open_workbook

    with open_workbook(path) as wb:
        from hls_workbook.demo import place_names

        real = [p for p in wb.places() if p not in place_names(200)]
    if real:
        fail(f"{path} holds real places ({', '.join(real)}); the demo will not replace it. "
             "Choose another file with --db.")
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)


def summary_text(wb: Any, place: str) -> str:
    """A short plain-text summary of a place: what is recorded and a few headlines."""
    counts = wb.counts(place)
    p = wb.table("place", place)
    lines = []
    if len(p):
        row = p.iloc[0]
        lines += [f"{row['name']}: {row['shared_focus']}", ""]
    labels = {
        "voice": "stories from people", "meeting": "meetings", "experiment": "experiments",
        "review": "after-action reviews", "learning": "pieces of learning",
        "share": "times learning was shared", "pulse": "pulse answers",
        "burden": "funding requirements audited", "partner": "partners",
    }
    for kind, label in labels.items():
        lines.append(f"  {counts.get(kind, 0):>5}  {label}")
    learning = wb.table("learning", place)
    if len(learning):
        kinds = learning["kind_of_learning"].value_counts()
        lines.append("")
        lines.append(
            "Learning: "
            + ", ".join(f"{int(kinds.get(k, 0))} {k}s" for k in
                        ("breakthrough", "disappointment", "surprise"))
        )
    return "\n".join(lines)


@friendly
def validate(db: DbOption = None) -> None:
    """Check a database and list any problems (exit code 1 if there are any)."""
    from hls_workbook.store.checks import check_workbook
    from hls_workbook.store.workbook import open_workbook

    with open_workbook(db) as wb:
        problems = check_workbook(wb)
        if not problems:
            counts = wb.counts()
            typer.echo(f"{wb.shown}: no problems found in {sum(counts.values()):,} records.")
            return
        typer.echo(f"{wb.shown}: {len(problems)} problem(s) found:")
        for problem in problems:
            typer.echo(f"  - {problem}")
        raise typer.Exit(1)


@friendly
def withdraw(
    story: Annotated[int, typer.Argument(help="The story's number (# in the voices list).")],
    on: Annotated[str | None, typer.Option(help="The day they asked (default: today).")] = None,
    db: DbOption = None,
) -> None:
    """Take a story out because the storyteller asked: its words leave every version."""
    from hls_workbook.store.workbook import open_workbook

    with open_workbook(db) as wb:  # the date is checked like the form's "Withdrawn on"
        version = wb.withdraw_consent(story, on=on)
    typer.echo(f"Story #{story} is withdrawn (version {version}): its words are erased from "
               "every version and it will leave every report. Reports already sent out "
               "still hold it: ask whoever received them to delete them.")


#: This module's commands by name, in the order ``--help`` lists them.
COMMANDS = {"init": init, "demo": demo, "validate": validate, "withdraw": withdraw}

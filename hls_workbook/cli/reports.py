"""Commands that read a place's records for people: ``next`` (what needs doing now),
``funder-pack``, ``words`` (words the glossary says to avoid), ``report``, ``batch``
(many reports at once) and ``overview`` (places side by side).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from hls_workbook.cli.base import DbOption, fail, friendly, require_place


@friendly
def next_(
    place: Annotated[str, typer.Option(help="Short name of the place, e.g. 'millbrook'.")],
    on: Annotated[str | None, typer.Option(help="As of this day, e.g. 2026-11-30 (default: "
                                           "today).")] = None,
    db: DbOption = None,
) -> None:
    """List what needs doing now for a place, the most urgent first (for the team only)."""
    import datetime as dt

    from hls_workbook.domain.kinds import as_date
    from hls_workbook.store.workbook import check_place, open_workbook
    from hls_workbook.ui import stages

    day = as_date(on, "--on") or dt.date.today()
    place = check_place(place)
    with open_workbook(db) as wb:
        require_place(wb, place)
        todo = stages.next_steps(wb, place, day)
    when = f"{day.day} {day:%B %Y}"
    if todo.empty:
        typer.echo(f"Nothing needs doing now in {place} (as of {when}).")
        return
    what = "thing needs" if len(todo) == 1 else "things need"
    typer.echo(f"{len(todo)} {what} doing now in {place} (as of {when}), the most urgent "
               "first:")
    for n, row in enumerate(todo.to_dict("records"), start=1):
        days = int(row["overdue_days"])
        late = "due today" if days <= 0 else f"{days} day{'s' if days != 1 else ''} overdue"
        typer.echo(f"{n}. {' '.join(str(row['sentence']).split())} ({late}; where: "
                   f"{stages.where_to(row['stage'], row['section'])})")


@friendly
def funder_pack(
    place: Annotated[str, typer.Option(help="Short name of the place, e.g. 'millbrook'.")],
    funder: Annotated[str, typer.Option(help="The funder, as the paperwork records name it.")],
    start: Annotated[str | None, typer.Option("--from", help="First day of the year (default: "
                                              "a year before --to).")] = None,
    end: Annotated[str | None, typer.Option("--to", help="Last day of the year (default: "
                                            "today).")] = None,
    out: Annotated[Path, typer.Option(help="Folder for the page.")] = Path("reports"),
    db: DbOption = None,
) -> None:
    """A funder conversation pack: one funder's paperwork against the sector's figures, as
    one offline page for the funder (partners' view) and a summary here."""
    from hls_workbook.config import resolve_db
    from hls_workbook.reporting import funder_pack as fp
    from hls_workbook.store.workbook import check_place, open_workbook

    place = check_place(place)
    with open_workbook(db) as wb:
        require_place(wb, place)
    pack = fp.build(resolve_db(db), place, funder, start, end)
    path = fp.write(pack, out)
    typer.echo(fp.summary_text(pack))
    typer.echo(f"Page: {path}")


@friendly
def words(
    place: Annotated[str, typer.Option(help="Short name of the place, e.g. 'millbrook'.")],
    db: DbOption = None,
) -> None:
    """Where the team's own text uses a word the glossary says to avoid, with the agreed
    words beside it (for the team only)."""
    from hls_workbook import privacy
    from hls_workbook.analysis.language import avoided_words
    from hls_workbook.config import resolve_db
    from hls_workbook.store.workbook import check_place, open_workbook

    place = check_place(place)
    with open_workbook(db) as wb:
        require_place(wb, place)
    tables = privacy.open_tables(resolve_db(db), place, "1900-01-01", "2199-12-31", "team")
    found = avoided_words(tables)
    if found.empty:
        typer.echo(f"No word the glossary says to avoid is used in {place}'s records.")
        return
    n = len(found)
    typer.echo(f"{n} use{'s' if n != 1 else ''} of words to avoid in {place} (for the team "
               "only):")
    for i, r in enumerate(found.to_dict("records"), start=1):
        agreed = r["term"] + (f": {r['plain_meaning']}" if r["plain_meaning"] else "")
        typer.echo(f"{i}. '{r['found']}' in {r['kind_label']} #{r['record_id']} "
                   f"({r['record']}), {r['field_label']}: \"{r['sentence']}\" "
                   f"Agreed words: {agreed}")


@friendly
def report(
    place: Annotated[str, typer.Option(help="Short name of the place, e.g. 'millbrook'.")],
    start: Annotated[str, typer.Option("--from", help="First day of the period, e.g. "
                                       "2026-01-01.")],
    end: Annotated[str, typer.Option("--to", help="Last day of the period, e.g. 2026-03-31.")],
    audience: Annotated[str, typer.Option(help="Who will read it: team, partners or "
                                          "public.")] = "team",
    db: DbOption = None,
    out: Annotated[Path, typer.Option(help="Folder for the report.")] = Path("reports"),
    title: Annotated[str | None, typer.Option(help="A title for the report.")] = None,
    threshold: Annotated[str, typer.Option(help="Hide counts of people below this in "
                                           "public reports (5 or more).")] = "5",
    pdf: Annotated[bool, typer.Option("--pdf", help="Also print a PDF (needs Chromium).")] = False,
    keep_notebook: Annotated[bool, typer.Option(help="Keep the executed notebook.")] = False,
    notebook: Annotated[Path | None, typer.Option(
        help="A team's own report notebook (made by new-report) instead of the "
        "standard one.")] = None,
) -> None:
    """Make a report for one place, period and audience (HTML, and PDF with --pdf)."""
    from hls_workbook.reporting.engine import start_early

    kernel = start_early()  # it boots while the rest of the package is imported
    from hls_workbook.reporting.reports import build_report

    result = build_report(place, start, end, audience, db=db, out=out, title=title,
                          threshold=threshold, pdf=pdf, progress=True,
                          keep_notebook=keep_notebook, notebook=notebook, kernel=kernel)
    typer.echo(f"Report: {result.html}")
    if result.pdf:
        typer.echo(f"PDF: {result.pdf}")
    if result.notebook:
        typer.echo(f"Notebook: {result.notebook}")
    for message in result.messages:
        typer.echo(message, err=True)


@friendly
def overview(
    start: Annotated[str, typer.Option("--from", help="First day of the period, e.g. "
                                       "2026-01-01.")],
    end: Annotated[str, typer.Option("--to", help="Last day of the period, e.g. 2026-03-31.")],
    audience: Annotated[str, typer.Option(help="Who will read it: team, partners or "
                                          "public.")] = "partners",
    place: Annotated[list[str] | None, typer.Option(help="A place (repeat for more); "
                                                    "default: every place.")] = None,
    db: DbOption = None,
    out: Annotated[Path, typer.Option(help="Folder for the page.")] = Path("reports"),
    threshold: Annotated[str, typer.Option(help="Hide averages of fewer people than this "
                                           "(5 or more in public).")] = "5",
) -> None:
    """One page setting places side by side for a period: meetings kept, learning shared,
    paperwork and the behaviour pulse, each through the privacy rules for the audience."""
    from hls_workbook.config import resolve_db
    from hls_workbook.reporting.overview import make_overview

    path = make_overview(resolve_db(db), start, end, audience.strip().lower(),
                         places=place, threshold=threshold, out=out)
    typer.echo(f"Overview: {path}")


@friendly
def batch(
    start: Annotated[str, typer.Option("--from", help="First day of the period.")],
    end: Annotated[str, typer.Option("--to", help="Last day of the period.")],
    place: Annotated[list[str] | None, typer.Option(help="A place (repeat for more); "
                                                    "default: every place.")] = None,
    audience: Annotated[list[str] | None, typer.Option(help="An audience (repeat for more); "
                                                       "default: partners.")] = None,
    db: DbOption = None,
    out: Annotated[Path, typer.Option(help="Folder for the reports.")] = Path("reports"),
    workers: Annotated[int, typer.Option(min=1, max=64, help="Reports made at once.")] = 2,
    threshold: Annotated[str, typer.Option(help="Hide counts of people below this in "
                                           "public reports (5 or more).")] = "5",
    dask: Annotated[str | None, typer.Option(
        "--dask", help="Make the reports on a Dask cluster: a scheduler's address "
        "(tcp://host:8786), or 'local' for one on this machine with --workers processes. "
        "Workers must reach the database.")] = None,
    resume: Annotated[bool, typer.Option(
        "--resume", help="Skip reports already made from the same records and settings "
        "(as batch-manifest.json in --out says).")] = False,
) -> None:
    """Make reports for many places at once. One failure does not stop the others.

    Writes batch-manifest.json next to the reports: place, audience, period, status,
    file, seconds and error of each, for a program to read."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    from hls_workbook.reporting.batch import MANIFEST, build_batch

    audiences = [a.strip().lower() for a in audience or ["partners"]]
    from hls_workbook.privacy import check_threshold

    for each in audiences:  # one plain line before any report starts, not one per report
        try:
            check_threshold(threshold, each)
        except Exception as exc:  # noqa: BLE001 - RecordError or an unknown audience
            problems = getattr(exc, "problems", {})
            fail(next(iter(problems.values()), str(exc)))
    with Progress("[progress.description]{task.description}", BarColumn(),
                  MofNCompleteColumn(), TimeElapsedColumn(), transient=False) as bar:
        task = bar.add_task("Making reports", total=None)
        done: list[Any] = []

        def tick(item: Any) -> None:
            done.append(item)
            bar.update(task, advance=1)
            mark = {"made": "ok", "skipped": "same"}.get(item.status, "FAILED")
            bar.console.print(f"{mark:>6}  {item.place} ({item.audience})")

        from hls_workbook.store.workbook import open_workbook

        places = place
        if not places:
            with open_workbook(db) as wb:
                places = wb.places()
        bar.update(task, total=len(places) * len(audiences))
        items = build_batch(places, start, end, audiences, db=db, out=out, workers=workers,
                            threshold=threshold, on_done=tick, dask=dask, resume=resume)
    failed = [i for i in items if not i.ok]
    skipped = [i for i in items if i.status == "skipped"]
    for item in items:
        if item.ok and item.status != "skipped":
            typer.echo(f"Report: {item.html}")
    for item in failed:
        typer.echo(f"Failed: {item.place} ({item.audience}): {item.error}", err=True)
    same = (f" ({len(skipped)} already made from the same records, left as they were)"
            if skipped else "")
    typer.echo(f"{len(items) - len(failed)} of {len(items)} reports made{same}. "
               f"Manifest: {Path(out) / MANIFEST}")
    if failed:
        raise typer.Exit(1)


#: This module's commands by name, in the order ``--help`` lists them.
COMMANDS = {
    "next": next_,
    "funder-pack": funder_pack,
    "words": words,
    "report": report,
    "batch": batch,
    "overview": overview,
}

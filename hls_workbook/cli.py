"""The `hls-workbook` command. Every error is one clear line and a non-zero exit code.

Every command that touches a database chooses it the same way: ``--db``, else the
``HLS_WORKBOOK_DB`` environment variable, else ``data/workbook.db``. The demo is the one
exception: it writes ``data/demo.db`` unless told otherwise, so fictional people never
mix with a team's real workbook.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Annotated, Any

import typer

from hls_workbook import config
from hls_workbook.domain.errors import WorkbookError

app = typer.Typer(
    help="HLS Workbook: record, learn and share the Human Learning Systems way.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

DbOption = Annotated[
    str | None,
    typer.Option("--db", help="Database file or URL (default: $HLS_WORKBOOK_DB, else "
                 "data/workbook.db).", show_default=False),
]


def _fail(message: str, code: int = 1) -> None:
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
            _fail(str(exc))
        except OSError as exc:  # a file or folder we cannot read or write
            where = f" {exc.filename}" if exc.filename else ""
            _fail(f"cannot use{where}: {exc.strerror or exc}. Check the path and that you "
                  "may write there. Nothing saved before was lost.")
        except KeyboardInterrupt:
            _fail("stopped.", 130)
        except Exception as exc:  # noqa: BLE001 - the last line of defence for a person
            if config.debug():
                raise
            _fail(
                f"something unexpected went wrong ({type(exc).__name__}: {exc}). Nothing "
                "saved before was lost. Run again with HLS_WORKBOOK_DEBUG=1 for details, and "
                "tell whoever looks after the workbook.",
                2,
            )

    return run


@app.command()
@friendly
def init(
    db: DbOption = None,
    place: Annotated[str | None, typer.Option(help="Short name of a first place, e.g. "
                                              "'millbrook'.")] = None,
    name: Annotated[str | None, typer.Option(help="The place's full name.")] = None,
    focus: Annotated[str | None, typer.Option(help="The shared focus, in a sentence.")] = None,
) -> None:
    """Create a new, empty workbook database (and optionally a first place)."""
    from hls_workbook.store.workbook import open_workbook

    with open_workbook(db, create=True) as wb:
        if place is not None:
            if not focus:
                _fail("give the place's shared focus with --focus \"...\" (one sentence)")
            wb.set_place(place, {"name": name or place.replace("-", " ").title(),
                                 "shared_focus": focus})
        typer.echo(f"Workbook ready: {wb.shown}")
        places = wb.places()
        if places:
            typer.echo("Places: " + ", ".join(places))


@app.command()
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
            _fail(f"the database at {wb.shown} already holds places ({', '.join(wb.places())}); "
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
        _fail(f"{path} holds real places ({', '.join(real)}); the demo will not replace it. "
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


@app.command()
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


@app.command()
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


@app.command(name="next")
@friendly
def next_(
    place: Annotated[str, typer.Option(help="Short name of the place, e.g. 'millbrook'.")],
    on: Annotated[str | None, typer.Option(help="As of this day, e.g. 2026-11-30 (default: "
                                           "today).")] = None,
    db: DbOption = None,
) -> None:
    """List what needs doing now for a place, the most urgent first (for the team only)."""
    import datetime as dt

    from hls_workbook.store.workbook import as_date, check_place, open_workbook
    from hls_workbook.ui import stages

    day = as_date(on, "--on") or dt.date.today()
    place = check_place(place)
    with open_workbook(db) as wb:
        if wb.place_info(place) is None:
            known = ", ".join(wb.places()) or "none yet"
            _fail(f"There is no place called '{place}' in {wb.shown}. Places: {known}.")
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


@app.command(name="funder-pack")
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
        if wb.place_info(place) is None:
            known = ", ".join(wb.places()) or "none yet"
            _fail(f"There is no place called '{place}' in {wb.shown}. Places: {known}.")
    pack = fp.build(resolve_db(db), place, funder, start, end)
    path = fp.write(pack, out)
    typer.echo(fp.summary_text(pack))
    typer.echo(f"Page: {path}")


@app.command()
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
        if wb.place_info(place) is None:
            known = ", ".join(wb.places()) or "none yet"
            _fail(f"There is no place called '{place}' in {wb.shown}. Places: {known}.")
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


@app.command()
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
) -> None:
    """Make a report for one place, period and audience (HTML, and PDF with --pdf)."""
    from hls_workbook.reporting.reports import build_report

    result = build_report(place, start, end, audience, db=db, out=out, title=title,
                          threshold=threshold, pdf=pdf, progress=True,
                          keep_notebook=keep_notebook)
    typer.echo(f"Report: {result.html}")
    if result.pdf:
        typer.echo(f"PDF: {result.pdf}")
    if result.notebook:
        typer.echo(f"Notebook: {result.notebook}")
    for message in result.messages:
        typer.echo(message, err=True)


@app.command()
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
            _fail(next(iter(problems.values()), str(exc)))
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


#: The answers `hls-workbook review` takes for each piece, by key.
REVIEW_ANSWERS = {
    "c": ("cleared", "clear it as written"),
    "e": ("edited", "share it in other words"),
    "h": ("held", "hold it back"),
    "s": ("skip", "skip it for now"),
    "q": ("quit", "quit"),
}
#: What is said once an answer is saved, by decision ({who}: the audience).
REVIEW_SAVED = {
    "cleared": "Saved: cleared for {who}, as written.",
    "edited": "Saved: {who} will read the new wording instead.",
    "held": "Saved: held back from {who}.",
}


def _marked(text: str, details: list[Any]) -> str:
    """A piece of text as rich markup, every suspected detail highlighted."""
    from rich.markup import escape

    from hls_workbook.privacy.review import marked

    return marked(text, details, plain=escape,
                  mark=lambda part, _d: f"[bold black on yellow]{escape(part)}[/]")


def _show_piece(console: Any, row: Any, n: int, total: int) -> None:
    from rich.markup import escape

    from hls_workbook.privacy.review import details_sentence

    console.print(f"\n[bold]{n} of {total}. {escape(str(row['record']))}[/bold]")
    console.print(f"[dim]Question:[/dim] {escape(str(row['label']))}")
    console.print(_marked(str(row["text"]), list(row["details"])), soft_wrap=True)
    found = details_sentence(row["details"])
    console.print(f"[bold]Suspected personal details:[/bold] {escape(found)}" if found else
                  "[dim]No personal details found by the workbook: read it all the same.[/dim]")


def _ask(console: Any, question: str) -> str:
    """One answer typed by the person (an empty line is an answer too)."""
    return console.input(question, markup=False).strip()  # EOFError at the end of input


def _ask_answer(console: Any) -> str:
    keys = "   ".join(f"{k}: {words}" for k, (_v, words) in REVIEW_ANSWERS.items())
    console.print(keys, markup=False)
    while True:
        answer = _ask(console, "Your answer: ").lower()
        for key, (value, words) in REVIEW_ANSWERS.items():
            if answer in (key, value, words):
                return value
        console.print("Please answer c, e, h, s or q.")


@app.command()
@friendly
def review(
    place: Annotated[str, typer.Option(help="Short name of the place, e.g. 'millbrook'.")],
    start: Annotated[str, typer.Option("--from", help="First day of the period the report "
                                       "covers, e.g. 2026-01-01.")],
    end: Annotated[str, typer.Option("--to", help="Last day of the period, e.g. "
                                     "2026-03-31.")],
    audience: Annotated[str, typer.Option(help="Who will read it: partners or public.")],
    by: Annotated[str | None, typer.Option(help="Who is checking: a name or a role (asked "
                                           "for when not given).")] = None,
    show_list: Annotated[bool, typer.Option("--list", help="Only list what waits for a "
                                            "check, with suspected personal details "
                                            "marked.")] = False,
    db: DbOption = None,
) -> None:
    """Check typed text before it is shared: clear it, reword it, or hold it back.

    Goes through every piece of text waiting for a check, one by one. Each answer is
    saved at once, so nothing is lost if you stop half way.
    """
    from rich.console import Console

    from hls_workbook.domain.errors import RecordError
    from hls_workbook.domain.model import Audience
    from hls_workbook.privacy.review import check_list, record_check, waiting
    from hls_workbook.store.workbook import check_place, open_workbook

    console = Console(highlight=False)
    place = check_place(place)
    with open_workbook(db) as wb:
        if wb.place_info(place) is None:
            known = ", ".join(wb.places()) or "none yet"
            _fail(f"There is no place called '{place}' in {wb.shown}. Places: {known}.")
        listed = check_list(wb, place, start, end, audience)
        todo = waiting(listed)
        who = Audience.labels()[str(audience).strip().lower()].lower()
        if todo.empty:
            typer.echo(f"Nothing waits for a check: all {len(listed)} pieces of text for "
                       f"{who} have been checked.")
            return
        if show_list:
            for n, row in enumerate(todo.to_dict("records"), start=1):
                _show_piece(console, row, n, len(todo))
            typer.echo(f"\n{len(todo)} of {len(listed)} pieces of text wait for a check "
                       f"before they are shared with {who}.")
            return
        console.print(f"{len(todo)} of {len(listed)} pieces of text wait for a check before "
                      f"they are shared with {who}. Each answer is saved at once: you can stop "
                      "at any time (q) and carry on later.")
        done: dict[str, int] = {}
        try:
            checker = " ".join(str(by or "").split())
            while not checker:
                checker = " ".join(_ask(console, "Who is checking? A name or a role: ").split())
            for n, row in enumerate(todo.to_dict("records"), start=1):
                _show_piece(console, row, n, len(todo))
                answer = _ask_answer(console)
                if answer == "quit":
                    break
                if answer == "skip":
                    continue
                wording = None
                while answer == "edited" and not wording:
                    wording = _ask(console, "How should it read outside the team? (one line; "
                                            "leave empty to go back) ")
                    if not wording:
                        answer = _ask_answer(console)
                if answer in ("quit", "skip"):
                    if answer == "quit":
                        break
                    continue
                try:
                    record_check(wb, place, row, decision=answer, audience=audience,
                                 by=checker, shared_text=wording)
                except RecordError as exc:
                    console.print(f"Not saved: {exc.message()}", markup=False)
                    continue
                done[answer] = done.get(answer, 0) + 1
                console.print(REVIEW_SAVED[answer].format(who=who))
        except EOFError:
            console.print("\nNo more answers: stopping here.")
        saved = sum(done.values())
        parts = [f"{done[k]} {w}" for k, w in (("cleared", "cleared as written"),
                                                  ("edited", "shared in other words"),
                                                  ("held", "held back")) if done.get(k)]
        left = len(todo) - saved
        typer.echo(f"\nChecked {saved} piece{'s' if saved != 1 else ''}"
                   + (f" ({', '.join(parts)})" if parts else "")
                   + f". {left} still wait{'s' if left == 1 else ''} for a check.")


@app.command()
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
            _fail("--audience needs --place: an export to share is for one place.")
        paths = export_for(resolve_db(db), place, audience.strip().lower(), out, format,
                           start=start, end=end)
        for path in paths:
            typer.echo(f"Wrote {path}")
        return
    with open_workbook(db) as wb:
        paths = do_export(wb, out, format, place)
    for path in paths:
        typer.echo(f"Wrote {path}")


@app.command(name="import")
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
        _fail("--new-place goes with --place: name the new place, e.g. --place north-ward.")
    columns = (read_map_file(map_file) if map_file else ColumnMap()).with_options(maps)
    with open_workbook(db, create=create) as wb:
        result = import_path(wb, path, place=place, kind=kind, columns=columns or None,
                             dayfirst=dayfirst, new_place=new_place)
    typer.echo(str(result))


@app.command(name="new-notebook")
@friendly
def new_notebook(
    name: Annotated[str, typer.Argument(help="Name of the new notebook, e.g. "
                                        "'funding_questions'.")],
    folder: Annotated[Path | None, typer.Option(help="Where to put it (default: "
                                                "notebooks/).")] = None,
) -> None:
    """Start a new analysis notebook from the analysts' template."""
    import re
    import shutil

    from hls_workbook.config import project_root

    stem = name.removesuffix(".ipynb").strip()
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_-]{0,80}", stem):
        _fail(f"'{name}' is not a usable notebook name; use letters, digits, - and _ only.")
    template = config.templates_dir() / "analysis.ipynb"
    if not template.exists():
        _fail(f"The analysts' notebook template is missing: {template}.")
    target_dir = folder or project_root() / "notebooks"
    target = target_dir / f"{stem}.ipynb"
    if target.exists():
        _fail(f"{target} already exists; choose another name.")
    target_dir.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(template, target)
    typer.echo(f"Created {target}")


@app.command()
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


# `hls-workbook app 1_getting_started`: a stage notebook as a code-free app (Voila).
from hls_workbook.ui.app import app_command as _app_command  # noqa: E402 - light: typer and errors only

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
    sys.exit(code if isinstance(code, int) else 0)

if __name__ == "__main__":
    main()

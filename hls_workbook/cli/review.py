"""The ``review`` command: typed text checked piece by piece before it is shared (clear
it, reword it, hold it back), each answer saved at once; and how a piece is shown, its
suspected personal details highlighted.
"""

from __future__ import annotations

from typing import Annotated, Any

import typer

from hls_workbook.cli.base import DbOption, friendly, require_place

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
        require_place(wb, place)
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


#: This module's commands by name, in the order ``--help`` lists them.
COMMANDS = {"review": review}

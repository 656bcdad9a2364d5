"""What export and import raise and return: the errors a person reads (what went wrong,
how to put it right), one bad row of an import, and the summary of what an import saved.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from hls_workbook.domain.errors import WorkbookError
from hls_workbook.domain.model import RECORD_KINDS


class ExportError(WorkbookError):
    """An export could not be made; the message says why and what to do."""


class ImportFileError(WorkbookError):
    """A file cannot be imported as it is. Nothing was imported; the message names the fix."""

    def __init__(self, message: str, path: Path | str | None = None) -> None:
        self.path = Path(path) if path is not None else None
        super().__init__(message)


@dataclass
class RowProblem:
    """One bad row: where it is and what is wrong with it, field by field."""

    source: str
    line: int
    kind: str
    problems: dict[str, str]
    unit: str = "line"

    def __str__(self) -> str:
        return f"{self.source}, {self.unit} {self.line}: {'; '.join(self.problems.values())}"


class ImportRowsError(ImportFileError):
    """Some rows are wrong, so nothing was imported. ``problems`` lists every bad row."""

    #: How many rows the message itself lists (``problems`` always holds them all).
    SHOWN = 200

    def __init__(self, problems: list[RowProblem], path: Path | str | None = None) -> None:
        self.problems = list(problems)
        n = len(self.problems)
        head = (
            f"Nothing was imported: {n} row{'s' if n != 1 else ''} "
            f"{'have' if n != 1 else 'has'} a problem. Put {'them' if n != 1 else 'it'} "
            "right in the file and import it again."
        )
        lines = [f"- {p}" for p in self.problems[: self.SHOWN]]
        if n > self.SHOWN:
            lines.append(f"- ... and {n - self.SHOWN} more rows")
        super().__init__("\n".join([head, *lines]), path)


@dataclass
class ImportResult:
    """What an import saved."""

    source: Path
    format: str
    #: Records saved, by kind (kinds with none are left out).
    counts: dict[str, int] = field(default_factory=dict)
    #: For rows that had an id in the file: kind -> {id in the file: new id}.
    ids: dict[str, dict[int, int]] = field(default_factory=dict)
    #: The new ids of every saved record, by kind, in the order of the rows.
    new_ids: dict[str, list[int]] = field(default_factory=dict)
    places: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def __str__(self) -> str:
        where = ", ".join(self.places) or "the workbook"
        n = self.total
        lines = [f"Imported {n} record{'s' if n != 1 else ''} from {self.source.name} "
                 f"into {where}."]
        for kind, count in self.counts.items():
            lines.append(f"  {RECORD_KINDS[kind].title_plural}: {count}")
        lines.extend(f"Note: {note}" for note in self.notes)
        return "\n".join(lines)

"""The pieces every section is made of: HTML builders, the records a summary reads, the spec.

Every piece of HTML is drawn by a macro: paragraphs, tables and lists by the report's
(``templates/macros.html.j2``, styled inline here), the rest by the ui's
(``templates/ui/macros.html.j2``, through :func:`hls_workbook.ui.forms.ui_macro`), so
every value is escaped by the templates; a summary joins the HTML its macros drew. pandas,
the analysis and privacy are imported when the first summary is worked out
(:func:`load_analysis`), not when a notebook opens; the modules of summaries ask for them
with :func:`analysis_here`. Also here, as the lowest layer every other module of the
stages uses: what a section is (:class:`SectionSpec`), the day summaries count up to
(:func:`current_day`), and a role as a part of the system (:func:`stage_role`).
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from hls_workbook import templating
from hls_workbook.domain.errors import WorkbookError
from hls_workbook.domain.model import (
    Audience,
    Part,
    model_for,
)
from hls_workbook.store.workbook import Workbook
from hls_workbook.ui import forms

if TYPE_CHECKING:
    import pandas as pd

    from hls_workbook import analysis as an
    from hls_workbook import privacy

log = logging.getLogger(__name__)


#: Averages of fewer people than this are never shown (pulse answers, check-ins).
MIN_GROUP = 5

#: The four stage notebooks, by file stem, with their titles.
STAGES: dict[str, str] = {
    "1_getting_started": "Getting started",
    "2_experimentation": "Trying things safely",
    "3_learning": "Learning together",
    "4_relationships_and_support": "Relationships and support",
}

#: The stage of a section shown at the end of every stage notebook ("What needs doing now").
EVERY_STAGE = "*"

PART_LABELS = Part.labels()
#: The audiences text is checked for before sharing, and how they are named.
CHECK_AUDIENCES = ("public", "partners")
AUDIENCE_LABELS = Audience.labels()
#: Parts of the system a team would want in the room ("other" is not missed when absent).
NAMED_PARTS = tuple(p.value for p in Part if p != Part.other)

ERROR_CSS = forms.ERROR_STYLE
EXCERPT_CHARS = 160


def load_analysis() -> None:
    """Import pandas, the analysis and privacy for the summaries (once).

    A live stage notebook shows its forms without them: importing pandas alone takes
    about a quarter of a second, and a summary is drawn after the notebook's cells have
    run (see :class:`SectionView`).
    """
    global pd, an, privacy, _missing
    import pandas as pd

    from hls_workbook import analysis as an
    from hls_workbook import privacy
    from hls_workbook.analysis import missing as _missing
    for namespace in _WANTING:
        namespace.update(pd=pd, an=an, privacy=privacy)


#: The globals of the modules whose summaries use pandas, the analysis and privacy.
_WANTING: list[dict[str, Any]] = []


def analysis_here(namespace: dict[str, Any]) -> None:
    """Give a module of summaries ``pd``, ``an`` and ``privacy`` (its ``globals()``): set
    by :func:`load_analysis`, which every summary runs after."""
    _WANTING.append(namespace)
    if "pd" in globals():  # loaded already
        namespace.update(pd=pd, an=an, privacy=privacy)


def is_missing(value: Any) -> bool:
    """:func:`hls_workbook.analysis.missing` (loaded by :func:`load_analysis`)."""
    return _missing(value)


def para(text: str, style: str = "") -> str:
    return templating.macro("note", text, "", style)


def note_html(text: str) -> str:
    """A paragraph in small grey print."""
    return forms.ui_macro("small", text)


def table_html(headers: Sequence[str], rows: Iterable[Sequence[Any]], caption: str = "") -> str:
    """A table styled inline (a stage notebook's output has no stylesheet), through the
    report's table macro."""
    table = templating.PlainTable(list(headers), [list(r) for r in rows], caption)
    return templating.macro("table", table, True)


def bullets(items: Iterable[str]) -> str:
    """A bulleted list of plain texts (escaped by the macro)."""
    return templating.macro("bullets", list(items), "margin:0.2em 0")


def plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def labels_of(values: Iterable[Any], labels: Mapping[str, str]) -> list[str]:
    return [labels.get(str(v), str(v).replace("_", " ")) for v in values]


def shorten(text: Any, limit: int = 120) -> str:
    value = " ".join(str(text or "").split())
    return value if len(value) <= limit else value[: limit - 1].rstrip() + "…"


def day_text(value: Any) -> str:
    if _missing(value):
        return ""
    d = pd.Timestamp(value)
    return f"{d.day} {d:%B %Y}"


def flags(series: pd.Series) -> pd.Series:
    return series.astype(object).map(lambda v: False if _missing(v) else bool(v)).astype(bool)


def mean_text(value: Any, absent: str = "–") -> str:
    """An average to one decimal; ``absent`` when there is none (in a group that answered,
    "hidden": the one wording for a hidden number, as in the reports)."""
    return absent if _missing(value) else f"{float(value):.1f}"


class Block:
    """A piece of HTML that a notebook cell displays as it is (no widget)."""

    def __init__(self, html_text: str, label: str = "") -> None:
        self.html = html_text
        self.label = label

    def _repr_html_(self) -> str:
        return self.html

    def __repr__(self) -> str:
        # The plain-text form never holds typed text: only the section's own title.
        return f"<{self.label or 'HLS Workbook'}: open this notebook in JupyterLab to see it>"

    def __str__(self) -> str:
        return self.html


def wrap_html(body: str) -> str:
    """A section's HTML (``body``: what its macros drew) in the stage's box."""
    return forms.ui_macro("stage", forms.trusted(body))


def error_html(text: str) -> str:
    return forms.ui_macro("error", text)


class Tables(Mapping[str, Any]):
    """The current records of a place, by kind, as the team may see them: each read once
    when asked, through the privacy gate (:func:`hls_workbook.privacy.apply` for the team:
    no withdrawn, confidential or safeguarding story, links to them dropped)."""

    def __init__(self, wb: Workbook, place: str) -> None:
        self.wb = wb
        self.place = place
        self._raw: dict[str, pd.DataFrame] = {}
        self._cache: dict[str, pd.DataFrame] = {}

    def _read(self, key: str) -> pd.DataFrame:
        if key not in self._raw:
            if key == "support":  # wishes to talk kept on an earlier day become requests
                with contextlib.suppress(WorkbookError):
                    self.wb.raise_talk_wishes(self.place)
            self._raw[key] = self.wb.table(key, self.place)
        return self._raw[key]

    def talk_wishes(self) -> int:
        """Anonymous wishes to talk kept today, not yet raised as support requests."""
        try:
            return self.wb.talk_wishes(self.place)
        except WorkbookError:
            return 0

    def __getitem__(self, kind: str) -> pd.DataFrame:
        key = model_for(kind).kind
        if key not in self._cache:
            frames = {key: self._read(key)}
            if key in ("learning", "decision", "feedback"):  # their stories: through consent
                frames["voice"] = self._read("voice")
            self._cache[key] = privacy.apply(frames, "team")[key]
        return self._cache[key]

    def consent(self) -> dict[str, int]:
        """The team's consent bookkeeping (:func:`hls_workbook.privacy.consent_ledger`)."""
        return privacy.consent_ledger(self._read("voice"))

    @property
    def read(self) -> frozenset[str]:
        """The kinds read so far."""
        return frozenset(self._raw)

    def __iter__(self):  # pragma: no cover - Mapping protocol
        return iter(self._cache)

    def __len__(self) -> int:  # pragma: no cover - Mapping protocol
        return len(self._cache)


def place_row(t: Mapping[str, pd.DataFrame]) -> dict[str, Any] | None:
    rows = t["place"]
    return rows.iloc[0].to_dict() if len(rows) else None


OK_CSS = forms.OK_STYLE


def wide_layout() -> Any:
    """A button as wide as its words (ipywidgets' own width cuts long words off)."""
    return forms.shared_layout(width="auto", min_width="9em", margin="2px 6px 2px 0")


def current_day() -> Any:
    """Today's date, up to which the stage summaries count planned meetings."""
    import datetime as dt

    return dt.date.today()


def rhythm_so_far(series: pd.DataFrame, meetings: pd.DataFrame) -> Any:
    """The meeting rhythm as the team report counts it: planned meetings due up to today."""
    today = current_day()
    return an.meeting_rhythm(series, meetings, end=today, today=today)


def stage_role(role: str | None) -> tuple[str | None, str | None]:
    if role in (None, ""):
        return None, None
    text = str(role).strip().lower()
    for value, label in PART_LABELS.items():
        if text in (value, label.lower(), value.replace("_", " ")):
            return value, None
    known = "; ".join(f"{value} ({label})" for value, label in PART_LABELS.items())
    return None, (f"'{role}' is not a part of the system, so saves will not say which part "
                  f"they came from. Set role to one of: {known}.")


@dataclass(frozen=True)
class SectionSpec:
    """One section of a stage notebook: its form (if any), its summary, its practices."""

    key: str
    stage: str
    title: str
    kind: str | None
    practices: tuple[str, ...]
    summarise: Callable[[Mapping[str, pd.DataFrame]], str]
    #: Show the form's questions when run headless (off where they were shown already).
    questions: bool = True
    #: A plain sentence shown above the form, e.g. how to edit a record.
    how: str = ""
    #: Live, a view of its own instead of the summary and a form: called like SectionView.
    view: Callable[..., Any] | None = None
    #: The heading above the summary.
    heading: str = "So far"

"""Reports: papermill runs the report notebook, nbconvert exports it with our template.

One process imports papermill and nbconvert once and can make many reports, each on a
warm kernel given a fresh namespace first (the kernel and its reset: :mod:`.report_engine`);
a batch runs several such kernels at once. A report is one self-contained HTML file (and a
PDF when a Chromium browser is on the machine). The executed notebook is written to disk
only when it is wanted (``keep_notebook``) or when the report failed, for an analyst.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hls_workbook import config, privacy
from hls_workbook.config import resolve_db
from hls_workbook.domain.errors import RecordError, ReportError
from hls_workbook.domain.kinds import as_date
from hls_workbook.domain.model import Audience
from hls_workbook.privacy import MIN_PUBLIC_THRESHOLD, check_threshold
from hls_workbook.reporting.engine import (
    ENGINE_NAME,
    KERNEL_NAME,
    REPORTS_PER_KERNEL,
    START_TIMEOUT,
    Kernel,
    kernel_problem,
    load_pipeline,
)
from hls_workbook.reporting.export import (
    export_html,
    own_section,
    print_pdf,
    tagged_section,
    warm_in_background,
)
from hls_workbook.store.workbook import check_place, open_workbook, shown_location

AUDIENCES = tuple(a.value for a in Audience)
DEFAULT_THRESHOLD = MIN_PUBLIC_THRESHOLD
CELL_TIMEOUT = 300
PRIVACY_NOTES = {
    "team": "For the team only: do not forward. Withdrawn and confidential stories are left out.",
    "partners": "For partners across the local system. Only stories whose tellers agreed to "
                "partners reading them; personal details removed.",
    "public": "For anyone. Only stories whose tellers agreed to the public reading them and "
              "text a person cleared for the public; personal details removed; counts of "
              "people under {threshold} hidden.",
}


def notebooks_dir() -> Path:
    return config.notebooks_dir()


def templates_dir() -> Path:
    return config.templates_dir()


@dataclass(frozen=True)
class ReportRequest:
    """What to report on: a place, a period and an audience. Checked before any kernel starts."""

    place: str
    start: dt.date
    end: dt.date
    audience: str = "team"
    db: str = ""
    title: str = ""
    threshold: int = DEFAULT_THRESHOLD

    @classmethod
    def make(
        cls, place: str, start: dt.date | str, end: dt.date | str, audience: str = "team", *,
        db: str | os.PathLike[str] | None = None, title: str | None = None,
        threshold: int | str = DEFAULT_THRESHOLD,
    ) -> ReportRequest:
        place = check_place(place)
        start_d, end_d = read_period(start, end)
        audience = str(audience).strip().lower()  # PUBLIC and Public are the public
        if audience not in AUDIENCES:
            raise ReportError(
                f"'{audience}' is not an audience; use one of: {', '.join(AUDIENCES)}."
            )
        try:
            threshold = check_threshold(threshold, audience)
        except RecordError as exc:
            raise ReportError("--threshold: " + exc.problems["threshold"].split(": ", 1)[1]
                              + ".") from None
        location = resolve_db(db)
        if "://" not in location:
            location = str(Path(location).expanduser().resolve())
        return cls(place, start_d, end_d, audience, location, (title or "").strip(),
                   int(threshold))

    @property
    def stem(self) -> str:
        return f"{self.place}_{self.start}_{self.end}_{self.audience}"

    def parameters(self) -> dict[str, Any]:
        """The report notebook's parameters: literals only (papermill does not re-derive)."""
        return {
            "db": self.db, "place": self.place, "start": self.start.isoformat(),
            "end": self.end.isoformat(), "audience": self.audience, "title": self.title,
            "threshold": self.threshold,
        }


def read_period(start: dt.date | str, end: dt.date | str) -> tuple[dt.date, dt.date]:
    """A report's period from ``--from`` and ``--to`` (dates or ISO text), in order."""
    start_d, end_d = _date("--from", start), _date("--to", end)
    if end_d < start_d:
        raise ReportError(
            f"The period ends ({end_d}) before it starts ({start_d}); swap --from and --to."
        )
    return start_d, end_d


def _date(option: str, value: dt.date | str) -> dt.date:
    """A day of the period, read by the one rule (kinds.as_date), as a ReportError if not."""
    try:
        day = as_date(value, option)
    except RecordError as exc:
        raise ReportError(f"{next(iter(exc.problems.values()))}.") from None
    if day is None:
        raise ReportError(f"{option}: a day is needed; write it like 2026-03-31.")
    return day


@dataclass
class ReportResult:
    request: ReportRequest
    html: Path
    pdf: Path | None = None
    notebook: Path | None = None
    seconds: float = 0.0
    messages: list[str] = field(default_factory=list)


def _report_metadata(req: ReportRequest) -> dict[str, str]:
    """Title, place name and notes for the template's header, through the privacy gate."""
    shown = privacy.header(req.db, req.place, req.audience, req.title)
    if shown is None:
        with open_workbook(req.db) as wb:
            raise ReportError(wb.no_such_place(req.place))
    name = shown["place_name"]
    period = f"{nice_date(req.start)} to {nice_date(req.end)}"
    return {
        "title": shown["title"] or f"What we are learning in {name}",
        "place_name": name,
        "period": period,
        "audience": req.audience,
        "audience_label": Audience(req.audience).label,
        "made_on": nice_date(dt.date.today()),
        "privacy_note": PRIVACY_NOTES[req.audience].format(threshold=req.threshold),
    }


def nice_date(d: dt.date) -> str:
    """A date as a reader writes it: 1 January 2026."""
    return f"{d.day} {d:%B %Y}"


class ReportRunner:
    """Makes reports one after another in this process, on one warm kernel.

    papermill and nbconvert are imported once; the kernel is started first, so it boots
    while they import (:mod:`.report_engine`). Before every report the kernel is given the
    state of a new one (:func:`.report_engine.fresh_kernel_state`); after a failed report,
    or ``REPORTS_PER_KERNEL`` reports, it is replaced. Use it from one thread, as a context
    manager::

        with ReportRunner() as runner:
            for place in places:
                runner.run(ReportRequest.make(place, start, end, "partners"), out)

    ``warm=False`` (or ``HLS_WORKBOOK_WARM_KERNEL=0``) makes each report with plain
    papermill, on a new kernel of its own: slower, and the same report, so the warm engine
    can be ruled in or out when something looks wrong.
    """

    def __init__(self, *, kernel_name: str = KERNEL_NAME, notebook: Path | None = None,
                 start: bool = True, warm: bool | None = None,
                 kernel: Kernel | None = None) -> None:
        self.kernel_name = kernel_name
        self.notebook = Path(notebook) if notebook else notebooks_dir() / "report.ipynb"
        self.warm = config.warm_kernel() if warm is None else warm
        self._kernel: Kernel | None = kernel if self.warm else None
        self._problem = ""
        if kernel is not None and not self.warm:
            kernel.close()
        if self._kernel is None and start and self.warm:
            self._start_kernel()
        try:
            load_pipeline()
        except BaseException:
            self.close()
            raise

    def __enter__(self) -> ReportRunner:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Shut the kernel down."""
        kernel, self._kernel = self._kernel, None
        if kernel is not None:
            kernel.close()

    def _start_kernel(self) -> None:
        try:
            self._kernel = Kernel(notebooks_dir(), self.kernel_name)
            self._problem = ""
        except Exception as exc:  # noqa: BLE001 - start failures come in many types
            self._kernel = None
            self._problem = _kernel_problem(exc, self.kernel_name)

    def _ready_kernel(self, req: ReportRequest) -> Kernel:
        """The kernel, started if need be, with the state of a new one."""
        if self._kernel is not None and not self._kernel.alive():
            self._discard_kernel()
        if self._kernel is None:
            self._start_kernel()
        kernel = self._kernel
        if kernel is not None:
            try:
                kernel.fresh()
                return kernel
            except Exception as exc:  # noqa: BLE001 - a kernel that cannot start
                self._discard_kernel()
                self._problem = _kernel_problem(exc, self.kernel_name)
        raise ReportError(
            f"The report for {req.place} ({req.audience}) could not be made: {self._problem}."
        )

    def _discard_kernel(self) -> None:
        kernel, self._kernel = self._kernel, None
        if kernel is not None:
            kernel.close()

    def run(
        self, req: ReportRequest, out: str | os.PathLike[str] = "reports", *,
        pdf: bool = False, progress: bool = False, keep_notebook: bool = False,
        meta: dict[str, str] | None = None,
    ) -> ReportResult:
        """Make one report (see :func:`build_report`)."""
        started = time.perf_counter()
        meta = meta or _report_metadata(req)  # read while the kernel boots, the first time
        # nbconvert and the page's templates are needed only once the notebook has run:
        # they load on a thread while the kernel runs it (the other core).
        warm_in_background()
        out_dir = Path(out)
        work = out_dir / "notebooks" / f"{req.stem}.ipynb"
        nb = self._execute(req, work, progress)
        nb.metadata["hls_report"] = meta
        html = export_html(nb, out_dir / f"{req.stem}.html")
        result = ReportResult(req, html)
        if keep_notebook:
            _write_notebook(nb, work, req.db)
            result.notebook = work
        else:
            work.unlink(missing_ok=True)  # an old run's; the folder stays (batches share it)
        if pdf:
            try:
                result.pdf = print_pdf(html, html.with_suffix(".pdf"))
            except ReportError as exc:
                result.messages.append(str(exc))
        result.seconds = time.perf_counter() - started
        return result

    def _execute(self, req: ReportRequest, work: Path, progress: bool) -> Any:
        """Run the report notebook with papermill; on failure say which section broke."""
        import nbformat
        import papermill as pm

        source = self.notebook
        if not source.exists():
            raise ReportError(f"The report notebook is missing: {source}.")
        if not self.warm:
            return self._execute_cold(req, source, work, progress)
        kernel = self._ready_kernel(req)
        try:
            nb = pm.execute_notebook(
                str(source), None, parameters=req.parameters(), engine_name=ENGINE_NAME,
                kernel_name=self.kernel_name, kernel=kernel, progress_bar=progress,
                log_output=False,
                request_save_on_cell_execute=False, execution_timeout=CELL_TIMEOUT,
                start_timeout=START_TIMEOUT,
            )
        except pm.PapermillExecutionError as exc:
            partial = kernel.nb_man.nb if kernel.nb_man is not None else None
            self._discard_kernel()
            raise _stopped(req, partial, exc, work) from None
        except Exception as exc:  # noqa: BLE001 - timeouts and dead kernels come in many types
            partial = kernel.nb_man.nb if kernel.nb_man is not None else None
            self._discard_kernel()
            raise _not_made(req, partial, _kernel_problem(exc, self.kernel_name), work) from None
        kernel.reports += 1
        if kernel.reports >= REPORTS_PER_KERNEL:
            self._discard_kernel()
        if not isinstance(nb, nbformat.NotebookNode):
            nb = nbformat.from_dict(nb)
        return nb

    def _execute_cold(self, req: ReportRequest, source: Path, work: Path,
                      progress: bool) -> Any:
        """Plain papermill: a new kernel for this report, started in the notebooks' folder
        as the warm one is, and the partly run notebook kept where the warm path keeps it."""
        import nbformat
        import papermill as pm

        work.parent.mkdir(parents=True, exist_ok=True)
        try:
            nb = pm.execute_notebook(
                str(source), str(work), parameters=req.parameters(),
                kernel_name=self.kernel_name, progress_bar=progress, log_output=False,
                request_save_on_cell_execute=False, execution_timeout=CELL_TIMEOUT,
                start_timeout=START_TIMEOUT, cwd=str(notebooks_dir()),
            )
        except Exception as exc:  # noqa: BLE001 - timeouts and dead kernels come in many types
            # papermill wrote the partly run notebook with the password: written again
            partial = nbformat.read(work, as_version=4) if work.exists() else None
            if isinstance(exc, pm.PapermillExecutionError):
                raise _stopped(req, partial, exc, work) from None
            raise _not_made(req, partial, _kernel_problem(exc, self.kernel_name), work) from None
        if not isinstance(nb, nbformat.NotebookNode):
            nb = nbformat.from_dict(nb)
        return nb


def _stopped(req: ReportRequest, partial: Any, exc: Any, work: Path) -> ReportError:
    """A report whose notebook raised: the section it stopped in, and the partly run
    notebook kept (without a password) for an analyst."""
    _write_notebook(partial, work, req.db)
    return ReportError(
        f"The report for {req.place} ({req.audience}) stopped in the section "
        f"'{_failed_section(partial)}': {exc.ename}: {exc.evalue}. The partly run "
        f"notebook is kept at {work} for an analyst to look at.",
        notebook=work if work.exists() else None,
    )


def _not_made(req: ReportRequest, partial: Any, problem: str, work: Path) -> ReportError:
    """A report whose kernel failed (did not start, died, timed out): the plain problem."""
    _write_notebook(partial, work, req.db)
    return ReportError(
        f"The report for {req.place} ({req.audience}) could not be made: {problem}.",
        notebook=work if work.exists() else None,
    )


def _kernel_problem(exc: BaseException, kernel_name: str = KERNEL_NAME) -> str:
    return kernel_problem(exc, kernel_name, cell_timeout=CELL_TIMEOUT)


def _without_password(nb: Any, db: str) -> Any:
    """The notebook with a database URL's password hidden wherever papermill wrote the
    ``db`` parameter (the injected cell, its metadata): a kept notebook is shared with
    analysts, and the password stays with whoever ran the report."""
    shown = shown_location(db) if db else db
    if nb is None or shown == db:
        return nb
    written = repr(db)[1:-1]  # as papermill writes it into the parameters cell
    for cell in nb.cells:
        cell.source = cell.source.replace(written, shown).replace(db, shown)
    parameters = nb.metadata.get("papermill", {}).get("parameters", {})
    if parameters.get("db") == db:
        parameters["db"] = shown
    return nb


def _write_notebook(nb: Any, path: Path, db: str = "") -> None:
    """Keep an executed (or partly executed) notebook for an analyst, with no password."""
    if nb is None:
        return
    import nbformat

    nb = _without_password(nb, db)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".ipynb.part")
    nbformat.write(nb, str(tmp))
    tmp.replace(path)


def _failed_section(nb: Any) -> str:
    """The title of the section (or part of the page) whose cell raised, in the partly run
    notebook, read from the cells' metadata, never their code.

    A cell tagged ``section:<id>`` (an analyst's, shown in that section wherever it
    sits: :func:`.export.in_their_sections`) is that section's. Any other cell is the
    section's or part's whose cell it is (``hls.section``, ``hls.part``), or else a step
    leading up to the next one (a section's data step, an analyst's change to the data
    between the two steps); after the last, it is the last one's.
    """
    cells = list(nb.cells) if nb is not None else []
    failed = next((i for i, c in enumerate(cells)
                   if c.metadata.get("papermill", {}).get("exception")), None)
    if failed is None:
        return "unknown"

    def title(cell: Any) -> str | None:
        """The title of a section's or part's own cell (None for any other cell)."""
        hls = cell.metadata.get("hls", {})
        named = hls.get("section") or hls.get("part")
        return str(named.get("title") or named.get("id")) if named else None

    titles = {s: title(c) for c in cells if (s := own_section(c)) is not None}
    tag = tagged_section(cells[failed])
    if tag in titles:
        return titles[tag]
    ahead = (t for c in cells[failed:] if (t := title(c)))
    behind = (t for c in reversed(cells[:failed]) if (t := title(c)))
    return next(ahead, None) or next(behind, "the start of the report")


def build_report(
    place: str,
    start: dt.date | str,
    end: dt.date | str,
    audience: str = "team",
    *,
    db: str | os.PathLike[str] | None = None,
    out: str | os.PathLike[str] = "reports",
    title: str | None = None,
    threshold: int = DEFAULT_THRESHOLD,
    pdf: bool = False,
    progress: bool = False,
    keep_notebook: bool = False,
    notebook: str | os.PathLike[str] | None = None,
    kernel: Kernel | None = None,
) -> ReportResult:
    """Make one report: run the report notebook for a place, period and audience, then export.

    Returns where the HTML (and PDF) went. Raises ReportError with a plain message; a
    failed notebook is kept for an analyst. ``notebook``: a team's own copy of the report
    notebook (``hls-workbook new-report``) instead of the package's. To make many reports,
    a :class:`ReportRunner` (or :func:`build_batch`) pays for the imports and the kernel
    start once. ``kernel``: one already started (:func:`.engine.start_early`), used and
    closed here.
    """
    started = time.perf_counter()
    try:
        req = ReportRequest.make(place, start, end, audience, db=db, title=title,
                                 threshold=threshold)
        if notebook is not None and not Path(notebook).is_file():
            raise ReportError(f"--notebook: there is no notebook at {notebook}; make one "
                              "with hls-workbook new-report NAME.")
    except BaseException:
        if kernel is not None:
            kernel.close()
        raise
    with ReportRunner(notebook=Path(notebook) if notebook else None, kernel=kernel) as runner:
        # The header is read while the kernel boots (an unknown place stops there).
        result = runner.run(req, out, pdf=pdf, progress=progress, keep_notebook=keep_notebook)
    result.seconds = time.perf_counter() - started
    return result


def build_demo_reports(db: str | os.PathLike[str], place: str, out: str | os.PathLike[str]
                       ) -> list[Path]:
    """The demo's reports: one per audience, for the demo's whole period (one kernel)."""
    from hls_workbook.demo import START, WEEKS

    end = START + dt.timedelta(weeks=WEEKS)
    requests = [ReportRequest.make(place, START, end, audience, db=db) for audience in AUDIENCES]
    metas = [_report_metadata(req) for req in requests]  # an unknown place fails here
    with ReportRunner() as runner:
        return [runner.run(req, out, meta=meta).html for req, meta in zip(requests, metas,
                                                                          strict=True)]

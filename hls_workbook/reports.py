"""Reports: papermill runs the report notebook, nbconvert exports it with our template.

One process imports papermill and nbconvert once and can make many reports; a batch
spreads places over worker processes. A report is one self-contained HTML file (and a PDF
when a Chromium browser is on the machine).
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import WorkbookError
from .model import Audience
from .store import _url, check_place, open_workbook, project_root, resolve_db

AUDIENCES = tuple(a.value for a in Audience)
DEFAULT_THRESHOLD = 5
CELL_TIMEOUT = 300
PRIVACY_NOTES = {
    "team": "For the team only: do not forward. Withdrawn and confidential stories are left out.",
    "partners": "For partners across the local system. Only stories whose tellers agreed to "
                "partners reading them are shown; personal details are left out.",
    "public": "For anyone. Only stories whose tellers agreed to the public reading them; "
              "personal details removed; numbers under {threshold} are not shown.",
}


class ReportError(WorkbookError):
    """A report could not be made; says which section failed and where the notebook is."""

    def __init__(self, message: str, notebook: Path | None = None) -> None:
        super().__init__(message)
        self.notebook = notebook


def notebooks_dir() -> Path:
    return project_root() / "notebooks"


def templates_dir() -> Path:
    return project_root() / "templates"


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
        threshold: int = DEFAULT_THRESHOLD,
    ) -> ReportRequest:
        place = check_place(place)
        start_d = _date("--from", start)
        end_d = _date("--to", end)
        if end_d < start_d:
            raise ReportError(
                f"The period ends ({end_d}) before it starts ({start_d}); swap --from and --to."
            )
        if audience not in AUDIENCES:
            raise ReportError(
                f"'{audience}' is not an audience; use one of: {', '.join(AUDIENCES)}."
            )
        if not 1 <= int(threshold) <= 100:
            raise ReportError("The small-number threshold must be between 1 and 100 (usually 5).")
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


def _date(option: str, value: dt.date | str) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise ReportError(
            f"{option}: '{value}' is not a date we can read; write it like 2026-03-31."
        ) from None


@dataclass
class ReportResult:
    request: ReportRequest
    html: Path
    pdf: Path | None = None
    notebook: Path | None = None
    seconds: float = 0.0
    messages: list[str] = field(default_factory=list)


def _report_metadata(req: ReportRequest) -> dict[str, str]:
    """Title, place name and notes for the template's header; read without pandas."""
    with open_workbook(req.db) as wb:
        info = wb.place_info(req.place)
    if info is None:
        with open_workbook(req.db) as wb:
            known = ", ".join(wb.places()) or "none yet"
        raise ReportError(
            f"There is no place called '{req.place}' in {req.db}. Places: {known}."
        )
    name = info["name"]
    period = f"{_nice_date(req.start)} to {_nice_date(req.end)}"
    return {
        "title": req.title or f"What we are learning in {name}",
        "place_name": name,
        "period": period,
        "audience": req.audience,
        "audience_label": Audience(req.audience).label,
        "made_on": _nice_date(dt.date.today()),
        "privacy_note": PRIVACY_NOTES[req.audience].format(threshold=req.threshold),
    }


def _nice_date(d: dt.date) -> str:
    return f"{d.day} {d:%B %Y}"


# ---------------------------------------------------------------------------
# Export
# ---------------------------------------------------------------------------

_EXPORTER: Any = None


def html_exporter() -> Any:
    """Our nbconvert HTML exporter (made once per process: importing nbconvert is slow)."""
    global _EXPORTER
    if _EXPORTER is None:
        from nbconvert import HTMLExporter
        from nbconvert.preprocessors import Preprocessor

        class ReportPreprocessor(Preprocessor):  # type: ignore[misc]
            """Keep only what a reader should see: HTML and images, no streams or widgets."""

            def preprocess(self, nb: Any, resources: Any) -> Any:
                nb.metadata.pop("widgets", None)
                nb.cells = [c for c in nb.cells
                            if "remove-cell" not in c.metadata.get("tags", [])]
                for cell in nb.cells:
                    if cell.cell_type != "code":
                        continue
                    kept = []
                    for out in cell.get("outputs", []):
                        if out.output_type not in ("display_data", "execute_result"):
                            continue
                        data = {k: v for k, v in out.get("data", {}).items()
                                if k in ("text/html", "image/png", "image/svg+xml")}
                        if data:
                            out["data"] = data
                            kept.append(out)
                    cell.outputs = kept
                return nb, resources

        exporter = HTMLExporter(
            template_name="hls_report",
            extra_template_basedirs=[str(templates_dir())],
        )
        exporter.exclude_input = True
        exporter.exclude_input_prompt = True
        exporter.exclude_output_prompt = True
        exporter.register_preprocessor(ReportPreprocessor(), enabled=True)
        _EXPORTER = exporter
    return _EXPORTER


def export_html(nb: Any, path: Path) -> Path:
    body, _resources = html_exporter().from_notebook_node(nb)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".html.part")
    tmp.write_text(body, encoding="utf-8")
    tmp.replace(path)  # readers never see half a file
    return path


def chromium_path() -> str | None:
    """The system's Chromium (never a downloaded one): $HLS_WORKBOOK_CHROMIUM, else on PATH."""
    given = os.environ.get("HLS_WORKBOOK_CHROMIUM")
    if given:
        return given if Path(given).exists() else None
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    return None


CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync",
    "--disable-background-networking", "--disable-component-update", "--disable-extensions",
    "--disable-default-apps", "--mute-audio",
]


def print_pdf(html: Path, pdf: Path, *, timeout: int = 120) -> Path:
    """Print the HTML report to PDF with the system Chromium, as nbconvert's webpdf does.

    nbconvert's WebPDFExporter drives Playwright, which wants to download its own browser;
    this prints the very same HTML with the machine's Chromium instead.
    """
    browser = chromium_path()
    if browser is None:
        raise ReportError(
            "PDF needs a Chromium browser, and none was found (install the 'chromium' "
            "package, or set HLS_WORKBOOK_CHROMIUM). The HTML report was made."
        )
    with tempfile.TemporaryDirectory(prefix="hls-chromium-") as profile:
        cmd = [browser, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "--no-pdf-header-footer",
               f"--print-to-pdf={pdf}", html.resolve().as_uri()]
        try:
            subprocess.run(cmd, capture_output=True, timeout=timeout, check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise ReportError(f"Chromium could not print the PDF ({exc}). The HTML report "
                              "was made.") from None
    if not pdf.exists() or pdf.stat().st_size == 0:
        raise ReportError("Chromium did not write the PDF. The HTML report was made.")
    return pdf


# ---------------------------------------------------------------------------
# Running the notebook
# ---------------------------------------------------------------------------


def _execute(req: ReportRequest, keep_dir: Path, progress: bool) -> Any:
    """Run the report notebook with papermill; on failure say which section broke."""
    import nbformat
    import papermill as pm

    source = notebooks_dir() / "report.ipynb"
    if not source.exists():
        raise ReportError(f"The report notebook is missing: {source}.")
    work = keep_dir / f"{req.stem}.ipynb"
    keep_dir.mkdir(parents=True, exist_ok=True)
    try:
        nb = pm.execute_notebook(
            str(source), str(work), parameters=req.parameters(), kernel_name="python3",
            progress_bar=progress, log_output=False, cwd=str(notebooks_dir()),
            request_save_on_cell_execute=False, execution_timeout=CELL_TIMEOUT,
            start_timeout=120,
        )
    except pm.PapermillExecutionError as exc:
        section = _failed_section(work)
        raise ReportError(
            f"The report for {req.place} ({req.audience}) stopped in the section "
            f"'{section}': {exc.ename}: {exc.evalue}. The partly run notebook is kept at "
            f"{work} for an analyst to look at.",
            notebook=work,
        ) from None
    except Exception as exc:  # noqa: BLE001 - kernel start failures come in many types
        name = type(exc).__name__
        if name == "NoSuchKernel":
            text = ("there is no Python kernel called 'python3' for Jupyter. Run "
                    "'make demo' once, or: python -m ipykernel install --user")
        elif "timeout" in name.lower() or "Timeout" in str(exc):
            text = f"the notebook took too long (over {CELL_TIMEOUT} s for one section)"
        else:
            text = f"the notebook's kernel could not run ({name}: {exc})"
        raise ReportError(
            f"The report for {req.place} ({req.audience}) could not be made: {text}.",
            notebook=work if work.exists() else None,
        ) from None
    if not isinstance(nb, nbformat.NotebookNode):
        nb = nbformat.from_dict(nb)
    return nb, work


def _failed_section(path: Path) -> str:
    """The title of the section whose cell raised, from the partly run notebook."""
    import nbformat

    try:
        nb = nbformat.read(path, as_version=4)
    except Exception:  # noqa: BLE001 - the notebook may be half written
        return "unknown"
    current = "the start of the report"
    for cell in nb.cells:
        section = cell.metadata.get("hls", {}).get("section")
        if section:
            current = section.get("title", current)
        if cell.metadata.get("papermill", {}).get("exception"):
            return current
    return current


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
) -> ReportResult:
    """Make one report: run the report notebook for a place, period and audience, then export.

    Returns where the HTML (and PDF) went. Raises ReportError with a plain message; a
    failed notebook is kept for an analyst.
    """
    started = time.perf_counter()
    req = ReportRequest.make(place, start, end, audience, db=db, title=title,
                             threshold=threshold)
    meta = _report_metadata(req)
    out_dir = Path(out)
    nb, work = _execute(req, out_dir / "notebooks", progress)
    nb.metadata["hls_report"] = meta
    html = export_html(nb, out_dir / f"{req.stem}.html")
    result = ReportResult(req, html)
    if keep_notebook:
        result.notebook = work
    else:
        # The folder stays: other workers of a batch may be writing into it right now.
        work.unlink(missing_ok=True)
    if pdf:
        try:
            result.pdf = print_pdf(html, html.with_suffix(".pdf"))
        except ReportError as exc:
            result.messages.append(str(exc))
    result.seconds = time.perf_counter() - started
    return result


def build_demo_reports(db: str | os.PathLike[str], place: str, out: str | os.PathLike[str]
                       ) -> list[Path]:
    """The demo's reports: one per audience, for the demo's whole period."""
    from .demo import START, WEEKS

    end = START + dt.timedelta(weeks=WEEKS)
    return [
        build_report(place, START, end, audience, db=db, out=out).html
        for audience in AUDIENCES
    ]


# ---------------------------------------------------------------------------
# Batch
# ---------------------------------------------------------------------------


@dataclass
class BatchItem:
    place: str
    audience: str
    html: Path | None = None
    error: str | None = None
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.error is None


def _warm_worker() -> None:
    """Pay the slow imports once per worker, not once per report."""
    import nbformat  # noqa: F401
    import papermill  # noqa: F401

    html_exporter()


def _batch_one(args: tuple[Any, ...]) -> BatchItem:
    place, start, end, audience, db, out, threshold = args
    began = time.perf_counter()
    try:
        result = build_report(place, start, end, audience, db=db, out=out, threshold=threshold)
        return BatchItem(place, audience, html=result.html,
                         seconds=time.perf_counter() - began)
    except WorkbookError as exc:
        return BatchItem(place, audience, error=str(exc), seconds=time.perf_counter() - began)
    except Exception as exc:  # noqa: BLE001 - one broken place must not stop the rest
        return BatchItem(place, audience, error=f"{type(exc).__name__}: {exc}",
                         seconds=time.perf_counter() - began)


def build_batch(
    places: Sequence[str] | None,
    start: dt.date | str,
    end: dt.date | str,
    audiences: Iterable[str] = ("partners",),
    *,
    db: str | os.PathLike[str] | None = None,
    out: str | os.PathLike[str] = "reports",
    workers: int | None = None,
    threshold: int = DEFAULT_THRESHOLD,
    on_done: Callable[[BatchItem], None] | None = None,
) -> list[BatchItem]:
    """Reports for many places (all of them when `places` is None) in parallel workers.

    One place failing is reported in its BatchItem; the others still finish.
    """
    location = resolve_db(db)
    if "://" not in location:
        location = str(Path(location).expanduser().resolve())
    _url(location)
    if places is None:
        with open_workbook(location) as wb:
            places = wb.places()
    audiences = list(audiences)
    for a in audiences:
        if a not in AUDIENCES:
            raise ReportError(f"'{a}' is not an audience; use one of: {', '.join(AUDIENCES)}.")
    _date("--from", start)
    _date("--to", end)
    jobs = [(p, str(start), str(end), a, location, str(out), threshold)
            for p in places for a in audiences]
    workers = max(1, min(workers or os.cpu_count() or 1, len(jobs) or 1))
    results: list[BatchItem] = []
    if workers == 1:
        _warm_worker()
        for job in jobs:
            item = _batch_one(job)
            results.append(item)
            if on_done:
                on_done(item)
        return results
    import multiprocessing as mp

    ctx = mp.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=ctx,
                             initializer=_warm_worker) as pool:
        futures = [pool.submit(_batch_one, job) for job in jobs]
        for fut in as_completed(futures):
            item = fut.result()
            results.append(item)
            if on_done:
                on_done(item)
    order = {(j[0], j[3]): i for i, j in enumerate(jobs)}
    return sorted(results, key=lambda it: order[(it.place, it.audience)])

"""Export: an executed report notebook as one HTML page (nbconvert, our template) and as
a PDF (the system's Chromium).

The page keeps only what a reader should see: HTML and images, no code, streams or
widgets, and an analyst's cells tagged ``section:<id>`` moved to their section. Nothing
is fetched when the page is opened; Chromium prints the same page to PDF.
"""

from __future__ import annotations

import contextlib
import re
import secrets
import shutil
import subprocess
import tempfile
import threading
from pathlib import Path
from typing import Any

from hls_workbook import config
from hls_workbook.domain.errors import ReportError
from hls_workbook.reporting.engine import defer_rfc3987_syntax

_EXPORTER: Any = None
_EXPORT_LOCK = threading.RLock()  # nbconvert exporters keep per-call state on themselves


_WARMED = False


def html_exporter() -> Any:
    """Our nbconvert HTML exporter (made once per process: importing nbconvert is slow)."""
    global _EXPORTER
    with _EXPORT_LOCK:
        if _EXPORTER is None:
            _EXPORTER = _make_exporter()
    return _EXPORTER


def warm_exporter() -> None:
    """Make the exporter and compile its templates, once per process.

    Importing nbconvert and compiling the page's templates takes as long as papermill's
    import, and no report needs them until its notebook has run: :func:`warm_in_background`
    does it on a thread while the kernel runs the notebook (the other core), instead of
    before. An export meanwhile waits for it (the exporter's lock).
    """
    global _WARMED
    with _EXPORT_LOCK:
        if _WARMED:
            return
        import nbformat

        export_body(nbformat.v4.new_notebook(metadata={"hls_report": {}}))
        _WARMED = True


def warm_in_background() -> None:
    """Start :func:`warm_exporter` on a daemon thread (a no-op once it has run); the
    thread takes the exporter's lock at once, so an export never races it."""
    if _WARMED:
        return
    taken = threading.Event()

    def warm() -> None:
        with _EXPORT_LOCK:
            taken.set()
            # A failure here (a broken template) is met again, and reported, by the
            # export that needs the exporter: nothing to say from this thread.
            with contextlib.suppress(Exception):
                warm_exporter()

    threading.Thread(target=warm, name="hls-warm-exporter", daemon=True).start()
    taken.wait()


def _make_exporter() -> Any:
    defer_rfc3987_syntax()
    from nbconvert import HTMLExporter
    from nbconvert.preprocessors import Preprocessor

    class ReportPreprocessor(Preprocessor):  # type: ignore[misc]
        """Keep only what a reader should see: HTML and images, no streams or widgets."""

        def preprocess(self, nb: Any, resources: Any) -> Any:
            nb.metadata.pop("widgets", None)
            nb.cells = in_their_sections([c for c in nb.cells
                                          if "remove-cell" not in c.metadata.get("tags", [])])
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
        extra_template_basedirs=[str(config.templates_dir())],
    )
    exporter.exclude_input = True
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    exporter.register_preprocessor(ReportPreprocessor(), enabled=True)
    return exporter


#: An analyst's cell tagged ``section:<id>`` (``section:meetings``) is shown at the end of
#: that section of the report, wherever it sits in the notebook (docs/analysts.md).
SECTION_TAG = "section:"


def own_section(cell: Any) -> str | None:
    """The id of the section a cell is the section cell of (its ``hls.section`` metadata)."""
    return cell.metadata.get("hls", {}).get("section", {}).get("id")


def tagged_section(cell: Any) -> str | None:
    """The id in a cell's first ``section:<id>`` tag (an analyst's cell), if it has one."""
    tags = [t[len(SECTION_TAG):] for t in cell.metadata.get("tags", [])
            if t.startswith(SECTION_TAG)]
    return tags[0] if tags else None


def in_their_sections(cells: list[Any]) -> list[Any]:
    """The cells in report order: each cell tagged for a section moved to follow that
    section's own cell (and any tagged before it), in the order the analyst wrote them.
    A tag naming no section of this notebook leaves its cell where it is."""
    sections = {own_section(c) for c in cells} - {None}

    def target(cell: Any) -> str | None:
        tag = tagged_section(cell)
        return tag if tag in sections else None

    moved: dict[str, list[Any]] = {}
    for cell in cells:
        if (where := target(cell)) is not None:
            moved.setdefault(where, []).append(cell)
    ordered = []
    for cell in cells:
        if target(cell) is not None:
            continue
        ordered.append(cell)
        ordered += moved.get(own_section(cell), [])
    return ordered


#: A chart as :func:`charts.to_svg` writes it (the class is its own; charts never nest).
_CHART_SVG = re.compile(r'<svg\b[^>]*\bclass="chart-svg"[^>]*>.*?</svg>', re.S)


def export_body(nb: Any) -> str:
    """The report's HTML, as text.

    nbconvert's HTML exporter parses the whole page again after rendering it, to give
    images without alt text a placeholder and JupyterLab's cell wrappers a tabindex, and
    writes it out anew. The charts are most of the page and have neither (each is an
    inline SVG named by its own <title>), so they are kept out of that pass: each stands
    in as a comment while the page is rendered and parsed, and is put back as it was
    drawn. Half the export's time, at the end of every report; the notebook itself is
    left as it was.
    """
    charts: list[str] = []
    token = secrets.token_hex(8)
    swapped: list[tuple[Any, str]] = []

    def stand_in(match: re.Match[str]) -> str:
        charts.append(match.group(0))
        return f"<!--hls-chart-{token}-{len(charts) - 1}-->"

    for cell in nb.cells:
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            html = data.get("text/html")
            if isinstance(html, str) and 'class="chart-svg"' in html:
                swapped.append((data, html))
                data["text/html"] = _CHART_SVG.sub(stand_in, html)
    try:
        with _EXPORT_LOCK:
            body, _resources = html_exporter().from_notebook_node(nb)
    finally:
        for data, html in swapped:
            data["text/html"] = html
    if not charts:
        return str(body)
    return re.sub(f"<!--hls-chart-{token}-(\\d+)-->", lambda m: charts[int(m.group(1))],
                  str(body))


def export_html(nb: Any, path: Path) -> Path:
    body = export_body(nb)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".html.part")
    tmp.write_text(body, encoding="utf-8")
    tmp.replace(path)  # readers never see half a file
    return path


def chromium_path() -> str | None:
    """The system's Chromium (never a downloaded one): $HLS_WORKBOOK_CHROMIUM, else on PATH."""
    given = config.chromium_env()
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

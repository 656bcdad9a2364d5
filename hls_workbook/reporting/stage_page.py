"""A stage notebook as one page to keep: run headless, exported offline.

Why it exists. A stage notebook open in JupyterLab shows live forms (ipywidgets). Exported
with nbconvert as it is, those forms become widget views that need require.js and a widget
renderer from a CDN, and show nothing offline. Here the notebook is run with
``interactive=False``, so each section shows what is recorded so far and the questions of
its form as plain HTML, and the page is made by the report's own offline template. The page
holds what the team records, so it is marked for the team, like a team report.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

from hls_workbook import config, privacy
from hls_workbook.domain.errors import ReportError
from hls_workbook.domain.model import Audience
from hls_workbook.reporting.export import export_html
from hls_workbook.reporting.reports import CELL_TIMEOUT, PRIVACY_NOTES, nice_date

#: The parameter every stage notebook has and the report notebook has not.
STAGE_PARAMETER = "interactive"


def _title(nb: Any) -> str:
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            heading = re.search(r"^#\s+(.+)$", cell.source, flags=re.M)
            if heading:
                return heading.group(1).strip()
    return "Stage notebook"


def stage_page(source: Path, *, place: str, out: Path, db: str | None = None) -> Path:
    """Run the stage notebook at ``source`` for ``place`` without widgets and write it to
    ``out`` (one self-contained HTML page, nothing fetched when it is opened). The command
    finds the notebook by its name (``ui.app.resolve_notebook``)."""
    import nbformat

    from hls_workbook.reporting.engine import ENGINE_NAME, Kernel, kernel_problem, load_pipeline
    from hls_workbook.store.workbook import open_workbook

    location = config.resolve_db(db)
    shown = privacy.header(location, place, Audience.team.value, None)
    if shown is None:
        with open_workbook(location) as wb:
            raise ReportError(wb.no_such_place(place))
    nb = nbformat.read(source, as_version=4)
    parameters = next((c.source for c in nb.cells
                       if "parameters" in c.metadata.get("tags", [])), "")
    if not re.search(rf"^{STAGE_PARAMETER}\b", parameters, flags=re.M):
        raise ReportError(f"{source.name} is not a stage notebook (it has no "
                          f"'{STAGE_PARAMETER}' parameter); use 'hls-workbook report' for "
                          "reports.")

    load_pipeline()
    import papermill

    # Our kernel on local sockets (no warnings in the person's terminal), run in the
    # folder the command was given in, so a relative database path means the same there.
    kernel = None
    try:
        kernel = Kernel(Path.cwd())
        kernel.fresh()
        ran = papermill.execute_notebook(
            str(source), None, engine_name=ENGINE_NAME, kernel=kernel, progress_bar=False,
            parameters={"db": location, "place": place, "interactive": False},
            log_output=False, request_save_on_cell_execute=False,
            execution_timeout=CELL_TIMEOUT,
        )
    except papermill.PapermillExecutionError as exc:
        raise ReportError(f"{source.name} stopped at cell {exc.exec_count}: "
                          f"{exc.ename}: {exc.evalue}") from None
    except Exception as exc:  # noqa: BLE001 - a kernel that would not start or died
        raise ReportError(f"{source.name} was not run: "
                          f"{kernel_problem(exc, cell_timeout=CELL_TIMEOUT)}") from None
    finally:
        if kernel is not None:
            kernel.close()
    today = dt.date.today()
    ran.metadata["hls_report"] = {
        "title": _title(ran),
        "place_name": shown["place_name"],
        "period": f"As recorded on {nice_date(today)}",
        "audience": Audience.team.value,
        "audience_label": Audience.team.label,
        "made_on": nice_date(today),
        "privacy_note": PRIVACY_NOTES[Audience.team.value],
    }
    return export_html(ran, out)

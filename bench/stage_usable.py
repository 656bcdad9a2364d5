"""How long a stage notebook takes to become usable, against a bare kernel.

Usable: a new kernel has started, the notebook's code has run (imports, the workbook
opened, every section's form and list built, as in JupyterLab with a person at the
keyboard: ``interactive = True``) and the last cell has answered. The comparison: a new
kernel that runs only ``from hls_workbook import open_workbook``: the package with its
store and model (what ``import hls_workbook`` loaded before those were imported on first
use, so the comparison is the one it was). Both are driven the same way (jupyter_client,
a cell at a time, outputs read), alternately, and the medians printed as JSON.

A live section draws its summary (pandas and the analysis) once the cells have run, so
the time until every summary is drawn is measured too (``drawn_s``: usable, then a cell
that draws those still waiting).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
#: Draws at once the summaries still waiting for the kernel to be idle.
DRAW = "from hls_workbook.ui import stages as _s; _s.draw_summaries()"


#: What the bare kernel runs: the package, its store and its model.
BARE = "from hls_workbook import open_workbook"

def time_kernel(cells: list[str], steps: dict[str, float] | None = None,
                after: list[str] | None = None) -> float:
    """Start a kernel, run the cells in order, stop when the last one has answered.

    ``after``: cells run next, their end recorded in ``steps['after']`` (from the start)."""
    from jupyter_client.manager import KernelManager

    began = time.perf_counter()
    km = KernelManager(kernel_name="python3")
    km.start_kernel(stderr=subprocess.DEVNULL)
    kc = km.client()
    kc.start_channels()
    try:
        kc.wait_for_ready(timeout=120)
        last = time.perf_counter()
        if steps is not None:
            steps["kernel start"] = last - began
        for source in cells:
            reply = kc.execute_interactive(source, timeout=120, output_hook=lambda _m: None)
            if reply["content"]["status"] != "ok":
                content = reply["content"]
                raise SystemExit(f"cell failed: {content.get('ename')}: "
                                 f"{content.get('evalue')}\n{source}")
            now = time.perf_counter()
            if steps is not None and not source.lstrip().startswith(("#", "db =")):
                name = source.strip().splitlines()[0][:40]
                steps[name] = steps.get(name, 0.0) + now - last
            last = now
        took = time.perf_counter() - began
        for source in after or []:
            kc.execute_interactive(source, timeout=120, output_hook=lambda _m: None)
        if after and steps is not None:
            steps["after"] = time.perf_counter() - began
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    return took


def stage_cells(notebook: Path, db: str, place: str) -> list[str]:
    import nbformat

    nb = nbformat.read(notebook, as_version=4)
    cells = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        cells.append(cell.source)
        if "parameters" in cell.metadata.get("tags", []):
            # What papermill or the app would inject; interactive: a person is there.
            cells.append(f"db = {db!r}\nplace = {place!r}\nrole = 'charity'\n"
                         "interactive = True")
    return cells


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--place", default="millbrook")
    parser.add_argument("--notebook", default=str(ROOT / "notebooks" / "1_getting_started.ipynb"))
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--work", default="", help="unused; for symmetry with the others")
    args = parser.parse_args(argv)
    cells = stage_cells(Path(args.notebook), args.db, args.place)
    time_kernel(["pass"])  # the first kernel of a process pays for jupyter_client's imports
    stage, bare, drawn = [], [], []
    steps: dict[str, float] = {}
    for i in range(args.reps):
        bare.append(time_kernel([BARE]))
        run: dict[str, float] = {}
        stage.append(time_kernel(cells, run, after=[DRAW]))
        drawn.append(run.pop("after"))
        if i == args.reps - 1:
            steps = run
    print(json.dumps({"stage_s": statistics.median(stage), "bare_s": statistics.median(bare),
                      "drawn_s": statistics.median(drawn), "stage_all": stage,
                      "bare_all": bare, "drawn_all": drawn, "steps": steps}))
    return 0


if __name__ == "__main__":
    sys.exit(main())

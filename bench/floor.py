"""The floor: a report's own work in plain Python, with no kernel, papermill or nbconvert.

Run in a fresh process by ``bench/run.py`` so that imports are counted::

    python bench/floor.py --db data/demo.db --from 2026-01-05 --to 2026-07-06 \
        --audience team --out /tmp/floor millbrook [more places...]

For each place: ``Report.load(...)``, ``render_html()``, and the HTML written to
``<out>/<place>.html``. Several places share one process (the batch floor: imports paid
once). With ``--json`` it prints its own timings and peak memory.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    began = time.perf_counter()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("places", nargs="+")
    parser.add_argument("--db", required=True)
    parser.add_argument("--from", dest="start", required=True)
    parser.add_argument("--to", dest="end", required=True)
    parser.add_argument("--audience", default="team")
    parser.add_argument("--out", required=True)
    parser.add_argument("--json", action="store_true", help="print timings as JSON")
    args = parser.parse_args(argv)

    from hls_workbook.reporting.sections import Report

    imported = time.perf_counter()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    for place in args.places:
        report = Report.load(db=args.db, place=place, start=args.start, end=args.end,
                             audience=args.audience)
        html = report.render_html()
        (out / f"{place}.html").write_text(html, encoding="utf-8")
    done = time.perf_counter()
    if args.json:
        peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        print(json.dumps({"import_s": imported - began, "work_s": done - imported,
                          "peak_mb": peak_kb / 1024}))
    return 0


if __name__ == "__main__":
    sys.exit(main())

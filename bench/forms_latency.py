"""Form submit latency: validate and save one record through the real form, many times.

Run by ``bench/run.py`` on a copy of a database that already holds about 100,000
records. Each submission fills a :class:`hls_workbook.ui.forms.RecordForm` (as a person
would, field by field), presses Submit and times the call: validation with the model,
the one-transaction save, and the refresh of the list beside the form; then the core
alone (``Model.validate_input`` and ``Workbook.add``), and a live form's look for records
saved elsewhere (``RecordForm.check_for_changes``: the change stamps). Prints JSON.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import sys
import time


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--place", default="millbrook")
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=5)
    args = parser.parse_args(argv)

    from hls_workbook import open_workbook
    from hls_workbook.ui.forms import RecordForm

    wb = open_workbook(args.db)
    stored = sum(wb.counts().values())
    form = RecordForm(wb, "learning", place=args.place, role="charity")
    times = []
    for i in range(args.warmup + args.count):
        form.set_values({
            "kind_of_learning": ("breakthrough", "disappointment", "surprise")[i % 3],
            "title": f"What the Tuesday drop-in taught us ({i})",
            "observation": "People stayed longer when the kettle was on before they came. "
                           "Two of them brought a friend the week after.",
            "response": "Open ten minutes early, every week, and ask who else might come.",
            "event_on": dt.date(2026, 3, 1) + dt.timedelta(days=i % 60),
            "amplify": bool(i % 2),
        })
        began = time.perf_counter()
        saved = form.submit()
        took = time.perf_counter() - began
        if saved is None:
            print(json.dumps({"error": form.status_text, "problems": form.problems}))
            return 1
        if i >= args.warmup:
            times.append(took)
    # What a live form does every few seconds: look whether someone else saved a record
    # of a kind it shows (learning, and the experiments and stories it links to).
    looks = []
    for _ in range(args.warmup + args.count):
        began = time.perf_counter()
        form.check_for_changes()
        looks.append(time.perf_counter() - began)
    looks = looks[args.warmup:]
    # The core of it, without the form: the model's validation and one save.
    from hls_workbook.domain.model import model_for

    model = model_for("learning")
    core = []
    for i in range(args.warmup + args.count):
        began = time.perf_counter()
        record = model.validate_input({
            "kind_of_learning": "surprise", "title": f"Validated and saved ({i})",
            "observation": "Saved without a form.", "event_on": "2026-03-02",
        })
        wb.add("learning", record, place=args.place, by="charity")
        if i >= args.warmup:
            core.append(time.perf_counter() - began)
    wb.close()
    print(json.dumps({"stored": stored, "count": len(times), **_stats("form", times),
                      **_stats("core", core), **_stats("look", looks)}))
    return 0


def _stats(prefix: str, times: list[float]) -> dict[str, float]:
    times = sorted(times)
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    return {f"{prefix}_median_ms": 1000 * statistics.median(times),
            f"{prefix}_p95_ms": 1000 * p95, f"{prefix}_max_ms": 1000 * times[-1]}


if __name__ == "__main__":
    sys.exit(main())

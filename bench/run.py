"""`make bench`: how fast reports, batches, forms and notebooks are, measured side by side.

Everything is measured in one run, on this machine, as medians of several repetitions,
and each figure is printed with its target (met / not met). The results go to
docs/benchmarks.md with the date and the machine. What is measured:

- floor: a report's own work in plain Python (``bench/floor.py`` in a fresh process, so
  imports count): ``Report.load(...).render_html()`` and the HTML written;
- single report: ``hls-workbook report`` end to end, and the naive pipeline (the
  ``papermill`` command, then ``jupyter nbconvert --to html``), as ratios to the floor;
- batch: ``hls-workbook batch`` for 20 places with 2 workers and with 1, the batch floor
  (the same 20 places one after another in one plain Python process), the naive way
  (papermill then nbconvert per place, two places at a time), and the same batch on a
  local Dask cluster of 2 worker processes (``--dask local``);
- postgres: the same team report from a throwaway PostgreSQL server and from SQLite;
- scale: the report for a place at 1x, 10x and 100x the demo's size, with the peak memory
  of the whole process tree (the command and its kernel);
- forms: one form submission with about 100,000 records stored (median and 95th
  percentile), and how long a stage notebook takes to become usable compared with a bare
  kernel that imports the package;
- app: a participant's page of ``hls-workbook app`` on a warm server (preheated kernels),
  in Chromium, from opening the address to the first form ready (its Submit or Save
  changes button drawn), and when every section is built;
- JupyterLab: a stage notebook opened in JupyterLab, in Chromium, from opening its
  address to the first form ready, with no Run All (the notebook's own new kernel);
- tests: the wall time of ``make test`` (skip with ``--skip-tests``).

Generated databases are kept in bench/.cache (rebuilt when the demo generator changes).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import hashlib
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
CACHE = BENCH / ".cache"
DOC = ROOT / "docs" / "benchmarks.md"
PYTHON = sys.executable
BIN = Path(PYTHON).parent
PLACE = "millbrook"
PLACES = 20
START, END = "2026-01-05", "2026-07-06"  # the demo's whole period (demo.START + 26 weeks)
MB = 1024 * 1024


# ---------------------------------------------------------------------------
# Running things and timing them
# ---------------------------------------------------------------------------


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("HLS_WORKBOOK_DB", None)
    env.setdefault("MPLBACKEND", "Agg")
    return env


class TreeMemory(threading.Thread):
    """Peak memory of a process and all its descendants (Linux /proc; no psutil).

    Every 0.2 s it lists the tree (through /proc/<pid>/task/*/children) and adds up the
    resident memory; each process's own high-water mark (VmHWM) is kept as well, so the
    sum of the high-water marks is an upper bound that no sampling can miss.
    """

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.stop = threading.Event()
        self.peak_sum = 0
        self.hwm: dict[int, int] = {}

    def run(self) -> None:
        while True:
            self.sample()
            if self.stop.wait(0.2):
                return

    def sample(self) -> None:
        total = 0
        for pid in self._tree():
            status = _status(pid)
            total += status.get("VmRSS", 0)
            if "VmHWM" in status:
                self.hwm[pid] = max(self.hwm.get(pid, 0), status["VmHWM"])
        self.peak_sum = max(self.peak_sum, total)

    def _tree(self) -> list[int]:
        seen, todo = [], [self.pid]
        while todo:
            pid = todo.pop()
            seen.append(pid)
            with contextlib.suppress(OSError):
                for task in os.listdir(f"/proc/{pid}/task"):
                    with contextlib.suppress(OSError), open(
                            f"/proc/{pid}/task/{task}/children") as fh:
                        todo.extend(int(c) for c in fh.read().split())
        return seen

    @property
    def peak_mb(self) -> float:
        """The larger of the sampled peak and the sum of high-water marks, in MB."""
        return max(self.peak_sum, sum(self.hwm.values())) / 1024

    @property
    def largest_mb(self) -> float:
        """The high-water mark of the biggest single process (the kernel), in MB."""
        return max(self.hwm.values(), default=0) / 1024


def _status(pid: int) -> dict[str, int]:
    out = {}
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith(("VmRSS:", "VmHWM:")):
                    key, value = line.split(":", 1)
                    out[key] = int(value.split()[0])  # kB
    except OSError:
        pass
    return out


@dataclass
class Run:
    seconds: float
    peak_mb: float = 0.0
    largest_mb: float = 0.0
    stdout: str = ""


def run(cmd: Sequence[str], *, memory: bool = False, cwd: Path = ROOT,
        timeout: int = 900) -> Run:
    """Run a command, wall-timed; fail loudly (with its output) if it fails."""
    began = time.perf_counter()
    proc = subprocess.Popen(list(map(str, cmd)), cwd=cwd, env=_env(), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    watcher = TreeMemory(proc.pid) if memory else None
    if watcher:
        watcher.start()
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        raise SystemExit(f"timed out after {timeout} s: {' '.join(map(str, cmd))}") from None
    took = time.perf_counter() - began
    if watcher:
        watcher.stop.set()
        watcher.join()
    if proc.returncode != 0:
        raise SystemExit(f"failed ({proc.returncode}): {' '.join(map(str, cmd))}\n{out}\n{err}")
    if watcher:
        return Run(took, watcher.peak_mb, watcher.largest_mb, out)
    return Run(took, stdout=out)


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def _say(text: str) -> None:
    print(text, flush=True)


# ---------------------------------------------------------------------------
# Data: built once, kept in bench/.cache while the generator stays the same
# ---------------------------------------------------------------------------


def _generator_key() -> str:
    h = hashlib.sha256()
    package = ROOT / "hls_workbook"
    for path in [*sorted((package / "demo").rglob("*.py")),
                 *sorted((package / "domain").rglob("*.py")),
                 *sorted((package / "store").rglob("*.py"))]:
        h.update(path.read_bytes())
    return h.hexdigest()[:12]


def _database(name: str, build: Callable[[Path], None]) -> Path:
    key = _generator_key()
    path = CACHE / f"{name}-{key}.db"
    if path.exists():
        return path
    CACHE.mkdir(parents=True, exist_ok=True)
    for old in CACHE.glob(f"{name}-*.db*"):
        old.unlink()
    began = time.perf_counter()
    tmp = CACHE / f"{name}-{key}.building.db"
    for suffix in ("", "-wal", "-shm"):
        Path(str(tmp) + suffix).unlink(missing_ok=True)
    build(tmp)
    _checkpoint(tmp)
    tmp.replace(path)
    _say(f"  built {path.name} in {time.perf_counter() - began:.0f} s")
    return path


def _checkpoint(path: Path) -> None:
    import sqlite3

    con = sqlite3.connect(path)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.execute("PRAGMA journal_mode=DELETE")
    con.close()


def _build_places(path: Path, count: int, scale: int) -> None:
    from hls_workbook import open_workbook
    from hls_workbook.demo import build_demo_places

    with open_workbook(path, create=True) as wb:
        build_demo_places(wb, count, scale=scale)


def _build_forms_db(path: Path, big: Path) -> None:
    """The 100x place plus enough 1x places for about 100,000 records in all."""
    from hls_workbook import open_workbook
    from hls_workbook.demo import build_demo, place_names

    shutil.copyfile(big, path)
    with open_workbook(path) as wb:
        names = iter(place_names(200)[1:])
        while sum(wb.counts().values()) < 100_000:
            build_demo(wb, next(names))


def _records(path: Path) -> int:
    from hls_workbook import open_workbook

    with open_workbook(path) as wb:
        return sum(wb.counts().values())


# ---------------------------------------------------------------------------
# Results
# ---------------------------------------------------------------------------


@dataclass
class Figure:
    group: str
    what: str
    value: str
    target: str = ""
    met: bool | None = None
    note: str = ""


@dataclass
class Results:
    figures: list[Figure] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    #: Minutes each part of the run took, in order (where `make bench`'s time goes).
    parts: dict[str, float] = field(default_factory=dict)

    @contextlib.contextmanager
    def part(self, name: str) -> Iterator[None]:
        began = time.perf_counter()
        try:
            yield
        finally:
            self.parts[name] = (time.perf_counter() - began) / 60

    def add(self, group: str, what: str, value: str, target: str = "",
            met: bool | None = None, note: str = "") -> None:
        fig = Figure(group, what, value, target, met, note)
        self.figures.append(fig)
        verdict = "" if met is None else ("  [met]" if met else "  [NOT MET]")
        aim = f"  (target {target})" if target else ""
        _say(f"  {what}: {value}{aim}{verdict}")


def _ratio(x: float) -> str:
    return f"{x:.2f} x"


def _s(x: float) -> str:
    return f"{x:.2f} s"


# ---------------------------------------------------------------------------
# The measurements
# ---------------------------------------------------------------------------


def floor_cmd(db: Path, places: Sequence[str], out: Path, audience: str) -> list[str]:
    return [PYTHON, BENCH / "floor.py", "--db", db, "--from", START, "--to", END,
            "--audience", audience, "--out", out, *places]


def limit_cmd(db: Path, place: str, figures: int, out: Path) -> list[str]:
    return [PYTHON, BENCH / "limit.py", "--db", db, "--place", place, "--figures",
            str(figures), "--out", out]


def _figures(folder: Path) -> int:
    """How many charts a report made into this folder has (each is an inline SVG)."""
    return sum(html.read_text(encoding="utf-8").count("<svg") for html in folder.glob("*.html"))


def report_cmd(db: Path, place: str, out: Path, audience: str = "team") -> list[str]:
    return [BIN / "hls-workbook", "report", "--db", db, "--place", place, "--from", START,
            "--to", END, "--audience", audience, "--out", out, "--keep-notebook"]


def section_times(out: Path, place: str = PLACE, audience: str = "team") -> dict[str, float]:
    """Seconds per report section, from the kept notebook (papermill times every cell)."""
    import nbformat

    nb = nbformat.read(out / "notebooks" / f"{place}_{START}_{END}_{audience}.ipynb", 4)
    times: dict[str, float] = {}
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        section = cell.metadata.get("hls", {}).get("section", {}).get("title")
        if not section:
            section = "load the data (Report.load)" if "Report.load" in cell.source else ""
        if section:
            duration = cell.metadata.get("papermill", {}).get("duration") or 0.0
            times[section] = times.get(section, 0.0) + float(duration)
    return times


def _breakdown(times: dict[str, float], top: int = 4) -> str:
    total = sum(times.values()) or 1.0
    parts = sorted(times.items(), key=lambda kv: -kv[1])[:top]
    return ", ".join(f"{name} {sec:.1f} s ({100 * sec / total:.0f}%)" for name, sec in parts)


def naive_report(db: Path, place: str, out: Path, audience: str = "team") -> None:
    """The naive pipeline: the papermill command, then the nbconvert command."""
    out.mkdir(parents=True, exist_ok=True)
    nb = out / f"{place}_{audience}.ipynb"
    run([BIN / "papermill", ROOT / "notebooks" / "report.ipynb", nb, "--no-progress-bar",
         "--cwd", ROOT / "notebooks", "-p", "db", db, "-r", "place", place, "-r", "start",
         START, "-r", "end", END, "-r", "audience", audience, "-k", "python3"])
    run([BIN / "jupyter", "nbconvert", "--to", "html", "--log-level", "WARN", nb])


def single(results: Results, db: Path, reps: int, naive_reps: int, tmp: Path
           ) -> dict[str, Any]:
    _say(f"\nSingle report ({PLACE}, team, {START} to {END}; {reps} repetitions, naive "
         f"{naive_reps}, interleaved)")
    floors, reports, naives, peaks, limits = [], [], [], [], []
    for i in range(reps):
        floors.append(run(floor_cmd(db, [PLACE], tmp / f"floor{i}", "team")).seconds)
        r = run(report_cmd(db, PLACE, tmp / f"report{i}"), memory=True)
        reports.append(r.seconds)
        peaks.append((r.peak_mb, r.largest_mb))
        limits.append(run(limit_cmd(db, PLACE, _figures(tmp / f"report{i}"),
                                    tmp / f"limit{i}.html")).seconds)
        if i < naive_reps:
            began = time.perf_counter()
            naive_report(db, PLACE, tmp / f"naive{i}")
            naives.append(time.perf_counter() - began)
    floor, report = median(floors), median(reports)
    results.add("Single report", "Floor (plain Python, fresh process)", _s(floor))
    results.add("Single report", "`hls-workbook report`", _s(report))
    results.add("Single report", "`hls-workbook report` / floor", _ratio(report / floor),
                "≤ 2.5 x", report / floor <= 2.5)
    limit = median(limits)
    results.add("Single report", "Practical limit (bench/limit.py: the same libraries "
                "imported, the records read, each figure drawn plainly, one HTML file)",
                _s(limit))
    results.add("Single report", "`hls-workbook report` / practical limit",
                _ratio(report / limit), "≤ 1.5 x", report / limit <= 1.5)
    # How much of that is the report's own work (the privacy rules, the analyses, the
    # wording, charts styled for a phone) and how much the kernel, papermill and nbconvert:
    # the floor does the same work as the report in one plain process, without them.
    results.add("Single report", "floor / practical limit (the report's own work, with no "
                "kernel, papermill or nbconvert)", _ratio(floor / limit), "for comparison")
    if naives:  # --naive-reps 0 leaves the naive pipeline out
        naive = median(naives)
        results.add("Single report", "naive (papermill + nbconvert commands)", _s(naive))
        results.add("Single report", "naive / floor", _ratio(naive / floor),
                    "for comparison (about 6 x)")
    return {"floor": floor, "report": report, "peak_mb": max(p for p, _ in peaks),
            "kernel_mb": max(k for _, k in peaks), "sections": section_times(tmp / "report0"),
            "page_kb": _page_kb(tmp / "report0")}


def _page_kb(out: Path) -> float:
    """The size of the report's HTML page in `out`, in kB."""
    return sum(p.stat().st_size for p in out.glob("*.html")) / 1024


def batch(results: Results, db: Path, places: list[str], reps: int, naive_reps: int,
          sample: int, tmp: Path) -> None:
    """The batch of all places; the comparisons (1 worker, naive) on the first `sample`."""
    n = len(places)
    some = places[:sample] if 0 < sample < n else places
    k = len(some)
    _say(f"\nBatch of {n} places (partners; {reps} repetition(s), naive {naive_reps}; "
         f"1 worker and naive on {k} places)")
    cmd = [BIN / "hls-workbook", "batch", "--db", db, "--from", START, "--to", END]
    floors, two, one = [], [], []
    for i in range(reps):
        floors.append(run(floor_cmd(db, places, tmp / f"bfloor{i}", "partners")).seconds)
        two.append(run([*cmd, "--workers", "2", "--out", tmp / f"batch2-{i}"]).seconds)
        places_args = [a for p in some for a in ("--place", p)] if k < n else []
        one.append(run([*cmd, "--workers", "1", *places_args, "--out",
                        tmp / f"batch1-{i}"]).seconds)
    naive = []
    for i in range(naive_reps):
        began = time.perf_counter()
        with ThreadPoolExecutor(max_workers=2) as pool:
            list(pool.map(lambda p, i=i: naive_report(db, p, tmp / f"nbatch{i}", "partners"),
                          some))
        naive.append(time.perf_counter() - began)
    floor, par, seq = median(floors), median(two), median(one)
    cores = os.cpu_count() or 1
    scaled = "" if k == n else f", measured on {k} places: per place x {n}"
    results.add("Batch", f"Batch floor ({n} places, one plain Python process)", _s(floor))
    results.add("Batch", f"`hls-workbook batch`, 2 workers ({n} places)",
                f"{_s(par)} ({n / par:.2f} reports/s)")
    results.add("Batch", "batch / batch floor", _ratio(par / floor), "≤ 1.5 x",
                par / floor <= 1.5)
    seq_n = seq * n / k
    results.add("Batch", f"`hls-workbook batch`, 1 worker{scaled}",
                f"{_s(seq_n)} ({k / seq:.2f} reports/s)")
    results.add("Batch", f"speed-up of 2 workers over 1 ({cores} cores)", _ratio(seq_n / par))
    dask = []
    try:
        import distributed  # noqa: F401
    except ImportError:
        results.notes.append("The Dask batch was not measured: `pip install -e '.[dask]'`.")
    else:
        for i in range(reps):
            dask.append(run([*cmd, "--workers", "2", "--dask", "local", "--out",
                             tmp / f"batchd-{i}"]).seconds)
    if dask:
        on_dask = median(dask)
        results.add("Batch", f"`hls-workbook batch --dask local`, 2 worker processes "
                    f"({n} places)", f"{_s(on_dask)} ({n / on_dask:.2f} reports/s)")
        results.add("Batch", "Dask batch / local batch (2 workers each)",
                    _ratio(on_dask / par), "≤ 1.2 x", on_dask / par <= 1.2)
    if naive:
        naive_n = median(naive) * n / k
        results.add("Batch", f"naive (papermill + nbconvert per place, 2 at a time){scaled}",
                    _s(naive_n))
        results.add("Batch", "naive / batch floor", _ratio(naive_n / floor),
                    "for comparison (about 7 x)")


def postgres(results: Results, db: Path, reps: int, tmp: Path) -> None:
    """The same team report from PostgreSQL and from SQLite (a throwaway local server,
    started as the tests start theirs: tests/pg.py)."""
    sys.path.insert(0, str(ROOT))
    try:
        from tests.pg import _start_server

        server = _start_server()
    except (ImportError, LookupError) as exc:
        results.notes.append(f"PostgreSQL was not measured: {exc}.")
        return
    _say("\nPostgreSQL (team report of the one place, end to end)")
    try:
        url = server.create_database()
        run([BIN / "hls-workbook", "demo", "--db", url, "--places", "1", "--no-reports"])
        on_pg = [run(report_cmd(url, PLACE, tmp / f"pg{i}")).seconds for i in range(reps)]
        on_lite = [run(report_cmd(db, PLACE, tmp / f"lite{i}")).seconds for i in range(reps)]
    finally:
        server.stop()
    pg, lite = median(on_pg), median(on_lite)
    results.add("PostgreSQL", "`hls-workbook report` from PostgreSQL", _s(pg))
    results.add("PostgreSQL", "the same report from SQLite", _s(lite))
    results.add("PostgreSQL", "PostgreSQL / SQLite", _ratio(pg / lite), "for comparison")


def scale(results: Results, dbs: dict[int, Path], one: dict[str, Any], reps: dict[int, int],
          tmp: Path) -> None:
    _say("\nScale (team report of the one place, end to end)")
    base = one["report"]
    results.add("Scale", f"1 x ({_records(dbs[1]) // PLACES:,} records)",
                f"{_s(base)}; peak {one['peak_mb']:.0f} MB (kernel {one['kernel_mb']:.0f} MB); "
                f"page {one['page_kb']:.0f} kB")
    for factor in (10, 100):
        times, peaks, kernels = [], [], []
        for i in range(reps[factor]):
            r = run(report_cmd(dbs[factor], PLACE, tmp / f"scale{factor}-{i}"), memory=True,
                    timeout=1800)
            times.append(r.seconds)
            peaks.append(r.peak_mb)
            kernels.append(r.largest_mb)
        t, peak = median(times), max(peaks)
        page = _page_kb(tmp / f"scale{factor}-0")
        results.add("Scale", f"{factor} x ({_records(dbs[factor]):,} records)",
                    f"{_s(t)}; peak {peak:.0f} MB (kernel {max(kernels):.0f} MB); "
                    f"page {page:.0f} kB")
        target = "≤ 1.5 x" if factor == 100 else ""
        met = (t / base <= 1.5) if factor == 100 else None
        results.add("Scale", f"{factor} x / 1 x time", _ratio(t / base), target, met)
        if factor == 100:
            results.add("Scale", "100 x peak memory (command + kernel)", f"{peak:.0f} MB",
                        "≤ 400 MB", peak <= 400)
            big = section_times(tmp / "scale100-0")
            results.notes.append(
                "Where a report's time goes, by notebook cell: at 1 x "
                f"{_breakdown(one['sections'])}; at 100 x {_breakdown(big)}.")


def forms(results: Results, db: Path, tmp: Path) -> None:
    _say("\nForms")
    work = tmp / "forms.db"
    shutil.copyfile(db, work)
    out = json.loads(run([PYTHON, BENCH / "forms_latency.py", "--db", work, "--count", "60"]
                         ).stdout)
    results.add("Forms", f"form submit with {out['stored']:,} records stored (median)",
                f"{out['form_median_ms']:.1f} ms")
    results.add("Forms", "form submit, 95th percentile", f"{out['form_p95_ms']:.1f} ms",
                "≤ 20 ms", out["form_p95_ms"] <= 20)
    results.add("Forms", "validate_input + Workbook.add alone (median / 95th pct)",
                f"{out['core_median_ms']:.1f} / {out['core_p95_ms']:.1f} ms")
    results.add("Forms", "a live form's look for others' saves, every 3 s (median / 95th "
                "pct)", f"{out['look_median_ms']:.1f} / {out['look_p95_ms']:.1f} ms",
                "≤ 5 ms (median)", out["look_median_ms"] <= 5)
    rest = out["form_median_ms"] - out["core_median_ms"]
    results.notes.append(
        f"Form submit: validating and saving takes {out['core_median_ms']:.1f} ms; the other "
        f"{rest:.0f} ms of a submission (median) is the form refreshing the list beside it.")


def stage_notebook(results: Results, db: Path, reps: int, tmp: Path) -> None:
    """Kernel start to forms built, against kernel start plus the package, its store and
    its model (`from hls_workbook import open_workbook`)."""
    _say(f"\nStage notebook ({reps} repetitions, interleaved)")
    out = json.loads(run([PYTHON, BENCH / "stage_usable.py", "--db", db, "--reps", reps,
                          "--work", tmp]).stdout)
    stage, bare = out["stage_s"], out["bare_s"]
    results.add("Forms", "stage notebook usable (kernel, imports, forms built)", _s(stage))
    results.add("Forms", "bare kernel start + `from hls_workbook import open_workbook`",
                _s(bare))
    results.add("Forms", "stage notebook / bare kernel", _ratio(stage / bare), "≤ 1.5 x",
                stage / bare <= 1.5)
    cells = ", ".join(f"{name} {sec:.2f} s" for name, sec in out["steps"].items())
    results.notes.append(f"Stage notebook, one run step by step: {cells}.")


def app_page(results: Results, db: Path, reps: int) -> None:
    """A participant's page of `hls-workbook app` on a warm server, in Chromium: from
    opening the address to the first form ready (its Submit or Save changes button drawn;
    bench/app_usable.py)."""
    _say(f"\nApp page ({reps} participants)")
    proc = run([PYTHON, BENCH / "app_usable.py", "--db", db, "--reps", reps])
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    first = out["form_median_s"]
    results.add("Forms", "app page usable on a warm server (first form ready, Chromium)",
                _s(first), "≤ 1.5 s", first <= 1.5)
    results.notes.append(
        f"App page (median of {reps} participants): \"Who are you here?\" drawn at "
        f"{out['chooser_median_s']:.2f} s, the first form ready at {first:.2f} s, every "
        f"section built (in the background) at {out['every_section_median_s']:.2f} s.")


def lab_page(results: Results, db: Path, reps: int) -> None:
    """A stage notebook opened in JupyterLab, in Chromium: from opening its address to the
    first form ready, with no Run All (bench/lab_usable.py)."""
    _say(f"\nJupyterLab ({reps} openings)")
    proc = run([PYTHON, BENCH / "lab_usable.py", "--db", db, "--reps", reps])
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    results.add("Forms", "JupyterLab open to first usable form (no Run All, Chromium)",
                _s(out["usable_median_s"]), "for comparison")


def import_profile(results: Results) -> None:
    """What importing the forms (and a stage notebook's helpers) costs, by package."""
    for statement in ("import hls_workbook.ui.forms", "from hls_workbook.ui import stages"):
        proc = subprocess.run([PYTHON, "-X", "importtime", "-c", statement], cwd=ROOT,
                              env=_env(), capture_output=True, text=True, check=True)
        cumulative: dict[str, float] = {}
        for line in proc.stderr.splitlines():
            parts = line.split("|")
            if len(parts) == 3 and parts[1].strip().isdigit():
                name = parts[2].strip()
                cumulative[name] = max(cumulative.get(name, 0.0), int(parts[1]) / 1e6)
        total = max(cumulative.values(), default=0.0)
        shown = [(n, cumulative[n]) for n in ("hls_workbook.domain.model",
                                              "hls_workbook.store.workbook", "pydantic",
                                              "sqlalchemy", "ipywidgets", "pandas",
                                              "matplotlib") if n in cumulative]
        results.notes.append(
            f"`{statement}` takes {total:.2f} s (python -X importtime), of which "
            + ", ".join(f"{n} {t:.2f} s" for n, t in shown) + ".")


def tests(results: Results) -> None:
    _say("\nTests (make test)")
    began = time.perf_counter()
    proc = subprocess.run(["make", "test"], cwd=ROOT, env=_env(), capture_output=True,
                          text=True)
    took = time.perf_counter() - began
    summary = [line for line in proc.stdout.splitlines()
               if re.search(r"\d+ (passed|failed).* in [\d.]+s", line)]
    tail = summary[-1] if summary else f"exit code {proc.returncode}"
    results.add("Tests", "`make test` wall time", f"{took / 60:.1f} min ({tail.strip('= ')})",
                "< 10 min", took < 600 and proc.returncode == 0,
                "" if proc.returncode == 0 else "the suite failed")


# ---------------------------------------------------------------------------
# The report
# ---------------------------------------------------------------------------


def machine() -> dict[str, str]:
    cpu = platform.processor() or platform.machine()
    with contextlib.suppress(OSError), open("/proc/cpuinfo") as fh:
        for line in fh:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    mem = ""
    with contextlib.suppress(OSError), open("/proc/meminfo") as fh:
        for line in fh:
            if line.startswith("MemTotal"):
                mem = f"{int(line.split()[1]) / MB:.1f} GB"
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return {"cpu": f"{cpu}, {os.cpu_count()} cores", "memory": mem,
            "system": f"{platform.system()} {platform.release()}",
            "python": platform.python_version(), "load": load}


def write_doc(results: Results, info: dict[str, str], took: float, args: Any) -> None:
    today = dt.datetime.now().strftime("%Y-%m-%d %H:%M")
    lines = [
        "# Benchmarks",
        "",
        "Made by `make bench` (`bench/run.py`); every ratio below was measured in the same "
        "run, as medians of the repetitions given. Times are wall-clock, end to end, each "
        "command in a fresh process.",
        "",
        f"- Date: {today}",
        f"- Machine: {info['cpu']}, {info['memory']} memory, {info['system']}, "
        f"Python {info['python']}",
        f"- Load average when the run started: {info['load']} (other work on the machine "
        "makes every figure slower; the ratios are fairer than the seconds)",
        f"- Repetitions: {args.reps} for single reports and floors (naive "
        f"{args.naive_reps}); {max(args.reps, 7)} for the stage notebook; "
        f"{args.batch_reps} for batches (1 worker and naive on the first {args.sample or 20} "
        f"places); scale 10 x {args.scale10_reps}, 100 x {args.scale100_reps}; 60 form "
        "submissions",
        f"- The whole run took {took / 60:.1f} min"
        + (": " + ", ".join(f"{name} {minutes:.1f}" for name, minutes in results.parts.items())
           + "." if results.parts else "."),
        "",
        "| | what | measured | target | |",
        "|---|---|---|---|---|",
    ]
    group = ""
    for f in results.figures:
        verdict = "" if f.met is None else ("met" if f.met else "**not met**")
        head = f"**{f.group}**" if f.group != group else ""
        group = f.group
        note = f" ({f.note})" if f.note else ""
        lines.append(f"| {head} | {f.what} | {f.value}{note} | {f.target} | {verdict} |")
    if results.notes:
        lines += ["", "## Where the time goes (this run)", ""] + [f"- {n}" for n in
                                                                  results.notes]
    missed = [WHY[f.what] for f in results.figures if f.met is False and f.what in WHY]
    if missed:
        lines += ["", "## Targets not met, and what it would take", ""]
        lines += [f"- {text}" for text in missed]
    lines += ["", HOW.rstrip(), "", "## What is measured", "", *_doc_what(), ""]
    DOC.parent.mkdir(parents=True, exist_ok=True)
    DOC.write_text("\n".join(lines), encoding="utf-8")


HOW = """\
## How reports are made quickly

- `hls-workbook report` starts the kernel first (on IPC sockets, so it no longer warns
  about unencrypted TCP), before it imports the store and the model (the package's top
  level imports them only when first used) or reads the report's header, and queues the package's
  report modules and pyplot (what the notebook's `%matplotlib inline` loads) in it. While
  the kernel imports pandas and matplotlib, the command imports papermill and reads the
  header; nbconvert and the export template load on a thread while the kernel runs the
  notebook (`export.warm_in_background`): both cores are busy, neither waits for the other.
- nbconvert's HTML exporter parses the rendered page again with BeautifulSoup (alt text
  for bare images, tabindex for JupyterLab's cell wrappers) and writes it anew; the charts,
  most of the page, need neither, so they stand in as comments during that pass and are
  put back as drawn (`export.export_body`): half the export's time. A finished kernel is
  killed and waited for directly (jupyter_client's own wait polls every 0.1 s). Once the
  report is written, the command ends without Python's teardown of papermill, nbconvert
  and the rest (`cli._done`, as mypy does): its exit handlers run and its output is
  flushed, and about 0.3 s of freeing objects one by one is skipped.
- Importing nbformat (under papermill and nbconvert) imports jsonschema, whose optional
  `rfc3987_syntax` compiles a Lark grammar at import time: about 2 s of every process
  (python-jsonschema/jsonschema#1521). `hls_workbook.reporting.engine` puts in a stand-in that
  builds the grammar only if an IRI is ever validated (notebooks never are). The naive
  pipeline pays those 2 s twice per report.
- papermill runs the notebook through its engine interface: a small engine hands nbclient
  the kernel that is already running. Outputs, errors, progress bar and the failed-section
  message are papermill's and nbclient's own. The executed notebook is written to disk
  only when it is kept (`--keep-notebook`) or when the report failed.
- A batch is one process: each worker is a thread driving its own warm kernel, which
  makes report after report. Before each report the kernel is given the state of a new
  one (IPython reset with a new session, working folder, environment, `sys.path`, the
  package's caches, matplotlib's settings); a kernel whose report failed is replaced.
  `tests/test_report_engine.py` checks that a variable, an environment variable, a cache
  and a matplotlib setting left by one place are gone for the next. Once warm, the
  kernel's imported objects are frozen out of garbage collection (`gc.freeze`), so the
  collector's full passes during rendering skip pandas' and matplotlib's ~140,000
  objects; a finished kernel is stopped at once rather than torn down politely (~1.5 s).
- The floor itself: each chart was drawn twice (savefig draws once just to run the
  constrained layout); it now runs the layout and draws once, as PNG and as the inline SVG
  the reports embed. A stacked chart draws each piece as one collection of rectangles
  (matplotlib works out the axes' limits once a piece, not once a rectangle), and colours
  at most three parts, the rest one grey piece. The rhythm and burden
  analyses are computed once per report instead of two or three times, and a big figure's
  memory is released as soon as its image is embedded. Drawing once gives byte for byte
  the same HTML; only the fewer colours and the charts kept out of the BeautifulSoup pass
  (SVG attributes as drawn, `viewBox` in camel case) change it.
- At a glance compares the period before only by the team's own records, so it reads
  only those kinds for it (meetings and their series, experiments, reviews, learning,
  sharing), through the same gate, with the stories and checks of text the gate judges
  them by (`privacy.open_tables(kinds=...)`); before, it read and gated every kind a
  second time. The gate reads the place's names (to remove them from text) only for an
  audience that sees text redacted, not for the team's own report.
- The gate's tag on every frame (`df.attrs["privacy"]`) is a read-only dict that
  pandas shares between frames instead of deep-copying it in every operation that
  makes a frame (`NDFrame.__finalize__`, thousands of times a report).
- Templates are kept compiled between processes (Jinja's `FileSystemBytecodeCache`, in
  its own per-user folder, keyed by each template's checksum): a report kernel and a
  stage notebook load the shared macros and a section's template in about 1 ms instead
  of compiling them (30 to 40 ms each).
- Big places: the analyses work on every meeting, series and record at once (groupby,
  merge_asof, numpy calendars; no loop over rows), with the same figures. Beyond 40
  meetings the charts draw a bar per week (or month), beyond 15 series, funders or
  requirements the 15 largest and the rest together, and tables list the 30 most recent
  records and say how many more there are: the page of a place 100 times the demo's size
  is about the size of the demo's. The report reads the place's records with the store's
  query as plain tuples, which pandas turns into frames several times faster; from
  SQLite, as stored, straight from the driver's cursor (no SQLAlchemy row made for each
  record, no date or JSON read a value at a time), and pandas converts a column at a
  time (`store.reading.frame_for`): the same frames in half the time for a big place.
  The words to avoid are looked for in all the typed text at once (each word's first
  letters found in the plain ASCII texts joined; only the texts that hold one, and text
  in other letters, are searched with the words' pattern), and the decisions taken
  without a part of the system come from one mask over the meetings, not a loop with
  `.at`: the same tables, a quarter and a tenth of the time at 100 x.
"""

#: Why a target is missed, from profiling (see the notes above for this run's figures).
WHY = {
    "`hls-workbook report` / practical limit": (
        "Report against its practical limit: not reachable with a kernel for each report, "
        "on this evidence. On a quiet machine on 1 December at 10:00: report 2.35 s, "
        "limit 1.23 s, 1.91 x (2.04 x in the full run then, 1.93 x in the one at 11:22). "
        "The floor, the same report made in one plain Python process with no kernel, "
        "papermill or nbconvert, took 1.88 s: about 1.5 x the limit on its own (the row "
        "'floor / practical limit', 1.54 x at 11:22; the "
        "limit also imports papermill and nbconvert, which the floor does not). Timed one by "
        "one: the command starts the kernel's process at 0.19 s (Python, its options, "
        "Jupyter's client); the kernel is ready, the package imported, at 1.17 s "
        "(ipykernel's own start about 0.4 s, the imports about 0.6 s); the cells take 1.13 s "
        "(reading and gating 0.13 s, At a glance 0.22 s, the meetings 0.25 s, relationships "
        "and support 0.27 s, the rest 0.26 s); the export and the end 0.08 s. The limit "
        "spends 0.59 s importing, 0.03 s reading and 0.43 s drawing and writing. 1.5 x "
        "would need both the kernel's cost (about 0.5 s) gone and the report's own work "
        "(about 1.1 s, against the limit's 0.46 s) halved; the summary, the privacy rules "
        "and charts styled for a phone, which the same issue asks for, are most of that "
        "work. What is left would change how a report is made: a kernel kept running "
        "between reports (as a batch keeps its kernels), which a single command cannot "
        "have on its first run."),
    "Dask batch / local batch (2 workers each)": (
        "Dask against the local batch: each Dask worker is a process of its own that "
        "imports the package, papermill and nbconvert and starts its kernel before its "
        "first report, where the local batch's threads share one process's imports. Over "
        "20 places those starts weigh more on a busy machine: 1.15 x on 30 November, "
        "1.26 x and 1.22 x on 1 December. Starting the workers' kernels while the "
        "cluster comes up is the lever."),
    "`make test` wall time": (
        "The test suite: 1,694 tests. Most of the time is real notebooks, reports, PDFs "
        "and browsers, two at a time on two cores (about 1,200 s of work; the pytest "
        "workers keep about 1.6 cores busy). On 1 December it took 10 min 31 s on a clean "
        "clone (`.ci/run`), 10 min 10 s with three workers, and 11.9 min inside the "
        "benchmark run at 07:42. Under 10 minutes would take about 2 minutes of that work off: the "
        "browser walks (about 5 minutes in all) and the reports made for every audience by "
        "several test files (each file makes its own) are where it is."),
    "`make bench` wall time": (
        "`make bench` runs `make test` as one of its figures (11.9 min of the 21.4 min on "
        "1 December at 07:42, when the benchmarks themselves took about 9.5 min, 1.5 min "
        "of it rebuilding the scale databases: their cache is keyed on the package's code, "
        "which had changed). The run "
        "on 30 November (6.3 min) left the tests out (`--skip-tests`)."),
    "100 x / 1 x time": (
        "100 x data: the analyses work on every meeting at once and the charts and tables "
        "keep their size (bars by week, the 15 largest and the rest, the 30 most recent "
        "records), so what still grows is reading the place's 83,000 records (about 0.5 s "
        "in process: sqlite's own fetch, then pandas' conversions, in the store; "
        "SQLAlchemy's row processing is no longer part of it) and working out the figures "
        "over them (the pulse's 36,000 answers, speaking time, learning reach). 1.49 x "
        "and 1.55 x on 1 December. See 'Where the time goes' for the run above: the cell "
        "that grew most (reading the data, 1.2 s at 100 x at 07:42) is the next lever."),
    "100 x peak memory (command + kernel)": (
        "100 x memory: the kernel holds its imports (~140 MB) and the place's tables "
        "(~30 MB at 100 x); the command holds papermill, nbconvert and the package "
        "(~100 MB) and parses the page once with BeautifulSoup, charts left out (the page "
        "keeps about the same size at any scale). Reading only the columns each section "
        "needs would be the "
        "next lever."),
    "form submit, 95th percentile": (
        "Form submit: saving is about 1 ms; the rest is the list beside the form, which "
        "after every save re-reads all of the place's records of that kind and builds a "
        "label for each (forms.record_label calls Model.fields_meta(), which rebuilds every "
        "field's metadata object, for each of 2,400 rows). Caching fields_meta per model "
        "and labelling only the rows shown (or adding the one new row) would bring it "
        "near the 1 ms of the save: changes to forms.py and model.py, outside this work."),
    "app page usable on a warm server (first form ready, Chromium)": (
        "App page: the kernel's part is done before the participant arrives (the first "
        "section built, summaries drawn); what is left is the browser's: Voilà's scripts "
        "(some 90 requests, 0.7 to 1 s on this machine before the page has loaded), the "
        "widget manager and the kernel's connection (0.2 to 0.4 s), then the first "
        "section's widgets (0.1 to 0.2 s). On a machine busy with other work the first "
        "part grows most. Serving Voilà's scripts compressed and cached, or a smaller "
        "bundle, is the next lever, outside this package."),
    "stage notebook / bare kernel": (
        "Stage notebook: `from hls_workbook.ui import stages` no longer imports pandas (the "
        "summaries do, once the cells have run); what the stage adds to the bare kernel "
        "is ipywidgets, the forms and the widgets' messages as each section is built "
        "(0.03 to 0.09 s a section in a kernel, 0.01 to 0.02 s out of one). The shared "
        "templates now load compiled. Building the pydantic models on first use "
        "(defer_build) would not help this ratio: the bare kernel imports the model too, "
        "so both would gain the same, and the ratio of two smaller times grows. The ratio "
        "sits at its target and moves with the machine, not the code: on 1 December 1.29 x "
        "at 10:00 and 1.55 x at 11:22 (3 repetitions each, the stage's code unchanged "
        "between them), 1.49 x with 7 repetitions just after; the bench now takes at least "
        "7. What is left to take off is the sections' widgets (about 0.2 s in all) and "
        "ipywidgets' import (about 0.04 s in a kernel)."),
}


def _doc_what() -> list[str]:
    text = (__doc__ or "").split("What is measured:", 1)[-1].split("Generated databases")[0]
    return [line[0:] for line in text.strip().splitlines()]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="HLS Workbook benchmarks (make bench)")
    parser.add_argument("--skip-tests", action="store_true", help="do not time `make test`")
    parser.add_argument("--reps", type=int, default=3, help="repetitions of small runs")
    parser.add_argument("--naive-reps", type=int, default=2, help="repetitions of the naive "
                        "single report")
    parser.add_argument("--batch-reps", type=int, default=1)
    parser.add_argument("--naive-batch-reps", type=int, default=1)
    parser.add_argument("--sample", type=int, default=10, help="places for the batch's "
                        "comparisons (1 worker, naive); 0 for all 20")
    parser.add_argument("--scale10-reps", type=int, default=2)
    parser.add_argument("--scale100-reps", type=int, default=3)
    parser.add_argument("--no-doc", action="store_true", help="print only; leave docs alone")
    parser.add_argument("--only", choices=["single", "batch", "postgres", "scale", "forms",
                                           "stage", "app"],
                        action="append", help="run only these parts (repeatable)")
    args = parser.parse_args(argv)
    only = set(args.only or ["single", "batch", "postgres", "scale", "forms", "stage", "app"])
    began = time.perf_counter()
    info = machine()
    _say(f"HLS Workbook benchmarks: {info['cpu']}, load {info['load']}")
    _say("Data (bench/.cache)")
    results = Results()
    with results.part("data"):
        places_db = _database(f"places{PLACES}", lambda p: _build_places(p, PLACES, 1))
        dbs = {1: places_db}
        if "scale" in only or "forms" in only:
            dbs[10] = _database("scale10", lambda p: _build_places(p, 1, 10))
            dbs[100] = _database("scale100", lambda p: _build_places(p, 1, 100))
        if "forms" in only:
            forms_db = _database("forms100k", lambda p: _build_forms_db(p, dbs[100]))
    from hls_workbook.demo import place_names

    places = place_names(PLACES)
    with tempfile.TemporaryDirectory(prefix="hls-bench-") as folder:
        tmp = Path(folder)
        one: dict[str, Any] = {}
        if "single" in only or "scale" in only:
            with results.part("single"):
                one = single(results, places_db, args.reps, args.naive_reps, tmp)
        if "batch" in only:
            with results.part("batch"):
                batch(results, places_db, places, args.batch_reps, args.naive_batch_reps,
                      args.sample, tmp)
        if "postgres" in only:
            with results.part("PostgreSQL"):
                postgres(results, places_db, args.reps, tmp)
        if "scale" in only:
            with results.part("scale"):
                scale(results, dbs, one, {10: args.scale10_reps, 100: args.scale100_reps},
                      tmp)
        if "forms" in only:
            with results.part("forms"):
                forms(results, forms_db, tmp)
        if "stage" in only:
            with results.part("stage"):
                # At least 7: two kernel starts of about a second each make the ratio, and
                # three of them moved it from 1.29 x to 1.55 x between runs of the same code.
                stage_notebook(results, places_db, max(args.reps, 7), tmp)
                import_profile(results)
        if "app" in only:
            with results.part("app and JupyterLab"):
                app_page(results, places_db, max(args.reps, 5))
                lab_page(results, places_db, args.reps)
    if not args.skip_tests:
        with results.part("tests"):
            tests(results)
    _say("\nMinutes per part: " + ", ".join(f"{name} {minutes:.1f}"
                                          for name, minutes in results.parts.items()))
    took = time.perf_counter() - began
    results.add("Bench", "`make bench` wall time", f"{took / 60:.1f} min", "< 10 min",
                took < 600)
    if not args.no_doc:
        write_doc(results, info, took, args)
        _say(f"\nWrote {DOC.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

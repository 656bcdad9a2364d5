"""Many reports at once: on this machine (threads, each driving its own warm kernel) or on
a Dask cluster (one warm report runner per worker process), with a manifest a program can
read and a resume that skips what is already made.

Every batch writes ``batch-manifest.json`` next to its reports, after each report, so a
batch stopped half way still says what it made. Each entry holds the place, audience,
period, status (``made``, ``failed`` or ``skipped``), file, seconds, error and
``inputs``: a fingerprint of everything the report is made from (its parameters, the
place's records, the report notebook and template, the package version). ``resume=True``
skips a report whose entry says ``made`` from the same inputs and whose file is still
there; anything changed since, a new story or an edited line, is made again.

On Dask, a worker makes the report in a folder of its own and sends the HTML back, so
workers need the database (a PostgreSQL URL, or a SQLite file every worker can read) but
not the output folder.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import queue
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from hls_workbook import __version__, config
from hls_workbook.config import resolve_db
from hls_workbook.domain.errors import WorkbookError
from hls_workbook.reporting.reports import (
    AUDIENCES,
    DEFAULT_THRESHOLD,
    ReportError,
    ReportRequest,
    ReportRunner,
    _date,
    notebooks_dir,
)
from hls_workbook.store.workbook import database_url, open_workbook

MANIFEST = "batch-manifest.json"
MANIFEST_FORMAT = "hls-workbook-batch"
#: The Dask worker plugin's name: each worker keeps one warm runner under it.
PLUGIN_NAME = "hls-workbook-report-runner"


@dataclass
class BatchItem:
    """One report of a batch, as the manifest records it."""

    place: str
    audience: str
    start: str = ""
    end: str = ""
    html: Path | None = None
    error: str | None = None
    seconds: float = 0.0
    status: str = "made"  # made, failed or skipped
    inputs: str = ""

    @property
    def ok(self) -> bool:
        return self.error is None

    def entry(self) -> dict[str, Any]:
        out = asdict(self)
        out["file"] = self.html.name if self.html else None
        del out["html"]
        out["seconds"] = round(self.seconds, 2)
        return out


# ---------------------------------------------------------------------------
# The inputs of a report, and the manifest
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Job:
    place: str
    start: str
    end: str
    audience: str
    db: str
    threshold: int

    @property
    def stem(self) -> str:
        return f"{self.place}_{self.start}_{self.end}_{self.audience}"


def _code_stamp() -> str:
    """The package version and the report notebook and template, as they are now."""
    digest = hashlib.sha256(__version__.encode())
    files = [notebooks_dir() / "report.ipynb"]
    files += sorted(p for p in (config.templates_dir() / "hls_report").rglob("*") if p.is_file())
    for path in files:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def inputs_of(jobs: Sequence[Job], db: str) -> dict[str, str]:
    """Each job's fingerprint, by stem: the same only if the report would come out the same
    (apart from the day it was made)."""
    code = _code_stamp()
    with open_workbook(db) as wb:
        stamps = {p: wb.change_stamp(p) for p in {j.place for j in jobs}}
    out = {}
    for j in jobs:
        text = json.dumps([code, stamps[j.place], j.place, j.start, j.end, j.audience,
                           j.threshold])
        out[j.stem] = hashlib.sha256(text.encode()).hexdigest()[:32]
    return out


def read_manifest(out: Path) -> dict[str, dict[str, Any]]:
    """The entries of the manifest in ``out``, by report stem ({} if none or unreadable)."""
    try:
        doc = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
        entries = doc["reports"]
        return {f"{e['place']}_{e['start']}_{e['end']}_{e['audience']}": e for e in entries}
    except (OSError, ValueError, KeyError, TypeError):
        return {}


def _write_manifest(out: Path, entries: dict[str, dict[str, Any]], began: str) -> None:
    """Write the manifest whole, then move it into place: a reader never sees half of it."""
    out.mkdir(parents=True, exist_ok=True)
    doc = {"format": MANIFEST_FORMAT, "version": 1, "package_version": __version__,
           "updated_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
           "batch_started_at": began,
           "reports": sorted(entries.values(), key=lambda e: (e["place"], e["audience"],
                                                               e["start"], e["end"]))}
    fd, tmp = tempfile.mkstemp(dir=out, prefix=".manifest-", suffix=".json")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(doc, fh, indent=2)
    os.replace(tmp, out / MANIFEST)


# ---------------------------------------------------------------------------
# Making one report
# ---------------------------------------------------------------------------


def _make(runner: ReportRunner | None, job: Job, out: Path, problem: str = "") -> BatchItem:
    began = time.perf_counter()
    item = BatchItem(job.place, job.audience, job.start, job.end)
    try:
        if runner is None:
            raise ReportError(f"The report for {job.place} ({job.audience}) could not be "
                              f"made: {problem}.")
        req = ReportRequest.make(job.place, job.start, job.end, job.audience, db=job.db,
                                 threshold=job.threshold)
        item.html = runner.run(req, out).html
    except WorkbookError as exc:
        item.error = str(exc)
    except Exception as exc:  # noqa: BLE001 - one broken place must not stop the rest
        item.error = f"{type(exc).__name__}: {exc}"
    item.seconds = time.perf_counter() - began
    item.status = "made" if item.ok else "failed"
    return item


def _thread_worker(pending: queue.SimpleQueue[Any], done: queue.SimpleQueue[BatchItem],
                   stop: threading.Event, out: Path) -> None:
    """One worker thread: its own warm kernel, taking jobs until there are none left."""
    runner: ReportRunner | None = None
    problem = ""
    try:
        runner = ReportRunner()
    except Exception as exc:  # noqa: BLE001 - every job still gets an answer
        problem = f"reports could not be started ({type(exc).__name__}: {exc})"
    try:
        while not stop.is_set():
            try:
                job = pending.get_nowait()
            except queue.Empty:
                return
            done.put(_make(runner, job, out, problem))
    finally:
        if runner is not None:
            runner.close()


def _run_local(jobs: list[Job], out: Path, workers: int,
               on_done: Callable[[BatchItem], None]) -> None:
    pending: queue.SimpleQueue[Any] = queue.SimpleQueue()
    for job in jobs:
        pending.put(job)
    done: queue.SimpleQueue[BatchItem] = queue.SimpleQueue()
    stop = threading.Event()
    threads = [threading.Thread(target=_thread_worker, args=(pending, done, stop, out),
                                name=f"hls-report-{i + 1}", daemon=True)
               for i in range(workers)]
    for thread in threads:
        thread.start()
    try:
        for _ in jobs:
            on_done(done.get())
    finally:
        stop.set()
        for thread in threads:
            thread.join()


# ---------------------------------------------------------------------------
# Dask
# ---------------------------------------------------------------------------


def runner_plugin() -> Any:
    """A Dask worker plugin: one warm report runner per worker, shut down with it.

    Made on first use, so that this module (and a local batch) does not import Dask,
    which takes seconds; Dask sends the class to its workers by value.
    """
    from distributed import WorkerPlugin

    class RunnerPlugin(WorkerPlugin):
        name = PLUGIN_NAME

        def __init__(self) -> None:
            self.runner: ReportRunner | None = None
            self.problem = ""

        def setup(self, worker: Any = None) -> None:
            self.lock = threading.Lock()  # made on the worker: a lock cannot travel
            try:
                self.runner = ReportRunner()
            except Exception as exc:  # noqa: BLE001 - every job still gets an answer
                self.problem = f"reports could not be started ({type(exc).__name__}: {exc})"

        def teardown(self, worker: Any = None) -> None:
            if self.runner is not None:
                self.runner.close()
                self.runner = None

    return RunnerPlugin()


def _dask_task(job: Job) -> tuple[BatchItem, bytes | None]:
    """Runs on a Dask worker: make the report in a folder of the worker's own and send the
    page back (the worker need not see the coordinator's folder)."""
    from distributed import get_worker

    plugin = get_worker().plugins[PLUGIN_NAME]
    with plugin.lock, tempfile.TemporaryDirectory(prefix="hls-batch-") as folder:
        item = _make(plugin.runner, job, Path(folder), plugin.problem)
        page = item.html.read_bytes() if item.html is not None else None
    return item, page


def _dask_client(address: str, workers: int) -> tuple[Any, Any]:
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise ReportError("--dask needs Dask: pip install 'hls-workbook[dask]'.") from None
    if address == "local":
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                               dashboard_address=None, silence_logs=40)
        return Client(cluster), cluster
    try:
        refused = _refused(address)
        if refused:
            raise OSError(refused)
        return Client(address, timeout="15s"), None
    except (OSError, TimeoutError) as exc:
        raise ReportError(f"--dask: no Dask scheduler answered at {address} ({exc}). Check "
                          "the address, or use --dask local.") from None


def _refused(address: str) -> str:
    """Why no scheduler can be at a ``tcp://`` address, found at once ("" when one may be).

    Dask's client tries a refused address again and again until its 15 s are up; a
    mistyped host or port is known in a moment (refused, or no such host). A scheduler
    that is slow to answer still gets the client's whole wait."""
    import socket
    from urllib.parse import urlsplit

    parts = urlsplit(address if "://" in address else f"tcp://{address}")
    try:
        host, port = parts.hostname, parts.port
    except ValueError:  # not a port number: the client says what is wrong with it
        return ""
    if parts.scheme != "tcp" or not host or not port:
        return ""
    try:
        with socket.create_connection((host, port), timeout=5):
            return ""
    except (ConnectionRefusedError, socket.gaierror) as exc:
        return exc.strerror or str(exc)
    except OSError:  # slow or filtered: the client's own wait decides
        return ""


def _run_dask(jobs: list[Job], out: Path, address: str, workers: int,
              on_done: Callable[[BatchItem], None]) -> None:
    from distributed import as_completed

    client, cluster = _dask_client(address, workers)
    try:
        client.register_plugin(runner_plugin(), name=PLUGIN_NAME)
        futures = [client.submit(_dask_task, job, key=f"hls-report-{job.stem}", pure=False)
                   for job in jobs]
        by_future = dict(zip(futures, jobs, strict=True))
        for future in as_completed(futures):
            job = by_future[future]
            try:
                item, page = future.result()
            except Exception as exc:  # noqa: BLE001 - a lost worker fails its reports only
                item, page = BatchItem(job.place, job.audience, job.start, job.end,
                                       error=f"the Dask worker failed ({exc})",
                                       status="failed"), None
            if page is not None:
                out.mkdir(parents=True, exist_ok=True)
                item.html = out / f"{job.stem}.html"
                item.html.write_bytes(page)
            on_done(item)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


# ---------------------------------------------------------------------------
# The batch
# ---------------------------------------------------------------------------


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
    dask: str | None = None,
    resume: bool = False,
) -> list[BatchItem]:
    """Reports for many places (all of them when `places` is None), several at once.

    Locally (``dask`` None), each worker is a thread of this process driving its own warm
    kernel: the kernels do the work, on all the cores. ``dask="local"`` starts a local
    Dask cluster of ``workers`` processes; any other value is a scheduler's address. One
    place failing is reported in its BatchItem; the others still finish. ``on_done`` is
    called in the calling thread as each report finishes (or is skipped).
    """
    location = resolve_db(db)
    if "://" not in location:
        location = str(Path(location).expanduser().resolve())
    database_url(location)
    if places is None:
        with open_workbook(location) as wb:
            places = wb.places()
    audiences = [str(a).strip().lower() for a in audiences]
    for a in audiences:
        if a not in AUDIENCES:
            raise ReportError(f"'{a}' is not an audience; use one of: {', '.join(AUDIENCES)}.")
    start_s, end_s = _date("--from", start).isoformat(), _date("--to", end).isoformat()
    jobs = [Job(p, start_s, end_s, a, location, int(threshold)) for p in places
            for a in audiences]
    if not jobs:
        return []
    out_dir = Path(out)
    began = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    inputs = inputs_of(jobs, location)
    entries = read_manifest(out_dir)
    results: list[BatchItem] = []

    def record(item: BatchItem) -> None:
        item.inputs = inputs[f"{item.place}_{item.start}_{item.end}_{item.audience}"]
        entries[f"{item.place}_{item.start}_{item.end}_{item.audience}"] = item.entry()
        _write_manifest(out_dir, entries, began)
        results.append(item)
        if on_done:
            on_done(item)

    todo = []
    for job in jobs:
        before = entries.get(job.stem) if resume else None
        file = before and before.get("file")
        if (before and before.get("status") in ("made", "skipped")
                and before.get("inputs") == inputs[job.stem] and file
                and (out_dir / file).exists()):
            record(BatchItem(job.place, job.audience, job.start, job.end,
                             html=out_dir / file, status="skipped"))
        else:
            todo.append(job)
    if todo:
        n = max(1, min(workers or os.cpu_count() or 1, len(todo)))
        if dask:
            _run_dask(todo, out_dir, dask, n, record)
        else:
            _run_local(todo, out_dir, n, record)
    order = {(j.place, j.audience): i for i, j in enumerate(jobs)}
    return sorted(results, key=lambda it: order[(it.place, it.audience)])

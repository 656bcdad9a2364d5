"""The warm-kernel engine: one Jupyter kernel makes report after report.

Why it exists. Plain papermill starts a kernel for every notebook, and the kernel then
imports pandas, matplotlib and this package; the command itself imports papermill and
nbconvert. For one report that is most of its time (a naive ``papermill`` then
``jupyter nbconvert`` costs about six times a report's own work). Here a kernel is
started first and imports the package while this process imports papermill and
nbconvert (two cores, neither waits); then it makes many reports, each on a namespace
emptied as a new kernel's would be. See docs/benchmarks.md for the measured times.

What it costs. Reusing a kernel means one report's state could reach the next, so before
each report :func:`fresh_kernel_state` runs inside the kernel: IPython's reset, the
starting folder, environment and ``sys.path``, this package's caches, pyplot's figures and
matplotlib's settings; imported modules are kept (and frozen out of garbage collection).
A kernel whose report failed is never reused, and one is replaced after
``REPORTS_PER_KERNEL`` reports. It also means a small papermill engine of our own and a
hand-written wait on the kernel's IOPub channel (:meth:`Kernel.fresh`).
``tests/test_report_engine.py`` checks that nothing of one place is left for the next.

The reports themselves (what to report on, exporting, printing) are :mod:`.reports`; this
module knows nothing of places or audiences.
"""

from __future__ import annotations

import atexit
import functools
import os
import queue
import shutil
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hls_workbook import config

# Where the time of a report goes, and what this module does about it:
#
# - Starting a kernel and importing pandas and matplotlib in it takes about as long as
#   importing papermill and nbconvert in this process, so the kernel is started first and
#   both happen at once (two cores); nbconvert and the exporter's templates load on a
#   thread while the kernel runs the notebook (``export.warm_in_background``).
# - One kernel makes many reports: before each one its namespace is emptied
#   (``fresh_kernel_state``), so no variable, output or cached value of one place is there
#   for the next. A kernel whose report failed is never reused.
# - The kernel listens on local sockets (IPC), so it does not warn about unencrypted TCP.

ENGINE_NAME = "hls-warm-kernel"
KERNEL_NAME = "python3"
START_TIMEOUT = 120
#: A kernel is replaced after this many reports, so memory a library never gives back
#: cannot pile up over a very long batch.
REPORTS_PER_KERNEL = 40
#: What a new kernel imports at once, while this process imports papermill and nbconvert:
#: the package's reports, and what the report notebook's ``%matplotlib inline`` loads
#: (pyplot alone is a third of a second, else spent in the notebook's first cell).
_WARM_IMPORT = ("import hls_workbook.reporting.sections, matplotlib.pyplot, "
                "matplotlib_inline.backend_inline")


def defer_rfc3987_syntax() -> None:
    """Stop nbformat's import from compiling a grammar it never uses (about 2 s a process).

    nbformat imports jsonschema, which imports ``rfc3987_syntax`` for its "iri" format
    check; that package builds a Lark parser at import time (python-jsonschema/jsonschema
    PR #1521). Notebooks never use that format, so a stand-in module builds the real parser
    on first use instead: behaviour is unchanged, only the import is quicker.
    """
    import importlib
    import importlib.util
    import sys
    import types

    name = "rfc3987_syntax"
    if name in sys.modules or "jsonschema" in sys.modules:
        return
    try:
        if importlib.util.find_spec(name) is None:
            return
    except (ImportError, ValueError):
        return
    lock = threading.Lock()

    def real() -> Any:
        with lock:
            if sys.modules.get(name) is stub:
                del sys.modules[name]
                try:
                    importlib.import_module(name)
                except BaseException:
                    sys.modules[name] = stub
                    raise
        return sys.modules[name]

    def is_valid_syntax(term: str, value: str) -> bool:
        return bool(real().is_valid_syntax(term, value))

    def __getattr__(attr: str) -> Any:  # noqa: N807 - a module's own __getattr__ (PEP 562)
        if attr.startswith("__"):
            raise AttributeError(attr)
        return getattr(real(), attr)

    stub = types.ModuleType(name, "Stand-in that imports rfc3987_syntax on first use.")
    stub.is_valid_syntax = is_valid_syntax  # type: ignore[attr-defined]
    stub.__getattr__ = __getattr__  # type: ignore[method-assign]
    sys.modules[name] = stub


_PIPELINE_LOCK = threading.Lock()
_PIPELINE_READY = False


def load_pipeline() -> None:
    """Import papermill once per process and register our engine as ``ENGINE_NAME``."""
    global _PIPELINE_READY
    with _PIPELINE_LOCK:
        if _PIPELINE_READY:
            return
        defer_rfc3987_syntax()
        from papermill.clientwrap import PapermillNotebookClient
        from papermill.engines import NBClientEngine, papermill_engines

        class WarmKernelEngine(NBClientEngine):  # type: ignore[misc]
            """papermill's nbclient engine, on a kernel that is already running."""

            @classmethod
            def execute_managed_notebook(
                cls, nb_man: Any, kernel_name: str, log_output: bool = False,
                stdout_file: Any = None, stderr_file: Any = None, start_timeout: int = 60,
                execution_timeout: int | None = None, kernel: Kernel | None = None,
                **kwargs: Any,
            ) -> Any:
                if kernel is None:
                    raise ValueError("the warm-kernel engine needs a running kernel")
                kernel.nb_man = nb_man  # a failed run is still there to keep
                client = PapermillNotebookClient(
                    nb_man, km=kernel.km, timeout=execution_timeout,
                    startup_timeout=start_timeout, kernel_name=kernel_name,
                    log_output=log_output, stdout_file=stdout_file, stderr_file=stderr_file,
                )
                client.kc = kernel.kc
                return client.execute()

        papermill_engines.register(ENGINE_NAME, WarmKernelEngine)
        _PIPELINE_READY = True


_BASELINE: tuple[dict[str, str], list[str]] | None = None


def fresh_kernel_state(cwd: str) -> None:
    """Run inside a kernel before each report: the state of a new kernel, modules kept.

    Empties the user namespace (every name, In/Out, ``_``, the execution count), goes back
    to the starting folder, environment and ``sys.path``, clears this package's caches,
    closes pyplot figures, restores matplotlib's settings and collects the garbage.
    """
    import gc
    import sys

    from IPython import get_ipython

    global _BASELINE
    first = _BASELINE is None
    if first:  # the first call comes before any report ran in this kernel
        _BASELINE = (dict(os.environ), list(sys.path))
    environ, path = _BASELINE
    shell = get_ipython()
    if shell is not None:
        shell.reset(new_session=True)
    os.chdir(cwd)
    if dict(os.environ) != environ:
        os.environ.clear()
        os.environ.update(environ)
    sys.path[:] = path
    for name, module in list(sys.modules.items()):
        if name == "hls_workbook" or name.startswith("hls_workbook."):
            for value in list(vars(module).values()):
                # Caches of data go; caches of fixed reference data (marked ``static``,
                # such as the name lexicon) stay warm for the next report.
                if isinstance(value, functools._lru_cache_wrapper) and not getattr(
                        value, "static", False):
                    value.cache_clear()
    mpl = sys.modules.get("matplotlib")
    if mpl is not None:
        pyplot = sys.modules.get("matplotlib.pyplot")
        if pyplot is not None:
            pyplot.close("all")
        mpl.rcParams.update({k: v for k, v in mpl.rcParamsOrig.items() if k != "backend"})
    if first:
        # What is here now (the imported modules) lives as long as the kernel: keep it out
        # of every later collection. A report's rendering makes the collector run often,
        # and each full pass over the ~140,000 objects of pandas and matplotlib costs
        # about 0.1 s; frozen, they are skipped. Nothing has run yet, so there is nothing
        # to collect first (a pass finds nothing and takes 0.05 s of the first report).
        gc.freeze()
    else:
        gc.collect()


def start_early(kernel_name: str = KERNEL_NAME) -> Kernel | None:
    """A report kernel started before the command imports the rest of the package, so it
    boots meanwhile (``hls-workbook report``). None when reports are made with plain
    papermill, or when it would not start: the runner then starts one and says why."""
    if not config.warm_kernel():
        return None
    try:
        return Kernel(config.notebooks_dir(), kernel_name)
    except Exception:  # noqa: BLE001 - the runner tries again and explains the failure
        return None


class Kernel:
    """One Jupyter kernel for this thread, on IPC sockets in a private folder.

    Starting returns at once; the kernel boots (and imports the package) meanwhile.
    """

    def __init__(self, cwd: Path, kernel_name: str = KERNEL_NAME) -> None:
        from jupyter_client.manager import AsyncKernelManager
        from jupyter_core.utils import run_sync

        self._run = run_sync
        self.cwd = cwd
        self.reports = 0
        self.nb_man: Any = None
        self._folder = tempfile.mkdtemp(prefix="hls-kernel-")  # short path: socket names
        connection = os.path.join(self._folder, "kernel.json")
        self.km = AsyncKernelManager(kernel_name=kernel_name, transport="ipc",
                                     connection_file=connection,
                                     ip=os.path.join(self._folder, "ipc"))
        try:
            self._call(self.km.start_kernel, cwd=str(cwd), extra_arguments=[
                "--HistoryManager.hist_file=:memory:", "--HistoryManager.enabled=False"])
        except BaseException:
            shutil.rmtree(self._folder, ignore_errors=True)
            raise
        atexit.register(self._at_exit)  # e.g. a batch stopped with Ctrl-C
        self.kc = self.km.client()
        # No heartbeat: the client asks its manager whether the kernel lives (the process
        # itself). A heartbeat thread stopped before it had begun (a report refused on
        # its options, just after this start) reopened its socket in a loop until zmq ran
        # out of sockets ("Too many open files").
        self.kc.start_channels(hb=False)
        # Queued now, run as soon as the kernel is up: the package's slow imports.
        self.kc.execute(_WARM_IMPORT, silent=True, store_history=False)

    def _at_exit(self) -> None:
        process = getattr(self.km.provisioner, "process", None)
        if process is not None and process.poll() is None:
            process.kill()
        shutil.rmtree(self._folder, ignore_errors=True)

    def _call(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        async def go() -> Any:
            return await fn(*args, **kwargs)

        return self._run(go)()

    def fresh(self) -> None:
        """Give the kernel the state of a new one (waiting for it to start, the first time)."""
        code = (f"__import__('hls_workbook.reporting.engine', fromlist=['_'])"
                f".fresh_kernel_state({str(self.cwd)!r})")
        content = self._call(self._run_quietly, code)
        if content.get("status") != "ok":
            raise RuntimeError(f"{content.get('ename')}: {content.get('evalue')}")
        self.nb_man = None

    async def _run_quietly(self, code: str) -> dict[str, Any]:
        """Run code silently; return the reply once its output has all arrived.

        Waiting for the 'idle' message on IOPub as well as the reply also proves that
        IOPub is connected, so the report's first outputs cannot be missed.
        """

        msg_id = self.kc.execute(code, silent=True, store_history=False)
        deadline = time.monotonic() + START_TIMEOUT
        reply: dict[str, Any] | None = None
        idle = False
        while reply is None or not idle:
            if time.monotonic() > deadline:
                raise TimeoutError(f"the kernel did not answer within {START_TIMEOUT} s")
            channel = self.kc.get_shell_msg if reply is None else self.kc.get_iopub_msg
            try:
                msg = await channel(timeout=1)
            except queue.Empty:
                if not await self.km.is_alive():
                    raise RuntimeError("the kernel stopped as it started") from None
                continue
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            if reply is None:
                reply = msg["content"]
            elif msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
                idle = True
        return reply

    def alive(self) -> bool:
        try:
            return bool(self._call(self.km.is_alive))
        except Exception:  # noqa: BLE001 - a kernel we cannot ask is not usable
            return False

    def close(self) -> None:
        """Stop the kernel at once: it holds nothing to save (its history is off), and a
        polite shutdown spends a second or two tearing down pandas and matplotlib."""
        atexit.unregister(self._at_exit)
        try:
            self.kc.stop_channels()
            # Killed and waited for here: jupyter_client's own wait polls every 0.1 s,
            # a tenth of a second at the end of every single report.
            process = getattr(self.km.provisioner, "process", None)
            if process is not None and process.poll() is None:
                process.kill()
                process.wait(timeout=10)
            self._call(self.km.shutdown_kernel, now=True)
        except Exception:  # noqa: BLE001 - shutting down: nothing more to do
            self._at_exit()
        finally:
            shutil.rmtree(self._folder, ignore_errors=True)


def kernel_problem(exc: BaseException, kernel_name: str = KERNEL_NAME, *,
                   cell_timeout: int) -> str:
    """What went wrong with a kernel, in words a coordinator can act on."""
    name = type(exc).__name__
    if name == "NoSuchKernel":
        return (f"there is no Python kernel called '{kernel_name}' for Jupyter. Run "
                "'make demo' once, or: python -m ipykernel install --user")
    if "timeout" in name.lower():
        return f"the notebook took too long (over {cell_timeout} s for one section)"
    return f"the notebook's kernel could not run ({name}: {exc})"

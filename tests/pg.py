"""A throwaway PostgreSQL server for the tests, and the `db_url` fixture (SQLite and PostgreSQL).

The server is Debian's PostgreSQL (``scripts/system-deps`` installs it when missing): one
server per test process (pytest-xdist worker), started on first use with ``initdb`` and
``pg_ctl`` in a temporary folder, on 127.0.0.1 and a free port, with no fsync (it holds
nothing worth keeping), and stopped at the end. Each test gets a fresh database on it.

``initdb`` refuses to run as root: as root, the server runs as the ``postgres`` user (made
by Debian's package; else ``nobody``) through ``runuser``.

Without PostgreSQL (or the psycopg driver) the PostgreSQL tests are skipped with the
reason, except on CI (``HLS_REQUIRE_BROWSER=1``, or ``HLS_REQUIRE_POSTGRES=1``), where a
missing PostgreSQL is a failure: CI cannot pass green with the PostgreSQL half left out.
"""

from __future__ import annotations

import atexit
import contextlib
import glob
import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

REQUIRE_POSTGRES = (os.environ.get("HLS_REQUIRE_BROWSER") == "1"
                    or os.environ.get("HLS_REQUIRE_POSTGRES") == "1")
SUPERUSER = "hls"


def _unavailable(reason: str) -> None:
    if REQUIRE_POSTGRES:
        pytest.fail(f"HLS_REQUIRE_BROWSER=1 (CI), but PostgreSQL cannot be used: {reason}",
                    pytrace=False)
    pytest.skip(f"PostgreSQL: {reason}")


def _bin_dir() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                   key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0)
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class PostgresServer:
    """One running server: its folder, port and (while running) the command prefix."""

    bin: Path
    folder: Path
    port: int
    run_as: list[str]
    _names = itertools.count(1)

    @property
    def data(self) -> Path:
        return self.folder / "data"

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://{SUPERUSER}@127.0.0.1:{self.port}/{database}"

    def _run(self, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
        return subprocess.run([*self.run_as, *args], capture_output=True, text=True,
                              timeout=timeout, check=False)

    def start(self) -> None:
        for locale in ("C.UTF-8", "C"):  # C.UTF-8 where the system has it
            done = self._run(
                str(self.bin / "initdb"), "-D", str(self.data), "-U", SUPERUSER,
                "--auth=trust", "--encoding=UTF8", f"--locale={locale}", "--no-sync")
            if done.returncode == 0:
                break
            shutil.rmtree(self.data, ignore_errors=True)
        if done.returncode != 0:
            raise RuntimeError(f"initdb failed: {(done.stderr or done.stdout).strip()[-500:]}")
        options = (f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 "
                   "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
                   "-c max_connections=60 -c shared_buffers=32MB")
        done = self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-l",
                         str(self.folder / "server.log"), "-o", options, "-w", "-t", "60",
                         "start")
        if done.returncode != 0:
            log = self.folder / "server.log"
            tail = log.read_text(errors="replace")[-500:] if log.exists() else ""
            raise RuntimeError(f"pg_ctl start failed: {(done.stderr or done.stdout).strip()} "
                               f"{tail}")

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            with contextlib.suppress(OSError, subprocess.TimeoutExpired):
                self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate",
                          "-w", "stop", timeout=30)
        shutil.rmtree(self.folder, ignore_errors=True)

    def create_database(self, *, workbook: bool = False) -> str:
        """A fresh database; its URL (a plain postgresql:// URL, as a person writes). Empty,
        or with ``workbook=True`` a copy of an empty workbook (its tables made once per
        server by the store itself: copying is faster than making them for every test)."""
        import psycopg

        template = self._workbook_template() if workbook else "template1"
        name = f"t{os.getpid()}_{next(self._names)}"
        with psycopg.connect(self.url(), autocommit=True) as conn:
            # Copying the files is several times faster than WAL_LOG (PostgreSQL 15's
            # default) on a server without fsync.
            fast = " STRATEGY FILE_COPY" if conn.info.server_version >= 150000 else ""
            conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"{fast}')
        return self.url(name)

    def _workbook_template(self) -> str:
        name = "hls_workbook_template"
        if not getattr(self, "_template_made", False):
            from hls_workbook import open_workbook

            open_workbook(self._fresh(name), create=True).close()
            self._template_made = True
        return name

    def _fresh(self, name: str) -> str:
        import psycopg

        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def drop_database(self, url: str) -> None:
        import psycopg

        name = url.rsplit("/", 1)[1]
        with contextlib.suppress(psycopg.Error), psycopg.connect(self.url(),
                                                                  autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def relation_files(self, database_url: str, table: str) -> list[Path]:
        """The files holding a table (and its TOAST table) in the server's data folder."""
        import psycopg

        with psycopg.connect(database_url, autocommit=True) as conn:
            paths = [conn.execute("SELECT pg_relation_filepath(%s::regclass)",
                                  (table,)).fetchone()[0]]
            toast = conn.execute("SELECT reltoastrelid FROM pg_class WHERE oid = %s::regclass",
                                 (table,)).fetchone()[0]
            if toast:
                paths.append(conn.execute("SELECT pg_relation_filepath(%s::oid::regclass)",
                                          (toast,)).fetchone()[0])
            conn.execute("CHECKPOINT")  # the pages reach the files
        files = []
        for rel in paths:  # the main fork, its segments (.1, .2) and its maps (_fsm, _vm)
            base = self.data / rel
            files += [p for p in base.parent.glob(base.name + "*") if p.is_file()
                      and (p.name == base.name or p.name[len(base.name)] in "._")]
        return files


def _start_server() -> PostgresServer:
    bin_dir = _bin_dir()
    if bin_dir is None:
        raise LookupError("not installed (scripts/system-deps installs Debian's postgresql "
                          "package when run as root)")
    try:
        import psycopg  # noqa: F401
    except ImportError:
        raise LookupError("the psycopg driver is missing: pip install -e '.[postgres]'") from None
    run_as: list[str] = []
    folder = Path(tempfile.mkdtemp(prefix="hls-pg-"))
    if os.geteuid() == 0:
        user = "postgres"
        try:
            pw = pwd.getpwnam(user)
        except KeyError:
            user, pw = "nobody", pwd.getpwnam("nobody")
        os.chown(folder, pw.pw_uid, pw.pw_gid)
        runuser = shutil.which("runuser") or "/usr/sbin/runuser"
        run_as = [runuser, "-u", user, "--"]
    last: Exception | None = None
    for _attempt in range(3):  # a free port can be taken by another worker meanwhile
        server = PostgresServer(bin_dir, folder, _free_port(), run_as)
        try:
            server.start()
            return server
        except (RuntimeError, OSError, subprocess.TimeoutExpired) as exc:
            last = exc
            server.stop()
            folder.mkdir(exist_ok=True)
            if run_as:
                os.chown(folder, pw.pw_uid, pw.pw_gid)
            time.sleep(0.2)
    shutil.rmtree(folder, ignore_errors=True)
    raise LookupError(f"the test server would not start ({last})")


_SERVER: list[PostgresServer | str] = []


def postgres_server() -> PostgresServer:
    """This process's server, started on first use (skips, or fails on CI, without one)."""
    if not _SERVER:
        try:
            server = _start_server()
        except LookupError as exc:
            _SERVER.append(str(exc))
        else:
            _SERVER.append(server)
            atexit.register(server.stop)
    found = _SERVER[0]
    if isinstance(found, str):
        _unavailable(found)
    assert isinstance(found, PostgresServer)
    return found


@pytest.fixture(scope="session")
def pg_server():
    """The throwaway PostgreSQL server (one per test process), stopped at the end (and at
    exit, should the session end otherwise)."""
    server = postgres_server()
    yield server
    server.stop()


@pytest.fixture
def pg_url(pg_server: PostgresServer):
    """A fresh, empty PostgreSQL database for one test."""
    url = pg_server.create_database()
    yield url
    pg_server.drop_database(url)


@pytest.fixture
def pg_workbook_url(pg_server: PostgresServer):
    """A fresh PostgreSQL database holding an empty workbook, for one test."""
    url = pg_server.create_database(workbook=True)
    yield url
    pg_server.drop_database(url)


BACKENDS = ("sqlite", "postgresql")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "both_databases: the test's `wb` runs once on SQLite, once on PostgreSQL")
    config.addinivalue_line(
        "markers", "sqlite_only: about SQLite alone (its file, pragmas or locks): not "
        "run on PostgreSQL even in a both_databases module")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """A test marked both_databases (or in a module so marked) that uses `wb` runs twice."""
    node = metafunc.definition
    if ("backend" in metafunc.fixturenames and node.get_closest_marker("both_databases")
            and not node.get_closest_marker("sqlite_only")):
        metafunc.parametrize("backend", BACKENDS, indirect=True)


@pytest.fixture
def backend(request: pytest.FixtureRequest) -> str:
    """Which database `wb` is on: SQLite unless the test is marked both_databases."""
    return getattr(request, "param", "sqlite")


@pytest.fixture
def backend_location(request: pytest.FixtureRequest, backend: str, tmp_path: Path) -> str:
    """A fresh database location for `backend`: a SQLite file path or a PostgreSQL URL."""
    if backend == "sqlite":
        return str(tmp_path / "workbook.db")
    return request.getfixturevalue("pg_workbook_url")


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path):
    """A fresh database location, once as a SQLite file and once as a PostgreSQL URL."""
    if request.param == "sqlite":
        yield str(tmp_path / "workbook.db")
        return
    server = request.getfixturevalue("pg_server")
    url = server.create_database(workbook=True)
    yield url
    server.drop_database(url)

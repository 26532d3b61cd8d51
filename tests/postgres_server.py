"""A throwaway PostgreSQL server for the tests: `postgres_url` (one per session) and `postgres_db` (a
fresh database per test), so the PostgreSQL store is tested against a real server, not a mock.

The server is Debian's `postgresql` package (scripts/test-services.sh installs it): initdb into a
temporary directory, started on a free port on 127.0.0.1 only, trust authentication, stopped and
removed at the end of the session. PostgreSQL refuses to run as root, so as root it runs as the
`postgres` system user the package creates. Without the binaries the PostgreSQL tests are skipped,
except in CI (CI=true), where that is a failure: CI must really test PostgreSQL.

Register with `pytest_plugins = ["postgres_server"]` in tests/conftest.py.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

PG_GLOB = "/usr/lib/postgresql/*/bin"  # where Debian puts initdb and pg_ctl (not on PATH)
START_TIMEOUT_S = 60


def _missing(reason: str) -> None:
    """Skip the test, or fail it in CI, where every backend must really be tested."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (CI=true: PostgreSQL must be tested; run scripts/test-services.sh)", pytrace=False)
    pytest.skip(f"{reason}; run scripts/test-services.sh (as root) to install it")


def pg_bindir() -> Path | None:
    """The newest Debian PostgreSQL server bin directory, else the one of `pg_ctl` on PATH."""
    dirs = sorted(Path("/").glob(PG_GLOB.lstrip("/")), key=lambda p: _major(p.parent.name), reverse=True)
    on_path = shutil.which("pg_ctl")
    if on_path:
        dirs.append(Path(on_path).parent)
    return next((d for d in dirs if (d / "initdb").is_file() and (d / "pg_ctl").is_file()), None)


def _major(name: str) -> int:
    return int(name) if name.isdigit() else -1


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _Server:
    """One initdb'd cluster in `root`, run as `postgres` when we are root."""

    def __init__(self, bindir: Path, root: Path, *, durable: bool = False):
        self.bindir, self.root, self.durable = bindir, root, durable
        self.data, self.log = root / "data", root / "server.log"
        self.as_root = os.geteuid() == 0
        self.port = 0

    def _run(self, tool: str, *args: str) -> subprocess.CompletedProcess:
        cmd = [str(self.bindir / tool), *args]
        if self.as_root:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        # PG* variables of the caller (PGDATA, PGPORT, ...) must not steer the throwaway server
        env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
        return subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=START_TIMEOUT_S + 30)

    def start(self) -> None:
        if self.as_root:
            shutil.chown(self.root, "postgres", "postgres")
        # C.UTF-8: text sorts by code point, as in DuckDB, and lower()/upper() know non-ASCII letters
        # (the plain C locale folds ASCII only), so both backends select and order rows alike
        done = self._run("initdb", "-D", str(self.data), "-U", "postgres", "-E", "UTF8", "--locale=C.UTF-8",
                         "--auth=trust", "--no-sync")
        if done.returncode:
            raise RuntimeError(f"initdb failed:\n{done.stdout}{done.stderr}")
        # trust, but only over the Unix socket in our temp dir and from 127.0.0.1 (no other host line)
        (self.data / "pg_hba.conf").write_text("local all all trust\nhost all all 127.0.0.1/32 trust\n")
        for _ in range(5):  # the port is free when chosen; another process may take it before we bind
            self.port = _free_port()
            opts = f"-c listen_addresses=127.0.0.1 -c port={self.port} -c unix_socket_directories={self.root}"
            if not self.durable:
                # fsync off: a crash of this throwaway test server may lose data, which no test relies on
                # (crash tests kill the client, not the server); it makes commits much cheaper
                opts += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
            done = self._run("pg_ctl", "start", "-D", str(self.data), "-l", str(self.log), "-w",
                             "-t", str(START_TIMEOUT_S), "-o", opts)
            if done.returncode == 0:
                return
            if "could not bind" not in self._log_tail():
                break
        raise RuntimeError(f"pg_ctl start failed:\n{done.stdout}{done.stderr}\n{self._log_tail()}")

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self._run("pg_ctl", "stop", "-D", str(self.data), "-m", "immediate", "-w")

    def _log_tail(self) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-20:])
        except OSError:
            return ""

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"


def unavailable() -> str | None:
    """Why no throwaway server can be started here, or None."""
    if pg_bindir() is None:
        return f"PostgreSQL server binaries (initdb, pg_ctl) not found in {PG_GLOB} or on PATH"
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        return "running as root and no `runuser` to start PostgreSQL as the postgres user"
    return None


@contextmanager
def throwaway_server(*, durable: bool = False) -> Iterator[str]:
    """Start a new cluster and yield its URL (database `postgres`); stopped and removed on exit.
    `durable` keeps PostgreSQL's default fsync settings (for benchmarks); raises RuntimeError when
    the server cannot start, LookupError when its binaries are missing."""
    problem = unavailable()
    if problem:
        raise LookupError(problem)
    bindir = pg_bindir()
    assert bindir is not None
    root = Path(tempfile.mkdtemp(prefix="eventwire-pg-"))
    server = _Server(bindir, root, durable=durable)
    try:
        server.start()
        yield server.url
    finally:
        server.stop()
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """The URL of a PostgreSQL server that lives for the test session (database `postgres`)."""
    try:
        import psycopg  # noqa: F401
    except ImportError:
        _missing("psycopg is not installed (pip install 'eventwire[postgres]')")
    problem = unavailable()
    if problem:
        _missing(problem)
    with throwaway_server() as url:
        yield url


@contextmanager
def fresh_database(server_url: str, prefix: str = "t_") -> Iterator[str]:
    """A new, empty database on a server, as a URL; dropped on exit, with any connection left to it
    (a killed client's session may linger a moment)."""
    import psycopg

    name = f"{prefix}{uuid.uuid4().hex}"
    with psycopg.connect(server_url, autocommit=True) as con:
        con.execute(f'CREATE DATABASE "{name}"')  # the name is ours: a prefix and hex
    try:
        yield server_url.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with psycopg.connect(server_url, autocommit=True) as con:
            con.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def postgres_db(postgres_url: str) -> Iterator[str]:
    """The URL of a new, empty database, dropped after the test."""
    with fresh_database(postgres_url) as url:
        yield url

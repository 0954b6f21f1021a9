"""Shared test fixtures: settings on a temp folder, and stores on SQLite and real PostgreSQL."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from digest.settings.loading import parse_settings
from digest.settings.schema import Settings

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
PG_BIN = Path("/usr/lib/postgresql/15/bin")


TEST_CONFIG = FIXTURES / "config" / "seeds.yaml"


def config_text(tmp_path: Path, extra: str = "") -> str:
    """The tests' own configuration (seeds as the only source), database and out/ in tmp_path."""
    text = TEST_CONFIG.read_text(encoding="utf-8")
    return text.replace("{tmp}", str(tmp_path)).replace("{root}", str(ROOT)) + extra


def make_settings(tmp_path: Path, extra: str = "") -> Settings:
    """Settings from the tests' configuration, with the database and out/ in tmp_path."""
    return parse_settings(config_text(tmp_path, extra), tmp_path / "sources.yaml")


def write_config(tmp_path: Path, extra: str = "") -> Path:
    """The test configuration written to tmp_path/sources.yaml, for the command line."""
    path = tmp_path / "sources.yaml"
    path.write_text(config_text(tmp_path, extra), encoding="utf-8")
    return path


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """The default configuration, writing into a temporary folder."""
    return make_settings(tmp_path)


@pytest.fixture
def server(httpserver_ipv4):
    """The loopback HTTP server: no robots.txt (all allowed), 404 for unknown paths."""
    httpserver_ipv4.no_handler_status_code = 404
    httpserver_ipv4.expect_request("/robots.txt").respond_with_data("", status=404)
    return httpserver_ipv4


@pytest.fixture
def fetcher(httpserver_ipv4):
    """A real fetcher that never sleeps, with validators kept in memory.

    The loopback server's origin is allowed, as a source configured there would be.
    """
    from digest.fetch.client import Fetcher, FetchOptions, MemoryValidatorCache

    options = FetchOptions(timeout=2, retries=1, backoff=0)
    with Fetcher("digest-test", options, MemoryValidatorCache(), sleep=lambda _: None) as f:
        f.guard.allow_only([httpserver_ipv4.url_for("/")])
        yield f


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_postgres(*cmd: str) -> list[str]:
    """Run as the postgres user when we are root (initdb and pg_ctl refuse root)."""
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else list(cmd)


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A real PostgreSQL: $DIGEST_TEST_POSTGRES_URL, or a throwaway cluster started here."""
    given = os.environ.get("DIGEST_TEST_POSTGRES_URL")
    if given:
        yield given
        return
    if not (PG_BIN / "initdb").exists():
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL 15 is not installed (.ci/run installs postgresql-15)")
        pytest.skip("PostgreSQL 15 binaries not found in /usr/lib/postgresql/15/bin")
    folder = Path(tempfile.mkdtemp(prefix="digest-pg-"))
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
    data, port = folder / "data", _free_port()
    run = dict(check=True, capture_output=True, cwd="/")
    subprocess.run(_as_postgres(str(PG_BIN / "initdb"), "-D", str(data), "-A", "trust",
                                "-U", "postgres"), **run)  # fmt: skip
    opts = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off"
    subprocess.run(_as_postgres(str(PG_BIN / "pg_ctl"), "-D", str(data), "-o", opts, "-w",
                                "-l", str(folder / "log"), "start"), **run)  # fmt: skip
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(_as_postgres(str(PG_BIN / "pg_ctl"), "-D", str(data), "-m", "immediate",
                                    "stop"), check=False, capture_output=True, cwd="/")  # fmt: skip
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path: Path) -> str:
    """A fresh database URL on each engine: a SQLite file, and a new PostgreSQL database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path}/store.db"
    base = request.getfixturevalue("postgres_url")
    from sqlalchemy import create_engine, text

    name = f"t_{abs(hash(request.node.nodeid)) % 10**10}"
    engine = create_engine(base, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {name}"))
        conn.execute(text(f"CREATE DATABASE {name}"))
    engine.dispose()
    return base.rsplit("/", 1)[0] + "/" + name


UNSUBSCRIBE_SECRET = "test-unsubscribe-secret-0123456789"


@pytest.fixture(autouse=True)
def unsubscribe_secret(monkeypatch) -> str:
    """Every test (and the child processes it starts) signs unsubscribe links with this secret."""
    monkeypatch.setenv("DIGEST_UNSUBSCRIBE_SECRET", UNSUBSCRIBE_SECRET)
    return UNSUBSCRIBE_SECRET


def process_alive(pid: int) -> bool:
    """Whether a process exists and is not a zombie (read from /proc: Linux only)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return "\nState:\tZ" not in status

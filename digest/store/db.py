"""Opening the database: the engine, the schema migrations, and UTC-safe timestamps."""

from __future__ import annotations

import importlib
import re
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType
from typing import overload

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError, ProgrammingError

from digest.errors import ConfigError, DigestError
from digest.resources import package_path

MIGRATIONS = package_path("digest.store", "migrations")

BUSY_TIMEOUT_MS = 5000  # how long SQLite waits for another writer before "database is locked"
# The package to install for a database driver module SQLAlchemy could not import.
DRIVER_PACKAGES = {
    "MySQLdb": "mysqlclient",
    "pymysql": "pymysql",
    "mysql": "mysql-connector-python",
    "psycopg": "psycopg[binary] (pip install -e '.[postgres]')",
    "psycopg2": "psycopg2-binary",
    "asyncpg": "asyncpg",
    "pg8000": "pg8000",
    "pyodbc": "pyodbc",
    "pymssql": "pymssql",
    "oracledb": "oracledb",
    "cx_Oracle": "cx_Oracle",
}


def make_engine(url: str) -> Engine:
    """An engine for any SQLAlchemy URL; SQLite gets WAL and foreign keys for safe re-runs."""
    try:
        engine = create_engine(url, future=True, pool_pre_ping=True)
    except (ArgumentError, NoSuchModuleError) as exc:
        raise ConfigError(f"database URL '{_redact(url)}' is not usable: {exc}") from exc
    except ImportError as exc:  # the dialect is known, its driver is not installed
        raise ConfigError(_missing_driver(url, exc)) from exc
    if engine.dialect.name == "sqlite":
        _make_sqlite_parent(engine)
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


_REVISION = re.compile(r"^(down_revision|revision)\s*=\s*['\"]?([\w.-]+|None)['\"]?", re.M)


def head_revisions() -> set[str]:
    """The newest migrations, read from the scripts' `revision` lines (no Alembic import)."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for script in (MIGRATIONS / "versions").glob("*.py"):
        for name, value in _REVISION.findall(script.read_text(encoding="utf-8")):
            (revisions if name == "revision" else parents).add(value)
    return revisions - parents


def current_revisions(engine: Engine) -> set[str]:
    """The revisions the database says it is at (empty when it was never migrated)."""
    try:
        with engine.connect() as conn:
            return {r for (r,) in conn.execute(text("SELECT version_num FROM alembic_version"))}
    except (OperationalError, ProgrammingError):
        return set()


def _missing_driver(url: str, exc: ImportError) -> str:
    """A one-line message naming the driver module a database URL needs and its package."""
    module = (exc.name or "").split(".")[0] or "its driver"
    package = DRIVER_PACKAGES.get(module, module)
    scheme = url.split(":", 1)[0]
    return (
        f"database URL '{_redact(url)}' needs the {scheme} driver '{module}', which is not "
        f"installed: pip install {package} (SQLite and PostgreSQL are the tested databases)"
    )


def migrate(engine: Engine) -> None:
    """Bring the schema up to the newest migration; a database already there is only asked
    its revision (Alembic, slow to import and run, is loaded only when there is work)."""
    try:
        if current_revisions(engine) == head_revisions():
            return
    except OSError as exc:
        raise DigestError(f"cannot read the migrations in {MIGRATIONS}: {exc}") from exc
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    try:
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")
    except OperationalError as exc:
        where = _redact(str(engine.url))
        raise DigestError(f"cannot open database '{where}': {database_problem(exc)}") from exc


def table_names(engine: Engine) -> list[str]:
    """The tables that exist in the database (for checks and tests)."""
    return sorted(inspect(engine).get_table_names())


@overload
def as_utc(value: datetime) -> datetime: ...
@overload
def as_utc(value: None) -> None: ...
def as_utc(value: datetime | None) -> datetime | None:
    """A timestamp as timezone-aware UTC (SQLite hands back naive UTC values)."""
    if value is None:
        return None
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")  # WAL: safe against crashes, one fsync per checkpoint
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cur.close()


def database_problem(exc: BaseException) -> str:
    """One line saying what went wrong in the database, without the SQL statement."""
    orig = getattr(exc, "orig", None) or exc
    first = (str(orig).strip().splitlines() or [type(orig).__name__])[0]
    if "locked" in first.lower() or "busy" in first.lower():
        wait = BUSY_TIMEOUT_MS / 1000
        return f"the database is locked by another process (waited {wait:g}s): {first}"
    return f"database error: {first}"


def _make_sqlite_parent(engine: Engine) -> None:
    database = engine.url.database
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)


def _redact(url: str) -> str:
    """The URL with any password hidden, for messages."""
    try:
        from sqlalchemy.engine import make_url

        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url


def dialect_module(engine: Engine) -> ModuleType | None:
    """SQLAlchemy's dialect module for the engine (its insert has on_conflict_do_nothing) when
    it is SQLite or PostgreSQL, imported on first use; None for another database."""
    name = engine.dialect.name
    if name not in ("sqlite", "postgresql"):
        return None
    return importlib.import_module(f"sqlalchemy.dialects.{name}")

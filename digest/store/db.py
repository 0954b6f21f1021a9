"""Opening the database: the engine, the schema migrations, and UTC-safe timestamps."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError

from digest.errors import ConfigError, DigestError

MIGRATIONS = Path(__file__).parent / "migrations"
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
    """Bring the schema up to the newest migration (a no-op when it already is)."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    try:
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")
    except OperationalError as exc:
        raise DigestError(f"cannot open database '{_redact(str(engine.url))}': {exc.orig}") from exc


def table_names(engine: Engine) -> list[str]:
    """The tables that exist in the database (for checks and tests)."""
    return sorted(inspect(engine).get_table_names())


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
    cur.execute("PRAGMA busy_timeout=5000")
    cur.close()


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

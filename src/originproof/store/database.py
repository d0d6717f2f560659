"""Opening the store's database: SQLite or PostgreSQL by URL, migrated to the newest schema."""

import sqlite3
import time
from importlib.resources import files

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, make_url, text
from sqlalchemy.engine import URL
from sqlalchemy.exc import ArgumentError, NoSuchModuleError

from originproof.errors import ValidationError

DEFAULT_STORE_URL = "sqlite:///originproof.db"

# Any constant will do: it only has to be the same in every process that migrates this database.
_MIGRATION_LOCK = 0x6F726967696E

_SQLITE_BUSY_TIMEOUT_MS = 30_000
_WAL_RETRY_SECONDS = 0.02


def open_engine(url: str) -> Engine:
    """An engine for the store at `url` (`sqlite:///file.db` or `postgresql://…`), its schema at head.

    A plain `postgresql://` URL uses psycopg 3, the driver this package installs.
    """
    parsed = _parse(url)
    try:
        engine = create_engine(parsed)
    except NoSuchModuleError:
        raise ValidationError(
            f"store URL {parsed.render_as_string()}: no driver for {parsed.drivername!r}"
        ) from None
    if engine.dialect.name == "sqlite":
        _make_sqlite_transactional(engine)
    _upgrade(engine)
    return engine


def _parse(url: str) -> URL:
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise ValidationError(f"store URL {url!r} is not a database URL") from None
    if parsed.get_backend_name() not in ("sqlite", "postgresql"):
        raise ValidationError(
            f"store URL {parsed.render_as_string()}: the store runs on sqlite or postgresql only"
        )
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def _make_sqlite_transactional(engine: Engine) -> None:
    """Make SQLite transactions real and writer-safe across processes.

    Python's sqlite3 module defers BEGIN until the first write and commits on its own around DDL; a
    deferred transaction that reads, then writes, fails at once if another process wrote meanwhile.
    Every transaction here takes the write lock at BEGIN (IMMEDIATE), so writers queue on the busy
    timeout instead; the store's transactions are short, and several parties share a PostgreSQL
    store rather than a SQLite file. WAL makes each commit cheaper and lets outside readers go on.
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout={_SQLITE_BUSY_TIMEOUT_MS}")
        _use_wal(cursor)
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection) -> None:  # type: ignore[no-untyped-def]
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def _use_wal(cursor: sqlite3.Cursor) -> None:
    """Switch the database file to WAL (it stays so), retrying while another connection holds a lock.

    SQLite answers "database is locked" at once, without waiting on the busy timeout, when the switch
    meets a lock: two processes opening a new store together, one of them migrating it, would fail.
    """
    deadline = time.monotonic() + _SQLITE_BUSY_TIMEOUT_MS / 1_000
    while True:
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() > deadline:
                raise
            time.sleep(_WAL_RETRY_SECONDS)


def _upgrade(engine: Engine) -> None:
    """Run the package's Alembic migrations up to head, in one transaction."""
    config = Config()
    config.set_main_option("script_location", str(files("originproof") / "migrations"))
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK})
        config.attributes["connection"] = connection
        command.upgrade(config, "head")

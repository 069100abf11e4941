"""Engines and sessions for the data centre: SQLite by default, PostgreSQL by URL.

No engine is created at import. :func:`connect` builds one from a URL,
applies the SQLite settings a multi-process data centre needs (WAL journal,
foreign keys on, a busy timeout, and ``BEGIN IMMEDIATE`` so that writers queue
for the write lock instead of failing half-way), and :func:`upgrade` brings the
schema to the newest Alembic revision.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.orm import Session, sessionmaker

from ..errors import InputError

__all__ = ["DEFAULT_URL", "Database", "connect", "upgrade"]

DEFAULT_URL = "sqlite:///sitrace.db"
MIGRATIONS = Path(__file__).with_name("migrations")


@dataclass(frozen=True, slots=True)
class Database:
    """An engine and its session factory."""

    engine: Engine
    sessions: sessionmaker[Session]
    readers: sessionmaker[Session]

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def session(self) -> Session:
        """A session for a write transaction (on SQLite: ``BEGIN IMMEDIATE``)."""
        return self.sessions()

    def reader(self) -> Session:
        """A session for reads only (on SQLite: a deferred ``BEGIN``, no write lock)."""
        return self.readers()

    def dispose(self) -> None:
        self.engine.dispose()


def connect(url: str = DEFAULT_URL, *, echo: bool = False, migrate: bool = True) -> Database:
    """Open the database at ``url`` (and migrate it to the newest schema).

    ``postgresql://`` URLs use the psycopg 3 driver.
    """
    try:
        parsed = make_url(url)
    except ArgumentError as error:
        raise InputError(f"not a database URL: {url!r}", where="SITRACE_DATABASE_URL") from error
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() == "sqlite":
        engine = create_engine(parsed, echo=echo, connect_args={"timeout": 60})
        _sqlite_settings(engine)
    elif parsed.get_backend_name() == "postgresql":
        engine = create_engine(parsed, echo=echo, pool_pre_ping=True)
    else:
        raise InputError(
            f"unsupported database {parsed.get_backend_name()!r}: use sqlite or postgresql",
            where="SITRACE_DATABASE_URL",
        )
    readers = engine.execution_options(sitrace_read_only=True)
    database = Database(
        engine,
        sessionmaker(engine, expire_on_commit=False),
        sessionmaker(readers, expire_on_commit=False),
    )
    if migrate:
        upgrade(database)
    return database


def _sqlite_settings(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=60000")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=FULL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection) -> None:
        read_only = connection.get_execution_options().get("sitrace_read_only", False)
        connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")


def upgrade(database: Database, revision: str = "head") -> None:
    """Run the Alembic migrations up to ``revision`` on ``database``."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with database.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)

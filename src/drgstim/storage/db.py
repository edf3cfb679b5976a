"""Engines, sessions and migrations.

SQLite (the default) is opened with:

* ``journal_mode=WAL`` — readers never block the writer, several clinic users at once;
* ``synchronous=FULL`` — every commit is fsynced to the WAL before it is acknowledged, so
  an acknowledged write survives a power cut, not only a process crash. ``NORMAL`` with WAL
  survives a process kill but may lose the last commits on power loss; clinical records
  are worth the few hundred microseconds per commit (see docs/service.md);
* ``foreign_keys=ON`` — SQLite leaves referential integrity off unless asked, per connection;
* ``busy_timeout=10000`` — a writer waits up to 10 s for the write lock instead of failing.

PostgreSQL is used when the URL says so (``postgresql+psycopg://…``); its defaults
(``synchronous_commit=on``) already make an acknowledged commit durable.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

__all__ = ["Database", "downgrade", "make_engine", "migrate"]

WRITE_OPTION = "drgstim_write"
BUSY_TIMEOUT_S = 10.0
_HOLDS_LOCK = "drgstim_holds_write_lock"
SQLITE_PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA synchronous=FULL",
    "PRAGMA foreign_keys=ON",
    "PRAGMA busy_timeout=10000",
)


def _sqlite_on_connect(dbapi_connection: Any, _record: Any) -> None:
    # pysqlite's own transaction handling defers BEGIN; take control so that a write
    # transaction starts with BEGIN IMMEDIATE (no lock-upgrade deadlocks between writers).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    for pragma in SQLITE_PRAGMAS:
        cursor.execute(pragma)
    cursor.close()


class _WriterQueue:
    """Writers of one engine queue on a lock in this process before ``BEGIN IMMEDIATE``.

    SQLite lets one writer in at a time; a waiting connection polls with a growing sleep
    (busy handler), which puts hundreds of milliseconds on the slowest writes under load.
    Queueing on a lock hands the write lock over at once. The lock is released when the
    connection goes back to the pool (after commit or rollback). Other processes still
    meet ``busy_timeout``.
    """

    def __init__(self, timeout_s: float) -> None:
        self.lock = threading.Lock()
        self.timeout_s = timeout_s

    def on_begin(self, conn: Any) -> None:
        # Writers take the write lock up front (BEGIN IMMEDIATE), so two writers never
        # deadlock upgrading read locks; readers use a plain deferred BEGIN and never
        # wait for a writer (WAL).
        if not conn.get_execution_options().get(WRITE_OPTION, False):
            conn.exec_driver_sql("BEGIN")
            return
        record = conn.connection._connection_record
        if not record.info.get(_HOLDS_LOCK):
            if not self.lock.acquire(timeout=self.timeout_s):
                raise OperationalError("BEGIN IMMEDIATE", None, TimeoutError("writer queue"))
            record.info[_HOLDS_LOCK] = True
        try:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        except BaseException:
            self.release(record)
            raise

    def on_checkin(self, _dbapi_connection: Any, record: Any) -> None:
        self.release(record)

    def release(self, record: Any) -> None:
        if record is not None and record.info.pop(_HOLDS_LOCK, False):
            self.lock.release()


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine for ``url`` with the durability settings above; creates the SQLite folder."""
    if url.startswith("sqlite"):
        path = url.split(":///", 1)[1] if ":///" in url else ""
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        kwargs.setdefault("connect_args", {"check_same_thread": False, "timeout": 10})
        engine = create_engine(url, **kwargs)
        queue = _WriterQueue(timeout_s=BUSY_TIMEOUT_S)
        event.listen(engine, "connect", _sqlite_on_connect)
        event.listen(engine, "begin", queue.on_begin)
        event.listen(engine, "checkin", queue.on_checkin)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    kwargs.setdefault("pool_size", 10)
    kwargs.setdefault("max_overflow", 20)
    return create_engine(url, **kwargs)


def _alembic(engine: Engine, step: str, revision: str) -> None:
    from alembic import command
    from alembic.config import Config

    script_location = resources.files("drgstim.storage") / "migrations"
    config = Config()
    config.set_main_option("script_location", str(script_location))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        getattr(command, step)(config, revision)


def migrate(engine: Engine, *, revision: str = "head") -> None:
    """Bring the database schema up to ``revision`` with the package's Alembic migrations."""
    _alembic(engine, "upgrade", revision)


def downgrade(engine: Engine, *, revision: str) -> None:
    """Take the schema back to ``revision`` (``"base"``: no tables; data is lost)."""
    _alembic(engine, "downgrade", revision)


class Database:
    """One engine and its session factory; the service holds exactly one."""

    def __init__(self, url: str, **engine_kwargs: Any) -> None:
        self.url = url
        self.engine = make_engine(url, **engine_kwargs)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        self.writer_sessions = sessionmaker(
            self.engine.execution_options(**{WRITE_OPTION: True}), expire_on_commit=False
        )

    def migrate(self) -> None:
        """Apply all migrations (idempotent)."""
        migrate(self.engine)

    @contextmanager
    def session(self, *, write: bool = True) -> Iterator[Session]:
        """A unit of work: commit on success, roll back on any exception.

        ``write=True`` takes SQLite's write lock at the start of each transaction."""
        factory = self.writer_sessions if write else self.sessions
        with factory() as session:
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise

    def dispose(self) -> None:
        self.engine.dispose()

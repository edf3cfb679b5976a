"""Database backends for the tests: a fresh SQLite file or a fresh PostgreSQL schema.

Each test gets its own database (SQLite) or schema (PostgreSQL), migrated from scratch and
thrown away afterwards, so no test sees another's data.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from drgstim.storage import Database

__all__ = ["BACKENDS", "POSTGRES_URL", "fresh_database", "postgres_available"]

POSTGRES_URL = os.environ.get(
    "DRGSTIM_TEST_POSTGRES_URL",
    "postgresql+psycopg://drgstim:drgstim@127.0.0.1:5432/drgstim_test",
)
BACKENDS = (
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgresql", id="postgresql", marks=[pytest.mark.postgres, pytest.mark.service]),
)
_available: bool | None = None


def _libpq_url(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


def postgres_available() -> bool:
    """Whether the test PostgreSQL server answers (checked once per run)."""
    global _available
    if _available is None:
        import psycopg

        try:
            with psycopg.connect(_libpq_url(POSTGRES_URL), connect_timeout=3):
                _available = True
        except psycopg.OperationalError:
            _available = False
    return _available


@contextmanager
def fresh_database(backend: str, tmp_path: Path) -> Iterator[Database]:
    """A migrated, empty database of ``backend``, removed afterwards."""
    if backend == "sqlite":
        database = Database(f"sqlite:///{tmp_path / 'test.sqlite3'}")
        database.migrate()
        try:
            yield database
        finally:
            database.dispose()
        return
    import psycopg

    schema = f"test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(_libpq_url(POSTGRES_URL), autocommit=True) as admin:
        admin.execute(f'CREATE SCHEMA "{schema}"')
    database = Database(
        POSTGRES_URL,
        connect_args={"options": f"-csearch_path={schema}"},
        pool_size=5,
        max_overflow=5,
    )
    try:
        database.migrate()
        yield database
    finally:
        database.dispose()
        with psycopg.connect(_libpq_url(POSTGRES_URL), autocommit=True) as admin:
            admin.execute(f'DROP SCHEMA "{schema}" CASCADE')

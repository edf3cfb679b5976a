"""Storage: SQLAlchemy models, audited repositories and Alembic migrations.

SQLite (WAL, foreign keys, fsync on commit) by default; PostgreSQL by URL.
"""

from __future__ import annotations

from drgstim.storage.audit import SYSTEM_ACTOR, Action, Actor, record, snapshot
from drgstim.storage.db import Database, make_engine, migrate
from drgstim.storage.repository import (
    ConflictError,
    NotFoundError,
    Page,
    commit,
    create,
    delete,
    get,
    page,
    update,
)

__all__ = [
    "SYSTEM_ACTOR",
    "Action",
    "Actor",
    "ConflictError",
    "Database",
    "NotFoundError",
    "Page",
    "commit",
    "create",
    "delete",
    "get",
    "make_engine",
    "migrate",
    "page",
    "record",
    "snapshot",
    "update",
]

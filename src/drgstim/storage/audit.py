"""The append-only audit log: who changed what, when, from what to what.

:func:`record` adds the audit row to the *same* session as the change, so both commit or
neither does. Rows are never updated or deleted (database triggers enforce it).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import inspect
from sqlalchemy.orm import Session

from drgstim.storage.models import AuditLog, Base

__all__ = ["SYSTEM", "SYSTEM_ACTOR", "Action", "Actor", "record", "snapshot"]


class Action(StrEnum):
    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"


@dataclass(frozen=True)
class Actor:
    """Who makes a change: a user (id and name) or the system (no id)."""

    name: str
    id: uuid.UUID | None = None


SYSTEM = Actor(name="system")
SYSTEM_ACTOR = SYSTEM
_SECRET_COLUMNS = frozenset({"password_hash"})


def _jsonable(value: Any) -> Any:
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def snapshot(obj: Base) -> dict[str, Any]:
    """The row's column values as JSON-ready data (secrets masked)."""
    mapper = inspect(type(obj))
    data: dict[str, Any] = {}
    for column in mapper.column_attrs:
        key = column.key
        data[key] = "***" if key in _SECRET_COLUMNS else _jsonable(getattr(obj, key))
    return data


def record(
    session: Session,
    *,
    actor: Actor,
    action: Action,
    obj: Base,
    old: dict[str, Any] | None = None,
    new: dict[str, Any] | None = None,
) -> AuditLog:
    """Add one audit row for ``obj`` to ``session`` (committed with the change)."""
    entity_id = obj.id  # type: ignore[attr-defined]
    row = AuditLog(
        actor=actor.name,
        actor_id=actor.id,
        entity=type(obj).__tablename__,
        entity_id=entity_id,
        action=str(action),
        old=old,
        new=new,
    )
    session.add(row)
    return row

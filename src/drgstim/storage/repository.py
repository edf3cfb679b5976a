"""Create, update, delete and list records, each change audited in the same transaction.

Services and routes call these instead of touching the session directly, so no change can
skip the audit log. Errors are domain-level (:class:`NotFoundError`, :class:`ConflictError`) and the
API maps them to 404 and 409.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import Select, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from drgstim.storage.audit import Action, Actor, record, snapshot
from drgstim.storage.db import WRITE_OPTION
from drgstim.storage.models import Base

__all__ = [
    "ConflictError",
    "NotFoundError",
    "Page",
    "commit",
    "create",
    "delete",
    "get",
    "page",
    "update",
]

M = TypeVar("M", bound=Base)
T = TypeVar("T")


class NotFoundError(LookupError):
    """No such record (or the caller may not know it exists)."""

    def __init__(self, entity: str, entity_id: object) -> None:
        self.entity = entity
        self.entity_id = entity_id
        super().__init__(f"{entity} {entity_id} not found")


class ConflictError(RuntimeError):
    """The change clashes with the stored state (duplicate, stale version, in use)."""


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    total: int
    limit: int
    offset: int


def _locks_rows(session: Session) -> bool:
    """Whether ``session`` writes (:attr:`Database.writer_sessions`) on a database that locks
    single rows. SQLite's writer holds the whole database from ``BEGIN IMMEDIATE`` on."""
    bind = session.get_bind()
    return bind.dialect.name != "sqlite" and bool(
        bind.get_execution_options().get(WRITE_OPTION, False)
    )


def get(session: Session, model: type[M], entity_id: uuid.UUID) -> M:
    """The record with this id, or :class:`NotFoundError`.

    In a writing session on PostgreSQL the row is read ``FOR UPDATE``, as SQLite's writer
    lock already guarantees: two requests that change one record at the same moment (a
    patient saving the same diary day from two devices) then run one after the other,
    each on the current row, instead of the second failing as "changed by someone else"."""
    obj = session.get(model, entity_id, with_for_update=True if _locks_rows(session) else None)
    if obj is None:
        raise NotFoundError(model.__tablename__, entity_id)
    return obj


def page(session: Session, query: Select[Any], *, limit: int, offset: int) -> Page[Any]:
    """One page of ``query`` and the total number of rows it matches."""
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    items = list(session.scalars(query.limit(limit).offset(offset)))
    return Page(items=items, total=int(total or 0), limit=limit, offset=offset)


def _flush(session: Session, what: str) -> None:
    try:
        session.flush()
    except IntegrityError as exc:
        session.rollback()
        raise ConflictError(f"{what} conflicts with a stored record: {exc.orig}") from exc
    except StaleDataError as exc:
        session.rollback()
        raise ConflictError(f"{what} was changed by someone else; reload and retry") from exc


def create(session: Session, obj: M, *, actor: Actor) -> M:
    """Insert ``obj`` and audit it."""
    session.add(obj)
    _flush(session, obj.__tablename__)
    record(session, actor=actor, action=Action.CREATE, obj=obj, new=snapshot(obj))
    return obj


def update(
    session: Session,
    obj: M,
    changes: dict[str, Any],
    *,
    actor: Actor,
    expected_version: int | None = None,
) -> M:
    """Apply ``changes`` to ``obj`` and audit old → new; a stale version is a ConflictError."""
    current = getattr(obj, "version", None)
    if expected_version is not None and current != expected_version:
        raise ConflictError(
            f"{obj.__tablename__} is at version {current}, not {expected_version}; reload and retry"
        )
    old = snapshot(obj)
    for key, value in changes.items():
        setattr(obj, key, value)
    _flush(session, obj.__tablename__)
    new = snapshot(obj)
    changed_old = {k: v for k, v in old.items() if new.get(k) != v}
    changed_new = {k: new[k] for k in changed_old}
    record(session, actor=actor, action=Action.UPDATE, obj=obj, old=changed_old, new=changed_new)
    return obj


def delete(session: Session, obj: M, *, actor: Actor) -> None:
    """Delete ``obj`` and audit what it was."""
    old = snapshot(obj)
    record(session, actor=actor, action=Action.DELETE, obj=obj, old=old)
    session.delete(obj)
    _flush(session, obj.__tablename__)


def commit(session: Session) -> None:
    """Commit the unit of work; a constraint clash is a :class:`ConflictError` (nothing kept)."""
    try:
        session.commit()
    except IntegrityError as exc:
        session.rollback()
        raise ConflictError(f"the change conflicts with a stored record: {exc.orig}") from exc
    except StaleDataError as exc:
        session.rollback()
        raise ConflictError("the record was changed by someone else; reload and retry") from exc

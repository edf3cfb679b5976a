"""User accounts (admins manage them) and the audit log (admins and clinicians read it)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, status
from sqlalchemy import select

from drgstim.api.accounts import check_patient_link, create_account
from drgstim.api.auth import hash_password, revoke_all_sessions
from drgstim.api.deps import PagingDep, SessionDep, actor_of, require_roles
from drgstim.api.schemas.accounts import AuditPublic, UserCreate, UserPublic, UserUpdate
from drgstim.api.schemas.common import Page
from drgstim.storage import commit, get, page, update
from drgstim.storage.models import AuditLog, Role, User

__all__ = ["router"]

router = APIRouter(tags=["users"])

Admin = Annotated[User, require_roles(Role.ADMIN)]
AuditReader = Annotated[User, require_roles(Role.ADMIN, Role.CLINICIAN)]


@router.get("/users", response_model=Page[UserPublic])
def list_users(db: SessionDep, user: Admin, paging: PagingDep) -> Page[UserPublic]:
    result = page(db, select(User).order_by(User.username), **vars(paging))
    return Page[UserPublic].model_validate(result, from_attributes=True)


@router.post("/users", response_model=UserPublic, status_code=status.HTTP_201_CREATED)
def create_user(body: UserCreate, db: SessionDep, user: Admin) -> User:
    new = create_account(
        db,
        username=body.username,
        password=body.password,
        role=body.role.value,
        patient_id=body.patient_id,
        full_name=body.full_name,
        actor=actor_of(user),
    )
    commit(db)
    return new


@router.get("/users/{user_id}", response_model=UserPublic)
def read_user(user_id: uuid.UUID, db: SessionDep, user: Admin) -> User:
    return get(db, User, user_id)


@router.patch("/users/{user_id}", response_model=UserPublic)
def update_user(user_id: uuid.UUID, body: UserUpdate, db: SessionDep, user: Admin) -> User:
    target = get(db, User, user_id)
    changes = body.changes()
    if "password" in changes:
        changes["password_hash"] = hash_password(str(changes.pop("password")))
    role = Role(str(changes.get("role", target.role)))
    link = changes.get("patient_id", target.patient_id)
    check_patient_link(db, role, link if isinstance(link, uuid.UUID) else None)
    if "role" in changes:
        changes["role"] = role.value
    update(db, target, changes, actor=actor_of(user), expected_version=body.version)
    if "password_hash" in changes or changes.get("active") is False:
        revoke_all_sessions(db, target.id)  # copies of old cookies and tokens stop working
    commit(db)
    return target


@router.get("/audit", response_model=Page[AuditPublic])
def list_audit(
    db: SessionDep,
    user: AuditReader,
    paging: PagingDep,
    entity: Annotated[str | None, Query(max_length=64)] = None,
    entity_id: uuid.UUID | None = None,
) -> Page[AuditPublic]:
    """Audit rows, newest first; filter by table name and/or record id. Read-only."""
    query = select(AuditLog).order_by(AuditLog.at.desc(), AuditLog.id)
    if entity:
        query = query.where(AuditLog.entity == entity)
    if entity_id:
        query = query.where(AuditLog.entity_id == entity_id)
    result = page(db, query, **vars(paging))
    return Page[AuditPublic].model_validate(result, from_attributes=True)

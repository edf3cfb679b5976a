"""A small router factory for the pathway records: list/create under the parent, and
read/update/delete by id, each with role checks, patient scoping and audit.

(No ``from __future__ import annotations`` here: FastAPI reads the endpoint signatures
built below at run time, and they refer to the schemas of each resource.)
"""

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, cast

from fastapi import APIRouter, HTTPException, status
from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from drgstim.api.deps import CurrentUser, PagingDep, SessionDep, actor_of, ensure_patient_access
from drgstim.api.schemas.common import Page
from drgstim.api.schemas.patients import Stage
from drgstim.storage import NotFoundError, commit, create, delete, get, page, update
from drgstim.storage.models import (
    Assessment,
    Base,
    Device,
    Patient,
    Role,
    Trial,
    User,
)

__all__ = [
    "STAFF",
    "Resource",
    "advance_stage",
    "authorize",
    "crud_router",
    "load_for",
    "patient_id_of",
]

STAFF = frozenset({Role.ADMIN, Role.CLINICIAN, Role.NURSE, Role.PROGRAMMER})
Hook = Callable[[Session, Any, dict[str, Any], User], dict[str, Any]]
_PARENT_KEYS = (("trial_id", Trial), ("device_id", Device), ("assessment_id", Assessment))


def patient_id_of(db: Session, obj: Base) -> uuid.UUID:
    """The patient a record belongs to (following trial/device/assessment links)."""
    if isinstance(obj, Patient):
        return obj.id
    patient_id = getattr(obj, "patient_id", None)
    if isinstance(patient_id, uuid.UUID):
        return patient_id
    for key, model in _PARENT_KEYS:
        parent_id = getattr(obj, key, None)
        if isinstance(parent_id, uuid.UUID):
            # A plain read, never FOR UPDATE: only the owner is looked up, and locking the
            # parent here (diary entry, then trial) would invert the order in which a trial
            # review locks them (trial, then its entries).
            parent = db.get(model, parent_id)
            if parent is None:
                raise NotFoundError(model.__tablename__, parent_id)
            return patient_id_of(db, parent)
    raise TypeError(f"{type(obj).__name__} is not linked to a patient")


def authorize(
    db: Session,
    user: User,
    obj: Base,
    *,
    roles: Iterable[Role],
    patient_allowed: bool = False,
) -> None:
    """Staff need one of ``roles``; a patient needs ``patient_allowed`` and owns ``obj``.

    A patient asking for someone else's record gets 404 (its existence is not revealed).
    """
    role = Role(user.role)
    if role == Role.PATIENT:
        if not patient_allowed:
            raise _forbidden(role, ())
        ensure_patient_access(user, patient_id_of(db, obj), obj.__tablename__)
        return
    allowed = frozenset(roles)
    if role not in allowed:
        raise _forbidden(role, allowed)


def _forbidden(role: Role, allowed: Iterable[Role]) -> HTTPException:
    names = ", ".join(sorted(r.value for r in allowed)) or "staff only"
    return HTTPException(
        status.HTTP_403_FORBIDDEN, detail=f"role {role.value!r} may not do this; allowed: {names}"
    )


def load_for(
    db: Session,
    user: User,
    model: type[Any],
    entity_id: uuid.UUID,
    *,
    roles: Iterable[Role],
    patient_allowed: bool = False,
) -> Any:
    """Load a record and check the user may act on it (404 before 403 for patients)."""
    obj = get(db, model, entity_id)
    authorize(db, user, obj, roles=roles, patient_allowed=patient_allowed)
    return obj


def advance_stage(db: Session, patient_id: uuid.UUID, stage: Stage, *, user: User) -> None:
    """Move the patient forward on the pathway to ``stage`` (never backwards; audited)."""
    patient = get(db, Patient, patient_id)
    order = list(Stage)
    if order.index(Stage(patient.stage)) < order.index(stage):
        update(db, patient, {"stage": stage.value}, actor=actor_of(user))


@dataclass(frozen=True)
class Resource:
    """How one record type is exposed."""

    model: type[Any]
    path: str
    parent: type[Any]
    parent_path: str
    parent_fk: str
    create_schema: type[BaseModel]
    public_schema: type[BaseModel]
    update_schema: type[BaseModel] | None = None
    read_roles: frozenset[Role] = STAFF
    write_roles: frozenset[Role] = frozenset({Role.CLINICIAN, Role.NURSE})
    delete_roles: frozenset[Role] = frozenset({Role.CLINICIAN})
    patient_reads: bool = False
    patient_writes: bool = False
    on_create: Hook | None = None
    on_update: Hook | None = None
    on_delete: Callable[[Session, Any, User], None] | None = None
    order_by: tuple[Any, ...] = ()
    advances_to: Stage | None = None

    @property
    def readers(self) -> frozenset[Role]:
        """The roles that may read these records (a patient only their own)."""
        return self.read_roles | ({Role.PATIENT} if self.patient_reads else set())


def _load(
    spec: Resource, db: Session, user: User, model: type[Any], entity_id: uuid.UUID, mode: str
) -> Any:
    roles = {"read": spec.read_roles, "write": spec.write_roles, "delete": spec.delete_roles}
    patient_allowed = spec.patient_reads if mode == "read" else spec.patient_writes
    return load_for(db, user, model, entity_id, roles=roles[mode], patient_allowed=patient_allowed)


def crud_router(spec: Resource) -> APIRouter:
    """List/create under ``/{parent_path}/{id}/{path}``; read/update/delete at
    ``/{path}/{id}``."""
    router = APIRouter(tags=[spec.path])
    _add_list_and_create(router, spec)
    _add_read_update_delete(router, spec)
    return router


def _add_list_and_create(router: APIRouter, spec: Resource) -> None:
    Public = spec.public_schema
    Create = spec.create_schema
    collection = f"/{spec.parent_path}/{{parent_id}}/{spec.path}"

    def list_records(
        parent_id: uuid.UUID, db: SessionDep, user: CurrentUser, paging: PagingDep
    ) -> Any:
        parent = _load(spec, db, user, spec.parent, parent_id, "read")
        query = select(spec.model).where(getattr(spec.model, spec.parent_fk) == parent.id)
        query = query.order_by(*spec.order_by, spec.model.id)
        result = page(db, query, limit=paging.limit, offset=paging.offset)
        return Page[Public].model_validate(result, from_attributes=True)  # type: ignore[valid-type]

    def create_record(
        parent_id: uuid.UUID,
        body: Create,  # type: ignore[valid-type]
        db: SessionDep,
        user: CurrentUser,
    ) -> Any:
        parent = _load(spec, db, user, spec.parent, parent_id, "write")
        data = cast(BaseModel, body).model_dump(mode="python")
        if spec.on_create is not None:
            data = spec.on_create(db, parent, data, user)
        obj = spec.model(**{**data, spec.parent_fk: parent.id})
        create(db, obj, actor=actor_of(user))
        if spec.advances_to is not None:
            advance_stage(db, patient_id_of(db, obj), spec.advances_to, user=user)
        commit(db)
        return obj

    router.add_api_route(
        collection,
        list_records,
        methods=["GET"],
        response_model=Page[Public],  # type: ignore[valid-type]
        name=f"list_{spec.path}",
        summary=f"List {spec.path}",
    )
    router.add_api_route(
        collection,
        create_record,
        methods=["POST"],
        response_model=Public,
        status_code=status.HTTP_201_CREATED,
        name=f"create_{spec.path}",
        summary=f"Create {spec.path}",
    )


def _add_read_update_delete(router: APIRouter, spec: Resource) -> None:
    Public = spec.public_schema
    item = f"/{spec.path}/{{record_id}}"

    def read_record(record_id: uuid.UUID, db: SessionDep, user: CurrentUser) -> Any:
        return _load(spec, db, user, spec.model, record_id, "read")

    def delete_record(record_id: uuid.UUID, db: SessionDep, user: CurrentUser) -> None:
        obj = _load(spec, db, user, spec.model, record_id, "delete")
        if spec.on_delete is not None:
            spec.on_delete(db, obj, user)
        delete(db, obj, actor=actor_of(user))
        commit(db)

    router.add_api_route(
        item, read_record, methods=["GET"], response_model=Public, name=f"read_{spec.path}"
    )
    router.add_api_route(
        item,
        delete_record,
        methods=["DELETE"],
        status_code=status.HTTP_204_NO_CONTENT,
        name=f"delete_{spec.path}",
    )
    if spec.update_schema is None:
        return
    Update = spec.update_schema

    def update_record(
        record_id: uuid.UUID,
        body: Update,  # type: ignore[valid-type]
        db: SessionDep,
        user: CurrentUser,
    ) -> Any:
        obj = _load(spec, db, user, spec.model, record_id, "write")
        changes = cast(BaseModel, body).model_dump(
            mode="python", exclude_unset=True, exclude={"version"}
        )
        if spec.on_update is not None:
            changes = spec.on_update(db, obj, changes, user)
        update(db, obj, changes, actor=actor_of(user), expected_version=body.version)  # type: ignore[attr-defined]
        commit(db)
        return obj

    router.add_api_route(
        item, update_record, methods=["PATCH"], response_model=Public, name=f"update_{spec.path}"
    )

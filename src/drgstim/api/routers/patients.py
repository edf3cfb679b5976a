"""Patients: staff see all, a patient user sees only their own record."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, status
from sqlalchemy import or_, select

from drgstim.api.deps import CurrentUser, PagingDep, SessionDep, actor_of, ensure_patient_access
from drgstim.api.deps import require_roles as roles
from drgstim.api.erase import delete_patient_record
from drgstim.api.schemas.common import Page
from drgstim.api.schemas.patients import PatientCreate, PatientPublic, PatientUpdate
from drgstim.storage import commit, create, get, page, update
from drgstim.storage.models import Patient, Role, User

__all__ = ["STAFF", "Staff", "router"]

router = APIRouter(prefix="/patients", tags=["patients"])

STAFF = (Role.ADMIN, Role.CLINICIAN, Role.NURSE, Role.PROGRAMMER)
Staff = Annotated[User, roles(*STAFF)]
Clinical = Annotated[User, roles(Role.CLINICIAN, Role.NURSE)]
Clinician = Annotated[User, roles(Role.CLINICIAN)]


@router.get("", response_model=Page[PatientPublic])
def list_patients(
    db: SessionDep,
    user: CurrentUser,
    paging: PagingDep,
    q: Annotated[str | None, Query(max_length=100, description="Name or MRN contains.")] = None,
) -> Page[PatientPublic]:
    query = select(Patient).order_by(Patient.family_name, Patient.given_name, Patient.id)
    if user.role == Role.PATIENT:
        query = query.where(Patient.id == user.patient_id)
    if q:
        like = f"%{q}%"
        query = query.where(
            or_(Patient.family_name.ilike(like), Patient.given_name.ilike(like), Patient.mrn == q)
        )
    result = page(db, query, **vars(paging))
    return Page[PatientPublic].model_validate(result, from_attributes=True)


@router.post("", response_model=PatientPublic, status_code=status.HTTP_201_CREATED)
def create_patient(body: PatientCreate, db: SessionDep, user: Clinical) -> Patient:
    patient = Patient(**body.model_dump(mode="python"))
    create(db, patient, actor=actor_of(user))
    commit(db)
    return patient


@router.get("/{patient_id}", response_model=PatientPublic)
def read_patient(patient_id: uuid.UUID, db: SessionDep, user: CurrentUser) -> Patient:
    ensure_patient_access(user, patient_id)
    return get(db, Patient, patient_id)


@router.patch("/{patient_id}", response_model=PatientPublic)
def update_patient(
    patient_id: uuid.UUID, body: PatientUpdate, db: SessionDep, user: Clinical
) -> Patient:
    patient = get(db, Patient, patient_id)
    update(db, patient, body.changes(), actor=actor_of(user), expected_version=body.version)
    commit(db)
    return patient


@router.delete("/{patient_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_patient(patient_id: uuid.UUID, db: SessionDep, user: Clinician) -> None:
    """Delete a patient and everything recorded for them; every row is audited and the
    patient's accounts are deactivated."""
    delete_patient_record(db, get(db, Patient, patient_id), actor=actor_of(user))
    commit(db)

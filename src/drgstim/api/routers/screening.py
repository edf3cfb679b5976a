"""Candidacy screening and DRG target planning of an assessment (stored, audited)."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, status
from sqlalchemy import select

from drgstim.api import clinic as domain
from drgstim.api.crud import STAFF, advance_stage, load_for
from drgstim.api.deps import CurrentUser, PagingDep, SessionDep, actor_of
from drgstim.api.schemas.clinical import PlanPublic, ScreeningPublic
from drgstim.api.schemas.common import Page
from drgstim.api.schemas.patients import Stage
from drgstim.storage import commit, create, get, page
from drgstim.storage.models import Assessment, Patient, Plan, Role, Screening

__all__ = ["router"]

router = APIRouter(tags=["screening and planning"])
CLINICAL = frozenset({Role.CLINICIAN, Role.NURSE})


@router.post(
    "/assessments/{assessment_id}/screening",
    response_model=ScreeningPublic,
    status_code=status.HTTP_201_CREATED,
)
def screen(assessment_id: uuid.UUID, db: SessionDep, user: CurrentUser) -> Screening:
    """Screen the assessment against the cited candidacy rules; every rule that fired is
    in ``result``. Screening supports the clinician; it never decides alone."""
    assessment: Assessment = load_for(db, user, Assessment, assessment_id, roles=CLINICAL)
    outcome, result = domain.screen_assessment(get(db, Patient, assessment.patient_id), assessment)
    record = Screening(assessment_id=assessment.id, outcome=outcome, result=result)
    create(db, record, actor=actor_of(user))
    advance_stage(db, assessment.patient_id, Stage.SCREENED, user=user)
    commit(db)
    return record


@router.post(
    "/assessments/{assessment_id}/plan",
    response_model=PlanPublic,
    status_code=status.HTTP_201_CREATED,
)
def plan(assessment_id: uuid.UUID, db: SessionDep, user: CurrentUser) -> Plan:
    """Score DRG levels and sides for the assessment's pain map (up to 4 leads)."""
    assessment: Assessment = load_for(db, user, Assessment, assessment_id, roles=CLINICAL)
    record = Plan(assessment_id=assessment.id, result=domain.plan_assessment(assessment))
    create(db, record, actor=actor_of(user))
    advance_stage(db, assessment.patient_id, Stage.PLANNED, user=user)
    commit(db)
    return record


@router.get("/assessments/{assessment_id}/screenings", response_model=Page[ScreeningPublic])
def list_screenings(
    assessment_id: uuid.UUID, db: SessionDep, user: CurrentUser, paging: PagingDep
) -> Page[ScreeningPublic]:
    assessment = load_for(db, user, Assessment, assessment_id, roles=STAFF)
    query = select(Screening).where(Screening.assessment_id == assessment.id)
    result = page(db, query.order_by(Screening.created_at), **vars(paging))
    return Page[ScreeningPublic].model_validate(result, from_attributes=True)


@router.get("/assessments/{assessment_id}/plans", response_model=Page[PlanPublic])
def list_plans(
    assessment_id: uuid.UUID, db: SessionDep, user: CurrentUser, paging: PagingDep
) -> Page[PlanPublic]:
    assessment = load_for(db, user, Assessment, assessment_id, roles=STAFF)
    query = select(Plan).where(Plan.assessment_id == assessment.id)
    result = page(db, query.order_by(Plan.created_at), **vars(paging))
    return Page[PlanPublic].model_validate(result, from_attributes=True)

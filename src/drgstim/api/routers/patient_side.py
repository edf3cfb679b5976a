"""The patient's side of the pathway: the pre-visit checklist (and its import into an
assessment), informed consent per procedure, and the recovery plan with its calendar."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, HTTPException, status
from fastapi.responses import Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from drgstim.api.crud import STAFF, Resource, advance_stage, crud_router, load_for
from drgstim.api.deps import CurrentUser, SessionDep, actor_of
from drgstim.api.schemas import patient_side as ps
from drgstim.api.schemas.clinical import AssessmentPublic
from drgstim.api.schemas.patients import Stage
from drgstim.clinic import patient_guide as guide
from drgstim.errors import InputError
from drgstim.storage import commit, create
from drgstim.storage.models import (
    Assessment,
    CareMessage,
    Checklist,
    Consent,
    Implant,
    Patient,
    Role,
    Trial,
    User,
)

__all__ = ["RESOURCES", "require_consent", "router"]

CARE_TEAM = frozenset({Role.CLINICIAN, Role.NURSE})


def _check_checklist(
    db: Session, patient: Patient, data: dict[str, Any], user: User
) -> dict[str, Any]:
    """Answers in the screening's and anatomy's vocabularies (a typo is a 422)."""
    from drgstim.api import clinic as domain

    treatments = guide.patient_labels("treatments")
    conditions = guide.patient_labels("conditions")
    for name, allowed in (("treatments_tried", treatments), ("conditions", conditions)):
        for value in data[name]:
            if value not in allowed:
                raise InputError(name, value, ", ".join(allowed))
    if data["pain_areas"]:
        domain.pain_map([{**area, "intensity": 0} for area in data["pain_areas"]])
    submitted_on = data.pop("submitted_on")
    return {"submitted_on": submitted_on, "answers": data}


def _sign(db: Session, patient: Patient, data: dict[str, Any], user: User) -> dict[str, Any]:
    """The document as shown is stored with who recorded the signature and when."""
    procedure = str(data["procedure"])
    return {
        "procedure": procedure,
        "signed_by_name": data["signed_by_name"].strip(),
        "document": guide.consent_document(procedure),
        "recorded_by_id": user.id,
        "signed_at": datetime.now(UTC),
    }


def _withdraw(db: Session, consent: Consent, changes: dict[str, Any], user: User) -> dict[str, Any]:
    withdrawn = changes.pop("withdrawn", None)
    if withdrawn and consent.withdrawn_at is None:
        changes["withdrawn_at"] = datetime.now(UTC)
    if withdrawn is False and consent.withdrawn_at is not None:
        raise InputError("withdrawn", False, "true", reason="a withdrawn consent is signed anew")
    return changes


def require_consent(db: Session, patient_id: uuid.UUID, procedure: str) -> None:
    """A procedure may be recorded only with the patient's signed, not withdrawn consent."""
    found = db.scalars(
        select(Consent.id).where(
            Consent.patient_id == patient_id,
            Consent.procedure == procedure,
            Consent.withdrawn_at.is_(None),
        )
    ).first()
    if found is None:
        raise InputError(
            "consent",
            "missing",
            f"a signed {procedure} consent of this patient",
            reason=f"record the patient's signed consent for the {procedure} first",
        )


def _resolve(
    db: Session, message: CareMessage, changes: dict[str, Any], user: User
) -> dict[str, Any]:
    resolved = changes.pop("resolved", None)
    if resolved and message.resolved_at is None:
        changes["resolved_at"] = datetime.now(UTC)
    if resolved is False:
        changes["resolved_at"] = None
    return changes


RESOURCES: tuple[Resource, ...] = (
    Resource(
        model=Checklist,
        path="checklists",
        parent=Patient,
        parent_path="patients",
        parent_fk="patient_id",
        create_schema=ps.ChecklistCreate,
        public_schema=ps.ChecklistPublic,
        write_roles=CARE_TEAM,
        delete_roles=CARE_TEAM,
        patient_reads=True,
        patient_writes=True,
        on_create=_check_checklist,
        order_by=(Checklist.submitted_on.desc(), Checklist.created_at.desc()),
    ),
    Resource(
        model=Consent,
        path="consents",
        parent=Patient,
        parent_path="patients",
        parent_fk="patient_id",
        create_schema=ps.ConsentCreate,
        update_schema=ps.ConsentUpdate,
        public_schema=ps.ConsentPublic,
        read_roles=STAFF,
        write_roles=CARE_TEAM,
        delete_roles=frozenset(),
        patient_reads=True,
        patient_writes=True,
        on_create=_sign,
        on_update=_withdraw,
        order_by=(Consent.signed_at.desc(),),
    ),
)

RESOURCES += (
    Resource(
        model=CareMessage,
        path="care-messages",
        parent=Patient,
        parent_path="patients",
        parent_fk="patient_id",
        create_schema=ps.MessageCreate,
        update_schema=ps.MessageUpdate,
        public_schema=ps.MessagePublic,
        write_roles=STAFF,
        delete_roles=frozenset(),
        patient_reads=True,
        patient_writes=True,
        on_update=_resolve,
        order_by=(CareMessage.created_at.desc(),),
    ),
)

router = APIRouter()
for _resource in RESOURCES:
    router.include_router(crud_router(_resource))


@router.get("/consent-documents/{procedure}", tags=["consents"])
def consent_document(procedure: str, user: CurrentUser) -> dict[str, Any]:
    """The consent document a patient reads before signing (risks and alternatives)."""
    return guide.consent_document(procedure)


@router.post(
    "/checklists/{checklist_id}/assessment",
    response_model=AssessmentPublic,
    status_code=status.HTTP_201_CREATED,
    tags=["checklists"],
)
def import_checklist(checklist_id: uuid.UUID, db: SessionDep, user: CurrentUser) -> Any:
    """Start an assessment from a patient's checklist: the pain areas (intensity = the
    average pain given), duration, pain scores, treatments, conditions, medicines, goals
    and questions. The clinician completes and checks it on the assessment page."""
    checklist = load_for(db, user, Checklist, checklist_id, roles=CARE_TEAM)
    answers = checklist.answers
    intensity = answers.get("nrs_average")
    history: dict[str, Any] = {
        "failed_treatments": list(answers.get("treatments_tried", [])),
        "conditions": list(answers.get("conditions", [])),
        "checklist_id": str(checklist.id),
    }
    for key in ("pain_duration_months", "medications", "goals", "questions"):
        if answers.get(key) not in (None, ""):
            history[key] = answers[key]
    scores = {k: answers[k] for k in ("nrs_average", "nrs_worst") if answers.get(k) is not None}
    assessment = Assessment(
        patient_id=checklist.patient_id,
        assessed_on=datetime.now(UTC).date(),
        pain_map=[
            {**area, "intensity": intensity if intensity is not None else 5}
            for area in answers.get("pain_areas", [])
        ],
        scores=scores,
        history=history,
    )
    create(db, assessment, actor=actor_of(user))
    advance_stage(db, checklist.patient_id, Stage.ASSESSED, user=user)
    commit(db)
    return assessment


def _plan_items(db: Session, patient_id: uuid.UUID) -> list[guide.PlanItem]:
    items: list[guide.PlanItem] = []
    trials = db.scalars(select(Trial).where(Trial.patient_id == patient_id)).all()
    for trial in trials:
        items += guide.recovery_plan(
            "trial", performed_on=trial.started_on, trial_days=trial.planned_days
        )
    implants = db.scalars(
        select(Implant).where(Implant.patient_id == patient_id, Implant.procedure == "implant")
    ).all()
    for implant in implants:
        items += guide.recovery_plan("implant", performed_on=implant.performed_on)
    return sorted(items, key=lambda i: (i.starts_on, i.id))


@router.get("/patients/{patient_id}/recovery-plan", tags=["recovery"])
def recovery_plan(patient_id: uuid.UUID, db: SessionDep, user: CurrentUser) -> dict[str, Any]:
    """The patient's recovery plan after each trial and implant, with dates."""
    load_for(db, user, Patient, patient_id, roles=STAFF, patient_allowed=True)
    today = datetime.now(UTC).date()
    return {
        "items": [
            {
                "id": i.id,
                "kind": i.kind,
                "text": i.text,
                "starts_on": i.starts_on.isoformat(),
                "ends_on": i.ends_on.isoformat(),
                "current": i.starts_on <= today <= i.ends_on,
            }
            for i in _plan_items(db, patient_id)
        ]
    }


@router.get("/patients/{patient_id}/recovery-plan.ics", tags=["recovery"])
def recovery_calendar(patient_id: uuid.UUID, db: SessionDep, user: CurrentUser) -> Response:
    """The recovery plan as an iCalendar file (all-day events) for the patient's calendar."""
    load_for(db, user, Patient, patient_id, roles=STAFF, patient_allowed=True)
    body = guide.to_icalendar(_plan_items(db, patient_id), stamp=datetime.now(UTC))
    return Response(
        body,
        media_type="text/calendar; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="recovery-plan.ics"'},
    )


@router.get("/care-messages", tags=["care-messages"])
def open_messages(db: SessionDep, user: CurrentUser) -> dict[str, Any]:
    """Patients' messages not yet dealt with, newest first, with the patient's name (staff:
    the clinic's list of patients who need help)."""
    if Role(user.role) not in STAFF:
        raise HTTPException(status.HTTP_403_FORBIDDEN, detail="Only the care team sees this list.")
    rows = db.execute(
        select(CareMessage, Patient)
        .join(Patient, Patient.id == CareMessage.patient_id)
        .where(CareMessage.resolved_at.is_(None))
        .order_by(CareMessage.created_at.desc())
        .limit(200)
    ).all()
    return {
        "items": [
            {
                **ps.MessagePublic.model_validate(m, from_attributes=True).model_dump(mode="json"),
                "patient_name": f"{p.given_name} {p.family_name}",
                "mrn": p.mrn,
            }
            for m, p in rows
        ]
    }

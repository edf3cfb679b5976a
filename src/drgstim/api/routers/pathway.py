"""The pathway records exposed through the CRUD factory: assessments, trials, diary,
implants, devices, follow-ups, complications (domain actions live in their own routers)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from fastapi import APIRouter
from sqlalchemy import select
from sqlalchemy.orm import Session

from drgstim.api import clinic as domain
from drgstim.api import locks
from drgstim.api.crud import STAFF, Resource, advance_stage, crud_router
from drgstim.api.deps import actor_of
from drgstim.api.routers.patient_side import require_consent
from drgstim.api.routers.programs import apply_leads
from drgstim.api.schemas import clinical as c
from drgstim.api.schemas import devices as d
from drgstim.api.schemas.patients import Stage
from drgstim.errors import InputError
from drgstim.storage import ConflictError
from drgstim.storage.models import (
    Assessment,
    Complication,
    Device,
    DeviceEvent,
    DiaryEntry,
    FollowUp,
    Implant,
    Patient,
    ProgrammingSession,
    Role,
    Trial,
    User,
)

__all__ = ["RESOURCES", "router"]

CLINICAL_WRITERS = frozenset({Role.CLINICIAN, Role.NURSE})
CLINICIAN_ONLY = frozenset({Role.CLINICIAN})
PROGRAMMERS = frozenset({Role.CLINICIAN, Role.PROGRAMMER})


def _today() -> date:
    return datetime.now(UTC).date()


def _check_diary_day(db: Session, trial: Trial, data: dict[str, Any], user: User) -> dict[str, Any]:
    """A diary day lies inside the trial (start … start + 30 days) and not in the future."""
    day = data["day"]
    last = trial.started_on + timedelta(days=c.MAX_TRIAL_DAYS - 1)
    if trial.status != "active":
        raise InputError("trial.status", trial.status, "active", reason="the trial has ended")
    if not trial.started_on <= day <= last:
        raise InputError(
            "day", day.isoformat(), f"{trial.started_on.isoformat()} … {last.isoformat()}"
        )
    if day > _today() + timedelta(days=1):  # a day of slack for time zones
        raise InputError("day", day.isoformat(), f"up to today ({_today().isoformat()})")
    taken = select(DiaryEntry.id).where(DiaryEntry.trial_id == trial.id, DiaryEntry.day == day)
    if db.scalar(taken) is not None:
        raise ConflictError(
            f"There is already a diary entry for {day.isoformat()}. "
            "Change that entry instead of adding a second one."
        )
    return data


def _check_pain_map(db: Session, parent: Any, data: dict[str, Any], user: User) -> dict[str, Any]:
    """Regions and sides must be the anatomy layer's (a typo is a 422, not a silent miss)."""
    if data.get("pain_map"):
        domain.pain_map(list(data["pain_map"]))
    return data


def _leads_rechecked(
    db: Session, device: Any, changes: dict[str, Any], user: User
) -> dict[str, Any]:
    """New leads (impedance typed, lead added or removed): every stored program of the
    device is rechecked by the device, and disabled with the reason if refused."""
    if changes.get("leads") is not None:
        apply_leads(db, device, changes["leads"], actor_of(user))
    elif "leads" in changes:
        del changes["leads"]
    return changes


def _trial_consented(db: Session, patient: Any, data: dict[str, Any], user: User) -> dict[str, Any]:
    require_consent(db, patient.id, "trial")
    return data


def _procedure_consented(
    db: Session, patient: Any, data: dict[str, Any], user: User
) -> dict[str, Any]:
    require_consent(db, patient.id, str(data["procedure"]))
    if str(data["procedure"]) == "explant":
        advance_stage(db, patient.id, Stage.EXPLANTED, user=user)
    return data


def _check_follow_up_month(
    db: Session, patient: Any, data: dict[str, Any], user: User
) -> dict[str, Any]:
    """A follow-up visit comes after an implant, and its month matches the visit date
    (within the schedule's window) counted from the latest implant before it."""
    from drgstim.clinic.outcomes import visit_window

    visit_on, month = data["visit_on"], data["month"]
    implant = db.scalars(
        select(Implant)
        .where(
            Implant.patient_id == patient.id,
            Implant.procedure == "implant",
            Implant.performed_on <= visit_on,
        )
        .order_by(Implant.performed_on.desc())
    ).first()
    if implant is None:
        raise InputError(
            "visit_on",
            visit_on.isoformat(),
            "a date after a recorded implant",
            reason="no implant is recorded before this visit",
        )
    first, last = visit_window(implanted_on=implant.performed_on, month=month)
    if not first <= visit_on <= last:
        raise InputError(
            "month",
            month,
            f"a month whose window holds {visit_on.isoformat()}",
            reason=f"month {month} after the implant of {implant.performed_on.isoformat()} "
            f"is due between {first.isoformat()} and {last.isoformat()}",
        )
    return data


RESOURCES: tuple[Resource, ...] = (
    Resource(
        model=Assessment,
        path="assessments",
        parent=Patient,
        parent_path="patients",
        parent_fk="patient_id",
        create_schema=c.AssessmentCreate,
        update_schema=c.AssessmentUpdate,
        public_schema=c.AssessmentPublic,
        on_create=_check_pain_map,
        on_update=_check_pain_map,
        order_by=(Assessment.assessed_on.desc(),),
        advances_to=Stage.ASSESSED,
    ),
    Resource(
        model=Trial,
        path="trials",
        parent=Patient,
        parent_path="patients",
        parent_fk="patient_id",
        create_schema=c.TrialCreate,
        update_schema=c.TrialUpdate,
        public_schema=c.TrialPublic,
        write_roles=CLINICIAN_ONLY | {Role.NURSE},
        patient_reads=True,
        on_create=_trial_consented,
        on_update=locks.amend_trial,
        on_delete=locks.refuse_locked_trial_delete,
        order_by=(Trial.started_on.desc(),),
        advances_to=Stage.IN_TRIAL,
    ),
    Resource(
        model=DiaryEntry,
        path="diary",
        parent=Trial,
        parent_path="trials",
        parent_fk="trial_id",
        create_schema=c.DiaryCreate,
        update_schema=c.DiaryUpdate,
        public_schema=c.DiaryPublic,
        patient_reads=True,
        patient_writes=True,
        delete_roles=CLINICAL_WRITERS,
        on_create=_check_diary_day,
        on_update=locks.amend_diary,
        on_delete=locks.refuse_locked_diary_delete,
        order_by=(DiaryEntry.day,),
    ),
    Resource(
        model=Implant,
        path="implants",
        parent=Patient,
        parent_path="patients",
        parent_fk="patient_id",
        create_schema=c.ImplantCreate,
        update_schema=c.ImplantUpdate,
        public_schema=c.ImplantPublic,
        write_roles=CLINICIAN_ONLY,
        on_create=_procedure_consented,
        order_by=(Implant.performed_on,),
        advances_to=Stage.IMPLANTED,
    ),
    Resource(
        model=FollowUp,
        path="follow-ups",
        parent=Patient,
        parent_path="patients",
        parent_fk="patient_id",
        create_schema=c.FollowUpCreate,
        update_schema=c.FollowUpUpdate,
        public_schema=c.FollowUpPublic,
        on_create=_check_follow_up_month,
        order_by=(FollowUp.visit_on,),
        advances_to=Stage.FOLLOW_UP,
    ),
    Resource(
        model=Complication,
        path="complications",
        parent=Patient,
        parent_path="patients",
        parent_fk="patient_id",
        create_schema=c.ComplicationCreate,
        update_schema=c.ComplicationUpdate,
        public_schema=c.ComplicationPublic,
        order_by=(Complication.occurred_on,),
    ),
    Resource(
        model=Device,
        path="devices",
        parent=Patient,
        parent_path="patients",
        parent_fk="patient_id",
        create_schema=d.DeviceCreate,
        update_schema=d.DeviceUpdate,
        public_schema=d.DevicePublic,
        read_roles=STAFF,
        write_roles=PROGRAMMERS,
        delete_roles=CLINICIAN_ONLY,
        patient_reads=True,
        on_update=_leads_rechecked,
        order_by=(Device.created_at,),
    ),
)


def _session_opened_by(
    db: Session, device: Device, data: dict[str, Any], user: User
) -> dict[str, Any]:
    return {**data, "clinician_id": user.id}


def _session_closed(
    db: Session, session: ProgrammingSession, changes: dict[str, Any], user: User
) -> dict[str, Any]:
    ended = changes.pop("ended", None)
    if ended and session.ended_at is None:
        changes["ended_at"] = datetime.now(UTC)
    return changes


def _event_in_session(
    db: Session, device: Device, data: dict[str, Any], user: User
) -> dict[str, Any]:
    session_id = data.get("session_id")
    if session_id is not None:
        session = db.get(ProgrammingSession, session_id)
        if session is None or session.device_id != device.id:
            raise InputError("session_id", str(session_id), "a session of this device")
    return data


RESOURCES += (
    Resource(
        model=ProgrammingSession,
        path="programming-sessions",
        parent=Device,
        parent_path="devices",
        parent_fk="device_id",
        create_schema=d.SessionCreate,
        update_schema=d.SessionUpdate,
        public_schema=d.SessionPublic,
        write_roles=PROGRAMMERS,
        delete_roles=CLINICIAN_ONLY,
        on_create=_session_opened_by,
        on_update=_session_closed,
        order_by=(ProgrammingSession.started_at,),
    ),
    Resource(
        model=DeviceEvent,
        path="device-events",
        parent=Device,
        parent_path="devices",
        parent_fk="device_id",
        create_schema=d.DeviceEventCreate,
        public_schema=d.DeviceEventPublic,
        write_roles=PROGRAMMERS,
        delete_roles=frozenset(),
        on_create=_event_in_session,
        order_by=(DeviceEvent.at,),
    ),
)

router = APIRouter()
for _resource in RESOURCES:
    router.include_router(crud_router(_resource))

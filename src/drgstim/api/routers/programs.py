"""Programs (groups) on a device, the live safety check, and the patient controller.

Every program write goes through the device layer's safety check; an unsafe program is
refused with 422 and the device's reasons. Only clinicians and programmers change
programs (a nurse gets 403). The patient controller works within the clinician's limits.
"""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, status
from sqlalchemy import select

from drgstim.api import domain
from drgstim.api.crud import STAFF, load_for
from drgstim.api.deps import CurrentUser, PagingDep, SessionDep, actor_of
from drgstim.api.schemas.common import Page
from drgstim.api.schemas.devices import (
    ControllerRequest,
    ProgramCheck,
    ProgramCreate,
    ProgramPublic,
    ProgramUpdate,
    SafetyCheckPublic,
)
from drgstim.errors import InputError
from drgstim.storage import commit, create, delete, page, update
from drgstim.storage.models import Device, DeviceEvent, Program, Role

__all__ = ["router"]

router = APIRouter(tags=["programs"])
PROGRAMMERS = frozenset({Role.CLINICIAN, Role.PROGRAMMER})


class UnsafeProgramError(InputError):
    """The device refused the program; carries every reason."""

    def __init__(self, reasons: list[str]) -> None:
        self.reasons = reasons
        super().__init__(
            "settings",
            "<program>",
            "a program within the device rules and charge-density limits",
            reason="; ".join(reasons),
        )


def _reasons(report: dict[str, Any]) -> list[str]:
    out = []
    for error in report.get("errors", []):
        out.append(str(error.get("message", error)) if isinstance(error, dict) else str(error))
    return out or ["the device refused the program"]


def _checked(device: Device, settings: dict[str, Any]) -> dict[str, Any]:
    result = domain.check_program(device, settings)
    if not result["safe"]:
        raise UnsafeProgramError(_reasons(result["report"]))
    report: dict[str, Any] = result["report"]
    return report


@router.post("/devices/{device_id}/check", response_model=SafetyCheckPublic)
def check(
    device_id: uuid.UUID, body: ProgramCheck, db: SessionDep, user: CurrentUser
) -> dict[str, Any]:
    """Dry run: the safety report of a program on this device (nothing is stored)."""
    device = load_for(db, user, Device, device_id, roles=STAFF)
    return domain.check_program(device, body.settings)


@router.get("/devices/{device_id}/programs", response_model=Page[ProgramPublic])
def list_programs(
    device_id: uuid.UUID, db: SessionDep, user: CurrentUser, paging: PagingDep
) -> Page[ProgramPublic]:
    device = load_for(db, user, Device, device_id, roles=STAFF, patient_allowed=True)
    query = select(Program).where(Program.device_id == device.id).order_by(Program.name)
    if user.role == Role.PATIENT:
        query = query.where(Program.for_patient_use.is_(True))
    result = page(db, query, **vars(paging))
    return Page[ProgramPublic].model_validate(result, from_attributes=True)


@router.post(
    "/devices/{device_id}/programs",
    response_model=ProgramPublic,
    status_code=status.HTTP_201_CREATED,
)
def create_program(
    device_id: uuid.UUID, body: ProgramCreate, db: SessionDep, user: CurrentUser
) -> Program:
    device = load_for(db, user, Device, device_id, roles=PROGRAMMERS)
    safety = _checked(device, body.settings)
    program = Program(
        device_id=device.id,
        name=body.name,
        for_patient_use=body.for_patient_use,
        settings=body.settings,
        safety=safety,
    )
    create(db, program, actor=actor_of(user))
    commit(db)
    return program


@router.get("/programs/{program_id}", response_model=ProgramPublic)
def read_program(program_id: uuid.UUID, db: SessionDep, user: CurrentUser) -> Program:
    program: Program = load_for(db, user, Program, program_id, roles=STAFF)
    return program


@router.patch("/programs/{program_id}", response_model=ProgramPublic)
def update_program(
    program_id: uuid.UUID, body: ProgramUpdate, db: SessionDep, user: CurrentUser
) -> Program:
    program: Program = load_for(db, user, Program, program_id, roles=PROGRAMMERS)
    changes: dict[str, Any] = body.changes()
    if "settings" in changes:
        device = db.get(Device, program.device_id)
        assert device is not None  # foreign key
        changes["safety"] = _checked(device, body.settings or {})
    update(db, program, changes, actor=actor_of(user), expected_version=body.version)
    commit(db)
    return program


@router.delete("/programs/{program_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_program(program_id: uuid.UUID, db: SessionDep, user: CurrentUser) -> None:
    program = load_for(db, user, Program, program_id, roles=PROGRAMMERS)
    delete(db, program, actor=actor_of(user))
    commit(db)


@router.post("/devices/{device_id}/controller")
def controller(
    device_id: uuid.UUID, body: ControllerRequest, db: SessionDep, user: CurrentUser
) -> dict[str, Any]:
    """A patient-controller action (the patient's own device, or a clinician/programmer):
    status, on/off per region, amplitude steps within the clinician's limit, group select
    among patient groups, all off (needs ``confirm``). Answers what the controller shows."""
    device: Device = load_for(db, user, Device, device_id, roles=PROGRAMMERS, patient_allowed=True)
    programs = list(db.scalars(select(Program).where(Program.device_id == device.id)))
    view, state, events = domain.controller_action(
        device, programs, body.model_dump(mode="json"), who=user.username
    )
    if events:
        actor = actor_of(user)
        update(db, device, {"state": state}, actor=actor)
        for event in events:
            create(
                db,
                DeviceEvent(device_id=device.id, kind=f"controller.{event['action']}", data=event),
                actor=actor,
            )
        commit(db)
    return view

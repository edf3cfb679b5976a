"""Programs (groups) on a device, the live safety check, lead impedances, the program
history, and the patient controller.

Each route loads the rows, asks :mod:`drgstim.api.device_service` (the device layer
decides) and stores the result; a refusal is a 422 naming the field and leaves every
stored row as it was. Only clinicians and programmers change programs (a nurse gets 403).
"""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, status
from sqlalchemy import select
from sqlalchemy.orm import Session

from drgstim.api import device_service as ds
from drgstim.api.crud import STAFF, load_for
from drgstim.api.deps import CurrentUser, PagingDep, SessionDep, actor_of
from drgstim.api.schemas.common import Page
from drgstim.api.schemas.devices import (
    MAX_GROUPS,
    MAX_LEADS,
    ControllerRequest,
    ControllerView,
    DevicePublic,
    GridParameter,
    GridPublic,
    ImpedanceTransfer,
    ProgramCheck,
    ProgramCreate,
    ProgramHistoryEntry,
    ProgramPublic,
    ProgramRestore,
    ProgramSettings,
    ProgramUpdate,
    SafetyCheckPublic,
    SafetyReportPublic,
)
from drgstim.device import DEFAULT_LEAD_MODEL, Polarity, Side, grid
from drgstim.device.lead import contact_label
from drgstim.device.vocabulary import RECORDABLE_LEVELS
from drgstim.errors import InputError
from drgstim.storage import NotFoundError, commit, create, delete, page, update
from drgstim.storage.audit import Actor
from drgstim.storage.models import AuditLog, Device, DeviceEvent, Program, Role, User

__all__ = ["apply_leads", "facts_of", "router", "store_program"]

router = APIRouter(tags=["programs"])
PROGRAMMERS = frozenset({Role.CLINICIAN, Role.PROGRAMMER})
GRID_PARAMETERS = ("amplitude_uA", "pulse_width_us", "frequency_Hz", "ramp_s")


def facts_of(device: Device, *, leads: list[Any] | None = None) -> ds.DeviceFacts:
    """The stored device as typed facts (``leads`` replaces the stored leads)."""
    return ds.DeviceFacts.of(
        serial=device.serial,
        kind=device.kind,
        leads=device.leads if leads is None else leads,
        state=device.state,
    )


def _programs(db: Session, device: Device) -> list[Program]:
    return list(db.scalars(select(Program).where(Program.device_id == device.id)))


def _report(program: Program) -> SafetyReportPublic:
    disabled = ds.disabled_leads(program)
    try:
        return SafetyReportPublic.model_validate({**program.safety, "disabled": disabled})
    except ValueError:  # a report stored by an earlier version: the reasons still count
        return SafetyReportPublic(
            warnings=["safety report from an earlier version; save the program to renew it"],
            disabled=disabled,
        )


def _public(program: Program) -> ProgramPublic:
    return ProgramPublic.model_validate(
        {
            "id": program.id,
            "created_at": program.created_at,
            "updated_at": program.updated_at,
            "version": program.version,
            "device_id": program.device_id,
            "name": program.name,
            "for_patient_use": program.for_patient_use,
            "settings": ds.program_settings(program),
            "safety": _report(program),
            "deliverable": ds.deliverable(program),
        }
    )


def apply_leads(db: Session, device: Device, leads: list[Any], actor: Actor) -> None:
    """Store new leads (impedance measured or typed, lead added or removed) and disable,
    with the device's reason, every stored program it now refuses."""
    programs = _programs(db, device)
    outcome = ds.recheck_leads(facts_of(device, leads=leads), programs)
    for program, safety in outcome.safety.items():
        update(db, program, {"safety": safety}, actor=actor)


@router.get("/device/grid", response_model=GridPublic)
def device_grid(user: CurrentUser) -> GridPublic:
    """The device grid and lead facts the programmer page steps on (read, never copied)."""
    del user
    parameters = {}
    for name in GRID_PARAMETERS:
        g = grid(name)
        parameters[name] = GridParameter(
            name=name,
            unit=g.unit,
            minimum=g.minimum,
            maximum=g.maximum,
            default=g.default,
            values=list(g.values()),
            describe=g.describe(),
        )
    count = DEFAULT_LEAD_MODEL.contact_count
    return GridPublic(
        parameters=parameters,
        contacts_per_lead=count,
        contact_labels=[contact_label(i) for i in range(count)],
        polarities=list(Polarity),
        max_leads=MAX_LEADS,
        max_groups=MAX_GROUPS,
        levels=list(RECORDABLE_LEVELS),
        sides=[s.value for s in Side],
    )


@router.post("/devices/{device_id}/check", response_model=SafetyCheckPublic)
def check(
    device_id: uuid.UUID, body: ProgramCheck, db: SessionDep, user: CurrentUser
) -> SafetyCheckPublic:
    """Dry run: the device's report on a program for this device (nothing is stored)."""
    device = load_for(db, user, Device, device_id, roles=STAFF)
    safe, report = ds.check_settings(
        facts_of(device),
        _programs(db, device),
        name=body.name,
        settings=body.settings,
        clinician=user.username,
    )
    return SafetyCheckPublic(safe=safe, report=report)


@router.get("/devices/{device_id}/programs", response_model=Page[ProgramPublic])
def list_programs(
    device_id: uuid.UUID, db: SessionDep, user: CurrentUser, paging: PagingDep
) -> Page[ProgramPublic]:
    device = load_for(db, user, Device, device_id, roles=STAFF, patient_allowed=True)
    query = select(Program).where(Program.device_id == device.id).order_by(Program.name)
    if user.role == Role.PATIENT:
        query = query.where(Program.for_patient_use.is_(True))
    result = page(db, query, **vars(paging))
    return Page[ProgramPublic](
        items=[_public(p) for p in result.items],
        total=result.total,
        limit=result.limit,
        offset=result.offset,
    )


def store_program(
    db: Session,
    user: User,
    device: Device,
    *,
    editing: Program | None,
    name: str,
    for_patient_use: bool,
    settings: ProgramSettings,
    version: int | None = None,
    clinician: str | None = None,
    finish: bool = True,
) -> Program:
    """The device programs the group; its answer is stored (or the refusal raised).
    ``clinician`` names who programmed it (default: the user); ``finish=False`` leaves the
    commit to the caller, so its own writes land in the same transaction."""
    outcome = ds.save_program(
        facts_of(device),
        _programs(db, device),
        editing=editing,
        name=name,
        for_patient_use=for_patient_use,
        settings=settings,
        clinician=clinician or user.username,
    )
    actor = actor_of(user)
    values = {
        "for_patient_use": for_patient_use,
        "settings": outcome.settings,
        "safety": outcome.safety,
    }
    if editing is None:
        program = Program(device_id=device.id, name=name, **values)
        create(db, program, actor=actor)
    else:
        program = update(db, editing, values, actor=actor, expected_version=version)
    if outcome.state != device.state:
        update(db, device, {"state": outcome.state}, actor=actor)
    if finish:
        commit(db)
    return program


@router.post(
    "/devices/{device_id}/programs",
    response_model=ProgramPublic,
    status_code=status.HTTP_201_CREATED,
)
def create_program(
    device_id: uuid.UUID, body: ProgramCreate, db: SessionDep, user: CurrentUser
) -> ProgramPublic:
    """Program a new group on the device; the device refuses anything unsafe (422)."""
    device = load_for(db, user, Device, device_id, roles=PROGRAMMERS)
    program = store_program(
        db,
        user,
        device,
        editing=None,
        name=body.name,
        for_patient_use=body.for_patient_use,
        settings=body.settings,
    )
    return _public(program)


@router.get("/programs/{program_id}", response_model=ProgramPublic)
def read_program(program_id: uuid.UUID, db: SessionDep, user: CurrentUser) -> ProgramPublic:
    program: Program = load_for(db, user, Program, program_id, roles=STAFF)
    return _public(program)


def _current_settings(program: Program) -> ProgramSettings:
    settings = ds.program_settings(program)
    if settings is None:
        raise InputError(
            "settings", "<stored>", "a program in the current schema: send settings again"
        )
    return settings


@router.patch("/programs/{program_id}", response_model=ProgramPublic)
def update_program(
    program_id: uuid.UUID, body: ProgramUpdate, db: SessionDep, user: CurrentUser
) -> ProgramPublic:
    """Reprogram the group (settings and/or patient use); the device checks it again, and
    a deliverable answer clears an earlier disabling."""
    program: Program = load_for(db, user, Program, program_id, roles=PROGRAMMERS)
    return _reprogram(
        db,
        user,
        program,
        settings=body.settings or _current_settings(program),
        for_patient_use=body.for_patient_use,
        version=body.version,
    )


def _reprogram(
    db: Session,
    user: User,
    program: Program,
    *,
    settings: ProgramSettings,
    for_patient_use: bool | None,
    version: int | None,
) -> ProgramPublic:
    """The group saved again with ``settings`` (patient use kept unless given)."""
    device = db.get(Device, program.device_id)
    assert device is not None  # foreign key
    saved = store_program(
        db,
        user,
        device,
        editing=program,
        name=program.name,
        for_patient_use=program.for_patient_use if for_patient_use is None else for_patient_use,
        settings=settings,
        version=version,
    )
    return _public(saved)


@router.get("/programs/{program_id}/history", response_model=list[ProgramHistoryEntry])
def program_history(
    program_id: uuid.UUID, db: SessionDep, user: CurrentUser
) -> list[ProgramHistoryEntry]:
    """Every saved version of the program, newest first: who, when, what."""
    program: Program = load_for(db, user, Program, program_id, roles=STAFF)
    rows = db.scalars(
        select(AuditLog)
        .where(AuditLog.entity == Program.__tablename__, AuditLog.entity_id == program.id)
        .order_by(AuditLog.at, AuditLog.id)
    )
    entries: list[ProgramHistoryEntry] = []
    current: dict[str, Any] = {}
    for row in rows:
        new = row.new or {}
        current |= {k: new[k] for k in ("settings", "for_patient_use") if k in new}
        if not {"settings", "for_patient_use"} & new.keys():
            continue
        entries.append(
            ProgramHistoryEntry(
                audit_id=row.id,
                at=row.at,
                actor=row.actor,
                action=row.action,
                for_patient_use=current.get("for_patient_use"),
                settings=ProgramSettings.model_validate(current["settings"])
                if _valid(current.get("settings"))
                else None,
            )
        )
    return entries[::-1]


def _valid(settings: Any) -> bool:
    try:
        ProgramSettings.model_validate(settings)
    except ValueError:
        return False
    return True


@router.post("/programs/{program_id}/restore", response_model=ProgramPublic)
def restore_program(
    program_id: uuid.UUID, body: ProgramRestore, db: SessionDep, user: CurrentUser
) -> ProgramPublic:
    """Bring back the settings of one history entry; the device checks them again."""
    program: Program = load_for(db, user, Program, program_id, roles=PROGRAMMERS)
    entry = next(
        (e for e in program_history(program_id, db, user) if e.audit_id == body.audit_id), None
    )
    if entry is None or entry.settings is None:
        raise NotFoundError("program history entry", body.audit_id)
    return _reprogram(
        db,
        user,
        program,
        settings=entry.settings,
        for_patient_use=entry.for_patient_use,
        version=body.version,
    )


@router.delete("/programs/{program_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_program(program_id: uuid.UUID, db: SessionDep, user: CurrentUser) -> None:
    program = load_for(db, user, Program, program_id, roles=PROGRAMMERS)
    delete(db, program, actor=actor_of(user))
    commit(db)


@router.post("/devices/{device_id}/impedance", response_model=DevicePublic)
def transfer_impedance(
    device_id: uuid.UUID, body: ImpedanceTransfer, db: SessionDep, user: CurrentUser
) -> Device:
    """A measured impedance transferred to one lead: every stored program is rechecked and
    the ones the device now refuses are disabled with the reason."""
    device: Device = load_for(db, user, Device, device_id, roles=PROGRAMMERS)
    leads = [dict(x) for x in device.leads]
    match = [x for x in leads if x.get("lead") == body.lead]
    if not match:
        raise InputError("lead", body.lead, f"one of {sorted(x['lead'] for x in leads)}")
    old = match[0].get("impedance_ohm")
    match[0]["impedance_ohm"] = body.impedance_ohm
    actor = actor_of(user)
    apply_leads(db, device, leads, actor)
    update(db, device, {"leads": leads}, actor=actor)
    event = {"lead": body.lead, "old": old, "new": body.impedance_ohm}
    create(db, DeviceEvent(device_id=device.id, kind="impedance", data=event), actor=actor)
    commit(db)
    return device


@router.post("/devices/{device_id}/controller", response_model=ControllerView)
def controller(
    device_id: uuid.UUID, body: ControllerRequest, db: SessionDep, user: CurrentUser
) -> ControllerView:
    """A patient-controller action (the patient's own device, or a clinician/programmer):
    status, on/off per region, amplitude steps within the clinician's limit, group select
    among patient groups, all off (needs ``confirm``) and restore (the regions that were on
    come back). Answers what the controller shows."""
    device: Device = load_for(db, user, Device, device_id, roles=PROGRAMMERS, patient_allowed=True)
    outcome = ds.controller_action(facts_of(device), _programs(db, device), body, who=user.username)
    if outcome.events:
        actor = actor_of(user)
        update(db, device, {"state": outcome.state}, actor=actor)
        for event in outcome.events:
            create(
                db,
                DeviceEvent(device_id=device.id, kind=f"controller.{event['action']}", data=event),
                actor=actor,
            )
        commit(db)
    return outcome.view

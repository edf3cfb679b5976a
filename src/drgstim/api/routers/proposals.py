"""Remote care: the clinic proposes a program change; the patient accepts or declines it.

A proposal is checked by the device model when it is made and again when it is accepted
(the device may have changed meanwhile); accepting stores the program exactly as a
programmer saving it would (same checks), and every step is audited.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, status
from pydantic import Field
from sqlalchemy import select

from drgstim.api import device_service as ds
from drgstim.api.crud import STAFF, load_for
from drgstim.api.deps import CurrentUser, SessionDep, actor_of
from drgstim.api.routers.programs import facts_of, store_program
from drgstim.api.schemas.common import RecordPublic, StrictModel
from drgstim.api.schemas.devices import ProgramSettings
from drgstim.errors import InputError
from drgstim.storage import commit, create, update
from drgstim.storage.models import Device, Program, ProgramProposal, Role

__all__ = ["router"]

router = APIRouter(tags=["remote care"])
PROGRAMMERS = frozenset({Role.CLINICIAN, Role.PROGRAMMER})


class ProposalCreate(StrictModel):
    program_name: str = Field(min_length=1, max_length=64, description="Group name.")
    settings: ProgramSettings = Field(description="The program, as the device takes it.")
    note: str = Field(default="", max_length=2000, description="What the patient reads.")


class ProposalPublic(RecordPublic):
    device_id: uuid.UUID
    program_name: str
    settings: dict[str, Any]
    note: str
    status: str
    decided_at: datetime | None


@router.post(
    "/devices/{device_id}/proposals",
    response_model=ProposalPublic,
    status_code=status.HTTP_201_CREATED,
)
def propose(
    device_id: uuid.UUID, body: ProposalCreate, db: SessionDep, user: CurrentUser
) -> ProgramProposal:
    """Propose a program change (clinicians, programmers); refused like any unsafe program."""
    device = load_for(db, user, Device, device_id, roles=PROGRAMMERS)
    programs = list(db.scalars(select(Program).where(Program.device_id == device.id)))
    ds.save_program(  # the device's verdict now (InputError naming the field if refused)
        facts_of(device),
        programs,
        editing=next((p for p in programs if p.name == body.program_name), None),
        name=body.program_name,
        for_patient_use=True,
        settings=body.settings,
        clinician=user.username,
    )
    proposal = ProgramProposal(
        device_id=device.id,
        program_name=body.program_name,
        settings=body.settings.model_dump(mode="json"),
        note=body.note,
    )
    create(db, proposal, actor=actor_of(user))
    commit(db)
    return proposal


@router.get("/devices/{device_id}/proposals", response_model=list[ProposalPublic])
def list_proposals(device_id: uuid.UUID, db: SessionDep, user: CurrentUser) -> list[Any]:
    device = load_for(db, user, Device, device_id, roles=STAFF, patient_allowed=True)
    query = select(ProgramProposal).where(ProgramProposal.device_id == device.id)
    return list(db.scalars(query.order_by(ProgramProposal.created_at.desc()).limit(50)))


def _decide(db: Any, user: Any, proposal_id: uuid.UUID) -> tuple[ProgramProposal, Device]:
    proposal: ProgramProposal = load_for(
        db, user, ProgramProposal, proposal_id, roles=PROGRAMMERS, patient_allowed=True
    )
    if proposal.status != "pending":
        raise InputError(
            "status", proposal.status, "pending", reason="this proposal was already answered"
        )
    device = db.get(Device, proposal.device_id)
    assert device is not None  # foreign key
    return proposal, device


@router.post("/proposals/{proposal_id}/accept", response_model=ProposalPublic)
def accept(proposal_id: uuid.UUID, db: SessionDep, user: CurrentUser) -> ProgramProposal:
    """The patient accepts: the program is checked again and stored (for patient use)."""
    proposal, device = _decide(db, user, proposal_id)
    existing = db.scalars(
        select(Program).where(Program.device_id == device.id, Program.name == proposal.program_name)
    ).first()
    actor = actor_of(user)
    # Stored exactly as a programmer saving it would be: the device checks it again at
    # today's impedances (it may have changed since the proposal), in the same transaction.
    store_program(
        db,
        user,
        device,
        editing=existing,
        name=proposal.program_name,
        for_patient_use=True,
        settings=ProgramSettings.model_validate(proposal.settings),
        finish=False,
    )
    update(db, proposal, {"status": "accepted", "decided_at": datetime.now(UTC)}, actor=actor)
    commit(db)
    return proposal


@router.post("/proposals/{proposal_id}/decline", response_model=ProposalPublic)
def decline(proposal_id: uuid.UUID, db: SessionDep, user: CurrentUser) -> ProgramProposal:
    proposal, _ = _decide(db, user, proposal_id)
    update(
        db,
        proposal,
        {"status": "declined", "decided_at": datetime.now(UTC)},
        actor=actor_of(user),
    )
    commit(db)
    return proposal


@router.get("/devices/{device_id}/usage")
def usage(device_id: uuid.UUID, db: SessionDep, user: CurrentUser) -> dict[str, Any]:
    """The last 30 presses on the patient controller (the device events it recorded):
    when, what (``region_on``, ``region_off``, ``amplitude``, ``select_group``, ``all_off``,
    ``all_on``), which lead, before and after. The patient sees their own."""
    from drgstim.storage.models import DeviceEvent

    device = load_for(db, user, Device, device_id, roles=STAFF, patient_allowed=True)
    rows = db.scalars(
        select(DeviceEvent)
        .where(DeviceEvent.device_id == device.id, DeviceEvent.kind.startswith("controller."))
        .order_by(DeviceEvent.at.desc())
        .limit(30)
    )
    return {
        "items": [
            {
                "at": e.at.isoformat(),
                "action": e.kind.removeprefix("controller."),
                "lead": e.data.get("lead"),
                "old": e.data.get("old"),
                "new": e.data.get("new"),
            }
            for e in rows
        ]
    }

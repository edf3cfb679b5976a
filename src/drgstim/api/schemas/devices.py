"""Devices, programs, programming sessions, device events and patient-controller actions.

Only shapes are checked here; the device rules (ranges, steps, polarity, charge safety)
are the device layer's, applied by ``drgstim.api.domain.check_program``.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, Field

from drgstim.api.schemas.clinical import LeadSide
from drgstim.api.schemas.common import Identifier, RecordPublic, StrictModel, UpdateModel

__all__ = [
    "ControllerAction",
    "ControllerRequest",
    "DeviceCreate",
    "DeviceEventCreate",
    "DeviceEventPublic",
    "DeviceKind",
    "DevicePublic",
    "DeviceUpdate",
    "LeadInfo",
    "ProgramCheck",
    "ProgramCreate",
    "ProgramPublic",
    "ProgramUpdate",
    "SafetyCheckPublic",
    "SessionCreate",
    "SessionPublic",
    "SessionUpdate",
]


class DeviceKind(StrEnum):
    IPG = "ipg"
    TRIAL_STIMULATOR = "trial_stimulator"


class LeadInfo(StrictModel):
    lead: int = Field(ge=1, description="Channel number on the generator.")
    level: str = Field(pattern=r"^(T([1-9]|1[0-2])|L[1-5]|S[1-3])$")
    side: LeadSide
    impedance_ohm: float | None = Field(default=None, gt=0)


class DeviceCreate(StrictModel):
    kind: DeviceKind
    serial: Identifier
    leads: list[LeadInfo] = Field(default_factory=list, max_length=8)


class DeviceUpdate(UpdateModel):
    leads: list[LeadInfo] | None = Field(default=None, max_length=8)


class DevicePublic(RecordPublic):
    patient_id: uuid.UUID
    kind: str
    serial: str
    leads: list[dict[str, Any]]
    state: dict[str, Any]


class ProgramCreate(StrictModel):
    name: str = Field(min_length=1, max_length=64, description="Group name, e.g. Awake.")
    for_patient_use: bool = True
    settings: dict[str, Any] = Field(description="The device layer's program, as JSON.")


class ProgramUpdate(UpdateModel):
    for_patient_use: bool | None = None
    settings: dict[str, Any] | None = None


class ProgramPublic(RecordPublic):
    device_id: uuid.UUID
    name: str
    for_patient_use: bool
    settings: dict[str, Any]
    safety: dict[str, Any]


class ProgramCheck(StrictModel):
    settings: dict[str, Any] = Field(description="The program to check, as for ProgramCreate.")


class SafetyCheckPublic(BaseModel):
    safe: bool
    report: dict[str, Any]


class SessionCreate(StrictModel):
    notes: str = Field(default="", max_length=5000)


class SessionUpdate(UpdateModel):
    notes: str | None = Field(default=None, max_length=5000)
    ended: bool | None = None


class SessionPublic(RecordPublic):
    device_id: uuid.UUID
    clinician_id: uuid.UUID | None
    started_at: datetime
    ended_at: datetime | None
    notes: str


class DeviceEventCreate(StrictModel):
    kind: str = Field(min_length=1, max_length=64)
    data: dict[str, Any] = Field(default_factory=dict)
    session_id: uuid.UUID | None = None


class DeviceEventPublic(RecordPublic):
    device_id: uuid.UUID
    session_id: uuid.UUID | None
    at: datetime
    kind: str
    data: dict[str, Any]


class ControllerAction(StrEnum):
    """What the patient controller can do (device.md, "Parts": patient controller)."""

    STATUS = "status"
    ON = "on"
    OFF = "off"
    STEP_UP = "step_up"
    STEP_DOWN = "step_down"
    SELECT_GROUP = "select_group"
    ALL_OFF = "all_off"


class ControllerRequest(StrictModel):
    action: ControllerAction
    lead: int | None = Field(default=None, ge=1, description="Region = lead, for on/off/steps.")
    group: str | None = Field(default=None, max_length=64)
    confirm: bool = Field(default=False, description="Required for all_off.")

"""Devices, programs, programming sessions, device events and patient-controller actions.

A program's settings mirror the device's group (``drgstim.device.Group``): per lead the
contacts, the programmed amplitude, the patient maximum, pulse width, frequency and ramp,
each checked on the device grid (``drgstim.device.grid``) here, at the boundary. Whether
the whole program may run on the device (polarity, impedance, compliance, charge) is the
device layer's decision, taken by :mod:`drgstim.api.device_service`.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any, Self

from pydantic import AfterValidator, BaseModel, Field, Strict, model_validator

from drgstim.api.schemas.common import (
    Identifier,
    LeadLevel,
    LeadSide,
    RecordPublic,
    StrictModel,
    UpdateModel,
)
from drgstim.device import DEFAULT_LEAD_MODEL, Polarity, grid
from drgstim.device._data import limit
from drgstim.errors import InputError

__all__ = [
    "MAX_GROUPS",
    "MAX_LEADS",
    "ContactChargePublic",
    "ControllerAction",
    "ControllerGroup",
    "ControllerLead",
    "ControllerRequest",
    "ControllerView",
    "DeviceCreate",
    "DeviceEventCreate",
    "DeviceEventPublic",
    "DeviceKind",
    "DevicePublic",
    "DeviceUpdate",
    "GridParameter",
    "GridPublic",
    "ImpedanceTransfer",
    "LeadInfo",
    "LeadProgram",
    "LeadPublic",
    "ProgramCheck",
    "ProgramCreate",
    "ProgramHistoryEntry",
    "ProgramPublic",
    "ProgramRestore",
    "ProgramSettings",
    "ProgramUpdate",
    "SafetyCheckPublic",
    "SafetyReportPublic",
    "SessionCreate",
    "SessionPublic",
    "SessionUpdate",
]

MAX_LEADS = int(limit("max_leads"))
MAX_GROUPS = int(limit("max_groups"))
CONTACTS = DEFAULT_LEAD_MODEL.contact_count


class DeviceKind(StrEnum):
    IPG = "ipg"
    TRIAL_STIMULATOR = "trial_stimulator"


class LeadInfo(StrictModel):
    """One lead on the generator: its channel, where it lies, its last impedance."""

    lead: int = Field(ge=1, le=MAX_LEADS, description="Channel number on the generator.")
    level: LeadLevel
    side: LeadSide
    impedance_ohm: float | None = Field(
        default=None, gt=0, description="Last measured (or typed) impedance of the lead."
    )


def _distinct_channels(leads: list[LeadInfo] | None) -> list[LeadInfo] | None:
    numbers = [lead.lead for lead in leads or []]
    if len(set(numbers)) != len(numbers):
        raise InputError("leads", numbers, "each channel number once")
    return leads


Leads = Annotated[list[LeadInfo], Field(max_length=MAX_LEADS), AfterValidator(_distinct_channels)]


class DeviceCreate(StrictModel):
    kind: DeviceKind
    serial: Identifier
    leads: Leads = Field(default_factory=list)


class DeviceUpdate(UpdateModel):
    """Leads added, removed or re-measured; every stored program is rechecked."""

    leads: Leads | None = None


class ImpedanceTransfer(StrictModel):
    """A measured impedance, transferred to one lead."""

    lead: int = Field(ge=1, le=MAX_LEADS, description="The device's channel number.")
    impedance_ohm: float = Field(gt=0, allow_inf_nan=False)


class LeadPublic(BaseModel):
    """A stored lead as read back (rows written before today's checks read too)."""

    lead: int
    level: str
    side: str
    impedance_ohm: float | None = None


class DevicePublic(RecordPublic):
    patient_id: uuid.UUID
    kind: str
    serial: str
    leads: list[LeadPublic]
    state: dict[str, Any]


def _on_grid(name: str) -> Any:
    """An integer on the device grid ``name`` (the device's own check and message)."""
    g = grid(name)

    def check(value: int) -> int:
        return g.validate(value)

    return Annotated[
        int,
        Strict(),
        AfterValidator(check),
        Field(
            description=f"{g.describe()} (device grid)",
            json_schema_extra={"minimum": g.minimum, "maximum": g.maximum},
        ),
    ]


Amplitude = _on_grid("amplitude_uA")
PulseWidth = _on_grid("pulse_width_us")
Frequency = _on_grid("frequency_Hz")
Ramp = _on_grid("ramp_s")


class LeadProgram(StrictModel):
    """One lead's settings in a group (``drgstim.device.LeadSettings``). Every lead listed
    is switched on in the group (it needs a cathode and an anode); leads not listed are off.
    """

    lead: int = Field(ge=1, le=MAX_LEADS, description="The device's channel number.")
    contacts: list[Polarity] = Field(
        min_length=CONTACTS,
        max_length=CONTACTS,
        description="Polarity per contact, E1 first: '-' cathode, '+' anode, '0' off.",
    )
    amplitude_uA: Amplitude  # type: ignore[valid-type]
    patient_max_uA: Amplitude = Field(  # type: ignore[valid-type]
        description="The patient controller's ceiling (≥ amplitude; omitted = amplitude)."
    )
    pulse_width_us: PulseWidth  # type: ignore[valid-type]
    frequency_Hz: Frequency  # type: ignore[valid-type]
    ramp_s: Ramp = grid("ramp_s").default  # type: ignore[valid-type]

    @model_validator(mode="before")
    @classmethod
    def _patient_max_defaults_to_amplitude(cls, data: Any) -> Any:
        if isinstance(data, dict) and "patient_max_uA" not in data and "amplitude_uA" in data:
            return {**data, "patient_max_uA": data["amplitude_uA"]}
        return data

    @property
    def contacts_text(self) -> str:
        return "".join(p.value for p in self.contacts)


class ProgramSettings(StrictModel):
    """A group's settings: the leads it uses (one entry per channel)."""

    leads: list[LeadProgram] = Field(min_length=1, max_length=MAX_LEADS)

    @model_validator(mode="after")
    def _one_entry_per_lead(self) -> Self:
        numbers = [lead.lead for lead in self.leads]
        if len(set(numbers)) != len(numbers):
            raise InputError("settings.leads", numbers, "each lead once")
        return self


class ProgramCreate(StrictModel):
    name: str = Field(min_length=1, max_length=64, description="Group name, e.g. Awake.")
    for_patient_use: bool = True
    settings: ProgramSettings


class ProgramUpdate(UpdateModel):
    for_patient_use: bool | None = None
    settings: ProgramSettings | None = None


class ContactChargePublic(BaseModel):
    lead: int
    contact: str = Field(description="The programmer's label, e.g. E1.")
    polarity: Polarity
    charge_uC: float
    density_uC_per_cm2: float
    shannon_k: float | None
    ok: bool


class SafetyReportPublic(BaseModel):
    """The device's verdict per lead, at the programmed amplitude and the patient maximum."""

    errors: list[str] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)
    contacts: list[ContactChargePublic] = Field(default_factory=list)
    disabled: dict[str, str] = Field(
        default_factory=dict,
        description="Leads the device disabled after an impedance change: lead → reason.",
    )


class ProgramPublic(RecordPublic):
    device_id: uuid.UUID
    name: str
    for_patient_use: bool
    settings: ProgramSettings | None = Field(
        description="None if the stored settings no longer validate (save them again)."
    )
    safety: SafetyReportPublic
    deliverable: bool = Field(description="False once the device disabled one of its leads.")


class ProgramCheck(StrictModel):
    settings: ProgramSettings = Field(description="The program to check, as for ProgramCreate.")
    name: str | None = Field(
        default=None, max_length=64, description="The group it would replace, if any."
    )


class SafetyCheckPublic(BaseModel):
    safe: bool
    report: SafetyReportPublic


class ProgramHistoryEntry(BaseModel):
    """One saved version of a program: who saved it, when, and what."""

    audit_id: uuid.UUID
    at: datetime
    actor: str
    action: str
    for_patient_use: bool | None
    settings: ProgramSettings | None


class ProgramRestore(StrictModel):
    audit_id: uuid.UUID = Field(description="The history entry whose settings come back.")
    version: int | None = Field(default=None, ge=1)


class GridParameter(BaseModel):
    name: str
    unit: str
    minimum: int
    maximum: int
    default: int
    values: list[int] = Field(description="Every value the device accepts, ascending.")
    describe: str


class GridPublic(BaseModel):
    """The device grid and lead facts, for programmer pages (read, never copied)."""

    parameters: dict[str, GridParameter]
    contacts_per_lead: int
    contact_labels: list[str]
    polarities: list[Polarity]
    max_leads: int
    max_groups: int
    levels: list[str]
    sides: list[str]


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
    """What the patient controller can do (on/off per region, steps, group, all off and
    restore)."""

    STATUS = "status"
    ON = "on"
    OFF = "off"
    STEP_UP = "step_up"
    STEP_DOWN = "step_down"
    SELECT_GROUP = "select_group"
    ALL_OFF = "all_off"
    RESTORE = "restore"


class ControllerRequest(StrictModel):
    action: ControllerAction
    lead: int | None = Field(
        default=None, ge=1, le=MAX_LEADS, description="Region = lead, for on/off/steps."
    )
    group: str | None = Field(default=None, max_length=64)
    confirm: bool = Field(default=False, description="Required for all_off.")


class ControllerLead(BaseModel):
    lead: int
    region: str
    switched_on: bool = Field(description="The region's own switch (kept through all off).")
    on: bool = Field(description="Whether stimulation reaches this lead now.")
    enabled: bool
    amplitude_uA: int
    max_amplitude_uA: int
    disabled_reason: str | None = None


class ControllerGroup(BaseModel):
    name: str
    available: bool
    reason: str | None = None


class ControllerView(BaseModel):
    """What the patient controller shows."""

    serial: str
    kind: DeviceKind = Field(description="Trial stimulator (external) or implanted generator.")
    connected: bool = Field(default=True, description="The controller reaches the generator.")
    battery: str = Field(
        default="ok",
        description="The generator's battery service state: ok, eri (elective replacement "
        "indicator: replace soon) or eos (end of service: stimulation stopped).",
    )
    battery_years_left: float | None = Field(
        default=None,
        description="The implanted generator's service left at the settings running now "
        "(None for a trial stimulator, whose external battery is replaced).",
    )
    stimulation_on: bool
    group: str
    groups: list[str] = Field(description="Groups the patient may select now.")
    group_status: list[ControllerGroup]
    leads: list[ControllerLead]

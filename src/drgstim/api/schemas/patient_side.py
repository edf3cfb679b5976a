"""Schemas of the patient's side of the pathway: pre-visit checklists and consents."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from pydantic import Field

from drgstim.api.schemas.clinical import Procedure
from drgstim.api.schemas.common import RecordPublic, StrictModel, UpdateModel

__all__ = [
    "ChecklistCreate",
    "ChecklistPublic",
    "ChecklistRegion",
    "ConsentCreate",
    "ConsentPublic",
    "ConsentUpdate",
    "MessageCreate",
    "MessageKind",
    "MessagePublic",
    "MessageUpdate",
]


class ChecklistRegion(StrictModel):
    region: str = Field(min_length=1, max_length=64, description="Body region, e.g. knee.")
    side: str = Field(pattern=r"^(left|right)$")


class ChecklistCreate(StrictModel):
    """What a patient tells the team before the first visit (all optional but the date)."""

    submitted_on: date
    pain_areas: list[ChecklistRegion] = Field(default_factory=list, max_length=64)
    pain_duration_months: int | None = Field(default=None, ge=0, le=1200)
    nrs_average: float | None = Field(default=None, ge=0, le=10)
    nrs_worst: float | None = Field(default=None, ge=0, le=10)
    treatments_tried: list[str] = Field(default_factory=list, max_length=20)
    conditions: list[str] = Field(default_factory=list, max_length=20)
    medications: str = Field(default="", max_length=2000)
    goals: str = Field(default="", max_length=2000)
    questions: str = Field(default="", max_length=4000)


class ChecklistPublic(RecordPublic):
    patient_id: uuid.UUID
    submitted_on: date
    answers: dict[str, Any]


class ConsentCreate(StrictModel):
    procedure: Procedure
    signed_by_name: str = Field(
        min_length=2, max_length=200, description="The name of the person who signs."
    )


class ConsentUpdate(UpdateModel):
    withdrawn: bool | None = Field(default=None, description="true withdraws the consent.")


class ConsentPublic(RecordPublic):
    patient_id: uuid.UUID
    procedure: str
    document: dict[str, Any]
    signed_by_name: str
    recorded_by_id: uuid.UUID | None
    signed_at: datetime
    withdrawn_at: datetime | None


class MessageKind(StrEnum):
    COVERAGE_CHANGED = "coverage_changed"
    NEEDS_HELP = "needs_help"


class MessageCreate(StrictModel):
    kind: MessageKind
    text: str = Field(default="", max_length=2000)


class MessageUpdate(UpdateModel):
    resolved: bool | None = Field(default=None, description="true marks it dealt with.")


class MessagePublic(RecordPublic):
    patient_id: uuid.UUID
    kind: str
    text: str
    resolved_at: datetime | None

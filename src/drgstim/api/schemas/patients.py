"""Patients."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from pydantic import Field

from drgstim.api.schemas.common import Identifier, RecordPublic, StrictModel, UpdateModel

__all__ = ["PatientCreate", "PatientPublic", "PatientUpdate", "Sex", "Stage"]


class Sex(StrEnum):
    FEMALE = "female"
    MALE = "male"
    OTHER = "other"
    UNKNOWN = "unknown"


class Stage(StrEnum):
    """Where the patient is on the pathway (clinical.md, "Pathway")."""

    REFERRED = "referred"
    ASSESSED = "assessed"
    SCREENED = "screened"
    PLANNED = "planned"
    IN_TRIAL = "in_trial"
    TRIAL_REVIEWED = "trial_reviewed"
    IMPLANTED = "implanted"
    FOLLOW_UP = "follow_up"
    EXPLANTED = "explanted"


class PatientCreate(StrictModel):
    mrn: Identifier = Field(description="Medical record number (no control characters).")
    given_name: str = Field(min_length=1, max_length=100)
    family_name: str = Field(min_length=1, max_length=100)
    birth_date: date
    sex: Sex = Sex.UNKNOWN
    stage: Stage = Stage.REFERRED
    notes: str = Field(default="", max_length=10_000)


class PatientUpdate(UpdateModel):
    given_name: str | None = Field(default=None, min_length=1, max_length=100)
    family_name: str | None = Field(default=None, min_length=1, max_length=100)
    birth_date: date | None = None
    sex: Sex | None = None
    stage: Stage | None = None
    notes: str | None = Field(default=None, max_length=10_000)


class PatientPublic(RecordPublic):
    mrn: str
    given_name: str
    family_name: str
    birth_date: date
    sex: Sex
    stage: Stage
    notes: str

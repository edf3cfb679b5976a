"""Assessments, trials, diary entries, reviews, implants, follow-ups and complications.

Ranges are those of the instruments (NRS 0–10, ODI 0–100 %,
PHQ-9 0–27, GAD-7 0–21, PGIC 1–7) and its pathway (trial up to 30 days).
"""

from __future__ import annotations

import uuid
from datetime import date
from enum import StrEnum
from typing import Any

from pydantic import Field

from drgstim.anatomy import Side
from drgstim.api.schemas.common import (
    LeadLevel,
    LeadSide,
    RecordPublic,
    StrictModel,
    UpdateModel,
)
from drgstim.clinic.complications import ComplicationType

__all__ = [
    "AssessmentCreate",
    "AssessmentPublic",
    "AssessmentUpdate",
    "ComplicationCreate",
    "ComplicationPublic",
    "ComplicationUpdate",
    "DiaryCreate",
    "DiaryPublic",
    "DiaryUpdate",
    "FollowUpCreate",
    "FollowUpPublic",
    "FollowUpUpdate",
    "ImplantCreate",
    "ImplantPublic",
    "ImplantUpdate",
    "LeadSite",
    "PainEntryIn",
    "PlanPublic",
    "ReviewCreate",
    "ReviewPublic",
    "Scores",
    "ScreeningPublic",
    "TrialCreate",
    "TrialPublic",
    "TrialUpdate",
]

MAX_TRIAL_DAYS = 30  # clinical.md, pathway step 4: "commonly 3–8, up to 30"
_NRS_TEXT = "Numeric rating scale 0–10 (LOINC 72514-3)."


def _nrs(*, required: bool = False) -> Any:
    if required:
        return Field(ge=0, le=10, description=_NRS_TEXT)
    return Field(default=None, ge=0, le=10, description=_NRS_TEXT)


def _amendment_reason(what: str) -> Any:
    return Field(
        default=None,
        min_length=3,
        max_length=500,
        description=f"Required (clinician or nurse) to correct {what}.",
    )


_AMENDED = "Changed after a trial review used it (the audit log keeps the original)."


class PainEntryIn(StrictModel):
    region: str = Field(min_length=1, max_length=64, description="Body region, e.g. foot_top.")
    side: Side
    intensity: float = Field(ge=0, le=10, description="NRS 0–10 in this region.")


class Scores(StrictModel):
    nrs_average: float | None = _nrs()
    nrs_worst: float | None = _nrs()
    nrs_current: float | None = _nrs()
    odi_pct: float | None = Field(default=None, ge=0, le=100)
    bpi_interference: float | None = Field(default=None, ge=0, le=10)
    pgic: int | None = Field(default=None, ge=1, le=7)
    phq9: int | None = Field(default=None, ge=0, le=27)
    gad7: int | None = Field(default=None, ge=0, le=21)
    pcs: int | None = Field(default=None, ge=0, le=52, description="Pain Catastrophizing Scale.")
    mme_per_day: float | None = Field(default=None, ge=0, le=2000)
    sleep_h: float | None = Field(default=None, ge=0, le=24)


class AssessmentCreate(StrictModel):
    assessed_on: date
    pain_map: list[PainEntryIn] = Field(default_factory=list, max_length=64)
    scores: Scores = Field(default_factory=Scores)
    history: dict[str, Any] = Field(
        default_factory=dict, description="Screening inputs: duration, treatments, risks…"
    )


class AssessmentUpdate(UpdateModel):
    assessed_on: date | None = None
    pain_map: list[PainEntryIn] | None = Field(default=None, max_length=64)
    scores: Scores | None = None
    history: dict[str, Any] | None = None


class AssessmentPublic(RecordPublic):
    patient_id: uuid.UUID
    assessed_on: date
    pain_map: list[dict[str, Any]]
    scores: dict[str, Any]
    history: dict[str, Any]


class ScreeningPublic(RecordPublic):
    assessment_id: uuid.UUID
    outcome: str
    result: dict[str, Any]


class PlanPublic(RecordPublic):
    assessment_id: uuid.UUID
    result: dict[str, Any]


class LeadSite(StrictModel):
    """A lead at one DRG: a level and a side (a DRG is left or right)."""

    level: LeadLevel
    side: LeadSide


class TrialCreate(StrictModel):
    started_on: date
    planned_days: int = Field(default=7, ge=1, le=MAX_TRIAL_DAYS)
    baseline_nrs: float = Field(gt=0, le=10, description="Baseline average NRS (above 0).")
    baseline_mme: float | None = Field(default=None, ge=0, le=2000)
    goals: str = Field(default="", max_length=2000)
    leads: list[LeadSite] = Field(default_factory=list, max_length=4)


class TrialStatus(StrEnum):
    ACTIVE = "active"
    ENDED = "ended"
    ABANDONED = "abandoned"


class TrialUpdate(UpdateModel):
    planned_days: int | None = Field(default=None, ge=1, le=MAX_TRIAL_DAYS)
    baseline_mme: float | None = Field(default=None, ge=0, le=2000)
    status: TrialStatus | None = None
    ended_on: date | None = None
    goals: str | None = Field(default=None, max_length=2000)
    leads: list[LeadSite] | None = Field(default=None, max_length=4)
    amendment_reason: str | None = _amendment_reason(
        "the baseline MME, goals or leads of a reviewed trial"
    )


class TrialPublic(RecordPublic):
    patient_id: uuid.UUID
    started_on: date
    planned_days: int
    baseline_nrs: float
    baseline_mme: float | None
    status: str
    ended_on: date | None
    goals: str
    leads: list[dict[str, Any]]
    amended: bool = Field(default=False, description=_AMENDED)
    amendment_reason: str = ""


class _DiaryValues(StrictModel):
    nrs_worst: float | None = _nrs()
    relief_pct: float | None = Field(default=None, ge=0, le=100)
    sleep_h: float | None = Field(default=None, ge=0, le=24)
    mme: float | None = Field(default=None, ge=0, le=2000, description="Opioid MME per day.")
    activity_minutes: float | None = Field(default=None, ge=0, le=1440)
    steps: int | None = Field(default=None, ge=0, le=200_000)
    pgic: int | None = Field(default=None, ge=1, le=7)
    stim_on: bool = True
    notes: str = Field(default="", max_length=2000)


class DiaryCreate(_DiaryValues):
    """One diary day (the ranges are the clinic layer's ``DiaryEntry``'s)."""

    day: date
    nrs_average: float = _nrs(required=True)


class DiaryUpdate(UpdateModel):
    nrs_average: float | None = _nrs()
    nrs_worst: float | None = _nrs()
    relief_pct: float | None = Field(default=None, ge=0, le=100)
    sleep_h: float | None = Field(default=None, ge=0, le=24)
    mme: float | None = Field(default=None, ge=0, le=2000)
    activity_minutes: float | None = Field(default=None, ge=0, le=1440)
    steps: int | None = Field(default=None, ge=0, le=200_000)
    pgic: int | None = Field(default=None, ge=1, le=7)
    stim_on: bool | None = None
    notes: str | None = Field(default=None, max_length=2000)
    amendment_reason: str | None = _amendment_reason("a diary entry a trial review rests on")


class DiaryPublic(RecordPublic):
    trial_id: uuid.UUID
    day: date
    nrs_average: float
    nrs_worst: float | None
    relief_pct: float | None
    sleep_h: float | None
    mme: float | None
    activity_minutes: float | None
    steps: int | None
    pgic: int | None
    stim_on: bool
    notes: str
    locked_by_review_id: uuid.UUID | None = Field(
        description="The trial review that rests on this entry (then only staff may amend it)."
    )
    amended: bool
    amendment_reason: str


class ReviewCreate(StrictModel):
    """Inputs of a trial review beyond the diary (``drgstim.clinic.review.evaluate_trial``)."""

    criteria: str = Field(default="default", description="default or immpact-moderate.")
    goals_met: bool | None = None
    baseline_activity_minutes: float | None = Field(default=None, ge=0, le=1440)
    baseline_steps: float | None = Field(default=None, ge=0, le=200_000)
    notes: str = Field(default="", max_length=5000)
    decision: str | None = Field(
        default=None,
        max_length=32,
        description="The clinician's decision: proceed_to_implant, do_not_implant or "
        "extend_trial (the trial review's recommendations); any but extend_trial ends the trial.",
    )


class ReviewPublic(RecordPublic):
    trial_id: uuid.UUID
    verdict: str
    result: dict[str, Any]
    notes: str
    rests_on_amended_data: bool = Field(
        description="A diary entry or trial field this review used was amended afterwards "
        "(see the audit log)."
    )
    decision: str | None = None


class Procedure(StrEnum):
    TRIAL = "trial"
    IMPLANT = "implant"
    REVISION = "revision"
    EXPLANT = "explant"


class ImplantCreate(StrictModel):
    procedure: Procedure
    performed_on: date
    levels: list[LeadSite] = Field(default_factory=list, max_length=4)
    notes: str = Field(default="", max_length=5000)


class ImplantUpdate(UpdateModel):
    performed_on: date | None = None
    levels: list[LeadSite] | None = Field(default=None, max_length=4)
    notes: str | None = Field(default=None, max_length=5000)


class ImplantPublic(RecordPublic):
    patient_id: uuid.UUID
    procedure: str
    performed_on: date
    levels: list[dict[str, Any]]
    notes: str


class FollowUpCreate(StrictModel):
    visit_on: date
    month: int = Field(ge=0, le=600, description="Months since implant (1, 3, 6, 12, …).")
    scores: Scores = Field(default_factory=Scores)
    notes: str = Field(default="", max_length=5000)


class FollowUpUpdate(UpdateModel):
    visit_on: date | None = None
    month: int | None = Field(default=None, ge=0, le=600)
    scores: Scores | None = None
    notes: str | None = Field(default=None, max_length=5000)


class FollowUpPublic(RecordPublic):
    patient_id: uuid.UUID
    visit_on: date
    month: int
    scores: dict[str, Any]
    notes: str


# The event taxonomy is the clinic layer's (device.md, "Clinical evidence in numbers").
ComplicationKind = ComplicationType


class Severity(StrEnum):
    MILD = "mild"
    MODERATE = "moderate"
    SEVERE = "severe"


class Management(StrEnum):
    OBSERVATION = "observation"
    MEDICATION = "medication"
    REPROGRAMMING = "reprogramming"
    REVISION = "revision"
    EXPLANT = "explant"


class ComplicationCreate(StrictModel):
    occurred_on: date
    kind: ComplicationKind
    severity: Severity
    management: Management = Management.OBSERVATION
    resolved: bool = False
    notes: str = Field(default="", max_length=5000)


class ComplicationUpdate(UpdateModel):
    severity: Severity | None = None
    management: Management | None = None
    resolved: bool | None = None
    notes: str | None = Field(default=None, max_length=5000)


class ComplicationPublic(RecordPublic):
    patient_id: uuid.UUID
    occurred_on: date
    kind: str
    severity: str
    management: str
    resolved: bool
    notes: str

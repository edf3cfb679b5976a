"""A patient assessment: pain map, pain scores, function, mood, medication, sleep, goals.

Scales and ranges are those of ``shared/spec/clinical.md`` (outcome measures table): NRS
0–10 (LOINC 72514-3), ODI 0–100 %, BPI interference 0–10, PGIC 1–7, PHQ-9 0–27 (LOINC
44249-1), GAD-7 0–21 (LOINC 69737-5), Pain Catastrophizing Scale 0–52, opioid use in
morphine milligram equivalents per day, sleep in hours.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["Assessment", "MeasurableGoal", "NRSScores", "OutcomeScores", "PainSite"]

_FROZEN = ConfigDict(frozen=True, extra="forbid")


class NRSScores(BaseModel):
    """Pain intensity on the 0–10 numeric rating scale (LOINC 72514-3)."""

    model_config = _FROZEN

    average: float | None = Field(default=None, ge=0, le=10)
    worst: float | None = Field(default=None, ge=0, le=10)
    current: float | None = Field(default=None, ge=0, le=10)


class PainSite(BaseModel):
    """One painful region on the body chart (mirrors ``drgstim.anatomy.pain_map.PainEntry``)."""

    model_config = _FROZEN

    region: str = Field(min_length=1, max_length=64)
    side: str = Field(min_length=1, max_length=16)
    intensity: float = Field(ge=0, le=10)
    character: str = Field(default="", max_length=64)


class MeasurableGoal(BaseModel):
    """A goal the patient can check, e.g. "walk 30 minutes" with target 30 (minutes)."""

    model_config = _FROZEN

    description: str = Field(min_length=1, max_length=500)
    target: float | None = None
    unit: str = Field(default="", max_length=32)
    met: bool | None = None


class OutcomeScores(BaseModel):
    """The measures taken at an assessment and again at every follow-up visit."""

    model_config = _FROZEN

    nrs: NRSScores = Field(default_factory=NRSScores)
    odi_pct: float | None = Field(default=None, ge=0, le=100)
    bpi_interference: float | None = Field(default=None, ge=0, le=10)
    pgic: int | None = Field(default=None, ge=1, le=7)
    phq9: int | None = Field(default=None, ge=0, le=27)
    gad7: int | None = Field(default=None, ge=0, le=21)
    pcs: int | None = Field(default=None, ge=0, le=52)
    mme_per_day: float | None = Field(default=None, ge=0, le=2000)
    sleep_hours: float | None = Field(default=None, ge=0, le=24)
    sleep_interruptions: int | None = Field(default=None, ge=0, le=50)
    eq5d_index: float | None = Field(default=None, ge=-1, le=1)


class Assessment(BaseModel):
    """Referral assessment (pathway step 1); its average NRS is the trial's baseline."""

    model_config = _FROZEN

    assessed_on: date
    pain_map: tuple[PainSite, ...] = ()
    scores: OutcomeScores = Field(default_factory=OutcomeScores)
    goals: str = Field(default="", max_length=2000)
    measurable_goals: tuple[MeasurableGoal, ...] = ()

    @property
    def baseline_nrs(self) -> float | None:
        """The average NRS used as the trial's baseline."""
        return self.scores.nrs.average

    def to_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json")

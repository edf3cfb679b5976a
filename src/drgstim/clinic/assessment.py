"""A patient assessment: pain map, pain scores, function, mood, medication, sleep, goals.

Scales and ranges are those of the instruments: NRS 0–10 (LOINC 72514-3), ODI 0–100 %,
BPI interference 0–10, PGIC 1–7 (1 = very much improved), PHQ-9 0–27 (total LOINC
44261-6), GAD-7 0–21 (total LOINC 70274-6), Pain Catastrophizing Scale 0–52, opioid use in
morphine milligram equivalents per day, sleep in hours.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field

if TYPE_CHECKING:
    from drgstim.anatomy.pain_map import PainEntry, PainMap

__all__ = ["Assessment", "MeasurableGoal", "NRSScores", "OutcomeScores", "PainSite"]

_FROZEN = ConfigDict(frozen=True, extra="forbid")


class NRSScores(BaseModel):
    """Pain intensity on the 0–10 numeric rating scale (LOINC 72514-3)."""

    model_config = _FROZEN

    average: float | None = Field(default=None, ge=0, le=10)
    worst: float | None = Field(default=None, ge=0, le=10)
    current: float | None = Field(default=None, ge=0, le=10)


class PainSite(BaseModel):
    """One painful region on the body chart: the plain-data form of the anatomy layer's
    ``PainEntry`` (region, side, intensity, character), so records serialise as JSON."""

    model_config = _FROZEN

    region: str = Field(min_length=1, max_length=64)
    side: str = Field(min_length=1, max_length=16)
    intensity: float = Field(ge=0, le=10)
    character: str = Field(default="", max_length=64)

    @classmethod
    def from_entry(cls, entry: PainEntry) -> PainSite:
        """From the anatomy layer's ``PainEntry`` (validated region and side)."""
        character = "" if entry.character is None else entry.character.value
        return cls(
            region=entry.region.value,
            side=entry.side.value,
            intensity=entry.intensity,
            character=character,
        )

    def to_entry(self) -> PainEntry:
        """As an anatomy ``PainEntry``; an unknown region or side raises InputError."""
        from drgstim.anatomy.pain_map import PainEntry

        return PainEntry.from_dict(self.model_dump())


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

    @staticmethod
    def sites_from(pain_map: PainMap) -> tuple[PainSite, ...]:
        """The anatomy layer's ``PainMap`` as the sites an Assessment stores."""
        return tuple(PainSite.from_entry(e) for e in pain_map.entries)

    def to_pain_map(self) -> PainMap:
        """The stored sites as an anatomy ``PainMap`` (for screening and planning)."""
        from drgstim.anatomy.pain_map import PainMap

        return PainMap(site.to_entry() for site in self.pain_map)

    @property
    def baseline_nrs(self) -> float | None:
        """The average NRS used as the trial's baseline."""
        return self.scores.nrs.average

    def to_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json")

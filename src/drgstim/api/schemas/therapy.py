"""Request bodies of the therapy endpoints (the response bodies are the CLI's JSON)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["CoverageRequest", "LeadIn", "NextRequest", "SuggestRequest", "TrialIn"]


class LeadIn(BaseModel):
    """One placed lead and its program (same fields as ``drgstim therapy coverage``)."""

    model_config = ConfigDict(extra="forbid")
    lead: str = Field(description="LEVEL:SIDE, e.g. L4:left", examples=["L4:left"])
    contacts: str = Field(examples=["-+00"])
    amplitude_uA: int
    pulse_width_us: int = 300
    frequency_Hz: int = 20
    impedance_ohm: float | None = None
    along_mm: float = 0.0
    across_mm: float = 0.0
    surface_gap_mm: float | None = None


class CoverageRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    leads: list[LeadIn] = Field(min_length=1, max_length=4)
    regions: list[str] = Field(default_factory=list, examples=[["knee:left:7"]])
    neurons: int = Field(1000, ge=10, le=5000)
    seed: int = Field(1, ge=0)
    medium: str = "homogeneous"
    check_block: bool = False


class SuggestRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    regions: list[str] = Field(min_length=1, examples=[["knee:left:7"]])
    implanted: list[dict[str, object]] = Field(default_factory=list, max_length=4)
    impedance_ohm: float | None = None
    neurons: int = Field(200, ge=10, le=5000)
    seed: int = Field(1, ge=0)
    limit: int = Field(5, ge=1, le=50)


class TrialIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    contacts: str
    amplitude_uA: int
    pulse_width_us: int
    frequency_Hz: int
    coverage: float = Field(ge=0.0, le=1.0)
    comfort: float = Field(ge=0.0, le=10.0)


class NextRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    trials: list[TrialIn] = Field(min_length=1)
    impedance_ohm: float | None = None
    comfort_min: float = Field(5.0, ge=0.0, le=10.0)

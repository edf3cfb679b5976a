"""Candidacy screening for DRG stimulation (shared/spec/clinical.md).

Rules are data (``data/clinic/screening_rules.json``), each with its source. The result
is eligible / not eligible / needs review and lists every rule that fired. It supports a
clinician and never decides alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from drgstim.anatomy import PainEntry, PainMap
from drgstim.clinic._screening_rules import PREDICATES, load_rules, threshold

__all__ = [
    "Condition",
    "Diagnosis",
    "FiredRule",
    "RuleOutcome",
    "ScreeningInput",
    "ScreeningResult",
    "Treatment",
    "Verdict",
    "screen",
]


class Verdict(StrEnum):
    ELIGIBLE = "eligible"
    NOT_ELIGIBLE = "not_eligible"
    NEEDS_REVIEW = "needs_review"


class RuleOutcome(StrEnum):
    """What a fired rule means: a stop signal, a flag to review, or a met inclusion signal."""

    NOT_ELIGIBLE = "not_eligible"
    NEEDS_REVIEW = "needs_review"
    SUPPORTS = "supports"


class Diagnosis(StrEnum):
    CRPS1 = "crps1"
    CRPS2 = "crps2"
    POST_SURGICAL = "post_surgical"
    POST_HERNIORRHAPHY = "post_herniorrhaphy"
    RADICULOPATHY = "radiculopathy"
    POST_TRAUMATIC = "post_traumatic"
    PHANTOM_LIMB = "phantom_limb"
    PERIPHERAL_NERVE_INJURY = "peripheral_nerve_injury"
    DISCOGENIC_LOW_BACK_PAIN = "discogenic_low_back_pain"
    DIABETIC_NEUROPATHY = "diabetic_neuropathy"
    FIBROMYALGIA = "fibromyalgia"
    OTHER = "other"


class Treatment(StrEnum):
    MEDICATION = "medication"
    NERVE_BLOCK = "nerve_block"
    INJECTION = "injection"
    PHYSIOTHERAPY = "physiotherapy"
    SPINAL_CORD_STIMULATION = "spinal_cord_stimulation"
    SURGERY = "surgery"


class Condition(StrEnum):
    DIABETES = "diabetes"
    ANTICOAGULANT = "anticoagulant"
    IMMUNOSUPPRESSION = "immunosuppression"
    PACEMAKER = "pacemaker"
    PREGNANCY = "pregnancy"
    ACTIVE_INFECTION = "active_infection"
    UNTREATED_STRUCTURAL_CAUSE = "untreated_structural_cause"
    POOR_SURGICAL_CANDIDATE = "poor_surgical_candidate"
    NEEDS_MRI = "needs_mri"
    SUBSTANCE_USE = "substance_use"
    UNABLE_TO_OPERATE = "unable_to_operate"
    LITIGATION = "litigation"


class ScreeningInput(BaseModel):
    """The assessment a screening reads (the ``drgstim screen`` JSON file).

    Unknown keys are refused, so a misspelt field cannot silently drop a risk factor.
    Scores: PHQ-9 0–27, GAD-7 0–21, Pain Catastrophizing Scale 0–52.
    """

    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)

    pain_duration_months: float = Field(ge=0, le=1200)
    pain_map: tuple[PainEntry, ...]
    neuropathic: bool
    diagnoses: tuple[Diagnosis, ...] = ()
    failed_treatments: tuple[Treatment, ...] = ()
    medication_classes_tried: int = Field(ge=0, le=50)
    conditions: tuple[Condition, ...] = ()
    phq9: int | None = Field(default=None, ge=0, le=27)
    gad7: int | None = Field(default=None, ge=0, le=21)
    pcs: int | None = Field(default=None, ge=0, le=52)
    expectations_aligned: bool

    @field_validator("pain_map", mode="before")
    @classmethod
    def _entries(cls, value: Any) -> tuple[PainEntry, ...]:
        if not isinstance(value, list | tuple):
            raise ValueError("a list of {region, side, intensity} entries")
        items = [v if isinstance(v, PainEntry) else PainEntry.from_dict(v) for v in value]
        return PainMap(items).entries

    def pain_map_obj(self) -> PainMap:
        return PainMap(self.pain_map)


@dataclass(frozen=True, slots=True)
class FiredRule:
    id: str
    outcome: RuleOutcome
    reason: str
    source: str

    def to_dict(self) -> dict[str, str]:
        return {"id": self.id, "outcome": self.outcome.value, "reason": self.reason,
                "source": self.source}  # fmt: skip


@dataclass(frozen=True, slots=True)
class ScreeningResult:
    verdict: Verdict
    rules: tuple[FiredRule, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"verdict": self.verdict.value, "rules": [r.to_dict() for r in self.rules]}


def _thresholds() -> dict[str, int]:
    return {name: int(threshold(name)) for name in load_rules()["thresholds"]}


def screen(inp: ScreeningInput) -> ScreeningResult:
    """Apply every rule; the verdict is the most serious outcome among those that fired."""
    doc = load_rules()
    fired: list[FiredRule] = []
    for rule in doc["rules"]:
        facts = PREDICATES[rule["id"]](inp)
        if facts is None:
            continue
        reason = str(rule["reason"]).format(**(_thresholds() | facts))
        source = "; ".join(doc["sources"][k] for k in rule["sources"])
        fired.append(FiredRule(rule["id"], RuleOutcome(rule["outcome"]), reason, source))
    outcomes = {r.outcome for r in fired}
    if RuleOutcome.NOT_ELIGIBLE in outcomes:
        verdict = Verdict.NOT_ELIGIBLE
    elif RuleOutcome.NEEDS_REVIEW in outcomes:
        verdict = Verdict.NEEDS_REVIEW
    else:
        verdict = Verdict.ELIGIBLE
    return ScreeningResult(verdict, tuple(fired))

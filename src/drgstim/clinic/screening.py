"""Candidacy screening for DRG stimulation.

Rules are data (``data/clinic/screening_rules.json``), each with its primary source (the
device labelling, ACCURATE, the NACC and ASRA guidance, the scales' validation papers).
The result is eligible / not eligible / needs review; it lists every rule that fired with
its action and source, the actions that must be done before any trial, and, whenever the
verdict is not "eligible", the alternatives to offer with the reason for each. It supports
a clinician and never decides alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from drgstim.anatomy import PainEntry, PainMap
from drgstim.clinic._screening_rules import PREDICATES, load_rules, threshold

__all__ = [
    "Alternative",
    "Anticoagulant",
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


class Anticoagulant(StrEnum):
    """Antithrombotic drugs with an ASRA 2018 stop/restart interval (screening data)."""

    ASPIRIN_PRIMARY = "aspirin_primary"
    ASPIRIN_SECONDARY = "aspirin_secondary"
    CLOPIDOGREL = "clopidogrel"
    PRASUGREL = "prasugrel"
    TICAGRELOR = "ticagrelor"
    CILOSTAZOL = "cilostazol"
    WARFARIN = "warfarin"
    ACENOCOUMAROL = "acenocoumarol"
    HEPARIN_IV = "heparin_iv"
    HEPARIN_SC = "heparin_sc"
    ENOXAPARIN_PROPHYLACTIC = "enoxaparin_prophylactic"
    ENOXAPARIN_THERAPEUTIC = "enoxaparin_therapeutic"
    DALTEPARIN = "dalteparin"
    FONDAPARINUX = "fondaparinux"
    DABIGATRAN = "dabigatran"
    RIVAROXABAN = "rivaroxaban"
    APIXABAN = "apixaban"
    EDOXABAN = "edoxaban"


class ScreeningInput(BaseModel):
    """The assessment a screening reads (the ``drgstim screen`` JSON file).

    Unknown keys are refused, so a misspelt field cannot silently drop a risk factor.
    Scores: PHQ-9 0–27 (item 9: 0–3), GAD-7 0–21, Pain Catastrophizing Scale 0–52; average
    pain 0–10 NRS (when absent, the pain map's highest intensity stands in); HbA1c in %.
    Age comes from ``birth_date`` on ``assessed_on`` (today when absent).
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
    birth_date: date | None = None
    assessed_on: date | None = None
    pain_average_nrs: float | None = Field(default=None, ge=0, le=10)
    phq9_item9: int | None = Field(default=None, ge=0, le=3)
    active_substance_use: bool = False
    anticoagulants: tuple[Anticoagulant, ...] = ()
    hba1c_pct: float | None = Field(default=None, ge=3, le=20)
    neurological_deficit: bool = Field(
        default=False, description="A new or progressive neurological deficit (red flag)."
    )

    @model_validator(mode="after")
    def _dates(self) -> ScreeningInput:
        if self.birth_date is not None and self.birth_date > self.reference_date:
            raise ValueError(
                f"birth_date {self.birth_date} is after the assessment date "
                f"{self.reference_date}; allowed: a date on or before it"
            )
        return self

    @property
    def reference_date(self) -> date:
        """The day age is counted on: ``assessed_on``, else today."""
        return self.assessed_on or date.today()

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
    """A rule that fired: what it found, what to do, whether that comes before any trial,
    and its source."""

    id: str
    outcome: RuleOutcome
    reason: str
    source: str
    action: str = ""
    before_trial: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "outcome": self.outcome.value, "reason": self.reason,
                "action": self.action, "before_trial": self.before_trial,
                "source": self.source}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Alternative:
    """A therapy to offer instead of (or before) DRG stimulation, with why and its source."""

    id: str
    label: str
    reason: str
    source: str

    def to_dict(self) -> dict[str, str]:
        return {"id": self.id, "label": self.label, "reason": self.reason, "source": self.source}


@dataclass(frozen=True, slots=True)
class ScreeningResult:
    verdict: Verdict
    rules: tuple[FiredRule, ...]
    alternatives: tuple[Alternative, ...] = ()

    @property
    def before_trial(self) -> tuple[FiredRule, ...]:
        """Fired rules whose action is a condition before any trial."""
        return tuple(r for r in self.rules if r.before_trial)

    def to_dict(self) -> dict[str, Any]:
        return {
            "verdict": self.verdict.value,
            "rules": [r.to_dict() for r in self.rules],
            "before_trial": [r.action for r in self.before_trial],
            "alternatives": [a.to_dict() for a in self.alternatives],
        }


def _thresholds() -> dict[str, Any]:
    return {name: f"{threshold(name):g}" for name in load_rules()["thresholds"]}


def _sources(keys: list[str]) -> str:
    return "; ".join(load_rules()["sources"][k] for k in keys)


def _alternatives(fired: list[tuple[dict[str, Any], FiredRule]]) -> tuple[Alternative, ...]:
    """Alternatives named by the rules that stop or hold DRG, each with the first reason."""
    table = load_rules()["alternatives"]
    out: dict[str, Alternative] = {}
    for rule, hit in fired:
        if hit.outcome is RuleOutcome.SUPPORTS:
            continue
        for key in rule.get("alternatives", []):
            if key not in out:
                entry = table[key]
                why = f"{hit.reason} ({hit.id})"
                out[key] = Alternative(key, entry["label"], why, _sources(entry["sources"]))
    return tuple(out.values())


def screen(inp: ScreeningInput) -> ScreeningResult:
    """Apply every rule; the verdict is the most serious outcome among those that fired."""
    doc = load_rules()
    fired: list[tuple[dict[str, Any], FiredRule]] = []
    for rule in doc["rules"]:
        facts = PREDICATES[rule["id"]](inp)
        if facts is None:
            continue
        values = _thresholds() | facts
        reason = str(rule["reason"]).format(**values)
        action = str(rule.get("action", "")).format(**values)
        hit = FiredRule(
            rule["id"], RuleOutcome(rule["outcome"]), reason, _sources(rule["sources"]),
            action, bool(rule.get("before_trial", False)),
        )  # fmt: skip
        fired.append((rule, hit))
    outcomes = {hit.outcome for _, hit in fired}
    if RuleOutcome.NOT_ELIGIBLE in outcomes:
        verdict = Verdict.NOT_ELIGIBLE
    elif RuleOutcome.NEEDS_REVIEW in outcomes:
        verdict = Verdict.NEEDS_REVIEW
    else:
        verdict = Verdict.ELIGIBLE
    alternatives = () if verdict is Verdict.ELIGIBLE else _alternatives(fired)
    return ScreeningResult(verdict, tuple(hit for _, hit in fired), alternatives)

"""The screening rules' data (``data/clinic/screening_rules.json``) and their tests."""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from drgstim.anatomy import LABELLED_RANGE, dermatome_weights

if TYPE_CHECKING:
    from drgstim.clinic.screening import ScreeningInput

__all__ = ["PREDICATES", "RuleFacts", "load_rules", "threshold"]

# Diagnoses that are focal neuropathic pain conditions DRG stimulation treats (spec).
FOCAL_DIAGNOSES = frozenset(
    {"crps1", "crps2", "post_surgical", "post_herniorrhaphy", "radiculopathy", "post_traumatic",
     "phantom_limb", "peripheral_nerve_injury", "discogenic_low_back_pain"}
)  # fmt: skip
_LOWER_BODY_ZONES = frozenset({"axial", "lower_trunk", "lower_limb"})

RuleFacts = dict[str, Any]
"""Values a fired rule's reason text is filled from."""


@cache
def load_rules() -> dict[str, Any]:
    """The screening rules document."""
    path = resources.files("drgstim").joinpath("data", "clinic", "screening_rules.json")
    data: dict[str, Any] = json.loads(path.read_text("utf-8"))
    return data


def threshold(name: str) -> float:
    """A cited threshold, e.g. ``threshold("phq9_review")`` → 10."""
    return float(load_rules()["thresholds"][name]["value"])


def _condition(name: str) -> Callable[[ScreeningInput], RuleFacts | None]:
    def test(inp: ScreeningInput) -> RuleFacts | None:
        return {} if name in inp.conditions else None

    return test


def _score(field: str, limit: str) -> Callable[[ScreeningInput], RuleFacts | None]:
    def test(inp: ScreeningInput) -> RuleFacts | None:
        value = getattr(inp, field)
        if value is None or value < threshold(limit):
            return None
        return {field: value, limit: int(threshold(limit))}

    return test


def _duration(inp: ScreeningInput) -> RuleFacts | None:
    need = threshold("min_pain_duration_months")
    if inp.pain_duration_months >= need:
        return None
    return {"pain_duration_months": inp.pain_duration_months, "min_pain_duration_months": int(need)}


def _no_pain(inp: ScreeningInput) -> RuleFacts | None:
    return None if inp.pain_map_obj().painful else {}


def _widespread(inp: ScreeningInput) -> RuleFacts | None:
    reasons = inp.pain_map_obj().widespread_reasons()
    return {"widespread": "; ".join(reasons)} if reasons else None


def _outside_range(inp: ScreeningInput) -> RuleFacts | None:
    regions = inp.pain_map_obj().regions
    first, last = LABELLED_RANGE
    tops = {r: next(iter(dermatome_weights(r))) for r in regions}
    if not regions or any(first <= top <= last for top in tops.values()):
        return None
    return {"regions": ", ".join(f"{r.value} → {t.value}" for r, t in sorted(tops.items()))}


def _not_neuropathic(inp: ScreeningInput) -> RuleFacts | None:
    return None if inp.neuropathic else {}


def _crps_lower(inp: ScreeningInput) -> RuleFacts | None:
    crps = {"crps1", "crps2"} & set(inp.diagnoses)
    lower = any(r.zone in _LOWER_BODY_ZONES for r in inp.pain_map_obj().regions)
    return {} if crps and lower else None


def _focal(inp: ScreeningInput) -> RuleFacts | None:
    found = sorted(FOCAL_DIAGNOSES & set(inp.diagnoses))
    return {"diagnoses": ", ".join(found)} if found else None


def _no_focal(inp: ScreeningInput) -> RuleFacts | None:
    return None if FOCAL_DIAGNOSES & set(inp.diagnoses) else {}


def _few_classes(inp: ScreeningInput) -> RuleFacts | None:
    need = threshold("min_medication_classes")
    if inp.medication_classes_tried >= need:
        return None
    return {
        "medication_classes_tried": inp.medication_classes_tried,
        "min_medication_classes": int(need),
    }


def _no_failed(inp: ScreeningInput) -> RuleFacts | None:
    return None if inp.failed_treatments else {}


def _expectations(inp: ScreeningInput) -> RuleFacts | None:
    return None if inp.expectations_aligned else {}


PREDICATES: dict[str, Callable[[ScreeningInput], RuleFacts | None]] = {
    "pain_duration_short": _duration,
    "no_pain_mapped": _no_pain,
    "widespread_pain": _widespread,
    "outside_labelled_range": _outside_range,
    "not_neuropathic": _not_neuropathic,
    "crps_lower_limb": _crps_lower,
    "focal_diagnosis": _focal,
    "no_focal_diagnosis": _no_focal,
    "few_medication_classes": _few_classes,
    "no_failed_conservative_treatment": _no_failed,
    "expectations_not_aligned": _expectations,
    "depression": _score("phq9", "phq9_review"),
    "anxiety": _score("gad7", "gad7_review"),
    "catastrophizing": _score("pcs", "pcs_review"),
    **{
        name: _condition(name)
        for name in (
            "untreated_structural_cause", "poor_surgical_candidate", "pregnancy",
            "active_infection", "unable_to_operate", "diabetes", "anticoagulant",
            "immunosuppression", "pacemaker", "needs_mri", "substance_use", "litigation",
        )
    },
}  # fmt: skip
"""Rule id → test; a test returns the facts for the reason when the rule fires, else None."""

"""The screening rules' data (``data/clinic/screening_rules.json``) and their tests."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import cache
from typing import TYPE_CHECKING, Any

from drgstim.anatomy import LABELLED_RANGE, dermatome_weights
from drgstim.datafiles import load_json

if TYPE_CHECKING:
    from drgstim.clinic.screening import ScreeningInput

__all__ = [
    "PREDICATES",
    "RuleFacts",
    "age_years",
    "anticoagulant_plan",
    "load_rules",
    "main_region",
    "threshold",
]

_LOWER_BODY_ZONES = frozenset({"axial", "lower_trunk", "lower_limb"})

RuleFacts = dict[str, Any]
"""Values a fired rule's reason and action texts are filled from."""


@cache
def load_rules() -> dict[str, Any]:
    """The screening rules document."""
    return load_json("clinic", "screening_rules.json")


def threshold(name: str) -> float:
    """A cited threshold, e.g. ``threshold("phq9_review")`` → 10."""
    return float(load_rules()["thresholds"][name]["value"])


def _values(name: str) -> frozenset[str]:
    return frozenset(load_rules()[name]["values"])


def age_years(birth_date: date, on: date) -> int:
    """Completed years of age on ``on`` (a birthday not yet reached this year counts not)."""
    before_birthday = (on.month, on.day) < (birth_date.month, birth_date.day)
    return on.year - birth_date.year - int(before_birthday)


def anticoagulant_plan(drug: str) -> str:
    """The ASRA high-risk stop/restart plan for one drug, e.g. "rivaroxaban: stop 3 days
    before, restart 24 h after"."""
    entry = load_rules()["anticoagulants"]["drugs"][drug]
    return (
        f"{entry['label']}: stop {entry['stop']} before the procedure, restart {entry['restart']} "
        "after it (agree with the prescriber)"
    )


def main_region(inp: ScreeningInput) -> str | None:
    """The most intense painful region (ties: the first entered)."""
    painful = inp.pain_map_obj().painful
    if not painful:
        return None
    return max(painful, key=lambda e: e.intensity).region.value


def _condition(name: str) -> Callable[[ScreeningInput], RuleFacts | None]:
    def test(inp: ScreeningInput) -> RuleFacts | None:
        return {} if name in inp.conditions else None

    return test


def _score(field: str, limit: str) -> Callable[[ScreeningInput], RuleFacts | None]:
    def test(inp: ScreeningInput) -> RuleFacts | None:
        value = getattr(inp, field)
        if value is None or value < threshold(limit):
            return None
        if field == "phq9" and _severe_depression(inp) is not None:
            return None  # the severe rule speaks for it
        return {field: value, limit: int(threshold(limit))}

    return test


def _age(inp: ScreeningInput) -> RuleFacts | None:
    if inp.birth_date is None:
        return None
    years = age_years(inp.birth_date, inp.reference_date)
    if years >= threshold("min_age_years"):
        return None
    return {"age_years": years, "min_age_years": int(threshold("min_age_years"))}


def _duration(inp: ScreeningInput) -> RuleFacts | None:
    need = threshold("min_pain_duration_months")
    if inp.pain_duration_months >= need:
        return None
    return {"pain_duration_months": inp.pain_duration_months, "min_pain_duration_months": int(need)}


def _pain_floor(inp: ScreeningInput) -> RuleFacts | None:
    if inp.pain_average_nrs is not None:
        nrs, origin = inp.pain_average_nrs, "average pain"
    else:
        painful = inp.pain_map_obj().painful
        if not painful:
            return None
        nrs, origin = max(e.intensity for e in painful), "highest intensity on the pain map"
    if nrs >= threshold("min_pain_nrs"):
        return None
    floor = int(threshold("min_pain_nrs"))
    return {"pain_nrs": f"{nrs:g}", "pain_from": origin, "min_pain_nrs": floor}


def _no_pain(inp: ScreeningInput) -> RuleFacts | None:
    return None if inp.pain_map_obj().painful else {}


def _deficit(inp: ScreeningInput) -> RuleFacts | None:
    return {} if inp.neurological_deficit else None


def _fibromyalgia(inp: ScreeningInput) -> RuleFacts | None:
    return {} if "fibromyalgia" in inp.diagnoses else None


def _widespread(inp: ScreeningInput) -> RuleFacts | None:
    reasons = inp.pain_map_obj().widespread_reasons()
    return {"widespread": "; ".join(reasons)} if reasons else None


def _axial(inp: ScreeningInput) -> RuleFacts | None:
    region = main_region(inp)
    axial = region in _values("axial_regions") or "discogenic_low_back_pain" in inp.diagnoses
    if not axial or (region is not None and region not in _values("axial_regions")):
        return None
    return {"region": region}


def _diabetic_pn(inp: ScreeningInput) -> RuleFacts | None:
    return {} if "diabetic_neuropathy" in inp.diagnoses else None


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
    found = sorted(_values("focal_diagnoses") & set(inp.diagnoses))
    return {"diagnoses": ", ".join(found)} if found else None


def _no_focal(inp: ScreeningInput) -> RuleFacts | None:
    return None if _values("focal_diagnoses") & set(inp.diagnoses) else {}


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


def _diabetes(inp: ScreeningInput) -> RuleFacts | None:
    if "diabetes" not in inp.conditions and inp.hba1c_pct is None:
        return None
    text = "" if inp.hba1c_pct is None else f" (HbA1c {inp.hba1c_pct:g} %)"
    return {"hba1c_text": text}


def _hba1c(inp: ScreeningInput) -> RuleFacts | None:
    limit = threshold("hba1c_optimise_pct")
    if inp.hba1c_pct is None or inp.hba1c_pct < limit:
        return None
    return {"hba1c_pct": f"{inp.hba1c_pct:g}", "hba1c_optimise_pct": f"{limit:g}"}


def _anticoagulant(inp: ScreeningInput) -> RuleFacts | None:
    drugs = [d.value for d in inp.anticoagulants]
    if not drugs and "anticoagulant" not in inp.conditions:
        return None
    if not drugs:
        return {
            "drug_text": " (drug not named)",
            "plan": "name the drug to get its stop and restart interval; agree the plan with "
            "the prescriber before the trial",
        }
    labels = load_rules()["anticoagulants"]["drugs"]
    return {
        "drug_text": ": " + ", ".join(labels[d]["label"] for d in drugs),
        "plan": "; ".join(anticoagulant_plan(d) for d in drugs),
    }


def _substance(inp: ScreeningInput) -> RuleFacts | None:
    return {} if inp.active_substance_use or "substance_use" in inp.conditions else None


def _severe_depression(inp: ScreeningInput) -> RuleFacts | None:
    reasons = []
    if inp.phq9 is not None and inp.phq9 >= threshold("phq9_severe"):
        reasons.append(f"PHQ-9 {inp.phq9} >= {int(threshold('phq9_severe'))}: severe depression")
    if inp.phq9_item9:
        reasons.append(f"PHQ-9 item 9 = {inp.phq9_item9}: thoughts of self-harm")
    return {"depression_reason": "; ".join(reasons)} if reasons else None


PREDICATES: dict[str, Callable[[ScreeningInput], RuleFacts | None]] = {
    "age_under_18": _age,
    "pain_duration_short": _duration,
    "pain_below_floor": _pain_floor,
    "no_pain_mapped": _no_pain,
    "neurological_deficit": _deficit,
    "fibromyalgia": _fibromyalgia,
    "widespread_pain": _widespread,
    "axial_back_main": _axial,
    "diabetic_polyneuropathy": _diabetic_pn,
    "outside_labelled_range": _outside_range,
    "not_neuropathic": _not_neuropathic,
    "crps_lower_limb": _crps_lower,
    "focal_diagnosis": _focal,
    "no_focal_diagnosis": _no_focal,
    "few_medication_classes": _few_classes,
    "no_failed_conservative_treatment": _no_failed,
    "expectations_not_aligned": _expectations,
    "diabetes": _diabetes,
    "hba1c_high": _hba1c,
    "anticoagulant": _anticoagulant,
    "substance_use": _substance,
    "severe_depression": _severe_depression,
    "depression": _score("phq9", "phq9_review"),
    "anxiety": _score("gad7", "gad7_review"),
    "catastrophizing": _score("pcs", "pcs_review"),
    **{
        name: _condition(name)
        for name in (
            "untreated_structural_cause", "poor_surgical_candidate", "pregnancy",
            "active_infection", "unable_to_operate", "immunosuppression", "pacemaker",
            "needs_mri", "litigation",
        )
    },
}  # fmt: skip
"""Rule id → test; a test returns the facts for the reason when the rule fires, else None."""

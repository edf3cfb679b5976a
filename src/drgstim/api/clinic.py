"""The service's seam to the clinic and anatomy layers: stored rows in, domain objects
out, their verdicts back as JSON for storage. Static imports and typed functions only; the
device seam is :mod:`drgstim.api.device_service`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from drgstim.anatomy.pain_map import PainMap
from drgstim.clinic import planning, review, screening
from drgstim.clinic import trial as clinic
from drgstim.storage.models import Assessment, DiaryEntry, Patient, Trial

__all__ = [
    "clinic_trial",
    "evaluate_trial",
    "pain_map",
    "plan_assessment",
    "screen_assessment",
]


def clinic_trial(trial: Trial, entries: Sequence[DiaryEntry]) -> clinic.Trial:
    """The stored trial and its diary as ``drgstim.clinic.trial.Trial``."""
    return clinic.Trial(
        start_date=trial.started_on,
        end_date=trial.ended_on,
        lead_levels=tuple(clinic.LeadLevel(**lead) for lead in trial.leads),
        goals=trial.goals,
        entries=tuple(
            clinic.DiaryEntry(
                date=e.day,
                nrs_average=e.nrs_average,
                nrs_worst=e.nrs_worst,
                relief_pct=e.relief_pct,
                mme=e.mme,
                sleep_hours=e.sleep_h,
                activity_minutes=e.activity_minutes,
                steps=e.steps,
                pgic=e.pgic,
                stim_on=e.stim_on,
                notes=e.notes,
            )
            for e in entries
        ),
    )


def evaluate_trial(
    trial: Trial,
    entries: Sequence[DiaryEntry],
    *,
    criteria: str = "default",
    goals_met: bool | None = None,
    baseline_activity_minutes: float | None = None,
    baseline_steps: float | None = None,
) -> dict[str, Any]:
    """``drgstim.clinic.review.evaluate_trial`` on the stored trial; its JSON (to_dict)."""
    result = review.evaluate_trial(
        clinic_trial(trial, entries),
        baseline_nrs=trial.baseline_nrs,
        criteria=review.SuccessCriteria.named(criteria),
        baseline_mme=trial.baseline_mme,
        baseline_activity_minutes=baseline_activity_minutes,
        baseline_steps=baseline_steps,
        goals_met=goals_met,
    )
    return result.to_dict()


_SCREENING_HISTORY = (
    "pain_duration_months",
    "neuropathic",
    "diagnoses",
    "failed_treatments",
    "medication_classes_tried",
    "conditions",
    "expectations_aligned",
    "phq9_item9",
    "active_substance_use",
    "anticoagulants",
    "hba1c_pct",
    "neurological_deficit",
)
_SCREENING_SCORES = ("phq9", "gad7", "pcs")


def pain_map(entries: list[Any]) -> PainMap:
    """The stored pain map as ``drgstim.anatomy.pain_map.PainMap`` (InputError if a region
    or side is unknown)."""
    return PainMap.from_dict(entries)


def screen_assessment(patient: Patient, assessment: Assessment) -> tuple[str, dict[str, Any]]:
    """``drgstim.clinic.screening.screen`` on a stored assessment: (verdict, result JSON).

    The screening inputs are the assessment's ``history`` (pain_duration_months,
    neuropathic, diagnoses, failed_treatments, medication_classes_tried, conditions,
    expectations_aligned, and optionally phq9_item9, active_substance_use, anticoagulants,
    hba1c_pct, neurological_deficit), its PHQ-9 / GAD-7 / PCS scores and average NRS, its
    pain map, the patient's birth date and the assessment date (age); a missing input is a
    422 naming it."""
    history = assessment.history
    data: dict[str, Any] = {k: history[k] for k in _SCREENING_HISTORY if k in history}
    data |= {k: assessment.scores[k] for k in _SCREENING_SCORES if k in assessment.scores}
    data["pain_map"] = list(assessment.pain_map)
    if assessment.scores.get("nrs_average") is not None:
        data["pain_average_nrs"] = assessment.scores["nrs_average"]
    data["birth_date"] = patient.birth_date
    data["assessed_on"] = assessment.assessed_on
    result = screening.screen(screening.ScreeningInput.model_validate(data)).to_dict()
    return str(result["verdict"]), dict(result)


def plan_assessment(assessment: Assessment) -> dict[str, Any]:
    """``drgstim.clinic.planning.plan_targets`` on the stored pain map: the plan as JSON."""
    return planning.plan_targets(pain_map(assessment.pain_map)).to_dict()

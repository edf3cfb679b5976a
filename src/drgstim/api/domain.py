"""Adapters from stored rows to the domain layers' objects and back.

Routes stay thin: they load rows, call one function here, and store what comes back. A
domain module that is not installed in this build makes the endpoint answer 503 with the
module's name (:class:`DomainUnavailableError`), never a guess.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from types import ModuleType
from typing import Any

from drgstim.storage.models import Assessment, Device, DiaryEntry, Patient, Program, Trial

__all__ = [
    "DomainUnavailableError",
    "check_program",
    "clinic_trial",
    "controller_action",
    "domain_module",
    "evaluate_trial",
    "pain_map",
    "plan_assessment",
    "screen_assessment",
]


class DomainUnavailableError(RuntimeError):
    """A domain module this endpoint needs is not available."""

    def __init__(self, module: str, what: str) -> None:
        self.module = module
        super().__init__(f"{what} needs {module}, which is not available in this build")


def domain_module(name: str, what: str) -> ModuleType:
    """Import a domain module, or raise :class:`DomainUnavailableError`."""
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name and name.startswith(exc.name):
            raise DomainUnavailableError(name, what) from exc
        raise


def clinic_trial(trial: Trial, entries: Sequence[DiaryEntry]) -> Any:
    t = domain_module("drgstim.clinic.trial", "a trial review")
    return t.Trial(
        start_date=trial.started_on,
        end_date=trial.ended_on,
        lead_levels=tuple(t.LeadLevel(**lead) for lead in trial.leads),
        goals=trial.goals,
        entries=tuple(
            t.DiaryEntry(
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
    review = domain_module("drgstim.clinic.review", "a trial review")
    result = review.evaluate_trial(
        clinic_trial(trial, entries),
        baseline_nrs=trial.baseline_nrs,
        criteria=review.SuccessCriteria.named(criteria),
        baseline_mme=trial.baseline_mme,
        baseline_activity_minutes=baseline_activity_minutes,
        baseline_steps=baseline_steps,
        goals_met=goals_met,
    )
    data: dict[str, Any] = result.to_dict()
    return data


def check_program(device: Device, settings: dict[str, Any]) -> dict[str, Any]:
    """The device layer's safety check of a program on ``device`` (every used lead):
    ``{"safe": bool, "report": {"errors", "warnings", "contacts", "leads"}}``."""
    from drgstim.api.device_adapter import check_device_program

    return check_device_program(device, settings)


def controller_action(
    device: Device, programs: Sequence[Program], request: dict[str, Any], *, who: str
) -> tuple[dict[str, Any], dict[str, Any], list[dict[str, Any]]]:
    """A patient-controller action with ``drgstim.device.PatientController``: (what the
    controller shows, the state to store on the device, the device events)."""
    from drgstim.api.device_adapter import run_controller

    return run_controller(device, programs, request, who=who)


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


def pain_map(entries: list[Any]) -> Any:
    """The stored pain map as ``drgstim.anatomy.pain_map.PainMap`` (InputError if a region
    or side is unknown)."""
    module = domain_module("drgstim.anatomy.pain_map", "pain maps")
    return module.PainMap.from_dict(entries)


def screen_assessment(patient: Patient, assessment: Assessment) -> tuple[str, dict[str, Any]]:
    """``drgstim.clinic.screening.screen`` on a stored assessment: (verdict, result JSON).

    The screening inputs are the assessment's ``history`` (pain_duration_months,
    neuropathic, diagnoses, failed_treatments, medication_classes_tried, conditions,
    expectations_aligned, and optionally phq9_item9, active_substance_use, anticoagulants,
    hba1c_pct, neurological_deficit), its PHQ-9 / GAD-7 / PCS scores and average NRS, its
    pain map, the patient's birth date and the assessment date (age); a missing input is a
    422 naming it."""
    screening = domain_module("drgstim.clinic.screening", "candidacy screening")
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
    planning = domain_module("drgstim.clinic.planning", "target planning")
    plan: dict[str, Any] = planning.plan_targets(pain_map(assessment.pain_map)).to_dict()
    return plan

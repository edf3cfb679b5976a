"""What a payer needs on a trial or follow-up report beyond the diary and its review.

:class:`ReportDetails` holds it (patient identity and date of birth, clinician and clinic,
referring clinician, billable diagnosis, leads and program, adverse events, baseline and
end-of-trial scores, goals, decision and plan). :func:`payer_sections` turns it, with the
review, into the report's sections, the one list both the HTML and the PDF render, so the
two always carry the same content. A missing item is shown as "not recorded", never
dropped, so a reader sees what is absent.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from drgstim.clinic._outcomes_data import load
from drgstim.clinic.assessment import MeasurableGoal, OutcomeScores
from drgstim.clinic.complications import Complication
from drgstim.clinic.review import TrialReview
from drgstim.clinic.trial import LeadLevel, Trial

__all__ = ["Diagnosis", "ReportDetails", "Section", "payer_sections"]

_FROZEN = ConfigDict(frozen=True, extra="forbid")
NOT_RECORDED = "not recorded"


class Diagnosis(BaseModel):
    """The diagnosis billed for, as a billable ICD-10-CM code."""

    model_config = _FROZEN

    code: str = Field(min_length=3, max_length=10)
    display: str = Field(default="", max_length=256)

    @field_validator("code")
    @classmethod
    def _billable(cls, value: str) -> str:
        parents: dict[str, dict[str, str]] = load("codes")["billable"]["parents"]
        kids = parents.get(value.strip().upper())
        if kids is not None:
            options = ", ".join(f"{v} ({k})" for k, v in kids.items())
            raise ValueError(f"{value} is a non-billable ICD-10-CM category; use {options}")
        return value.strip().upper()


class ReportDetails(BaseModel):
    """The clinical and administrative details of a trial or follow-up report."""

    model_config = _FROZEN

    patient_name: str = Field(default="", max_length=200)
    patient_id: str = Field(default="", max_length=64)
    birth_date: date | None = None
    clinician: str = Field(default="", max_length=200)
    clinic: str = Field(default="", max_length=300)
    referring_clinician: str = Field(default="", max_length=300)
    diagnosis: Diagnosis | None = None
    trial_start: date | None = None
    trial_end: date | None = None
    leads: tuple[LeadLevel, ...] = Field(default=(), max_length=4)
    program: str = Field(default="", max_length=500, description="e.g. 'L5 left: 800 µA, ...'")
    adverse_events: tuple[Complication, ...] = ()
    baseline: OutcomeScores = Field(default_factory=OutcomeScores)
    end_of_trial: OutcomeScores = Field(default_factory=OutcomeScores)
    goals: tuple[MeasurableGoal, ...] = ()
    decision: str = Field(default="", max_length=500)
    plan: str = Field(default="", max_length=2000)


Section = dict[str, Any]
"""``{"title": str, "rows": [[label, value], ...]}`` or ``{"title", "table": {...}}``."""


def _v(value: object, unit: str = "") -> str:
    if value is None or value == "" or value == ():
        return NOT_RECORDED
    return f"{value:g}{unit}" if isinstance(value, float) else f"{value}{unit}"


def _with_trial(d: ReportDetails, trial: Trial | None) -> ReportDetails:
    """Trial dates and leads from the trial when the details leave them out."""
    if trial is None:
        return d
    update: dict[str, Any] = {}
    if d.trial_start is None:
        update["trial_start"] = trial.start_date
    if d.trial_end is None and trial.end_date is not None:
        update["trial_end"] = trial.end_date
    if not d.leads and trial.lead_levels:
        update["leads"] = trial.lead_levels
    return d.model_copy(update=update) if update else d


def _scores_table(d: ReportDetails, review: TrialReview | None) -> Section:
    rows = []
    for label, name, unit in (
        ("ODI (disability)", "odi_pct", " %"),
        ("BPI interference", "bpi_interference", ""),
        ("PGIC (1 = very much improved … 7 = very much worse)", "pgic", ""),
        ("Opioid use", "mme_per_day", " MME/day"),
        ("Sleep", "sleep_hours", " h"),
        ("PHQ-9", "phq9", ""),
    ):
        rows.append([label, _v(getattr(d.baseline, name), unit),
                     _v(getattr(d.end_of_trial, name), unit)])  # fmt: skip
    base_nrs = d.baseline.nrs.average or (review.baseline_nrs if review else None)
    end_nrs = d.end_of_trial.nrs.average or (review.trial_mean_nrs if review else None)
    rows.insert(0, ["Average pain (NRS 0-10)", _v(base_nrs), _v(end_nrs)])
    return {"title": "Baseline and end of trial",
            "table": {"header": ["Measure", "Baseline", "End of trial"], "rows": rows}}  # fmt: skip


def payer_sections(
    details: ReportDetails | None, review: TrialReview | None, *, trial: Trial | None = None
) -> list[Section]:
    """The report's payer-facing sections, in order, every one present."""
    d = _with_trial(details or ReportDetails(), trial)
    dx = f"{d.diagnosis.code} {d.diagnosis.display}".strip() if d.diagnosis else None
    leads = ", ".join(f"{x.level} {x.side}" for x in d.leads)
    events = [
        [c.label, c.occurred_on.isoformat(), c.severity.value, c.action.value,
         c.resolved_on.isoformat() if c.resolved_on else "open"]
        for c in d.adverse_events
    ]  # fmt: skip
    goals = [
        [g.description, _v(g.target, f" {g.unit}" if g.unit else ""),
         {True: "met", False: "not met", None: NOT_RECORDED}[g.met]]
        for g in d.goals
    ]  # fmt: skip
    decision = d.decision or (review.recommendation_text if review else "")
    sections: list[Section] = [
        {"title": "Patient and care team", "rows": [
            ["Patient", _v(d.patient_name)], ["Patient id", _v(d.patient_id)],
            ["Date of birth", _v(d.birth_date)], ["Clinician", _v(d.clinician)],
            ["Clinic", _v(d.clinic)], ["Referring clinician", _v(d.referring_clinician)]]},
        {"title": "Diagnosis (ICD-10-CM)", "rows": [["Diagnosis", _v(dx)]]},
        {"title": "Trial and leads", "rows": [
            ["Trial dates", f"{_v(d.trial_start)} to {_v(d.trial_end)}"],
            ["Levels and leads", _v(leads)], ["Program used", _v(d.program)]]},
        {"title": "Adverse events", "table": {
            "header": ["Event", "Date", "Severity", "Action", "Resolved"], "rows": events},
         "empty": "No adverse event recorded."},
        _scores_table(d, review),
        {"title": "Patient's goals", "table": {
            "header": ["Goal", "Target", "Result"], "rows": goals},
         "empty": "No measurable goal recorded."},
        {"title": "Decision and plan", "rows": [
            ["Decision", _v(decision)], ["Plan", _v(d.plan)]]},
        {"title": "Signature", "rows": [
            ["Clinician", _v(d.clinician)], ["Signature", "______________________________"],
            ["Date", "____________"]]},
    ]  # fmt: skip
    return [{"rows": [], "table": None, "empty": ""} | sec for sec in sections]

"""Plain-language sentences shared by the HTML and PDF reports."""

from __future__ import annotations

from typing import Any

from drgstim.clinic._outcomes_data import value
from drgstim.clinic.complications import summarise_complications
from drgstim.clinic.outcomes import PatientRecord, ResponderPoint, responder_status
from drgstim.clinic.review import TrialReview, Verdict

__all__ = ["DISCLAIMER", "followup_context", "trial_context", "trial_summary"]

DISCLAIMER = (
    "This report summarises recorded data to support a discussion between the patient and "
    "the care team. It does not replace the clinician's judgement."
)
_VERDICT_TITLE = {
    Verdict.SUCCESS: "Trial successful",
    Verdict.FAILURE: "Trial not successful",
    Verdict.NEEDS_REVIEW: "Pain target met, but something clearly worsened: needs review",
    Verdict.INSUFFICIENT_DATA: "Not enough diary data to judge the trial",
}
_MET = {True: "met", False: "not met", None: "not assessed"}


_TITLES = {
    "primary_nrs_reduction": "Pain reduced by the success target (primary)",
    "moderate_nrs_reduction": "Pain reduced by a moderate amount (IMMPACT)",
    "pgic_improved": "Patient feels much or very much improved (PGIC 1-2 of 7)",
    "sleep_improved": "More sleep",
    "functional_gain": "More daily activity",
    "medication_reduction": "Less opioid medication",
    "goals_met": "Patient's goals met",
}


def _criterion_title(name: str) -> str:
    return _TITLES.get(name, name.replace("_", " ").capitalize())


def trial_summary(review: TrialReview) -> list[str]:
    """Three to four short sentences a patient can read."""
    out = [f"Before the trial, your average pain was {review.baseline_nrs:g} out of 10."]
    if review.trial_mean_nrs is None or review.reduction_pct is None:
        out.append("No diary day could be used to measure pain during the trial.")
    else:
        change = "lower" if review.reduction_pct >= 0 else "higher"
        out.append(
            f"Over {review.evaluable_days} diary days with stimulation it averaged "
            f"{review.trial_mean_nrs:.1f}, which is {abs(review.reduction_pct):.0f} % {change}."
        )
    goal = 100 - round(review.threshold_nrs / review.baseline_nrs * 100)
    if review.verdict is Verdict.SUCCESS:
        out.append(f"This meets the usual success target: at least {goal} % less pain.")
    elif review.verdict is Verdict.FAILURE:
        out.append(f"This is short of the usual success target of {goal} % less pain.")
    elif review.verdict is Verdict.NEEDS_REVIEW:
        out.append(
            f"Pain fell by the usual target ({goal} %), but this was not a clear success: "
            + "; ".join(review.review_reasons)
            + "."
        )
    else:
        out.append("There were too few usable diary days to say whether the trial worked.")
    out.append(review.recommendation_text)
    return out


def trial_context(review: TrialReview, *, patient: str) -> dict[str, Any]:
    """Everything the trial templates show."""
    return {
        "patient": patient,
        "title": _VERDICT_TITLE[review.verdict],
        "verdict": review.verdict.value,
        "summary": trial_summary(review),
        "criteria": [
            {"name": _criterion_title(c.name), "met": _MET[c.met], "detail": c.detail}
            for c in review.criteria
        ],
        "flags": [f.message for f in review.flags],
        "review": review,
        "disclaimer": DISCLAIMER,
    }


def _latest_sentence(point: ResponderPoint | None, baseline: float) -> str:
    if point is None or point.nrs_average is None or point.reduction_pct is None:
        return "No follow-up pain score has been recorded yet."
    status = (
        "a responder (at least 50 % less pain)"
        if point.responder
        else "not a responder (less than 50 % pain relief)"
    )
    return (
        f"At the latest visit ({point.month} months after implant) average pain was "
        f"{point.nrs_average:g} out of 10, {point.reduction_pct:.0f} % lower than the "
        f"{baseline:g} before treatment: {status}."
    )


def _visit_rows(points: list[ResponderPoint], visits: list[Any]) -> list[dict[str, Any]]:
    """One table row per visit (points and visits in the same date order)."""
    return [
        {
            "month": p.month,
            "date": p.visit_on.isoformat(),
            "nrs": p.nrs_average,
            "reduction": p.reduction_pct,
            "responder": {True: "yes", False: "no", None: "—"}[p.responder],
            "odi": v.scores.odi_pct,
            "pgic": v.scores.pgic,
            "mme": v.scores.mme_per_day,
        }
        for p, v in zip(points, visits, strict=True)
    ]


def _complication_rows(record: PatientRecord) -> list[dict[str, str]]:
    return [
        {
            "label": c.label,
            "date": c.occurred_on.isoformat(),
            "severity": c.severity.value,
            "action": c.action.value,
            "resolved": c.resolved_on.isoformat() if c.resolved_on else "open",
        }
        for c in record.complications
    ]


def followup_context(record: PatientRecord) -> dict[str, Any]:
    """Everything the follow-up templates show (raises when no baseline is known)."""
    baseline = record.baseline_nrs
    if baseline is None:
        from drgstim.errors import InputError

        raise InputError("baseline_nrs", None, "a trial or an assessment with an average NRS")
    odi_base = next(
        (a.scores.odi_pct for a in record.assessments if a.scores.odi_pct is not None), None
    )
    pct: float = value("visit_schedule", "responder_reduction_pct")
    points = responder_status(record.follow_ups, baseline_nrs=baseline, baseline_odi_pct=odi_base)
    rows = _visit_rows(points, sorted(record.follow_ups, key=lambda v: v.visit_on))
    name = " ".join((*record.patient.given_names, record.patient.family_name)).strip()
    implant = record.implant
    return {
        "patient": name or record.patient.patient_id,
        "patient_id": record.patient.patient_id,
        "baseline": baseline,
        "threshold": round(baseline * (1 - pct / 100.0), 9),
        "odi_baseline": odi_base,
        "implant": implant,
        "levels": ", ".join(f"{lead.level} {lead.side}" for lead in implant.leads)
        if implant
        else "",
        "summary": [_latest_sentence(points[-1] if points else None, baseline)],
        "points": points,
        "rows": rows,
        "complications": _complication_rows(record),
        "complication_summary": summarise_complications(record.complications),
        "sessions": [
            {"date": s.date.isoformat(), "description": s.description}
            for s in record.programming_sessions
        ],
        "disclaimer": DISCLAIMER,
    }

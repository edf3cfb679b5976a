"""A patient's stored rows as the clinic layer's ``PatientRecord`` (for FHIR and reports)."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from drgstim.api.clinic import clinic_trial
from drgstim.clinic import assessment, complications, outcomes
from drgstim.clinic import review as review_mod
from drgstim.storage.models import (
    Assessment,
    Complication,
    Device,
    DiaryEntry,
    FollowUp,
    Implant,
    Patient,
    Program,
    ProgrammingSession,
    Trial,
    TrialReview,
)

__all__ = ["patient_record"]

_ID = re.compile(r"^[A-Za-z0-9\-.]{1,64}$")
# The API records how a complication was managed; the clinic layer records the action.
_ACTION = {"observation": "none", "medication": "none"}


def _scores(scores: dict[str, Any]) -> assessment.OutcomeScores:
    return assessment.OutcomeScores(
        nrs=assessment.NRSScores(
            average=scores.get("nrs_average"),
            worst=scores.get("nrs_worst"),
            current=scores.get("nrs_current"),
        ),
        odi_pct=scores.get("odi_pct"),
        bpi_interference=scores.get("bpi_interference"),
        pgic=scores.get("pgic"),
        phq9=scores.get("phq9"),
        gad7=scores.get("gad7"),
        pcs=scores.get("pcs"),
        mme_per_day=scores.get("mme_per_day"),
        sleep_hours=scores.get("sleep_h"),
    )


def _rows(db: Session, model: type[Any], column: Any, value: Any, order: Any) -> list[Any]:
    return list(db.scalars(select(model).where(column == value).order_by(order)))


def _trials(db: Session, patient: Patient) -> tuple[outcomes.TrialRecord, ...]:
    out = []
    for trial in _rows(db, Trial, Trial.patient_id, patient.id, Trial.started_on):
        entries = _rows(db, DiaryEntry, DiaryEntry.trial_id, trial.id, DiaryEntry.day)
        reviews = _rows(db, TrialReview, TrialReview.trial_id, trial.id, TrialReview.created_at)
        review = review_mod.TrialReview.model_validate(reviews[-1].result) if reviews else None
        out.append(
            outcomes.TrialRecord(
                trial=clinic_trial(trial, entries), baseline_nrs=trial.baseline_nrs, review=review
            )
        )
    return tuple(out)


def _device(db: Session, patient: Patient) -> outcomes.DeviceInfo | None:
    devices = _rows(db, Device, Device.patient_id, patient.id, Device.created_at)
    ipgs = [d for d in devices if d.kind == "ipg"] or devices
    if not ipgs:
        return None
    device = ipgs[-1]
    programs = _rows(db, Program, Program.device_id, device.id, Program.updated_at)
    return outcomes.DeviceInfo(
        generator_serial=device.serial,
        program=programs[-1].settings if programs else {},
    )


def patient_record(db: Session, patient: Patient) -> outcomes.PatientRecord:
    """``drgstim.clinic.outcomes.PatientRecord`` built from everything stored for ``patient``."""
    pid = patient.mrn if _ID.match(patient.mrn) else str(patient.id)
    assessments = _rows(db, Assessment, Assessment.patient_id, patient.id, Assessment.assessed_on)
    implants = _rows(db, Implant, Implant.patient_id, patient.id, Implant.performed_on)
    visits = _rows(db, FollowUp, FollowUp.patient_id, patient.id, FollowUp.visit_on)
    events = _rows(db, Complication, Complication.patient_id, patient.id, Complication.occurred_on)
    devices = _rows(db, Device, Device.patient_id, patient.id, Device.created_at)
    sessions = [
        s
        for d in devices
        for s in _rows(
            db,
            ProgrammingSession,
            ProgrammingSession.device_id,
            d.id,
            ProgrammingSession.started_at,
        )
    ]
    return outcomes.PatientRecord(
        patient=outcomes.Demographics(
            patient_id=pid,
            family_name=patient.family_name,
            given_names=(patient.given_name,),
            birth_date=patient.birth_date,
            sex=patient.sex,
        ),
        assessments=tuple(
            assessment.Assessment(
                assessed_on=a.assessed_on,
                pain_map=tuple(
                    assessment.PainSite(
                        region=p["region"], side=p["side"], intensity=p["intensity"]
                    )
                    for p in a.pain_map
                ),
                scores=_scores(a.scores),
            )
            for a in assessments
        ),
        trials=_trials(db, patient),
        procedures=tuple(
            outcomes.ImplantProcedure(
                performed_on=i.performed_on,
                kind=i.procedure,
                leads=tuple(
                    outcomes.ImplantedLead(level=x["level"], side=x["side"]) for x in i.levels
                ),
                notes=i.notes,
            )
            for i in implants
        ),
        follow_ups=tuple(
            outcomes.FollowUpVisit(
                visit_on=v.visit_on,
                month=v.month,
                scores=_scores(v.scores),
                notes=v.notes,
            )
            for v in visits
        ),
        programming_sessions=tuple(
            outcomes.ProgrammingSession(date=s.started_at.date(), description=s.notes[:2000])
            for s in sessions
        ),
        complications=tuple(
            complications.Complication(
                type=c.kind,
                occurred_on=c.occurred_on,
                severity=c.severity,
                action=_ACTION.get(c.management, c.management),
                description=c.notes[:2000],
            )
            for c in events
        ),
        device=_device(db, patient),
    )

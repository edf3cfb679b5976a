"""Exports: a patient's FHIR R4 bundle (staff) and reports as HTML or PDF (staff, and a
patient for their own)."""

from __future__ import annotations

import uuid
from enum import StrEnum
from typing import Any

from fastapi import APIRouter, Response
from fastapi.responses import JSONResponse
from sqlalchemy import select

from drgstim.api.clinic import clinic_trial, evaluate_trial
from drgstim.api.crud import STAFF, load_for
from drgstim.api.deps import CurrentUser, SessionDep
from drgstim.api.records import patient_record
from drgstim.clinic.fhir import export_fhir_bundle
from drgstim.clinic.reports import render_followup_report, render_trial_report
from drgstim.clinic.review import TrialReview as ClinicReview
from drgstim.storage.models import DiaryEntry, Patient, Trial, TrialReview

__all__ = ["router"]

router = APIRouter(tags=["exports"])


@router.get("/patients/{patient_id}/fhir", response_class=JSONResponse)
def fhir_bundle(patient_id: uuid.UUID, db: SessionDep, user: CurrentUser) -> JSONResponse:
    """The patient's whole record as a FHIR R4 ``collection`` Bundle (staff only)."""
    patient = load_for(db, user, Patient, patient_id, roles=STAFF)
    bundle: dict[str, Any] = export_fhir_bundle(patient_record(db, patient))
    filename = f"drgstim-{patient.mrn}-fhir.json".replace('"', "")
    return JSONResponse(
        bundle,
        media_type="application/fhir+json",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


class ReportFormat(StrEnum):
    HTML = "html"
    PDF = "pdf"


_MEDIA = {ReportFormat.HTML: "text/html; charset=utf-8", ReportFormat.PDF: "application/pdf"}


def _download(data: bytes, fmt: ReportFormat, stem: str) -> Response:
    disposition = "inline" if fmt is ReportFormat.HTML else "attachment"
    return Response(
        data,
        media_type=_MEDIA[fmt],
        headers={"Content-Disposition": f'{disposition}; filename="{stem}.{fmt.value}"'},
    )


def _safe(text: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in text)


@router.get("/trials/{trial_id}/report", response_class=Response)
def trial_report(
    trial_id: uuid.UUID,
    db: SessionDep,
    user: CurrentUser,
    format: ReportFormat = ReportFormat.HTML,
) -> Response:
    """The trial report (summary, NRS chart against baseline and the 50 % line, criteria):
    the latest stored review, or the diary's evaluation now if none was recorded."""
    trial: Trial = load_for(db, user, Trial, trial_id, roles=STAFF, patient_allowed=True)
    patient = db.get(Patient, trial.patient_id)
    assert patient is not None  # foreign key
    entries = list(
        db.scalars(
            select(DiaryEntry).where(DiaryEntry.trial_id == trial.id).order_by(DiaryEntry.day)
        )
    )
    stored = db.scalars(
        select(TrialReview)
        .where(TrialReview.trial_id == trial.id)
        .order_by(TrialReview.created_at.desc())
    ).first()
    result = stored.result if stored is not None else evaluate_trial(trial, entries)
    data = render_trial_report(
        clinic_trial(trial, entries),
        ClinicReview.model_validate(result),
        patient=f"{patient.given_name} {patient.family_name}",
        fmt=format.value,
    )
    return _download(data, format, _safe(f"trial-report-{patient.mrn}-{trial.started_on}"))


@router.get("/patients/{patient_id}/report", response_class=Response)
def followup_report(
    patient_id: uuid.UUID,
    db: SessionDep,
    user: CurrentUser,
    format: ReportFormat = ReportFormat.HTML,
) -> Response:
    """The follow-up report: outcomes over time, responder status, complications."""
    patient: Patient = load_for(db, user, Patient, patient_id, roles=STAFF, patient_allowed=True)
    data = render_followup_report(patient_record(db, patient), fmt=format.value)
    return _download(data, format, _safe(f"followup-report-{patient.mrn}"))

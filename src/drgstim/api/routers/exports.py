"""Exports: a patient's FHIR R4 bundle (staff) and reports as HTML or PDF (staff, and a
patient for their own)."""

from __future__ import annotations

import hashlib
import json
import threading
import uuid
from collections import OrderedDict
from collections.abc import Hashable
from enum import StrEnum
from typing import Any
from urllib.parse import quote

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

__all__ = ["content_disposition", "router"]

router = APIRouter(tags=["exports"])


@router.get("/patients/{patient_id}/fhir", response_class=JSONResponse)
def fhir_bundle(patient_id: uuid.UUID, db: SessionDep, user: CurrentUser) -> Response:
    """The patient's whole record as a FHIR R4 ``collection`` Bundle (staff only)."""
    patient = load_for(db, user, Patient, patient_id, roles=STAFF)
    record = patient_record(db, patient)
    # Building and validating the bundle costs ~40 ms; the record's own JSON (~0.05 ms)
    # names everything the bundle is made of, so an unchanged record is served as is.
    key = ("fhir", hashlib.sha256(record.model_dump_json().encode()).digest())
    data = _RENDERED.get(key)
    if data is None:
        bundle: dict[str, Any] = export_fhir_bundle(record)
        text = json.dumps(bundle, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
        data = text.encode("utf-8")
        _RENDERED.put(key, data)
    return Response(
        data,
        media_type="application/fhir+json",
        headers={"Content-Disposition": content_disposition(f"drgstim-{patient.mrn}-fhir.json")},
    )


class _Rendered:
    """The last rendered documents (reports, FHIR bundles), keyed by everything they show:
    record ids and versions, or the content itself, so any change renders anew. Clinicians
    open the same documents repeatedly."""

    def __init__(self, size: int = 128, max_bytes: int = 64 * 1024 * 1024) -> None:
        self.size = size
        self.max_bytes = max_bytes
        self._items: OrderedDict[Hashable, bytes] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> bytes | None:
        with self._lock:
            data = self._items.get(key)
            if data is not None:
                self._items.move_to_end(key)
            return data

    def put(self, key: Hashable, data: bytes) -> None:
        with self._lock:
            old = self._items.pop(key, None)
            self._bytes += len(data) - (len(old) if old is not None else 0)
            self._items[key] = data
            while self._items and (len(self._items) > self.size or self._bytes > self.max_bytes):
                self._bytes -= len(self._items.popitem(last=False)[1])


_RENDERED = _Rendered()


class ReportFormat(StrEnum):
    HTML = "html"
    PDF = "pdf"


_MEDIA = {ReportFormat.HTML: "text/html; charset=utf-8", ReportFormat.PDF: "application/pdf"}


def _download(data: bytes, fmt: ReportFormat, stem: str) -> Response:
    disposition = "inline" if fmt is ReportFormat.HTML else "attachment"
    return Response(
        data,
        media_type=_MEDIA[fmt],
        headers={"Content-Disposition": content_disposition(f"{stem}.{fmt.value}", disposition)},
    )


def content_disposition(filename: str, disposition: str = "attachment") -> str:
    """A Content-Disposition header for any file name (RFC 6266): an ASCII fallback in
    ``filename`` and the exact name, UTF-8 percent-encoded, in ``filename*`` (RFC 8187).
    Control characters never reach the header."""
    printable = "".join(ch for ch in filename if ch.isprintable())
    fallback = "".join(
        ch if ch.isascii() and (ch.isalnum() or ch in "-_.") else "_" for ch in printable
    )
    encoded = quote(printable, safe="")
    return f"{disposition}; filename=\"{fallback}\"; filename*=UTF-8''{encoded}"


def _safe(text: str) -> str:
    return "".join(ch if ch.isprintable() and ch not in "/\\" else "_" for ch in text)


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
    name = f"{patient.given_name} {patient.family_name}"
    key = (
        trial.id,
        trial.version,
        tuple((e.id, e.version) for e in entries),
        (stored.id, stored.version) if stored is not None else None,
        name,
        format.value,
    )
    data = _RENDERED.get(key)
    if data is None:
        result = stored.result if stored is not None else evaluate_trial(trial, entries)
        data = render_trial_report(
            clinic_trial(trial, entries),
            ClinicReview.model_validate(result),
            patient=name,
            fmt=format.value,
        )
        _RENDERED.put(key, data)
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

"""Exports: a patient's FHIR R4 bundle and report downloads (HTML / PDF)."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from drgstim.api.crud import STAFF, load_for
from drgstim.api.deps import CurrentUser, SessionDep
from drgstim.api.domain import domain_module
from drgstim.api.records import patient_record
from drgstim.storage.models import Patient

__all__ = ["router"]

router = APIRouter(tags=["exports"])


@router.get("/patients/{patient_id}/fhir", response_class=JSONResponse)
def fhir_bundle(patient_id: uuid.UUID, db: SessionDep, user: CurrentUser) -> JSONResponse:
    """The patient's whole record as a FHIR R4 ``collection`` Bundle (staff only)."""
    patient = load_for(db, user, Patient, patient_id, roles=STAFF)
    fhir = domain_module("drgstim.clinic.fhir", "the FHIR export")
    bundle: dict[str, Any] = fhir.export_fhir_bundle(patient_record(db, patient))
    filename = f"drgstim-{patient.mrn}-fhir.json".replace('"', "")
    return JSONResponse(
        bundle,
        media_type="application/fhir+json",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )

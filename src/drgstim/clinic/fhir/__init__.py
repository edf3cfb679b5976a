"""FHIR R4 (R4B, 4.3.0) export and import of a patient's DRG record."""

from __future__ import annotations

import json
from pathlib import Path

from drgstim.clinic.fhir._common import FHIR_RELEASE, FhirConflictError, FhirSystems
from drgstim.clinic.fhir.export import export_fhir_bundle
from drgstim.clinic.fhir.importer import import_fhir_bundle
from drgstim.clinic.outcomes import PatientRecord
from drgstim.errors import InputError

__all__ = [
    "FHIR_RELEASE",
    "FhirConflictError",
    "FhirSystems",
    "export_fhir_bundle",
    "import_fhir_bundle",
    "load_record",
]


def load_record(path: Path) -> PatientRecord:
    """A PatientRecord from a JSON file: a drgstim record or a FHIR Bundle of one."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise InputError("record", str(path), "a JSON file", reason=str(exc)) from None
    if isinstance(data, dict) and data.get("resourceType") == "Bundle":
        return import_fhir_bundle(data)
    return PatientRecord.model_validate(data)

"""Shared FHIR pieces: the release used, codes, ids and the carried-record extension."""

from __future__ import annotations

import json
import uuid
from typing import Any, TypeVar

from pydantic import BaseModel

from drgstim.clinic._outcomes_data import load
from drgstim.clinic.outcomes import ProcedureKind

__all__ = [
    "EXT_RECORD",
    "FHIR_RELEASE",
    "LOCAL_SYSTEM",
    "PROCEDURE_CODES",
    "carried",
    "carry",
    "code",
    "local_coding",
    "ref",
    "urn",
]

# fhir.resources 8.x defaults to R5; we use its R4B subpackage (FHIR 4.3.0, wire-compatible
# with R4 4.0.1 for every resource we write: Patient, Condition, Observation,
# QuestionnaireResponse, Procedure, Device, AdverseEvent).
FHIR_RELEASE = "4.3.0 (R4B)"
LOCAL_SYSTEM: str = load("codes")["drgstim_local"]["system"]
# Extension that carries the drgstim domain object (JSON) a resource was made from, so that
# import restores every field, including those FHIR has no element for.
EXT_RECORD = "https://drgstim.example.org/fhir/StructureDefinition/drgstim-record"
_NAMESPACE = uuid.UUID("3f8f0f54-6f0e-4f43-9a53-0f3c1d2e8a11")

M = TypeVar("M", bound=BaseModel)

# Procedure codes (local system) of ImplantProcedure kinds; "drg-trial" is the trial itself.
PROCEDURE_CODES = {
    ProcedureKind.TRIAL: "drg-trial-leads",
    ProcedureKind.IMPLANT: "drg-implant",
    ProcedureKind.REVISION: "drg-revision",
    ProcedureKind.EXPLANT: "drg-explant",
}


def urn(*parts: object) -> str:
    """A deterministic ``urn:uuid`` for a resource (same record → same bundle)."""
    return f"urn:uuid:{uuid.uuid5(_NAMESPACE, '/'.join(str(p) for p in parts))}"


def ref(full_url: str) -> dict[str, str]:
    return {"reference": full_url}


def code(name: str) -> dict[str, Any]:
    """A CodeableConcept for a named code in ``data/clinic/codes.json`` (e.g. ``nrs``)."""
    entry = load("codes")[name]
    coding = {"system": entry["system"], "code": entry["code"], "display": entry["display"]}
    return {"coding": [coding], "text": entry["display"]}


def local_coding(value: str, display: str = "") -> dict[str, Any]:
    coding = {"system": LOCAL_SYSTEM, "code": value}
    if display:
        coding["display"] = display
    return {"coding": [coding], "text": display or value}


def carry(resource: dict[str, Any], obj: BaseModel) -> dict[str, Any]:
    """Attach the domain object's JSON to a resource dict."""
    text = json.dumps(obj.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
    resource.setdefault("extension", []).append({"url": EXT_RECORD, "valueString": text})
    return resource


def carried(resource: dict[str, Any], model: type[M]) -> M | None:
    """The domain object carried by a resource, or None when it has none."""
    for ext in resource.get("extension", []):
        if ext.get("url") == EXT_RECORD:
            return model.model_validate(json.loads(ext["valueString"]))
    return None

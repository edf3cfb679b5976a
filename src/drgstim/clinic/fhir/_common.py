"""Shared FHIR pieces: the release used, codes, ids and the carried-record extension."""

from __future__ import annotations

import json
import os
import uuid
from dataclasses import dataclass
from typing import Any, TypeVar

from pydantic import BaseModel

from drgstim.clinic._outcomes_data import load
from drgstim.clinic.outcomes import ProcedureKind
from drgstim.errors import InputError

__all__ = [
    "EXT_RECORD",
    "FHIR_RELEASE",
    "LOCAL_SYSTEM",
    "PROCEDURE_CODES",
    "FhirConflictError",
    "FhirSystems",
    "billable_icd10",
    "carried",
    "carry",
    "category",
    "code",
    "local_coding",
    "quantity",
    "ref",
    "urn",
]

# fhir.resources 8.x defaults to R5; we use its R4B subpackage (FHIR 4.3.0, wire-compatible
# with R4 4.0.1 for every resource we write: Patient, Condition, Observation,
# QuestionnaireResponse, Procedure, Device, AdverseEvent).
FHIR_RELEASE = "4.3.0 (R4B)"


@dataclass(frozen=True)
class FhirSystems:
    """The URIs drgstim writes: the local code system, the record extension, and the
    identifier systems of patients and of every other resource. Defaults come from
    ``DRGSTIM_FHIR_BASE`` (else ``urn:drgstim``); a clinic sets ``DRGSTIM_FHIR_PATIENT_SYSTEM``
    (or passes ``patient_identifier``) to its medical-record-number system."""

    base: str = "urn:drgstim"
    patient_identifier: str = ""

    @classmethod
    def from_env(cls) -> FhirSystems:
        base = os.environ.get("DRGSTIM_FHIR_BASE") or str(load("codes")["systems"]["base"])
        return cls(base=base.rstrip(":/"), patient_identifier=os.environ.get(
            "DRGSTIM_FHIR_PATIENT_SYSTEM", ""))  # fmt: skip

    def _join(self, name: str) -> str:
        sep = ":" if self.base.startswith("urn:") else "/"
        return f"{self.base}{sep}{name}"

    @property
    def code_system(self) -> str:
        return self._join("codesystem")

    @property
    def extension(self) -> str:
        return self._join("drgstim-record")

    @property
    def patient(self) -> str:
        return self.patient_identifier or self._join("patient-id")

    @property
    def resource(self) -> str:
        return self._join("resource-id")

    def questionnaire(self, kind: str) -> str:
        """Canonical of drgstim's assessment / follow-up questionnaire (ends "/<kind>")."""
        return self._join(f"Questionnaire/{kind}")


class FhirConflictError(InputError):
    """An imported resource's standard element disagrees with the record drgstim wrote: the
    bundle was edited elsewhere. The API answers 409, the CLI exits 2; nothing is imported."""

    def __init__(self, resource: str, field: str, found: object, expected: object) -> None:
        self.resource = resource
        super().__init__(
            f"{resource}.{field}",
            found,
            f"{expected!r} as in the record drgstim exported",
            reason="the resource was edited outside drgstim; import refused, nothing imported",
        )


SYSTEMS = FhirSystems.from_env()
LOCAL_SYSTEM: str = SYSTEMS.code_system
# Extension that carries the drgstim domain object (JSON) a resource was made from, so that
# import restores every field, including those FHIR has no element for.
EXT_RECORD = SYSTEMS.extension
_LEGACY_EXT = "https://drgstim.example.org/fhir/StructureDefinition/drgstim-record"
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


def local_coding(
    value: str, display: str = "", *, also: dict[str, Any] | None = None
) -> dict[str, Any]:
    """A CodeableConcept with the local code, and a standard coding first when given."""
    coding = {"system": LOCAL_SYSTEM, "code": value}
    if display:
        coding["display"] = display
    codings = [also, coding] if also else [coding]
    return {"coding": codings, "text": display or value}


def quantity(value: float, unit: str, *, shown: str = "") -> dict[str, Any]:
    """A valueQuantity with its UCUM code (``{score}``, ``%``, ``h``, ``min``, ``mg/d``)."""
    ucum = load("codes")["ucum"]
    if unit not in ucum["units"]:
        raise InputError("unit", unit, ", ".join(ucum["units"]))
    return {"value": value, "unit": shown or unit, "system": ucum["system"], "code": unit}


def category(kind: str) -> list[dict[str, Any]]:
    """Observation.category from the HL7 observation-category code system."""
    system = load("codes")["observation_category"]["system"]
    return [{"coding": [{"system": system, "code": kind}]}]


def billable_icd10(code_: str, side: str = "unspecified") -> str | None:
    """The billable child of a non-billable ICD-10-CM parent (G90.52 + left → G90.522), or
    None when ``code_`` is not a known parent."""
    parents: dict[str, dict[str, str]] = load("codes")["billable"]["parents"]
    children = parents.get(code_.strip().upper())
    if children is None:
        return None
    return children.get(side, children.get("unspecified"))


def carry(resource: dict[str, Any], obj: BaseModel) -> dict[str, Any]:
    """Attach the domain object's JSON to a resource dict."""
    text = json.dumps(obj.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
    resource.setdefault("extension", []).append({"url": EXT_RECORD, "valueString": text})
    return resource


def carried(resource: dict[str, Any], model: type[M]) -> M | None:
    """The domain object carried by a resource, or None when it has none."""
    for ext in resource.get("extension", []):
        if ext.get("url") in (EXT_RECORD, _LEGACY_EXT):
            return model.model_validate(json.loads(ext["valueString"]))
    return None

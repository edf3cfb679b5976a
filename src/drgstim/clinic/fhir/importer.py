"""Import a FHIR R4B Bundle made by :func:`export_fhir_bundle` back into a PatientRecord.

Patient and Condition are read from their standard elements. Assessments, trials (diary
and review), procedures, programming sessions, follow-up visits, the device and
complications are restored from the drgstim record extension their resource carries, so
every field round-trips; their standard elements (codes, dates, values) are checked
against it, and a mismatch (a bundle edited elsewhere) is refused.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from drgstim.clinic.assessment import Assessment
from drgstim.clinic.complications import Complication
from drgstim.clinic.fhir._common import LOCAL_SYSTEM, carried
from drgstim.clinic.outcomes import (
    ConditionRecord,
    Demographics,
    DeviceInfo,
    FollowUpVisit,
    ImplantProcedure,
    PatientRecord,
    ProgrammingSession,
    TrialRecord,
)
from drgstim.errors import InputError

__all__ = ["import_fhir_bundle"]


def _validated(bundle: dict[str, Any]) -> list[dict[str, Any]]:
    """Parse through fhir.resources (refuses invalid resources) and return the entries."""
    from fhir.resources.R4B.bundle import Bundle
    from pydantic import ValidationError

    if not isinstance(bundle, dict) or bundle.get("resourceType") != "Bundle":
        found = bundle.get("resourceType") if isinstance(bundle, dict) else type(bundle).__name__
        raise InputError("resourceType", found, "Bundle")
    try:
        parsed = Bundle.model_validate(bundle)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ()))
        raise InputError(
            "bundle", where, "a valid FHIR R4B Bundle", reason=first.get("msg", "")
        ) from None
    data = json.loads(parsed.model_dump_json(by_alias=True, exclude_none=True))
    return [e["resource"] for e in data.get("entry", []) if "resource" in e]


def _patient(resource: dict[str, Any]) -> Demographics:
    ids = resource.get("identifier") or [{}]
    name = (resource.get("name") or [{}])[0]
    return Demographics(
        patient_id=ids[0].get("value") or resource.get("id") or "",
        family_name=name.get("family", ""),
        given_names=tuple(name.get("given", ())),
        birth_date=resource.get("birthDate"),
        sex=resource.get("gender", "unknown"),
    )


def _condition(resource: dict[str, Any]) -> ConditionRecord:
    coding = resource["code"]["coding"][0]
    sites = resource.get("bodySite") or [{}]
    return ConditionRecord(
        code=coding["code"],
        system=coding.get("system", ""),
        display=coding.get("display", ""),
        onset_date=resource.get("onsetDateTime"),
        body_site=sites[0].get("text", ""),
    )


def _local_code(resource: dict[str, Any], element: str) -> str:
    for coding in resource.get(element, {}).get("coding", []):
        if coding.get("system") == LOCAL_SYSTEM:
            return str(coding["code"])
    return ""


def _require(obj: Any, resource: dict[str, Any]) -> Any:
    if obj is None:
        kind = resource.get("resourceType")
        raise InputError(
            kind or "resource",
            _local_code(resource, "code") or kind,
            "a resource exported by drgstim (with its record extension)",
        )
    return obj


def _check(field: str, standard: object, carried_value: object) -> None:
    if standard != carried_value:
        raise InputError(
            field,
            standard,
            f"{carried_value!r} as in the carried record",
            reason="the bundle was edited outside drgstim",
        )


def _iso(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


class _Collector:
    def __init__(self) -> None:
        self.parts: dict[str, list[Any]] = {
            k: []
            for k in (
                "conditions",
                "assessments",
                "trials",
                "procedures",
                "follow_ups",
                "programming_sessions",
                "complications",
            )
        }
        self.patient: Demographics | None = None
        self.device: DeviceInfo | None = None

    def questionnaire(self, r: dict[str, Any]) -> None:
        if r.get("questionnaire", "").endswith("/assessment"):
            a = _require(carried(r, Assessment), r)
            _check("QuestionnaireResponse.authored", r.get("authored"), _iso(a.assessed_on))
            self.parts["assessments"].append(a)
        else:
            v = _require(carried(r, FollowUpVisit), r)
            _check("QuestionnaireResponse.authored", r.get("authored"), _iso(v.visit_on))
            self.parts["follow_ups"].append(v)

    def procedure(self, r: dict[str, Any]) -> None:
        kind = _local_code(r, "code")
        if kind == "drg-trial":
            tr = _require(carried(r, TrialRecord), r)
            _check(
                "Procedure.performedPeriod.start",
                r.get("performedPeriod", {}).get("start"),
                _iso(tr.trial.start_date),
            )
            self.parts["trials"].append(tr)
        elif kind == "drg-programming":
            s = _require(carried(r, ProgrammingSession), r)
            _check("Procedure.performedDateTime", r.get("performedDateTime"), _iso(s.date))
            self.parts["programming_sessions"].append(s)
        else:
            p = _require(carried(r, ImplantProcedure), r)
            _check("Procedure.code", kind, f"drg-{p.kind.value}")
            _check("Procedure.performedDateTime", r.get("performedDateTime"), _iso(p.performed_on))
            self.parts["procedures"].append(p)

    def adverse_event(self, r: dict[str, Any]) -> None:
        c = _require(carried(r, Complication), r)
        _check("AdverseEvent.event", _local_code(r, "event"), c.type.value)
        _check("AdverseEvent.date", r.get("date"), _iso(c.occurred_on))
        self.parts["complications"].append(c)

    def add(self, r: dict[str, Any]) -> None:
        kind = r.get("resourceType")
        if kind == "Patient":
            self.patient = _patient(r)
        elif kind == "Condition":
            self.parts["conditions"].append(_condition(r))
        elif kind == "QuestionnaireResponse":
            self.questionnaire(r)
        elif kind == "Procedure":
            self.procedure(r)
        elif kind == "AdverseEvent":
            self.adverse_event(r)
        elif kind == "Device":
            self.device = _require(carried(r, DeviceInfo), r)
        # Observations are derived views (NRS, PHQ-9, GAD-7, diary, review): not re-read.


def import_fhir_bundle(bundle: dict[str, Any]) -> PatientRecord:
    """Rebuild the PatientRecord from a bundle made by :func:`export_fhir_bundle`."""
    collector = _Collector()
    for resource in _validated(bundle):
        collector.add(resource)
    if collector.patient is None:
        raise InputError("Patient", None, "exactly one Patient resource in the bundle")
    parts = {k: tuple(v) for k, v in collector.parts.items()}
    return PatientRecord(patient=collector.patient, device=collector.device, **parts)

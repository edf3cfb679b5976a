"""Import a FHIR R4B Bundle into a PatientRecord.

A bundle made by :func:`export_fhir_bundle` round-trips exactly: resources carry the drgstim
object they were made from (record extension), checked against every standard element they
were written to, including the Observations derived from them (scores, diary days); a
mismatch (a value edited elsewhere, e.g. a PHQ-9 changed from 9 to 25) is refused with a
:class:`FhirConflictError` naming the resource and the field, and nothing is imported.
Resources without the extension are read from their standard elements
(:mod:`drgstim.clinic.fhir.standard`).
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from drgstim.clinic.assessment import Assessment, OutcomeScores
from drgstim.clinic.complications import Complication
from drgstim.clinic.fhir._common import PROCEDURE_CODES, FhirConflictError, carried
from drgstim.clinic.fhir.standard import Index, local_code
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

_PARTS = (
    "conditions",
    "assessments",
    "trials",
    "procedures",
    "follow_ups",
    "programming_sessions",
    "complications",
)


def _validated(bundle: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
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
    return [(e.get("fullUrl", ""), e["resource"]) for e in data.get("entry", []) if "resource" in e]


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


_local_code = local_code


def _check(field: str, standard: object, carried_value: object) -> None:
    if standard != carried_value:
        resource, _, element = field.partition(".")
        raise FhirConflictError(resource, element, standard, carried_value)


_SCORE_RESOURCE = {
    "phq9": "Observation (PHQ-9 total, LOINC 44261-6)",
    "gad7": "Observation (GAD-7 total, LOINC 70274-6)",
}


def _check_scores(url: str, standard: OutcomeScores, carried_scores: OutcomeScores) -> None:
    """Every score the bundle's standard elements hold must equal the carried one."""
    for part in ("average", "worst", "current"):
        found, want = getattr(standard.nrs, part), getattr(carried_scores.nrs, part)
        if found != want:
            where = f"Observation (NRS {part}, LOINC 72514-3, derived from {url})"
            raise FhirConflictError(where, "valueQuantity.value", found, want)
    for name in OutcomeScores.model_fields:
        if name == "nrs":
            continue
        found, want = getattr(standard, name), getattr(carried_scores, name)
        if found != want:
            where = _SCORE_RESOURCE.get(name, f"QuestionnaireResponse {url}")
            element = "valueQuantity.value" if name in _SCORE_RESOURCE else f"item[{name}].answer"
            raise FhirConflictError(where, element, found, want)


def _check_trial(standard: TrialRecord | None, tr: TrialRecord) -> None:
    """The trial's baseline and every diary day's value and components, as carried."""
    if standard is None:
        raise FhirConflictError("Observation (trial baseline NRS)", "valueQuantity", None,
                                tr.baseline_nrs)  # fmt: skip
    if standard.baseline_nrs != tr.baseline_nrs:
        raise FhirConflictError("Observation (trial baseline NRS)", "valueQuantity.value",
                                standard.baseline_nrs, tr.baseline_nrs)  # fmt: skip
    days = {e.date: e for e in standard.trial.entries}
    for entry in tr.trial.entries:
        where = f"Observation (trial diary {entry.date.isoformat()})"
        found = days.get(entry.date)
        if found is None:
            raise FhirConflictError(where, "effectiveDateTime", None, entry.date.isoformat())
        for name in type(entry).model_fields:
            a, b = getattr(found, name), getattr(entry, name)
            if a != b:
                element = "valueQuantity.value" if name == "nrs_average" else f"component[{name}]"
                raise FhirConflictError(where, element, a, b)


def _iso(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


class _Collector:
    """Builds the record: from the carried drgstim object when present (checked against the
    standard elements), else from the standard elements alone (:mod:`.standard`)."""

    def __init__(self, index: Index) -> None:
        self.index = index
        self.parts: dict[str, list[Any]] = {k: [] for k in _PARTS}
        self.patient: Demographics | None = None
        self.device: DeviceInfo | None = None

    def questionnaire(self, url: str, r: dict[str, Any]) -> None:
        form = r.get("questionnaire", "")
        if form.endswith("/assessment"):
            a = carried(r, Assessment)
            if a is None:
                a = self.index.assessment(url, r)
            else:
                _check_scores(url, self.index.scores(url, r), a.scores)
            _check("QuestionnaireResponse.authored", r.get("authored"), _iso(a.assessed_on))
            self.parts["assessments"].append(a)
        elif form.endswith("/followup"):
            v = carried(r, FollowUpVisit)
            if v is None:
                v = self.index.follow_up(url, r)
            else:
                _check_scores(url, self.index.scores(url, r), v.scores)
            _check("QuestionnaireResponse.authored", r.get("authored"), _iso(v.visit_on))
            self.parts["follow_ups"].append(v)

    def trial(self, url: str, r: dict[str, Any]) -> None:
        tr = carried(r, TrialRecord)
        if tr is not None:
            _check_trial(self.index.trial(url, r), tr)
        else:
            tr = self.index.trial(url, r)
        if tr is None:
            return  # a trial without a baseline NRS cannot be reviewed; not imported
        start = r.get("performedPeriod", {}).get("start")
        _check("Procedure.performedPeriod.start", start, _iso(tr.trial.start_date))
        self.parts["trials"].append(tr)

    def procedure(self, url: str, r: dict[str, Any]) -> None:
        kind = _local_code(r, "code")
        if kind == "drg-trial":
            self.trial(url, r)
        elif kind == "drg-programming":
            s = carried(r, ProgrammingSession) or Index.programming(r)
            _check("Procedure.performedDateTime", r.get("performedDateTime"), _iso(s.date))
            self.parts["programming_sessions"].append(s)
        elif kind in PROCEDURE_CODES.values():
            p = carried(r, ImplantProcedure) or self.index.procedure(r)
            _check("Procedure.code", kind, PROCEDURE_CODES[p.kind])
            _check("Procedure.performedDateTime", r.get("performedDateTime"), _iso(p.performed_on))
            self.parts["procedures"].append(p)

    def adverse_event(self, r: dict[str, Any]) -> None:
        c = carried(r, Complication) or Index.complication(r)
        _check("AdverseEvent.event", _local_code(r, "event"), c.type.value)
        _check("AdverseEvent.date", r.get("date"), _iso(c.occurred_on))
        self.parts["complications"].append(c)

    def add(self, url: str, r: dict[str, Any]) -> None:
        kind = r.get("resourceType")
        if kind == "Patient":
            self.patient = _patient(r)
        elif kind == "Condition":
            self.parts["conditions"].append(_condition(r))
        elif kind == "QuestionnaireResponse":
            self.questionnaire(url, r)
        elif kind == "Procedure":
            self.procedure(url, r)
        elif kind == "AdverseEvent":
            self.adverse_event(r)
        elif kind == "Device":
            self.device = carried(r, DeviceInfo) or Index.device(r)
        # Observations are read through the resource they belong to (derivedFrom / partOf).


def import_fhir_bundle(bundle: dict[str, Any]) -> PatientRecord:
    """Rebuild the PatientRecord from a FHIR R4B Bundle (exactly, when drgstim made it)."""
    entries = _validated(bundle)
    collector = _Collector(Index(entries))
    for url, resource in entries:
        collector.add(url, resource)
    if collector.patient is None:
        raise InputError("Patient", None, "exactly one Patient resource in the bundle")
    parts = {k: tuple(v) for k, v in collector.parts.items()}
    return PatientRecord(patient=collector.patient, device=collector.device, **parts)

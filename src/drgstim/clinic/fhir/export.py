"""Export a :class:`PatientRecord` as a FHIR R4 (R4B) ``transaction`` Bundle.

Every part of the record becomes the resource a FHIR system expects: Patient, Condition
(billable ICD-10-CM), Observation (NRS LOINC 72514-3, PHQ-9 total 44261-6, GAD-7 total
70274-6, the trial diary and the trial review; UCUM units; an observation category),
QuestionnaireResponse (ODI, BPI, PGIC, PCS, MME, sleep per assessment and visit), Procedure
(CPT: trial, implant, revision, explant, programming), Device and AdverseEvent (ICD-10-CM
complication codes). Every entry is a conditional create (``POST`` with ``ifNoneExist`` on
the resource's identifier), so posting the bundle twice to a server creates nothing twice.
The bundle is validated by parsing it through ``fhir.resources`` before it is returned.
"""

from __future__ import annotations

import json
from typing import Any

from drgstim.clinic._outcomes_data import load
from drgstim.clinic.assessment import OutcomeScores
from drgstim.clinic.complications import Complication
from drgstim.clinic.fhir._common import (
    PROCEDURE_CODES,
    SYSTEMS,
    FhirSystems,
    billable_icd10,
    carry,
    category,
    code,
    local_coding,
    quantity,
    ref,
    urn,
)
from drgstim.clinic.outcomes import (
    DeviceInfo,
    FollowUpVisit,
    ImplantProcedure,
    PatientRecord,
    ProgrammingSession,
    TrialRecord,
)
from drgstim.clinic.trial import DiaryEntry
from drgstim.errors import InputError

__all__ = ["DIARY_COMPONENTS", "export_fhir_bundle"]

_SEVERITY = "http://terminology.hl7.org/CodeSystem/adverse-event-severity"
_OUTCOME = "http://terminology.hl7.org/CodeSystem/adverse-event-outcome"
# Diary fields other than the average NRS, as Observation components (local codes).
DIARY_COMPONENTS = (
    ("nrs_worst", "valueQuantity"),
    ("relief_pct", "valueQuantity"),
    ("mme", "valueQuantity"),
    ("sleep_hours", "valueQuantity"),
    ("activity_minutes", "valueQuantity"),
    ("steps", "valueInteger"),
    ("pgic", "valueInteger"),
)
# UCUM code (and the unit shown) of each quantity component.
_UNITS = {"nrs_worst": ("{score}", ""), "relief_pct": ("%", ""), "mme": ("mg/d", "MME/day"),
          "sleep_hours": ("h", ""), "activity_minutes": ("min", "")}  # fmt: skip
# Resources whose ``identifier`` is one Identifier, not a list (FHIR R4).
_SINGLE_IDENTIFIER = {"QuestionnaireResponse", "AdverseEvent"}
_QR_ITEMS = (  # (linkId / local code, score attribute, FHIR answer type)
    ("odi_pct", "odi_pct", "valueDecimal"),
    ("bpi_interference", "bpi_interference", "valueDecimal"),
    ("pgic", "pgic", "valueInteger"),
    ("pcs", "pcs", "valueInteger"),
    ("mme_per_day", "mme_per_day", "valueDecimal"),
    ("sleep_hours", "sleep_hours", "valueDecimal"),
    ("sleep_interruptions", "sleep_interruptions", "valueInteger"),
    ("eq5d_index", "eq5d_index", "valueDecimal"),
)


class _Builder:
    """Collects bundle entries for one patient."""

    def __init__(self, record: PatientRecord, systems: FhirSystems) -> None:
        self.pid = record.patient.patient_id
        self.patient_url = urn(self.pid, "Patient")
        self.systems = systems
        self.entries: list[dict[str, Any]] = []

    def add(self, full_url: str, resource: dict[str, Any]) -> str:
        """A conditional create: POST unless a resource with this identifier exists."""
        kind = resource["resourceType"]
        if kind == "Patient":
            system, value = self.systems.patient, self.pid
        else:
            system, value = self.systems.resource, full_url.removeprefix("urn:uuid:")
            ident = {"system": system, "value": value}
            resource["identifier"] = ident if kind in _SINGLE_IDENTIFIER else [ident]
        request = {"method": "POST", "url": kind, "ifNoneExist": f"identifier={system}|{value}"}
        self.entries.append({"fullUrl": full_url, "resource": resource, "request": request})
        return full_url

    def subject(self) -> dict[str, str]:
        return ref(self.patient_url)

    def observation(
        self, key: tuple[object, ...], when: str, code_: dict[str, Any], **fields: Any
    ) -> str:
        resource = {
            "resourceType": "Observation",
            "status": "final",
            "category": category(fields.pop("category_", "survey")),
            "code": code_,
            "subject": self.subject(),
            "effectiveDateTime": when,
            **fields,
        }
        return self.add(urn(self.pid, "Observation", *key), resource)


def _patient(b: _Builder, record: PatientRecord) -> None:
    p = record.patient
    resource: dict[str, Any] = {
        "resourceType": "Patient",
        "identifier": [{"system": b.systems.patient, "value": p.patient_id}],
        "gender": p.sex,
    }
    if p.family_name or p.given_names:
        name: dict[str, Any] = {}
        if p.family_name:
            name["family"] = p.family_name
        if p.given_names:
            name["given"] = list(p.given_names)
        resource["name"] = [name]
    if p.birth_date:
        resource["birthDate"] = p.birth_date.isoformat()
    b.add(b.patient_url, resource)


def _side(text: str) -> str | None:
    words = set(text.lower().replace(",", " ").split())
    for side in ("bilateral", "left", "right"):
        if side in words:
            return side
    return None


def _billable(system: str, code_: str, body_site: str, i: int) -> str:
    """A billable ICD-10-CM code: a non-billable parent becomes its child for the side in
    ``body_site``; without a side it is refused, naming the children."""
    if system != load("codes")["icd10cm"]["system"]:
        return code_
    side = _side(body_site)
    child = billable_icd10(code_, side or "unspecified")
    if child is None:
        return code_
    if side is None:
        kids = load("codes")["billable"]["parents"][code_.strip().upper()]
        raise InputError(
            f"conditions[{i}].code", code_, ", ".join(f"{v} ({k})" for k, v in kids.items()),
            reason="a non-billable ICD-10-CM category; the 6th character gives the side",
        )  # fmt: skip
    return child


def _conditions(b: _Builder, record: PatientRecord) -> None:
    for i, c in enumerate(record.conditions):
        billable = _billable(c.system, c.code, c.body_site, i)
        coding: dict[str, Any] = {"system": c.system, "code": billable}
        if c.display:
            coding["display"] = c.display
        resource: dict[str, Any] = {
            "resourceType": "Condition",
            "subject": b.subject(),
            "code": {"coding": [coding], "text": c.display or c.code},
        }
        if c.onset_date:
            resource["onsetDateTime"] = c.onset_date.isoformat()
        if c.body_site:
            resource["bodySite"] = [{"text": c.body_site}]
        b.add(urn(b.pid, "Condition", i), resource)


def _scores(
    b: _Builder, key: tuple[object, ...], when: str, scores: OutcomeScores, qr_url: str
) -> None:
    """Observations with standard codes for one set of outcome scores."""
    derived = {"derivedFrom": [ref(qr_url)]}
    for part in ("average", "worst", "current"):
        nrs = getattr(scores.nrs, part)
        if nrs is not None:
            b.observation(
                (*key, f"nrs-{part}"),
                when,
                code("nrs"),
                valueQuantity=quantity(nrs, "{score}"),
                method=local_coding(f"nrs-{part}", f"NRS {part}"),
                **derived,
            )
    for name in ("phq9", "gad7"):
        value = getattr(scores, name)
        if value is not None:
            b.observation(
                (*key, name),
                when,
                code(name),
                valueQuantity=quantity(value, "{score}"),
                **derived,
            )


def _questionnaire(
    b: _Builder, key: tuple[object, ...], when: str, kind: str, scores: OutcomeScores, obj: Any
) -> str:
    items = []
    if isinstance(obj, FollowUpVisit):
        items.append({"linkId": "month", "answer": [{"valueInteger": obj.month}]})
    for link, attr, answer in _QR_ITEMS:
        value = getattr(scores, attr)
        if value is not None:
            items.append({"linkId": link, "answer": [{answer: value}]})
    resource: dict[str, Any] = {
        "resourceType": "QuestionnaireResponse",
        "status": "completed",
        "questionnaire": b.systems.questionnaire(kind),
        "subject": b.subject(),
        "authored": when,
    }
    if items:
        resource["item"] = items
    url = b.add(urn(b.pid, "QuestionnaireResponse", *key), carry(resource, obj))
    _scores(b, key, when, scores, url)
    return url


def _assessments(b: _Builder, record: PatientRecord) -> None:
    for i, a in enumerate(record.assessments):
        _questionnaire(b, ("assessment", i), a.assessed_on.isoformat(), "assessment", a.scores, a)


def _follow_ups(b: _Builder, record: PatientRecord) -> None:
    for i, v in enumerate(record.follow_ups):
        _questionnaire(b, ("followup", i), v.visit_on.isoformat(), "followup", v.scores, v)


def _trial(b: _Builder, i: int, tr: TrialRecord) -> None:
    t = tr.trial
    period = {"start": t.start_date.isoformat()}
    if t.end_date:
        period["end"] = t.end_date.isoformat()
    resource: dict[str, Any] = {
        "resourceType": "Procedure",
        "status": "completed" if t.end_date else "in-progress",
        "code": local_coding("drg-trial", "DRG stimulation trial", also=_cpt("drg-trial")),
        "subject": b.subject(),
        "performedPeriod": period,
    }
    if t.lead_levels:
        resource["bodySite"] = [{"text": f"{lead.level} {lead.side}"} for lead in t.lead_levels]
    url = b.add(urn(b.pid, "Procedure", "trial", i), carry(resource, tr))
    b.observation(
        ("trial", i, "baseline"),
        t.start_date.isoformat(),
        code("nrs"),
        partOf=[ref(url)],
        valueQuantity=quantity(tr.baseline_nrs, "{score}"),
        method=local_coding("nrs-baseline", "Baseline average pain before the trial"),
    )
    for e in t.entries:
        _diary_observation(b, ("trial", i, e.date), e, url)
    if tr.review is not None:
        _review_observation(b, ("trial", i, "review"), tr, url)


def _cpt(local: str) -> dict[str, Any]:
    table = load("codes")["procedures"]
    entry = table["codes"][local]
    return {"system": table["system"], "code": entry["code"], "display": entry["display"]}


def _component_value(name: str, answer: str, value: float) -> Any:
    if answer != "valueQuantity":
        return value
    unit, shown = _UNITS[name]
    return quantity(value, unit, shown=shown)


def _diary_observation(b: _Builder, key: tuple[object, ...], e: DiaryEntry, trial_url: str) -> None:
    """One diary day: average NRS as the value, the other fields as components."""
    components: list[dict[str, Any]] = [
        {"code": local_coding(name), answer: _component_value(name, answer, getattr(e, name))}
        for name, answer in DIARY_COMPONENTS
        if getattr(e, name) is not None
    ]
    components.append({"code": local_coding("stim_on"), "valueBoolean": e.stim_on})
    extra: dict[str, Any] = {"note": [{"text": e.notes}]} if e.notes else {}
    b.observation(
        key,
        e.date.isoformat(),
        code("nrs"),
        partOf=[ref(trial_url)],
        valueQuantity=quantity(e.nrs_average, "{score}"),
        method=local_coding("nrs-average-diary", "Diary: average pain today"),
        component=components,
        **extra,
    )


def _review_observation(
    b: _Builder, key: tuple[object, ...], tr: TrialRecord, trial_url: str
) -> None:
    r = tr.review
    assert r is not None
    components = [
        {"code": local_coding(k), "valueQuantity": quantity(v, unit)}
        for k, v, unit in (
            ("baseline_nrs", r.baseline_nrs, "{score}"),
            ("trial_mean_nrs", r.trial_mean_nrs, "{score}"),
            ("reduction_pct", r.reduction_pct, "%"),
        )
        if v is not None
    ]
    when = (tr.trial.end_date or tr.trial.start_date).isoformat()
    b.observation(
        key,
        when,
        local_coding("trial-review", "DRG trial review"),
        partOf=[ref(trial_url)],
        valueCodeableConcept=local_coding(r.verdict.value),
        component=components,
        category_="procedure",
    )


def _device(b: _Builder, device: DeviceInfo) -> str:
    resource: dict[str, Any] = {
        "resourceType": "Device",
        "patient": b.subject(),
        "type": {"text": "Implantable pulse generator, DRG stimulation"},
    }
    if device.udi:
        resource["udiCarrier"] = [{"carrierHRF": device.udi}]
    if device.generator_serial:
        resource["serialNumber"] = device.generator_serial
    if device.generator_model:
        resource["deviceName"] = [{"name": device.generator_model, "type": "model-name"}]
    return b.add(urn(b.pid, "Device"), carry(resource, device))


def _procedure(b: _Builder, i: int, p: ImplantProcedure, device_url: str | None) -> None:
    resource: dict[str, Any] = {
        "resourceType": "Procedure",
        "status": "completed",
        "code": local_coding(
            PROCEDURE_CODES[p.kind],
            f"DRG stimulator {p.kind.value}",
            also=_cpt(PROCEDURE_CODES[p.kind]),
        ),
        "subject": b.subject(),
        "performedDateTime": p.performed_on.isoformat(),
    }
    if p.leads:
        resource["bodySite"] = [{"text": f"{lead.level} {lead.side}"} for lead in p.leads]
    if device_url:
        resource["focalDevice"] = [{"manipulated": ref(device_url)}]
    b.add(urn(b.pid, "Procedure", "procedure", i), carry(resource, p))


def _programming(b: _Builder, i: int, s: ProgrammingSession) -> None:
    resource: dict[str, Any] = {
        "resourceType": "Procedure",
        "status": "completed",
        "code": local_coding(
            "drg-programming", "DRG stimulator programming session", also=_cpt("drg-programming")
        ),
        "subject": b.subject(),
        "performedDateTime": s.date.isoformat(),
    }
    if s.description:
        resource["note"] = [{"text": s.description}]
    b.add(urn(b.pid, "Procedure", "programming", i), carry(resource, s))


def _event_code(kind: str) -> dict[str, Any]:
    table = load("codes")["adverse_events"]
    entry = table["codes"][kind]
    return {"system": table["system"], "code": entry["code"], "display": entry["display"]}


def _adverse_event(b: _Builder, i: int, c: Complication) -> None:
    resource: dict[str, Any] = {
        "resourceType": "AdverseEvent",
        "actuality": "actual",
        "subject": b.subject(),
        "date": c.occurred_on.isoformat(),
        "event": local_coding(c.type.value, c.label, also=_event_code(c.type.value)),
        "severity": {"coding": [{"system": _SEVERITY, "code": c.severity.value}]},
        "outcome": {
            "coding": [
                {"system": _OUTCOME, "code": "ongoing" if c.resolved_on is None else "resolved"}
            ]
        },
    }
    b.add(urn(b.pid, "AdverseEvent", i), carry(resource, c))


def export_fhir_bundle(
    record: PatientRecord, *, systems: FhirSystems | None = None
) -> dict[str, Any]:
    """The record as a FHIR R4B ``transaction`` Bundle (JSON-ready dict), validated.

    ``systems`` sets the identifier systems (default: ``DRGSTIM_FHIR_BASE`` /
    ``DRGSTIM_FHIR_PATIENT_SYSTEM``, else ``urn:drgstim``)."""
    from fhir.resources.R4B.bundle import Bundle

    b = _Builder(record, systems or SYSTEMS)
    _patient(b, record)
    _conditions(b, record)
    _assessments(b, record)
    for i, tr in enumerate(record.trials):
        _trial(b, i, tr)
    device_url = _device(b, record.device) if record.device else None
    for i, p in enumerate(record.procedures):
        _procedure(b, i, p, device_url)
    for i, s in enumerate(record.programming_sessions):
        _programming(b, i, s)
    _follow_ups(b, record)
    for i, c in enumerate(record.complications):
        _adverse_event(b, i, c)
    raw = {"resourceType": "Bundle", "type": "transaction", "entry": b.entries}
    bundle = Bundle.model_validate(raw)
    data: dict[str, Any] = json.loads(bundle.model_dump_json(by_alias=True, exclude_none=True))
    return data

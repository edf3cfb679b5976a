"""Rebuild domain objects from standard FHIR elements (bundles without the drgstim extension).

Used by :func:`import_fhir_bundle` when a resource carries no drgstim record extension,
e.g. a bundle written by another system following the same profile. Only what FHIR
elements hold comes back: pain maps, goals, programming-change lists, complication actions
and resolution dates, lead serials and device programs are not in standard elements and
are left empty; a trial's review is not rebuilt (run :func:`evaluate_trial` again).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from drgstim.clinic._outcomes_data import load
from drgstim.clinic.assessment import Assessment, NRSScores, OutcomeScores
from drgstim.clinic.complications import Complication
from drgstim.clinic.fhir._common import LOCAL_SYSTEM, PROCEDURE_CODES
from drgstim.clinic.fhir.export import DIARY_COMPONENTS
from drgstim.clinic.outcomes import (
    DeviceInfo,
    FollowUpVisit,
    ImplantedLead,
    ImplantProcedure,
    ProgrammingSession,
    TrialRecord,
)
from drgstim.clinic.trial import DiaryEntry, LeadLevel, Trial
from drgstim.errors import InputError

__all__ = ["Index"]

_LOINC = "http://loinc.org"
# Total-score codes (and the panel codes older exports used).
_SCORE_LOINC = {load("codes")["phq9"]["code"]: "phq9", load("codes")["gad7"]["code"]: "gad7",
                "44249-1": "phq9", "69737-5": "gad7"}  # fmt: skip
_LOCAL = (LOCAL_SYSTEM, "https://drgstim.example.org/fhir/CodeSystem/drgstim")
_NRS_METHODS = {"nrs-average": "average", "nrs-worst": "worst", "nrs-current": "current"}


def local_code(resource: dict[str, Any], element: str) -> str:
    """The drgstim local code of a CodeableConcept element, or ''."""
    for coding in (resource.get(element) or {}).get("coding", []):
        if coding.get("system") in _LOCAL:
            return str(coding["code"])
    return ""


def _loinc(resource: dict[str, Any]) -> str:
    for coding in resource.get("code", {}).get("coding", []):
        if coding.get("system") == _LOINC:
            return str(coding["code"])
    return ""


def _number(value: Any) -> Any:
    return value.get("value") if isinstance(value, dict) else value


def _sites(resource: dict[str, Any]) -> list[tuple[str, str]]:
    """``bodySite`` texts of the form "L5 left" as (level, side)."""
    out = []
    for site in resource.get("bodySite", []):
        parts = site.get("text", "").split()
        if len(parts) != 2:
            raise InputError("bodySite", site.get("text"), "a lead site such as 'L5 left'")
        out.append((parts[0], parts[1]))
    return out


class Index:
    """The bundle's resources by fullUrl, with Observations grouped by what they belong to."""

    def __init__(self, entries: list[tuple[str, dict[str, Any]]]) -> None:
        self.by_url = dict(entries)
        self.children: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for _, r in entries:
            if r.get("resourceType") == "Observation":
                for link in (*r.get("derivedFrom", []), *r.get("partOf", [])):
                    self.children[link.get("reference", "")].append(r)

    def scores(self, url: str, qr: dict[str, Any]) -> OutcomeScores:
        values: dict[str, Any] = {}
        for item in qr.get("item", []):
            if item["linkId"] in OutcomeScores.model_fields and item.get("answer"):
                answer = item["answer"][0]
                values[item["linkId"]] = answer.get("valueDecimal", answer.get("valueInteger"))
        nrs: dict[str, float] = {}
        for obs in self.children[url]:
            method = local_code(obs, "method")
            if _loinc(obs) == "72514-3" and method in _NRS_METHODS:
                nrs[_NRS_METHODS[method]] = obs["valueQuantity"]["value"]
            elif _loinc(obs) in _SCORE_LOINC:
                values[_SCORE_LOINC[_loinc(obs)]] = int(obs["valueQuantity"]["value"])
        return OutcomeScores(nrs=NRSScores(**nrs), **values)

    def assessment(self, url: str, qr: dict[str, Any]) -> Assessment:
        return Assessment(assessed_on=qr["authored"][:10], scores=self.scores(url, qr))

    def follow_up(self, url: str, qr: dict[str, Any]) -> FollowUpVisit:
        month = next(
            (i["answer"][0]["valueInteger"] for i in qr.get("item", []) if i["linkId"] == "month"),
            None,
        )
        if month is None:
            raise InputError("QuestionnaireResponse.item", "month", "a follow-up month item")
        return FollowUpVisit(visit_on=qr["authored"][:10], month=month, scores=self.scores(url, qr))

    def diary_entry(self, obs: dict[str, Any]) -> DiaryEntry:
        fields: dict[str, Any] = {"stim_on": True}
        names = {name for name, _ in DIARY_COMPONENTS}
        for comp in obs.get("component", []):
            name = local_code(comp, "code")
            if name in names:
                fields[name] = _number(comp.get("valueQuantity", comp.get("valueInteger")))
            elif name == "stim_on":
                fields["stim_on"] = comp["valueBoolean"]
        notes = " ".join(n.get("text", "") for n in obs.get("note", []))
        return DiaryEntry(
            date=obs["effectiveDateTime"][:10],
            nrs_average=obs["valueQuantity"]["value"],
            notes=notes,
            **fields,
        )

    def trial(self, url: str, proc: dict[str, Any]) -> TrialRecord | None:
        """The trial with its diary; None when no baseline NRS is recorded for it."""
        children = self.children[url]
        baseline = next(
            (
                o["valueQuantity"]["value"]
                for o in children
                if local_code(o, "method") == "nrs-baseline"
            ),
            None,
        )
        if baseline is None:
            return None
        entries = tuple(
            self.diary_entry(o) for o in children if local_code(o, "method") == "nrs-average-diary"
        )
        period = proc.get("performedPeriod", {})
        trial = Trial(
            start_date=period["start"][:10],
            end_date=period["end"][:10] if "end" in period else None,
            lead_levels=tuple(LeadLevel(level=lv, side=sd) for lv, sd in _sites(proc)),
            entries=tuple(sorted(entries, key=lambda e: e.date)),
        )
        return TrialRecord(trial=trial, baseline_nrs=baseline)

    def procedure(self, proc: dict[str, Any]) -> ImplantProcedure:
        code = local_code(proc, "code")
        kind = next(k for k, v in PROCEDURE_CODES.items() if v == code)
        device: dict[str, Any] = {}
        for focal in proc.get("focalDevice", []):
            device = self.by_url.get(focal.get("manipulated", {}).get("reference", ""), {})
        info = self.device(device) if device else DeviceInfo()
        return ImplantProcedure(
            performed_on=proc["performedDateTime"][:10],
            kind=kind,
            leads=tuple(ImplantedLead(level=lv, side=sd) for lv, sd in _sites(proc)),
            generator_model=info.generator_model,
            generator_serial=info.generator_serial,
            udi=info.udi,
        )

    @staticmethod
    def programming(proc: dict[str, Any]) -> ProgrammingSession:
        text = " ".join(n.get("text", "") for n in proc.get("note", []))
        return ProgrammingSession(date=proc["performedDateTime"][:10], description=text)

    @staticmethod
    def device(dev: dict[str, Any]) -> DeviceInfo:
        names = [n["name"] for n in dev.get("deviceName", []) if n.get("type") == "model-name"]
        udi = [u.get("carrierHRF", "") for u in dev.get("udiCarrier", [])]
        return DeviceInfo(
            generator_model=names[0] if names else "",
            generator_serial=dev.get("serialNumber", ""),
            udi=udi[0] if udi else "",
        )

    @staticmethod
    def complication(event: dict[str, Any]) -> Complication:
        severity = (event.get("severity") or {}).get("coding", [{}])[0].get("code")
        if severity is None:
            raise InputError("AdverseEvent.severity", None, "mild, moderate or severe")
        return Complication(
            type=local_code(event, "event"), occurred_on=event["date"][:10], severity=severity
        )

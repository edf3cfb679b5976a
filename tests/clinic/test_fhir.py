"""FHIR R4B export validates, uses the spec's codes, and imports back to the same record."""

from __future__ import annotations

import copy
import json
from datetime import date
from typing import Any

import pytest
from fhir.resources.R4B.bundle import Bundle
from hypothesis import given, settings
from hypothesis import strategies as st

from drgstim.clinic.fhir import export_fhir_bundle, import_fhir_bundle, load_record
from drgstim.clinic.outcomes import Demographics, PatientRecord, TrialRecord
from drgstim.clinic.trial import DiaryEntry, Trial
from drgstim.errors import InputError

from .outcomes_fixtures import sample_record

_diary_entry = st.builds(
    DiaryEntry,
    date=st.dates(min_value=date(2026, 1, 1), max_value=date(2026, 1, 30)),
    nrs_average=st.floats(0, 10),
    nrs_worst=st.none() | st.floats(0, 10),
    relief_pct=st.none() | st.floats(0, 100),
    sleep_hours=st.none() | st.floats(0, 24),
    activity_minutes=st.none() | st.floats(0, 1440),
    steps=st.none() | st.integers(0, 200_000),
    pgic=st.none() | st.integers(1, 7),
    stim_on=st.booleans(),
    notes=st.text(max_size=20).filter(lambda t: t.strip() == t),
)


@pytest.fixture(scope="module")
def bundle() -> dict[str, Any]:
    return export_fhir_bundle(sample_record())


def _of(bundle: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def test_bundle_validates_and_has_every_resource_type(bundle: dict[str, Any]) -> None:
    parsed = Bundle.model_validate(json.loads(json.dumps(bundle)))
    assert parsed.type == "transaction"
    kinds = {e["resource"]["resourceType"] for e in bundle["entry"]}
    assert kinds == {
        "Patient",
        "Condition",
        "Observation",
        "QuestionnaireResponse",
        "Procedure",
        "Device",
        "AdverseEvent",
    }
    urls = [e["fullUrl"] for e in bundle["entry"]]
    assert len(urls) == len(set(urls))


def test_references_resolve_inside_the_bundle(bundle: dict[str, Any]) -> None:
    urls = {e["fullUrl"] for e in bundle["entry"]}
    text = json.dumps(bundle)
    refs = {part.split('"')[0] for part in text.split('"reference": "')[1:]}
    assert refs and refs <= urls


def test_nrs_phq9_gad7_use_loinc(bundle: dict[str, Any]) -> None:
    codes = [
        (
            o["code"]["coding"][0]["system"],
            o["code"]["coding"][0]["code"],
            o.get("valueQuantity", {}).get("value"),
        )
        for o in _of(bundle, "Observation")
    ]
    loinc = [c for c in codes if c[0] == "http://loinc.org"]
    assert ("http://loinc.org", "44261-6", 8) in loinc  # PHQ-9 total score at assessment
    assert ("http://loinc.org", "70274-6", 6) in loinc  # GAD-7 total score
    nrs = [c[2] for c in loinc if c[1] == "72514-3"]
    # assessment avg/worst/current (3) + trial baseline + 7 diary days + 4 visits × (avg, worst)
    assert len(nrs) == 3 + 1 + 7 + 8
    assert 7.5 in nrs and 2.5 in nrs


def test_patient_condition_adverse_event_standard_elements(bundle: dict[str, Any]) -> None:
    (patient,) = _of(bundle, "Patient")
    assert patient["birthDate"] == "1971-05-17" and patient["gender"] == "female"
    assert patient["name"][0] == {"family": "Rivera", "given": ["Ana", "Maria"]}
    (condition,) = _of(bundle, "Condition")
    assert condition["code"]["coding"][0]["code"] == "G90.522"
    (event,) = _of(bundle, "AdverseEvent")
    assert event["event"]["coding"][0] == {
        "system": "http://hl7.org/fhir/sid/icd-10-cm", "code": "T85.122A",
        "display": "Displacement of implanted electronic neurostimulator of spinal cord "
        "electrode (lead), initial encounter"}  # fmt: skip
    assert event["event"]["coding"][1]["code"] == "lead_migration"
    assert event["severity"]["coding"][0]["code"] == "moderate"
    assert event["outcome"]["coding"][0]["code"] == "resolved"
    review = [
        o for o in _of(bundle, "Observation") if o["code"]["coding"][-1]["code"] == "trial-review"
    ]
    assert review[0]["valueCodeableConcept"]["coding"][0]["code"] == "success"


def test_round_trip_restores_the_record_exactly(bundle: dict[str, Any]) -> None:
    record = sample_record()
    back = import_fhir_bundle(json.loads(json.dumps(bundle)))
    assert back == record
    assert back.to_dict() == record.to_dict()
    assert export_fhir_bundle(back) == bundle  # deterministic ids: same record, same bundle


def test_minimal_record_round_trips() -> None:
    record = PatientRecord(patient=Demographics(patient_id="X1"))
    assert import_fhir_bundle(export_fhir_bundle(record)) == record


def test_edited_bundle_is_refused(bundle: dict[str, Any]) -> None:
    edited = copy.deepcopy(bundle)
    event = next(
        e["resource"] for e in edited["entry"] if e["resource"]["resourceType"] == "AdverseEvent"
    )
    event["date"] = "2026-09-02"
    with pytest.raises(InputError, match=r"AdverseEvent\.date"):
        import_fhir_bundle(edited)


def test_invalid_bundles_are_input_errors(bundle: dict[str, Any]) -> None:
    with pytest.raises(InputError, match="resourceType"):
        import_fhir_bundle({"resourceType": "Patient"})
    broken = copy.deepcopy(bundle)
    broken["entry"][0]["resource"]["birthDate"] = "not-a-date"
    with pytest.raises(InputError, match="valid FHIR"):
        import_fhir_bundle(broken)
    no_patient = {"resourceType": "Bundle", "type": "collection", "entry": []}
    with pytest.raises(InputError, match="Patient"):
        import_fhir_bundle(no_patient)


def test_load_record_reads_both_forms(tmp_path: Any, bundle: dict[str, Any]) -> None:
    as_bundle = tmp_path / "bundle.json"
    as_bundle.write_text(json.dumps(bundle))
    as_record = tmp_path / "record.json"
    as_record.write_text(json.dumps(sample_record().to_dict()))
    assert load_record(as_bundle) == load_record(as_record) == sample_record()


def _strip_extensions(bundle: dict[str, Any]) -> dict[str, Any]:
    stripped = copy.deepcopy(bundle)
    for entry in stripped["entry"]:
        entry["resource"].pop("extension", None)
    return stripped


def test_bundle_without_drgstim_extensions_imports_from_standard_elements(
    bundle: dict[str, Any],
) -> None:
    """A bundle from another system (no record extension) gives what FHIR elements hold."""
    record = sample_record()
    back = import_fhir_bundle(_strip_extensions(bundle))
    assert back.patient == record.patient and back.conditions == record.conditions
    # every measure of assessments and visits comes back (QuestionnaireResponse + LOINC)
    assert [a.scores for a in back.assessments] == [a.scores for a in record.assessments]
    assert back.assessments[0].pain_map == ()  # no standard element for the body chart
    assert back.follow_ups == record.follow_ups
    # the whole diary comes back from Observation components
    (trial,) = back.trials
    original = record.trials[0]
    assert trial.trial.entries == original.trial.entries
    assert trial.trial.lead_levels == original.trial.lead_levels
    assert (trial.trial.start_date, trial.trial.end_date) == (
        original.trial.start_date,
        original.trial.end_date,
    )
    assert trial.baseline_nrs == original.baseline_nrs and trial.review is None
    (implant,) = back.procedures
    assert implant.kind == "implant" and implant.udi == record.procedures[0].udi
    assert [(x.level, x.side) for x in implant.leads] == [("L5", "left"), ("S1", "left")]
    assert back.programming_sessions[0].description == "S1 amplitude 700 µA"
    (event,) = back.complications
    assert (event.type, event.severity, event.occurred_on) == (
        "lead_migration",
        "moderate",
        record.complications[0].occurred_on,
    )
    assert back.device is not None and back.device.generator_serial == "IPG-123"


@settings(max_examples=25, deadline=None)
@given(entries=st.lists(_diary_entry, max_size=6, unique_by=lambda e: e.date))
def test_any_diary_round_trips_with_and_without_extensions(entries: list[DiaryEntry]) -> None:
    trial = Trial(start_date=date(2026, 1, 1), entries=tuple(sorted(entries, key=lambda e: e.date)))
    record = PatientRecord(
        patient=Demographics(patient_id="H-1"),
        trials=(TrialRecord(trial=trial, baseline_nrs=6.5),),
    )
    bundle = export_fhir_bundle(record)
    assert import_fhir_bundle(bundle) == record
    assert import_fhir_bundle(_strip_extensions(bundle)) == record  # nothing non-standard here

"""The FHIR export a payer's or hospital's server accepts: a transaction of conditional
creates, standard codes (LOINC totals, billable ICD-10-CM, CPT, UCUM), observation
categories and configurable identifier systems; import refuses values edited elsewhere."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from fhir.resources.R4B.bundle import Bundle

from drgstim.clinic.fhir import (
    FhirConflictError,
    FhirSystems,
    export_fhir_bundle,
    import_fhir_bundle,
)
from drgstim.clinic.outcomes import ConditionRecord
from drgstim.errors import InputError

from .outcomes_fixtures import sample_record

UCUM = "http://unitsofmeasure.org"


@pytest.fixture(scope="module")
def bundle() -> dict[str, Any]:
    return export_fhir_bundle(sample_record())


def _resources(bundle: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def test_transaction_of_conditional_creates(bundle: dict[str, Any]) -> None:
    assert Bundle.model_validate(bundle).type == "transaction"
    for entry in bundle["entry"]:
        resource, request = entry["resource"], entry["request"]
        assert request["method"] == "POST" and request["url"] == resource["resourceType"]
        ident = resource["identifier"]
        ident = ident[0] if isinstance(ident, list) else ident
        assert request["ifNoneExist"] == f"identifier={ident['system']}|{ident['value']}"
    assert "example.org" not in json.dumps(bundle)


def test_identifier_systems_are_configurable() -> None:
    systems = FhirSystems(base="https://fhir.clinic.test", patient_identifier="urn:oid:1.2.3.4")
    data = export_fhir_bundle(sample_record(), systems=systems)
    (patient,) = _resources(data, "Patient")
    assert patient["identifier"][0]["system"] == "urn:oid:1.2.3.4"
    others = [e for e in data["entry"] if e["resource"]["resourceType"] != "Patient"]
    assert all("https://fhir.clinic.test/resource-id|" in e["request"]["ifNoneExist"]
               for e in others)  # fmt: skip


def test_quantities_carry_ucum_and_observations_a_category(bundle: dict[str, Any]) -> None:
    observations = _resources(bundle, "Observation")
    for o in observations:
        assert o["category"][0]["coding"][0]["system"].startswith("http://terminology.hl7.org/")
        quantities = [o.get("valueQuantity")] + [
            c.get("valueQuantity") for c in o.get("component", [])
        ]
        for q in filter(None, quantities):
            assert q["system"] == UCUM and q["code"] and q["unit"], o
    diary = next(o for o in observations if any(
        c["code"]["coding"][0]["code"] == "mme" for c in o.get("component", [])))  # fmt: skip
    mme = next(c for c in diary["component"] if c["code"]["coding"][0]["code"] == "mme")
    assert mme["valueQuantity"]["code"] == "mg/d" and mme["valueQuantity"]["unit"] == "MME/day"


def test_procedures_carry_cpt_and_events_icd10cm(bundle: dict[str, Any]) -> None:
    cpt = {p["code"]["coding"][0]["code"] for p in _resources(bundle, "Procedure")}
    assert {"63650", "63685"} <= cpt
    for p in _resources(bundle, "Procedure"):
        assert p["code"]["coding"][0]["system"] == "http://www.ama-assn.org/go/cpt"
    for e in _resources(bundle, "AdverseEvent"):
        assert e["event"]["coding"][0]["system"] == "http://hl7.org/fhir/sid/icd-10-cm"


@pytest.mark.parametrize(
    ("site", "expected"),
    [("left foot", "G90.522"), ("right ankle", "G90.521"), ("feet, bilateral", "G90.523")],
)
def test_non_billable_parent_becomes_the_sided_child(site: str, expected: str) -> None:
    record = sample_record().model_copy(
        update={"conditions": (ConditionRecord(code="G90.52", body_site=site),)}
    )
    (condition,) = _resources(export_fhir_bundle(record), "Condition")
    assert condition["code"]["coding"][0]["code"] == expected


def test_non_billable_parent_without_side_is_refused() -> None:
    record = sample_record().model_copy(
        update={"conditions": (ConditionRecord(code="G90.52", body_site="foot"),)}
    )
    with pytest.raises(InputError, match=r"conditions\[0\]\.code.*G90\.522 \(left\)"):
        export_fhir_bundle(record)


def _edit(bundle: dict[str, Any], match: Any, change: Any) -> dict[str, Any]:
    edited = copy.deepcopy(bundle)
    target = next(e["resource"] for e in edited["entry"] if match(e["resource"]))
    change(target)
    return edited


def _is_phq9(r: dict[str, Any]) -> bool:
    return r["resourceType"] == "Observation" and r["code"]["coding"][0]["code"] == "44261-6"


def test_phq9_edited_elsewhere_is_refused_naming_resource_and_field(
    bundle: dict[str, Any],
) -> None:
    edited = _edit(bundle, _is_phq9, lambda r: r["valueQuantity"].update(value=25))
    with pytest.raises(FhirConflictError) as info:
        import_fhir_bundle(edited)
    assert "PHQ-9 total" in info.value.resource
    assert "valueQuantity.value" in str(info.value) and "25" in str(info.value)


def test_diary_nrs_edited_elsewhere_is_refused(bundle: dict[str, Any]) -> None:
    def is_diary(r: dict[str, Any]) -> bool:
        return r["resourceType"] == "Observation" and any(
            c["code"] == "nrs-average-diary" for c in r.get("method", {}).get("coding", [])
        )

    edited = _edit(bundle, is_diary, lambda r: r["valueQuantity"].update(value=9))
    with pytest.raises(FhirConflictError, match=r"trial diary .*valueQuantity\.value"):
        import_fhir_bundle(edited)


def test_cli_refuses_a_conflicting_bundle_with_exit_2(
    bundle: dict[str, Any], tmp_path: Path
) -> None:
    path = tmp_path / "edited.json"
    path.write_text(json.dumps(_edit(bundle, _is_phq9, lambda r: r["valueQuantity"].update(
        value=25))), encoding="utf-8")  # fmt: skip
    out = tmp_path / "followup.html"
    cmd = [sys.executable, "-c", "from drgstim.cli.main import run; run()", "report",
           "followup", str(path), "--out", str(out)]  # fmt: skip
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 2 and not out.exists()
    assert "PHQ-9 total" in result.stderr and "valueQuantity.value" in result.stderr
    assert "Traceback" not in result.stderr


def test_api_answers_409_for_a_conflicting_import(bundle: dict[str, Any]) -> None:
    from fastapi import FastAPI
    from fastapi.testclient import TestClient

    from drgstim.api.errors import install_error_handlers

    app = FastAPI()
    install_error_handlers(app)
    edited = _edit(bundle, _is_phq9, lambda r: r["valueQuantity"].update(value=25))

    @app.post("/import")
    def _import() -> dict[str, str]:
        import_fhir_bundle(edited)
        return {"imported": "yes"}

    answer = TestClient(app).post("/import")
    assert answer.status_code == 409
    detail = answer.json()["detail"][0]
    assert "PHQ-9 total" in detail["field"] and "valueQuantity.value" in detail["field"]

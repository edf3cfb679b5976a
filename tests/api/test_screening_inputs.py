"""The API screening reads the new clinical inputs: age from the patient's birth date, the
pain floor from the assessment's average NRS, and the risk fields of the history."""

from __future__ import annotations

from typing import Any

from api_support import Team
from fastapi.testclient import TestClient

from drgstim.storage.models import Role

HISTORY: dict[str, Any] = {
    "pain_duration_months": 24, "neuropathic": True, "diagnoses": ["crps1"],
    "failed_treatments": ["medication", "nerve_block"], "medication_classes_tried": 2,
    "conditions": [], "expectations_aligned": True,
}  # fmt: skip


def _screen(client: TestClient, team: Team, scores: dict[str, Any], history: dict[str, Any]) -> Any:
    nurse = team.headers(Role.NURSE)
    assessment = client.post(
        f"/api/patients/{team.own_patient.id}/assessments",
        json={"assessed_on": "2026-11-01", "scores": scores, "history": HISTORY | history,
              "pain_map": [{"region": "foot_top", "side": "left", "intensity": 7}]},
        headers=nurse,
    ).json()  # fmt: skip
    answer = client.post(f"/api/assessments/{assessment['id']}/screening", headers=nurse)
    assert answer.status_code == 201, answer.text
    return answer.json()["result"]


def test_api_screening_uses_pain_floor_and_anticoagulant_plan(
    client: TestClient, team: Team
) -> None:
    low = _screen(client, team, {"nrs_average": 3}, {})
    assert low["verdict"] == "not_eligible"
    assert "pain_below_floor" in {r["id"] for r in low["rules"]}
    coag = _screen(client, team, {"nrs_average": 7}, {"anticoagulants": ["apixaban"]})
    rule = next(r for r in coag["rules"] if r["id"] == "anticoagulant")
    assert "apixaban: stop 3 days before" in rule["action"] and "Narouze" in rule["source"]
    assert coag["alternatives"]

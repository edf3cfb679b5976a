"""Trial evaluation and reviews through the API, by the clinic layer's ≥ 50 % rule."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from api_support import Team, sign_consent
from fastapi.testclient import TestClient

from drgstim.storage.models import Role

TODAY = datetime.now(UTC).date()


def _trial_with_diary(client: TestClient, team: Team, nrs: list[float]) -> dict[str, Any]:
    clinician = team.headers(Role.CLINICIAN)
    start = TODAY - timedelta(days=len(nrs))
    sign_consent(client, team, team.own_patient.id, "trial")
    trial = client.post(
        f"/api/patients/{team.own_patient.id}/trials",
        json={"started_on": start.isoformat(), "baseline_nrs": 8.0},
        headers=clinician,
    ).json()
    for i, value in enumerate(nrs):
        day = (start + timedelta(days=i)).isoformat()
        answer = client.post(
            f"/api/trials/{trial['id']}/diary",
            json={"day": day, "nrs_average": value},
            headers=team.headers(Role.PATIENT),
        )
        assert answer.status_code == 201, answer.text
    return dict(trial)


def test_halved_pain_is_a_success_and_the_review_is_stored_and_audited(
    client: TestClient, team: Team
) -> None:
    trial = _trial_with_diary(client, team, [4.0, 3.5, 3.0, 3.5, 4.0, 3.0, 3.0])
    preview = client.get(
        f"/api/trials/{trial['id']}/evaluation", headers=team.headers(Role.NURSE)
    ).json()
    assert preview["verdict"] == "success"
    assert preview["reduction_pct"] > 50
    assert preview["threshold_nrs"] == 4.0  # half of the baseline 8
    nurse_try = client.post(
        f"/api/trials/{trial['id']}/reviews", json={}, headers=team.headers(Role.NURSE)
    )
    assert nurse_try.status_code == 403
    stored = client.post(
        f"/api/trials/{trial['id']}/reviews",
        json={"goals_met": True, "notes": "walks the dog again"},
        headers=team.headers(Role.CLINICIAN),
    )
    assert stored.status_code == 201, stored.text
    assert stored.json()["verdict"] == "success"
    assert stored.json()["result"]["recommendation"] == "proceed_to_implant"
    patient = client.get(
        f"/api/patients/{team.own_patient.id}", headers=team.headers(Role.CLINICIAN)
    ).json()
    assert patient["stage"] == "trial_reviewed"
    audit = client.get(
        "/api/audit", params={"entity": "trial_reviews"}, headers=team.headers(Role.ADMIN)
    ).json()
    assert [r["new"]["verdict"] for r in audit["items"]] == ["success"]


def test_too_little_relief_is_a_failure(client: TestClient, team: Team) -> None:
    trial = _trial_with_diary(client, team, [7.0, 6.5, 7.5, 7.0, 6.0, 7.0, 7.0])
    preview = client.get(
        f"/api/trials/{trial['id']}/evaluation", headers=team.headers(Role.CLINICIAN)
    ).json()
    assert preview["verdict"] == "failure"
    assert preview["recommendation"] == "do_not_implant"


def test_a_single_diary_day_is_not_enough_to_judge(client: TestClient, team: Team) -> None:
    trial = _trial_with_diary(client, team, [2.0])
    preview = client.get(
        f"/api/trials/{trial['id']}/evaluation", headers=team.headers(Role.CLINICIAN)
    ).json()
    assert preview["verdict"] == "insufficient_data"


def test_patients_and_unknown_criteria_are_refused(client: TestClient, team: Team) -> None:
    trial = _trial_with_diary(client, team, [3.0, 3.0, 3.0])
    url = f"/api/trials/{trial['id']}/evaluation"
    assert client.get(url, headers=team.headers(Role.PATIENT)).status_code == 403
    answer = client.get(url, params={"criteria": "lenient"}, headers=team.headers("clinician"))
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["field"] == "criteria"


def test_the_clinicians_decision_is_recorded_and_ends_the_trial(
    client: TestClient, team: Team
) -> None:
    trial = _trial_with_diary(client, team, [4.0, 3.0, 3.0, 2.5])
    clinician = team.headers(Role.CLINICIAN)
    url = f"/api/trials/{trial['id']}/reviews"
    bad = client.post(url, json={"decision": "maybe"}, headers=clinician)
    assert bad.status_code == 422 and bad.json()["detail"][0]["field"] == "decision"
    extended = client.post(url, json={"decision": "extend_trial"}, headers=clinician).json()
    assert extended.get("decision") == "extend_trial", extended
    assert client.get(f"/api/trials/{trial['id']}", headers=clinician).json()["status"] == "active"
    decided = client.post(url, json={"decision": "proceed_to_implant"}, headers=clinician)
    assert decided.status_code == 201 and decided.json()["decision"] == "proceed_to_implant"
    ended = client.get(f"/api/trials/{trial['id']}", headers=clinician).json()
    assert ended["status"] == "ended" and ended["ended_on"] == TODAY.isoformat()
    # the review stays a valid record for the FHIR export and the reports
    bundle = client.get(f"/api/patients/{team.own_patient.id}/fhir", headers=clinician)
    assert bundle.status_code == 200, bundle.text

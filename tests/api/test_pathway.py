"""Pathway records through the API: create/read/update/delete, paging, audit, roles, and
patients confined to their own diary."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from api_support import Team, sign_consent
from fastapi.testclient import TestClient

from drgstim.storage.models import Role

TODAY = datetime.now(UTC).date()


def _trial(client: TestClient, team: Team, patient_id: object, **extra: Any) -> dict[str, Any]:
    body = {"started_on": (TODAY - timedelta(days=3)).isoformat(), "baseline_nrs": 7.0, **extra}
    sign_consent(client, team, patient_id, "trial")
    answer = client.post(
        f"/api/patients/{patient_id}/trials", json=body, headers=team.headers(Role.CLINICIAN)
    )
    assert answer.status_code == 201, answer.text
    return dict(answer.json())


def _diary(day: date, nrs: float = 4.0) -> dict[str, Any]:
    return {"day": day.isoformat(), "nrs_average": nrs}


def _audit(client: TestClient, team: Team, entity_id: str) -> list[dict[str, Any]]:
    answer = client.get(
        "/api/audit", params={"entity_id": entity_id}, headers=team.headers(Role.ADMIN)
    )
    return list(answer.json()["items"])


def test_assessment_lifecycle_is_audited_step_by_step(client: TestClient, team: Team) -> None:
    nurse, clinician = team.headers(Role.NURSE), team.headers(Role.CLINICIAN)
    body = {
        "assessed_on": "2026-11-01",
        "pain_map": [{"region": "knee", "side": "right", "intensity": 7}],
        "scores": {"nrs_average": 7, "phq9": 5},
    }
    url = f"/api/patients/{team.own_patient.id}/assessments"
    created = client.post(url, json=body, headers=nurse)
    assert created.status_code == 201, created.text
    record = created.json()
    assert record["pain_map"] == [{"region": "knee", "side": "right", "intensity": 7.0}]
    changed = client.patch(
        f"/api/assessments/{record['id']}",
        json={"scores": {"nrs_average": 6}, "version": 1},
        headers=nurse,
    )
    assert changed.status_code == 200
    assert changed.json()["version"] == 2
    stale = client.patch(
        f"/api/assessments/{record['id']}", json={"history": {}, "version": 1}, headers=nurse
    )
    assert stale.status_code == 409
    assert client.delete(f"/api/assessments/{record['id']}", headers=nurse).status_code == 403
    assert client.delete(f"/api/assessments/{record['id']}", headers=clinician).status_code == 204
    assert client.get(f"/api/assessments/{record['id']}", headers=clinician).status_code == 404
    rows = _audit(client, team, record["id"])
    assert [r["action"] for r in rows] == ["delete", "update", "create"]
    assert [r["actor"] for r in rows] == ["clinician-user", "nurse-user", "nurse-user"]
    assert rows[1]["old"]["scores"]["nrs_average"] == 7
    assert rows[1]["new"]["scores"]["nrs_average"] == 6


def test_out_of_range_scores_get_422_naming_field_value_and_range(
    client: TestClient, team: Team
) -> None:
    body = {"assessed_on": "2026-11-01", "scores": {"nrs_average": 11}}
    answer = client.post(
        f"/api/patients/{team.own_patient.id}/assessments",
        json=body,
        headers=team.headers(Role.CLINICIAN),
    )
    assert answer.status_code == 422
    detail = answer.json()["detail"][0]
    assert detail["field"] == "scores.nrs_average"
    assert detail["value"] == 11
    assert "10" in detail["allowed"]


@pytest.mark.parametrize(
    "body",
    [
        "not json at all",
        {"assessed_on": "yesterday"},
        {"assessed_on": "2026-11-01", "unknown": 1},
        {"assessed_on": "2026-11-01", "pain_map": [{"region": "knee", "side": "up"}]},
    ],
)
def test_malformed_bodies_are_422_never_500(client: TestClient, team: Team, body: Any) -> None:
    url = f"/api/patients/{team.own_patient.id}/assessments"
    headers = team.headers(Role.CLINICIAN)
    if isinstance(body, str):
        headers = {**headers, "content-type": "application/json"}
        answer = client.post(url, content=body, headers=headers)
    else:
        answer = client.post(url, json=body, headers=headers)
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["message"]


def test_unknown_ids_are_404_and_bad_ids_422(client: TestClient, team: Team) -> None:
    headers = team.headers(Role.CLINICIAN)
    missing = "00000000-0000-4000-8000-000000000000"
    assert client.get(f"/api/trials/{missing}", headers=headers).status_code == 404
    assert client.get(f"/api/patients/{missing}/trials", headers=headers).status_code == 404
    assert client.get("/api/trials/not-a-uuid", headers=headers).status_code == 422


def test_patients_list_pages_with_total(client: TestClient, team: Team) -> None:
    headers = team.headers(Role.NURSE)
    for i in range(5):
        body = {"mrn": f"M{i}", "given_name": "G", "family_name": f"F{i}"}
        body["birth_date"] = "1960-01-01"
        assert client.post("/api/patients", json=body, headers=headers).status_code == 201
    answer = client.get("/api/patients", params={"limit": 3, "offset": 2}, headers=headers).json()
    assert answer["total"] == 7  # 5 + the two fixture patients
    assert len(answer["items"]) == 3
    assert (answer["limit"], answer["offset"]) == (3, 2)
    assert client.get("/api/patients", params={"limit": 0}, headers=headers).status_code == 422


def test_duplicate_mrn_is_409(client: TestClient, team: Team) -> None:
    body = {"mrn": "P-OWN", "given_name": "A", "family_name": "B", "birth_date": "1960-01-01"}
    answer = client.post("/api/patients", json=body, headers=team.headers(Role.CLINICIAN))
    assert answer.status_code == 409


def test_patient_writes_and_reads_only_their_own_diary(client: TestClient, team: Team) -> None:
    own = _trial(client, team, team.own_patient.id)
    other = _trial(client, team, team.other_patient.id)
    patient = team.headers(Role.PATIENT)
    day = TODAY - timedelta(days=1)
    mine = client.post(f"/api/trials/{own['id']}/diary", json=_diary(day), headers=patient)
    assert mine.status_code == 201, mine.text
    theirs = client.post(f"/api/trials/{other['id']}/diary", json=_diary(day), headers=patient)
    assert theirs.status_code == 404
    assert client.get(f"/api/trials/{other['id']}/diary", headers=patient).status_code == 404
    assert client.get(f"/api/trials/{other['id']}", headers=patient).status_code == 404
    assert client.get(f"/api/patients/{team.other_patient.id}", headers=patient).status_code == 404
    listed = client.get("/api/patients", headers=patient).json()
    assert [p["id"] for p in listed["items"]] == [str(team.own_patient.id)]
    own_diary = client.get(f"/api/trials/{own['id']}/diary", headers=patient).json()
    assert [e["day"] for e in own_diary["items"]] == [day.isoformat()]
    # the other patient's trial received nothing
    staff = client.get(f"/api/trials/{other['id']}/diary", headers=team.headers(Role.NURSE))
    assert staff.json()["total"] == 0
    rows = _audit(client, team, mine.json()["id"])
    assert (rows[0]["actor"], rows[0]["action"], rows[0]["entity"]) == (
        "patient-user",
        "create",
        "diary_entries",
    )


def test_patients_cannot_reach_staff_records(client: TestClient, team: Team) -> None:
    patient = team.headers(Role.PATIENT)
    own = team.own_patient.id
    assert client.get(f"/api/patients/{own}/assessments", headers=patient).status_code == 403
    assert client.get(f"/api/patients/{own}/complications", headers=patient).status_code == 403
    body = {"mrn": "X", "given_name": "A", "family_name": "B", "birth_date": "1960-01-01"}
    assert client.post("/api/patients", json=body, headers=patient).status_code == 403
    assert client.get("/api/users", headers=patient).status_code == 403


def test_diary_days_outside_the_trial_or_twice_are_refused(client: TestClient, team: Team) -> None:
    trial = _trial(client, team, team.own_patient.id)
    url = f"/api/trials/{trial['id']}/diary"
    patient = team.headers(Role.PATIENT)
    before = client.post(url, json=_diary(TODAY - timedelta(days=10)), headers=patient)
    assert before.status_code == 422
    assert before.json()["detail"][0]["field"] == "day"
    future = client.post(url, json=_diary(TODAY + timedelta(days=5)), headers=patient)
    assert future.status_code == 422
    assert client.post(url, json=_diary(TODAY), headers=patient).status_code == 201
    again = client.post(url, json=_diary(TODAY, 3.0), headers=patient)
    assert again.status_code == 409
    # said in words a patient understands, not as the database's constraint error
    assert again.json()["detail"].startswith("There is already a diary entry for")
    assert "UNIQUE" not in again.text and "constraint" not in again.text


def test_an_ended_trial_takes_no_more_diary_days(client: TestClient, team: Team) -> None:
    trial = _trial(client, team, team.own_patient.id)
    ended = client.patch(
        f"/api/trials/{trial['id']}", json={"status": "ended"}, headers=team.headers(Role.NURSE)
    )
    assert ended.status_code == 200
    answer = client.post(
        f"/api/trials/{trial['id']}/diary", json=_diary(TODAY), headers=team.headers(Role.PATIENT)
    )
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["field"] == "trial.status"


@pytest.mark.parametrize(
    ("path", "body"),
    [
        (
            "implants",
            {
                "procedure": "implant",
                "performed_on": "2026-10-01",
                "levels": [{"level": "L5", "side": "left"}],
            },
        ),
        ("follow-ups", {"visit_on": "2026-11-01", "month": 1, "scores": {"nrs_average": 3}}),
        (
            "complications",
            {
                "occurred_on": "2026-11-02",
                "kind": "lead_migration",
                "severity": "moderate",
                "management": "revision",
            },
        ),
        (
            "devices",
            {
                "kind": "ipg",
                "serial": "SN-1",
                "leads": [{"lead": 1, "level": "L5", "side": "left", "impedance_ohm": 1500}],
            },
        ),
    ],
)
def test_each_record_type_round_trips_with_audit(
    client: TestClient, team: Team, path: str, body: dict[str, Any]
) -> None:
    headers = team.headers(Role.CLINICIAN)
    if path == "implants":
        sign_consent(client, team, team.own_patient.id, "implant")
    if path == "follow-ups":  # a visit a month after an implant
        sign_consent(client, team, team.own_patient.id, "implant")
        implant = {"procedure": "implant", "performed_on": "2026-10-01"}
        url = f"/api/patients/{team.own_patient.id}/implants"
        assert client.post(url, json=implant, headers=headers).status_code == 201
    created = client.post(f"/api/patients/{team.own_patient.id}/{path}", json=body, headers=headers)
    assert created.status_code == 201, created.text
    record = created.json()
    fetched = client.get(f"/api/{path}/{record['id']}", headers=headers).json()
    assert fetched == record
    listed = client.get(f"/api/patients/{team.own_patient.id}/{path}", headers=headers).json()
    assert [r["id"] for r in listed["items"]] == [record["id"]]
    assert [r["action"] for r in _audit(client, team, record["id"])] == ["create"]


def test_a_nurse_may_not_record_devices_or_implants(client: TestClient, team: Team) -> None:
    nurse = team.headers(Role.NURSE)
    device = {"kind": "ipg", "serial": "SN-2"}
    implant = {"procedure": "implant", "performed_on": "2026-10-01"}
    own = team.own_patient.id
    for path, body in (("devices", device), ("implants", implant)):
        answer = client.post(f"/api/patients/{own}/{path}", json=body, headers=nurse)
        assert answer.status_code == 403


def test_programming_sessions_and_events_record_who_and_when(
    client: TestClient, team: Team
) -> None:
    programmer = team.headers(Role.PROGRAMMER)
    device = client.post(
        f"/api/patients/{team.own_patient.id}/devices",
        json={"kind": "trial_stimulator", "serial": "TS-9"},
        headers=programmer,
    ).json()
    session = client.post(
        f"/api/devices/{device['id']}/programming-sessions", json={}, headers=programmer
    ).json()
    assert session["clinician_id"] == str(team.users[Role.PROGRAMMER].id)
    assert session["ended_at"] is None
    event = client.post(
        f"/api/devices/{device['id']}/device-events",
        json={
            "kind": "impedance_measured",
            "data": {"lead": 1, "ohm": 1500},
            "session_id": session["id"],
        },
        headers=programmer,
    )
    assert event.status_code == 201
    closed = client.patch(
        f"/api/programming-sessions/{session['id']}", json={"ended": True}, headers=programmer
    ).json()
    assert closed["ended_at"] is not None
    # the event log is append-only through the API
    url = f"/api/device-events/{event.json()['id']}"
    gone = client.delete(url, headers=team.headers("clinician"))
    assert gone.status_code == 403


def test_deleting_a_patient_audits_every_row_and_locks_their_account(
    client: TestClient, team: Team
) -> None:
    trial = _trial(client, team, team.own_patient.id)
    patient = team.headers(Role.PATIENT)
    entry = client.post(
        f"/api/trials/{trial['id']}/diary", json=_diary(TODAY), headers=patient
    ).json()
    clinician = team.headers(Role.CLINICIAN)
    answer = client.delete(f"/api/patients/{team.own_patient.id}", headers=clinician)
    assert answer.status_code == 204
    for entity_id, entity in (
        (entry["id"], "diary_entries"),
        (trial["id"], "trials"),
        (str(team.own_patient.id), "patients"),
    ):
        rows = _audit(client, team, entity_id)
        assert (rows[0]["action"], rows[0]["entity"]) == ("delete", entity)
    assert client.get(f"/api/trials/{trial['id']}", headers=clinician).status_code == 404
    assert client.get("/api/patients", headers=patient).status_code == 401


def test_only_clinicians_and_nurses_screen_or_plan(client: TestClient, team: Team) -> None:
    assessment = client.post(
        f"/api/patients/{team.own_patient.id}/assessments",
        json={"assessed_on": "2026-11-01"},
        headers=team.headers(Role.CLINICIAN),
    ).json()
    for action in ("screening", "plan"):
        url = f"/api/assessments/{assessment['id']}/{action}"
        for role in (Role.PATIENT, Role.PROGRAMMER, Role.ADMIN):
            assert client.post(url, headers=team.headers(role)).status_code == 403
    missing = "/api/assessments/00000000-0000-4000-8000-000000000000/screening"
    assert client.post(missing, headers=team.headers(Role.NURSE)).status_code == 404
    listed = client.get(
        f"/api/assessments/{assessment['id']}/screenings", headers=team.headers(Role.NURSE)
    )
    assert listed.json()["total"] == 0


HISTORY = {
    "pain_duration_months": 24,
    "neuropathic": True,
    "diagnoses": ["crps1"],
    "failed_treatments": ["medication", "nerve_block"],
    "medication_classes_tried": 2,
    "conditions": [],
    "expectations_aligned": True,
}


def test_screening_and_planning_by_the_clinic_rules_are_stored_and_audited(
    client: TestClient, team: Team
) -> None:
    nurse = team.headers(Role.NURSE)
    assessment = client.post(
        f"/api/patients/{team.own_patient.id}/assessments",
        json={
            "assessed_on": "2026-11-01",
            "pain_map": [{"region": "knee", "side": "right", "intensity": 7}],
            "scores": {"nrs_average": 7, "phq9": 4, "gad7": 3},
            "history": HISTORY,
        },
        headers=nurse,
    ).json()
    screened = client.post(f"/api/assessments/{assessment['id']}/screening", headers=nurse)
    assert screened.status_code == 201, screened.text
    body = screened.json()
    assert body["outcome"] == body["result"]["verdict"] == "eligible"
    assert all(rule["source"] for rule in body["result"]["rules"])
    planned = client.post(f"/api/assessments/{assessment['id']}/plan", headers=nurse)
    assert planned.status_code == 201, planned.text
    leads = planned.json()["result"]["leads"]
    # clinical.md: knee → L3 (± L4)
    assert ("L3", "right") in {(lead["level"], lead["side"]) for lead in leads}
    patient = client.get(f"/api/patients/{team.own_patient.id}", headers=nurse).json()
    assert patient["stage"] == "planned"
    for entity in ("screenings", "plans"):
        rows = client.get(
            "/api/audit", params={"entity": entity}, headers=team.headers(Role.ADMIN)
        ).json()
        assert rows["total"] == 1 and rows["items"][0]["actor"] == "nurse-user"


def test_screening_without_its_inputs_names_what_is_missing(client: TestClient, team: Team) -> None:
    clinician = team.headers(Role.CLINICIAN)
    assessment = client.post(
        f"/api/patients/{team.own_patient.id}/assessments",
        json={"assessed_on": "2026-11-01", "history": {"pain_duration_months": 12}},
        headers=clinician,
    ).json()
    answer = client.post(f"/api/assessments/{assessment['id']}/screening", headers=clinician)
    assert answer.status_code == 422
    fields = {d["field"] for d in answer.json()["detail"]}
    assert {"neuropathic", "expectations_aligned"} <= fields


def test_an_unknown_body_region_is_refused(client: TestClient, team: Team) -> None:
    answer = client.post(
        f"/api/patients/{team.own_patient.id}/assessments",
        json={
            "assessed_on": "2026-11-01",
            "pain_map": [{"region": "elbow_tip", "side": "left", "intensity": 5}],
        },
        headers=team.headers(Role.CLINICIAN),
    )
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["field"] == "region"


def test_follow_up_months_are_counted_from_the_implant(client: TestClient, team: Team) -> None:
    headers = team.headers(Role.CLINICIAN)
    url = f"/api/patients/{team.own_patient.id}/follow-ups"
    visit = {"visit_on": "2026-11-01", "month": 3}
    before = client.post(url, json=visit, headers=headers)
    assert before.status_code == 422 and before.json()["detail"][0]["field"] == "visit_on"
    sign_consent(client, team, team.own_patient.id, "implant")
    implant = {"procedure": "implant", "performed_on": "2026-10-01"}
    client.post(f"/api/patients/{team.own_patient.id}/implants", json=implant, headers=headers)
    wrong = client.post(url, json=visit, headers=headers)  # one month after, not three
    assert wrong.status_code == 422
    assert wrong.json()["detail"][0]["field"] == "month"
    assert "due between 2026-12-09 and 2027-01-24" in wrong.json()["detail"][0]["message"]
    assert client.post(url, json={**visit, "month": 1}, headers=headers).status_code == 201

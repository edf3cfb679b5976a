"""The patient's side: consent before a procedure, the pre-visit checklist and its import
into an assessment, and the recovery plan with its calendar file."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from api_support import Team, sign_consent
from fastapi.testclient import TestClient

from drgstim.clinic import patient_guide as guide
from drgstim.storage.models import Role

TODAY = datetime.now(UTC).date()
# The risks every consent for an operation must name (the patient guide's risk page).
RISK_WORDS = (
    "Infection",
    "Bleeding",
    "lead can move",
    "soreness",
    "reprogramming",
    "Nerve irritation",
    "jolt",
    "may not help",
    "paralysis",
)


def _audit(client: TestClient, team: Team, record_id: str) -> list[dict[str, Any]]:
    answer = client.get(
        "/api/audit", params={"entity_id": record_id}, headers=team.headers(Role.ADMIN)
    )
    assert answer.status_code == 200, answer.text
    return list(answer.json()["items"])


def test_a_trial_needs_the_patients_signed_consent(client: TestClient, team: Team) -> None:
    clinician = team.headers(Role.CLINICIAN)
    url = f"/api/patients/{team.own_patient.id}/trials"
    body = {"started_on": TODAY.isoformat(), "baseline_nrs": 7.0}
    refused = client.post(url, json=body, headers=clinician)
    assert refused.status_code == 422
    assert refused.json()["detail"][0]["field"] == "consent"
    assert "trial consent" in refused.json()["detail"][0]["allowed"]

    signed = client.post(
        f"/api/patients/{team.own_patient.id}/consents",
        json={"procedure": "trial", "signed_by_name": "Own Test"},
        headers=team.headers(Role.PATIENT),
    )
    assert signed.status_code == 201, signed.text
    consent = signed.json()
    assert consent["recorded_by_id"] == str(team.users[Role.PATIENT].id)
    assert consent["signed_by_name"] == "Own Test"
    assert abs(datetime.fromisoformat(consent["signed_at"]) - datetime.now(UTC)) < timedelta(
        minutes=1
    )
    assert [e["action"] for e in _audit(client, team, consent["id"])] == ["create"]
    assert client.post(url, json=body, headers=clinician).status_code == 201

    withdrawn = client.patch(
        f"/api/consents/{consent['id']}", json={"withdrawn": True}, headers=clinician
    )
    assert withdrawn.status_code == 200 and withdrawn.json()["withdrawn_at"]
    assert client.post(url, json=body, headers=clinician).status_code == 422


def test_an_implant_needs_a_consent_for_that_procedure(client: TestClient, team: Team) -> None:
    clinician = team.headers(Role.CLINICIAN)
    own = team.own_patient.id
    sign_consent(client, team, own, "trial")
    body = {"procedure": "revision", "performed_on": TODAY.isoformat()}
    assert (
        client.post(f"/api/patients/{own}/implants", json=body, headers=clinician).status_code
        == 422
    )
    sign_consent(client, team, own, "revision")
    assert (
        client.post(f"/api/patients/{own}/implants", json=body, headers=clinician).status_code
        == 201
    )


def test_each_consent_document_lists_the_risks_and_the_alternatives(
    client: TestClient, team: Team
) -> None:
    headers = team.headers(Role.PATIENT)
    for procedure in ("trial", "implant", "revision"):
        doc = client.get(f"/api/consent-documents/{procedure}", headers=headers).json()
        text = " ".join(doc["risks"])
        missing = [w for w in RISK_WORDS if w.lower() not in text.lower()]
        assert missing == [], (procedure, missing)
        assert len(doc["alternatives"]) == len(guide.guide_data()["consent"]["alternatives"])
        assert any("Spinal cord stimulation" in a for a in doc["alternatives"])
        assert doc["sources"]
    explant = client.get("/api/consent-documents/explant", headers=headers).json()
    assert {"Infection", "Bleeding", "paralysis"} <= {
        w for w in RISK_WORDS if w in " ".join(explant["risks"])
    }
    unknown = client.get("/api/consent-documents/tattoo", headers=headers)
    assert unknown.status_code == 422 and unknown.json()["detail"][0]["field"] == "procedure"


def test_a_patient_signs_only_their_own_consent(client: TestClient, team: Team) -> None:
    answer = client.post(
        f"/api/patients/{team.other_patient.id}/consents",
        json={"procedure": "trial", "signed_by_name": "Someone"},
        headers=team.headers(Role.PATIENT),
    )
    assert answer.status_code == 404


CHECKLIST = {
    "submitted_on": TODAY.isoformat(),
    "pain_areas": [{"region": "knee", "side": "left"}],
    "pain_duration_months": 14,
    "nrs_average": 7,
    "nrs_worst": 9,
    "treatments_tried": ["medication", "physiotherapy"],
    "conditions": ["diabetes"],
    "medications": "gabapentin 300 mg three times a day",
    "goals": "walk the dog for 30 minutes",
    "questions": "How long is the trial?",
}


def test_a_clinician_imports_the_patients_checklist_into_an_assessment(
    client: TestClient, team: Team
) -> None:
    own = team.own_patient.id
    sent = client.post(
        f"/api/patients/{own}/checklists", json=CHECKLIST, headers=team.headers(Role.PATIENT)
    )
    assert sent.status_code == 201, sent.text
    checklist = sent.json()
    imported = client.post(
        f"/api/checklists/{checklist['id']}/assessment", headers=team.headers(Role.CLINICIAN)
    )
    assert imported.status_code == 201, imported.text
    assessment = imported.json()
    assert assessment["pain_map"] == [{"region": "knee", "side": "left", "intensity": 7}]
    assert assessment["scores"] == {"nrs_average": 7, "nrs_worst": 9}
    history = assessment["history"]
    assert history["pain_duration_months"] == 14
    assert history["failed_treatments"] == ["medication", "physiotherapy"]
    assert history["conditions"] == ["diabetes"]
    assert history["goals"] == "walk the dog for 30 minutes"
    assert history["checklist_id"] == checklist["id"]
    patient = client.get(f"/api/patients/{own}", headers=team.headers(Role.CLINICIAN)).json()
    assert patient["stage"] == "assessed"
    assert [e["action"] for e in _audit(client, team, assessment["id"])] == ["create"]
    # a patient cannot start an assessment
    refused = client.post(
        f"/api/checklists/{checklist['id']}/assessment", headers=team.headers(Role.PATIENT)
    )
    assert refused.status_code == 403


def test_a_checklist_answer_outside_the_vocabulary_is_refused(
    client: TestClient, team: Team
) -> None:
    for field, value in (("treatments_tried", ["magic"]), ("conditions", ["flu"])):
        answer = client.post(
            f"/api/patients/{team.own_patient.id}/checklists",
            json={**CHECKLIST, field: value},
            headers=team.headers(Role.PATIENT),
        )
        assert answer.status_code == 422
        assert answer.json()["detail"][0]["field"] == field
    bad_region = {**CHECKLIST, "pain_areas": [{"region": "elbowz", "side": "left"}]}
    answer = client.post(
        f"/api/patients/{team.own_patient.id}/checklists",
        json=bad_region,
        headers=team.headers(Role.PATIENT),
    )
    assert answer.status_code == 422


def test_the_recovery_plan_and_its_calendar_follow_the_implant(
    client: TestClient, team: Team
) -> None:
    own = team.own_patient.id
    performed = TODAY - timedelta(days=3)
    sign_consent(client, team, own, "implant")
    client.post(
        f"/api/patients/{own}/implants",
        json={"procedure": "implant", "performed_on": performed.isoformat()},
        headers=team.headers(Role.CLINICIAN),
    ).raise_for_status()
    plan = client.get(f"/api/patients/{own}/recovery-plan", headers=team.headers(Role.PATIENT))
    assert plan.status_code == 200
    items = {i["id"]: i for i in plan.json()["items"]}
    weeks = guide.fact("activity_limit_weeks_after_implant")
    lifting = items["implant_activity"]
    assert lifting["ends_on"] == (performed + timedelta(weeks=weeks)).isoformat()
    assert lifting["current"] is True
    assert f"{guide.fact('lift_limit_lb')} pounds" in lifting["text"]
    assert items["implant_wound_check"]["kind"] == "wound_check"
    assert {"visit-1m", "visit-3m", "visit-6m", "visit-12m"} <= set(items)

    ics = client.get(f"/api/patients/{own}/recovery-plan.ics", headers=team.headers(Role.PATIENT))
    assert ics.headers["content-type"].startswith("text/calendar")
    text = ics.text
    assert text.startswith("BEGIN:VCALENDAR\r\n") and text.endswith("END:VCALENDAR\r\n")
    assert text.count("BEGIN:VEVENT") == len(items)
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    end = performed + timedelta(weeks=weeks, days=1)  # DTEND is exclusive
    assert f"DTEND;VALUE=DATE:{end:%Y%m%d}" in text
    other = client.get(
        f"/api/patients/{team.other_patient.id}/recovery-plan", headers=team.headers(Role.PATIENT)
    )
    assert other.status_code == 404


def test_a_patients_message_reaches_the_care_team_list_until_dealt_with(
    client: TestClient, team: Team
) -> None:
    sent = client.post(
        f"/api/patients/{team.own_patient.id}/care-messages",
        json={"kind": "coverage_changed", "text": "The tingle left my foot."},
        headers=team.headers(Role.PATIENT),
    )
    assert sent.status_code == 201, sent.text
    message = sent.json()
    listed = client.get("/api/care-messages", headers=team.headers(Role.NURSE)).json()["items"]
    assert [(m["id"], m["mrn"]) for m in listed] == [(message["id"], "P-OWN")]
    assert client.get("/api/care-messages", headers=team.headers(Role.PATIENT)).status_code == 403
    other = client.post(
        f"/api/patients/{team.other_patient.id}/care-messages",
        json={"kind": "needs_help"},
        headers=team.headers(Role.PATIENT),
    )
    assert other.status_code == 404
    done = client.patch(
        f"/api/care-messages/{message['id']}",
        json={"resolved": True},
        headers=team.headers(Role.CLINICIAN),
    )
    assert done.status_code == 200 and done.json()["resolved_at"]
    assert client.get("/api/care-messages", headers=team.headers(Role.NURSE)).json()["items"] == []
    actions = [e["action"] for e in _audit(client, team, message["id"])]
    assert sorted(actions) == ["create", "update"]
    bad = client.post(
        f"/api/patients/{team.own_patient.id}/care-messages",
        json={"kind": "pizza"},
        headers=team.headers(Role.PATIENT),
    )
    assert bad.status_code == 422 and bad.json()["detail"][0]["field"] == "kind"


def _program(amplitude_uA: int) -> dict[str, Any]:
    return {
        "leads": [
            {
                "lead": 1,
                "contacts": ["-", "+", "0", "0"],
                "amplitude_uA": amplitude_uA,
                "patient_max_uA": max(1200, amplitude_uA),
                "pulse_width_us": 300,
                "frequency_Hz": 20,
            }
        ]
    }


def test_a_proposed_program_is_checked_and_applied_only_when_the_patient_accepts(
    client: TestClient, team: Team
) -> None:
    programmer, patient = team.headers(Role.PROGRAMMER), team.headers(Role.PATIENT)
    device = client.post(
        f"/api/patients/{team.own_patient.id}/devices",
        json={
            "kind": "ipg",
            "serial": "SN-REMOTE",
            "leads": [{"lead": 1, "level": "L5", "side": "left", "impedance_ohm": 1200}],
        },
        headers=programmer,
    ).json()
    url = f"/api/devices/{device['id']}/proposals"
    unsafe = client.post(
        url, json={"program_name": "Awake", "settings": _program(7000)}, headers=programmer
    )
    assert unsafe.status_code == 422
    proposal = client.post(
        url,
        json={"program_name": "Awake", "settings": _program(900), "note": "A little stronger."},
        headers=programmer,
    ).json()
    assert (
        client.get(f"/api/devices/{device['id']}/programs", headers=programmer).json()["total"] == 0
    )
    pending = client.get(url, headers=patient).json()
    assert [(p["id"], p["status"]) for p in pending] == [(proposal["id"], "pending")]
    accepted = client.post(f"/api/proposals/{proposal['id']}/accept", headers=patient)
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"
    programs = client.get(f"/api/devices/{device['id']}/programs", headers=programmer).json()
    assert [p["settings"]["leads"][0]["amplitude_uA"] for p in programs["items"]] == [900]
    again = client.post(f"/api/proposals/{proposal['id']}/accept", headers=patient)
    assert again.status_code == 422 and again.json()["detail"][0]["field"] == "status"
    second = client.post(
        url, json={"program_name": "Awake", "settings": _program(1000)}, headers=programmer
    ).json()
    declined = client.post(f"/api/proposals/{second['id']}/decline", headers=patient)
    assert declined.json()["status"] == "declined"
    programs = client.get(f"/api/devices/{device['id']}/programs", headers=programmer).json()
    assert programs["items"][0]["settings"]["leads"][0]["amplitude_uA"] == 900
    assert sorted(e["action"] for e in _audit(client, team, proposal["id"])) == ["create", "update"]

"""Diary entries a trial review used are locked: the data under a decision cannot change
behind the clinician's back; staff amend with a reason, and the review shows it."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from api_support import Team, sign_consent
from fastapi.testclient import TestClient

from drgstim.storage.models import Role


def _reviewed_trial(client: TestClient, team: Team) -> tuple[str, list[dict[str, Any]]]:
    nurse = team.headers(Role.NURSE)
    started = date.today() - timedelta(days=6)
    sign_consent(client, team, team.own_patient.id, "trial")
    trial = client.post(
        f"/api/patients/{team.own_patient.id}/trials",
        json={"started_on": started.isoformat(), "baseline_nrs": 7, "planned_days": 5},
        headers=nurse,
    ).json()
    patient = team.headers(Role.PATIENT)
    entries = []
    for d, nrs in enumerate([5, 4, 3, 3, 2.5]):
        day = (started + timedelta(days=d)).isoformat()
        made = client.post(
            f"/api/trials/{trial['id']}/diary",
            json={"day": day, "nrs_average": nrs},
            headers=patient,
        )
        assert made.status_code == 201, made.text
        entries.append(made.json())
    # before any review the patient may still correct a day
    fixed = client.patch(
        f"/api/diary/{entries[0]['id']}", json={"nrs_average": 5.5}, headers=patient
    )
    assert fixed.status_code == 200, fixed.text
    review = client.post(
        f"/api/trials/{trial['id']}/reviews", json={}, headers=team.headers(Role.CLINICIAN)
    )
    assert review.status_code == 201, review.text
    assert review.json()["rests_on_amended_data"] is False
    return review.json()["id"], entries


def test_after_a_review_the_patient_cannot_change_or_delete_the_diary(
    client: TestClient, team: Team
) -> None:
    review_id, entries = _reviewed_trial(client, team)
    patient = team.headers(Role.PATIENT)
    entry = f"/api/diary/{entries[1]['id']}"
    changed = client.patch(entry, json={"nrs_average": 1}, headers=patient)
    assert changed.status_code == 409
    assert "locked" in changed.json()["detail"]
    assert client.delete(entry, headers=patient).status_code in (403, 409)
    kept = client.get(entry, headers=patient).json()
    assert kept["nrs_average"] == 4
    assert kept["locked_by_review_id"] == review_id
    # staff cannot delete it either: a correction is an amendment
    assert client.delete(entry, headers=team.headers(Role.NURSE)).status_code == 409


def test_staff_amend_with_a_reason_the_original_is_audited_and_the_review_says_so(
    client: TestClient, team: Team
) -> None:
    review_id, entries = _reviewed_trial(client, team)
    nurse = team.headers(Role.NURSE)
    entry = f"/api/diary/{entries[2]['id']}"
    no_reason = client.patch(entry, json={"nrs_average": 6}, headers=nurse)
    assert no_reason.status_code == 422
    assert no_reason.json()["detail"][0]["field"] == "amendment_reason"
    amended = client.patch(
        entry,
        json={"nrs_average": 6, "amendment_reason": "patient misread the scale, called in"},
        headers=nurse,
    )
    assert amended.status_code == 200, amended.text
    assert amended.json()["amended"] is True
    assert amended.json()["nrs_average"] == 6
    audit = client.get(
        f"/api/audit?entity=diary_entries&entity_id={entries[2]['id']}",
        headers=team.headers(Role.CLINICIAN),
    ).json()["items"]
    olds = [row["old"] for row in audit if row["action"] == "update" and row["old"]]
    assert any(old.get("nrs_average") == 3 for old in olds)  # the original value is kept
    review = client.get(f"/api/trial-reviews/{review_id}", headers=team.headers(Role.CLINICIAN))
    assert review.json()["rests_on_amended_data"] is True


# --- the other records a decision rests on ----------------------------------------------


def _audited_olds(client: TestClient, team: Team, entity: str, entity_id: str) -> list[Any]:
    rows = client.get(
        f"/api/audit?entity={entity}&entity_id={entity_id}", headers=team.headers(Role.ADMIN)
    ).json()["items"]
    return [row["old"] for row in rows if row["action"] == "update" and row["old"]]


def test_a_reviewed_trial_keeps_its_baseline_unless_amended_and_cannot_be_deleted(
    client: TestClient, team: Team
) -> None:
    review_id, entries = _reviewed_trial(client, team)
    nurse, clinician = team.headers(Role.NURSE), team.headers(Role.CLINICIAN)
    trial_url = f"/api/trials/{entries[0]['trial_id']}"
    trial = client.get(trial_url, headers=nurse).json()
    assert client.delete(trial_url, headers=clinician).status_code == 409
    # ending or extending the trial is not a change to what the review used
    longer = client.patch(trial_url, json={"version": trial["version"], "planned_days": 9},
                          headers=nurse)  # fmt: skip
    assert longer.status_code == 200, longer.text
    assert longer.json()["amended"] is False
    change = {"version": longer.json()["version"], "baseline_mme": 60}
    refused = client.patch(trial_url, json=change, headers=nurse)
    assert refused.status_code == 422
    assert refused.json()["detail"][0]["field"] == "amendment_reason"
    reason = "baseline opioid dose confirmed by the pharmacy"
    amended = client.patch(trial_url, json={**change, "amendment_reason": reason}, headers=nurse)
    assert amended.status_code == 200, amended.text
    assert (amended.json()["amended"], amended.json()["baseline_mme"]) == (True, 60)
    assert any("baseline_mme" in old for old in _audited_olds(client, team, "trials", trial["id"]))
    review = client.get(f"/api/trial-reviews/{review_id}", headers=clinician).json()
    assert review["rests_on_amended_data"] is True
    assert client.get(f"/api/diary/{entries[0]['id']}", headers=nurse).status_code == 200

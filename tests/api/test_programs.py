"""Programs and the patient controller: who may change what (device rules are tested where
the device layer's check is wired)."""

from __future__ import annotations

from typing import Any

from api_support import Team
from fastapi.testclient import TestClient

from drgstim.storage import SYSTEM_ACTOR, Database, create
from drgstim.storage.models import Device, Program, Role


def _device(database: Database, patient_id: object, serial: str) -> Device:
    with database.session() as s:
        return create(
            s,
            Device(
                patient_id=patient_id,
                kind="ipg",
                serial=serial,
                leads=[{"lead": 1, "level": "L5", "side": "left", "impedance_ohm": 1500}],
            ),
            actor=SYSTEM_ACTOR,
        )


def _program(database: Database, device: Device, name: str, for_patient: bool) -> Program:
    # Stored directly: these tests are about roles, not the device check.
    with database.session() as s:
        return create(
            s,
            Program(device_id=device.id, name=name, for_patient_use=for_patient, settings={}),
            actor=SYSTEM_ACTOR,
        )


SETTINGS: dict[str, Any] = {"leads": []}


def test_a_nurse_may_not_create_change_or_delete_programs(
    client: TestClient, team: Team, database: Database
) -> None:
    device = _device(database, team.own_patient.id, "IPG-N")
    program = _program(database, device, "Awake", True)
    nurse = team.headers(Role.NURSE)
    created = client.post(
        f"/api/devices/{device.id}/programs",
        json={"name": "X", "settings": SETTINGS},
        headers=nurse,
    )
    assert created.status_code == 403
    assert "nurse" in created.json()["detail"]
    changed = client.patch(
        f"/api/programs/{program.id}", json={"settings": SETTINGS}, headers=nurse
    )
    assert changed.status_code == 403
    assert client.delete(f"/api/programs/{program.id}", headers=nurse).status_code == 403
    # the nurse may still read them
    assert client.get(f"/api/programs/{program.id}", headers=nurse).status_code == 200


def test_patients_see_only_their_patient_groups_and_not_other_devices(
    client: TestClient, team: Team, database: Database
) -> None:
    own = _device(database, team.own_patient.id, "IPG-OWN")
    other = _device(database, team.other_patient.id, "IPG-OTHER")
    _program(database, own, "Awake", True)
    _program(database, own, "Clinic test", False)
    patient = team.headers(Role.PATIENT)
    mine = client.get(f"/api/devices/{own.id}/programs", headers=patient).json()
    assert [p["name"] for p in mine["items"]] == ["Awake"]
    staff = client.get(f"/api/devices/{own.id}/programs", headers=team.headers("programmer"))
    assert [p["name"] for p in staff.json()["items"]] == ["Awake", "Clinic test"]
    assert client.get(f"/api/devices/{other.id}/programs", headers=patient).status_code == 404
    refused = client.post(
        f"/api/devices/{other.id}/controller",
        json={"action": "all_off", "confirm": True},
        headers=patient,
    )
    assert refused.status_code == 404
    assert (
        client.post(
            f"/api/devices/{own.id}/programs",
            json={"name": "Mine", "settings": SETTINGS},
            headers=patient,
        ).status_code
        == 403
    )


def test_a_nurse_may_not_use_the_controller_for_a_patient(
    client: TestClient, team: Team, database: Database
) -> None:
    device = _device(database, team.own_patient.id, "IPG-C")
    answer = client.post(
        f"/api/devices/{device.id}/controller",
        json={"action": "status"},
        headers=team.headers(Role.NURSE),
    )
    assert answer.status_code == 403


def test_controller_requests_are_validated(
    client: TestClient, team: Team, database: Database
) -> None:
    device = _device(database, team.own_patient.id, "IPG-V")
    answer = client.post(
        f"/api/devices/{device.id}/controller",
        json={"action": "max_power"},
        headers=team.headers(Role.PATIENT),
    )
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["field"] == "action"

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
            Program(device_id=device.id, name=name, for_patient_use=for_patient, settings=SETTINGS),
            actor=SYSTEM_ACTOR,
        )


SETTINGS: dict[str, Any] = {
    "leads": [
        {
            "lead": 1,
            "contacts": ["-", "+", "0", "0"],
            "amplitude_uA": 500,
            "pulse_width_us": 300,
            "frequency_Hz": 20,
        }
    ]
}


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


def _lead(contacts: list[str], amplitude_uA: int, pulse_width_us: int = 300, **extra: Any):
    return {
        "lead": 1,
        "contacts": contacts,
        "amplitude_uA": amplitude_uA,
        "pulse_width_us": pulse_width_us,
        "frequency_Hz": 20,
        **extra,
    }


def test_a_safe_program_is_stored_with_its_safety_report_and_audited(
    client: TestClient, team: Team, database: Database
) -> None:
    device = _device(database, team.own_patient.id, "IPG-S")
    settings = {"leads": [_lead(["-", "+", "0", "0"], 800)]}
    checked = client.post(
        f"/api/devices/{device.id}/check",
        json={"settings": settings},
        headers=team.headers(Role.NURSE),
    ).json()
    assert checked["safe"] is True
    cathode = checked["report"]["contacts"][0]
    # device.md worked check: 800 µA × 300 µs → Q = 0.24 µC, D ≈ 6.1 µC/cm², k ≈ 0.17
    assert abs(cathode["charge_uC"] - 0.24) < 1e-9
    assert abs(cathode["density_uC_per_cm2"] - 6.1) < 0.05
    assert abs(cathode["shannon_k"] - 0.17) < 0.01
    saved = client.post(
        f"/api/devices/{device.id}/programs",
        json={"name": "Awake", "settings": settings},
        headers=team.headers(Role.PROGRAMMER),
    )
    assert saved.status_code == 201, saved.text
    assert saved.json()["safety"]["errors"] == []
    audit = client.get(
        "/api/audit", params={"entity_id": saved.json()["id"]}, headers=team.headers("admin")
    ).json()
    assert [r["actor"] for r in audit["items"]] == ["programmer-user"]


def test_an_unsafe_program_is_refused_with_the_device_reasons_and_not_stored(
    client: TestClient, team: Team, database: Database
) -> None:
    device = _device(database, team.own_patient.id, "IPG-U")
    settings = {"leads": [_lead(["-", "+", "0", "0"], 6000, pulse_width_us=1000)]}
    refused = client.post(
        f"/api/devices/{device.id}/programs",
        json={"name": "Max", "settings": settings},
        headers=team.headers(Role.CLINICIAN),
    )
    assert refused.status_code == 422
    detail = refused.json()["detail"][0]
    assert detail["field"] == "settings.leads[0].amplitude_uA"
    assert "Shannon (1992) k" in detail["message"] and "1.85" in detail["message"]
    # the largest step with Shannon k < 1.85 at 1000 µs on this ring contact (k(1675 µA) = 1.857)
    assert detail["allowed"].startswith("0–1650 µA"), detail["allowed"]
    bipolar = {"leads": [_lead(["-", "0", "0", "0"], 500)]}
    no_anode = client.post(
        f"/api/devices/{device.id}/programs",
        json={"name": "Mono", "settings": bipolar},
        headers=team.headers(Role.CLINICIAN),
    )
    assert no_anode.status_code == 422
    assert "anode" in no_anode.json()["detail"][0]["message"]
    listed = client.get(f"/api/devices/{device.id}/programs", headers=team.headers("clinician"))
    assert listed.json()["total"] == 0


def test_the_patient_controller_stays_within_the_clinicians_limit(
    client: TestClient, team: Team, database: Database
) -> None:
    device = _device(database, team.own_patient.id, "IPG-P")
    settings = {"leads": [_lead(["-", "+", "0", "0"], 800, patient_max_uA=850)]}
    assert (
        client.post(
            f"/api/devices/{device.id}/programs",
            json={"name": "Awake", "settings": settings},
            headers=team.headers(Role.CLINICIAN),
        ).status_code
        == 201
    )
    url = f"/api/devices/{device.id}/controller"
    patient = team.headers(Role.PATIENT)
    levels = []
    for _ in range(4):  # 800 → 825 → 850, then stays at the 850 µA limit
        answer = client.post(url, json={"action": "step_up", "lead": 1}, headers=patient)
        assert answer.status_code == 200, answer.text
        levels.append(answer.json()["leads"][0]["amplitude_uA"])
    assert levels == [825, 850, 850, 850]
    assert answer.json()["leads"][0]["max_amplitude_uA"] == 850
    unconfirmed = client.post(url, json={"action": "all_off"}, headers=patient)
    assert unconfirmed.status_code == 422
    off = client.post(url, json={"action": "all_off", "confirm": True}, headers=patient).json()
    assert off["stimulation_on"] is False
    assert off["leads"][0]["on"] is False
    status = client.post(url, json={"action": "status"}, headers=patient).json()
    assert (status["stimulation_on"], status["leads"][0]["amplitude_uA"]) == (False, 850)
    events = client.get(
        f"/api/devices/{device.id}/device-events", headers=team.headers(Role.CLINICIAN)
    ).json()
    kinds = [e["kind"] for e in events["items"]]
    assert kinds.count("controller.amplitude") == 2
    assert "controller.all_off" in kinds

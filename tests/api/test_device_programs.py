"""Programs through the device model: typed settings, the device's refusals as 422, impedance
rechecks that disable programs, limits that clamp the patient, refusals that change nothing.

SQLite only: the device rules do not depend on the database (roles and storage run on both
backends in test_programs.py)."""

from __future__ import annotations

from typing import Any

import pytest
from api_support import Team
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from drgstim.device import check_program
from drgstim.storage import Database

pytestmark = pytest.mark.parametrize("database", ["sqlite"], indirect=True)


def lead(number: int = 1, *, amplitude: int = 800, patient_max: int | None = None, **extra: Any):
    out = {
        "lead": number,
        "contacts": ["-", "+", "0", "0"],
        "amplitude_uA": amplitude,
        "pulse_width_us": 300,
        "frequency_Hz": 20,
        **extra,
    }
    if patient_max is not None:
        out["patient_max_uA"] = patient_max
    return out


def new_device(client: TestClient, team: Team, *leads: tuple[str, float | None]) -> dict[str, Any]:
    body = {
        "kind": "ipg",
        "serial": f"IPG-{len(leads)}-{leads[0][1]}",
        "leads": [
            {"lead": i + 1, "level": level, "side": "left", "impedance_ohm": z}
            for i, (level, z) in enumerate(leads)
        ],
    }
    answer = client.post(
        f"/api/patients/{team.own_patient.id}/devices", json=body, headers=team.headers("clinician")
    )
    assert answer.status_code == 201, answer.text
    return dict(answer.json())


def save(client: TestClient, team: Team, device: dict[str, Any], name: str, *leads: Any):
    return client.post(
        f"/api/devices/{device['id']}/programs",
        json={"name": name, "settings": {"leads": list(leads)}},
        headers=team.headers("clinician"),
    )


def act(client: TestClient, team: Team, device: dict[str, Any], **body: Any) -> Any:
    return client.post(
        f"/api/devices/{device['id']}/controller", json=body, headers=team.headers("patient")
    )


def stored(client: TestClient, team: Team, device: dict[str, Any]) -> tuple[Any, Any]:
    staff = team.headers("clinician")
    d = client.get(f"/api/devices/{device['id']}", headers=staff).json()
    p = client.get(f"/api/devices/{device['id']}/programs", headers=staff).json()
    return d, p


@pytest.mark.parametrize(
    "value",
    ["abc", None, [1200], {"uA": 1}, 10**30, 6010, 7000, -25, 1212, 812.5, True],
    ids=repr,
)
def test_a_bad_patient_maximum_is_a_422_naming_field_value_and_range(
    client: TestClient, team: Team, database: Database, value: Any
) -> None:
    device = new_device(client, team, ("L5", 1500))
    answer = save(client, team, device, "Awake", {**lead(), "patient_max_uA": value})
    assert answer.status_code == 422, answer.text
    detail = answer.json()["detail"][0]
    assert detail["field"] == "settings.leads.0.patient_max_uA"
    assert detail["value"] == value or isinstance(value, dict)
    if isinstance(value, int) and not isinstance(value, bool):
        assert "0–2000 µA in 25 µA steps, then 2000–6000 µA in 50 µA steps" in detail["allowed"]
    assert stored(client, team, device)[1]["total"] == 0


def test_the_issue_example_is_refused_as_drgstim_device_check_refuses_it(
    client: TestClient, team: Team, database: Database
) -> None:
    """6000 µA patient maximum at 300 µs on a 1600 Ω lead: 9.6 V, 45.8 µC/cm²."""
    device = new_device(client, team, ("L5", 1600))
    library = check_program(
        amplitude_uA=6000, pulse_width_us=300, frequency_Hz=20, contacts="-+00", impedance_ohm=1600
    )
    assert not library.safe
    answer = save(client, team, device, "Awake", lead(amplitude=800, patient_max=6000))
    assert answer.status_code == 422
    detail = answer.json()["detail"][0]
    assert detail["field"] == "settings.leads[0].patient_max_uA"
    assert detail["value"] == 6000
    assert library.errors[0].split(":")[0] in detail["message"]
    # 2850 µA × 1600 Ω = 4.56 V: the last grid step (50 µA above 2000) within 4.6 V
    assert detail["allowed"].startswith("0–2850 µA")
    assert save(client, team, device, "Awake", lead(patient_max=2850)).status_code == 201


def test_program_settings_are_typed_in_the_openapi_schema(client: TestClient) -> None:
    schemas = client.get("/openapi.json").json()["components"]["schemas"]
    create = schemas["ProgramCreate"]["properties"]["settings"]
    assert create == {"$ref": "#/components/schemas/ProgramSettings"}
    lead_schema = schemas["LeadProgram"]["properties"]
    for name in ("contacts", "amplitude_uA", "patient_max_uA", "pulse_width_us", "frequency_Hz"):
        assert name in lead_schema
    assert lead_schema["amplitude_uA"]["maximum"] == 6000
    assert lead_schema["pulse_width_us"]["minimum"] == 40
    assert "S3" not in schemas["LeadInfo"]["properties"]["level"]["enum"]
    assert schemas["ControllerView"]["properties"]["leads"]["items"]


def test_a_level_the_device_does_not_know_is_refused(
    client: TestClient, team: Team, database: Database
) -> None:
    body = {"kind": "ipg", "serial": "S3", "leads": [{"lead": 1, "level": "S3", "side": "left"}]}
    answer = client.post(
        f"/api/patients/{team.own_patient.id}/devices", json=body, headers=team.headers("clinician")
    )
    assert answer.status_code == 422
    detail = answer.json()["detail"][0]
    assert (detail["field"], detail["value"]) == ("leads.0.level", "S3")
    assert "S2" in detail["allowed"]


def test_a_typed_impedance_disables_the_program_and_the_controller_refuses_it(
    client: TestClient, team: Team, database: Database
) -> None:
    device = new_device(client, team, ("L5", 1500))
    assert save(client, team, device, "Awake", lead(amplitude=2000)).status_code == 201
    assert act(client, team, device, action="step_up", lead=1).status_code == 200
    # 2000 µA × 2400 Ω = 4.8 V > 4.6 V: the device can no longer deliver it
    leads = [{"lead": 1, "level": "L5", "side": "left", "impedance_ohm": 2400}]
    patched = client.patch(
        f"/api/devices/{device['id']}", json={"leads": leads}, headers=team.headers("programmer")
    )
    assert patched.status_code == 200, patched.text
    program = stored(client, team, device)[1]["items"][0]
    assert program["deliverable"] is False
    assert "maximum output reached" in program["safety"]["disabled"]["1"]
    mine = client.get(f"/api/devices/{device['id']}/programs", headers=team.headers("patient"))
    assert "maximum output reached" in mine.json()["items"][0]["safety"]["disabled"]["1"]
    status = act(client, team, device, action="status").json()
    assert status["groups"] == []
    assert "maximum output reached" in status["group_status"][0]["reason"]
    assert status["leads"][0]["on"] is False
    assert act(client, team, device, action="step_up", lead=1).status_code == 422
    assert act(client, team, device, action="select_group", group="Awake").status_code == 422
    # the clinician reprograms within the new limit: it runs again
    resaved = client.patch(
        f"/api/programs/{program['id']}",
        json={"settings": {"leads": [lead(amplitude=1900)]}},
        headers=team.headers("clinician"),
    )
    assert resaved.status_code == 200, resaved.text
    assert resaved.json()["deliverable"] is True
    assert act(client, team, device, action="status").json()["leads"][0]["on"] is True


def test_a_measured_impedance_rechecks_every_program_of_the_device(
    client: TestClient, team: Team, database: Database
) -> None:
    device = new_device(client, team, ("L5", 1000), ("S1", 1000))
    assert save(client, team, device, "Low", lead(1, amplitude=1000)).status_code == 201
    assert save(client, team, device, "High", lead(2, amplitude=3000)).status_code == 201
    answer = client.post(
        f"/api/devices/{device['id']}/impedance",
        json={"lead": 2, "impedance_ohm": 1600},
        headers=team.headers("programmer"),
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["leads"][1]["impedance_ohm"] == 1600
    programs = {p["name"]: p for p in stored(client, team, device)[1]["items"]}
    assert programs["Low"]["deliverable"] is True
    assert programs["High"]["deliverable"] is False
    assert "1600 Ω" in programs["High"]["safety"]["disabled"]["2"]
    events = client.get(
        f"/api/devices/{device['id']}/device-events", headers=team.headers("clinician")
    ).json()["items"]
    assert [e["data"] for e in events if e["kind"] == "impedance"] == [
        {"lead": 2, "old": 1000, "new": 1600}
    ]


def test_lowering_the_patient_maximum_clamps_the_patients_amplitude(
    client: TestClient, team: Team, database: Database
) -> None:
    device = new_device(client, team, ("L5", 1500))
    created = save(client, team, device, "Awake", lead(amplitude=800, patient_max=1000))
    for _ in range(8):
        answer = act(client, team, device, action="step_up", lead=1)
    assert answer.json()["leads"][0]["amplitude_uA"] == 1000
    lowered = client.patch(
        f"/api/programs/{created.json()['id']}",
        json={"settings": {"leads": [lead(amplitude=600, patient_max=900)]}},
        headers=team.headers("clinician"),
    )
    assert lowered.status_code == 200, lowered.text
    shown = act(client, team, device, action="status").json()["leads"][0]
    assert (shown["amplitude_uA"], shown["max_amplitude_uA"]) == (900, 900)
    assert stored(client, team, device)[0]["state"]["amplitudes"]["Awake"] == {"1": 900}


def test_a_refused_change_leaves_program_and_device_exactly_as_they_were(
    client: TestClient, team: Team, database: Database
) -> None:
    device = new_device(client, team, ("L5", 1500))
    created = save(client, team, device, "Awake", lead(amplitude=800, patient_max=1000)).json()
    act(client, team, device, action="step_up", lead=1)
    before = stored(client, team, device)
    audit_before = client.get("/api/audit", headers=team.headers("admin")).json()["total"]
    staff = team.headers("clinician")
    refusals = [
        client.patch(
            f"/api/programs/{created['id']}",
            json={"settings": {"leads": [lead(amplitude=800, patient_max=6000)]}},
            headers=staff,
        ),
        client.patch(
            f"/api/programs/{created['id']}",
            json={"settings": {"leads": [lead(amplitude=800, contacts=["-", "-", "0", "0"])]}},
            headers=staff,
        ),
        client.patch(
            f"/api/programs/{created['id']}",
            json={"settings": {"leads": [lead(7)]}},
            headers=staff,
        ),
        client.patch(
            f"/api/devices/{device['id']}",
            json={"leads": [{"lead": 1, "level": "S3", "side": "left", "impedance_ohm": 9}]},
            headers=staff,
        ),
        save(client, team, device, "Second", lead(2)),
        act(client, team, device, action="all_off"),
        act(client, team, device, action="step_up", lead=2),
    ]
    assert [r.status_code for r in refusals] == [422] * len(refusals), [r.text for r in refusals]
    assert stored(client, team, device) == before
    assert client.get("/api/audit", headers=team.headers("admin")).json()["total"] == audit_before


def test_a_device_holds_at_most_four_groups(
    client: TestClient, team: Team, database: Database
) -> None:
    device = new_device(client, team, ("L5", 1500))
    for name in ("A", "B", "C", "D"):
        assert save(client, team, device, name, lead()).status_code == 201
    fifth = save(client, team, device, "E", lead())
    assert fifth.status_code == 422
    assert fifth.json()["detail"][0]["field"] == "groups"


def test_a_lead_added_later_is_off_in_existing_programs_not_a_500(
    client: TestClient, team: Team, database: Database
) -> None:
    device = new_device(client, team, ("L5", 1500))
    assert save(client, team, device, "Awake", lead()).status_code == 201
    leads = [
        {"lead": 1, "level": "L5", "side": "left", "impedance_ohm": 1500},
        {"lead": 2, "level": "S1", "side": "left", "impedance_ohm": 1300},
    ]
    patched = client.patch(
        f"/api/devices/{device['id']}", json={"leads": leads}, headers=team.headers("clinician")
    )
    assert patched.status_code == 200
    status = act(client, team, device, action="status")
    assert status.status_code == 200
    assert [(x["lead"], x["enabled"]) for x in status.json()["leads"]] == [(1, True), (2, False)]
    assert act(client, team, device, action="on", lead=2).status_code == 200
    refused = act(client, team, device, action="step_up", lead=2)
    assert refused.status_code == 422
    assert act(client, team, device, action="step_up", lead=1).status_code == 200


def test_removing_a_lead_disables_the_programs_that_use_it(
    client: TestClient, team: Team, database: Database
) -> None:
    device = new_device(client, team, ("L5", 1500), ("S1", 1500))
    assert save(client, team, device, "Both", lead(1), lead(2)).status_code == 201
    leads = [{"lead": 1, "level": "L5", "side": "left", "impedance_ohm": 1500}]
    patched = client.patch(
        f"/api/devices/{device['id']}", json={"leads": leads}, headers=team.headers("clinician")
    )
    assert patched.status_code == 200
    program = stored(client, team, device)[1]["items"][0]
    assert program["safety"]["disabled"] == {"2": "lead 2 was removed from the device"}
    assert act(client, team, device, action="status").json()["leads"][0]["on"] is False


def test_all_off_then_restore_brings_back_exactly_the_regions_that_were_on(
    client: TestClient, team: Team, database: Database
) -> None:
    device = new_device(client, team, ("L5", 1500), ("S1", 1500), ("L4", 1500))
    assert save(client, team, device, "Awake", lead(1), lead(2), lead(3)).status_code == 201
    assert act(client, team, device, action="off", lead=2).status_code == 200
    off = act(client, team, device, action="all_off", confirm=True).json()
    assert [x["on"] for x in off["leads"]] == [False, False, False]
    assert [x["switched_on"] for x in off["leads"]] == [True, False, True]
    back = act(client, team, device, action="restore").json()
    assert [x["on"] for x in back["leads"]] == [True, False, True]
    # switching one region on while all is off brings that region alone
    act(client, team, device, action="all_off", confirm=True)
    alone = act(client, team, device, action="on", lead=2).json()
    assert [x["on"] for x in alone["leads"]] == [False, True, False]


def test_the_program_history_says_who_when_what_and_restores_a_version(
    client: TestClient, team: Team, database: Database
) -> None:
    device = new_device(client, team, ("L5", 1500))
    first = save(client, team, device, "Awake", lead(amplitude=800)).json()
    changed = client.patch(
        f"/api/programs/{first['id']}",
        json={"settings": {"leads": [lead(amplitude=1200)]}},
        headers=team.headers("programmer"),
    )
    assert changed.status_code == 200
    history = client.get(
        f"/api/programs/{first['id']}/history", headers=team.headers("nurse")
    ).json()
    assert [(h["actor"], h["settings"]["leads"][0]["amplitude_uA"]) for h in history] == [
        ("programmer-user", 1200),
        ("clinician-user", 800),
    ]
    restored = client.post(
        f"/api/programs/{first['id']}/restore",
        json={"audit_id": history[1]["audit_id"]},
        headers=team.headers("clinician"),
    )
    assert restored.status_code == 200, restored.text
    assert restored.json()["settings"] == first["settings"]
    again = client.get(f"/api/programs/{first['id']}/history", headers=team.headers("nurse"))
    assert len(again.json()) == 3


JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=12,
)
LEAD_KEYS = ("lead", "contacts", "amplitude_uA", "patient_max_uA", "pulse_width_us")


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    body=st.one_of(
        JSON,
        st.fixed_dictionaries({"name": st.text(max_size=70), "settings": JSON}),
        st.fixed_dictionaries(
            {
                "name": st.just("Fuzz"),
                "settings": st.fixed_dictionaries(
                    {"leads": st.lists(st.dictionaries(st.sampled_from(LEAD_KEYS), JSON))}
                ),
            }
        ),
    ),
    action=st.fixed_dictionaries({"action": JSON, "lead": JSON, "group": JSON, "confirm": JSON}),
)
def test_no_program_or_controller_body_gets_a_500(
    client: TestClient, team: Team, database: Database, body: Any, action: Any
) -> None:
    device = fuzz_device(client, team)
    staff = team.headers("clinician")
    for url in (f"/api/devices/{device['id']}/programs", f"/api/devices/{device['id']}/check"):
        answer = client.post(url, json=body, headers=staff)
        assert answer.status_code in {201, 200, 409, 422}, answer.text
    answer = client.post(
        f"/api/devices/{device['id']}/controller", json=action, headers=team.headers("patient")
    )
    assert answer.status_code in {200, 422}, answer.text


def fuzz_device(client: TestClient, team: Team) -> dict[str, Any]:
    """One device for every example of the fuzz test (made on first use)."""
    listed = client.get(
        f"/api/patients/{team.own_patient.id}/devices", headers=team.headers("clinician")
    ).json()["items"]
    return listed[0] if listed else new_device(client, team, ("L5", 1500))


def test_controller_events_name_the_groups_and_leads_as_stored(
    client: TestClient, team: Team, database: Database
) -> None:
    device = new_device(client, team, ("L5", 1500), ("S1", 1500))
    assert save(client, team, device, "Awake", lead(2)).status_code == 201
    assert (
        save(client, team, device, "Sleep", lead(2, amplitude=400, patient_max=500)).status_code
        == 201
    )
    assert act(client, team, device, action="select_group", group="Sleep").status_code == 200
    assert act(client, team, device, action="step_up", lead=2).status_code == 200
    events = client.get(
        f"/api/devices/{device['id']}/device-events", headers=team.headers("clinician")
    ).json()["items"]
    data = [e["data"] for e in events if e["kind"].startswith("controller.")]
    assert data[0] == {
        "action": "select_group",
        "old": "Awake",
        "new": "Sleep",
        "lead": None,
        "group": "Sleep",
    }
    assert data[1] == {"action": "amplitude", "old": 400, "new": 425, "lead": 2, "group": "Sleep"}

"""Demo data: patients at each pathway stage, reviews by the clinic layer's rules, and the
demo patient account linked to the patient in trial."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from drgstim.api.settings import Settings
from drgstim.web.app import create_app


def _login(client: TestClient, username: str) -> dict[str, str]:
    token = client.post("/api/auth/token", data={"username": username, "password": "demo-password"})
    assert token.status_code == 200
    return {"Authorization": f"Bearer {token.json()['access_token']}"}


def test_demo_pathway_stages_and_patient_link(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'demo.sqlite3'}"
    app = create_app(Settings(demo=True, database_url=url, data_dir=tmp_path))
    with TestClient(app) as client:
        clinician = _login(client, "demo-clinician")
        patients = client.get("/api/patients", headers=clinician).json()["items"]
        stages = {p["mrn"]: p["stage"] for p in patients}
        assert stages == {
            "DEMO-001": "assessed",
            "DEMO-002": "planned",
            "DEMO-003": "in_trial",
            "DEMO-004": "trial_reviewed",
            "DEMO-005": "follow_up",
        }
        by_mrn = {p["mrn"]: p["id"] for p in patients}
        dan_trial = client.get(f"/api/patients/{by_mrn['DEMO-004']}/trials", headers=clinician)
        reviews = client.get(
            f"/api/trials/{dan_trial.json()['items'][0]['id']}/reviews", headers=clinician
        ).json()["items"]
        assert reviews[0]["verdict"] == "success"
        assert reviews[0]["result"]["reduction_pct"] > 50
        patient = _login(client, "demo-patient")
        mine = client.get("/api/patients", headers=patient).json()["items"]
        assert [p["mrn"] for p in mine] == ["DEMO-003"]
        trial = client.get(f"/api/patients/{mine[0]['id']}/trials", headers=patient).json()
        diary = client.get(f"/api/trials/{trial['items'][0]['id']}/diary", headers=patient).json()
        assert diary["total"] == 4
    # seeding twice (a restart on the same file) adds nothing
    again = create_app(Settings(demo=True, database_url=url, data_dir=tmp_path))
    with TestClient(again) as client:
        total = client.get("/api/patients", headers=_login(client, "demo-clinician")).json()
        assert total["total"] == 5

"""Therapy endpoints: the CLI's JSON contracts over HTTP, 422 naming field/value/range."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from api_support import Team
from fastapi.testclient import TestClient

from drgstim.storage.models import Role

LEAD: dict[str, Any] = {"lead": "L4:left", "contacts": "0-+0", "amplitude_uA": 800}


@pytest.fixture(scope="module", autouse=True)
def _cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    mp = pytest.MonkeyPatch()
    path = tmp_path_factory.mktemp("therapy-api-cache")
    mp.setenv("DRGSTIM_CACHE_DIR", str(path))
    yield path
    mp.undo()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"leads": [{**LEAD, "lead": "S4:left"}]}, "level"),
        ({"leads": [{**LEAD, "amplitude_uA": 801}]}, "leads[0].program"),
        ({"leads": [{**LEAD, "along_mm": 20.0}]}, "along_mm"),
        ({"leads": [LEAD], "regions": ["elbow:left:5"]}, "region"),
        ({"leads": [{**LEAD, "contacts": "-000"}]}, "leads[0].program"),
        ({"leads": [LEAD], "neurons": 3}, "neurons"),
    ],
)
def test_bad_coverage_requests_get_422_naming_the_field(
    client: TestClient, team: Team, body: dict[str, Any], field: str
) -> None:
    answer = client.post("/api/therapy/coverage", json=body, headers=team.headers(Role.CLINICIAN))
    assert answer.status_code == 422, answer.text
    detail = answer.json()["detail"][0]
    assert detail["field"] == field and detail["allowed"]


def test_coverage_job_reports_progress_then_the_cli_contract(
    client: TestClient, team: Team
) -> None:
    body = {"leads": [LEAD], "regions": ["knee:left:7"], "neurons": 10}
    headers = team.headers(Role.PROGRAMMER)
    started = client.post("/api/therapy/coverage/jobs", json=body, headers=headers)
    assert started.status_code == 202, started.text
    job_id = started.json()["id"]
    deadline = time.monotonic() + 300
    state = started.json()
    while state["state"] == "running" and time.monotonic() < deadline:
        time.sleep(0.5)
        state = client.get(f"/api/therapy/jobs/{job_id}", headers=headers).json()
    assert state["state"] == "done", state
    assert state["done"] == state["total"] == 10
    result = state["result"]
    assert {
        "regions",
        "pain_covered_fraction",
        "off_target_fraction",
        "adelta_c_activation",
    } <= set(result)
    direct = client.post("/api/therapy/coverage", json=body, headers=headers).json()
    assert direct["regions"] == result["regions"]  # the same thresholds, from the cache


def test_patients_may_not_plan_therapy(client: TestClient, team: Team) -> None:
    answer = client.post(
        "/api/therapy/coverage", json={"leads": [LEAD]}, headers=team.headers(Role.PATIENT)
    )
    assert answer.status_code == 403


def test_next_over_http_is_device_safe(client: TestClient, team: Team) -> None:
    trials = [
        {
            "contacts": "0-+0",
            "amplitude_uA": 600,
            "pulse_width_us": 300,
            "frequency_Hz": 20,
            "coverage": 0.4,
            "comfort": 8,
        }
    ]
    answer = client.post(
        "/api/therapy/next",
        json={"trials": trials, "impedance_ohm": 1600},
        headers=team.headers(Role.CLINICIAN),
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["contacts"] in {"-+00", "+-00", "0-+0", "0+-0", "00-+", "00+-"}
    bad = client.post(
        "/api/therapy/next",
        json={"trials": [{**trials[0], "amplitude_uA": 801}]},
        headers=team.headers(Role.CLINICIAN),
    )
    assert bad.status_code == 422 and bad.json()["detail"][0]["field"] == "feedback[0].amplitude_uA"

"""Limits a careless or hostile client meets: body size, paging, non-finite numbers,
header-safe file names, identifiers, security headers, offline API docs, load shedding."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import anyio
import httpx
import pytest
from api_support import Team, sign_consent
from fastapi.testclient import TestClient

from drgstim.api.limits import CONTENT_SECURITY_POLICY, AdmissionControl
from drgstim.storage.models import Role


def _patient(client: TestClient, team: Team, mrn: str) -> httpx.Response:
    body = {"mrn": mrn, "given_name": "Ana", "family_name": "Núñez", "birth_date": "1970-01-02"}
    return client.post("/api/patients", json=body, headers=team.headers(Role.CLINICIAN))


def test_an_offset_beyond_any_database_integer_is_a_422(client: TestClient, team: Team) -> None:
    answer = client.get(f"/api/patients?offset={2**63}", headers=team.headers(Role.CLINICIAN))
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["field"] == "offset"


def test_a_body_over_the_limit_is_refused_before_authentication(client: TestClient) -> None:
    huge = b"x" * (1024 * 1024 + 1)
    answer = client.post(
        "/api/patients", content=huge, headers={"content-type": "application/json"}
    )
    assert answer.status_code == 413  # not 401: nothing was parsed or looked up


def test_a_chunked_body_over_the_limit_is_refused(client: TestClient, team: Team) -> None:
    def chunks() -> Any:
        for _ in range(40):
            yield b" " * 32768

    answer = client.post(
        "/api/patients",
        content=chunks(),
        headers={"content-type": "application/json", **team.headers(Role.CLINICIAN)},
    )
    assert answer.status_code == 413


@pytest.mark.parametrize("number", ["NaN", "Infinity", "-Infinity"])
def test_non_finite_numbers_are_refused(client: TestClient, team: Team, number: str) -> None:
    clinician = team.headers(Role.CLINICIAN)
    trial = client.post(
        f"/api/patients/{team.own_patient.id}/trials",
        content=f'{{"started_on": "{date.today().isoformat()}", "baseline_nrs": {number}}}',
        headers={"content-type": "application/json", **clinician},
    )
    assert trial.status_code == 422
    assert "baseline_nrs" in json.dumps(trial.json())


def test_non_finite_numbers_are_refused_inside_free_form_json(
    client: TestClient, team: Team
) -> None:
    device = client.post(
        f"/api/patients/{team.own_patient.id}/devices",
        json={"kind": "ipg", "serial": "SN-NAN-1"},
        headers=team.headers(Role.CLINICIAN),
    )
    assert device.status_code == 201, device.text
    answer = client.post(
        f"/api/devices/{device.json()['id']}/programs",
        content='{"name": "A", "settings": {"leads": [{"amplitude_uA": NaN}]}}',
        headers={"content-type": "application/json", **team.headers(Role.CLINICIAN)},
    )
    assert answer.status_code == 422
    assert "settings.leads.0.amplitude_uA" in json.dumps(answer.json())


@pytest.mark.parametrize("mrn", ["A\r\nSet-Cookie: x=1", "A\nB", "tab\there", " padded "])
def test_control_characters_are_refused_in_identifiers(
    client: TestClient, team: Team, mrn: str
) -> None:
    answer = _patient(client, team, mrn)
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["field"] == "mrn"


def test_any_mrn_gives_a_header_safe_download_name(client: TestClient, team: Team) -> None:
    created = _patient(client, team, "Ñúñez-李")
    assert created.status_code == 201, created.text
    pid = created.json()["id"]
    clinician = team.headers(Role.CLINICIAN)
    fhir = client.get(f"/api/patients/{pid}/fhir", headers=clinician)
    assert fhir.status_code == 200
    disposition = fhir.headers["content-disposition"]
    assert disposition.isascii()
    assert "filename*=UTF-8''drgstim-%C3%91%C3%BA%C3%B1ez-%E6%9D%8E-fhir.json" in disposition
    started = date.today().isoformat()
    sign_consent(client, team, pid, "trial")
    trial = client.post(
        f"/api/patients/{pid}/trials",
        json={"started_on": started, "baseline_nrs": 7},
        headers=clinician,
    ).json()
    diary = {"day": started, "nrs_average": 3}
    client.post(f"/api/trials/{trial['id']}/diary", json=diary, headers=clinician)
    report = client.get(f"/api/trials/{trial['id']}/report", headers=clinician)
    assert report.status_code == 200, report.text
    assert "%E6%9D%8E" in report.headers["content-disposition"]


def test_every_answer_carries_a_strict_csp_and_referrer_policy(client: TestClient) -> None:
    for path in ("/api/health", "/login", "/docs", "/nowhere"):
        headers = client.get(path).headers
        assert headers["content-security-policy"] == CONTENT_SECURITY_POLICY
        assert "frame-ancestors 'none'" in headers["content-security-policy"]
        assert "script-src 'self';" in headers["content-security-policy"]  # no inline code
        assert headers["referrer-policy"] == "no-referrer"


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_api_docs_use_packaged_assets_only(client: TestClient, page: str) -> None:
    html = client.get(page)
    assert html.status_code == 200
    assert "http" not in html.text  # nothing from a CDN
    assert "<script>" not in html.text  # no inline script (the CSP forbids it)
    for asset in ("/docs-assets/swagger-ui-bundle.js", "/docs-assets/redoc.standalone.js"):
        if asset in html.text:
            answer = client.get(asset)
            assert answer.status_code == 200 and len(answer.content) > 100_000


def test_beyond_capacity_requests_are_shed_with_503_and_the_service_recovers() -> None:
    release = anyio.Event()

    async def slow_app(scope: Any, receive: Any, send: Any) -> None:
        if scope["path"] == "/slow":
            await release.wait()
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    gate = AdmissionControl(slow_app, max_active=2, max_waiting=1, wait_s=0.2, retry_after_s=3)

    async def scenario() -> list[int]:
        transport = httpx.ASGITransport(app=gate)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
            codes: list[int] = []
            retry_after: list[str | None] = []

            async def call(path: str) -> None:
                answer = await http.get(path)
                codes.append(answer.status_code)
                retry_after.append(answer.headers.get("retry-after"))

            async with anyio.create_task_group() as tasks:
                tasks.start_soon(call, "/slow")
                tasks.start_soon(call, "/slow")
                await anyio.sleep(0.05)
                for _ in range(3):  # one may wait (and time out), the others are shed
                    tasks.start_soon(call, "/fast")
                await anyio.sleep(0.5)
                assert sorted(codes) == [503, 503, 503]
                assert set(retry_after) == {"3"}
                release.set()
            after = await http.get("/fast")
            codes.append(after.status_code)
            return codes

    codes = anyio.run(scenario)
    assert codes[-1] == 200  # recovered
    assert codes.count(200) == 3

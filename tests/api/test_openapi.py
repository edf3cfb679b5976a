"""The OpenAPI document and /docs: every resource is described, paging is documented."""

from __future__ import annotations

from fastapi.testclient import TestClient


def test_openapi_lists_every_resource_and_docs_render(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    paths = schema["paths"]
    for path in (
        "/api/health",
        "/api/auth/token",
        "/api/patients",
        "/api/patients/{parent_id}/assessments",
        "/api/trials/{parent_id}/diary",
        "/api/trials/{trial_id}/evaluation",
        "/api/trials/{trial_id}/reviews",
        "/api/devices/{device_id}/programs",
        "/api/devices/{device_id}/check",
        "/api/devices/{device_id}/controller",
        "/api/patients/{patient_id}/fhir",
        "/api/audit",
    ):
        assert path in paths, path
    params = {p["name"] for p in paths["/api/patients"]["get"]["parameters"]}
    assert {"limit", "offset"} <= params
    assert "patch" not in paths["/api/audit"] and "delete" not in paths["/api/audit"]
    docs = client.get("/docs")
    assert docs.status_code == 200
    assert "swagger" in docs.text.lower()

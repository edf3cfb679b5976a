"""Accounts: login and logout, bearer tokens, CSRF, roles, demo accounts, default secret."""

from __future__ import annotations

from pathlib import Path

import pytest
from api_support import PASSWORD, SECRET, Team
from fastapi.testclient import TestClient

from drgstim.api.settings import Settings
from drgstim.errors import InputError
from drgstim.storage import Database
from drgstim.storage.models import Role
from drgstim.web.app import create_app


def test_health_reports_the_database(client: TestClient, database: Database) -> None:
    body = client.get("/api/health").json()
    assert body["status"] == "ok"
    assert body["database"] == database.engine.dialect.name


def test_requests_without_credentials_get_401(client: TestClient) -> None:
    answer = client.get("/api/patients")
    assert answer.status_code == 401
    assert "log in" in answer.json()["detail"]


def test_a_forged_or_garbled_token_gets_401(client: TestClient, team: Team) -> None:
    good = team.headers(Role.CLINICIAN)["Authorization"]
    forged = good[:-3] + ("AAA" if not good.endswith("AAA") else "BBB")
    for header in (forged, "Bearer nonsense"):
        answer = client.get("/api/patients", headers={"Authorization": header})
        assert answer.status_code == 401


def test_token_endpoint_gives_a_working_bearer_token(client: TestClient, team: Team) -> None:
    answer = client.post(
        "/api/auth/token", data={"username": "clinician-user", "password": PASSWORD}
    )
    assert answer.status_code == 200
    token = answer.json()["access_token"]
    me = client.get("/api/auth/me", headers={"Authorization": f"Bearer {token}"})
    assert me.json()["user"]["username"] == "clinician-user"


def test_wrong_password_gets_401_without_saying_which_part_was_wrong(
    client: TestClient, team: Team
) -> None:
    for username in ("clinician-user", "nobody"):
        answer = client.post("/api/auth/token", data={"username": username, "password": "bad"})
        assert answer.status_code == 401
        assert answer.json()["detail"].startswith("wrong username or password")


def test_cookie_login_then_writes_need_the_csrf_token(client: TestClient, team: Team) -> None:
    login = client.post(
        "/api/auth/login", json={"username": "clinician-user", "password": PASSWORD}
    )
    assert login.status_code == 200
    csrf = login.json()["csrf_token"]
    patient = {
        "mrn": "CSRF-1",
        "given_name": "Cy",
        "family_name": "Reed",
        "birth_date": "1980-01-01",
    }
    refused = client.post("/api/patients", json=patient)
    assert refused.status_code == 403
    assert "CSRF" in refused.json()["detail"]
    wrong = client.post("/api/patients", json=patient, headers={"X-CSRF-Token": "guess"})
    assert wrong.status_code == 403
    accepted = client.post("/api/patients", json=patient, headers={"X-CSRF-Token": csrf})
    assert accepted.status_code == 201
    assert client.get("/api/patients").status_code == 200  # reads need no token
    client.post("/api/auth/logout", headers={"X-CSRF-Token": csrf})
    assert client.get("/api/patients").status_code == 401


def test_session_cookie_is_httponly_and_samesite(client: TestClient, team: Team) -> None:
    login = client.post("/api/auth/login", json={"username": "nurse-user", "password": PASSWORD})
    cookie = login.headers["set-cookie"].lower()
    assert "httponly" in cookie
    assert "samesite=lax" in cookie


def test_a_disabled_account_can_no_longer_log_in_or_use_its_token(
    client: TestClient, team: Team
) -> None:
    admin = team.headers(Role.ADMIN)
    nurse_id = str(team.users[Role.NURSE].id)
    nurse_headers = team.headers(Role.NURSE)
    assert client.patch(f"/api/users/{nurse_id}", json={"active": False}, headers=admin).is_success
    assert client.get("/api/patients", headers=nurse_headers).status_code == 401
    answer = client.post("/api/auth/token", data={"username": "nurse-user", "password": PASSWORD})
    assert answer.status_code == 401


def test_only_admins_manage_users_and_creation_is_audited(client: TestClient, team: Team) -> None:
    body = {"username": "new-nurse", "password": "a long enough password", "role": "nurse"}
    for role in (Role.CLINICIAN, Role.NURSE, Role.PROGRAMMER, Role.PATIENT):
        assert client.post("/api/users", json=body, headers=team.headers(role)).status_code == 403
    created = client.post("/api/users", json=body, headers=team.headers(Role.ADMIN))
    assert created.status_code == 201
    assert "password" not in created.text and "hash" not in created.text
    audit = client.get(
        "/api/audit", params={"entity_id": created.json()["id"]}, headers=team.headers("admin")
    ).json()
    assert audit["total"] == 1
    row = audit["items"][0]
    assert (row["action"], row["actor"], row["entity"]) == ("create", "admin-user", "users")
    assert row["new"]["password_hash"] == "***"
    duplicate = client.post("/api/users", json=body, headers=team.headers(Role.ADMIN))
    assert duplicate.status_code == 409


def test_a_patient_account_must_name_its_patient(client: TestClient, team: Team) -> None:
    body = {"username": "pat-2", "password": "a long enough password", "role": "patient"}
    answer = client.post("/api/users", json=body, headers=team.headers(Role.ADMIN))
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["field"] == "patient_id"


def test_a_short_password_is_refused_with_the_rule(client: TestClient, team: Team) -> None:
    body = {"username": "pat-3", "password": "short", "role": "nurse"}
    answer = client.post("/api/users", json=body, headers=team.headers(Role.ADMIN))
    assert answer.status_code == 422
    detail = answer.json()["detail"][0]
    assert detail["field"] == "password"
    assert "12" in detail["allowed"]


def test_the_audit_log_is_read_only_and_hidden_from_nurses_and_patients(
    client: TestClient, team: Team
) -> None:
    assert client.get("/api/audit", headers=team.headers(Role.CLINICIAN)).status_code == 200
    for role in (Role.NURSE, Role.PATIENT, Role.PROGRAMMER):
        assert client.get("/api/audit", headers=team.headers(role)).status_code == 403
    for method in ("put", "patch", "delete", "post"):
        answer = client.request(method, "/api/audit", headers=team.headers(Role.ADMIN))
        assert answer.status_code == 405


def test_the_default_secret_is_refused_outside_demo_mode(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="DRGSTIM_SECRET_KEY"):
        create_app(Settings(demo=False, data_dir=tmp_path))


def test_demo_accounts_work_only_in_demo_mode(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'demo.sqlite3'}"
    demo = create_app(Settings(demo=True, database_url=url, data_dir=tmp_path))
    with TestClient(demo) as c:
        login = {"username": "demo-clinician", "password": "demo-password"}
        assert c.post("/api/auth/login", json=login).status_code == 200
    real = create_app(Settings(demo=False, database_url=url, data_dir=tmp_path, secret_key=SECRET))
    with TestClient(real) as c:
        assert c.post("/api/auth/login", json=login).status_code == 401


def test_repeated_wrong_passwords_pause_that_username(client: TestClient, team: Team) -> None:
    from drgstim.api.throttle import ACCOUNT_POLICY, BackoffPolicy, LoginThrottle

    # the default policy's first pause is 1 s: long enough for a person, too short to
    # rely on in a test on a busy machine (argon2 runs between the attempts)
    policy = BackoffPolicy(free_failures=ACCOUNT_POLICY.free_failures, base_s=60, max_backoff_s=60)
    client.app.state.login_throttle = LoginThrottle(account=policy)  # type: ignore[attr-defined]
    for _ in range(5):
        answer = client.post(
            "/api/auth/token", data={"username": "nurse-user", "password": "guess"}
        )
        assert answer.status_code == 401
    paused = client.post("/api/auth/token", data={"username": "nurse-user", "password": PASSWORD})
    assert paused.status_code == 429
    assert int(paused.headers["Retry-After"]) > 0
    # other accounts are unaffected
    other = client.post(
        "/api/auth/login", json={"username": "clinician-user", "password": PASSWORD}
    )
    assert other.status_code == 200


def test_answers_carry_security_headers_and_api_data_is_not_cached(
    client: TestClient, team: Team
) -> None:
    answer = client.get("/api/patients", headers=team.headers(Role.CLINICIAN))
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert answer.headers["x-frame-options"] == "DENY"
    assert answer.headers["cache-control"] == "no-store"

"""Logins are revocable, login throttling holds under concurrent attempts, and secrets
are never the published default."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from api_support import PASSWORD, SECRET, Team
from fastapi.testclient import TestClient

from drgstim.api.accounts import set_active, set_password
from drgstim.api.auth import issue_token, start_session
from drgstim.api.settings import DEFAULT_SECRET_KEY, Settings
from drgstim.api.throttle import BackoffPolicy, LoginThrottle, ThrottledError
from drgstim.errors import InputError
from drgstim.storage import SYSTEM_ACTOR, Database
from drgstim.storage.models import Role, User
from drgstim.web.app import create_app

NEW_PASSWORD = "a brand new passphrase"


def _cookie_login(client: TestClient, username: str) -> str:
    answer = client.post("/api/auth/login", json={"username": username, "password": PASSWORD})
    assert answer.status_code == 200, answer.text
    return str(client.cookies.get("drgstim_session"))


def _token(client: TestClient, username: str, password: str = PASSWORD) -> dict[str, str]:
    answer = client.post("/api/auth/token", data={"username": username, "password": password})
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


def _me_with_cookie(client: TestClient, cookie: str) -> int:
    client.cookies.clear()
    client.cookies.set("drgstim_session", cookie)
    status = client.get("/api/auth/me").status_code
    client.cookies.clear()
    return status


def test_logout_revokes_the_session_also_for_a_copied_cookie(
    client: TestClient, team: Team
) -> None:
    cookie = _cookie_login(client, "nurse-user")
    csrf = client.get("/api/auth/me").json()["csrf_token"]
    assert client.post("/api/auth/logout", headers={"X-CSRF-Token": csrf}).status_code == 204
    assert _me_with_cookie(client, cookie) == 401


def test_logout_with_a_bearer_token_revokes_that_token_only(client: TestClient, team: Team) -> None:
    first, second = _token(client, "nurse-user"), _token(client, "nurse-user")
    assert client.post("/api/auth/logout", headers=first).status_code == 204
    assert client.get("/api/auth/me", headers=first).status_code == 401
    assert client.get("/api/auth/me", headers=second).status_code == 200


def test_an_admin_password_change_revokes_every_login_of_that_user(
    client: TestClient, team: Team
) -> None:
    cookie = _cookie_login(client, "nurse-user")
    client.cookies.clear()
    token = _token(client, "nurse-user")
    other = _token(client, "clinician-user")
    nurse = team.users[Role.NURSE]
    changed = client.patch(
        f"/api/users/{nurse.id}",
        json={"password": NEW_PASSWORD},
        headers=team.headers(Role.ADMIN),
    )
    assert changed.status_code == 200, changed.text
    assert client.get("/api/auth/me", headers=token).status_code == 401
    assert _me_with_cookie(client, cookie) == 401
    assert client.get("/api/auth/me", headers=other).status_code == 200  # someone else's
    assert client.get("/api/auth/me", headers=_token(client, "nurse-user", NEW_PASSWORD)).is_success


def test_disabling_an_account_revokes_its_logins_and_enabling_does_not_revive_them(
    client: TestClient, team: Team
) -> None:
    token = _token(client, "programmer-user")
    target = f"/api/users/{team.users[Role.PROGRAMMER].id}"
    admin = team.headers(Role.ADMIN)
    assert client.patch(target, json={"active": False}, headers=admin).status_code == 200
    assert client.get("/api/auth/me", headers=token).status_code == 401
    assert client.patch(target, json={"active": True}, headers=admin).status_code == 200
    assert client.get("/api/auth/me", headers=token).status_code == 401


def test_cli_password_change_and_disable_revoke_logins(team: Team, database: Database) -> None:
    """``drgstim users password`` / ``disable`` go through the same account services."""
    from drgstim.api.auth import session_is_live

    with database.session() as s:
        user = s.get(User, team.users[Role.NURSE].id)
        assert user is not None
        first = start_session(s, user, kind="token", max_age_s=600).id
    with database.session() as s:
        set_password(s, "nurse-user", NEW_PASSWORD, actor=SYSTEM_ACTOR)
    with database.session() as s:
        assert not session_is_live(s, first, user.id)
        user = s.get(User, user.id)
        assert user is not None
        second = start_session(s, user, kind="cookie", max_age_s=600).id
    with database.session() as s:
        set_active(s, "nurse-user", False, actor=SYSTEM_ACTOR)
    with database.session() as s:
        assert not session_is_live(s, second, user.id)


def test_a_token_without_a_login_row_is_refused(client: TestClient, team: Team) -> None:
    """A token whose login was never recorded (forged id) does not authenticate."""
    import uuid

    forged = issue_token(SECRET, team.users[Role.ADMIN], uuid.uuid4())
    answer = client.get("/api/auth/me", headers={"Authorization": f"Bearer {forged}"})
    assert answer.status_code == 401


# --- login throttling ------------------------------------------------------------------


def test_concurrent_wrong_attempts_are_all_counted(database: Database) -> None:
    """Twenty attempts released at the same moment: at most ``free_failures`` get through
    to the password check (the counter is atomic in the database)."""
    throttle = LoginThrottle(
        account=BackoffPolicy(free_failures=3, base_s=30, max_backoff_s=60),
        address=BackoffPolicy(free_failures=100, base_s=1, max_backoff_s=60),
    )
    start = threading.Barrier(20)
    passed: list[int] = []
    refused: list[int] = []
    errors: list[BaseException] = []

    def attempt(i: int) -> None:
        try:
            start.wait()
            with database.writer_sessions() as db:
                throttle.reserve(db, "target", f"10.0.0.{i}")
            passed.append(i)
        except ThrottledError:
            refused.append(i)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors, errors
    assert len(passed) == 3
    assert len(refused) == 17


def test_back_off_grows_and_then_lets_the_user_in(database: Database) -> None:
    policy = BackoffPolicy(free_failures=2, base_s=0.3, max_backoff_s=0.6)
    throttle = LoginThrottle(account=policy, address=BackoffPolicy(100, 1, 60))
    waits = []
    with database.writer_sessions() as db:
        for _ in range(4):
            try:
                throttle.reserve(db, "ann", "10.1.1.1")
            except ThrottledError as exc:
                waits.append(exc.retry_after_s)
                time.sleep(0.35 * 2 ** len(waits))
        assert waits  # it did pause
        assert policy.backoff_s(2) < policy.backoff_s(3) <= policy.max_backoff_s
        assert policy.backoff_s(50) == policy.max_backoff_s  # capped: never a lockout
        time.sleep(policy.max_backoff_s + 0.05)
        throttle.reserve(db, "ann", "10.1.1.1")  # allowed again
        throttle.succeeded(db, "ann", "10.1.1.1")
        db.commit()
        throttle.reserve(db, "ann", "10.1.1.1")  # a success cleared the account count


def test_one_address_guessing_across_accounts_is_throttled(client: TestClient, team: Team) -> None:
    client.app.state.login_throttle = LoginThrottle(  # type: ignore[attr-defined]
        account=BackoffPolicy(free_failures=50, base_s=1, max_backoff_s=60),
        address=BackoffPolicy(free_failures=3, base_s=30, max_backoff_s=900),
    )
    codes = [
        client.post(
            "/api/auth/token", data={"username": f"{role.value}-user", "password": "guess"}
        ).status_code
        for role in (Role.ADMIN, Role.NURSE, Role.CLINICIAN, Role.PROGRAMMER)
    ]
    assert codes == [401, 401, 401, 429]


# --- secrets -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("secret", "says"), [("", "empty"), (DEFAULT_SECRET_KEY, "default"), ("short", "32")]
)
def test_a_real_service_refuses_weak_secrets_and_says_why(
    tmp_path: Path, secret: str, says: str
) -> None:
    with pytest.raises(InputError, match="DRGSTIM_SECRET_KEY") as caught:
        create_app(Settings(demo=False, data_dir=tmp_path, secret_key=secret))
    assert says in str(caught.value)


def test_demo_mode_draws_a_random_secret_and_refuses_default_signed_tokens(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path / 'demo.sqlite3'}"
    demo = create_app(Settings(demo=True, database_url=url, data_dir=tmp_path))
    assert demo.state.settings.secret_key not in ("", DEFAULT_SECRET_KEY)
    assert len(demo.state.settings.secret_key) >= 32
    database: Database = demo.state.database
    with database.session() as s:
        from sqlalchemy import select

        user = s.scalar(select(User).where(User.username == "demo-clinician"))
        assert user is not None
        login = start_session(s, user, kind="token", max_age_s=600).id
    forged = issue_token(DEFAULT_SECRET_KEY, user, login)
    with TestClient(demo) as c:
        answer = c.get("/api/auth/me", headers={"Authorization": f"Bearer {forged}"})
        assert answer.status_code == 401

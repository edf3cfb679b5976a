"""``drgstim users create``, ``drgstim db upgrade`` and ``drgstim serve --demo`` through the
real entry point (exit codes 0 / 1 refused / 2 malformed)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from drgstim.api.auth import authenticate
from drgstim.storage import Database
from drgstim.storage.models import AuditLog

DRGSTIM = str(Path(sys.executable).with_name("drgstim"))
GOOD_PASSWORD = "a long enough password"


def _cli(args: list[str], db_url: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DRGSTIM_DATABASE_URL": db_url}
    return subprocess.run(
        [DRGSTIM, *args], input=stdin, env=env, capture_output=True, text=True, timeout=60
    )


def _create(db_url: str, username: str, role: str, password: str = GOOD_PASSWORD, *extra: str):
    args = ["users", "create", "--username", username, "--role", role, "--password-stdin"]
    return _cli([*args, *extra], db_url, password + "\n")


def test_users_create_makes_an_audited_account_that_can_log_in(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'c.sqlite3'}"
    done = _create(url, "dr-who", "clinician", GOOD_PASSWORD, "--json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert (data["username"], data["role"]) == ("dr-who", "clinician")
    database = Database(url)
    with database.session() as s:
        assert authenticate(s, "dr-who", GOOD_PASSWORD, demo=False) is not None
        assert authenticate(s, "dr-who", "wrong password!", demo=False) is None
        audit = s.scalars(select(AuditLog)).one()
        assert audit.actor.startswith("cli:")
        assert audit.new is not None and audit.new["password_hash"] == "***"
    database.dispose()


@pytest.mark.parametrize(
    ("username", "role", "password", "field"),
    [
        ("x1", "surgeon", GOOD_PASSWORD, "role"),
        ("x2", "nurse", "short", "password"),
        ("x3", "patient", GOOD_PASSWORD, "patient_id"),
    ],
)
def test_users_create_refuses_bad_input_with_exit_2(
    tmp_path: Path, username: str, role: str, password: str, field: str
) -> None:
    done = _create(f"sqlite:///{tmp_path / 'c.sqlite3'}", username, role, password)
    assert done.returncode == 2
    assert field in done.stderr
    assert "Traceback" not in done.stderr


def test_users_create_refuses_a_taken_username_with_exit_1(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'c.sqlite3'}"
    assert _create(url, "same", "nurse").returncode == 0
    again = _create(url, "same", "nurse")
    assert again.returncode == 1
    assert "conflicts" in again.stderr


def test_db_upgrade_is_idempotent(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'u.sqlite3'}"
    for _ in range(2):
        done = _cli(["db", "upgrade"], url)
        assert done.returncode == 0, done.stderr
        assert "at head" in done.stdout


def _serve_demo(data_dir: Path, *extra: str) -> tuple[subprocess.Popen[str], str]:
    """``drgstim serve --demo`` on a free loopback port with its data in ``data_dir``;
    returns the process and its base URL once it answers."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if k != "DRGSTIM_DATABASE_URL"}
    proc = subprocess.Popen(
        [DRGSTIM, "serve", "--demo", "--port", str(port), *extra],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**env, "DRGSTIM_DATA_DIR": str(data_dir)},
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/api/health", timeout=1).status_code == 200:
                return proc, base
        except httpx.TransportError:
            time.sleep(0.1)
    proc.kill()
    raise AssertionError(f"drgstim serve --demo did not answer: {proc.communicate()[1]}")


def _demo_headers(base: str) -> dict[str, str]:
    token = httpx.post(
        f"{base}/api/auth/token",
        data={"username": "demo-clinician", "password": "demo-password"},
    )
    assert token.status_code == 200
    return {"Authorization": f"Bearer {token.json()['access_token']}"}


def _stop_server(proc: subprocess.Popen[str]) -> str:
    proc.terminate()
    out, _ = proc.communicate(timeout=30)
    return out


@pytest.mark.slow
def test_serve_demo_seeds_on_first_start_and_keeps_data_between_starts(tmp_path: Path) -> None:
    proc, base = _serve_demo(tmp_path)
    try:
        headers = _demo_headers(base)
        patients = httpx.get(f"{base}/api/patients", headers=headers).json()
        stages = {p["stage"] for p in patients["items"]}
        assert {"assessed", "in_trial", "trial_reviewed", "follow_up"} <= stages
        first_count = patients["total"]
        added = httpx.post(
            f"{base}/api/patients",
            headers=headers,
            json={
                "mrn": "KEPT-1",
                "given_name": "Kept",
                "family_name": "Across",
                "birth_date": "1970-01-01",
            },
        )
        assert added.status_code == 201, added.text
    finally:
        out = _stop_server(proc)
    assert "demo-clinician / demo-password" in out
    assert "demo-patient / demo-password" in out
    assert (tmp_path / "demo.sqlite3").exists()

    # Second start: the same database, demo data not added twice, our patient still there.
    proc, base = _serve_demo(tmp_path)
    try:
        patients = httpx.get(f"{base}/api/patients", headers=_demo_headers(base)).json()
        assert patients["total"] == first_count + 1
        assert "KEPT-1" in {p["mrn"] for p in patients["items"]}
    finally:
        _stop_server(proc)

    # --fresh: a new demo database.
    proc, base = _serve_demo(tmp_path, "--fresh")
    try:
        patients = httpx.get(f"{base}/api/patients", headers=_demo_headers(base)).json()
        assert patients["total"] == first_count
    finally:
        _stop_server(proc)


def test_serve_fresh_needs_demo() -> None:
    done = subprocess.run([DRGSTIM, "serve", "--fresh"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert "--demo" in done.stderr and "Traceback" not in done.stderr


def test_serve_refuses_the_default_secret_outside_demo(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "DRGSTIM_SECRET_KEY"}
    env["DRGSTIM_DATABASE_URL"] = f"sqlite:///{tmp_path / 's.sqlite3'}"
    done = subprocess.run(
        [DRGSTIM, "serve", "--port", "1"], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 2
    assert "DRGSTIM_SECRET_KEY" in done.stderr
    assert "Traceback" not in done.stderr


def test_admins_can_list_reset_and_disable_accounts(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'c.sqlite3'}"
    assert _create(url, "nurse-jo", "nurse").returncode == 0
    new_password = "another long password"
    reset = _cli(
        ["users", "set-password", "--username", "nurse-jo", "--password-stdin"],
        url,
        new_password + "\n",
    )
    assert reset.returncode == 0, reset.stderr
    disabled = _cli(["users", "disable", "--username", "nurse-jo"], url)
    assert disabled.returncode == 0
    listed = json.loads(_cli(["users", "list", "--json"], url).stdout)
    assert listed == {
        "users": [{"username": "nurse-jo", "role": "nurse", "active": False, "demo": False}]
    }
    database = Database(url)
    with database.session() as s:
        assert authenticate(s, "nurse-jo", new_password, demo=False) is None  # disabled
        actions = [a.action for a in s.scalars(select(AuditLog).order_by(AuditLog.at))]
    database.dispose()
    assert actions == ["create", "update", "update"]
    assert _cli(["users", "enable", "--username", "nurse-jo"], url).returncode == 0
    with database.session() as s:
        assert authenticate(s, "nurse-jo", new_password, demo=False) is not None
    database.dispose()
    unknown = _cli(["users", "disable", "--username", "nobody"], url)
    assert unknown.returncode == 2
    assert "username" in unknown.stderr

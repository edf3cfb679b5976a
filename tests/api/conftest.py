# ruff: noqa: E402  (the shared test backends live in tests/storage, added to sys.path first)
"""API fixtures: an app on a fresh database (SQLite and PostgreSQL), one user per role.

Users are written straight into the database with one precomputed argon2 hash (hashing
is deliberately slow) and get bearer tokens; the login flow has its own tests.
"""

from __future__ import annotations

import sys
import warnings
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest
from fastapi import FastAPI

# Starlette 1.x prefers the httpx2 package for its test client; httpx (locked) still works.
warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
from fastapi.testclient import TestClient

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "storage"))
from api_support import SECRET, Team, password_hash
from backends import BACKENDS, POSTGRES_URL, fresh_database, postgres_available

from drgstim.api.auth import start_session
from drgstim.api.settings import Settings
from drgstim.storage import SYSTEM_ACTOR, Database, create
from drgstim.storage.models import Patient, Role, User
from drgstim.web.app import create_app


@pytest.fixture(params=BACKENDS)
def database(
    request: pytest.FixtureRequest, tmp_path: Path, require: Callable[[bool, str], None]
) -> Iterator[Database]:
    if request.param == "postgresql":
        require(postgres_available(), f"PostgreSQL at {POSTGRES_URL}")
    with fresh_database(request.param, tmp_path) as db:
        yield db


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(secret_key=SECRET, demo=False, data_dir=tmp_path, cookie_secure=False)


@pytest.fixture
def app(settings: Settings, database: Database) -> FastAPI:
    return create_app(settings, database=database)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


def _add_patient(db: Database, mrn: str, family: str) -> Patient:
    with db.session() as s:
        return create(
            s,
            Patient(
                mrn=mrn,
                given_name="Test",
                family_name=family,
                birth_date=date(1970, 5, 6),
                sex="female",
            ),
            actor=SYSTEM_ACTOR,
        )


@pytest.fixture
def team(app: FastAPI, database: Database) -> Team:
    own = _add_patient(database, "P-OWN", "Own")
    other = _add_patient(database, "P-OTHER", "Other")
    users: dict[Role, User] = {}
    with database.session() as s:
        for role in Role:
            user = User(
                username=f"{role.value}-user",
                password_hash=password_hash(),
                role=role.value,
                patient_id=own.id if role == Role.PATIENT else None,
            )
            users[role] = create(s, user, actor=SYSTEM_ACTOR)
        logins = {
            role: start_session(s, user, kind="token", max_age_s=3600).id
            for role, user in users.items()
        }
    return Team(users=users, own_patient=own, other_patient=other, logins=logins)

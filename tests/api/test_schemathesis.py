"""Schemathesis over the whole OpenAPI document: every operation, generated inputs,
authenticated as a clinician. No answer may be a server error, every status code and
body must be the documented one, and every Allow header must be right.

A stateful run chains operations through the links Schemathesis infers (an id returned
by one call feeds the next)."""

from __future__ import annotations

import tempfile
import warnings
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from api_support import SECRET
from hypothesis import HealthCheck, Phase, settings

from drgstim.api.auth import hash_password, issue_token, start_session
from drgstim.api.settings import Settings
from drgstim.storage import SYSTEM_ACTOR, Database, create
from drgstim.storage.models import User
from drgstim.web.app import create_app

warnings.filterwarnings("ignore", message=".*httpx.*")
pytestmark = [pytest.mark.slow]
EXAMPLES = 4


def _app_and_headers() -> tuple[Any, dict[str, str]]:
    """The app on a fresh SQLite file (removed at exit) and a clinician's bearer header.

    Built at import: Schemathesis parametrizes the test from the app's schema."""
    folder = Path(_TMP.name)
    database = Database(f"sqlite:///{folder / 'st.sqlite3'}")
    app = create_app(
        Settings(secret_key=SECRET, data_dir=folder, cookie_secure=False), database=database
    )
    with database.session() as s:
        user = create(
            s,
            User(username="st-clinician", password_hash=hash_password("x" * 12), role="clinician"),
            actor=SYSTEM_ACTOR,
        )
        login = start_session(s, user, kind="token", max_age_s=3600).id
    return app, {"Authorization": f"Bearer {issue_token(SECRET, user, login)}"}


_TMP = tempfile.TemporaryDirectory(prefix="drgstim-schemathesis-")
APP, HEADERS = _app_and_headers()
schema = schemathesis.openapi.from_asgi("/openapi.json", APP)


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_every_operation_answers_as_documented(case: Any) -> None:
    case.call_and_validate(headers=HEADERS)


class _Stateful(schema.as_state_machine()):  # type: ignore[misc]
    def get_call_kwargs(self, case: Any) -> dict[str, Any]:
        return {"headers": HEADERS}


TestStatefulSequences = _Stateful.TestCase
TestStatefulSequences.settings = settings(
    max_examples=6,
    stateful_step_count=6,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)

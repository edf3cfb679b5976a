"""Constants and helpers the API tests import (a unique module name: ``conftest`` is
ambiguous when several test folders run together)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from functools import cache

from drgstim.api.auth import hash_password, issue_token
from drgstim.storage.models import Patient, Role, User

SECRET = "test-secret-key-0123456789abcdef-0123456789"
PASSWORD = "correct horse battery"


@cache
def password_hash() -> str:
    return hash_password(PASSWORD)


@dataclass
class Team:
    """One account per role, their bearer headers, and two patients (the patient account
    belongs to ``own_patient``; ``other_patient`` is someone else)."""

    users: dict[Role, User]
    own_patient: Patient
    other_patient: Patient
    logins: dict[Role, uuid.UUID] = field(default_factory=dict)

    def headers(self, role: Role | str) -> dict[str, str]:
        role = Role(role)
        token = issue_token(SECRET, self.users[role], self.logins[role])
        return {"Authorization": f"Bearer {token}"}


def sign_consent(client: object, team: Team, patient_id: object, procedure: str) -> None:
    """Record the patient's signed consent (needed before a trial or implant is recorded)."""
    answer = client.post(  # type: ignore[attr-defined]
        f"/api/patients/{patient_id}/consents",
        json={"procedure": procedure, "signed_by_name": "Test Patient"},
        headers=team.headers(Role.NURSE),
    )
    assert answer.status_code == 201, answer.text

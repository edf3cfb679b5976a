"""Account services shared by the API and the CLI."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from drgstim.api.auth import hash_password, parse_role, revoke_all_sessions, validate_password
from drgstim.errors import InputError
from drgstim.storage import Actor, create, get, update
from drgstim.storage.models import Patient, Role, User

__all__ = [
    "check_patient_link",
    "create_account",
    "find_account",
    "list_accounts",
    "set_active",
    "set_password",
]


def check_patient_link(db: Session, role: Role, patient_id: uuid.UUID | None) -> None:
    """A patient account must name its patient record; a staff account must not."""
    if role == Role.PATIENT and patient_id is None:
        raise InputError("patient_id", None, "the id of the patient this account belongs to")
    if role != Role.PATIENT and patient_id is not None:
        raise InputError("patient_id", str(patient_id), "empty for staff accounts")
    if patient_id is not None:
        get(db, Patient, patient_id)


def _parse_uuid(field: str, value: str | uuid.UUID | None) -> uuid.UUID | None:
    if value is None or isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(value)
    except ValueError:
        raise InputError(
            field, value, "a UUID such as 123e4567-e89b-12d3-a456-426614174000"
        ) from None


def create_account(
    db: Session,
    *,
    username: str,
    password: str,
    role: str,
    actor: Actor,
    patient_id: str | uuid.UUID | None = None,
    full_name: str = "",
) -> User:
    """Validate and add a user (audited); the caller commits."""
    parsed_role = parse_role(role)
    validate_password(password)
    if not username or len(username) > 64:
        raise InputError("username", username, "1–64 characters")
    link = _parse_uuid("patient_id", patient_id)
    check_patient_link(db, parsed_role, link)
    user = User(
        username=username,
        password_hash=hash_password(password),
        role=parsed_role.value,
        full_name=full_name,
        patient_id=link,
    )
    return create(db, user, actor=actor)


def find_account(db: Session, username: str) -> User:
    """The account with this username, or an InputError naming it."""
    user = db.scalar(select(User).where(User.username == username))
    if user is None:
        raise InputError("username", username, "an existing account (see drgstim users list)")
    return user


def set_password(db: Session, username: str, password: str, *, actor: Actor) -> User:
    """Replace an account's password (audited, the hash masked) and revoke every login of
    the account; the caller commits."""
    validate_password(password)
    user = find_account(db, username)
    update(db, user, {"password_hash": hash_password(password)}, actor=actor)
    revoke_all_sessions(db, user.id)
    return user


def set_active(db: Session, username: str, active: bool, *, actor: Actor) -> User:
    """Enable or disable an account (audited); disabling revokes all its logins."""
    user = find_account(db, username)
    update(db, user, {"active": active}, actor=actor)
    if not active:
        revoke_all_sessions(db, user.id)
    return user


def list_accounts(db: Session) -> list[User]:
    return list(db.scalars(select(User).order_by(User.username)))

"""Accounts: argon2 password hashes, session cookies for the web, bearer tokens, CSRF.

* Passwords are hashed with argon2id (argon2-cffi defaults, RFC 9106 "low memory" profile).
* The web keeps the user id and a random CSRF token in a signed session cookie
  (Starlette's SessionMiddleware, HttpOnly, SameSite=Lax, Secure outside demo mode).
* Scripts get a signed, time-limited bearer token from ``POST /api/auth/token``.
* Unsafe requests (POST/PUT/PATCH/DELETE) authenticated by the cookie must send the
  session's CSRF token back, in the ``X-CSRF-Token`` header or a ``csrf_token`` form field.
  Bearer-token requests need none: a browser never attaches the token by itself.
"""

from __future__ import annotations

import secrets
import uuid
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select
from sqlalchemy.orm import Session

from drgstim.errors import InputError
from drgstim.storage.models import Role, User

__all__ = [
    "CSRF_FORM_FIELD",
    "CSRF_HEADER",
    "DEMO_PASSWORD",
    "SESSION_COOKIE",
    "authenticate",
    "csrf_token",
    "hash_password",
    "issue_token",
    "login_session",
    "logout_session",
    "parse_role",
    "read_token",
    "validate_password",
    "verify_password",
]

SESSION_COOKIE = "drgstim_session"
CSRF_HEADER = "X-CSRF-Token"
CSRF_FORM_FIELD = "csrf_token"
DEMO_PASSWORD = "demo-password"
MIN_PASSWORD_LENGTH = 12
_TOKEN_SALT = "drgstim-bearer-token"
_hasher = PasswordHasher()
# A valid hash to verify against when the user does not exist, so that the answer time
# does not reveal which usernames exist.
_DUMMY_HASH = _hasher.hash("not-a-real-password-" + "x" * 16)


def hash_password(password: str) -> str:
    """The argon2id hash of ``password``."""
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """Whether ``password`` matches ``password_hash`` (never raises for a wrong one)."""
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def validate_password(password: str) -> None:
    """Refuse passwords too short to protect clinical data."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InputError(
            "password",
            f"<{len(password)} characters>",
            f"at least {MIN_PASSWORD_LENGTH} characters",
        )


def authenticate(db: Session, username: str, password: str, *, demo: bool) -> User | None:
    """The active user with this username and password, or None.

    Demo accounts (created by ``drgstim serve --demo``) are refused unless ``demo`` is set.
    """
    user = db.scalar(select(User).where(User.username == username))
    if user is None:
        verify_password(_DUMMY_HASH, password)
        return None
    if not verify_password(user.password_hash, password):
        return None
    if not user.active or (user.demo and not demo):
        return None
    return user


def login_session(session: dict[str, Any], user: User) -> str:
    """Start a web session for ``user``; returns the new CSRF token."""
    session.clear()
    token = secrets.token_urlsafe(32)
    session["uid"] = str(user.id)
    session["csrf"] = token
    return token


def logout_session(session: dict[str, Any]) -> None:
    """End the web session."""
    session.clear()


def csrf_token(session: dict[str, Any]) -> str:
    """The session's CSRF token, for templates to embed (created if missing)."""
    token = session.get("csrf")
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        session["csrf"] = token
    return token


def issue_token(secret_key: str, user: User) -> str:
    """A signed bearer token naming the user (expiry is checked when it is read)."""
    return URLSafeTimedSerializer(secret_key, salt=_TOKEN_SALT).dumps(
        {"uid": str(user.id), "role": user.role}
    )


def read_token(secret_key: str, token: str, *, max_age_s: int) -> uuid.UUID | None:
    """The user id in a valid, unexpired token, or None."""
    try:
        data = URLSafeTimedSerializer(secret_key, salt=_TOKEN_SALT).loads(token, max_age=max_age_s)
    except (BadSignature, SignatureExpired):
        return None
    try:
        return uuid.UUID(str(data["uid"]))
    except (KeyError, TypeError, ValueError):
        return None


def parse_role(value: str) -> Role:
    """A role from its name, or an InputError listing the roles."""
    try:
        return Role(value)
    except ValueError:
        raise InputError("role", value, ", ".join(r.value for r in Role)) from None

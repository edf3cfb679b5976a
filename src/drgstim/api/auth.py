"""Accounts: argon2 password hashes, session cookies for the web, bearer tokens, CSRF.

* Passwords are hashed with argon2id (argon2-cffi defaults, RFC 9106 "low memory" profile).
* The web keeps the user id, the login's server-side id and a random CSRF token in a
  signed session cookie (Starlette's SessionMiddleware, HttpOnly, SameSite=Lax, Secure
  outside demo mode).
* Scripts get a signed, time-limited bearer token from ``POST /api/auth/token``.
* Every login (cookie or token) has a row in ``auth_sessions``; each request checks it.
  Logout revokes that row; a password change or disabling the account revokes all of the
  user's rows, so copies of old cookies and tokens stop working at once.
* Unsafe requests (POST/PUT/PATCH/DELETE) authenticated by the cookie must send the
  session's CSRF token back, in the ``X-CSRF-Token`` header or a ``csrf_token`` form field.
  Bearer-token requests need none: a browser never attaches the token by itself.
"""

from __future__ import annotations

import secrets
import uuid
from datetime import timedelta
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from drgstim.api.throttle import LoginThrottle, ThrottledError
from drgstim.errors import InputError
from drgstim.storage.models import AuthSession, Role, User
from drgstim.storage.types import utc_now

__all__ = [
    "CSRF_FORM_FIELD",
    "CSRF_HEADER",
    "DEMO_PASSWORD",
    "SESSION_COOKIE",
    "LoginThrottle",
    "ThrottledError",
    "TooManyAttemptsError",
    "attempt_login",
    "authenticate",
    "csrf_token",
    "hash_password",
    "issue_token",
    "login_session",
    "logout_session",
    "parse_role",
    "read_token",
    "revoke_all_sessions",
    "revoke_session",
    "session_is_live",
    "start_session",
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


def start_session(db: Session, user: User, *, kind: str, max_age_s: int) -> AuthSession:
    """Record a new login (``kind``: ``cookie`` or ``token``) that can later be revoked."""
    row = AuthSession(
        user_id=user.id, kind=kind, expires_at=utc_now() + timedelta(seconds=max_age_s)
    )
    db.add(row)
    db.flush()
    return row


def session_is_live(db: Session, session_id: uuid.UUID, user_id: uuid.UUID) -> bool:
    """Whether the login ``session_id`` belongs to ``user_id`` and is neither revoked nor
    expired."""
    row = db.get(AuthSession, session_id)
    return (
        row is not None
        and row.user_id == user_id
        and row.revoked_at is None
        and row.expires_at > utc_now()
    )


def revoke_session(db: Session, session_id: uuid.UUID) -> None:
    """End one login (logout)."""
    db.execute(
        update(AuthSession)
        .where(AuthSession.id == session_id, AuthSession.revoked_at.is_(None))
        .values(revoked_at=utc_now())
    )


def revoke_all_sessions(db: Session, user_id: uuid.UUID) -> int:
    """End every login of a user (password change, account disabled); returns how many."""
    result = db.execute(
        update(AuthSession)
        .where(AuthSession.user_id == user_id, AuthSession.revoked_at.is_(None))
        .values(revoked_at=utc_now())
    )
    return int(getattr(result, "rowcount", 0) or 0)


def login_session(session: dict[str, Any], user: User, *, db: Session, max_age_s: int) -> str:
    """Start a web session for ``user``: a login row (committed) and the cookie's fields;
    returns the new CSRF token."""
    row = start_session(db, user, kind="cookie", max_age_s=max_age_s)
    db.commit()
    session.clear()
    token = secrets.token_urlsafe(32)
    session["uid"] = str(user.id)
    session["sid"] = str(row.id)
    session["csrf"] = token
    return token


def logout_session(session: dict[str, Any], *, db: Session) -> None:
    """End the web session: revoke its login row (committed) and clear the cookie."""
    raw = session.get("sid")
    session.clear()
    try:
        session_id = uuid.UUID(str(raw)) if raw else None
    except ValueError:
        session_id = None
    if session_id is not None:
        revoke_session(db, session_id)
        db.commit()


def csrf_token(session: dict[str, Any]) -> str:
    """The session's CSRF token, for templates to embed (created if missing)."""
    token = session.get("csrf")
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        session["csrf"] = token
    return token


def issue_token(secret_key: str, user: User, session_id: uuid.UUID) -> str:
    """A signed bearer token naming the user and its login row ``session_id`` (expiry is
    checked when it is read, revocation against the row)."""
    return URLSafeTimedSerializer(secret_key, salt=_TOKEN_SALT).dumps(
        {"uid": str(user.id), "sid": str(session_id), "role": user.role}
    )


def read_token(
    secret_key: str, token: str, *, max_age_s: int
) -> tuple[uuid.UUID, uuid.UUID] | None:
    """(user id, login id) from a valid, unexpired token, or None."""
    try:
        data = URLSafeTimedSerializer(secret_key, salt=_TOKEN_SALT).loads(token, max_age=max_age_s)
    except (BadSignature, SignatureExpired):
        return None
    try:
        return uuid.UUID(str(data["uid"])), uuid.UUID(str(data["sid"]))
    except (KeyError, TypeError, ValueError):
        return None


TooManyAttemptsError = ThrottledError


def parse_role(value: str) -> Role:
    """A role from its name, or an InputError listing the roles."""
    try:
        return Role(value)
    except ValueError:
        raise InputError("role", value, ", ".join(r.value for r in Role)) from None


def attempt_login(
    throttle: LoginThrottle,
    db: Session,
    username: str,
    password: str,
    *,
    address: str,
    demo: bool,
) -> User | None:
    """:func:`authenticate` behind the throttle: None for wrong credentials,
    :class:`ThrottledError` while the account or the client address is paused.

    The attempt is counted (and committed) before the password is checked; the slow hash
    check runs with no database transaction open. Use this for every login form or
    endpoint (``request.app.state.login_throttle`` is the app's throttle)."""
    throttle.reserve(db, username, address)
    user = db.scalar(select(User).where(User.username == username))
    db.commit()  # release the connection (and SQLite's write lock) during the hash check
    if user is None:
        verify_password(_DUMMY_HASH, password)
        return None
    if not verify_password(user.password_hash, password):
        return None
    if not user.active or (user.demo and not demo):
        return None
    throttle.succeeded(db, username, address)
    return user

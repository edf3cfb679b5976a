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
import threading
import time
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
    "LoginThrottle",
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


class LoginThrottle:
    """Refuse logins for a username after ``max_failures`` wrong passwords within
    ``window_s`` (per server process), so passwords cannot be guessed at network speed.

    OWASP's authentication guidance asks for such a limit; 5 failures per 15 minutes is a
    common choice. A success clears the count."""

    def __init__(self, *, max_failures: int = 5, window_s: float = 900.0) -> None:
        self.max_failures = max_failures
        self.window_s = window_s
        self._failures: dict[str, list[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, username: str, now: float) -> list[float]:
        times = [t for t in self._failures.get(username, []) if now - t < self.window_s]
        if times:
            self._failures[username] = times
        else:
            self._failures.pop(username, None)
        return times

    def retry_after_s(self, username: str) -> int:
        """Seconds until ``username`` may try again (0 = now)."""
        now = time.monotonic()
        with self._lock:
            times = self._recent(username.lower(), now)
            if len(times) < self.max_failures:
                return 0
            return max(1, int(self.window_s - (now - times[-self.max_failures])) + 1)

    def failed(self, username: str) -> None:
        with self._lock:
            key = username.lower()
            self._recent(key, time.monotonic())
            self._failures.setdefault(key, []).append(time.monotonic())

    def succeeded(self, username: str) -> None:
        with self._lock:
            self._failures.pop(username.lower(), None)


class TooManyAttemptsError(RuntimeError):
    """Logins for this username are paused; ``retry_after_s`` says for how long."""

    def __init__(self, username: str, retry_after_s: int) -> None:
        self.retry_after_s = retry_after_s
        super().__init__(f"too many failed logins for {username!r}; try again in {retry_after_s} s")


def attempt_login(
    throttle: LoginThrottle, db: Session, username: str, password: str, *, demo: bool
) -> User | None:
    """:func:`authenticate` behind the throttle: None for wrong credentials,
    :class:`TooManyAttemptsError` while the username is paused. Use this for every login
    form or endpoint (``request.app.state.login_throttle`` is the app's throttle)."""
    wait_s = throttle.retry_after_s(username)
    if wait_s:
        raise TooManyAttemptsError(username, wait_s)
    user = authenticate(db, username, password, demo=demo)
    if user is None:
        throttle.failed(username)
    else:
        throttle.succeeded(username)
    return user

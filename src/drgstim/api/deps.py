"""FastAPI dependencies: the database session, the current user, role checks, paging."""

from __future__ import annotations

import hmac
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Query, Request, status
from sqlalchemy.orm import Session

from drgstim.api.auth import CSRF_FORM_FIELD, CSRF_HEADER, read_token, session_is_live
from drgstim.api.settings import Settings
from drgstim.storage import Actor, Database, NotFoundError
from drgstim.storage.models import Role, User

__all__ = [
    "CurrentUser",
    "Paging",
    "PagingDep",
    "SessionDep",
    "SettingsDep",
    "actor_of",
    "client_address",
    "csrf_guard",
    "current_user",
    "ensure_patient_access",
    "get_db",
    "get_settings",
    "login_id",
    "optional_user",
    "require_roles",
]

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_database(request: Request) -> Database:
    database: Database = request.app.state.database
    return database


def get_db(request: Request) -> Iterator[Session]:
    """One session per request. Routes commit explicitly *before* they answer, so a
    response is only sent for a write that is already durable; anything else rolls back."""
    database = get_database(request)
    factory = database.writer_sessions if request.method in UNSAFE_METHODS else database.sessions
    with factory() as session:
        try:
            yield session
        finally:
            session.rollback()


SessionDep = Annotated[Session, Depends(get_db)]
SettingsDep = Annotated[Settings, Depends(get_settings)]


def _unauthorised(detail: str) -> HTTPException:
    return HTTPException(
        status.HTTP_401_UNAUTHORIZED, detail=detail, headers={"WWW-Authenticate": "Bearer"}
    )


async def _check_csrf(request: Request) -> None:
    sent = request.headers.get(CSRF_HEADER)
    if sent is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        form = await request.form()
        value = form.get(CSRF_FORM_FIELD)
        sent = value if isinstance(value, str) else None
    expected = request.session.get("csrf")
    if not sent or not isinstance(expected, str) or not hmac.compare_digest(sent, expected):
        raise HTTPException(
            status.HTTP_403_FORBIDDEN,
            detail=f"missing or wrong CSRF token: send the session's token in the "
            f"{CSRF_HEADER} header or the {CSRF_FORM_FIELD} form field",
        )


def client_address(request: Request) -> str:
    """The client's network address (the proxy's, behind one: run uvicorn with
    ``--proxy-headers`` and ``--forwarded-allow-ips`` to see the real one)."""
    return request.client.host if request.client else "unknown"


def _credentials(request: Request, settings: Settings) -> tuple[uuid.UUID, uuid.UUID, bool] | None:
    """(user id, login id, came from the cookie) for the request's credentials."""
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        ids = read_token(
            settings.secret_key, header[7:].strip(), max_age_s=settings.token_max_age_s
        )
        if ids is None:
            raise _unauthorised("bearer token invalid or expired; get a new one at /api/auth/token")
        return ids[0], ids[1], False
    if "session" not in request.scope:
        return None
    raw_uid, raw_sid = request.session.get("uid"), request.session.get("sid")
    if not raw_uid or not raw_sid:
        return None
    try:
        return uuid.UUID(str(raw_uid)), uuid.UUID(str(raw_sid)), True
    except ValueError:
        return None


def login_id(request: Request, settings: Settings) -> uuid.UUID | None:
    """The login row named by the request's bearer token, if it sent a valid one."""
    header = request.headers.get("authorization", "")
    if not header.lower().startswith("bearer "):
        return None
    ids = read_token(settings.secret_key, header[7:].strip(), max_age_s=settings.token_max_age_s)
    return ids[1] if ids else None


async def csrf_guard(request: Request) -> None:
    """Unsafe requests authenticated by the session cookie must carry the CSRF token.

    Async and database-free on purpose: it may await the form body, and must never hold
    a database transaction on the event loop."""
    if request.method not in UNSAFE_METHODS:
        return
    if request.headers.get("authorization", "").lower().startswith("bearer "):
        return
    if "session" in request.scope and request.session.get("uid"):
        await _check_csrf(request)


def optional_user(
    request: Request,
    db: SessionDep,
    settings: SettingsDep,
    _csrf: Annotated[None, Depends(csrf_guard)],
) -> User | None:
    """The logged-in user, or None when the request carries no credentials.

    A plain ``def``: FastAPI runs it in the thread pool, so the database lookup (which on
    SQLite may wait for the write lock) never blocks the event loop."""
    found = _credentials(request, settings)
    if found is None:
        return None
    uid, sid, from_cookie = found
    user = db.get(User, uid)
    live = user is not None and user.active and session_is_live(db, sid, uid)
    if user is None or not live or (user.demo and not settings.demo):
        if from_cookie:
            request.session.clear()
            return None
        raise _unauthorised("login revoked or expired, or the account is no longer active")
    return user


def current_user(user: Annotated[User | None, Depends(optional_user)]) -> User:
    """The logged-in user; 401 when there is none."""
    if user is None:
        raise _unauthorised("log in first (session cookie or bearer token)")
    return user


CurrentUser = Annotated[User, Depends(current_user)]


def require_roles(*roles: Role) -> Any:
    """A dependency that lets only ``roles`` through (403 for other logged-in users)."""
    allowed = frozenset(roles)

    def check(user: CurrentUser) -> User:
        if Role(user.role) not in allowed:
            names = ", ".join(sorted(r.value for r in allowed))
            raise HTTPException(
                status.HTTP_403_FORBIDDEN,
                detail=f"role {user.role!r} may not do this; allowed roles: {names}",
            )
        return user

    return Depends(check)


def ensure_patient_access(user: User, patient_id: uuid.UUID, entity: str = "patients") -> None:
    """A patient user sees only their own record: anything else is reported as not found,
    so that the existence of other patients is not revealed."""
    if user.role == Role.PATIENT and user.patient_id != patient_id:
        raise NotFoundError(entity, patient_id)


def actor_of(user: User) -> Actor:
    return Actor(name=user.username, id=user.id)


# Every database stores a 32-bit signed offset; a larger one is a 422, not a driver error.
MAX_OFFSET = 2**31 - 1


@dataclass(frozen=True)
class Paging:
    limit: int
    offset: int


def paging(
    limit: Annotated[int, Query(ge=1, le=500, description="Page size.")] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET, description="Rows to skip.")] = 0,
) -> Paging:
    return Paging(limit=limit, offset=offset)


PagingDep = Annotated[Paging, Depends(paging)]

"""Log in and out (web session cookie) and get bearer tokens (scripts)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request, status

from drgstim.api.auth import (
    ThrottledError,
    attempt_login,
    csrf_token,
    issue_token,
    login_session,
    logout_session,
    revoke_session,
    start_session,
)
from drgstim.api.deps import CurrentUser, SessionDep, SettingsDep, client_address, login_id
from drgstim.api.schemas.accounts import Credentials, LoginPublic, TokenPublic, UserPublic
from drgstim.storage.models import User

__all__ = ["router"]

router = APIRouter(prefix="/auth", tags=["auth"])

_BAD_LOGIN = "wrong username or password (or the account is disabled)"
_LOGIN_RESPONSES: dict[int | str, dict[str, object]] = {
    429: {"description": "Too many failed logins: wait for Retry-After seconds"}
}


def _checked_login(
    request: Request, db: SessionDep, settings: SettingsDep, username: str, password: str
) -> User:
    """The user for these credentials; 401 when wrong, 429 while throttled."""
    try:
        user = attempt_login(
            request.app.state.login_throttle,
            db,
            username,
            password,
            address=client_address(request),
            demo=settings.demo,
        )
    except ThrottledError as exc:
        raise HTTPException(
            status.HTTP_429_TOO_MANY_REQUESTS,
            detail=str(exc),
            headers={"Retry-After": str(exc.retry_after_s)},
        ) from exc
    if user is None:
        db.commit()  # keep the counted failure
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED, detail=_BAD_LOGIN, headers={"WWW-Authenticate": "Bearer"}
        )
    return user


@router.post("/login", response_model=LoginPublic, responses=_LOGIN_RESPONSES)
def login(
    body: Credentials, request: Request, db: SessionDep, settings: SettingsDep
) -> LoginPublic:
    """Start a cookie session; the answer carries the CSRF token for later writes."""
    user = _checked_login(request, db, settings, body.username, body.password)
    token = login_session(request.session, user, db=db, max_age_s=settings.session_max_age_s)
    return LoginPublic(user=UserPublic.model_validate(user), csrf_token=token)


@router.post("/logout", status_code=status.HTTP_204_NO_CONTENT)
def logout(request: Request, db: SessionDep, settings: SettingsDep) -> None:
    """End this login: the cookie session, or the bearer token that sent the request.
    Either stops working at once, also where a copy of it was kept."""
    bearer = login_id(request, settings)
    if bearer is not None:
        revoke_session(db, bearer)
        db.commit()
    logout_session(request.session, db=db)


@router.post("/token", response_model=TokenPublic, responses=_LOGIN_RESPONSES)
def token(
    request: Request,
    username: Annotated[str, Form(min_length=1, max_length=64)],
    password: Annotated[str, Form(min_length=1, max_length=1024)],
    db: SessionDep,
    settings: SettingsDep,
) -> TokenPublic:
    """OAuth2 password flow: form fields ``username`` and ``password`` → bearer token."""
    user = _checked_login(request, db, settings, username, password)
    row = start_session(db, user, kind="token", max_age_s=settings.token_max_age_s)
    db.commit()
    return TokenPublic(
        access_token=issue_token(settings.secret_key, user, row.id),
        expires_in_s=settings.token_max_age_s,
    )


@router.get("/me", response_model=LoginPublic)
def me(user: CurrentUser, request: Request) -> LoginPublic:
    """Who is logged in, and the session's CSRF token."""
    return LoginPublic(user=UserPublic.model_validate(user), csrf_token=csrf_token(request.session))

"""Log in and out (web session cookie) and get bearer tokens (scripts)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request, status

from drgstim.api.auth import authenticate, csrf_token, issue_token, login_session, logout_session
from drgstim.api.deps import CurrentUser, SessionDep, SettingsDep
from drgstim.api.schemas.accounts import Credentials, LoginPublic, TokenPublic, UserPublic

__all__ = ["router"]

router = APIRouter(prefix="/auth", tags=["auth"])

_BAD_LOGIN = "wrong username or password (or the account is disabled)"


@router.post("/login", response_model=LoginPublic)
def login(
    body: Credentials, request: Request, db: SessionDep, settings: SettingsDep
) -> LoginPublic:
    """Start a cookie session; the answer carries the CSRF token for later writes."""
    user = authenticate(db, body.username, body.password, demo=settings.demo)
    if user is None:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, detail=_BAD_LOGIN)
    token = login_session(request.session, user)
    return LoginPublic(user=UserPublic.model_validate(user), csrf_token=token)


@router.post("/logout", status_code=status.HTTP_204_NO_CONTENT)
def logout(request: Request) -> None:
    """End the cookie session (harmless when there is none)."""
    logout_session(request.session)


@router.post("/token", response_model=TokenPublic)
def token(
    username: Annotated[str, Form(min_length=1, max_length=64)],
    password: Annotated[str, Form(min_length=1, max_length=1024)],
    db: SessionDep,
    settings: SettingsDep,
) -> TokenPublic:
    """OAuth2 password flow: form fields ``username`` and ``password`` → bearer token."""
    user = authenticate(db, username, password, demo=settings.demo)
    if user is None:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED, detail=_BAD_LOGIN, headers={"WWW-Authenticate": "Bearer"}
        )
    return TokenPublic(
        access_token=issue_token(settings.secret_key, user), expires_in_s=settings.token_max_age_s
    )


@router.get("/me", response_model=LoginPublic)
def me(user: CurrentUser, request: Request) -> LoginPublic:
    """Who is logged in, and the session's CSRF token."""
    return LoginPublic(user=UserPublic.model_validate(user), csrf_token=csrf_token(request.session))

"""The application factory: API under ``/api``, web pages at ``/``, static files, OpenAPI.

``create_app`` migrates the database on start (and seeds demo data in demo mode), so
``drgstim serve`` needs no separate setup step.
"""

from __future__ import annotations

import importlib
import logging
from importlib import resources
from importlib.util import find_spec
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request, Response
from fastapi.staticfiles import StaticFiles
from starlette.middleware.gzip import GZipMiddleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.types import Scope

from drgstim import __version__
from drgstim.api import api_router
from drgstim.api.auth import SESSION_COOKIE, LoginThrottle
from drgstim.api.errors import install_error_handlers
from drgstim.api.settings import Settings
from drgstim.storage import Database

__all__ = ["create_app"]

logger = logging.getLogger(__name__)
logger.addHandler(logging.NullHandler())


def _static_dir() -> Path:
    return Path(str(resources.files("drgstim.web"))) / "static"


class CachedStaticFiles(StaticFiles):
    """Static files (scripts, styles, icons) that browsers keep for a day; the ETag and
    Last-Modified headers let them revalidate cheaply after that."""

    async def get_response(self, path: str, scope: Scope) -> Response:
        response = await super().get_response(path, scope)
        if response.status_code in (200, 304):
            response.headers.setdefault("Cache-Control", "public, max-age=86400")
        return response


def _include_pages(app: FastAPI) -> None:
    # The web pages are built by the web layer; until drgstim/web/pages.py exists the
    # service runs API-only.
    if find_spec("drgstim.web.pages") is None:
        logger.warning("drgstim.web.pages not found: serving the API only")
        return
    pages = importlib.import_module("drgstim.web.pages")
    app.include_router(pages.router)
    guide = importlib.import_module("drgstim.web.guide")
    app.include_router(guide.router)


_SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}


async def _security_headers(request: Request, call_next: Any) -> Response:
    """Headers every answer carries; API answers (patient data) are never cached."""
    response: Response = await call_next(request)
    for name, value in _SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    if request.url.path.startswith("/api/"):
        response.headers.setdefault("Cache-Control", "no-store")
    return response


def create_app(settings: Settings | None = None, *, database: Database | None = None) -> FastAPI:
    """Build the service: migrate (and in demo mode seed) the database, then the app."""
    settings = settings or Settings()
    settings.check_startable()
    database = database or Database(settings.resolved_database_url())
    database.migrate()
    if settings.demo:
        from drgstim.api.demo import seed_demo

        with database.session() as session:
            seed_demo(session)

    app = FastAPI(
        title="drgstim clinic service",
        version=__version__,
        docs_url="/docs",
        openapi_url="/openapi.json",
    )
    app.state.settings = settings
    app.state.database = database
    app.state.login_throttle = LoginThrottle()
    app.add_middleware(
        SessionMiddleware,
        secret_key=settings.secret_key,
        session_cookie=SESSION_COOKIE,
        max_age=settings.session_max_age_s,
        same_site="lax",
        https_only=settings.cookie_secure and not settings.demo,
    )
    app.middleware("http")(_security_headers)
    # Text answers over 1 kB are gzip-compressed when the browser accepts it (plotly.min.js
    # is 4.8 MB as shipped, about a third of that compressed).
    app.add_middleware(GZipMiddleware, minimum_size=1024)
    install_error_handlers(app)
    app.include_router(api_router(), prefix="/api")
    static = _static_dir()
    if static.is_dir():
        app.mount("/static", CachedStaticFiles(directory=static), name="static")
    _include_pages(app)
    return app

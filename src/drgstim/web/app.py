"""The application factory: API under ``/api``, web pages at ``/``, static files, OpenAPI.

``create_app`` migrates the database on start (and seeds demo data in demo mode), so
``drgstim serve`` needs no separate setup step.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib import resources
from importlib.util import find_spec
from pathlib import Path

import anyio.to_thread
from fastapi import FastAPI
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.middleware.gzip import GZipMiddleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.types import Scope

from drgstim import __version__
from drgstim.api import api_router
from drgstim.api.auth import SESSION_COOKIE, LoginThrottle
from drgstim.api.errors import install_error_handlers, install_openapi
from drgstim.api.limits import AdmissionControl, SecurityHeaders
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


_DOCS_ASSETS = "/docs-assets"
_SWAGGER_PAGE = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>drgstim API (Swagger UI)</title>
<link rel="stylesheet" href="{_DOCS_ASSETS}/swagger-ui.css">
<link rel="icon" href="{_DOCS_ASSETS}/favicon.png"></head>
<body><div id="swagger-ui"></div>
<script src="{_DOCS_ASSETS}/swagger-ui-bundle.js"></script>
<script src="/static/swagger-init.js"></script></body></html>
"""
_REDOC_PAGE = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>drgstim API (ReDoc)</title>
<link rel="icon" href="{_DOCS_ASSETS}/favicon.png"></head>
<body><redoc spec-url="/openapi.json"></redoc>
<script src="{_DOCS_ASSETS}/redoc.standalone.js"></script></body></html>
"""


def _include_docs(app: FastAPI) -> None:
    """/docs (Swagger UI) and /redoc from the assets packaged by ``fastapi-offline``
    (MIT; it ships the Swagger UI and ReDoc bundles): they work offline, and their start-up
    script is a static file, so the Content-Security-Policy needs no inline script."""
    app.mount(
        _DOCS_ASSETS, StaticFiles(packages=[("fastapi_offline", "static")]), name="docs-assets"
    )

    @app.get("/docs", include_in_schema=False)
    def swagger_ui() -> HTMLResponse:
        return HTMLResponse(_SWAGGER_PAGE)

    @app.get("/redoc", include_in_schema=False)
    def redoc() -> HTMLResponse:
        return HTMLResponse(_REDOC_PAGE)


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    # Every admitted request must find a worker thread: keep the thread pool larger than
    # the admission limit (each request uses at most one pool thread at a time).
    limiter = anyio.to_thread.current_default_thread_limiter()
    settings: Settings = app.state.settings
    limiter.total_tokens = max(limiter.total_tokens, 2 * settings.max_active_requests)
    yield


def create_app(settings: Settings | None = None, *, database: Database | None = None) -> FastAPI:
    """Build the service: migrate (and in demo mode seed) the database, then the app."""
    settings = (settings or Settings()).effective()
    settings.check_startable()
    # More pooled connections than requests admitted at once: no admitted request ever
    # waits for a connection that another waiting request holds.
    database = database or Database(
        settings.resolved_database_url(),
        pool_size=settings.max_active_requests + 4,
        max_overflow=4,
        pool_timeout=10,
    )
    database.migrate()
    if settings.demo:
        from drgstim.api.demo import seed_demo

        with database.session() as session:
            seed_demo(session)

    app = FastAPI(
        title="drgstim clinic service",
        version=__version__,
        docs_url=None,
        redoc_url=None,
        openapi_url="/openapi.json",
        max_body_size=settings.max_body_bytes,
        lifespan=_lifespan,
    )
    app.state.settings = settings
    app.state.database = database
    app.state.login_throttle = LoginThrottle()
    # Added innermost first: the security headers wrap everything, including the 503s.
    app.add_middleware(
        SessionMiddleware,
        secret_key=settings.secret_key,
        session_cookie=SESSION_COOKIE,
        max_age=settings.session_max_age_s,
        same_site="lax",
        https_only=settings.cookie_secure and not settings.demo,
    )
    app.add_middleware(
        AdmissionControl,
        max_active=settings.max_active_requests,
        max_waiting=settings.max_waiting_requests,
        wait_s=settings.queue_wait_s,
    )
    app.add_middleware(SecurityHeaders)
    # Text answers over 1 kB are gzip-compressed when the browser accepts it (plotly.min.js
    # is 4.8 MB as shipped, about a third of that compressed).
    app.add_middleware(GZipMiddleware, minimum_size=1024)
    install_error_handlers(app)
    app.include_router(api_router(), prefix="/api")
    install_openapi(app)
    _include_docs(app)
    static = _static_dir()
    if static.is_dir():
        app.mount("/static", CachedStaticFiles(directory=static), name="static")
    _include_pages(app)
    return app

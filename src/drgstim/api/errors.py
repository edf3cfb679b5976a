"""Error handlers: every user mistake becomes a clear 4xx, never a 500.

422 bodies share one shape, whether the check was pydantic's or a domain layer's:
``{"detail": [{"field", "value", "allowed", "reason", "message"}]}`` (``reason`` only
from a domain layer's refusal).
"""

from __future__ import annotations

import math
from typing import Any

from fastapi import FastAPI, Request, status
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import ValidationError
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response
from starlette.routing import Match

from drgstim.errors import InputError
from drgstim.storage import ConflictError, NotFoundError

__all__ = [
    "input_error_detail",
    "install_error_handlers",
    "install_openapi",
    "validation_detail",
]


def _jsonable(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)  # JSON has no NaN or Infinity: echo it as text
    if value is None or isinstance(value, int | float | str | bool):
        return value
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value][:20]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in list(value.items())[:20]}
    return str(value)


def input_error_detail(exc: InputError) -> dict[str, Any]:
    data = exc.as_dict()
    return {
        "field": data["field"],
        "value": _jsonable(data["value"]),
        "allowed": data["allowed"],
        "reason": data["reason"],
        "message": data["message"],
    }


def validation_detail(errors: list[Any]) -> list[dict[str, Any]]:
    """pydantic errors in the InputError shape (field path, value, allowed, message)."""
    out = []
    for err in errors:
        loc = [str(p) for p in err.get("loc", ()) if p not in ("body", "query", "path")]
        field = ".".join(loc) or "body"
        ctx = err.get("ctx") or {}
        cause = ctx.get("error")
        if isinstance(cause, InputError):  # a domain check run by the schema: its words
            out.append(
                {
                    "field": field,
                    "value": _jsonable(err.get("input")),
                    "allowed": cause.allowed,
                    "message": f"{field}: {cause}",
                }
            )
            continue
        allowed = "; ".join(f"{k} {v}" for k, v in ctx.items()) or err.get("type", "")
        out.append(
            {
                "field": field,
                "value": _jsonable(err.get("input")),
                "allowed": str(allowed),
                "message": f"{field}: {err.get('msg')}",
            }
        )
    return out


async def _input_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, InputError)
    # A FHIR import whose resource was edited elsewhere (drgstim.clinic.fhir's
    # FhirConflictError, matched by name so this module imports no clinic code): 409.
    conflict = any(k.__name__ == "FhirConflictError" for k in type(exc).__mro__)
    return JSONResponse(
        status_code=status.HTTP_409_CONFLICT if conflict else status.HTTP_422_UNPROCESSABLE_CONTENT,
        content={"detail": [input_error_detail(exc)]},
    )


async def _validation_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError | ValidationError)
    return JSONResponse(
        status_code=status.HTTP_422_UNPROCESSABLE_CONTENT,
        content={"detail": validation_detail(list(exc.errors()))},
    )


async def _not_found(_request: Request, exc: Exception) -> JSONResponse:
    return JSONResponse(status_code=status.HTTP_404_NOT_FOUND, content={"detail": str(exc)})


async def _database_unavailable(_request: Request, exc: Exception) -> JSONResponse:
    # Lock timeouts (SQLite busy for longer than busy_timeout) and lost connections are
    # the server's trouble, not the user's: 503 with a hint to retry, never a bare 500.
    return JSONResponse(
        status_code=status.HTTP_503_SERVICE_UNAVAILABLE,
        content={"detail": "the database is busy or unreachable; retry in a few seconds"},
        headers={"Retry-After": "2"},
    )


async def _conflict(_request: Request, exc: Exception) -> JSONResponse:
    return JSONResponse(status_code=status.HTTP_409_CONFLICT, content={"detail": str(exc)})


async def _http_error(request: Request, exc: Exception) -> Response:
    """FastAPI's answer, except that a 405 lists in ``Allow`` every method any route
    serves at this path (Starlette names only the first route that matched the path)."""
    assert isinstance(exc, StarletteHTTPException)
    if exc.status_code != status.HTTP_405_METHOD_NOT_ALLOWED:
        return await http_exception_handler(request, exc)
    methods: set[str] = set()
    for route in request.app.router.routes:
        match, _ = route.matches({**request.scope, "method": "GET"})
        if match is not Match.NONE:
            methods |= set(getattr(route, "methods", None) or ())
    if "GET" in methods:
        methods.add("HEAD")
    return JSONResponse(
        status_code=exc.status_code,
        content={"detail": exc.detail},
        headers={"Allow": ", ".join(sorted(methods))},
    )


def install_error_handlers(app: FastAPI) -> None:
    """Register the handlers on ``app``."""
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(InputError, _input_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(ValidationError, _validation_error)
    app.add_exception_handler(NotFoundError, _not_found)
    app.add_exception_handler(ConflictError, _conflict)
    app.add_exception_handler(OperationalError, _database_unavailable)
    app.add_exception_handler(PoolTimeoutError, _database_unavailable)


# Every answer an operation can give besides its success, with the body it carries.
_ERROR_ANSWERS = {
    "400": "Malformed request (for example a form body that cannot be parsed)",
    "401": "Not logged in, or the login was revoked or has expired",
    "403": "Logged in, but this role may not do this (or the CSRF token is missing)",
    "404": "No such record (or not one this user may see)",
    "409": "The change clashes with stored data (duplicate, stale version, locked record)",
    "413": "The request body is larger than the configured limit",
    "422": "Input refused: each entry names the field, the value and what is allowed",
    "429": "Too many attempts: wait for the seconds in Retry-After",
    "503": "At capacity or the database is busy: retry after the seconds in Retry-After",
}


def _ref(name: str) -> dict[str, Any]:
    return {"application/json": {"schema": {"$ref": f"#/components/schemas/{name}"}}}


def install_openapi(app: FastAPI) -> None:
    """Document every error answer of every operation, with one shared body schema for
    422 (:class:`ValidationErrorPublic`) and one for the others (:class:`ErrorPublic`)."""
    from fastapi.openapi.utils import get_openapi

    from drgstim.api.schemas.common import ErrorPublic, FieldError, ValidationErrorPublic

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = get_openapi(
            title=app.title, version=app.version, routes=app.routes, description=app.description
        )
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        for model in (ErrorPublic, FieldError, ValidationErrorPublic):
            components[model.__name__] = model.model_json_schema(
                ref_template="#/components/schemas/{model}"
            )
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                responses = operation.setdefault("responses", {})
                for code, description in _ERROR_ANSWERS.items():
                    body = "ValidationErrorPublic" if code == "422" else "ErrorPublic"
                    responses[code] = {"description": description, "content": _ref(body)}
        for unused in ("HTTPValidationError", "ValidationError"):
            components.pop(unused, None)
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]

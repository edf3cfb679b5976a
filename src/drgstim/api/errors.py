"""Error handlers: every user mistake becomes a clear 4xx, never a 500.

422 bodies share one shape, whether the check was pydantic's or a domain layer's:
``{"detail": [{"field", "value", "allowed", "message"}]}``.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request, status
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import ValidationError
from sqlalchemy.exc import OperationalError

from drgstim.api.domain import DomainUnavailableError
from drgstim.errors import InputError
from drgstim.storage import ConflictError, NotFoundError

__all__ = ["input_error_detail", "install_error_handlers", "validation_detail"]


def _jsonable(value: Any) -> Any:
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
        "value": data["value"],
        "allowed": data["allowed"],
        "message": data["message"],
    }


def validation_detail(errors: list[Any]) -> list[dict[str, Any]]:
    """pydantic errors in the InputError shape (field path, value, allowed, message)."""
    out = []
    for err in errors:
        loc = [str(p) for p in err.get("loc", ()) if p not in ("body", "query", "path")]
        field = ".".join(loc) or "body"
        ctx = err.get("ctx") or {}
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


async def _unavailable(_request: Request, exc: Exception) -> JSONResponse:
    return JSONResponse(
        status_code=status.HTTP_503_SERVICE_UNAVAILABLE, content={"detail": str(exc)}
    )


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


def install_error_handlers(app: FastAPI) -> None:
    """Register the handlers on ``app``."""
    app.add_exception_handler(InputError, _input_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(ValidationError, _validation_error)
    app.add_exception_handler(NotFoundError, _not_found)
    app.add_exception_handler(ConflictError, _conflict)
    app.add_exception_handler(DomainUnavailableError, _unavailable)
    app.add_exception_handler(OperationalError, _database_unavailable)

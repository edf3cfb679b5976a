"""Liveness and readiness: the process answers and the database is reachable."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from sqlalchemy import text

from drgstim import __version__
from drgstim.api.deps import SessionDep, SettingsDep

__all__ = ["router"]

router = APIRouter(tags=["health"])


@router.get("/health")
def health(db: SessionDep, settings: SettingsDep) -> dict[str, Any]:
    """``{"status": "ok", "database": <dialect>, "version", "demo"}`` once the database answers."""
    db.execute(text("SELECT 1"))
    return {
        "status": "ok",
        "database": db.get_bind().dialect.name,
        "version": __version__,
        "demo": settings.demo,
    }

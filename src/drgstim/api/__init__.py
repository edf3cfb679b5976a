"""The REST API (FastAPI): thin routes over the storage and domain layers.

:func:`api_router` collects every resource router; ``drgstim.web.app.create_app`` mounts it
under ``/api``.
"""

from __future__ import annotations

from fastapi import APIRouter

__all__ = ["api_router"]


def api_router() -> APIRouter:
    """All API routes (to be included under ``/api``)."""
    from drgstim.api.routers import (
        auth,
        exports,
        health,
        pathway,
        patient_side,
        patients,
        programs,
        proposals,
        reviews,
        screening,
        therapy,
        users,
    )

    router = APIRouter()
    for module in (
        health,
        auth,
        users,
        patients,
        pathway,
        patient_side,
        screening,
        reviews,
        programs,
        proposals,
        exports,
        therapy,
    ):
        router.include_router(module.router)
    return router

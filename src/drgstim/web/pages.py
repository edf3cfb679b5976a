"""Server-rendered web pages of the clinic service (login, patients, pathway tools)."""

from __future__ import annotations

from fastapi import APIRouter

__all__ = ["router"]

router = APIRouter()

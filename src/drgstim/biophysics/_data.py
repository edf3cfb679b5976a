"""Reads the cited parameter files under ``drgstim/data/biophysics``."""

from __future__ import annotations

from functools import cache
from typing import Any

from drgstim.datafiles import load_json

__all__ = ["load"]


@cache
def load(name: str) -> dict[str, Any]:
    """The parsed JSON data file ``name`` (cached; treat as read-only)."""
    return load_json("biophysics", name)

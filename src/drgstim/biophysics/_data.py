"""Reads the cited parameter files under ``drgstim/data/biophysics``."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

__all__ = ["load"]


@cache
def load(name: str) -> dict[str, Any]:
    """The parsed JSON data file ``name`` (cached; treat as read-only)."""
    text = resources.files("drgstim.data.biophysics").joinpath(name).read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data

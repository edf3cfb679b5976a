"""Reads the anatomy data files (``drgstim/data/anatomy``) once, on first use."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

__all__ = ["load"]


@cache
def load(name: str) -> dict[str, Any]:
    """The JSON document ``data/anatomy/<name>.json``."""
    text = resources.files("drgstim").joinpath("data", "anatomy", f"{name}.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data

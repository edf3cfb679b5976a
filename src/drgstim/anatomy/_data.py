"""The anatomy data files (``drgstim/data/anatomy``), read once."""

from __future__ import annotations

from typing import Any

from drgstim.datafiles import load_json

__all__ = ["load"]


def load(name: str) -> dict[str, Any]:
    """The JSON document ``data/anatomy/<name>.json``."""
    return load_json("anatomy", f"{name}.json")

"""Read the therapy layer's cited assumptions (``drgstim/data/therapy/therapy.json``)."""

from __future__ import annotations

from functools import cache
from typing import Any

from drgstim.datafiles import load_json

__all__ = ["setting"]


@cache
def _load() -> dict[str, Any]:
    return load_json("therapy", "therapy.json")


def setting(name: str) -> Any:
    """The ``value`` of one named assumption."""
    return _load()[name]["value"]

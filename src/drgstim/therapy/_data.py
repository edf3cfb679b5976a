"""Read the therapy layer's cited assumptions (``drgstim/data/therapy/therapy.json``)."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

__all__ = ["setting"]


@cache
def _load() -> dict[str, Any]:
    text = resources.files("drgstim").joinpath("data/therapy/therapy.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def setting(name: str) -> Any:
    """The ``value`` of one named assumption."""
    return _load()[name]["value"]

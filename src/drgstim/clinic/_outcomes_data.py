"""Reads the clinic reference data of the trial/outcomes area (``drgstim/data/clinic``)."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

__all__ = ["load", "value"]


@cache
def load(name: str) -> dict[str, Any]:
    """The parsed JSON data file ``data/clinic/<name>.json``."""
    text = (
        resources.files("drgstim")
        .joinpath("data")
        .joinpath("clinic")
        .joinpath(f"{name}.json")
        .read_text("utf-8")
    )
    data: dict[str, Any] = json.loads(text)
    return data


def value(name: str, key: str) -> Any:
    """One cited value (its ``"value"`` field) from a data file."""
    return load(name)[key]["value"]

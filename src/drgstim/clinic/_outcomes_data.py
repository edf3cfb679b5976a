"""Reads the clinic reference data of the trial/outcomes area (``drgstim/data/clinic``)."""

from __future__ import annotations

from functools import cache
from typing import Any

from drgstim.datafiles import load_json

__all__ = ["load", "value"]


@cache
def load(name: str) -> dict[str, Any]:
    """The parsed JSON data file ``data/clinic/<name>.json``."""
    return load_json("clinic", f"{name}.json")


def value(name: str, key: str) -> Any:
    """One cited value (its ``"value"`` field) from a data file."""
    return load(name)[key]["value"]

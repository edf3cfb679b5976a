"""Read the device reference data (``drgstim/data/device/device.json``) once."""

from __future__ import annotations

import json
from functools import cache
from importlib.resources import files
from typing import Any

__all__ = ["device_data", "limit"]


@cache
def device_data() -> dict[str, Any]:
    """The cited device figures as loaded from the package data file."""
    text = files("drgstim.data").joinpath("device/device.json").read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def limit(name: str) -> Any:
    """One entry of the ``limits`` table (its ``value`` or ``values``)."""
    entry = device_data()["limits"][name]
    return entry["value"] if "value" in entry else entry["values"]

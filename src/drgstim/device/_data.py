"""The device reference data (``drgstim/data/device/device.json``), read once."""

from __future__ import annotations

from typing import Any

from drgstim.datafiles import load_json

__all__ = ["device_data", "limit"]


def device_data() -> dict[str, Any]:
    """The cited device figures as loaded from the package data file."""
    return load_json("device", "device.json")


def limit(name: str) -> Any:
    """One entry of the ``limits`` table (its ``value`` or ``values``)."""
    entry = device_data()["limits"][name]
    return entry["value"] if "value" in entry else entry["values"]

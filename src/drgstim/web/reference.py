"""Reference data the web pages hand to their scripts (read from the package's data files)."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

__all__ = ["device_grid", "next_on_grid", "trial_success_threshold_pct"]


@cache
def device_grid() -> dict[str, Any]:
    """The programmable-parameter grid (ranges, steps, defaults) for the programmer's
    script, derived from the device layer's data (``drgstim.device``), the one source of
    truth: each grid segment ``(start, stop, step)`` becomes ``{"below": stop, "step"}``."""
    from drgstim.device import DEFAULT_LEAD_MODEL, grid
    from drgstim.device._data import device_data

    data: dict[str, Any] = {}
    for name in ("amplitude_uA", "pulse_width_us", "frequency_Hz"):
        g = grid(name)
        data[name] = {
            "min": g.minimum,
            "max": g.maximum,
            "default": g.default,
            "unit": g.unit,
            "steps": [{"below": stop, "step": step} for _, stop, step in g.segments],
        }
    limits = device_data()["limits"]
    data["contacts_per_lead"] = {"value": DEFAULT_LEAD_MODEL.contact_count}
    data["max_leads"] = {"value": limits["max_leads"]["value"]}
    data["max_groups"] = {"value": limits["max_groups"]["value"]}
    return data


def next_on_grid(parameter: str, value: float, direction: int) -> float:
    """The grid value one step up (``direction`` = 1) or down (−1) from ``value``.

    The same rule the programmer's script applies (static/programmer.js ``stepValue``);
    kept here so that it is tested against the device grid in Python as well.
    """
    spec = device_grid()[parameter]
    low, high = float(spec["min"]), float(spec["max"])
    if direction > 0:
        step = _step_at(spec, value, upward=True)
        candidate = (value // step + 1) * step
    else:
        step = _step_at(spec, value, upward=False)
        candidate = value - step if value % step == 0 else value // step * step
    return min(high, max(low, candidate))


def _step_at(spec: dict[str, Any], value: float, *, upward: bool) -> float:
    """The step in force just above (upward) or just below ``value``."""
    for band in spec["steps"]:
        below = float(band["below"])
        if (upward and value < below) or (not upward and value <= below):
            return float(band["step"])
    return float(spec["steps"][-1]["step"])


@cache
def trial_success_threshold_pct() -> float:
    """The primary trial success criterion (≥ this % fall of average NRS from baseline),
    from the clinic layer's criteria file (ACCURATE, Deer et al. 2017)."""
    criteria = resources.files("drgstim").joinpath("data/clinic/success_criteria.json")
    text = criteria.read_text("utf-8")
    return float(json.loads(text)["primary_reduction_pct"]["value"])

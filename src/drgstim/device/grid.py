"""The device's parameter grids: which values a lead accepts, and the nearest allowed ones.

Two paths use these grids. :func:`grid_problem` answers with a message (or ``None``) and
never raises, for the live safety check; the ``validate_*`` functions raise
:class:`~drgstim.errors.InputError` for the strict programming path.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache

from drgstim.device._data import device_data
from drgstim.errors import InputError

__all__ = [
    "Grid",
    "grid",
    "grid_problem",
    "validate_amplitude_uA",
    "validate_frequency_Hz",
    "validate_impedance_interval",
    "validate_pulse_width_us",
    "validate_ramp_s",
]


@dataclass(frozen=True)
class Grid:
    """One parameter's allowed values: piecewise ranges ``(start, stop, step)``."""

    name: str
    unit: str
    minimum: int
    maximum: int
    segments: tuple[tuple[int, int, int], ...]
    default: int

    def values(self) -> tuple[int, ...]:
        """Every allowed value, ascending."""
        out: set[int] = set()
        for start, stop, step in self.segments:
            out.update(range(start, stop + 1, step))
        return tuple(sorted(out))

    def contains(self, value: float) -> bool:
        """Whether ``value`` is exactly one of the allowed values."""
        if not math.isfinite(value) or value != int(value):
            return False
        v = int(value)
        return any(
            start <= v <= stop and (v - start) % step == 0 for start, stop, step in self.segments
        )

    def nearest(self, value: float) -> tuple[int, ...]:
        """The allowed values next to ``value`` (one or two of them)."""
        values = self.values()
        below = [v for v in values if v <= value]
        above = [v for v in values if v >= value]
        near = {below[-1]} if below else set()
        if above:
            near.add(above[0])
        return tuple(sorted(near))

    def describe(self) -> str:
        """The allowed range in words, e.g. ``40–1000 µs in 10 µs steps``."""
        parts = [f"{a}–{b} {self.unit} in {s} {self.unit} steps" for a, b, s in self.segments]
        return ", then ".join(parts)

    def problem(self, value: float) -> str | None:
        """Why ``value`` is not allowed, naming the nearest allowed values; None if it is."""
        if self.contains(value):
            return None
        if not math.isfinite(value):
            return f"{self.name} = {value} is not a number ({self.describe()})"
        near = " or ".join(f"{v} {self.unit}" for v in self.nearest(value))
        where = "out of range" if not self.minimum <= value <= self.maximum else "off the grid"
        return (
            f"{self.name} = {value:g} {self.unit} is {where} ({self.describe()}); "
            f"nearest allowed: {near}"
        )

    def validate(self, value: float) -> int:
        """``value`` as an int if it is allowed; otherwise :class:`InputError`."""
        if not math.isfinite(value):
            raise InputError(self.name, value, self.describe(), reason="not a finite number")
        if not self.contains(value):
            near = " or ".join(str(v) for v in self.nearest(value))
            raise InputError(
                self.name, value, f"{self.describe()}; nearest allowed: {near} {self.unit}"
            )
        return int(value)


_UNITS = {"amplitude_uA": "µA", "pulse_width_us": "µs", "frequency_Hz": "Hz", "ramp_s": "s"}


@cache
def grid(name: str) -> Grid:
    """The grid of ``amplitude_uA``, ``pulse_width_us``, ``frequency_Hz`` or ``ramp_s``."""
    entry = device_data()["grid"][name]
    return Grid(
        name=name,
        unit=_UNITS[name],
        minimum=int(entry["min"]),
        maximum=int(entry["max"]),
        segments=tuple((int(a), int(b), int(s)) for a, b, s in entry["steps"]),
        default=int(entry["default"]),
    )


def grid_problem(name: str, value: float) -> str | None:
    """Why ``value`` is not allowed for parameter ``name`` (None when it is)."""
    return grid(name).problem(value)


def validate_amplitude_uA(value: float) -> int:
    """An amplitude on the device grid (0–6000 µA), or :class:`InputError`."""
    return grid("amplitude_uA").validate(value)


def validate_pulse_width_us(value: float) -> int:
    """A pulse width on the device grid (40–1000 µs), or :class:`InputError`."""
    return grid("pulse_width_us").validate(value)


def validate_frequency_Hz(value: float) -> int:
    """A frequency on the device grid (4–80 Hz), or :class:`InputError`."""
    return grid("frequency_Hz").validate(value)


def validate_ramp_s(value: float) -> int:
    """A ramp duration on the device grid (1–8 s), or :class:`InputError`."""
    return grid("ramp_s").validate(value)


def validate_impedance_interval(value: str) -> str:
    """A periodic impedance interval from the fixed list, or :class:`InputError`."""
    allowed: list[str] = device_data()["impedance_intervals"]["values"]
    if value not in allowed:
        raise InputError("impedance_interval", value, ", ".join(allowed))
    return value

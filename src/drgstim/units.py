"""The one place where units are converted.

Layers keep one unit system each (see ``docs/architecture.md``): SI in the field solver,
NEURON's units (mV, ms, µm, mA/cm², S/cm², µF/cm², Ω·cm) in the cable solver, device units
(µA, µs, Hz) in the device and clinic. Every factor that moves a number between them lives
here, is named after both units, and is tested in ``tests/test_units.py``.

The functions work on plain floats and, because they only multiply, on NumPy arrays too.
"""

from __future__ import annotations

from typing import Protocol, Self, TypeVar

__all__ = [
    "HOURS_PER_YEAR",
    "MM2_PER_CM2",
    "SECONDS_PER_DAY",
    "SECONDS_PER_YEAR",
    "UA_PER_MA",
    "UM_PER_CM",
    "UM_PER_M",
    "UM_PER_MM",
    "US_PER_MS",
    "UW_PER_W",
    "V_PER_MV",
    "A_from_mA",
    "S_per_cm_from_S_per_m",
    "V_from_mV",
    "V_from_uA_ohm",
    "cm2_from_mm2",
    "cm2_from_um2",
    "cm_from_um",
    "days_from_seconds",
    "mA_from_A",
    "mA_from_uA",
    "mV_from_V",
    "m_from_mm",
    "m_from_um",
    "mm_from_um",
    "ms_from_s",
    "ms_from_us",
    "ohm_cm_from_ohm_m",
    "s_from_ms",
    "s_from_us",
    "uA_from_V_ohm",
    "uA_from_mA",
    "uC_from_uA_us",
    "uW_from_W",
    "um_from_m",
    "um_from_mm",
    "us_from_ms",
    "years_from_hours",
    "years_from_seconds",
]


class _Scalable(Protocol):
    """Anything that scales by a float: a float, or a NumPy array of them."""

    def __mul__(self, other: float, /) -> Self: ...

    def __truediv__(self, other: float, /) -> Self: ...


T = TypeVar("T", bound=_Scalable)

UA_PER_MA = 1_000.0
NA_PER_MA = 1_000_000.0
US_PER_MS = 1_000.0
UM_PER_MM = 1_000.0
UM_PER_CM = 10_000.0
UM_PER_M = 1_000_000.0
MM2_PER_CM2 = 100.0
UM2_PER_CM2 = 1e8
V_PER_MV = 1e-3
HOURS_PER_YEAR = 365.25 * 24.0
SECONDS_PER_YEAR = HOURS_PER_YEAR * 3600.0


def mA_from_uA(value: T) -> T:
    return value / UA_PER_MA


def uA_from_mA(value: T) -> T:
    return value * UA_PER_MA


def mA_from_nA(value: T) -> T:
    return value / NA_PER_MA


def A_from_mA(value: T) -> T:
    return value * 1e-3


def mA_from_A(value: T) -> T:
    return value * 1e3


def ms_from_us(value: T) -> T:
    return value / US_PER_MS


def us_from_ms(value: T) -> T:
    return value * US_PER_MS


def s_from_ms(value: T) -> T:
    return value * 1e-3


def ms_from_s(value: T) -> T:
    return value * 1e3


def s_from_us(value: T) -> T:
    return value * 1e-6


def cm_from_um(value: T) -> T:
    return value / UM_PER_CM


def m_from_um(value: T) -> T:
    return value / UM_PER_M


def um_from_m(value: T) -> T:
    return value * UM_PER_M


def mm_from_um(value: T) -> T:
    return value / UM_PER_MM


def um_from_mm(value: T) -> T:
    return value * UM_PER_MM


def m_from_mm(value: T) -> T:
    return value * 1e-3


def cm2_from_mm2(value: T) -> T:
    return value / MM2_PER_CM2


def cm2_from_um2(value: T) -> T:
    return value / UM2_PER_CM2


def mV_from_V(value: T) -> T:
    return value * 1e3


def V_from_mV(value: T) -> T:
    return value * V_PER_MV


def S_per_cm_from_S_per_m(value: T) -> T:
    return value * 1e-2


def ohm_cm_from_ohm_m(value: T) -> T:
    return value * 1e2


def uC_from_uA_us(*, current_uA: float, duration_us: float) -> float:
    """Charge in µC from a current in µA flowing for a duration in µs (µA·µs = 1e-6 µC)."""
    return current_uA * duration_us * 1e-6


def V_from_uA_ohm(*, current_uA: float, resistance_ohm: float) -> float:
    """Voltage in V across a resistance in Ω carrying a current in µA (Ohm's law)."""
    return current_uA * 1e-6 * resistance_ohm


def uA_from_V_ohm(*, voltage_V: float, resistance_ohm: float) -> float:
    """Current (µA) that drives ``voltage_V`` across ``resistance_ohm`` (Ohm's law)."""
    return voltage_V / resistance_ohm * 1e6


def years_from_hours(value: T) -> T:
    return value / HOURS_PER_YEAR


def years_from_seconds(value: T) -> T:
    return value / SECONDS_PER_YEAR


SECONDS_PER_DAY = 24.0 * 3600.0
UW_PER_W = 1e6


def uW_from_W(value: T) -> T:
    """Power in µW from W."""
    return value * UW_PER_W


def days_from_seconds(value: T) -> T:
    """Duration in days from seconds."""
    return value / SECONDS_PER_DAY

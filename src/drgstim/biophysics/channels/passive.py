"""Passive leak: i = g (v − e). No gates."""

from __future__ import annotations

import numba
import numpy as np

__all__ = [
    "MECH_ID",
    "NAME",
    "PARAMETERS",
    "STATES",
    "TABLE_SHIFT",
    "advance",
    "current",
    "defaults",
    "rates",
    "steady_state",
    "temperature_factors",
]

NAME = "pas"
MECH_ID = 0
STATES: tuple[str, ...] = ()
PARAMETERS = ("g_S_per_cm2", "e_mV")
TABLE_SHIFT: tuple[int, ...] = ()


def defaults() -> dict[str, float]:
    """NEURON's ``pas`` defaults (g 0.001 S/cm², e −70 mV)."""
    return {"g_S_per_cm2": 0.001, "e_mV": -70.0}


def temperature_factors(celsius: float) -> tuple[float, float, float]:
    return (1.0, 1.0, 1.0)


@numba.njit(cache=True)
def rates(v: float, tf: np.ndarray, inf: np.ndarray, tau: np.ndarray) -> None:
    return None


@numba.njit(cache=True)
def steady_state(v: float, p: np.ndarray, x: np.ndarray, tf: np.ndarray) -> None:
    return None


@numba.njit(cache=True)
def advance(v: float, p: np.ndarray, x: np.ndarray, dt: float, tf: np.ndarray) -> None:
    return None


@numba.njit(cache=True)
def current(v: float, p: np.ndarray, x: np.ndarray) -> float:
    return float(p[0] * (v - p[1]))

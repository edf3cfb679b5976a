"""Hodgkin–Huxley 1952 squid membrane, as NEURON's built-in ``hh`` (rates without tables).

States m, h, n; parameters from ``data/biophysics/hh.json``; temperature factor
q10 = 3^((T − 6.3)/10).
"""

from __future__ import annotations

import math

import numba
import numpy as np

from drgstim.biophysics import _data

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

NAME = "hh"
MECH_ID = 1
STATES = ("m", "h", "n")
PARAMETERS = ("gnabar_S_per_cm2", "gkbar_S_per_cm2", "gl_S_per_cm2", "ena_mV", "ek_mV", "el_mV")
TABLE_SHIFT = (-1, -1, -1)  # no gate's voltage axis depends on a parameter


def defaults() -> dict[str, float]:
    data = _data.load("hh.json")
    return {name: float(data[name]) for name in PARAMETERS}


def temperature_factors(celsius: float) -> tuple[float, float, float]:
    data = _data.load("hh.json")
    q = float(data["q10"]) ** ((celsius - float(data["q10_reference_C"])) / 10.0)
    return (q, q, q)


@numba.njit(cache=True)
def _vtrap(x: float, y: float) -> float:
    if abs(x / y) < 1e-6:
        return y * (1.0 - x / y / 2.0)
    return x / (math.exp(x / y) - 1.0)


@numba.njit(cache=True)
def _rates(v: float, q: float) -> tuple[float, float, float, float, float, float]:
    a = 0.1 * _vtrap(-(v + 40.0), 10.0)
    b = 4.0 * math.exp(-(v + 65.0) / 18.0)
    minf, mtau = a / (a + b), 1.0 / (q * (a + b))
    a = 0.07 * math.exp(-(v + 65.0) / 20.0)
    b = 1.0 / (math.exp(-(v + 35.0) / 10.0) + 1.0)
    hinf, htau = a / (a + b), 1.0 / (q * (a + b))
    a = 0.01 * _vtrap(-(v + 55.0), 10.0)
    b = 0.125 * math.exp(-(v + 65.0) / 80.0)
    ninf, ntau = a / (a + b), 1.0 / (q * (a + b))
    return minf, mtau, hinf, htau, ninf, ntau


@numba.njit(cache=True)
def rates(v: float, tf: np.ndarray, inf: np.ndarray, tau: np.ndarray) -> None:
    """Steady states and time constants (ms) of m, h, n at ``v`` (for the rate table)."""
    inf[0], tau[0], inf[1], tau[1], inf[2], tau[2] = _rates(v, tf[0])


@numba.njit(cache=True)
def steady_state(v: float, p: np.ndarray, x: np.ndarray, tf: np.ndarray) -> None:
    minf, _, hinf, _, ninf, _ = _rates(v, tf[0])
    x[0], x[1], x[2] = minf, hinf, ninf


@numba.njit(cache=True)
def advance(v: float, p: np.ndarray, x: np.ndarray, dt: float, tf: np.ndarray) -> None:
    minf, mtau, hinf, htau, ninf, ntau = _rates(v, tf[0])
    x[0] += (1.0 - math.exp(-dt / mtau)) * (minf - x[0])
    x[1] += (1.0 - math.exp(-dt / htau)) * (hinf - x[1])
    x[2] += (1.0 - math.exp(-dt / ntau)) * (ninf - x[2])


@numba.njit(cache=True)
def current(v: float, p: np.ndarray, x: np.ndarray) -> float:
    m, h, n = x[0], x[1], x[2]
    ina = p[0] * m * m * m * h * (v - p[3])
    ik = p[1] * n * n * n * n * (v - p[4])
    return float(ina + ik + p[2] * (v - p[5]))

"""MRG 2002 node of Ranvier: fast Na (m³h), persistent Na (mp³), slow K (s), leak.

Equations from McIntyre, Richardson & Grill 2002 (ModelDB 3810, AXNODE); parameters from
``data/biophysics/mrg.json``. Temperature factors: q10 2.2 (m, mp) and 2.9 (h) from
20 °C, 3.0 (s) from 36 °C.
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
    "current_of",
    "defaults",
    "rates",
    "steady_state",
    "temperature_factors",
]

NAME = "mrg_node"
MECH_ID = 2
STATES = ("mp", "m", "h", "s")
PARAMETERS = (
    "gnabar_S_per_cm2",
    "gnapbar_S_per_cm2",
    "gkbar_S_per_cm2",
    "gl_S_per_cm2",
    "ena_mV",
    "ek_mV",
    "el_mV",
)
TABLE_SHIFT = (-1, -1, -1, -1)  # no gate's voltage axis depends on a parameter


def defaults() -> dict[str, float]:
    data = _data.load("mrg.json")["node_channels"]
    return {name: float(data[name]) for name in PARAMETERS}


def temperature_factors(celsius: float) -> tuple[float, float, float]:
    d = _data.load("mrg.json")["node_channels"]
    ref, ref_s = float(d["q10_reference_C_m_mp_h"]), float(d["q10_reference_C_s"])
    return (
        float(d["q10_m_mp"]) ** ((celsius - ref) / 10.0),
        float(d["q10_h"]) ** ((celsius - ref) / 10.0),
        float(d["q10_s"]) ** ((celsius - ref_s) / 10.0),
    )


@numba.njit(cache=True)
def _lin(a: float, x: float, c: float) -> float:
    """a·x / (1 − exp(−x/c)), finite at x = 0."""
    if abs(x / c) < 1e-6:
        return a * c
    return a * x / (1.0 - math.exp(-x / c))


@numba.njit(cache=True)
def _gate(a: float, b: float) -> tuple[float, float]:
    return a / (a + b), 1.0 / (a + b)


@numba.njit(cache=True)
def _rates(
    v: float, tf: np.ndarray
) -> tuple[float, float, float, float, float, float, float, float]:
    q1, q2, q3 = tf[0], tf[1], tf[2]
    mpi, mpt = _gate(q1 * _lin(0.01, v + 27.0, 10.2), q1 * _lin(0.00025, -(v + 34.0), 10.0))
    mi, mt = _gate(q1 * _lin(1.86, v + 21.4, 10.3), q1 * _lin(0.086, -(v + 25.7), 9.16))
    hi, ht = _gate(
        q2 * _lin(0.062, -(v + 114.0), 11.0), q2 * 2.3 / (1.0 + math.exp(-(v + 31.8) / 13.4))
    )
    v2 = v + 80.0  # v − vtraub, vtraub = −80 mV
    si, st = _gate(  # AXNODE.mod: both slow-K rates are sigmoids (note the + 1 in beta)
        q3 * 0.3 / (math.exp((v2 - 27.0) / -5.0) + 1.0),
        q3 * 0.03 / (math.exp((v2 + 10.0) / -1.0) + 1.0),
    )
    return mpi, mpt, mi, mt, hi, ht, si, st


@numba.njit(cache=True)
def rates(v: float, tf: np.ndarray, inf: np.ndarray, tau: np.ndarray) -> None:
    """Steady states and time constants (ms) of mp, m, h, s at ``v`` (for the rate table)."""
    r = _rates(v, tf)
    for k in range(4):
        inf[k], tau[k] = r[2 * k], r[2 * k + 1]


@numba.njit(cache=True)
def steady_state(v: float, p: np.ndarray, x: np.ndarray, tf: np.ndarray) -> None:
    r = _rates(v, tf)
    x[0], x[1], x[2], x[3] = r[0], r[2], r[4], r[6]


@numba.njit(cache=True)
def advance(v: float, p: np.ndarray, x: np.ndarray, dt: float, tf: np.ndarray) -> None:
    r = _rates(v, tf)
    for k in range(4):
        x[k] += (1.0 - math.exp(-dt / r[2 * k + 1])) * (r[2 * k] - x[k])


@numba.njit(cache=True)
def current_of(
    v: float,
    gna: float,
    gnap: float,
    gk: float,
    gl: float,
    ena: float,
    ek: float,
    el: float,
    mp: float,
    m: float,
    h: float,
    s: float,
) -> float:
    """:func:`current` from scalars (the solver's lane loop inlines it: no array views)."""
    ina = gna * m * m * m * h * (v - ena)
    inap = gnap * mp * mp * mp * (v - ena)
    ik = gk * s * (v - ek)
    return float(ina + inap + ik + gl * (v - el))


@numba.njit(cache=True)
def current(v: float, p: np.ndarray, x: np.ndarray) -> float:
    return current_of(v, p[0], p[1], p[2], p[3], p[4], p[5], p[6], x[0], x[1], x[2], x[3])

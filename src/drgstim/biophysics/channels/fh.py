"""Frankenhaeuser–Huxley 1964 membrane (Xenopus node), the sensory-neuron membrane of
Amir & Devor 2003 (ModelDB 51022).

Currents in Goldman–Hodgkin–Katz form: Na⁺ ``P_Na m² h``, a delayed non-specific current
carried by Na⁺ ``P_p p²``, K⁺ ``P_K n²``, and a leak ``g_L (v − E_L)``. Rates are FH's,
written in the displacement ``V = v + 70 mV`` from their resting potential, all scaled
by q10 3 from 20 °C (ModelDB 51022's ``fh.mod``). Parameters and concentrations from
``data/biophysics/fh.json``; Amir & Devor's soma / initial segment values are its
``sensory_soma`` block (read by the DRG builders), the defaults are FH's node.

The GHK driving force depends on the temperature, which the solver does not pass to
``current``; it is the parameter ``celsius_C`` (the builders set it to the cell's
temperature). The ion concentrations and F, R are fixed constants of the published
model, compiled in from the data file (delete the Numba caches after editing them).
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
    "ionic_current",
    "leak_reversal_mV",
    "rates",
    "steady_state",
    "temperature_factors",
]

NAME = "fh"
MECH_ID = 4
STATES = ("m", "h", "n", "p")
PARAMETERS = (
    "pnabar_cm_per_s",
    "ppbar_cm_per_s",
    "pkbar_cm_per_s",
    "gl_S_per_cm2",
    "el_mV",
    "celsius_C",
)
TABLE_SHIFT = (-1, -1, -1, -1)  # no gate's voltage axis depends on a parameter

_D = _data.load("fh.json")
_NA_IN = float(_D["concentrations_mM"]["na_in"])
_NA_OUT = float(_D["concentrations_mM"]["na_out"])
_K_IN = float(_D["concentrations_mM"]["k_in"])
_K_OUT = float(_D["concentrations_mM"]["k_out"])
_F = float(_D["faraday_C_per_mol"])
_R = float(_D["gas_constant_J_per_mol_K"])
_V_SHIFT = float(_D["v_shift_mV"])
_KELVIN = 273.15


def defaults() -> dict[str, float]:
    """FH 1964's node (ModelDB 51022 ``fh.mod`` defaults) at 20 °C."""
    node = _data.load("fh.json")["node"]
    return {name: float(node[name]) for name in PARAMETERS}


def temperature_factors(celsius: float) -> tuple[float, float, float]:
    d = _data.load("fh.json")
    q = float(d["q10"]) ** ((celsius - float(d["q10_reference_C"])) / 10.0)
    return (q, q, q)


@numba.njit(cache=True)
def _vtrap(x: float, y: float) -> float:
    """x / (exp(x/y) − 1), finite at x = 0."""
    if abs(x / y) < 1e-6:
        return y * (1.0 - x / y / 2.0)
    return x / (math.exp(x / y) - 1.0)


@numba.njit(cache=True)
def _gate(a: float, b: float) -> tuple[float, float]:
    return a / (a + b), 1.0 / (a + b)


@numba.njit(cache=True)
def _rates(
    v: float, tf: np.ndarray
) -> tuple[float, float, float, float, float, float, float, float]:
    q = tf[0]
    dv = v + _V_SHIFT
    mi, mt = _gate(q * 0.36 * _vtrap(22.0 - dv, 3.0), q * 0.4 * _vtrap(dv - 13.0, 20.0))
    hi, ht = _gate(q * 0.1 * _vtrap(dv + 10.0, 6.0), q * 4.5 / (math.exp((45.0 - dv) / 10.0) + 1.0))
    ni, nt = _gate(q * 0.02 * _vtrap(35.0 - dv, 10.0), q * 0.05 * _vtrap(dv - 10.0, 10.0))
    pi, pt = _gate(q * 0.006 * _vtrap(40.0 - dv, 10.0), q * 0.09 * _vtrap(dv + 25.0, 20.0))
    return mi, mt, hi, ht, ni, nt, pi, pt


@numba.njit(cache=True)
def rates(v: float, tf: np.ndarray, inf: np.ndarray, tau: np.ndarray) -> None:
    """Steady states and time constants (ms) of m, h, n, p at ``v`` (for the rate table)."""
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
    pnabar: float,
    ppbar: float,
    pkbar: float,
    gl: float,
    el: float,
    celsius: float,
    m: float,
    h: float,
    n: float,
    pp: float,
) -> float:
    """:func:`current` from scalars (the solver's lane loop inlines it: no array views).

    The GHK flux of a monovalent cation per unit permeability (mA/cm² per cm/s) is
    ``F·z/(eᶻ − 1)·(c_in·eᶻ − c_out)`` with ``z = vF/RT``; Na⁺ and K⁺ share the one
    ``exp`` (near z = 0 the limit ``z/(eᶻ − 1) → 1 − z/2``, ``eᶻ → 1 + z``)."""
    z = 1e-3 * _F * v / (_R * (celsius + _KELVIN))
    small = abs(z) < 1e-6
    ez = math.exp(z)
    q = 1.0 - z / 2.0 if small else z / (ez - 1.0)
    qe = 1.0 + z / 2.0 if small else q * ez  # z/(1 − e⁻ᶻ)
    na = 1e-3 * _F * (_NA_IN * qe - _NA_OUT * q)
    k = 1e-3 * _F * (_K_IN * qe - _K_OUT * q)
    return float(pnabar * m * m * h * na + ppbar * pp * pp * na + pkbar * n * n * k + gl * (v - el))


@numba.njit(cache=True)
def current(v: float, p: np.ndarray, x: np.ndarray) -> float:
    return current_of(v, p[0], p[1], p[2], p[3], p[4], p[5], x[0], x[1], x[2], x[3])


def ionic_current(v_mV: float, parameters: dict[str, float]) -> float:
    """Net current (mA/cm²) with every gate at its steady state at ``v_mV``."""
    p = np.array([parameters[name] for name in PARAMETERS], dtype=np.float64)
    x = np.zeros(len(STATES))
    tf = np.array(temperature_factors(parameters["celsius_C"]), dtype=np.float64)
    steady_state(float(v_mV), p, x, tf)
    return float(current(float(v_mV), p, x))


def leak_reversal_mV(parameters: dict[str, float], *, v_rest_mV: float) -> float:
    """The leak reversal that makes ``v_rest_mV`` an equilibrium (no net current there)."""
    no_leak = dict(parameters, gl_S_per_cm2=0.0)
    return v_rest_mV + ionic_current(v_rest_mV, no_leak) / parameters["gl_S_per_cm2"]

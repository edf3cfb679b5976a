"""Sundt C-neuron membrane with intracellular Na⁺ accumulation and the Na⁺/K⁺ pump.

The gates and channel densities are those of :mod:`~drgstim.biophysics.channels.sundt`;
added, after Tigerholm et al. 2014 (J Neurophysiol 111:1721; values and sources in
``data/biophysics/sodium_dynamics.json``):

* a concentration state ``nai_mM`` per compartment (the sixth entry of the state vector;
  it is not a voltage gate and never goes through the rate tables), advanced each step
  by :func:`accumulate`: ``d[Na⁺]i/dt = −i_Na · 4 / (F · diam)`` with ``i_Na`` the total
  Na⁺ current (channels, Na⁺ leak, pump) — explicit Euler with the current at the step's
  old voltage and gates, as NEURON's ``nacum`` with ``METHOD euler``;
* ``E_Na`` from the Nernst equation at the current ``[Na⁺]i`` in every current evaluation;
* the electrogenic pump ``i_K,pump = −a·(1 + b1/[K⁺]o)⁻²·(1.62/(1 + (6.7/([Na⁺]i + 8))³)
  + 1/(1 + (67.6/([Na⁺]i + 8))³))``, ``i_Na,pump = −3/2 · i_K,pump`` (net outward
  ``−i_K,pump/2``), independent of voltage;
* a Na⁺ leak ``g_na_leak · (v − E_Na)`` whose conductance the builder chooses so the
  net Na⁺ flux is zero at rest (see :func:`rest_balance`).

``[K⁺]`` and ``[Na⁺]o`` are constant. Parameters 0–7 are Sundt's (``e_na_mV`` is unused:
the Nernst potential replaces it); the rest are listed in :data:`PARAMETERS`.
"""

from __future__ import annotations

import math

import numba
import numpy as np
import numpy.typing as npt

from drgstim.biophysics import _data
from drgstim.biophysics.channels import sundt

__all__ = [
    "CONCENTRATIONS",
    "MECH_ID",
    "NAME",
    "PARAMETERS",
    "STATES",
    "TABLE_SHIFT",
    "accumulate",
    "advance",
    "current",
    "defaults",
    "na_current",
    "nernst_mV",
    "pump_current",
    "rates",
    "rest_balance",
    "steady_state",
    "temperature_factors",
]

Array = npt.NDArray[np.float64]

NAME = "sundt_na"
MECH_ID = 5
# Sundt's gates and parameters first, in Sundt's order (spelled out, not read from
# ``sundt``: ``sundt`` imports ``drg``, whose builders import this module; a test checks it)
STATES = ("m", "h", "n", "l", "p", "nai_mM")
CONCENTRATIONS = ("nai_mM",)  # states that are not voltage gates (no rate table)
_NAI = 5  # index of [Na⁺]i in the state vector
PARAMETERS = (
    "g_na_S_per_cm2",
    "g_kdr_S_per_cm2",
    "g_km_S_per_cm2",
    "g_leak_S_per_cm2",
    "e_na_mV",
    "e_k_mV",
    "e_leak_mV",
    "na_shift_mV",
    "na_out_mM",
    "k_out_mM",
    "pump_a_mA_per_cm2",
    "g_na_leak_S_per_cm2",
    "nai_rest_mM",
    "diameter_um",
    "celsius_C",
)
TABLE_SHIFT = (7, 7, -1, -1, -1)  # as sundt's: m and h at v − na_shift_mV

_D = _data.load("sodium_dynamics.json")


def _value(key: str) -> float:
    return float(_D[key]["value"])


_F = _value("faraday_C_per_mol")
_R = 8.314462618  # J/(mol·K), CODATA 2018 (as sundt.GAS_CONSTANT_J_PER_MOL_K)
_KELVIN = 273.15
_B1 = _value("pump_b1_mM")
_K1, _K2 = _value("pump_na_k1_mM"), _value("pump_na_k2_mM")
_OFFSET = _value("pump_na_offset_mM")
_W1, _W2 = _value("pump_weight_high"), _value("pump_weight_low")
# mA/cm² · 4 / (C/mol · µm) → mM/ms
_MM_PER_MS = 4.0e4 / _F


def nernst_mV(*, c_in_mM: float, c_out_mM: float, celsius: float) -> float:
    """Nernst potential (mV) of a monovalent cation."""
    return float(_nernst(c_in_mM, c_out_mM, celsius))


@numba.njit(cache=True)
def _nernst(c_in: float, c_out: float, celsius: float) -> float:
    return 1e3 * _R * (celsius + _KELVIN) / _F * math.log(c_out / c_in)


@numba.njit(cache=True)
def _pump_k(p: Array, nai: float) -> float:
    """The pump's K⁺ current (mA/cm², negative: K⁺ in)."""
    s = nai + _OFFSET
    f = _W1 / (1.0 + (_K1 / s) ** 3) + _W2 / (1.0 + (_K2 / s) ** 3)
    return float(-p[10] / (1.0 + _B1 / p[9]) ** 2 * f)


@numba.njit(cache=True)
def _na_current(v: float, p: Array, x: Array) -> float:
    ena = _nernst(x[_NAI], p[8], p[14])
    channels = p[0] * x[0] ** 3 * x[1] * (v - ena)
    return float(channels + p[11] * (v - ena) - 1.5 * _pump_k(p, x[_NAI]))


@numba.njit(cache=True)
def current(v: float, p: Array, x: Array) -> float:
    """Ionic current density, mA/cm² (outward positive), pump included."""
    k = p[1] * x[2] ** 3 * x[3] * (v - p[5]) + p[2] * x[4] * (v - p[5])
    return float(_na_current(v, p, x) + _pump_k(p, x[_NAI]) + k + p[3] * (v - p[6]))


@numba.njit(cache=True)
def accumulate(v: float, p: Array, x: Array, dt: float) -> None:
    """One explicit Euler step of [Na⁺]i from the Na⁺ current at ``v`` and the gates ``x``."""
    x[_NAI] -= dt * _MM_PER_MS * _na_current(v, p, x) / p[13]


@numba.njit(cache=True)
def rates(v: float, tf: Array, inf: Array, tau: Array) -> None:
    """The Sundt gates' x∞ and τ (for the rate table; [Na⁺]i has none)."""
    sundt.rates(v, tf, inf, tau)


@numba.njit(cache=True)
def steady_state(v: float, p: Array, x: Array, tf: Array) -> None:
    sundt.steady_state(v, p, x, tf)
    x[_NAI] = p[12]


@numba.njit(cache=True)
def advance(v: float, p: Array, x: Array, dt: float, tf: Array) -> None:
    sundt.advance(v, p, x, dt, tf)


def temperature_factors(celsius: float) -> tuple[float, float, float]:
    return sundt.temperature_factors(celsius)


def na_current(v_mV: float, parameters: Array, states: Array) -> float:
    """Total Na⁺ current density (mA/cm²): channels, Na⁺ leak and pump."""
    return float(_na_current(float(v_mV), parameters, states))


def pump_current(parameters: Array, nai_mM: float) -> float:
    """Net pump current density (mA/cm², outward positive) at ``nai_mM``."""
    return float(-0.5 * _pump_k(parameters, float(nai_mM)))


def rest_balance(values: dict[str, float], *, v_rest_mV: float) -> dict[str, float]:
    """``values`` with the Na⁺ leak and the non-specific leak reversal set for rest.

    The Na⁺ leak conductance makes the net Na⁺ flux zero at ``v_rest_mV`` (channels + leak +
    pump); the non-specific leak's reversal then makes the net current zero there.
    """
    out = dict(values, g_na_leak_S_per_cm2=0.0)
    p = np.array([out[name] for name in PARAMETERS], dtype=np.float64)
    x = np.zeros(len(STATES))
    tf = np.array(temperature_factors(out["celsius_C"]), dtype=np.float64)
    steady_state(float(v_rest_mV), p, x, tf)
    ena = nernst_mV(c_in_mM=out["nai_rest_mM"], c_out_mM=out["na_out_mM"], celsius=out["celsius_C"])
    g = na_current(v_rest_mV, p, x) / (ena - v_rest_mV)
    if not g >= 0.0:
        raise ValueError(f"Na+ influx at rest exceeds the pump: no Na+ leak balances it ({g})")
    out["g_na_leak_S_per_cm2"] = g
    p[PARAMETERS.index("g_na_leak_S_per_cm2")] = g
    p[PARAMETERS.index("g_leak_S_per_cm2")] = 0.0
    out["e_leak_mV"] = v_rest_mV + float(current(v_rest_mV, p, x)) / out["g_leak_S_per_cm2"]
    return out


def defaults() -> dict[str, float]:
    """Sundt's membrane at its 35 °C rest with the pump balanced (0.8 µm axon)."""
    s = sundt.sundt_parameters()
    values = dict(sundt.defaults())
    values.update(
        na_out_mM=_value("na_out_mM"),
        k_out_mM=_value("k_out_mM"),
        pump_a_mA_per_cm2=_value("pump_a_mA_per_cm2"),
        g_na_leak_S_per_cm2=0.0,
        nai_rest_mM=nai_for_e_na(s.e_na_mV, celsius=s.temperature_C),
        diameter_um=0.8,
        celsius_C=s.temperature_C,
    )
    return rest_balance(values, v_rest_mV=s.v_rest_mV)


def nai_for_e_na(e_na_mV: float, *, celsius: float) -> float:
    """The [Na⁺]i (mM) whose Nernst potential against the published [Na⁺]o is ``e_na_mV``."""
    rt_f = 1e3 * _R * (celsius + _KELVIN) / _F
    return _value("na_out_mM") * math.exp(-e_na_mV / rt_f)

"""Sundt C-neuron membrane with an L-type Ca²⁺ current, a Ca²⁺ pool and the SK current.

The gates and channel densities are those of :mod:`~drgstim.biophysics.channels.sundt`;
added, as in Sundt et al. 2015's soma (ModelDB 187473, Figure 8c model; values and sources
in ``data/biophysics/calcium_sk.json``):

* an L-type Ca²⁺ conductance ``i_Ca = g_CaL·c²·(v − E_Ca)`` (Migliore et al. 1995), its gate
  ``c`` with ``α = 15.69·(81.5 − v)/(exp((81.5 − v)/10) − 1)``, ``β = 0.29·exp(−v/10.86)``
  (1/ms, no temperature factor) in the rate tables like every other voltage gate; E_Ca
  is a constant (131.8 mV: the published model evaluates it at 25 °C and the resting
  [Ca²⁺]i, which its Ca²⁺ channel never updates);
* a submembrane pool ``d[Ca²⁺]i/dt = −k·i_Ca − ([Ca²⁺]i − [Ca²⁺]rest)/τ`` (k = B·cascale,
  τ = 500 ms), stepped exactly (``cnexp``) with ``i_Ca`` at the step's old voltage and
  gates, as NEURON's ``SK`` reads the ``ica`` of the step's current evaluation;
* the SK current ``i = g_SK·q²·(v − E_K)`` whose gate ``q`` has rates of [Ca²⁺]i only
  (Aradi & Holmes 1999 with Sundt's third power), stepped exactly right after the pool,
  with the new [Ca²⁺]i (the order of NEURON's ``cnexp`` block).

[Ca²⁺]i and ``q`` follow the gates in the state vector and are listed in
:data:`CONCENTRATIONS` (no rate table; :func:`accumulate` advances both). Parameters 0–7
are Sundt's; the rest are listed in :data:`PARAMETERS`.
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
    "ca_current",
    "current",
    "defaults",
    "e_ca_mV",
    "rates",
    "rest_balance",
    "sk_rates",
    "steady_state",
    "temperature_factors",
]

Array = npt.NDArray[np.float64]

NAME = "sundt_ca"
MECH_ID = 6
# Sundt's gates and parameters first, in Sundt's order (spelled out, as in sundt_na)
STATES = ("m", "h", "n", "l", "p", "c", "cai_mM", "q")
CONCENTRATIONS = ("cai_mM", "q")  # not voltage gates: no rate table, see accumulate
_C, _CAI, _Q = 5, 6, 7
PARAMETERS = (
    "g_na_S_per_cm2",
    "g_kdr_S_per_cm2",
    "g_km_S_per_cm2",
    "g_leak_S_per_cm2",
    "e_na_mV",
    "e_k_mV",
    "e_leak_mV",
    "na_shift_mV",
    "g_cal_S_per_cm2",
    "e_ca_mV",
    "g_sk_S_per_cm2",
    "ca_rest_mM",
    "ca_tau_ms",
    "ca_per_charge_mM_cm2_per_mA_ms",
)
_GCAL, _ECA, _GSK, _CA0, _TAU, _KCA = range(8, 14)
TABLE_SHIFT = (7, 7, -1, -1, -1, -1)  # as sundt's: m and h at v − na_shift_mV

_D = _data.load("calcium_sk.json")
_R = 8.314462618  # J/(mol·K), CODATA 2018 (as sundt.GAS_CONSTANT_J_PER_MOL_K)
_F = 96485.33212  # C/mol, CODATA 2018 (as sundt.FARADAY_C_PER_MOL)
_KELVIN = 273.15


def _value(key: str) -> float:
    return float(_D[key]["value"])


def _gate(key: str) -> tuple[float, ...]:
    g = _D[key]["value"]
    return tuple(float(v) for v in g.values())


_CAL = _gate("cal_gate")  # α scale, α v½, α slope, β scale, β slope
_SK = _gate("sk_gate")  # α, α offset, α slope, β, β offset, β slope, Ca power


def e_ca_mV() -> float:
    """The published model's constant E_Ca (mV): Nernst (z = 2) at its fixed 25 °C."""
    rt_2f = 1e3 * _R * (_value("e_ca_temperature_C") + _KELVIN) / (2.0 * _F)
    return rt_2f * math.log(_value("ca_out_mM") / _value("ca_rest_mM"))


@numba.njit(cache=True)
def _cal_pair(v: float) -> tuple[float, float]:
    a = _CAL[0] * sundt._nb_vtrap(_CAL[1] - v, _CAL[2])
    b = _CAL[3] * math.exp(-v / _CAL[4])
    return sundt._nb_pair(a, b)


@numba.njit(cache=True)
def _sk_rates(cai_mM: float) -> tuple[float, float]:
    """(α, β) of the SK gate (1/ms) at [Ca²⁺]i (mM; the formulas take µM)."""
    s = 12.0 * _SK[6] * math.log10(cai_mM * 1e3)  # 12·log10(x³) with x in µM
    return _SK[0] / math.exp((s + _SK[1]) / _SK[2]), _SK[3] / math.exp((s + _SK[4]) / _SK[5])


def sk_rates(cai_mM: float) -> tuple[float, float]:
    """(α, β) of the SK gate (1/ms) at ``cai_mM``."""
    a, b = _sk_rates(float(cai_mM))
    return float(a), float(b)


@numba.njit(cache=True)
def _ica(v: float, p: Array, x: Array) -> float:
    return float(p[_GCAL] * x[_C] * x[_C] * (v - p[_ECA]))


@numba.njit(cache=True)
def current(v: float, p: Array, x: Array) -> float:
    """Ionic current density, mA/cm² (outward positive): Sundt's, Ca²⁺ and SK."""
    sk = p[_GSK] * x[_Q] * x[_Q] * (v - p[5])
    return float(sundt.current(v, p, x) + _ica(v, p, x) + sk)


@numba.njit(cache=True)
def accumulate(v: float, p: Array, x: Array, dt: float) -> None:
    """One exact step of [Ca²⁺]i (i_Ca at ``v`` and the gates ``x``), then of q at the new
    [Ca²⁺]i (both equations are linear in their own state)."""
    tau = p[_TAU]
    inf = p[_CA0] - p[_KCA] * _ica(v, p, x) * tau
    x[_CAI] = inf + (x[_CAI] - inf) * math.exp(-dt / tau)
    a, b = _sk_rates(x[_CAI])
    x[_Q] += -math.expm1(-dt * (a + b)) * (a / (a + b) - x[_Q])


@numba.njit(cache=True)
def rates(v: float, tf: Array, inf: Array, tau: Array) -> None:
    """x∞ and τ (ms) of the voltage gates m, h, n, l, p, c (no Na shift; for the table)."""
    sundt.rates(v, tf, inf, tau)
    inf[_C], tau[_C] = _cal_pair(v)


@numba.njit(cache=True)
def steady_state(v: float, p: Array, x: Array, tf: Array) -> None:
    sundt.steady_state(v, p, x, tf)
    x[_C] = _cal_pair(v)[0]
    x[_CAI] = p[_CA0]
    a, b = _sk_rates(p[_CA0])
    x[_Q] = a / (a + b)


@numba.njit(cache=True)
def advance(v: float, p: Array, x: Array, dt: float, tf: Array) -> None:
    sundt.advance(v, p, x, dt, tf)
    inf, tau = _cal_pair(v)
    x[_C] = inf + (x[_C] - inf) * math.exp(-dt / tau) if tau > 1e-12 else inf


def temperature_factors(celsius: float) -> tuple[float, float, float]:
    return sundt.temperature_factors(celsius)


def ca_current(v_mV: float, parameters: Array, states: Array) -> float:
    """The L-type Ca²⁺ current density (mA/cm², inward negative)."""
    return float(_ica(float(v_mV), parameters, states))


def rest_balance(values: dict[str, float], *, v_rest_mV: float, celsius: float) -> dict[str, float]:
    """``values`` with the leak reversal that makes the net current zero at ``v_rest_mV``
    (the SK and Ca²⁺ currents at rest included)."""
    out = dict(values)
    p = np.array([out[name] for name in PARAMETERS], dtype=np.float64)
    p[PARAMETERS.index("g_leak_S_per_cm2")] = 0.0
    x = np.zeros(len(STATES))
    tf = np.array(temperature_factors(celsius), dtype=np.float64)
    steady_state(float(v_rest_mV), p, x, tf)
    out["e_leak_mV"] = v_rest_mV + float(current(v_rest_mV, p, x)) / out["g_leak_S_per_cm2"]
    return out


def defaults() -> dict[str, float]:
    """Sundt's membrane with the published soma Ca²⁺ and SK values, at rest at −60 mV."""
    s = sundt.sundt_parameters()
    values = dict(sundt.defaults())
    values.update(
        g_cal_S_per_cm2=_value("g_cal_S_per_cm2"),
        e_ca_mV=e_ca_mV(),
        g_sk_S_per_cm2=_value("g_sk_S_per_cm2"),
        ca_rest_mM=_value("ca_rest_mM"),
        ca_tau_ms=_value("ca_tau_ms"),
        ca_per_charge_mM_cm2_per_mA_ms=_value("ca_per_charge_mM_cm2_per_mA_ms"),
    )
    return rest_balance(values, v_rest_mV=s.v_rest_mV, celsius=s.temperature_C)

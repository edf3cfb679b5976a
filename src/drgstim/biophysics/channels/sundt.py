"""C-neuron membrane of Sundt, Gamper & Jaffe 2015 (J Neurophysiol 114:3140; ModelDB 187473).

Written from the published equations (not from the ModelDB code):

* ``na`` — Traub et al. 1991 fast Na (m³h), rates at 30 °C with Q10 = 3, voltage axis
  shifted by ``na_shift_mV`` (6 mV) towards Nav1.8, about midway between Nav1.7 and
  Nav1.8. In Traub's convention the rates take ``u = v + 65 − shift`` (mV above a −65 mV
  reference).
* ``kdr`` — delayed rectifier (n³l) in the Borg-Graham 1991 formalism with Migliore et
  al. 1995's values: ``α = α0·exp(z·γ·(v − v½)·F/RT)``, ``β = α0·exp(−z·(1 − γ)·(v − v½)·F/RT)``.
* ``km`` — KCNQ/M current (p) of Yamada, Koch & Adams 1989:
  ``p∞ = 1/(1 + exp(−(v − v½)/k))``,
  ``τp = τmax / (3.3·exp((v − v½)/20) + exp(−(v − v½)/20)) / φ``, φ = Q10^((T − 23.5)/10).
* leak — ``g = 1/Rm``, reversal chosen so the membrane rests at ``v_rest_mV``.

All functions are pure and vectorised over NumPy arrays; units are NEURON's
(mV, ms, S/cm², mA/cm²). Parameters come from ``data/biophysics/drg_sundt.json``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numba
import numpy as np
import numpy.typing as npt

from drgstim.biophysics.drg import data as drg_data
from drgstim.units import mV_from_V

__all__ = [
    "FARADAY_C_PER_MOL",
    "GAS_CONSTANT_J_PER_MOL_K",
    "MECH_ID",
    "NAME",
    "PARAMETERS",
    "STATES",
    "TABLE_SHIFT",
    "SundtParameters",
    "SundtState",
    "advance",
    "current",
    "current_of",
    "defaults",
    "gate_rates",
    "gates_at_rest",
    "leak_reversal_mV",
    "membrane_current_mA_per_cm2",
    "rates",
    "steady_state",
    "sundt_parameters",
    "temperature_factors",
    "time_constants_ms",
]

FARADAY_C_PER_MOL = 96485.33212  # CODATA 2018
GAS_CONSTANT_J_PER_MOL_K = 8.314462618  # CODATA 2018
_KELVIN_AT_0_C = 273.15
_TRAUB_REFERENCE_mV = -65.0  # Traub 1991 rates are written for u = v + 65 mV

Array = npt.NDArray[np.float64]
ArrayLike = float | Array


@dataclass(frozen=True, kw_only=True)
class SundtParameters:
    """The Sundt et al. 2015 C-neuron membrane (defaults from ``drg_sundt.json``)."""

    temperature_C: float
    v_rest_mV: float
    cm_uF_per_cm2: float
    ra_ohm_cm: float
    rm_ohm_cm2: float
    e_na_mV: float
    e_k_mV: float
    g_na_S_per_cm2: float
    g_kdr_S_per_cm2: float
    g_km_S_per_cm2: float
    na_shift_mV: float
    na_reference_temperature_C: float
    na_q10: float
    kdr: dict[str, float]
    km: dict[str, float]

    @property
    def g_leak_S_per_cm2(self) -> float:
        """Leak conductance 1/Rm."""
        return 1.0 / self.rm_ohm_cm2


def sundt_parameters(**overrides: Any) -> SundtParameters:
    """The published parameter set, with optional keyword overrides (e.g. ``temperature_C``)."""
    raw = drg_data.load("drg_sundt")
    fields = {k: v["value"] for k, v in raw.items() if isinstance(v, dict) and "value" in v}
    fields.pop("km_region_um", None)
    fields.update(overrides)
    return SundtParameters(**fields)


@dataclass(frozen=True, kw_only=True)
class SundtState:
    """Gate values (dimensionless, 0–1) of one or many compartments."""

    m: Array
    h: Array
    n: Array
    l: Array  # noqa: E741 - the published name of the Kdr inactivation gate
    p: Array


def _vtrap(x: Array, y: float) -> Array:
    """x / (exp(x/y) − 1), finite at x = 0 (limit y − x/2)."""
    x = np.asarray(x, dtype=np.float64)
    small = np.abs(x / y) < 1e-6
    safe = np.where(small, 1.0, x)
    return np.where(small, y - x / 2.0, safe / np.expm1(safe / y))


def _rt_over_f_mV(temperature_C: float) -> float:
    kelvin = temperature_C + _KELVIN_AT_0_C
    volts = GAS_CONSTANT_J_PER_MOL_K * kelvin / FARADAY_C_PER_MOL
    return float(mV_from_V(volts))


def gate_rates(v_mV: ArrayLike, params: SundtParameters) -> dict[str, tuple[Array, Array]]:
    """Opening and closing rates (1/ms) of the gates m, h, n, l at ``v_mV``.

    The M gate p is given by p∞ and τp (see :func:`time_constants_ms`).
    """
    v = np.asarray(v_mV, dtype=np.float64)
    q = params.na_q10 ** ((params.temperature_C - params.na_reference_temperature_C) / 10.0)
    u = v - _TRAUB_REFERENCE_mV - params.na_shift_mV
    a_m = q * 0.32 * _vtrap(13.1 - u, 4.0)
    b_m = q * 0.28 * _vtrap(u - 40.1, 5.0)
    a_h = q * 0.128 * np.exp((17.0 - u) / 18.0)
    b_h = q * 4.0 / (1.0 + np.exp((40.0 - u) / 5.0))
    k = params.kdr
    rt = _rt_over_f_mV(params.temperature_C)
    zn, gn, zl, gl = k["z_n"], k["gamma_n"], k["z_l"], k["gamma_l"]
    dn = (v - k["vhalf_n_mV"]) / rt
    dl = (v - k["vhalf_l_mV"]) / rt
    a_n = k["alpha0_per_ms"] * np.exp(zn * gn * dn)
    b_n = k["alpha0_per_ms"] * np.exp(-zn * (1.0 - gn) * dn)
    a_l = k["alpha0_l_per_ms"] * np.exp(zl * gl * dl)
    b_l = k["alpha0_l_per_ms"] * np.exp(-zl * (1.0 - gl) * dl)
    return {"m": (a_m, b_m), "h": (a_h, b_h), "n": (a_n, b_n), "l": (a_l, b_l)}


def _p_inf(v: Array, params: SundtParameters) -> Array:
    km = params.km
    result: Array = 1.0 / (1.0 + np.exp(-(v - km["vhalf_mV"]) / km["slope_mV"]))
    return result


def _tau_p_ms(v: Array, params: SundtParameters) -> Array:
    km = params.km
    x = (v - km["vhalf_mV"]) / km["tau_slope_mV"]
    phi = km["q10"] ** ((params.temperature_C - km["reference_temperature_C"]) / 10.0)
    result: Array = km["tau_max_ms"] / (km["tau_ratio"] * np.exp(x) + np.exp(-x)) / phi
    return result


def gates_at_rest(v_mV: ArrayLike, params: SundtParameters) -> SundtState:
    """Gate values at rest at ``v_mV`` (x∞ = α/(α+β); p∞ for the M gate)."""
    v = np.asarray(v_mV, dtype=np.float64)
    rates = gate_rates(v, params)
    inf = {name: a / (a + b) for name, (a, b) in rates.items()}
    return SundtState(m=inf["m"], h=inf["h"], n=inf["n"], l=inf["l"], p=_p_inf(v, params))


def time_constants_ms(v_mV: ArrayLike, params: SundtParameters) -> dict[str, Array]:
    """Gate time constants (ms): τ = 1/(α+β); τp from Yamada et al. 1989."""
    v = np.asarray(v_mV, dtype=np.float64)
    taus = {name: 1.0 / (a + b) for name, (a, b) in gate_rates(v, params).items()}
    taus["p"] = _tau_p_ms(v, params)
    return taus


def _ionic_without_leak(
    v: Array, state: SundtState, params: SundtParameters, *, km_scale: ArrayLike
) -> Array:
    i_na = params.g_na_S_per_cm2 * state.m**3 * state.h * (v - params.e_na_mV)
    i_kdr = params.g_kdr_S_per_cm2 * state.n**3 * state.l * (v - params.e_k_mV)
    i_km = np.asarray(km_scale) * params.g_km_S_per_cm2 * state.p * (v - params.e_k_mV)
    result: Array = i_na + i_kdr + i_km
    return result


def leak_reversal_mV(params: SundtParameters, *, km_scale: float = 1.0) -> float:
    """Leak reversal that makes ``v_rest_mV`` the resting potential (net current zero)."""
    v = np.asarray(params.v_rest_mV, dtype=np.float64)
    i_other = float(_ionic_without_leak(v, gates_at_rest(v, params), params, km_scale=km_scale))
    return params.v_rest_mV + i_other / params.g_leak_S_per_cm2


def membrane_current_mA_per_cm2(
    v_mV: ArrayLike,
    state: SundtState,
    params: SundtParameters,
    *,
    e_leak_mV: ArrayLike,
    km_scale: ArrayLike = 1.0,
) -> Array:
    """Total ionic current density (outward positive), mA/cm² (S/cm² × mV = mA/cm²)."""
    v = np.asarray(v_mV, dtype=np.float64)
    i_leak = params.g_leak_S_per_cm2 * (v - np.asarray(e_leak_mV))
    result: Array = _ionic_without_leak(v, state, params, km_scale=km_scale) + i_leak
    return result


# --- Mechanism interface of drgstim.biophysics.channels (see its docstring) -------------
# The Numba functions below compute the same kinetics as the NumPy functions above (a test
# checks they agree); Kdr and M constants are read once from drg_sundt.json.

NAME = "sundt"
MECH_ID = 3
STATES = ("m", "h", "n", "l", "p")
PARAMETERS = (
    "g_na_S_per_cm2",
    "g_kdr_S_per_cm2",
    "g_km_S_per_cm2",
    "g_leak_S_per_cm2",
    "e_na_mV",
    "e_k_mV",
    "e_leak_mV",
    "na_shift_mV",
)
# Rate tables are built at na_shift_mV = 0; m and h are looked up at v − na_shift_mV.
TABLE_SHIFT = (7, 7, -1, -1, -1)


def _constants() -> tuple[tuple[float, ...], tuple[float, ...]]:
    p = sundt_parameters()
    k, m = p.kdr, p.km
    kdr: tuple[float, ...] = (k["alpha0_per_ms"], k["vhalf_n_mV"], k["z_n"], k["gamma_n"])
    kdr += (k["alpha0_l_per_ms"], k["vhalf_l_mV"], k["z_l"], k["gamma_l"])
    km = (m["vhalf_mV"], m["slope_mV"], m["tau_slope_mV"], m["tau_max_ms"], m["tau_ratio"])
    return tuple(float(v) for v in kdr), tuple(float(v) for v in km)


_KDR, _KM = _constants()


def defaults() -> dict[str, float]:
    """Published densities and reversals; leak reversal sets rest at ``v_rest_mV``."""
    p = sundt_parameters()
    return {
        "g_na_S_per_cm2": p.g_na_S_per_cm2,
        "g_kdr_S_per_cm2": p.g_kdr_S_per_cm2,
        "g_km_S_per_cm2": p.g_km_S_per_cm2,
        "g_leak_S_per_cm2": p.g_leak_S_per_cm2,
        "e_na_mV": p.e_na_mV,
        "e_k_mV": p.e_k_mV,
        "e_leak_mV": leak_reversal_mV(p),
        "na_shift_mV": p.na_shift_mV,
    }


def temperature_factors(celsius: float) -> tuple[float, float, float]:
    """(Na rate factor, RT/F in mV for the Kdr rates, M-current rate factor)."""
    p = sundt_parameters(temperature_C=celsius)
    q_na = p.na_q10 ** ((celsius - p.na_reference_temperature_C) / 10.0)
    phi = p.km["q10"] ** ((celsius - p.km["reference_temperature_C"]) / 10.0)
    return (float(q_na), _rt_over_f_mV(celsius), float(phi))


@numba.njit(cache=True)
def _nb_vtrap(x: float, y: float) -> float:
    if abs(x / y) < 1e-6:
        return y - x / 2.0
    return x / math.expm1(x / y)


@numba.njit(cache=True)
def _nb_pair(a: float, b: float) -> tuple[float, float]:
    total = a + b
    if total > 0.0 and total < 1e300:
        return a / total, 1.0 / total
    return (1.0 if a >= b else 0.0), 0.0


@numba.njit(cache=True)
def _nb_rates(v: float, p: Array, tf: Array) -> tuple[tuple[float, float], ...]:
    return _nb_rates_shifted(v, p[7], tf)


@numba.njit(cache=True)
def _nb_rates_shifted(v: float, shift: float, tf: Array) -> tuple[tuple[float, float], ...]:
    q, rt, phi = tf[0], tf[1], tf[2]
    u = v + 65.0 - shift
    m = _nb_pair(q * 0.32 * _nb_vtrap(13.1 - u, 4.0), q * 0.28 * _nb_vtrap(u - 40.1, 5.0))
    h = _nb_pair(
        q * 0.128 * math.exp((17.0 - u) / 18.0), q * 4.0 / (1.0 + math.exp((40.0 - u) / 5.0))
    )
    dn = (v - _KDR[1]) / rt
    dl = (v - _KDR[5]) / rt
    n = _nb_pair(
        _KDR[0] * math.exp(_KDR[2] * _KDR[3] * dn),
        _KDR[0] * math.exp(-_KDR[2] * (1.0 - _KDR[3]) * dn),
    )
    el = _KDR[6] * _KDR[7] * dl
    l_ = _nb_pair(_KDR[4] * math.exp(el), _KDR[4] * math.exp(-_KDR[6] * (1.0 - _KDR[7]) * dl))
    x = min(max((v - _KM[0]) / _KM[2], -300.0), 300.0)
    p_inf = 1.0 / (1.0 + math.exp(-(v - _KM[0]) / _KM[1]))
    p_tau = _KM[3] / (_KM[4] * math.exp(x) + math.exp(-x)) / phi
    return (m, h, n, l_, (p_inf, p_tau))


@numba.njit(cache=True)
def rates(v: float, tf: Array, inf: Array, tau: Array) -> None:
    """x∞ and τ (ms) of m, h, n, l, p at ``v`` with no Na shift (for the rate table)."""
    r = _nb_rates_shifted(v, 0.0, tf)
    for g in range(5):
        inf[g], tau[g] = r[g]


@numba.njit(cache=True)
def steady_state(v: float, p: Array, x: Array, tf: Array) -> None:
    rates = _nb_rates(v, p, tf)
    for g in range(5):
        x[g] = rates[g][0]


@numba.njit(cache=True)
def advance(v: float, p: Array, x: Array, dt: float, tf: Array) -> None:
    rates = _nb_rates(v, p, tf)
    for g in range(5):
        inf, tau = rates[g]
        x[g] = inf + (x[g] - inf) * math.exp(-dt / tau) if tau > 1e-12 else inf


@numba.njit(cache=True)
def current_of(
    v: float,
    gna: float,
    gkdr: float,
    gkm: float,
    gl: float,
    ena: float,
    ek: float,
    el: float,
    m: float,
    h: float,
    n: float,
    l: float,  # noqa: E741 - the published name of the Kdr inactivation gate
    p: float,
) -> float:
    """:func:`current` from scalars (the solver's lane loop inlines it: no array views)."""
    i_na = gna * (m * m * m) * h * (v - ena)
    i_kdr = gkdr * (n * n * n) * l * (v - ek)
    return float(i_na + i_kdr + gkm * p * (v - ek) + gl * (v - el))


@numba.njit(cache=True)
def current(v: float, p: Array, x: Array) -> float:
    """Ionic current density, mA/cm² (outward positive)."""
    return float(
        current_of(v, p[0], p[1], p[2], p[3], p[4], p[5], p[6], x[0], x[1], x[2], x[3], x[4])
    )

"""Dispatch from a mechanism id to its Numba functions (one branch per registered mechanism).

Adding a mechanism to :data:`drgstim.biophysics.channels.REGISTRY` means adding one branch
to each function here.
"""

from __future__ import annotations

import numba
import numpy as np

from drgstim.biophysics.channels import fh, hh, mrg_node, passive, sundt, sundt_ca, sundt_na

__all__ = [
    "accumulate",
    "accumulates",
    "advance",
    "current",
    "gates",
    "steady",
]

_DV = 0.001  # mV, NEURON's step for di/dv


@numba.njit(cache=True)
def steady(m: int, v: float, p: np.ndarray, x: np.ndarray, tf: np.ndarray) -> None:
    """Gates of mechanism ``m`` at rest at ``v``."""
    if m == hh.MECH_ID:
        hh.steady_state(v, p, x, tf[m])
    elif m == mrg_node.MECH_ID:
        mrg_node.steady_state(v, p, x, tf[m])
    elif m == sundt.MECH_ID:
        sundt.steady_state(v, p, x, tf[m])
    elif m == fh.MECH_ID:
        fh.steady_state(v, p, x, tf[m])
    elif m == sundt_na.MECH_ID:
        sundt_na.steady_state(v, p, x, tf[m])
    elif m == sundt_ca.MECH_ID:
        sundt_ca.steady_state(v, p, x, tf[m])
    else:
        passive.steady_state(v, p, x, tf[m])


@numba.njit(cache=True)
def advance(m: int, v: float, p: np.ndarray, x: np.ndarray, dt: float, tf: np.ndarray) -> None:
    """One exact ``cnexp`` gate step of mechanism ``m`` at ``v`` (the rates' ``exp`` evaluated)."""
    if m == hh.MECH_ID:
        hh.advance(v, p, x, dt, tf[m])
    elif m == mrg_node.MECH_ID:
        mrg_node.advance(v, p, x, dt, tf[m])
    elif m == sundt.MECH_ID:
        sundt.advance(v, p, x, dt, tf[m])
    elif m == fh.MECH_ID:
        fh.advance(v, p, x, dt, tf[m])
    elif m == sundt_na.MECH_ID:
        sundt_na.advance(v, p, x, dt, tf[m])
    elif m == sundt_ca.MECH_ID:
        sundt_ca.advance(v, p, x, dt, tf[m])


@numba.njit(cache=True)
def currents(
    m: int,
    i: int,
    v: np.ndarray,
    par: np.ndarray,
    x: np.ndarray,
    w: int,
    cur: np.ndarray,
    slope: np.ndarray,
) -> None:
    """Current density and its slope ``di/dv`` (1 µV difference, gates frozen) of the
    first ``w`` lanes of compartment ``i`` (mechanism ``m``; voltages ``v`` per lane,
    parameters ``par`` (n, P, lanes), gates ``x`` (n, S, lanes)) into ``cur`` and ``slope``.

    The mechanism is chosen once per compartment and each branch loops over the lanes,
    so the lane loop holds one mechanism's code only: a per-lane dispatch over every
    registered mechanism makes the hot loop of non-MRG cells (the DRG somata, C neurons)
    about 1.8 times slower."""
    if m == hh.MECH_ID:
        for j in range(w):
            pv, xv, vv = par[i, :, j], x[i, :, j], v[j]
            cur[j] = hh.current(vv, pv, xv)
            slope[j] = (hh.current(vv + _DV, pv, xv) - cur[j]) / _DV
    elif m == mrg_node.MECH_ID:
        for j in range(w):
            pv, xv, vv = par[i, :, j], x[i, :, j], v[j]
            cur[j] = mrg_node.current(vv, pv, xv)
            slope[j] = (mrg_node.current(vv + _DV, pv, xv) - cur[j]) / _DV
    elif m == sundt.MECH_ID:
        for j in range(w):
            pv, xv, vv = par[i, :, j], x[i, :, j], v[j]
            cur[j] = sundt.current(vv, pv, xv)
            slope[j] = (sundt.current(vv + _DV, pv, xv) - cur[j]) / _DV
    elif m == fh.MECH_ID:
        for j in range(w):
            pv, xv, vv = par[i, :, j], x[i, :, j], v[j]
            cur[j] = fh.current(vv, pv, xv)
            slope[j] = (fh.current(vv + _DV, pv, xv) - cur[j]) / _DV
    elif m == sundt_na.MECH_ID:
        for j in range(w):
            pv, xv, vv = par[i, :, j], x[i, :, j], v[j]
            cur[j] = sundt_na.current(vv, pv, xv)
            slope[j] = (sundt_na.current(vv + _DV, pv, xv) - cur[j]) / _DV
    elif m == sundt_ca.MECH_ID:
        for j in range(w):
            pv, xv, vv = par[i, :, j], x[i, :, j], v[j]
            cur[j] = sundt_ca.current(vv, pv, xv)
            slope[j] = (sundt_ca.current(vv + _DV, pv, xv) - cur[j]) / _DV
    else:
        for j in range(w):
            pv, xv, vv = par[i, :, j], x[i, :, j], v[j]
            cur[j] = passive.current(vv, pv, xv)
            slope[j] = (passive.current(vv + _DV, pv, xv) - cur[j]) / _DV


@numba.njit(cache=True)
def current(m: int, v: float, p: np.ndarray, x: np.ndarray) -> float:
    """Current density (mA/cm²) of mechanism ``m`` at ``v`` with parameters ``p`` and gates
    ``x`` (the solver's path for mechanisms it has no inlined lane loop for)."""
    if m == hh.MECH_ID:
        return hh.current(v, p, x)
    if m == mrg_node.MECH_ID:
        return mrg_node.current(v, p, x)
    if m == sundt.MECH_ID:
        return sundt.current(v, p, x)
    if m == fh.MECH_ID:
        return fh.current(v, p, x)
    if m == sundt_na.MECH_ID:
        return sundt_na.current(v, p, x)
    if m == sundt_ca.MECH_ID:
        return sundt_ca.current(v, p, x)
    return passive.current(v, p, x)


@numba.njit(cache=True)
def gates(m: int, v: float, tf: np.ndarray, inf: np.ndarray, tau: np.ndarray) -> None:
    """x∞ and τ (ms) of mechanism ``m``'s gates at ``v`` with no parameter shift."""
    if m == hh.MECH_ID:
        hh.rates(v, tf[m], inf, tau)
    elif m == mrg_node.MECH_ID:
        mrg_node.rates(v, tf[m], inf, tau)
    elif m == sundt.MECH_ID:
        sundt.rates(v, tf[m], inf, tau)
    elif m == fh.MECH_ID:
        fh.rates(v, tf[m], inf, tau)
    elif m == sundt_na.MECH_ID:
        sundt_na.rates(v, tf[m], inf, tau)
    elif m == sundt_ca.MECH_ID:
        sundt_ca.rates(v, tf[m], inf, tau)


@numba.njit(cache=True)
def accumulates(m: int) -> bool:
    """Whether mechanism ``m`` carries concentrations advanced by :func:`accumulate`."""
    return m == sundt_na.MECH_ID or m == sundt_ca.MECH_ID


@numba.njit(cache=True)
def accumulate(m: int, v: float, p: np.ndarray, x: np.ndarray, dt: float) -> None:
    """One step of mechanism ``m``'s concentrations from its currents at ``v`` and gates ``x``."""
    if m == sundt_na.MECH_ID:
        sundt_na.accumulate(v, p, x, dt)
    elif m == sundt_ca.MECH_ID:
        sundt_ca.accumulate(v, p, x, dt)

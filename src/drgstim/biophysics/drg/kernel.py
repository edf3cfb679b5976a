"""Numba kernel: backward-Euler integration of a batch of branched cables.

Every array is laid out ``(compartment, batch)``; the batch holds cells of the same tree
topology (e.g. one neuron type at many diameters, distances or amplitudes). Parents come
before children (``parent[i] < i``), so the tree system is solved in O(n) by Hines'
method. The scheme follows NEURON's default: currents and their slope ``di/dv`` at the
old voltage, one implicit voltage step, then gates advanced by exponential Euler at the
new voltage. Extracellular drive enters as NEURON's ``extracellular`` mechanism with an
infinite ``xg`` does: the axial current sees the difference of ``vm + ve`` between
neighbours (Rattay's activating function on the first step).

Units: mV, ms, µF/cm², and currents or conductances per membrane area in µA/cm² and
µA/(cm²·mV) (the caller converts).

Mechanisms: 0 passive; 1 Sundt et al. 2015 C-neuron (m, h, n, l, p); 2 MRG 2002 node
(m, h, p, s).
"""

from __future__ import annotations

import math
from typing import Any

import numba
import numpy as np
import numpy.typing as npt

Arr = npt.NDArray[Any]

__all__ = ["MECH_MRG_NODE", "MECH_PASSIVE", "MECH_SUNDT", "N_GATES", "integrate"]

MECH_PASSIVE = 0
MECH_SUNDT = 1
MECH_MRG_NODE = 2
N_GATES = 5


@numba.njit(cache=True)
def _vtrap(x: float, y: float) -> float:
    """x / (exp(x/y) − 1), finite at 0."""
    if abs(x / y) < 1e-6:
        return y - x / 2.0
    return x / math.expm1(x / y)


@numba.njit(cache=True)
def _fill(out: Arr, g: int, a: float, b: float) -> None:
    """x_inf = a/(a+b), tau = 1/(a+b); a rate that overflowed pins the gate to 0 or 1."""
    total = a + b
    if total > 0.0 and total < 1e300:
        out[g, 0] = a / total
        out[g, 1] = 1.0 / total
    else:
        out[g, 0] = 1.0 if a >= b else 0.0
        out[g, 1] = 0.0


@numba.njit(cache=True)
def _sundt_rates(v: float, sp: Arr, out: Arr) -> None:
    """Fill out[g, 0] = x_inf, out[g, 1] = tau (ms) for m, h, n, l, p. See channels.sundt."""
    q, shift, rt = sp[0], sp[1], sp[2]
    u = v + 65.0 - shift
    am = q * 0.32 * _vtrap(13.1 - u, 4.0)
    bm = q * 0.28 * _vtrap(u - 40.1, 5.0)
    ah = q * 0.128 * math.exp((17.0 - u) / 18.0)
    bh = q * 4.0 / (1.0 + math.exp((40.0 - u) / 5.0))
    dn = (v - sp[4]) / rt
    dl = (v - sp[8]) / rt
    an = sp[3] * math.exp(sp[5] * sp[6] * dn)
    bn = sp[3] * math.exp(-sp[5] * (1.0 - sp[6]) * dn)
    al = sp[7] * math.exp(sp[9] * sp[10] * dl)
    bl = sp[7] * math.exp(-sp[9] * (1.0 - sp[10]) * dl)
    for g, (a, b) in enumerate(((am, bm), (ah, bh), (an, bn), (al, bl))):
        _fill(out, g, a, b)
    x = (v - sp[11]) / sp[13]
    out[4, 0] = 1.0 / (1.0 + math.exp(-(v - sp[11]) / sp[12]))
    x = min(max(x, -300.0), 300.0)
    out[4, 1] = sp[14] / (sp[15] * math.exp(x) + math.exp(-x)) / sp[16]


@numba.njit(cache=True)
def _mrg_rates(v: float, mp: Arr, out: Arr) -> None:
    """x_inf and tau for the MRG node gates m, h, p, s (McIntyre et al. 2002; rate
    coefficients at 20 °C as in ModelDB 3810 AXNODE.mod, scaled by the Q10 factors)."""
    q1, q2, q3 = mp[0], mp[1], mp[2]
    am = q1 * 1.86 * _vtrap(-(v + 21.4), 10.3)
    bm = q1 * 0.086 * _vtrap(v + 25.7, 9.16)
    ah = q2 * 0.062 * _vtrap(v + 114.0, 11.0)
    bh = q2 * 2.3 / (1.0 + math.exp(-(v + 31.8) / 13.4))
    ap = q1 * 0.01 * _vtrap(-(v + 27.0), 10.2)
    bp = q1 * 0.00025 * _vtrap(v + 34.0, 10.0)
    as_ = q3 * 0.3 / (1.0 + math.exp((v + 53.0) / -5.0))
    bs = q3 * 0.03 / (1.0 + math.exp((v + 90.0) / -1.0))
    for g, (a, b) in enumerate(((am, bm), (ah, bh), (ap, bp), (as_, bs))):
        _fill(out, g, a, b)


@numba.njit(cache=True)
def _current(mech: int, v: float, x: Arr, gp: Arr) -> float:
    """Ionic current density (µA/cm², outward +) of one compartment; gp its parameters."""
    if mech == MECH_SUNDT:
        return float(
            gp[0] * x[0] ** 3 * x[1] * (v - gp[4])
            + gp[1] * x[2] ** 3 * x[3] * (v - gp[5])
            + gp[2] * x[4] * (v - gp[5])
            + gp[3] * (v - gp[6])
        )
    if mech == MECH_MRG_NODE:
        return float(
            gp[0] * x[0] ** 3 * x[1] * (v - gp[4])
            + gp[1] * x[2] ** 3 * (v - gp[4])
            + gp[2] * x[3] * (v - gp[5])
            + gp[3] * (v - gp[6])
        )
    return float(gp[3] * (v - gp[6]))


@numba.njit(cache=True)
def _advance_gates(
    mech: int,
    v: float,
    x: Arr,
    dt: float,
    sp: Arr,
    mp: Arr,
    work: Arr,
) -> None:
    if mech == MECH_SUNDT:
        _sundt_rates(v, sp, work)
        n = 5
    elif mech == MECH_MRG_NODE:
        _mrg_rates(v, mp, work)
        n = 4
    else:
        return
    for g in range(n):
        tau = work[g, 1]
        if tau > 1e-12:  # extreme voltages (far above any physiological range) saturate
            x[g] = work[g, 0] + (x[g] - work[g, 0]) * math.exp(-dt / tau)
        elif work[g, 0] == work[g, 0]:
            x[g] = work[g, 0]


@numba.njit(cache=True)
def init_gates(mech: Arr, v0: Arr, sp: Arr, mp: Arr) -> Arr:
    """Gates at steady state for the initial voltages ``v0`` (compartment, batch)."""
    n, nb = v0.shape
    x = np.zeros((n, nb, N_GATES))
    work = np.zeros((N_GATES, 2))
    for i in range(n):
        for b in range(nb):
            if mech[i] == MECH_SUNDT:
                _sundt_rates(v0[i, b], sp, work)
                for g in range(5):
                    x[i, b, g] = work[g, 0]
            elif mech[i] == MECH_MRG_NODE:
                _mrg_rates(v0[i, b], mp, work)
                for g in range(4):
                    x[i, b, g] = work[g, 0]
    return x


@numba.njit(cache=True, parallel=True)
def integrate(
    parent: Arr,  # (n,) int, parent[0] = -1
    mech: Arr,  # (n,) int
    cm: Arr,  # (n,) µF/cm²
    g_parent: Arr,  # (n, nb) µA/(cm²·mV) seen by compartment i towards its parent
    g_child: Arr,  # (n, nb) same conductance seen from the parent's side
    gpar: Arr,  # (n, nb, 7) channel densities and reversals
    v: Arr,  # (n, nb) mV, updated in place
    x: Arr,  # (n, nb, N_GATES) updated in place
    ve_per_uA: Arr,  # (n, nb) mV of extracellular potential per µA of stimulus
    amp_uA: Arr,  # (nb,) stimulus amplitude (signed: cathodic < 0)
    wave: Arr,  # (n_steps,) waveform (1 during a pulse)
    inj_comp: int,  # compartment receiving intracellular current (-1: none)
    inj_uA_per_cm2: Arr,  # (n_steps,) injected density
    rec: Arr,  # (n_rec,) compartments whose spikes are counted
    dt: float,
    sp: Arr,
    mp: Arr,
    stop_on_spike: bool,
    v_detect: float,
) -> tuple[Arr, Arr]:
    """Integrate ``len(wave)`` steps; count up-crossings of ``v_detect`` at ``rec`` compartments.

    Returns (spike counts (n_rec, nb), first spike step (n_rec, nb), -1 if none).
    """
    n, nb = v.shape
    n_steps = wave.shape[0]
    n_rec = rec.shape[0]
    counts = np.zeros((n_rec, nb), dtype=np.int64)
    first = -np.ones((n_rec, nb), dtype=np.int64)
    for b in numba.prange(nb):
        d = np.empty(n)
        rhs = np.empty(n)
        work = np.zeros((N_GATES, 2))
        above = np.zeros(n_rec, dtype=np.bool_)
        for k in range(n_rec):
            above[k] = v[rec[k], b] > v_detect
        for step in range(n_steps):
            for i in range(n):
                vi = v[i, b]
                i0 = _current(mech[i], vi, x[i, b], gpar[i, b])
                slope = (_current(mech[i], vi + 0.001, x[i, b], gpar[i, b]) - i0) / 0.001
                d[i] = cm[i] / dt + slope
                rhs[i] = -i0
            if inj_comp >= 0:
                rhs[inj_comp] += inj_uA_per_cm2[step]
            ve_scale = amp_uA[b] * wave[step]
            for i in range(1, n):
                p = parent[i]
                diff = (v[p, b] + ve_per_uA[p, b] * ve_scale) - (
                    v[i, b] + ve_per_uA[i, b] * ve_scale
                )
                rhs[i] += g_parent[i, b] * diff
                rhs[p] -= g_child[i, b] * diff
                d[i] += g_parent[i, b]
                d[p] += g_child[i, b]
            for i in range(n - 1, 0, -1):
                p = parent[i]
                f = -g_child[i, b] / d[i]
                d[p] -= f * (-g_parent[i, b])
                rhs[p] -= f * rhs[i]
            rhs[0] /= d[0]
            for i in range(1, n):
                rhs[i] = (rhs[i] + g_parent[i, b] * rhs[parent[i]]) / d[i]
            for i in range(n):
                v[i, b] += rhs[i]
                _advance_gates(mech[i], v[i, b], x[i, b], dt, sp, mp, work)
            done = True
            for k in range(n_rec):
                now = v[rec[k], b] > v_detect
                if now and not above[k]:
                    counts[k, b] += 1
                    if first[k, b] < 0:
                        first[k, b] = step
                above[k] = now
                if first[k, b] < 0:
                    done = False
            if stop_on_spike and done:
                break
    return counts, first

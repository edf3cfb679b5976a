"""Numba CPU kernel: backward Euler on a batch of branched double cables.

Every per-lane array is laid out ``(compartment, …, lane)`` with the lane (one cell × one
stimulus amplitude) innermost; lanes in a batch share the tree topology and mechanisms
but may differ in every parameter (diameters, distances, amplitudes). ``prange`` runs over
chunks of lanes.

Numerics follow NEURON's fixed-step default (``secondorder = 0``): the ionic current and
its slope ``di/dv`` (by a 1 µV difference, gates frozen) at the old voltage, one implicit
step for the membrane potential ``v`` and the periaxonal potential ``vx`` of NEURON's
``extracellular`` layer (2×2 block Hines elimination, parents before children), then the
gates advanced at the new voltage by ``cnexp``. The outside potential ``e`` drives ``vx``
through ``xg``/``xc`` exactly as ``e_extracellular`` does.

Units: mV, ms; currents mA, conductances S, capacities mA·ms/mV (the caller converts).
"""

from __future__ import annotations

import numba
import numpy as np

from drgstim.biophysics.channels import hh, mrg_node, passive, sundt

__all__ = ["integrate"]

_DV = 0.001  # mV, NEURON's step for di/dv


@numba.njit(cache=True)
def _steady(m: int, v: float, p: np.ndarray, x: np.ndarray, tf: np.ndarray) -> None:
    if m == hh.MECH_ID:
        hh.steady_state(v, p, x, tf[m])
    elif m == mrg_node.MECH_ID:
        mrg_node.steady_state(v, p, x, tf[m])
    elif m == sundt.MECH_ID:
        sundt.steady_state(v, p, x, tf[m])
    else:
        passive.steady_state(v, p, x, tf[m])


@numba.njit(cache=True)
def _advance(m: int, v: float, p: np.ndarray, x: np.ndarray, dt: float, tf: np.ndarray) -> None:
    if m == hh.MECH_ID:
        hh.advance(v, p, x, dt, tf[m])
    elif m == mrg_node.MECH_ID:
        mrg_node.advance(v, p, x, dt, tf[m])
    elif m == sundt.MECH_ID:
        sundt.advance(v, p, x, dt, tf[m])


@numba.njit(cache=True)
def _current(m: int, v: float, p: np.ndarray, x: np.ndarray) -> float:
    if m == hh.MECH_ID:
        return hh.current(v, p, x)
    if m == mrg_node.MECH_ID:
        return mrg_node.current(v, p, x)
    if m == sundt.MECH_ID:
        return sundt.current(v, p, x)
    return passive.current(v, p, x)


@numba.njit(
    cache=True, parallel=True, error_model="numpy", fastmath={"nsz", "arcp", "contract", "reassoc"}
)
def integrate(
    parent: np.ndarray,  # (n,) int64, parent[i] < i, parent[0] = -1
    mech: np.ndarray,  # (n,) int64
    area: np.ndarray,  # (n, L) cm²
    cap: np.ndarray,  # (n, L) membrane capacity, mA·ms/mV
    ga: np.ndarray,  # (n, L) axial conductance to parent, S
    gx: np.ndarray,  # (n, L) periaxonal axial conductance to parent, S
    gxg: np.ndarray,  # (n, L) periaxonal wall conductance, S
    cxc: np.ndarray,  # (n, L) periaxonal wall capacity, mA·ms/mV
    params: np.ndarray,  # (n, P, L)
    ve: np.ndarray,  # (n, L) outside potential per unit drive, mV
    amp: np.ndarray,  # (L,) drive scale
    wave: np.ndarray,  # (steps + 1,) waveform at t_k = k·dt
    tf: np.ndarray,  # (mechanisms, 3) temperature factors
    v0: float,
    dt: float,
    threshold: float,
    detect: int,
    chunk: int,
    rec_idx: np.ndarray,  # (r,) compartments to record (may be empty)
    states0: np.ndarray,  # (n, S) steady states at v0 (shared)
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    n, lanes = area.shape
    steps = wave.shape[0] - 1
    n_states = states0.shape[1]
    tcross = np.full((n, lanes), np.inf)
    nrec = rec_idx.shape[0]
    rec = np.zeros((steps + 1 if nrec > 0 else 0, nrec, lanes))
    steps_run = np.zeros(lanes, dtype=np.int64)
    n_chunks = (lanes + chunk - 1) // chunk
    for c in numba.prange(n_chunks):
        lo = c * chunk
        hi = min(lanes, lo + chunk)
        w = hi - lo
        v = np.full((n, w), v0)
        vx = np.zeros((n, w))
        x = np.empty((n, n_states, w))
        for i in range(n):
            for s in range(n_states):
                for j in range(w):
                    x[i, s, j] = states0[i, s]
        d11 = np.empty((n, w))
        d12 = np.empty((n, w))
        d21 = np.empty((n, w))
        d22 = np.empty((n, w))
        b1 = np.empty((n, w))
        b2 = np.empty((n, w))
        done = np.zeros(w, dtype=np.bool_)
        for r in range(nrec):
            for j in range(w):
                rec[0, r, lo + j] = v0
        for k in range(steps):
            e_old = wave[k]
            e_new = wave[k + 1]
            # membrane and wall terms
            for i in range(n):
                m = mech[i]
                for j in range(w):
                    lj = lo + j
                    vv = v[i, j]
                    if m == passive.MECH_ID:  # linear: no views, vectorises
                        slope = params[i, 0, lj]
                        cur = slope * (vv - params[i, 1, lj])
                    else:
                        pv = params[i, :, lj]
                        xv = x[i, :, j]
                        cur = _current(m, vv, pv, xv)
                        slope = (_current(m, vv + _DV, pv, xv) - cur) / _DV
                    a = area[i, lj]
                    cdt = cap[i, lj] / dt
                    cxdt = cxc[i, lj] / dt
                    ea = ve[i, lj] * amp[lj]
                    d11[i, j] = -(cdt + slope * a)
                    d12[i, j] = 0.0
                    d21[i, j] = cdt + slope * a
                    d22[i, j] = -(gxg[i, lj] + cxdt)
                    b1[i, j] = cur * a
                    b2[i, j] = -(
                        cur * a - gxg[i, lj] * (vx[i, j] - ea * e_new) + cxdt * ea * (e_new - e_old)
                    )
            # axial coupling (internal and periaxonal) to the parent
            for i in range(1, n):
                p = parent[i]
                for j in range(w):
                    lj = lo + j
                    g = ga[i, lj]
                    h = gx[i, lj]
                    di = v[p, j] + vx[p, j] - v[i, j] - vx[i, j]
                    dx = vx[p, j] - vx[i, j]
                    d11[i, j] -= g
                    d12[i, j] -= g
                    d22[i, j] -= h
                    d11[p, j] -= g
                    d12[p, j] -= g
                    d22[p, j] -= h
                    b1[i, j] -= g * di
                    b1[p, j] += g * di
                    b2[i, j] -= h * dx
                    b2[p, j] += h * dx
            # eliminate leaves towards the root; off-diagonal block B = [[g, g], [0, h]]
            for i in range(n - 1, 0, -1):
                p = parent[i]
                for j in range(w):
                    g = ga[i, lo + j]
                    h = gx[i, lo + j]
                    det = d11[i, j] * d22[i, j] - d12[i, j] * d21[i, j]
                    i11 = d22[i, j] / det
                    i12 = -d12[i, j] / det
                    i21 = -d21[i, j] / det
                    i22 = d11[i, j] / det
                    # B · Dinv
                    m11 = g * (i11 + i21)
                    m12 = g * (i12 + i22)
                    m21 = h * i21
                    m22 = h * i22
                    d11[p, j] -= m11 * g
                    d12[p, j] -= m11 * g + m12 * h
                    d21[p, j] -= m21 * g
                    d22[p, j] -= m21 * g + m22 * h
                    b1[p, j] -= m11 * b1[i, j] + m12 * b2[i, j]
                    b2[p, j] -= m21 * b1[i, j] + m22 * b2[i, j]
            for i in range(n):
                p = parent[i]
                for j in range(w):
                    r1 = b1[i, j]
                    r2 = b2[i, j]
                    if p >= 0:
                        g = ga[i, lo + j]
                        h = gx[i, lo + j]
                        r1 -= g * (b1[p, j] + b2[p, j])
                        r2 -= h * b2[p, j]
                    det = d11[i, j] * d22[i, j] - d12[i, j] * d21[i, j]
                    dv = (d22[i, j] * r1 - d12[i, j] * r2) / det
                    dvx = (d11[i, j] * r2 - d21[i, j] * r1) / det
                    b1[i, j] = dv  # b now holds the solution
                    b2[i, j] = dvx
            t_old = k * dt
            for i in range(n):
                m = mech[i]
                for j in range(w):
                    lj = lo + j
                    old = v[i, j]
                    new = old + b1[i, j]
                    v[i, j] = new
                    vx[i, j] += b2[i, j]
                    if m != passive.MECH_ID:
                        _advance(m, new, params[i, :, lj], x[i, :, j], dt, tf)
                    if old < threshold <= new and tcross[i, lj] == np.inf:
                        tcross[i, lj] = t_old + dt * (threshold - old) / (new - old)
            for r in range(nrec):
                for j in range(w):
                    rec[k + 1, r, lo + j] = v[rec_idx[r], j]
            all_done = True
            for j in range(w):
                if not done[j]:
                    if tcross[detect, lo + j] < np.inf:
                        done[j] = True
                        steps_run[lo + j] = k + 1
                    else:
                        all_done = False
            if all_done and nrec == 0:
                break
        for j in range(w):
            if not done[j]:
                steps_run[lo + j] = steps
    return tcross, rec, steps_run

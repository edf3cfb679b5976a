"""Numba CPU kernel for whole threshold searches (bracket, then bisection) per lane.

Each lane slot of a group holds one cell and, as soon as a simulation ends (spike at the
detection compartment, or the end of the waveform), restarts at that cell's next
amplitude; when the cell is done it takes the group's next cell, so no slot waits for
others between bisection steps. The step itself is :mod:`drgstim.biophysics.solver.cpu`'s.
"""

from __future__ import annotations

import numba
import numpy as np

from drgstim.biophysics.solver.cpu import _SLOTS, _load, _restart, _step
from drgstim.biophysics.solver.tables import RateTable

__all__ = ["search"]


@numba.njit(cache=True)
def _move(
    src: int,
    dst: int,
    c: np.ndarray,
    par: np.ndarray,
    v: np.ndarray,
    vx: np.ndarray,
    x: np.ndarray,
    tc: np.ndarray,
) -> None:
    """Copy slot ``src`` (constants and state) into slot ``dst``."""
    if src == dst:
        return
    for i in range(v.shape[0]):
        for q in range(c.shape[0]):
            c[q, i, dst] = c[q, i, src]
        for q in range(par.shape[1]):
            par[i, q, dst] = par[i, q, src]
        for q in range(x.shape[1]):
            x[i, q, dst] = x[i, q, src]
        v[i, dst] = v[i, src]
        vx[i, dst] = vx[i, src]
        tc[i, dst] = tc[i, src]


@numba.njit(cache=True)
def _first_crossing(tc: np.ndarray, j: int) -> int:
    best = 0
    for i in range(1, tc.shape[0]):
        if tc[i, j] < tc[best, j]:
            best = i
    return best


@numba.njit(cache=True)
def _next_amplitude(
    fired: bool, amp: float, lo: float, hi: float, start: float, limits: np.ndarray
) -> tuple[float, float, float, bool]:
    """Bracket/bisection step: (next amplitude, lo, hi, finished)."""
    maximum, rel_tol, floor = limits[0], limits[1], limits[2]
    if fired and amp < floor * start:
        return amp, lo, np.nan, True  # fires with (almost) no drive: no threshold
    if fired:
        hi = amp
    else:
        lo = amp
    if np.isnan(hi):
        if amp * 2.0 > maximum:
            return amp, lo, hi, True
        return amp * 2.0, lo, hi, False
    if hi - lo <= rel_tol * hi:
        return amp, lo, hi, True
    return 0.5 * (lo + hi), lo, hi, False


@numba.njit(cache=True, parallel=True)
def search(
    parent: np.ndarray,
    mech: np.ndarray,
    area: np.ndarray,
    cap: np.ndarray,
    ga: np.ndarray,
    gx: np.ndarray,
    gxg: np.ndarray,
    cxc: np.ndarray,
    params: np.ndarray,
    ve: np.ndarray,
    wave: np.ndarray,
    rt: RateTable,
    v0: float,
    threshold: float,
    detect: int,
    groups: int,
    width: int,
    states0: np.ndarray,
    initial: np.ndarray,  # (L,) first amplitude per cell
    limits: np.ndarray,  # (maximum, rel_tol, floor)
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Threshold search of every lane (cell): (threshold, initiation index, simulations).

    Cells g, g + groups, … run in group g, ``width`` at a time; a slot restarts at its
    cell's next amplitude as soon as a simulation ends and takes the group's next cell
    when its cell is done; once no cell is left, the group narrows to its busy slots
    (arguments as :func:`integrate`).
    """
    n, lanes = area.shape
    steps = wave.shape[0] - 1
    dt = rt.dt
    thr = np.full(lanes, np.nan)
    site = np.full(lanes, -1, dtype=np.int64)
    sims = np.zeros(lanes, dtype=np.int64)
    for g in numba.prange(groups):
        count = (lanes - g + groups - 1) // groups
        w = min(width, count)
        if w <= 0:
            continue
        c = np.empty((_SLOTS, n, w))
        par = np.empty((n, params.shape[1], w))
        v, vx, tc = np.empty((n, w)), np.empty((n, w)), np.empty((n, w))
        x = np.empty((n, states0.shape[1], w))
        d = np.empty((6, n, w))
        eold, enew, told = np.empty(w), np.empty(w), np.empty(w)
        cell = np.full(w, -1, dtype=np.int64)
        k = np.zeros(w, dtype=np.int64)
        amp, lo, hi = np.zeros(w), np.zeros(w), np.zeros(w)
        taken = 0
        for j in range(w):
            cell[j] = g + taken * groups
            taken += 1
            _load(parent, c, par, j, cell[j], area, cap, cxc, gxg, ga, gx, params, ve, dt)
            amp[j], lo[j], hi[j] = initial[cell[j]], 0.0, np.nan
            _restart(c, j, amp[j], v0, states0, v, vx, x, tc)
        active = w  # slots 0 … active − 1 hold a cell
        while active > 0:
            for j in range(active):
                eold[j] = wave[k[j]]
                enew[j] = wave[k[j] + 1]
                told[j] = k[j] * dt
            _step(parent, mech, c, par, v, vx, x, tc, d, eold, enew, told, rt, threshold, active)
            for j in range(active - 1, -1, -1):  # downwards: slots above j are done this step
                f = cell[j]
                k[j] += 1
                fired = tc[detect, j] < np.inf
                if not fired and k[j] < steps:
                    continue
                sims[f] += 1
                if fired and amp[j] >= limits[2] * initial[f]:
                    site[f] = _first_crossing(tc, j)
                amp[j], lo[j], hi[j], finished = _next_amplitude(
                    fired, amp[j], lo[j], hi[j], initial[f], limits
                )
                k[j] = 0
                if not finished:
                    _restart(c, j, amp[j], v0, states0, v, vx, x, tc)
                    continue
                thr[f] = hi[j]
                if taken < count:
                    cell[j] = g + taken * groups
                    taken += 1
                    _load(parent, c, par, j, cell[j], area, cap, cxc, gxg, ga, gx, params, ve, dt)
                    amp[j], lo[j], hi[j] = initial[cell[j]], 0.0, np.nan
                    _restart(c, j, amp[j], v0, states0, v, vx, x, tc)
                else:  # no cell left: the last active slot moves here, the group narrows
                    active -= 1
                    _move(active, j, c, par, v, vx, x, tc)
                    cell[j], k[j], amp[j], lo[j], hi[j] = (
                        cell[active],
                        k[active],
                        amp[active],
                        lo[active],
                        hi[active],
                    )
    return thr, site, sims

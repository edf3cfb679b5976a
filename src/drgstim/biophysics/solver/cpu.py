"""Numba CPU kernel: backward Euler on a batch of branched double cables.

Every per-lane array is laid out ``(compartment, …, lane)`` with the lane (one cell × one
stimulus amplitude) innermost; lanes in a batch share the tree topology and mechanisms
but may differ in every parameter (diameters, distances, amplitudes). ``prange`` runs over
groups of lanes; each group copies its lanes' constants into small contiguous arrays
(``(compartment, lane)``, a few KiB per array) so that the loops over lanes share SIMD
registers and stay in cache.

Numerics follow NEURON's fixed-step default (``secondorder = 0``): the ionic current and
its slope ``di/dv`` (by a 1 µV difference, gates frozen) at the old voltage, one implicit
step for the membrane potential ``v`` and the periaxonal potential ``vx`` of NEURON's
``extracellular`` layer (2×2 block Hines elimination, parents before children), then the
gates advanced at the new voltage by ``cnexp``. The outside potential ``e`` drives ``vx``
through ``xg``/``xc`` exactly as ``e_extracellular`` does.

Gate updates come from a rate table (:mod:`drgstim.biophysics.solver.tables`) built at the
run's dt and temperature: ``x∞`` and ``1 − exp(−dt/τ)`` linearly interpolated on a fine
voltage grid (NEURON interpolates its rate tables the same way); outside the grid the
exact rates are used.

:func:`integrate` runs every lane at one amplitude (traces, crossing times), optionally
with intracellular electrodes (NEURON's ``IClamp``: the current enters the intracellular
right-hand side of its compartment) and spike counting at chosen compartments (every
up-crossing, without storing traces, for runs of seconds);
:func:`search` runs whole threshold searches: each lane slot of a group holds one cell
and, as soon as a simulation ends (spike at the detection compartment, or the end of the
waveform), restarts at that cell's next amplitude; when the cell is done it takes the
group's next cell, so no slot waits for others between bisection steps.

Both kernels live in this one file on purpose: Numba's cache checks only the time stamp
of a function's own file, and a cached kernel contains every function it calls.

Units: mV, ms; currents mA, conductances S, capacities mA·ms/mV (the caller converts).
"""

from __future__ import annotations

import numba
import numpy as np

from drgstim.biophysics.channels import passive
from drgstim.biophysics.solver import mechanisms, tables
from drgstim.biophysics.solver.tables import RateTable

__all__ = ["integrate", "search"]

_FASTMATH = {"nsz", "arcp", "contract", "reassoc"}  # no nnan/ninf: inf means "not crossed"
# slots of a group's constant array c (_SLOTS, n, w): area, C/dt, xc/dt, xg, axial g and
# periaxonal g to the parent, their sums over parent and children, ve per unit drive, ve·drive
_A, _CDT, _CXDT, _GXG, _GA, _GX, _AG, _AH, _VE, _EA = range(10)
_SLOTS = 10


@numba.njit(cache=True, fastmath=_FASTMATH)
def _assemble_membrane(
    mech: np.ndarray,
    c: np.ndarray,
    par: np.ndarray,
    v: np.ndarray,
    vx: np.ndarray,
    x: np.ndarray,
    eold: np.ndarray,
    enew: np.ndarray,
    d: np.ndarray,
    w: int,
) -> None:
    """Diagonal blocks (membrane, wall, axial sums) and right-hand sides, without coupling."""
    n = v.shape[0]
    a_, cdt_, cxdt_, gxg_, ea_, ag_, ah_ = c[_A], c[_CDT], c[_CXDT], c[_GXG], c[_EA], c[_AG], c[_AH]
    d11, d12, d21, d22, b1, b2 = d[0], d[1], d[2], d[3], d[4], d[5]
    curs = np.empty(w)
    slopes = np.empty(w)
    for i in range(n):
        m = mech[i]
        if m == passive.MECH_ID:  # linear: no views, vectorises
            for j in range(w):
                slopes[j] = par[i, 0, j]
                curs[j] = slopes[j] * (v[i, j] - par[i, 1, j])
        else:
            mechanisms.currents(m, i, v, par, x, w, curs, slopes)
        for j in range(w):
            cur = curs[j]
            slope = slopes[j]
            a = a_[i, j]
            cdt = cdt_[i, j]
            cxdt = cxdt_[i, j]
            ea = ea_[i, j]
            d11[i, j] = -(cdt + slope * a) - ag_[i, j]
            d12[i, j] = -ag_[i, j]
            d21[i, j] = cdt + slope * a
            d22[i, j] = -(gxg_[i, j] + cxdt) - ah_[i, j]
            b1[i, j] = cur * a
            b2[i, j] = -(
                cur * a - gxg_[i, j] * (vx[i, j] - ea * enew[j]) + cxdt * ea * (enew[j] - eold[j])
            )


@numba.njit(cache=True, fastmath=_FASTMATH)
def _solve(
    parent: np.ndarray, c: np.ndarray, v: np.ndarray, vx: np.ndarray, d: np.ndarray, w: int
) -> None:
    """Add the axial currents and solve; d[4], d[5] then hold the changes of v and vx.

    Each diagonal block already holds its axial conductance sums (``_AG``, ``_AH``); the
    elimination overwrites it with its inverse, which the back-substitution uses.
    """
    n = v.shape[0]
    ga_, gx_ = c[_GA], c[_GX]
    d11, d12, d21, d22, b1, b2 = d[0], d[1], d[2], d[3], d[4], d[5]
    for i in range(1, n):
        p = parent[i]
        for j in range(w):
            g = ga_[i, j]
            h = gx_[i, j]
            di = g * (v[p, j] + vx[p, j] - v[i, j] - vx[i, j])
            dx = h * (vx[p, j] - vx[i, j])
            b1[i, j] -= di
            b1[p, j] += di
            b2[i, j] -= dx
            b2[p, j] += dx
    # eliminate leaves towards the root; off-diagonal block B = [[g, g], [0, h]]
    for i in range(n - 1, -1, -1):
        p = parent[i]
        for j in range(w):
            rdet = 1.0 / (d11[i, j] * d22[i, j] - d12[i, j] * d21[i, j])
            i11 = d22[i, j] * rdet
            i12 = -d12[i, j] * rdet
            i21 = -d21[i, j] * rdet
            i22 = d11[i, j] * rdet
            d11[i, j], d12[i, j], d21[i, j], d22[i, j] = i11, i12, i21, i22
        if p < 0:
            continue
        for j in range(w):
            g = ga_[i, j]
            h = gx_[i, j]
            m11 = g * (d11[i, j] + d21[i, j])  # B · Dinv
            m12 = g * (d12[i, j] + d22[i, j])
            m21 = h * d21[i, j]
            m22 = h * d22[i, j]
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
                r1 -= ga_[i, j] * (b1[p, j] + b2[p, j])
                r2 -= gx_[i, j] * b2[p, j]
            b1[i, j] = d11[i, j] * r1 + d12[i, j] * r2
            b2[i, j] = d21[i, j] * r1 + d22[i, j] * r2


@numba.njit(cache=True, fastmath=_FASTMATH)
def _update(
    mech: np.ndarray,
    par: np.ndarray,
    v: np.ndarray,
    vx: np.ndarray,
    x: np.ndarray,
    tc: np.ndarray,
    b1: np.ndarray,
    b2: np.ndarray,
    told: np.ndarray,
    rt: RateTable,
    threshold: float,
    w: int,
) -> None:
    """Apply the solution, advance the gates at the new v, note first threshold crossings."""
    n = v.shape[0]
    table, n_states, shift, vmin, inv_step = rt.table, rt.n_states, rt.shift, rt.vmin, rt.inv_step
    for i in range(n):
        m = mech[i]
        for j in range(w):
            old = v[i, j]
            new = old + b1[i, j]
            v[i, j] = new
            vx[i, j] += b2[i, j]
            if old < threshold <= new and tc[i, j] == np.inf:
                tc[i, j] = told[j] + rt.dt * (threshold - old) / (new - old)
        if m != passive.MECH_ID:
            for j in range(w):
                vv = v[i, j]
                if not tables.step_gates(
                    m, i, j, vv, par, x, table, n_states, shift, vmin, inv_step
                ):
                    tables.advance_gates(m, i, j, vv, par, x, rt)  # off the grid: exact


@numba.njit(cache=True)
def _concentrations(
    mech: np.ndarray, par: np.ndarray, v: np.ndarray, x: np.ndarray, dt: float, w: int
) -> None:
    """Advance the concentrations of mechanisms that carry them (``mechanisms.accumulates``)
    from their currents at the step's old voltage and gates, before the solution is applied
    (NEURON's order: currents, then states). A function of its own, called before
    :func:`_update`, so that cells without such mechanisms run the same machine code as
    before it existed (bit-identical results)."""
    for i in range(v.shape[0]):
        m = mech[i]
        if mechanisms.accumulates(m):
            for j in range(w):
                mechanisms.accumulate(m, v[i, j], par[i, :, j], x[i, :, j], dt)


@numba.njit(cache=True)
def _load(
    parent: np.ndarray,
    c: np.ndarray,
    par: np.ndarray,
    j: int,
    lane: int,
    area: np.ndarray,
    cap: np.ndarray,
    cxc: np.ndarray,
    gxg: np.ndarray,
    ga: np.ndarray,
    gx: np.ndarray,
    params: np.ndarray,
    ve: np.ndarray,
    dt: float,
) -> None:
    """Copy global ``lane``'s constants into slot ``j`` of a group."""
    for i in range(c.shape[1]):
        c[_AG, i, j] = ga[i, lane]
        c[_AH, i, j] = gx[i, lane]
    for i in range(1, c.shape[1]):
        c[_AG, parent[i], j] += ga[i, lane]
        c[_AH, parent[i], j] += gx[i, lane]
    for i in range(c.shape[1]):
        c[_A, i, j] = area[i, lane]
        c[_CDT, i, j] = cap[i, lane] / dt
        c[_CXDT, i, j] = cxc[i, lane] / dt
        c[_GXG, i, j] = gxg[i, lane]
        c[_GA, i, j] = ga[i, lane]
        c[_GX, i, j] = gx[i, lane]
        c[_VE, i, j] = ve[i, lane]
        for q in range(par.shape[1]):
            par[i, q, j] = params[i, q, lane]


@numba.njit(cache=True)
def _restart(
    c: np.ndarray,
    j: int,
    amp: float,
    v0: float,
    states0: np.ndarray,
    v: np.ndarray,
    vx: np.ndarray,
    x: np.ndarray,
    tc: np.ndarray,
) -> None:
    """Slot ``j`` back to rest, to be driven at ``amp``."""
    for i in range(v.shape[0]):
        v[i, j] = v0
        vx[i, j] = 0.0
        tc[i, j] = np.inf
        c[_EA, i, j] = c[_VE, i, j] * amp
        for s in range(states0.shape[1]):
            x[i, s, j] = states0[i, s]


@numba.njit(cache=True, fastmath=_FASTMATH)
def _step(
    parent: np.ndarray,
    mech: np.ndarray,
    c: np.ndarray,
    par: np.ndarray,
    v: np.ndarray,
    vx: np.ndarray,
    x: np.ndarray,
    tc: np.ndarray,
    d: np.ndarray,
    eold: np.ndarray,
    enew: np.ndarray,
    told: np.ndarray,
    rt: RateTable,
    threshold: float,
    w: int,
) -> None:
    """One backward-Euler step of the first ``w`` slots of a group.

    A group's arrays: constants c (_SLOTS, n, w), parameters par (n, P, w), state v, vx and
    first-crossing times tc (n, w), gates x (n, S, w), scratch d (6, n, w), and per slot
    the outside-potential samples at the step's start and end and its start time (w,).
    """
    _assemble_membrane(mech, c, par, v, vx, x, eold, enew, d, w)
    _solve(parent, c, v, vx, d, w)
    _concentrations(mech, par, v, x, rt.dt, w)
    _update(mech, par, v, vx, x, tc, d[4], d[5], told, rt, threshold, w)


@numba.njit(cache=True, parallel=True)
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
    rt: RateTable,  # gate tables at dt (rt.dt is the step)
    v0: float,
    threshold: float,
    detect: int,
    chunk: int,
    rec_idx: np.ndarray,  # (r,) compartments to record (may be empty)
    states0: np.ndarray,  # (n, S) steady states at v0 (shared)
    inj_idx: np.ndarray,  # (q,) compartments with an intracellular electrode (may be empty)
    inj_amp: np.ndarray,  # (q, L) electrode current scale per lane, mA
    inj_wave: np.ndarray,  # (steps + 1, q) electrode waveform at t_k = k·dt
    count_idx: np.ndarray,  # (s,) compartments whose up-crossings are counted (may be empty)
    max_spikes: int,  # crossing times kept per counted compartment and lane
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Every lane at its amplitude: first crossings (n, L), traces, steps run, spike counts.

    Electrode current (NEURON's ``IClamp``; positive depolarises) enters the inside of
    compartment ``inj_idx[q]`` as ``inj_amp[q, lane] · inj_wave[k + 1, q]`` during the step
    that ends at t_(k+1). Every up-crossing of ``threshold`` at ``count_idx[s]`` is counted
    (``counts`` (s, L)); the first ``max_spikes`` crossing times are kept (``times``
    (s, max_spikes, L), NaN beyond the count). With counted compartments the run never
    stops early.
    """
    n, lanes = area.shape
    steps = wave.shape[0] - 1
    dt = rt.dt
    tcross = np.full((n, lanes), np.inf)
    nrec = rec_idx.shape[0]
    rec = np.zeros((steps + 1 if nrec > 0 else 0, nrec, lanes))
    steps_run = np.full(lanes, steps, dtype=np.int64)
    ninj = inj_idx.shape[0]
    ncount = count_idx.shape[0]
    counts = np.zeros((ncount, lanes), dtype=np.int64)
    times = np.full((ncount, max_spikes, lanes), np.nan)
    n_chunks = (lanes + chunk - 1) // chunk
    for ch in numba.prange(n_chunks):
        lo = ch * chunk
        w = min(lanes, lo + chunk) - lo
        c = np.empty((_SLOTS, n, w))
        par = np.empty((n, params.shape[1], w))
        v, vx, tc = np.empty((n, w)), np.empty((n, w)), np.empty((n, w))
        x = np.empty((n, states0.shape[1], w))
        d = np.empty((6, n, w))
        eold, enew, told = np.empty(w), np.empty(w), np.empty(w)
        done = np.zeros(w, dtype=np.bool_)
        vprev = np.empty((ncount, w))
        for j in range(w):
            _load(parent, c, par, j, lo + j, area, cap, cxc, gxg, ga, gx, params, ve, dt)
            _restart(c, j, amp[lo + j], v0, states0, v, vx, x, tc)
            for r in range(nrec):
                rec[0, r, lo + j] = v0
        for k in range(steps):
            eold[:] = wave[k]
            enew[:] = wave[k + 1]
            told[:] = k * dt
            if ninj == 0 and ncount == 0:
                _step(parent, mech, c, par, v, vx, x, tc, d, eold, enew, told, rt, threshold, w)
            else:
                for s in range(ncount):
                    for j in range(w):
                        vprev[s, j] = v[count_idx[s], j]
                _assemble_membrane(mech, c, par, v, vx, x, eold, enew, d, w)
                for q in range(ninj):
                    for j in range(w):  # b1 holds outward current: the electrode's goes in
                        d[4, inj_idx[q], j] -= inj_amp[q, lo + j] * inj_wave[k + 1, q]
                _solve(parent, c, v, vx, d, w)
                _concentrations(mech, par, v, x, dt, w)
                _update(mech, par, v, vx, x, tc, d[4], d[5], told, rt, threshold, w)
                _count(count_idx, v, vprev, k * dt, dt, threshold, counts, times, lo, w)
            for r in range(nrec):
                for j in range(w):
                    rec[k + 1, r, lo + j] = v[rec_idx[r], j]
            all_done = True
            for j in range(w):
                if not done[j]:
                    if tc[detect, j] < np.inf:
                        done[j] = True
                        steps_run[lo + j] = k + 1
                    else:
                        all_done = False
            if all_done and nrec == 0 and ncount == 0:
                break
        for i in range(n):
            for j in range(w):
                tcross[i, lo + j] = tc[i, j]
    return tcross, rec, steps_run, counts, times


@numba.njit(cache=True)
def _count(
    count_idx: np.ndarray,
    v: np.ndarray,
    vprev: np.ndarray,
    told: float,
    dt: float,
    threshold: float,
    counts: np.ndarray,
    times: np.ndarray,
    lo: int,
    w: int,
) -> None:
    """Count up-crossings of ``threshold`` in the step from ``told``; keep their times."""
    for s in range(count_idx.shape[0]):
        i = count_idx[s]
        for j in range(w):
            old = vprev[s, j]
            new = v[i, j]
            if old < threshold <= new:
                m = counts[s, lo + j]
                if m < times.shape[1]:
                    times[s, m, lo + j] = told + dt * (threshold - old) / (new - old)
                counts[s, lo + j] = m + 1


# --- whole threshold searches (bracket, then bisection) per lane, on the same step ---


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
        if amp >= maximum:
            return amp, lo, hi, True
        # Doubling past the maximum tries the maximum itself: a cell that first fires
        # between the last doubling and the maximum has a threshold in range.
        return min(amp * 2.0, maximum), lo, hi, False
    if hi - lo <= rel_tol * hi:
        return amp, lo, hi, True
    return 0.5 * (lo + hi), lo, hi, False


@numba.njit(cache=True)
def _first_amplitude(
    initial: np.ndarray, bracket: np.ndarray, f: int
) -> tuple[float, float, float]:
    """(first amplitude, lo, hi) of cell ``f``: its bracket's midpoint if it has one."""
    lo, hi = bracket[0, f], bracket[1, f]
    if np.isnan(hi):
        return initial[f], 0.0, np.nan
    return 0.5 * (lo + hi), lo, hi


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
    bracket: np.ndarray,  # (3, L) known bracket (did not fire, fired), second try; NaN: none
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Threshold search of every lane (cell): (upper, lower, initiation index, simulations).

    ``upper``/``lower``: the final bracket (smallest drive that fired, largest that did not;
    upper NaN if none fired up to the maximum). A cell with a known bracket (``bracket``
    finite: ``bracket[0]`` did not fire, ``bracket[1]`` did) starts bisecting it at once,
    exactly where the doubling from ``initial`` would have gone after running both ends;
    its initiation index is that of its smallest activating run inside the bracket (−1 if
    none fired). ``bracket[2]`` (NaN: none) is the amplitude run second when it lies inside
    the bracket left by the first run: with ``initial`` just above a predicted threshold
    and it just below, a good prediction leaves a narrow bracket after two runs; a wrong
    one costs those runs and the search goes on as usual (doubling, then bisection).

    Cells g, g + groups, … run in group g, ``width`` at a time; a slot restarts at its
    cell's next amplitude as soon as a simulation ends and takes the group's next cell
    when its cell is done; once no cell is left, the group narrows to its busy slots
    (arguments as :func:`integrate`).
    """
    n, lanes = area.shape
    steps = wave.shape[0] - 1
    dt = rt.dt
    thr = np.full(lanes, np.nan)
    low = np.zeros(lanes)
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
            amp[j], lo[j], hi[j] = _first_amplitude(initial, bracket, cell[j])
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
                second = bracket[2, f]
                if not finished and sims[f] == 1 and lo[j] < second < hi[j]:
                    amp[j] = second  # a guessed bracket's other end, inside the bracket
                k[j] = 0
                if not finished:
                    _restart(c, j, amp[j], v0, states0, v, vx, x, tc)
                    continue
                thr[f] = hi[j]
                low[f] = lo[j]
                if taken < count:
                    cell[j] = g + taken * groups
                    taken += 1
                    _load(parent, c, par, j, cell[j], area, cap, cxc, gxg, ga, gx, params, ve, dt)
                    amp[j], lo[j], hi[j] = _first_amplitude(initial, bracket, cell[j])
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
    return thr, low, site, sims

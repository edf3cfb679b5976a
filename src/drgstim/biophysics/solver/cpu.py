"""Numba CPU kernel: backward Euler on a batch of branched double cables.

Every per-lane array is laid out ``(compartment, …, lane)`` with the lane (one cell × one
stimulus amplitude) innermost; lanes in a batch share the tree topology and mechanisms
but may differ in every parameter (diameters, distances, amplitudes). ``prange`` runs over
groups of ``G`` slots (8 or 16, :func:`lanes_for`); each group copies its lanes' constants
and state into one flat array (:func:`_new_group`), so that the loops over a compartment's
slots vectorise (see the layout note above :data:`GROUP_LANES`).

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
group's next cell, so no slot waits for others between bisection steps;
:func:`run_once` runs every lane once at its own amplitude with the same slot refill
(a slot takes the next lane as soon as its run ends).

The kernels live in this one file on purpose: Numba's cache checks only the time stamp
of a function's own file, and a cached kernel contains every function it calls.

Units: mV, ms; currents mA, conductances S, capacities mA·ms/mV (the caller converts).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

import numba
import numpy as np
from numba.core import cgutils, types
from numba.extending import intrinsic
from numba.misc.special import literally

from drgstim.biophysics.channels import fh, mrg_node, passive, sundt
from drgstim.biophysics.solver import mechanisms, tables
from drgstim.biophysics.solver.tables import RateTable

__all__ = [
    "GROUP_LANES",
    "call",
    "concurrent_calls_safe",
    "integrate",
    "lanes_for",
    "run_once",
    "search",
    "settle",
]

_FASTMATH = {"nsz", "arcp", "contract", "reassoc"}  # no nnan/ninf: inf means "not crossed"
# error_model="numpy": a division by zero gives inf/NaN instead of a Python exception, so
# a lane loop with a division has no branch per division and can vectorise (the kernel's
# divisions are by a 2×2 determinant, never 0, and by a voltage change whose result is
# kept only where the voltage crossed the threshold, i.e. changed)

# A group of G lane slots keeps everything per compartment in one flat array g:
# compartment i, field F, slot j at g[(i·_NF + F)·G + j]. The fields (constants: area,
# C/dt, xc/dt, xg, axial g and periaxonal g to the parent, their sums over parent and
# children, ve per unit drive, ve·drive; state: v, vx, first-crossing time; scratch: the
# 2×2 diagonal block and the right-hand sides) are a compile-time multiple of G apart,
# so LLVM sees that a lane loop's loads and stores of one compartment never overlap and
# vectorises it without run-time alias checks. Parameters and gates have their own flat
# arrays, par[(i·P + q)·G + j] and x[(i·S + s)·G + j].
#
# G, the slots per group, is a compile-time constant too: the entry points take it as a
# literal (``numba.literally``) and pass it down, so every helper is compiled once per G,
# with G folded into its offsets (one of GROUP_LANES; see lanes_for). Arrays sized per
# slot that are no part of the layout (per-slot drive, scratch) have LANES entries, the
# largest G.
GROUP_LANES = (8, 16)
LANES = max(GROUP_LANES)
# A group's arrays at most this large run 16 slots, larger ones 8. Per lane·compartment·
# step on one thread, 16 → 8 slots (group arrays of 1.9 / 2.0 / 3.5 MiB at 16): Aβ 8.7 →
# 10.0 ns, C 22.0 → 23.3 ns, Aδ 13.6 → 9.9 ns in isolation, yet in the population's runs
# (refilled slots, narrowing groups) all three spend less CPU at 8, about 11 % in all; the
# 200-fibre MRG search (0.8 MiB) is 10–20 % slower at 8 (docs/performance.md, "Eight
# slots per group where a group's arrays exceed the L2 cache"). The machines measured
# have 2 MiB of L2 per core; a group's arrays share it with the rate table, the outside
# potentials and the stack.
GROUP_BYTES_16 = 1 << 20
_A, _CDT, _CXDT, _GXG, _GA, _GX, _AG, _AH, _VE, _EA = range(10)
_V, _VX, _TC = 10, 11, 12
_D11, _D12, _D21, _D22, _B1, _B2 = 13, 14, 15, 16, 17, 18
_NF = 19
_DV = 0.001  # mV, NEURON's step for di/dv
# The lane loops index with unsigned integers: Numba then emits no negative-index
# wrap-around (a select per access that hides the address pattern from LLVM's vectoriser).
_U = np.uint64
Row = int | np.uint64  # a row offset or slot index as the lane loops pass it


def lanes_for(n: int, n_params: int, n_states: int) -> int:
    """Slots per group (one of :data:`GROUP_LANES`) for an ``n``-compartment cell with
    ``n_params`` parameters and ``n_states`` states per compartment: 16 while the group's
    arrays fit :data:`GROUP_BYTES_16`, else 8 (smaller groups stay in the core's L2)."""
    small, large = min(GROUP_LANES), max(GROUP_LANES)
    size = n * (_NF + n_params + n_states) * 8 * large  # float64 fields
    return large if size <= GROUP_BYTES_16 else small


_typeof = cast(Callable[[Any], Any], numba.typeof)


def call(kernel: Any, *args: Any) -> Any:
    """``kernel(*args)`` for an entry point (:func:`settle`, :func:`integrate`,
    :func:`search`, :func:`run_once`) whose last argument is ``G``, compiled for ``G`` as a
    literal. Called from Python with an int, Numba's dispatcher looks for an overload with
    an int64 ``G``, finds none and goes through the compiler's first passes on every call
    before ``literally`` sends it to the literal's overload; here the overload for these
    argument types is called directly once it exists (the argument types are those the
    dispatcher would see, so it is the overload it would end up calling)."""
    sig = (*(_typeof(a) for a in args[:-1]), types.IntegerLiteral(args[-1]))
    compiled = kernel.overloads.get(sig)
    if compiled is None:  # compiled (or loaded from the cache) by this first call
        return kernel(*args)
    return compiled.entry_point(*args)


@numba.njit(cache=True)
def _new_group(
    n: int, n_params: int, n_states: int, G: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A group's arrays (g, par, x) for ``G`` slots of an ``n``-compartment cell."""
    return (
        np.zeros(n * _NF * G),
        np.zeros(n * n_params * G),
        np.zeros(n * n_states * G),
    )


@numba.njit(cache=True)
def _vector_width(w: int, G: int) -> int:
    """Slots a lane loop runs: ``w`` rounded up to a multiple of 4, the vector width LLVM
    uses here (the padding slots hold a valid cell, so their arithmetic is finite and
    their results are never read). Rounding up to 8 made a group of 4 busy slots (the
    chunks :func:`integrate` runs) do twice the work: C 61–94 against 43–46 ns, Aβ 29–40
    against 24 ns per busy lane·compartment·step."""
    return min(G, (w + 3) // 4 * 4)


@numba.njit(cache=True, fastmath=_FASTMATH, error_model="numpy")
def _diagonal(
    g: np.ndarray, o: Row, j: Row, cur: float, slope: float, eold: float, enew: float, G: int
) -> None:
    """Diagonal block and right-hand sides of slot ``j`` of the compartment at row ``o``."""
    a = g[o + _U(_A * G) + j]
    cdt = g[o + _U(_CDT * G) + j]
    cxdt = g[o + _U(_CXDT * G) + j]
    gxg = g[o + _U(_GXG * G) + j]
    ag = g[o + _U(_AG * G) + j]
    ea = g[o + _U(_EA * G) + j]
    vx = g[o + _U(_VX * G) + j]
    g[o + _U(_D11 * G) + j] = -(cdt + slope * a) - ag
    g[o + _U(_D12 * G) + j] = -ag
    g[o + _U(_D21 * G) + j] = cdt + slope * a
    g[o + _U(_D22 * G) + j] = -(gxg + cxdt) - g[o + _U(_AH * G) + j]
    g[o + _U(_B1 * G) + j] = cur * a
    g[o + _U(_B2 * G) + j] = -(cur * a - gxg * (vx - ea * enew) + cxdt * ea * (enew - eold))


@numba.njit(cache=True, fastmath=_FASTMATH, error_model="numpy")
def _assemble_membrane(
    mech: np.ndarray,
    g: np.ndarray,
    par: np.ndarray,
    x: np.ndarray,
    eold: np.ndarray,
    enew: np.ndarray,
    w: int,
    G: int,
) -> None:
    """Diagonal blocks (membrane, wall, axial sums) and right-hand sides, without coupling
    (:func:`_solve` adds it)."""
    _assemble(np.empty(0, dtype=np.int64), mech, g, par, x, eold, enew, w, False, G)


@numba.njit(cache=True, fastmath=_FASTMATH, error_model="numpy")
def _assemble(
    parent: np.ndarray,
    mech: np.ndarray,
    g: np.ndarray,
    par: np.ndarray,
    x: np.ndarray,
    eold: np.ndarray,
    enew: np.ndarray,
    w: int,
    couple: bool,
    G: int,
) -> None:
    """Diagonal blocks (membrane, wall, axial sums) and right-hand sides; with ``couple``
    also the axial currents, in the same forward pass over the compartments.

    The passive, MRG-node, Sundt and FH membranes have lane loops of their own with the
    current written out (no calls: they vectorise); other mechanisms go through the
    dispatch one lane at a time. A compartment's axial current to its parent is added
    right after its own membrane, while its row is still in L1: the parent (an earlier
    compartment) is already assembled, and the compartment's children add theirs later,
    so every right-hand side sums the same terms in the same order as a separate
    coupling pass (:func:`_couple_all`) would. The coupling's lane loops are written
    here, not called per compartment: a call per compartment that passes arrays costs
    more than the loops (up to 1 ns per lane·compartment·step on the MRG fibre)."""
    n = mech.shape[0]
    n_par = par.shape[0] // (n * G)
    n_st = x.shape[0] // (n * G)
    wv = _U(_vector_width(w, G))
    curs = np.empty(LANES)
    slopes = np.empty(LANES)
    vl = np.empty(LANES)
    ps3 = par.reshape((n, n_par, G))
    xs3 = x.reshape((n, n_st, G))
    for i in range(n):
        m = mech[i]
        o = _U(i) * _U(_NF * G)
        p0 = _U(i) * _U(n_par) * _U(G)
        p1 = p0 + _U(G)
        if m == passive.MECH_ID:
            for j in range(wv):
                slope = par[p0 + j]
                cur = slope * (g[o + _U(_V * G) + j] - par[p1 + j])
                _diagonal(g, o, j, cur, slope, eold[j], enew[j], G)
        elif m == mrg_node.MECH_ID:
            p2, p3, p4 = p1 + _U(G), p1 + _U(2) * _U(G), p1 + _U(3) * _U(G)
            p5, p6 = p1 + _U(4) * _U(G), p1 + _U(5) * _U(G)
            x0 = _U(i) * _U(n_st) * _U(G)
            x1, x2, x3 = x0 + _U(G), x0 + _U(2) * _U(G), x0 + _U(3) * _U(G)
            for j in range(wv):
                vv = g[o + _U(_V * G) + j]
                gna, gnap, gk, gl = par[p0 + j], par[p1 + j], par[p2 + j], par[p3 + j]
                ena, ek, el = par[p4 + j], par[p5 + j], par[p6 + j]
                mp, mm, h, s = x[x0 + j], x[x1 + j], x[x2 + j], x[x3 + j]
                cur = mrg_node.current_of(vv, gna, gnap, gk, gl, ena, ek, el, mp, mm, h, s)
                up = mrg_node.current_of(vv + _DV, gna, gnap, gk, gl, ena, ek, el, mp, mm, h, s)
                _diagonal(g, o, j, cur, (up - cur) / _DV, eold[j], enew[j], G)
        elif m == sundt.MECH_ID:
            _sundt_membrane(g, par, x, o, p0, _U(i) * _U(n_st) * _U(G), wv, eold, enew, G)
        elif m == fh.MECH_ID:
            _fh_membrane(g, par, x, o, p0, _U(i) * _U(n_st) * _U(G), wv, eold, enew, G)
        else:  # the mechanism chosen once, its own lane loop (mechanisms.currents)
            for jj in range(_vector_width(w, G)):
                vl[jj] = g[o + _U(_V * G) + _U(jj)]
            mechanisms.currents(m, i, vl, ps3, xs3, _vector_width(w, G), curs, slopes)
            for j in range(wv):
                _diagonal(g, o, j, curs[j], slopes[j], eold[j], enew[j], G)
        if couple and i > 0:  # the coupling pass's lane loops (see _couple_all)
            if parent[i] == i - 1:
                for j in range(wv):
                    _couple(g, o, o - _U(_NF * G), j, G)
            else:
                q = _U(parent[i]) * _U(_NF * G)
                for j in range(wv):
                    _couple(g, o, q, j, G)


@numba.njit(cache=True, fastmath=_FASTMATH, error_model="numpy")
def _sundt_membrane(
    g: np.ndarray,
    par: np.ndarray,
    x: np.ndarray,
    o: Row,
    p0: Row,
    x0: Row,
    wv: Row,
    eold: np.ndarray,
    enew: np.ndarray,
    G: int,
) -> None:
    """The Sundt membrane of the compartment at row ``o`` (parameters from ``p0``, gates
    from ``x0``): current and di/dv written out in one lane loop, like the MRG node's."""
    p1, p2, p3 = p0 + _U(G), p0 + _U(2) * _U(G), p0 + _U(3) * _U(G)
    p4, p5, p6 = p0 + _U(4) * _U(G), p0 + _U(5) * _U(G), p0 + _U(6) * _U(G)
    x1, x2, x3, x4 = x0 + _U(G), x0 + _U(2) * _U(G), x0 + _U(3) * _U(G), x0 + _U(4) * _U(G)
    for j in range(wv):
        vv = g[o + _U(_V * G) + j]
        gna, gkdr, gkm, gl = par[p0 + j], par[p1 + j], par[p2 + j], par[p3 + j]
        ena, ek, el = par[p4 + j], par[p5 + j], par[p6 + j]
        mm, h, n, l_, pp = x[x0 + j], x[x1 + j], x[x2 + j], x[x3 + j], x[x4 + j]
        cur = sundt.current_of(vv, gna, gkdr, gkm, gl, ena, ek, el, mm, h, n, l_, pp)
        up = sundt.current_of(vv + _DV, gna, gkdr, gkm, gl, ena, ek, el, mm, h, n, l_, pp)
        _diagonal(g, o, j, cur, (up - cur) / _DV, eold[j], enew[j], G)


@numba.njit(cache=True, fastmath=_FASTMATH, error_model="numpy")
def _fh_membrane(
    g: np.ndarray,
    par: np.ndarray,
    x: np.ndarray,
    o: Row,
    p0: Row,
    x0: Row,
    wv: Row,
    eold: np.ndarray,
    enew: np.ndarray,
    G: int,
) -> None:
    """The Frankenhaeuser–Huxley membrane (the A neurons' soma and initial segment) of the
    compartment at row ``o``: current and di/dv written out in one lane loop."""
    p1, p2, p3 = p0 + _U(G), p0 + _U(2) * _U(G), p0 + _U(3) * _U(G)
    p4, p5 = p0 + _U(4) * _U(G), p0 + _U(5) * _U(G)
    x1, x2, x3 = x0 + _U(G), x0 + _U(2) * _U(G), x0 + _U(3) * _U(G)
    for j in range(wv):
        vv = g[o + _U(_V * G) + j]
        pna, pp, pk, gl = par[p0 + j], par[p1 + j], par[p2 + j], par[p3 + j]
        el, celsius = par[p4 + j], par[p5 + j]
        mm, h, n, q = x[x0 + j], x[x1 + j], x[x2 + j], x[x3 + j]
        cur = fh.current_of(vv, pna, pp, pk, gl, el, celsius, mm, h, n, q)
        up = fh.current_of(vv + _DV, pna, pp, pk, gl, el, celsius, mm, h, n, q)
        _diagonal(g, o, j, cur, (up - cur) / _DV, eold[j], enew[j], G)


@numba.njit(cache=True)
def _gather(
    par: np.ndarray, x: np.ndarray, i: int, j: int, pb: np.ndarray, xb: np.ndarray, G: int
) -> None:
    """Slot ``j``'s parameters and states of compartment ``i`` into ``pb`` and ``xb``."""
    n_par, n_st = pb.shape[0], xb.shape[0]
    for q in range(n_par):
        pb[q] = par[(i * n_par + q) * G + j]
    for q in range(n_st):
        xb[q] = x[(i * n_st + q) * G + j]


@numba.njit(cache=True)
def _scatter(x: np.ndarray, i: int, j: int, xb: np.ndarray, G: int) -> None:
    """``xb`` back into slot ``j``'s states of compartment ``i``."""
    n_st = xb.shape[0]
    for q in range(n_st):
        x[(i * n_st + q) * G + j] = xb[q]


@numba.njit(cache=True, fastmath=_FASTMATH, error_model="numpy")
def _couple(g: np.ndarray, o: Row, q: Row, j: Row, G: int) -> None:
    """Axial currents between the compartment at row ``o`` and its parent at row ``q``."""
    ga = g[o + _U(_GA * G) + j]
    gx = g[o + _U(_GX * G) + j]
    vi, vxi = g[o + _U(_V * G) + j], g[o + _U(_VX * G) + j]
    vp, vxp = g[q + _U(_V * G) + j], g[q + _U(_VX * G) + j]
    di = ga * (vp + vxp - vi - vxi)
    dx = gx * (vxp - vxi)
    g[o + _U(_B1 * G) + j] -= di
    g[q + _U(_B1 * G) + j] += di
    g[o + _U(_B2 * G) + j] -= dx
    g[q + _U(_B2 * G) + j] += dx


@numba.njit(cache=True, fastmath=_FASTMATH, error_model="numpy")
def _eliminate(g: np.ndarray, o: Row, q: Row, j: Row, G: int) -> None:
    """Invert the block at row ``o`` and eliminate it from its parent's (row ``q``);
    off-diagonal block B = [[g, g], [0, h]]."""
    i11, i12, i21, i22 = _invert(g, o, j, G)
    ga = g[o + _U(_GA * G) + j]
    gx = g[o + _U(_GX * G) + j]
    b1, b2 = g[o + _U(_B1 * G) + j], g[o + _U(_B2 * G) + j]
    m11 = ga * (i11 + i21)  # B · Dinv
    m12 = ga * (i12 + i22)
    m21 = gx * i21
    m22 = gx * i22
    g[q + _U(_D11 * G) + j] -= m11 * ga
    g[q + _U(_D12 * G) + j] -= m11 * ga + m12 * gx
    g[q + _U(_D21 * G) + j] -= m21 * ga
    g[q + _U(_D22 * G) + j] -= m21 * ga + m22 * gx
    g[q + _U(_B1 * G) + j] -= m11 * b1 + m12 * b2
    g[q + _U(_B2 * G) + j] -= m21 * b1 + m22 * b2


@numba.njit(cache=True, fastmath=_FASTMATH, error_model="numpy")
def _substitute(g: np.ndarray, o: Row, q: Row, j: Row, G: int) -> None:
    """Back-substitution of the compartment at row ``o`` from its parent's solution."""
    r1 = g[o + _U(_B1 * G) + j] - g[o + _U(_GA * G) + j] * (
        g[q + _U(_B1 * G) + j] + g[q + _U(_B2 * G) + j]
    )
    r2 = g[o + _U(_B2 * G) + j] - g[o + _U(_GX * G) + j] * g[q + _U(_B2 * G) + j]
    g[o + _U(_B1 * G) + j] = g[o + _U(_D11 * G) + j] * r1 + g[o + _U(_D12 * G) + j] * r2
    g[o + _U(_B2 * G) + j] = g[o + _U(_D21 * G) + j] * r1 + g[o + _U(_D22 * G) + j] * r2


@numba.njit(cache=True, fastmath=_FASTMATH, error_model="numpy")
def _solve(parent: np.ndarray, g: np.ndarray, w: int, G: int) -> None:
    """Add the axial currents and solve; the B1, B2 fields then hold the changes of v and vx.

    Each diagonal block already holds its axial conductance sums (``_AG``, ``_AH``); the
    elimination overwrites it with its inverse, which the back-substitution uses. Three
    passes over the group (coupling, elimination, back-substitution); :func:`_step` folds
    the first into the membrane pass and the last into the update.
    """
    wv = _U(_vector_width(w, G))
    _couple_all(parent, g, wv, G)
    _eliminate_all(parent, g, wv, G)
    for i in range(parent.shape[0]):  # back-substitution (lane loops as in _advance)
        o = _U(i) * _U(_NF * G)
        p = parent[i]
        if p < 0:
            for j in range(wv):
                r1 = g[o + _U(_B1 * G) + j]
                r2 = g[o + _U(_B2 * G) + j]
                g[o + _U(_B1 * G) + j] = g[o + _U(_D11 * G) + j] * r1 + g[o + _U(_D12 * G) + j] * r2
                g[o + _U(_B2 * G) + j] = g[o + _U(_D21 * G) + j] * r1 + g[o + _U(_D22 * G) + j] * r2
        elif p == i - 1:
            for j in range(wv):
                _substitute(g, o, o - _U(_NF * G), j, G)
        else:
            q = _U(p) * _U(_NF * G)
            for j in range(wv):
                _substitute(g, o, q, j, G)


@numba.njit(cache=True, fastmath=_FASTMATH, error_model="numpy")
def _couple_all(parent: np.ndarray, g: np.ndarray, wv: Row, G: int) -> None:
    """Axial currents of every compartment with its parent (one forward pass).

    A compartment whose parent is the one before it (all but a branch's first) runs a lane
    loop in which the parent's row is a compile-time distance away, so LLVM vectorises it
    without run-time alias checks; the others take the general loop (as do the
    elimination and the back-substitution)."""
    for i in range(1, parent.shape[0]):
        o = _U(i) * _U(_NF * G)
        if parent[i] == i - 1:
            for j in range(wv):
                _couple(g, o, o - _U(_NF * G), j, G)
        else:
            q = _U(parent[i]) * _U(_NF * G)
            for j in range(wv):
                _couple(g, o, q, j, G)


@numba.njit(cache=True, fastmath=_FASTMATH, error_model="numpy")
def _eliminate_all(parent: np.ndarray, g: np.ndarray, wv: Row, G: int) -> None:
    """Block elimination from the leaves towards the root (one backward pass): every
    block then holds its inverse, and each right-hand side its eliminated value."""
    for i in range(parent.shape[0] - 1, -1, -1):
        o = _U(i) * _U(_NF * G)
        p = parent[i]
        if p < 0:
            for j in range(wv):
                _invert(g, o, j, G)
        elif p == i - 1:
            for j in range(wv):
                _eliminate(g, o, o - _U(_NF * G), j, G)
        else:
            q = _U(p) * _U(_NF * G)
            for j in range(wv):
                _eliminate(g, o, q, j, G)


@numba.njit(cache=True, fastmath=_FASTMATH, error_model="numpy")
def _invert(g: np.ndarray, o: Row, j: Row, G: int) -> tuple[float, float, float, float]:
    """Replace slot ``j``'s diagonal block at row ``o`` by its inverse, and return it."""
    d11, d12 = g[o + _U(_D11 * G) + j], g[o + _U(_D12 * G) + j]
    d21, d22 = g[o + _U(_D21 * G) + j], g[o + _U(_D22 * G) + j]
    rdet = 1.0 / (d11 * d22 - d12 * d21)
    i11, i12, i21, i22 = d22 * rdet, -d12 * rdet, -d21 * rdet, d11 * rdet
    g[o + _U(_D11 * G) + j] = i11
    g[o + _U(_D12 * G) + j] = i12
    g[o + _U(_D21 * G) + j] = i21
    g[o + _U(_D22 * G) + j] = i22
    return i11, i12, i21, i22


@intrinsic
def _stack_lanes_intrinsic(typingctx: Any) -> Any:
    """A ``(LANES,)`` float64 scratch array on the caller's stack.

    LLVM knows that stack memory is no other array, so a lane loop that only reads arrays
    (e.g. gathers from the rate table) and writes its results here vectorises; with a
    heap array as the target it cannot rule out that the stores change the table. The
    array lives as long as the calling function's frame: call this in the function whose
    loops use it (a callee that is not inlined sees only a pointer, which may alias)."""
    array_t = types.Array(types.float64, 1, "C")

    def codegen(context: Any, builder: Any, signature: Any, args: Any) -> Any:
        item = context.get_value_type(types.float64)
        data = cgutils.alloca_once(builder, item, size=LANES)  # type: ignore[no-untyped-call]
        ary = context.make_array(array_t)(context, builder)
        size = context.get_constant(types.intp, LANES)
        step = context.get_constant(types.intp, context.get_abi_sizeof(item))
        context.populate_array(
            ary,
            data=data,
            shape=cgutils.pack_array(builder, [size]),  # type: ignore[no-untyped-call]
            strides=cgutils.pack_array(builder, [step]),  # type: ignore[no-untyped-call]
            itemsize=step,
            meminfo=None,
        )
        return ary._getvalue()

    return array_t(), codegen


_stack_lanes = cast(Callable[[], np.ndarray], _stack_lanes_intrinsic)


@numba.njit(cache=True, fastmath=_FASTMATH, error_model="numpy")
def _update(
    mech: np.ndarray,
    g: np.ndarray,
    par: np.ndarray,
    x: np.ndarray,
    told: np.ndarray,
    rt: RateTable,
    threshold: float,
    w: int,
    G: int,
) -> None:
    """Apply the solution (B1, B2 hold the changes of v and vx), advance the gates at the
    new v, note first threshold crossings (see :func:`_advance`)."""
    none, far = np.empty(0, dtype=np.int64), np.full(LANES, -1, dtype=np.int64)
    _advance(none, mech, g, par, x, told, rt, threshold, w, False, none, far, G)


@numba.njit(cache=True, fastmath=_FASTMATH, error_model="numpy")
def _advance(
    parent: np.ndarray,
    mech: np.ndarray,
    g: np.ndarray,
    par: np.ndarray,
    x: np.ndarray,
    told: np.ndarray,
    rt: RateTable,
    threshold: float,
    w: int,
    substitute: bool,
    cpos: np.ndarray,
    far: np.ndarray,
    G: int,
) -> None:
    """Apply the solution, advance the gates at the new v, note first threshold crossings
    (and, where ``cpos`` is not empty, each slot's furthest crossed position on the chain:
    ``far[j]`` is the largest ``cpos[i]`` of the compartments ``i`` it has crossed at, see
    :func:`_verdict`);
    with ``substitute``, each compartment's back-substitution first, in the same forward
    pass (it needs only its parent's solution, already done; the update writes no field
    the substitution reads), its lane loops written here (see :func:`_assemble`).

    The gates come from the table without calls (index, clamp, linear interpolation
    written out), per gate in two lane loops: the first reads the table and stores x∞ and
    the step factor on the stack (so its gathers vectorise, see :func:`_stack_lanes`), the
    second moves the gates. A slot whose voltage is off the table's grid keeps its gates
    there and gets the exact step afterwards, one slot at a time."""
    n = mech.shape[0]
    n_par = par.shape[0] // (n * G)
    n_st = x.shape[0] // (n * G)
    wv = _U(_vector_width(w, G))
    table, n_states, shift, vmin, inv_step = rt.table, rt.n_states, rt.shift, rt.vmin, rt.inv_step
    nv = table.shape[2]
    n_gates = table.shape[1]
    flat = table.reshape(table.size)
    top = nv - 1.0
    dt = rt.dt
    off = np.zeros(LANES)
    inf_s = _stack_lanes()
    fac_s = _stack_lanes()
    pb = np.empty(max(1, n_par))
    xb = np.empty(max(1, n_st))
    for i in range(n):
        o = _U(i) * _U(_NF * G)
        if substitute:  # the back-substitution (lane loops as in _solve)
            p = parent[i]
            if p < 0:
                for j in range(wv):
                    r1 = g[o + _U(_B1 * G) + j]
                    r2 = g[o + _U(_B2 * G) + j]
                    g[o + _U(_B1 * G) + j] = (
                        g[o + _U(_D11 * G) + j] * r1 + g[o + _U(_D12 * G) + j] * r2
                    )
                    g[o + _U(_B2 * G) + j] = (
                        g[o + _U(_D21 * G) + j] * r1 + g[o + _U(_D22 * G) + j] * r2
                    )
            elif p == i - 1:
                for j in range(wv):
                    _substitute(g, o, o - _U(_NF * G), j, G)
            else:
                q = _U(p) * _U(_NF * G)
                for j in range(wv):
                    _substitute(g, o, q, j, G)
        hit = 0.0
        for j in range(wv):
            old = g[o + _U(_V * G) + j]
            new = old + g[o + _U(_B1 * G) + j]
            g[o + _U(_D11 * G) + j] = old  # the block's inverse is spent: keep the old v there
            g[o + _U(_V * G) + j] = new
            g[o + _U(_VX * G) + j] += g[o + _U(_B2 * G) + j]
            crossed = (old < threshold) & (threshold <= new) & (g[o + _U(_TC * G) + j] == np.inf)
            hit = max(hit, 1.0 if crossed else 0.0)
        if hit > 0.0:  # a first crossing (once per compartment and run): its time
            on_chain = cpos[i] if cpos.shape[0] > 0 else -1
            for j in range(wv):
                old, new, tc = (
                    g[o + _U(_D11 * G) + j],
                    g[o + _U(_V * G) + j],
                    g[o + _U(_TC * G) + j],
                )
                crossed = (old < threshold) & (threshold <= new) & (tc == np.inf)
                at = told[j] + dt * (threshold - old) / (new - old)
                g[o + _U(_TC * G) + j] = at if crossed else tc
                far[j] = max(far[j], on_chain if crossed else -1)
        m = mech[i]
        if m == passive.MECH_ID:
            continue
        x0 = _U(i) * _U(n_st) * _U(G)
        p0 = _U(i) * _U(n_par) * _U(G)
        ns = n_states[m]
        for j in range(wv):
            off[j] = 0.0
        unshifted = False  # the gates without a shift share one check
        for k in range(ns):  # off[j] > 0: some gate of slot j is off the grid
            s = shift[m, k]
            if s < 0 and unshifted:
                continue
            unshifted = unshifted or s < 0
            ps = p0 + _U(max(s, 0)) * _U(G)
            for j in range(wv):
                vv = g[o + _U(_V * G) + j] - (par[ps + j] if s >= 0 else 0.0)
                pos = (vv - vmin) * inv_step
                off[j] = max(off[j], 1.0 if (pos < 0.0) | (pos >= top) else 0.0)
        any_off = 0.0
        for j in range(wv):
            any_off = max(any_off, off[j])
        for k in range(ns):
            s = shift[m, k]
            ps = p0 + _U(max(s, 0)) * _U(G)
            xk = x0 + _U(k) * _U(G)
            row = _U((m * n_gates + k) * nv) * _U(2)
            for j in range(wv):  # reads only; the stores go to the stack: vector gathers
                vv = g[o + _U(_V * G) + j] - (par[ps + j] if s >= 0 else 0.0)
                pos = (vv - vmin) * inv_step
                c = int(min(max(pos, 0.0), top - 1.0))  # clamped in floating point first
                f = pos - c
                at = row + _U(c) * _U(2)
                t0, t1 = flat[at], flat[at + _U(2)]
                inf_s[j] = t0 + f * (t1 - t0)
                t0, t1 = flat[at + _U(1)], flat[at + _U(3)]
                fac_s[j] = t0 + f * (t1 - t0)
            for j in range(wv):
                xv = x[xk + j]
                x[xk + j] = xv if off[j] > 0.0 else xv + fac_s[j] * (inf_s[j] - xv)
        if any_off > 0.0:  # off the grid (rare): the exact step, one slot at a time
            lim = tables.V_GATE_LIMIT_mV
            for jj in range(_vector_width(w, G)):
                if off[jj] > 0.0:
                    _gather(par, x, i, jj, pb, xb, G)
                    vg = min(max(g[o + _U(_V * G) + _U(jj)], -lim), lim)
                    mechanisms.advance(m, vg, pb, xb, dt, rt.tf)
                    _scatter(x, i, jj, xb, G)


@numba.njit(cache=True)
def _concentrations(
    mech: np.ndarray, g: np.ndarray, par: np.ndarray, x: np.ndarray, dt: float, w: int, G: int
) -> None:
    """Advance the concentrations of mechanisms that carry them (``mechanisms.accumulates``)
    from their currents at the step's old voltage and gates, before the solution is applied
    (NEURON's order: currents, then states)."""
    n = mech.shape[0]
    n_par = par.shape[0] // (n * G)
    n_st = x.shape[0] // (n * G)
    pb = np.empty(max(1, n_par))
    xb = np.empty(max(1, n_st))
    for i in range(n):
        m = mech[i]
        if mechanisms.accumulates(m):
            for j in range(w):
                _gather(par, x, i, j, pb, xb, G)
                mechanisms.accumulate(m, _get(g, i, _V, j, G), pb, xb, dt)
                _scatter(x, i, j, xb, G)


@numba.njit(cache=True)
def _load(
    parent: np.ndarray,
    g: np.ndarray,
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
    G: int,
) -> None:
    """Copy global ``lane``'s constants into slot ``j`` of a group."""
    n, n_par = params.shape[0], params.shape[1]
    for i in range(n):
        o = i * (_NF * G) + j
        g[o + _AG * G] = ga[i, lane]
        g[o + _AH * G] = gx[i, lane]
    for i in range(1, n):
        o = parent[i] * (_NF * G) + j
        g[o + _AG * G] += ga[i, lane]
        g[o + _AH * G] += gx[i, lane]
    for i in range(n):
        o = i * (_NF * G) + j
        g[o + _A * G] = area[i, lane]
        g[o + _CDT * G] = cap[i, lane] / dt
        g[o + _CXDT * G] = cxc[i, lane] / dt
        g[o + _GXG * G] = gxg[i, lane]
        g[o + _GA * G] = ga[i, lane]
        g[o + _GX * G] = gx[i, lane]
        g[o + _VE * G] = ve[i, lane]
        for q in range(n_par):
            par[(i * n_par + q) * G + j] = params[i, q, lane]


@numba.njit(cache=True)
def _restart(
    g: np.ndarray,
    x: np.ndarray,
    j: int,
    amp: float,
    v0: float,
    states0: np.ndarray,
    G: int,
) -> None:
    """Slot ``j`` back to rest, to be driven at ``amp``."""
    n, n_st = states0.shape[0], states0.shape[1]
    for i in range(n):
        o = i * (_NF * G) + j
        g[o + _V * G] = v0
        g[o + _VX * G] = 0.0
        g[o + _TC * G] = np.inf
        g[o + _EA * G] = g[o + _VE * G] * amp
        for s in range(n_st):
            x[(i * n_st + s) * G + j] = states0[i, s]


@numba.njit(cache=True)
def _begin(
    g: np.ndarray,
    x: np.ndarray,
    j: int,
    amp: float,
    v0: float,
    states0: np.ndarray,
    k0: int,
    start: np.ndarray,
    c: int,
    G: int,
) -> int:
    """Slot ``j`` at the start of a run at ``amp``: at rest, or (``k0`` > 0) at cell
    ``c``'s state after the waveform's ``k0`` undriven first steps (``start[c]``: v, vx
    and the states per compartment, from :func:`settle`). Returns the step it starts at."""
    if k0 == 0:
        _restart(g, x, j, amp, v0, states0, G)
        return 0
    n, n_st = start.shape[1], start.shape[2] - 2
    for i in range(n):
        o = i * (_NF * G) + j
        g[o + _V * G] = start[c, i, 0]
        g[o + _VX * G] = start[c, i, 1]
        g[o + _TC * G] = np.inf
        g[o + _EA * G] = g[o + _VE * G] * amp
        for s in range(n_st):
            x[(i * n_st + s) * G + j] = start[c, i, 2 + s]
    return k0


@numba.njit(cache=True, parallel=True, nogil=True)
def settle(
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
    k0: int,
    rt: RateTable,
    v0: float,
    threshold: float,
    states0: np.ndarray,
    G: int,  # slots per group, one of GROUP_LANES (a literal: see lanes_for)
) -> tuple[np.ndarray, np.ndarray]:
    """Every lane's state after ``k0`` steps from rest without drive, (L, n, 2 + S): v,
    vx and the states per compartment, and whether anything crossed ``threshold``
    meanwhile (L,). Each lane's arithmetic is that of the same steps inside a run (the
    drive is zero whatever the amplitude), so a run may start there (:func:`_begin`)."""
    literally(G)
    n, lanes = area.shape
    n_st = states0.shape[1]
    dt = rt.dt
    out = np.empty((lanes, n, 2 + n_st))
    crossed = np.zeros(lanes, dtype=np.bool_)
    for ch in numba.prange((lanes + G - 1) // G):
        lo = ch * G
        w = min(lanes, lo + G) - lo
        g, par, x = _new_group(n, params.shape[1], n_st, G)
        eold, enew, told = np.zeros(LANES), np.zeros(LANES), np.zeros(LANES)
        nochain, far = np.empty(0, dtype=np.int64), np.full(LANES, -1, dtype=np.int64)
        for j in range(G):  # slots past w run a copy of the chunk's first lane
            lane = lo + (j if j < w else 0)
            _load(parent, g, par, j, lane, area, cap, cxc, gxg, ga, gx, params, ve, dt, G)
            _restart(g, x, j, 0.0, v0, states0, G)
        for k in range(k0):
            for j in range(G):
                told[j] = k * dt
            _step(parent, mech, g, par, x, eold, enew, told, rt, threshold, w, nochain, far, G)
        for j in range(w):
            for i in range(n):
                out[lo + j, i, 0] = _get(g, i, _V, j, G)
                out[lo + j, i, 1] = _get(g, i, _VX, j, G)
                crossed[lo + j] |= _get(g, i, _TC, j, G) < np.inf
                for s_ in range(n_st):
                    out[lo + j, i, 2 + s_] = x[(i * n_st + s_) * G + j]
    return out, crossed


@numba.njit(cache=True, fastmath=_FASTMATH, error_model="numpy")
def _step(
    parent: np.ndarray,
    mech: np.ndarray,
    g: np.ndarray,
    par: np.ndarray,
    x: np.ndarray,
    eold: np.ndarray,
    enew: np.ndarray,
    told: np.ndarray,
    rt: RateTable,
    threshold: float,
    w: int,
    cpos: np.ndarray,
    far: np.ndarray,
    G: int,
) -> None:
    """One backward-Euler step of the first ``w`` slots of a group (arrays: see
    :func:`_new_group`; per slot the outside-potential samples at the step's start and end
    and its start time, (LANES,); ``cpos``, ``far``: see :func:`_advance`).

    Three passes over the group's arrays: membrane and axial coupling (forward),
    elimination (backward), back-substitution and update (forward); the concentrations
    (mechanisms that carry them) move in between, from the step's old voltage and gates.
    The results are those of the separate passes of :func:`integrate`'s electrode path
    (:func:`_assemble_membrane`, :func:`_solve`, :func:`_update`): the same operations on
    the same values in the same order."""
    _assemble(parent, mech, g, par, x, eold, enew, w, True, G)
    _eliminate_all(parent, g, _U(_vector_width(w, G)), G)
    _concentrations(mech, g, par, x, rt.dt, w, G)
    _advance(parent, mech, g, par, x, told, rt, threshold, w, True, cpos, far, G)


@numba.njit(cache=True)
def _get(g: np.ndarray, i: int, field: int, j: int, G: int) -> float:
    """Field ``field`` of compartment ``i``, slot ``j``."""
    return float(g[(i * _NF + field) * G + j])


@numba.njit(cache=True, parallel=True, nogil=True)
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
    steps_of: np.ndarray,  # (L,) int64 steps each lane runs, 1 … steps
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
    G: int,  # slots per group, one of GROUP_LANES (a literal: see lanes_for)
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Every lane at its amplitude: first crossings (n, L), traces, steps run, spike counts.

    Lane ``l`` runs ``steps_of[l]`` steps (``wave`` is sampled to the longest) or stops
    earlier once its spike reaches ``detect``; what a lane shows (crossings, counts, traces:
    NaN after its end) is what it had at its own end, or where its chunk stopped, whichever
    came first, so a lane's result does not depend on the lanes it ran beside unless it
    fired. Electrode current (NEURON's ``IClamp``; positive depolarises) enters the inside of
    compartment ``inj_idx[q]`` as ``inj_amp[q, lane] · inj_wave[k + 1, q]`` during the step
    that ends at t_(k+1). Every up-crossing of ``threshold`` at ``count_idx[s]`` is counted
    (``counts`` (s, L)); the first ``max_spikes`` crossing times are kept (``times``
    (s, max_spikes, L), NaN beyond the count). With counted compartments the run never
    stops early.
    """
    literally(G)
    n, lanes = area.shape
    steps = wave.shape[0] - 1
    dt = rt.dt
    tcross = np.full((n, lanes), np.inf)
    nrec = rec_idx.shape[0]
    rec = np.zeros((steps + 1 if nrec > 0 else 0, nrec, lanes))
    steps_run = steps_of.copy()
    ninj = inj_idx.shape[0]
    ncount = count_idx.shape[0]
    counts = np.zeros((ncount, lanes), dtype=np.int64)
    times = np.full((ncount, max_spikes, lanes), np.nan)
    kept_counts = np.zeros((ncount, lanes), dtype=np.int64)
    kept_times = np.full((ncount, max_spikes, lanes), np.nan)
    chunk = max(1, min(chunk, G))
    n_chunks = (lanes + chunk - 1) // chunk
    for ch in numba.prange(n_chunks):
        lo = ch * chunk
        w = min(lanes, lo + chunk) - lo
        g, par, x = _new_group(n, params.shape[1], states0.shape[1], G)
        eold, enew, told = np.zeros(LANES), np.zeros(LANES), np.zeros(LANES)
        nochain, far = np.empty(0, dtype=np.int64), np.full(LANES, -1, dtype=np.int64)
        done = np.zeros(w, dtype=np.bool_)
        ended = np.zeros(w, dtype=np.bool_)  # its own end reached: its results are kept
        vprev = np.empty((ncount, w))
        last = 0
        for j in range(G):  # slots past w run a copy of the chunk's first lane
            lane = lo + (j if j < w else 0)
            _load(parent, g, par, j, lane, area, cap, cxc, gxg, ga, gx, params, ve, dt, G)
            _restart(g, x, j, amp[lane], v0, states0, G)
        for j in range(w):
            last = max(last, steps_of[lo + j])
            for r in range(nrec):
                rec[0, r, lo + j] = v0
        for k in range(last):
            eold[:] = wave[k]
            enew[:] = wave[k + 1]
            told[:] = k * dt
            if ninj == 0 and ncount == 0:
                _step(parent, mech, g, par, x, eold, enew, told, rt, threshold, w, nochain, far, G)
            else:
                for s in range(ncount):
                    for j in range(w):
                        vprev[s, j] = _get(g, count_idx[s], _V, j, G)
                _assemble_membrane(mech, g, par, x, eold, enew, w, G)
                for q in range(ninj):
                    o = (inj_idx[q] * _NF + _B1) * G
                    for j in range(w):  # b1 holds outward current: the electrode's goes in
                        g[o + j] -= inj_amp[q, lo + j] * inj_wave[k + 1, q]
                _solve(parent, g, w, G)
                _concentrations(mech, g, par, x, dt, w, G)
                _update(mech, g, par, x, told, rt, threshold, w, G)
                _count(count_idx, g, vprev, k * dt, dt, threshold, counts, times, lo, w, G)
            for r in range(nrec):
                for j in range(w):
                    own = k < steps_of[lo + j]
                    rec[k + 1, r, lo + j] = _get(g, rec_idx[r], _V, j, G) if own else np.nan
            all_done = True
            for j in range(w):
                if not done[j] and _get(g, detect, _TC, j, G) < np.inf:
                    done[j] = True
                    steps_run[lo + j] = k + 1
                if not ended[j] and k + 1 >= steps_of[lo + j]:
                    ended[j] = done[j] = True
                    _keep(g, n, j, lo + j, tcross, counts, times, kept_counts, kept_times, G)
                all_done = all_done and done[j]
            if all_done and nrec == 0 and ncount == 0:
                break
        for j in range(w):
            if not ended[j]:
                _keep(g, n, j, lo + j, tcross, counts, times, kept_counts, kept_times, G)
    return tcross, rec, steps_run, kept_counts, kept_times


@numba.njit(cache=True)
def _keep(
    g: np.ndarray,
    n: int,
    j: int,
    lane: int,
    tcross: np.ndarray,
    counts: np.ndarray,
    times: np.ndarray,
    kept_counts: np.ndarray,
    kept_times: np.ndarray,
    G: int,
) -> None:
    """Slot ``j``'s crossings, spike counts and times as global ``lane``'s results."""
    for i in range(n):
        tcross[i, lane] = _get(g, i, _TC, j, G)
    for s in range(counts.shape[0]):
        kept_counts[s, lane] = counts[s, lane]
        for m in range(times.shape[1]):
            kept_times[s, m, lane] = times[s, m, lane]


@numba.njit(cache=True)
def _count(
    count_idx: np.ndarray,
    g: np.ndarray,
    vprev: np.ndarray,
    told: float,
    dt: float,
    threshold: float,
    counts: np.ndarray,
    times: np.ndarray,
    lo: int,
    w: int,
    G: int,
) -> None:
    """Count up-crossings of ``threshold`` in the step from ``told``; keep their times."""
    for s in range(count_idx.shape[0]):
        i = count_idx[s]
        for j in range(w):
            old = vprev[s, j]
            new = _get(g, i, _V, j, G)
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
    g: np.ndarray,
    par: np.ndarray,
    x: np.ndarray,
    G: int,
) -> None:
    """Copy slot ``src`` (constants and state) into slot ``dst``."""
    if src == dst:
        return
    for a in (g, par, x):
        for r in range(a.shape[0] // G):
            a[r * G + dst] = a[r * G + src]


@numba.njit(cache=True)
def _first_crossing(g: np.ndarray, n: int, j: int, G: int) -> int:
    best = 0
    for i in range(1, n):
        if _get(g, i, _TC, j, G) < _get(g, best, _TC, j, G):
            best = i
    return best


@numba.njit(cache=True)
def _next_amplitude(
    fired: bool, amp: float, lo: float, hi: float, start: float, limits: np.ndarray
) -> tuple[float, float, float, bool]:
    """Bracket/bisection step: (next amplitude, lo, hi, finished)."""
    maximum, rel_tol, floor, growth = limits[0], limits[1], limits[2], limits[3]
    if fired and amp < floor * start:
        return amp, lo, np.nan, True  # fires with (almost) no drive: no threshold
    if fired:
        hi = amp
    else:
        lo = amp
    if np.isnan(hi):
        if amp >= maximum:
            return amp, lo, hi, True
        # Doubling (× growth) past the maximum tries the maximum itself: a cell that first
        # fires between the last doubling and the maximum has a threshold in range.
        return min(amp * growth, maximum), lo, hi, False
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


# --- the verdict on one run: the detection site, or the gate (``solver.assemble.Gate``) ---

_RUNNING, _FIRED, _ENDED = 0, 1, 2


@numba.njit(cache=True)
def _positions(n: int, chain: np.ndarray) -> np.ndarray:
    """Each compartment's position on ``chain`` (−1: not on it)."""
    cpos = np.full(n, -1, dtype=np.int64)
    for q in range(chain.shape[0]):
        cpos[chain[q]] = q
    return cpos


@numba.njit(cache=True)
def _verdict(
    g: np.ndarray,
    j: int,
    f: int,
    k: int,
    detect: int,
    steps_of: np.ndarray,
    chain: np.ndarray,
    gate_at: np.ndarray,
    quiet: float,
    clear: np.ndarray,
    front: np.ndarray,
    far: np.ndarray,
    G: int,
) -> int:
    """Slot ``j`` (lane ``f``) after ``k`` steps: running, fired or ended without firing.

    Fired: the spike reached ``detect``, or, once the gate ``chain[gate_at[f]]`` has
    crossed, the front (the furthest compartment of ``chain`` that has crossed:
    ``far[j]``, kept by :func:`_advance`) moved on to a compartment that crossed at or
    after ``quiet`` (no drive from then on): nothing beyond it has crossed. ``front[j]``
    (−1 before the gate crossed) is the front at the last look. Ended: ``steps_of[f]``
    steps, or ``clear[f]`` with nothing crossed at or beyond the gate."""
    if _get(g, detect, _TC, j, G) < np.inf:
        return _FIRED
    at = gate_at[f]
    p = far[j]
    if at >= 0 and p > front[j] and _get(g, chain[at], _TC, j, G) < np.inf:
        front[j] = p  # the gate has crossed, and the front moved on
        if _get(g, chain[p], _TC, j, G) >= quiet:
            return _FIRED
    if k >= steps_of[f] or (k >= clear[f] and far[j] < at):
        return _ENDED
    return _RUNNING


@numba.njit(cache=True, parallel=True, nogil=True)
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
    steps_of: np.ndarray,  # (L,) int64 steps a simulation of each cell runs, 1 … len(wave) − 1
    rt: RateTable,
    v0: float,
    threshold: float,
    detect: int,
    groups: int,
    width: int,
    states0: np.ndarray,
    initial: np.ndarray,  # (L,) first amplitude per cell
    limits: np.ndarray,  # (maximum, rel_tol, floor, growth: 2 doubles)
    bracket: np.ndarray,  # (3, L) known bracket (did not fire, fired), second try; NaN: none
    chain: np.ndarray,  # (m,) compartments on the way to detect (the gate's, see _verdict)
    gate_at: np.ndarray,  # (L,) int64 the gate's position in chain per cell, −1: none
    quiet: float,  # ms: no drive from then on
    clear: np.ndarray,  # (L,) int64 steps after which a run clear of the gate ends
    k0: int,  # undriven first steps each run skips (0: none), starting from …
    start: np.ndarray,  # (M, n, 2 + S) … each cell's state after them (settle)
    start_of: np.ndarray,  # (L,) int64 each lane's row of start
    G: int,  # slots per group, one of GROUP_LANES (a literal: see lanes_for)
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
    one costs those runs and the search goes on from them: up by ``growth`` (``limits[3]``)
    until a drive fires, or, where both fired, down by it until one does not, then
    bisection.

    A simulation of cell ``f`` ends when the spike reaches ``detect`` or after
    ``steps_of[f]`` steps (``wave`` is sampled to the longest), or earlier at its gate
    (:func:`_verdict`; ``gate_at`` −1: none; ``clear``: see ``solver.Gate``). Cells g,
    g + groups, …
    run in group g, ``width`` at a time; a slot restarts at its cell's next amplitude as
    soon as a simulation ends and takes the group's next cell when its cell is done; once
    no cell is left, the group narrows to its busy slots (arguments as :func:`integrate`).
    """
    literally(G)
    n, lanes = area.shape
    dt = rt.dt
    cpos = _positions(n, chain)
    thr = np.full(lanes, np.nan)
    low = np.zeros(lanes)
    site = np.full(lanes, -1, dtype=np.int64)
    sims = np.zeros(lanes, dtype=np.int64)
    for g in numba.prange(groups):
        count = (lanes - g + groups - 1) // groups
        w = min(width, count, G)
        if w <= 0:
            continue
        grp, par, x = _new_group(n, params.shape[1], states0.shape[1], G)
        eold, enew, told = np.zeros(LANES), np.zeros(LANES), np.zeros(LANES)
        for j in range(w, G):  # padding slots run a copy of the group's first cell
            _load(parent, grp, par, j, g, area, cap, cxc, gxg, ga, gx, params, ve, dt, G)
            _restart(grp, x, j, initial[g], v0, states0, G)
        cell = np.full(w, -1, dtype=np.int64)
        k = np.zeros(w, dtype=np.int64)
        front = np.full(w, -1, dtype=np.int64)
        far = np.full(LANES, -1, dtype=np.int64)  # see _advance
        amp, lo, hi = np.zeros(w), np.zeros(w), np.zeros(w)
        taken = 0
        for j in range(w):
            cell[j] = g + taken * groups
            taken += 1
            f = cell[j]
            _load(parent, grp, par, j, f, area, cap, cxc, gxg, ga, gx, params, ve, dt, G)
            amp[j], lo[j], hi[j] = _first_amplitude(initial, bracket, f)
            k[j] = _begin(grp, x, j, amp[j], v0, states0, k0, start, start_of[f], G)
        active = w  # slots 0 … active − 1 hold a cell
        while active > 0:
            for j in range(active):
                eold[j] = wave[k[j]]
                enew[j] = wave[k[j] + 1]
                told[j] = k[j] * dt
            _step(parent, mech, grp, par, x, eold, enew, told, rt, threshold, active, cpos, far, G)
            for j in range(active - 1, -1, -1):  # downwards: slots above j are done this step
                f = cell[j]
                k[j] += 1
                verdict = _verdict(
                    grp, j, f, k[j], detect, steps_of, chain, gate_at, quiet, clear, front, far, G
                )
                if verdict == _RUNNING:
                    continue
                fired = verdict == _FIRED
                front[j] = far[j] = -1
                sims[f] += 1
                if fired and amp[j] >= limits[2] * initial[f]:
                    site[f] = _first_crossing(grp, n, j, G)
                amp[j], lo[j], hi[j], finished = _next_amplitude(
                    fired, amp[j], lo[j], hi[j], initial[f], limits
                )
                second = bracket[2, f]
                if not finished and sims[f] == 1 and lo[j] < second < hi[j]:
                    amp[j] = second  # a guessed bracket's other end, inside the bracket
                elif not finished and fired and lo[j] == 0.0 and not np.isnan(second):
                    amp[j] = hi[j] / limits[3]  # both guesses fired: down by the growth
                if not finished:
                    k[j] = _begin(grp, x, j, amp[j], v0, states0, k0, start, start_of[f], G)
                    continue
                thr[f] = hi[j]
                low[f] = lo[j]
                if taken < count:
                    cell[j] = f = g + taken * groups
                    taken += 1
                    _load(parent, grp, par, j, f, area, cap, cxc, gxg, ga, gx, params, ve, dt, G)
                    amp[j], lo[j], hi[j] = _first_amplitude(initial, bracket, f)
                    k[j] = _begin(grp, x, j, amp[j], v0, states0, k0, start, start_of[f], G)
                else:  # no cell left: the last active slot moves here, the group narrows
                    active -= 1
                    _move(active, j, grp, par, x, G)
                    eold[active] = enew[active] = 0.0  # the copy left behind: undriven
                    cell[j], k[j], amp[j], lo[j], hi[j], front[j] = (
                        cell[active],
                        k[active],
                        amp[active],
                        lo[active],
                        hi[active],
                        front[active],
                    )
                    far[j] = far[active]
    return thr, low, site, sims


# --- one run per lane at its own amplitude, slots refilled as runs end ---


@numba.njit(cache=True, parallel=True, nogil=True)
def run_once(
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
    amp: np.ndarray,  # (L,) drive scale
    wave: np.ndarray,
    steps_of: np.ndarray,  # (L,) int64 steps each lane runs, 1 … len(wave) − 1
    rt: RateTable,
    v0: float,
    threshold: float,
    detect: int,
    groups: int,
    width: int,
    states0: np.ndarray,
    chain: np.ndarray,
    gate_at: np.ndarray,
    quiet: float,
    clear: np.ndarray,
    k0: int,
    start: np.ndarray,
    start_of: np.ndarray,
    G: int,  # slots per group, one of GROUP_LANES (a literal: see lanes_for)
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every lane once at its amplitude: first crossings (n, L), steps run (L,) and whether
    it fired (L,).

    Lane ``l`` runs ``steps_of[l]`` steps or stops once its spike reaches ``detect``, or
    earlier at its gate (``chain``, ``gate_at``, ``quiet``, ``clear``: see
    :func:`_verdict`; a lane that fired at its gate has no crossing at ``detect``); its
    crossing times are those at its own end (so a lane that fired shows the crossings up
    to its spike's arrival at ``detect``, one that did not those of its whole run). Lanes
    g, g + groups, … run in group g, ``width`` at a time; a slot takes the group's next
    lane as soon as its run ends and the group narrows once none is left, as in
    :func:`search` (arguments as :func:`integrate`). Each lane's arithmetic is that of
    :func:`integrate`: the same lane's crossings agree wherever both kept them.
    """
    literally(G)
    n, lanes = area.shape
    dt = rt.dt
    cpos = _positions(n, chain)
    tcross = np.full((n, lanes), np.inf)
    steps_run = steps_of.copy()
    fired = np.zeros(lanes, dtype=np.bool_)
    for g in numba.prange(groups):
        count = (lanes - g + groups - 1) // groups
        w = min(width, count, G)
        if w <= 0:
            continue
        grp, par, x = _new_group(n, params.shape[1], states0.shape[1], G)
        eold, enew, told = np.zeros(LANES), np.zeros(LANES), np.zeros(LANES)
        for j in range(w, G):  # padding slots run a copy of the group's first lane
            _load(parent, grp, par, j, g, area, cap, cxc, gxg, ga, gx, params, ve, dt, G)
            _restart(grp, x, j, amp[g], v0, states0, G)
        cell = np.full(w, -1, dtype=np.int64)
        k = np.zeros(w, dtype=np.int64)
        front = np.full(w, -1, dtype=np.int64)
        far = np.full(LANES, -1, dtype=np.int64)  # see _advance
        taken = 0
        for j in range(w):
            cell[j] = f = g + taken * groups
            taken += 1
            _load(parent, grp, par, j, f, area, cap, cxc, gxg, ga, gx, params, ve, dt, G)
            k[j] = _begin(grp, x, j, amp[f], v0, states0, k0, start, start_of[f], G)
        active = w  # slots 0 … active − 1 hold a lane
        while active > 0:
            for j in range(active):
                eold[j] = wave[k[j]]
                enew[j] = wave[k[j] + 1]
                told[j] = k[j] * dt
            _step(parent, mech, grp, par, x, eold, enew, told, rt, threshold, active, cpos, far, G)
            for j in range(active - 1, -1, -1):  # downwards: slots above j are done this step
                f = cell[j]
                k[j] += 1
                verdict = _verdict(
                    grp, j, f, k[j], detect, steps_of, chain, gate_at, quiet, clear, front, far, G
                )
                if verdict == _RUNNING:
                    continue
                fired[f] = verdict == _FIRED
                front[j] = far[j] = -1
                steps_run[f] = k[j]
                for i in range(n):
                    tcross[i, f] = _get(grp, i, _TC, j, G)
                if taken < count:
                    cell[j] = f = g + taken * groups
                    taken += 1
                    _load(parent, grp, par, j, f, area, cap, cxc, gxg, ga, gx, params, ve, dt, G)
                    k[j] = _begin(grp, x, j, amp[f], v0, states0, k0, start, start_of[f], G)
                else:  # no lane left: the last active slot moves here, the group narrows
                    active -= 1
                    _move(active, j, grp, par, x, G)
                    eold[active] = enew[active] = 0.0  # the copy left behind: undriven
                    cell[j], k[j], front[j] = cell[active], k[active], front[active]
                    far[j] = far[active]
    return tcross, steps_run, fired


@numba.njit(cache=True, parallel=True, nogil=True)
def _start_threads(n: int) -> float:  # pragma: no cover - compiled
    total = 0.0
    for i in numba.prange(n):
        total += i
    return total


def concurrent_calls_safe() -> bool:
    """Whether the kernels may run from several Python threads at once: Numba's threading
    layer is OpenMP or TBB. The workqueue layer (Numba's fallback where neither library
    is installed) aborts the process on concurrent parallel launches."""
    try:
        layer = numba.threading_layer()  # type: ignore[attr-defined]
    except ValueError:  # no parallel region has run yet: start the layer
        _start_threads(2)
        layer = numba.threading_layer()  # type: ignore[attr-defined]
    return bool(layer != "workqueue")

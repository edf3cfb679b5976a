"""The kernel's written-out lane loops against the mechanisms they stand for.

The CPU kernel computes the Sundt (C neuron), FH (A-neuron soma) and MRG-node membranes
and the gate step in lane loops of its own, with each parameter and gate read from a
flat array at a computed offset, so that LLVM vectorises them. A wrong offset or a
different formula there changes every DRG threshold without any error; here each loop
is compared, compartment by compartment and slot by slot, with the mechanism's own
``current`` and the rate table's scalar gate step.
"""

from __future__ import annotations

import math

import numba
import numpy as np
import pytest

from drgstim.biophysics.channels import fh, mrg_node, passive, sundt
from drgstim.biophysics.drg.builders import build_abeta, build_c
from drgstim.biophysics.morphology import Morphology
from drgstim.biophysics.solver import Batch, assemble, cpu, mechanisms, tables
from drgstim.biophysics.solver.assemble import rate_table

DV = 0.001  # mV, NEURON's step for di/dv


@numba.njit
def _fill(b_parent, g, par, x, area, cap, cxc, gxg, ga, gx, params, ve, dt, v0, states0, L):  # type: ignore[no-untyped-def]
    for j in range(L):
        cpu._load(b_parent, g, par, j, j, area, cap, cxc, gxg, ga, gx, params, ve, dt, L)
        cpu._restart(g, x, j, 1.0, v0, states0, L)


def _group(cell: Morphology, dt_ms: float, seed: int, L: int) -> tuple[Batch, np.ndarray, ...]:
    """A full group of ``L`` copies of ``cell`` with random voltages and gates (and Na
    shifts)."""
    b = assemble([cell] * L)
    n, n_par, n_st = b.area.shape[0], b.params.shape[1], b.states0.shape[1]
    params = b.params.copy()
    rng = np.random.default_rng(seed)
    if (b.mech == sundt.MECH_ID).any():  # lanes with different Na shifts, as a population
        params[:, sundt.PARAMETERS.index("na_shift_mV"), :] = rng.uniform(0.0, 12.0, L)
    g, par, x = cpu._new_group(n, n_par, n_st, L)
    _fill(b.parent, g, par, x, b.area, b.cap, b.cxc, b.gxg, b.ga, b.gx, params,
          np.zeros((n, L)), dt_ms, b.v0, b.states0, L)  # fmt: skip
    v = g.reshape(n, cpu._NF, L)[:, cpu._V, :]
    v[:] = rng.uniform(-90.0, 40.0, (n, L))
    gates = x.reshape(n, n_st, L)
    gates[:] = rng.uniform(0.0, 1.0, gates.shape)
    return b, g, par, x


@pytest.mark.parametrize("L", cpu.GROUP_LANES)
@pytest.mark.parametrize("cell", [build_c(), build_abeta()], ids=["C", "Abeta"])
def test_membrane_lane_loops_equal_the_mechanisms_current(cell: Morphology, L: int) -> None:
    # Per compartment and slot, the diagonal entry C/dt + a·di/dv and the right-hand side
    # a·i of the kernel's membrane pass against mechanisms.current, the mechanism's own
    # formula read from the same parameters and gates. The current agrees to rounding
    # (1e-9 relative); di/dv is a 1 µV difference of two currents, whose rounding it
    # magnifies about 1e4-fold against the current (hence 1e-6).
    dt = 0.025
    b, g, par, x = _group(cell, dt, seed=3, L=L)
    n, n_par, n_st = b.area.shape[0], b.params.shape[1], b.states0.shape[1]
    zero = np.zeros(L)
    cpu._assemble_membrane(b.mech, g, par, x, zero, zero, L, L)
    f = g.reshape(n, cpu._NF, L)
    p3, x3 = par.reshape(n, n_par, L), x.reshape(n, n_st, L)
    seen = set()
    for i in range(n):
        m = int(b.mech[i])
        seen.add(m)
        for j in range(L):
            v, pv, xv = f[i, cpu._V, j], p3[i, :, j].copy(), x3[i, :, j].copy()
            cur = mechanisms.current(m, v, pv, xv)
            slope = (mechanisms.current(m, v + DV, pv, xv) - cur) / DV
            a = f[i, cpu._A, j]
            assert f[i, cpu._B1, j] == pytest.approx(cur * a, rel=1e-9, abs=1e-30)
            want = f[i, cpu._CDT, j] + slope * a
            assert f[i, cpu._D21, j] == pytest.approx(want, rel=1e-6)
    written_out = {sundt.MECH_ID} if cell.name.startswith("c") else {fh.MECH_ID, mrg_node.MECH_ID}
    assert written_out <= seen


@pytest.mark.parametrize("L", cpu.GROUP_LANES)
@pytest.mark.parametrize("cell", [build_c(), build_abeta()], ids=["C", "Abeta"])
def test_table_gate_step_in_the_kernel_equals_the_scalar_step(cell: Morphology, L: int) -> None:
    # The update pass moves every gate as tables.advance_gates does for one compartment
    # and slot: from the table at v (minus the Na shift for Sundt's m and h), and off the
    # table's grid (a few slots driven to ±400 mV) by the exact rates. Same table, same
    # arithmetic up to the order of operations: 1e-12 in a gate (0–1).
    dt = 0.025
    b, g, par, x = _group(cell, dt, seed=5, L=L)
    n, n_par, n_st = b.area.shape[0], b.params.shape[1], b.states0.shape[1]
    f = g.reshape(n, cpu._NF, L)
    f[::37, cpu._V, 3] = 400.0
    f[::41, cpu._V, 6] = -400.0
    f[:, cpu._B1, :] = 0.0  # the solution's change of v: none, so the gates move at v
    f[:, cpu._B2, :] = 0.0
    f[:, cpu._TC, :] = np.inf
    p3 = par.reshape(n, n_par, L)
    want = x.reshape(n, n_st, L).copy()
    rt = rate_table(b, dt)
    for i in range(n):
        if b.mech[i] != passive.MECH_ID:
            for j in range(L):
                tables.advance_gates(int(b.mech[i]), i, j, f[i, cpu._V, j], p3, want, rt)
    cpu._update(b.mech, g, par, x, np.zeros(cpu.LANES), rt, 1e9, L, L)
    np.testing.assert_allclose(x.reshape(n, n_st, L), want, rtol=0, atol=1e-12)


@numba.njit
def _separate_passes(b_parent, mech, g, par, x, eold, enew, told, rt, w, steps, L):  # type: ignore[no-untyped-def]
    for _ in range(steps):
        cpu._assemble_membrane(mech, g, par, x, eold, enew, w, L)
        cpu._solve(b_parent, g, w, L)
        cpu._concentrations(mech, g, par, x, rt.dt, w, L)
        cpu._update(mech, g, par, x, told, rt, -20.0, w, L)


@numba.njit
def _fused_steps(b_parent, mech, g, par, x, eold, enew, told, rt, w, steps, L):  # type: ignore[no-untyped-def]
    nochain, far = np.empty(0, dtype=np.int64), np.full(cpu.LANES, -1, dtype=np.int64)
    for _ in range(steps):
        cpu._step(b_parent, mech, g, par, x, eold, enew, told, rt, -20.0, w, nochain, far, L)


@pytest.mark.parametrize("L", cpu.GROUP_LANES)
@pytest.mark.parametrize(
    "cell",
    [build_c(sodium_dynamics=True, calcium_sk=True), build_abeta()],
    ids=["C with concentrations", "Abeta"],
)
def test_fused_step_equals_the_separate_passes(cell: Morphology, L: int) -> None:
    # _step folds the axial coupling into the membrane pass and the back-substitution
    # into the update (three passes over the group instead of five); integrate's
    # electrode path still runs the passes one by one. Same operations in the same
    # order: every field, parameter and gate equal after a few driven steps, with branch
    # points (the T-junction), concentrations (C) and first crossings. Equal to rounding,
    # not bit for bit: where Numba compiles the separate passes in this process rather
    # than loading them from its cache, LLVM may inline them into the caller and fuse a
    # multiply and an add there (fastmath "contract") where the cached _step does not
    # (seen: 5e-9 relative after 5 steps from random voltages, with a cache holding the
    # population search's kernels only). A wrong offset or formula differs by far more.
    dt = 0.025
    b, g, par, x = _group(cell, dt, seed=7, L=L)
    n = b.area.shape[0]
    ve = g.reshape(n, cpu._NF, L)
    ve[:, cpu._EA, :] = np.random.default_rng(8).uniform(-30.0, 30.0, (n, L))
    rt = rate_table(b, dt)
    eold, enew, told = np.full(cpu.LANES, 0.5), np.full(cpu.LANES, 1.0), np.zeros(cpu.LANES)
    w = L - 3  # a group that is not full: the loops run its rounded-up width
    copy = g.copy(), par.copy(), x.copy()
    _fused_steps(b.parent, b.mech, g, par, x, eold, enew, told, rt, w, 5, L)
    _separate_passes(b.parent, b.mech, *copy, eold, enew, told, rt, w, 5, L)
    assert (g.reshape(n, cpu._NF, L)[:, cpu._TC, :] < np.inf).any()  # something crossed
    for fused, separate in zip((g, par, x), copy, strict=True):
        np.testing.assert_allclose(fused, separate, rtol=1e-7, atol=1e-15)


def test_fh_current_shares_one_exponential_correctly() -> None:
    # fh.current_of writes both GHK fluxes with one exp (z/(e^z − 1) and its mirror);
    # against the textbook form with two separate exponentials per ion, over the whole
    # voltage range and across z = 0, where both use the limit.
    p = fh.defaults()
    celsius = 37.0
    f_, r_ = fh._F, fh._R  # the model's constants (fh.json)

    def vtrap(z: float) -> float:
        return 1.0 - z / 2.0 if abs(z) < 1e-6 else z / math.expm1(z)

    def ghk(v: float, c_in: float, c_out: float) -> float:
        z = 1e-3 * f_ * v / (r_ * (celsius + 273.15))
        return 1e-3 * f_ * (c_in * vtrap(-z) - c_out * vtrap(z))

    d = fh._D["concentrations_mM"]
    m, h, n, q = 0.3, 0.6, 0.2, 0.1
    for v in [-300.0, -70.0, -1e-7, 0.0, 2e-8, 0.5, 35.0, 300.0]:
        na = ghk(v, d["na_in"], d["na_out"])
        k = ghk(v, d["k_in"], d["k_out"])
        pna, pp, pk = p["pnabar_cm_per_s"], p["ppbar_cm_per_s"], p["pkbar_cm_per_s"]
        gl, el = p["gl_S_per_cm2"], p["el_mV"]
        want = pna * m * m * h * na + pp * q * q * na + pk * n * n * k + gl * (v - el)
        got = fh.current_of(v, pna, pp, pk, gl, el, celsius, m, h, n, q)
        assert got == pytest.approx(want, rel=1e-9, abs=1e-15)


@pytest.mark.parametrize(("w", "L"), [(w, L) for L in cpu.GROUP_LANES for w in range(1, L + 1)])
def test_lane_loops_run_the_busy_slots_rounded_up_to_four(w: int, L: int) -> None:
    # A group with w busy slots computes at most 3 padding slots (a narrow group of 4, as
    # the population's single-amplitude runs make, used to compute 8).
    run = cpu._vector_width(w, L)
    assert w <= run <= L and run % 4 == 0 and run - w < 4

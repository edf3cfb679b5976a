"""Gate-update tables at the run's fixed dt, as NEURON's rate tables (but finer).

For every registered mechanism and gate the table holds ``x∞(v)`` and the ``cnexp`` factor
``1 − exp(−dt/τ(v))`` on a uniform voltage grid (:data:`V_MIN_mV` to :data:`V_MAX_mV` in
steps of :data:`STEP_mV`); a gate step is then ``x += f · (x∞ − x)`` with both linearly
interpolated, instead of about three ``exp`` per gate. NEURON's ``hh`` does the same on a
1 mV grid by default; this grid is 50× finer, so an interpolated value differs from the
exact one by less than 1e-6 (tested for every mechanism). Outside the grid, and for any
gate whose voltage axis is shifted by a parameter beyond it, the exact rates are used,
with the voltage held within ±:data:`V_GATE_LIMIT_mV`: a source a few hundred µm away
at several mA drives compartments volts away from rest, where every gate is saturated
but the rate formulas overflow ``exp`` (MRG's slow-K⁺ β, with its 1 mV slope, below
about −800 mV) and a gate's rates would both become 0 (τ = 1/0).

A mechanism whose rates depend on a per-compartment parameter only through a voltage
shift names that parameter per gate in ``TABLE_SHIFT`` (e.g. Sundt's ``na_shift_mV``);
the table is built with the shift 0 and looked up at ``v − p[TABLE_SHIFT[g]]``.
"""

from __future__ import annotations

from typing import NamedTuple

import numba
import numpy as np

from drgstim.biophysics.channels import MAX_STATES, REGISTRY, gate_count
from drgstim.biophysics.solver import mechanisms

__all__ = [
    "RateTable",
    "STEP_mV",
    "V_GATE_LIMIT_mV",
    "V_MAX_mV",
    "V_MIN_mV",
    "advance_gates",
    "build",
    "step_gates",
]

V_GATE_LIMIT_mV = 700.0  # exact gate rates are evaluated within ±700 mV (see above)
V_MIN_mV = -250.0
V_MAX_mV = 250.0
STEP_mV = 0.02
_FASTMATH = {"nsz", "arcp", "contract", "reassoc"}


class RateTable(NamedTuple):
    """Everything a gate step needs: the table, its grid and the exact fallback's inputs."""

    table: np.ndarray  # (mechanisms, MAX_STATES, nv, 2): x∞, 1 − exp(−dt/τ); a gate's row
    # is contiguous, so lanes at nearby voltages read nearby memory
    n_states: np.ndarray  # (mechanisms,) int64
    shift: np.ndarray  # (mechanisms, MAX_STATES) int64 parameter index or −1
    vmin: float
    inv_step: float
    tf: np.ndarray  # (mechanisms, 3) temperature factors
    dt: float


@numba.njit(cache=True)
def _fill(tf: np.ndarray, dt: float, vmin: float, h: float, nv: int) -> np.ndarray:
    n_mech = tf.shape[0]
    table = np.zeros((n_mech, MAX_STATES, nv, 2))
    inf = np.zeros(MAX_STATES)
    tau = np.ones(MAX_STATES)
    for m in range(n_mech):
        for k in range(nv):
            mechanisms.gates(m, vmin + k * h, tf, inf, tau)
            for g in range(MAX_STATES):
                table[m, g, k, 0] = inf[g]
                table[m, g, k, 1] = -np.expm1(-dt / tau[g]) if tau[g] > 1e-12 else 1.0
    return table


def build(tf: np.ndarray, dt_ms: float) -> RateTable:
    """The table for temperature factors ``tf`` (``(mechanisms, 3)``) at ``dt_ms``."""
    nv = round((V_MAX_mV - V_MIN_mV) / STEP_mV) + 1
    n_mech = tf.shape[0]
    n_states = np.zeros(n_mech, dtype=np.int64)
    shift = np.full((n_mech, MAX_STATES), -1, dtype=np.int64)
    for mod in REGISTRY.values():
        n_states[mod.MECH_ID] = gate_count(mod)  # concentrations have no table
        shift[mod.MECH_ID, : len(mod.TABLE_SHIFT)] = mod.TABLE_SHIFT
    tf = np.ascontiguousarray(tf, dtype=np.float64)
    table = _fill(tf, float(dt_ms), V_MIN_mV, STEP_mV, nv)
    return RateTable(table, n_states, shift, V_MIN_mV, 1.0 / STEP_mV, tf, float(dt_ms))


@numba.njit(cache=True)
def _exact(m: int, i: int, j: int, v: float, par: np.ndarray, x: np.ndarray, rt: RateTable) -> None:
    vg = min(max(v, -V_GATE_LIMIT_mV), V_GATE_LIMIT_mV)
    mechanisms.advance(m, vg, par[i, :, j], x[i, :, j], rt.dt, rt.tf)


@numba.njit(cache=True, fastmath=_FASTMATH)
def step_gates(
    m: int,
    i: int,
    j: int,
    v: float,
    par: np.ndarray,
    x: np.ndarray,
    table: np.ndarray,
    n_states: np.ndarray,
    shift: np.ndarray,
    vmin: float,
    inv_step: float,
) -> bool:
    """Advance the gates ``x[i, :, j]`` of mechanism ``m`` at ``v`` from the table.

    Returns False, touching nothing, where a gate's voltage is off the grid.
    """
    top = table.shape[2] - 1.0
    ns = n_states[m]
    for g in range(ns):
        s = shift[m, g]
        pos = (v - (par[i, s, j] if s >= 0 else 0.0) - vmin) * inv_step
        if not (0.0 <= pos < top):
            return False
    for g in range(ns):
        s = shift[m, g]
        pos = (v - (par[i, s, j] if s >= 0 else 0.0) - vmin) * inv_step
        k = int(pos)
        f = pos - k
        inf = table[m, g, k, 0] + f * (table[m, g, k + 1, 0] - table[m, g, k, 0])
        fac = table[m, g, k, 1] + f * (table[m, g, k + 1, 1] - table[m, g, k, 1])
        x[i, g, j] += fac * (inf - x[i, g, j])
    return True


@numba.njit(cache=True)
def advance_gates(
    m: int, i: int, j: int, v: float, par: np.ndarray, x: np.ndarray, rt: RateTable
) -> None:
    """Advance the gates ``x[i, :, j]`` of mechanism ``m`` (parameters ``par[i, :, j]``) at v."""
    if not step_gates(m, i, j, v, par, x, rt.table, rt.n_states, rt.shift, rt.vmin, rt.inv_step):
        _exact(m, i, j, v, par, x, rt)

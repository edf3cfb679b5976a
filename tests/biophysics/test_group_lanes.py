"""Slots per kernel group (``cpu.lanes_for``): 16, or 8 where a group of 16 would outgrow
a core's L2 cache. The group size is a compile-time constant of each compiled kernel; no
lane's arithmetic depends on it, so every result is the same at either size.
"""

from __future__ import annotations

import importlib
from typing import Any

import numpy as np
import pytest
from numba.core import types

from drgstim.biophysics import population as pop
from drgstim.biophysics import recruitment as rec
from drgstim.biophysics.cells import mrg_axon
from drgstim.biophysics.drg import population_search as ps
from drgstim.biophysics.drg.builders import drg_lane_arrays
from drgstim.biophysics.drg.geometry import DrgType
from drgstim.biophysics.solver import assemble, assemble_lanes, cpu
from drgstim.biophysics.sources import PointSource

assemble_module = importlib.import_module("drgstim.biophysics.solver.assemble")


def _slots(batch: Any) -> int:
    return cpu.lanes_for(batch.area.shape[0], batch.params.shape[1], batch.states0.shape[1])


def test_small_cells_run_16_slots_and_the_drg_neurons_8() -> None:
    # the MRG fibre of the NEURON comparison (0.8 MiB per group of 16) keeps 16 slots;
    # the DRG neurons (1.9 to 3.5 MiB) run 8
    assert _slots(assemble([mrg_axon(diameter_um=10.0)])) == 16
    population = pop.sample_population(n_neurons=60, seed=1)
    for kind in DrgType:
        first = population.indices(kind)[0]
        cell, lanes = drg_lane_arrays(kind, diameters_um=[float(population.diameter_um[first])])
        assert _slots(assemble_lanes(cell, lanes)) == 8, kind


def test_the_group_size_switches_where_16_slots_outgrow_the_budget() -> None:
    per_compartment = (cpu._NF + 7 + 4) * 8 * 16  # bytes per compartment at 16 slots
    fits = cpu.GROUP_BYTES_16 // per_compartment
    assert cpu.lanes_for(fits, 7, 4) == 16
    assert cpu.lanes_for(fits + 1, 7, 4) == 8
    assert set(cpu.GROUP_LANES) == {8, 16} and cpu.LANES == 16


def test_every_neuron_gets_the_same_thresholds_and_states_at_8_and_16_slots(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # the whole fast path (settle, the runs, the searches) with every group at 16 slots
    # and at 8: bit-identical thresholds and activation
    population = pop.sample_population(n_neurons=24, seed=7)
    point = tuple(float(c) for c in rec.contact_um(0.0))
    kw: dict[str, Any] = {
        "sources_um": [PointSource(point, 1.0)],  # type: ignore[arg-type]
        "pulse_width_us": 300,
        "amplitudes_uA": [1200.0, 3000.0, 6000.0],
    }
    got = {}
    for slots in cpu.GROUP_LANES:
        monkeypatch.setattr(assemble_module, "_group_lanes", lambda batch, s=slots: s)
        got[slots] = ps.population_thresholds(population, **kw)
    a, b = got[8], got[16]
    np.testing.assert_array_equal(a.thresholds_uA, b.thresholds_uA)
    np.testing.assert_array_equal(a.active, b.active)
    np.testing.assert_array_equal(a.reached, b.reached)
    assert np.isfinite(a.thresholds_uA).sum() >= 5


class _Kernel:
    """A stand-in for a Numba dispatcher: its compiled overloads and its own calls."""

    def __init__(self) -> None:
        self.overloads: dict[tuple[Any, ...], Any] = {}
        self.calls = 0

    def __call__(self, *args: Any) -> str:
        self.calls += 1
        sig = (*(types.float64 for _ in args[:-1]), types.IntegerLiteral(args[-1]))
        self.overloads[sig] = type("Compiled", (), {"entry_point": lambda *a: "compiled"})
        return "dispatched"


def test_call_goes_through_the_dispatcher_once_then_to_the_compiled_overload() -> None:
    kernel = _Kernel()
    assert cpu.call(kernel, 1.0, 2.0, 8) == "dispatched"
    assert cpu.call(kernel, 1.0, 2.0, 8) == "compiled"
    assert cpu.call(kernel, 1.0, 2.0, 16) == "dispatched"  # another group size: its own
    assert cpu.call(kernel, 1.0, 2.0, 16) == "compiled"
    assert kernel.calls == 2


def test_the_solver_calls_its_kernels_compiled_for_a_literal_group_size() -> None:
    population = pop.sample_population(n_neurons=2, seed=1)
    point = tuple(float(c) for c in rec.contact_um(0.0))
    ps.population_thresholds(
        population,
        sources_um=[PointSource(point, 1.0)],  # type: ignore[arg-type]
        pulse_width_us=300,
        amplitudes_uA=[6000.0],
    )
    for kernel in (cpu.search, cpu.run_once, cpu.settle):
        last = {sig[-1] for sig in kernel.overloads}
        assert types.IntegerLiteral(8) in last, kernel
        assert all(isinstance(t, types.IntegerLiteral) for t in last), kernel

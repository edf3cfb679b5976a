"""One run per lane with slots refilled as runs end (``run_each``) against the chunked
``run_batch``: a lane's arithmetic does not depend on its slot or on the lanes beside it,
so the two must agree exactly — per lane, whether and where anything crossed, and so the
DRG population's outcomes, thresholds and block check.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np
import pytest

from drgstim.biophysics import population as pop
from drgstim.biophysics import recruitment as rec
from drgstim.biophysics.cells import hh_cable
from drgstim.biophysics.drg import population_search as ps
from drgstim.biophysics.drg.geometry import DrgType
from drgstim.biophysics.solver import BatchResult, assemble, run_batch, run_each, settle
from drgstim.biophysics.sources import PointSource
from drgstim.biophysics.stimulate import point_source_ve
from drgstim.biophysics.threshold import find_thresholds, take_lanes
from drgstim.biophysics.waveforms import Waveform, sample
from drgstim.errors import InputError

DT_MS = 0.025


def _chunked(batch: Any, **kw: Any) -> BatchResult:
    """The population's single-amplitude runs as they were: ``run_batch`` in chunks of 4,
    the verdict at the detection site (no gate)."""
    kw.pop("width", None)
    kw.pop("gate", None)
    kw.pop("settled", None)
    run = run_batch(batch, chunk=4, **kw)
    return replace(run, fired=np.isfinite(run.tcross_ms[batch.detect]))


def _same_runs(old: BatchResult, new: BatchResult, detect: int) -> None:
    """Equal steps run and detection; a lane that did not fire shows the same crossings
    everywhere; one that fired, the same wherever ``run_each`` kept one (it stops when
    the spike arrives, a chunk may run on)."""
    np.testing.assert_array_equal(new.steps_run, old.steps_run)
    fired = np.isfinite(new.tcross_ms[detect])
    np.testing.assert_array_equal(np.isfinite(old.tcross_ms[detect]), fired)
    np.testing.assert_array_equal(new.tcross_ms[:, ~fired], old.tcross_ms[:, ~fired])
    kept = np.isfinite(new.tcross_ms)
    np.testing.assert_array_equal(new.tcross_ms[kept], old.tcross_ms[kept])


@pytest.mark.parametrize("width", [16, 3])
def test_each_lane_stops_at_its_own_step_and_matches_the_chunked_run(width: int) -> None:
    # HH at 6.3 °C: near threshold the spike reaches the far end milliseconds late, so the
    # step at which a run ends decides whether it counts as fired; width 3 refills slots
    cell = hh_cable(diameter_um=10.0, length_um=2000.0, compartment_um=50.0, temperature_C=6.3)
    ve = point_source_ve(cell, distance_um=500.0, sigma_S_per_m=0.2)
    wave = sample(waveform=Waveform.CATHODIC, pulse_width_us=100, dt_us=25, tstop_ms=20.0)
    one = assemble([cell])
    thr = float(find_thresholds(one, ve_mV=ve[:, None], wave=wave, dt_ms=DT_MS).upper[0])
    late = int(
        run_batch(one, ve_mV=ve[:, None], drive=np.array([1.001 * thr]), wave=wave, dt_ms=DT_MS)
        .steps_run[0]
    )  # fmt: skip
    drive = np.array([1.001, 1.001, 1.5, 0.5, 1.001, 3.0, 0.9]) * thr
    steps = np.array([late, late - 1, 800, 800, 800, 300, 50])  # just enough, one short, …
    lanes = np.zeros(len(drive), dtype=np.int64)
    kw: dict[str, Any] = {
        "ve_mV": np.ascontiguousarray(ve[:, None][:, lanes]), "drive": drive, "wave": wave,
        "dt_ms": DT_MS, "steps": steps,
    }  # fmt: skip
    batch = take_lanes(one, lanes)
    new = run_each(batch, width=width, **kw)
    _same_runs(_chunked(batch, **kw), new, batch.detect)
    assert np.isfinite(new.tcross_ms[batch.detect]).tolist() == [
        True, False, True, False, True, True, False
    ]  # fmt: skip
    with pytest.raises(InputError, match="drive"):
        run_each(batch, **{**kw, "drive": drive[:3]})
    with pytest.raises(InputError, match="steps"):
        run_each(batch, **{**kw, "steps": steps + 10_000})


def _contact() -> list[PointSource]:
    return [PointSource(tuple(float(c) for c in rec.contact_um(0.0)), 1.0)]  # type: ignore[arg-type]


@pytest.mark.slow
def test_drg_outcomes_of_every_type_equal_the_chunked_runs(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # every neuron of every type at amplitudes from below threshold to the device maximum:
    # Aβ neurons near the contact blocked (a crossing, no spike at the detection site) at
    # some, C neurons mostly silent, each type both silent and firing
    population = pop.sample_population(n_neurons=40, seed=7)
    unit = ps._point_sources_local(population, _contact(), sigma_S_per_m=ps.DEFAULT_SIGMA_S_PER_M)
    amps = np.array([25.0, 100.0, 400.0, 1600.0, 2400.0, 3000.0, 3600.0, 4200.0, 4800.0, 6000.0])
    seen = set()
    for kind in DrgType:
        idx = population.indices(kind.value)
        g = ps._group(population, idx, kind, pulse_width_us=300, field=unit, local=True)
        lanes = np.repeat(np.arange(len(idx)), len(amps))
        a = np.tile(amps, len(idx))
        new = g.outcomes(lanes, a)
        with monkeypatch.context() as m:
            m.setattr(ps, "run_each", _chunked)
            old = g.outcomes(lanes, a)
        np.testing.assert_array_equal(new, old, err_msg=kind.value)
        assert {ps._N, ps._D} <= set(new.tolist()), kind.value
        seen |= set(new.tolist())
    assert ps._X in seen


@pytest.mark.slow
def test_population_thresholds_and_block_are_those_of_the_chunked_runs(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # contact on the surface: Aβ neurons blocked between rungs, Aδ and C thresholds in
    # range, silent C neurons (the C screen, the ladder, the block check all run here)
    population = pop.sample_population(n_neurons=40, seed=7)
    ab, ad, c = (population.indices(k.value) for k in DrgType)
    chosen = [*ab[[0, 8, 9]], *ad[:2], *c[[15, 16, 17]]]
    amps = [600.0 * k for k in range(1, 11)]

    def run() -> ps.PopulationThresholds:
        return ps.population_thresholds(
            population, sources_um=_contact(), pulse_width_us=300, amplitudes_uA=amps,
            indices=chosen,
        )  # fmt: skip

    new = run()
    with monkeypatch.context() as m:
        m.setattr(ps, "run_each", _chunked)
        old = run()
    np.testing.assert_array_equal(new.thresholds_uA, old.thresholds_uA)
    np.testing.assert_array_equal(new.active, old.active)
    np.testing.assert_array_equal(new.reached, old.reached)
    np.testing.assert_array_equal(new.block_candidates, old.block_candidates)
    assert new.simulations == old.simulations
    assert new.blocked.any()
    assert np.isinf(new.thresholds_uA).any() and np.isfinite(new.thresholds_uA).any()


@pytest.mark.parametrize("kind", list(DrgType))
def test_runs_started_from_the_settled_state_are_bit_identical(kind: DrgType) -> None:
    # every run of a cell goes through the same undriven steps before the pulse (0.1 ms):
    # started from the state after them (solver.settle) a run gives the same crossings,
    # steps and verdict to the last bit, and a search the same bracket
    population = pop.sample_population(n_neurons=40, seed=7)
    unit = ps._point_sources_local(population, _contact(), sigma_S_per_m=ps.DEFAULT_SIGMA_S_PER_M)
    idx = population.indices(kind.value)
    g = ps._group(population, idx, kind, pulse_width_us=300, field=unit, local=True)
    start = settle(g.batch, wave=g.wave, dt_ms=g.dt_ms)
    assert start.steps == round(0.1 / g.dt_ms) and start.state.shape[0] == len(idx)
    lanes = np.repeat(np.arange(len(idx)), 4)
    drive = np.tile([0.3, 1.0, 3.0, 6.0], len(idx))
    kw: dict[str, Any] = {
        "ve_mV": np.ascontiguousarray(g.ve[:, lanes]), "drive": drive, "wave": g.wave,
        "dt_ms": g.dt_ms, "steps": g.steps(lanes), "gate": g.gate(lanes),
    }  # fmt: skip
    batch = take_lanes(g.batch, lanes)
    rest, settled = run_each(batch, **kw), run_each(batch, settled=start.take(lanes), **kw)
    np.testing.assert_array_equal(settled.tcross_ms, rest.tcross_ms)
    np.testing.assert_array_equal(settled.steps_run, rest.steps_run)
    np.testing.assert_array_equal(settled.fired, rest.fired)
    assert rest.fired.any()
    everyone = np.arange(len(idx))
    search: dict[str, Any] = {
        "ve_mV": g.ve, "wave": g.wave, "dt_ms": g.dt_ms, "maximum": 6.0, "rel_tol": 1e-3,
        "steps": g.steps(everyone), "gate": g.gate(everyone),
    }  # fmt: skip
    a = find_thresholds(g.batch, **search)
    b = find_thresholds(g.batch, settled=start, **search)
    np.testing.assert_array_equal(b.upper, a.upper)
    np.testing.assert_array_equal(b.lower, a.lower)
    np.testing.assert_array_equal(b.simulations, a.simulations)
    with pytest.raises(InputError, match="settled"):
        run_each(batch, settled=start, **kw)

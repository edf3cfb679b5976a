"""Each lane runs as long as its own cell needs: per-lane step counts in the kernels, and
per-neuron run lengths in both DRG population paths.

A batch's waveform is sampled to its longest lane; lane ``l`` stops after its own
``steps[l]``. A lane must then show exactly what a run of its cell alone, with the waveform
cut at its own end, shows: nothing of a later step may leak into its result (a late spike
would count as activation), and nothing may depend on the lanes beside it.
"""

from __future__ import annotations

import numpy as np
import pytest

from drgstim import units
from drgstim.biophysics import population as pop
from drgstim.biophysics import recruitment as rec
from drgstim.biophysics import runlength
from drgstim.biophysics.cells import hh_cable
from drgstim.biophysics.drg import build_drg
from drgstim.biophysics.drg import population_search as ps
from drgstim.biophysics.drg.geometry import DrgType
from drgstim.biophysics.drg.search import RELATIVE_TOLERANCE
from drgstim.biophysics.solver import assemble, run_batch
from drgstim.biophysics.sources import PointSource
from drgstim.biophysics.stimulate import point_source_ve
from drgstim.biophysics.threshold import find_thresholds, take_lanes
from drgstim.biophysics.waveforms import Waveform, sample
from drgstim.errors import InputError

DT_MS = 0.025


def _cold_hh() -> tuple[np.ndarray, np.ndarray, object]:
    # HH at 6.3 °C: near threshold the spike reaches the far end milliseconds late, so the
    # step at which a run ends decides whether it counts as fired
    cell = hh_cable(diameter_um=10.0, length_um=2000.0, compartment_um=50.0, temperature_C=6.3)
    ve = point_source_ve(cell, distance_um=500.0, sigma_S_per_m=0.2)
    wave = sample(waveform=Waveform.CATHODIC, pulse_width_us=100, dt_us=25, tstop_ms=20.0)
    return ve, wave, assemble([cell])


def test_each_lane_stops_at_its_own_step_as_if_run_alone() -> None:
    ve, wave, one = _cold_hh()
    thr = float(find_thresholds(one, ve_mV=ve[:, None], wave=wave, dt_ms=DT_MS).upper[0])
    alone = run_batch(one, ve_mV=ve[:, None], drive=np.array([1.001 * thr]), wave=wave, dt_ms=DT_MS)
    late = int(alone.steps_run[0])  # the step at which the barely suprathreshold spike arrives
    assert late > 100
    drive = np.array([1.001, 1.001, 1.5, 0.5, 1.001]) * thr
    steps = np.array([late, late - 1, 800, 800, 800])  # just enough, one step short, …
    lanes = np.zeros(len(drive), dtype=np.int64)
    ves = np.ascontiguousarray(ve[:, None][:, lanes])
    batch = take_lanes(one, lanes)
    got = run_batch(
        batch, ve_mV=ves, drive=drive, wave=wave, dt_ms=DT_MS, steps=steps, record=[0, 20]
    )
    for lane in range(len(drive)):
        solo = run_batch(
            one,
            ve_mV=ve[:, None],
            drive=drive[lane : lane + 1],
            wave=wave[: steps[lane] + 1],
            dt_ms=DT_MS,
            record=[0, 20],
        )
        np.testing.assert_array_equal(got.tcross_ms[:, lane], solo.tcross_ms[:, 0])
        assert got.steps_run[lane] == solo.steps_run[0]
        own = got.traces_mV[: steps[lane] + 1, :, lane]
        np.testing.assert_array_equal(own, solo.traces_mV[:, :, 0])
        assert np.isnan(got.traces_mV[steps[lane] + 1 :, :, lane]).all()
    fired = np.isfinite(got.tcross_ms[one.detect])
    assert fired.tolist() == [True, False, True, False, True]


def test_each_lanes_threshold_search_uses_its_own_run_length() -> None:
    ve, wave, one = _cold_hh()
    steps = np.array([800, 300, 120, 60])
    lanes = np.zeros(len(steps), dtype=np.int64)
    ves = np.ascontiguousarray(ve[:, None][:, lanes])
    got = find_thresholds(take_lanes(one, lanes), ve_mV=ves, wave=wave, dt_ms=DT_MS, steps=steps)
    for lane, s in enumerate(steps):
        solo = find_thresholds(one, ve_mV=ve[:, None], wave=wave[: s + 1], dt_ms=DT_MS)
        assert got.upper[lane] == solo.upper[0] and got.lower[lane] == solo.lower[0]
    # a run too short misses the late spikes: the threshold rises as the run shortens
    assert np.all(np.diff(got.threshold) >= 0) and got.threshold[-1] > 1.1 * got.threshold[0]
    with pytest.raises(InputError, match="steps"):
        find_thresholds(
            take_lanes(one, lanes),
            ve_mV=ves,
            wave=wave,
            dt_ms=DT_MS,
            steps=np.array([800, 300, 120, len(wave)]),
        )
    with pytest.raises(InputError, match="steps"):
        find_thresholds(
            take_lanes(one, lanes), ve_mV=ves, wave=wave, dt_ms=DT_MS, steps=steps * 1.0
        )


@pytest.mark.parametrize("kind", list(DrgType))
def test_lane_run_lengths_are_each_cells_own(kind: DrgType) -> None:
    # every lane gets run_length_ms of its own cell from its own origin, bit for bit,
    # whatever else is in the batch
    diameters = {
        DrgType.ABETA: (6.0, 10.0, 14.0),
        DrgType.ADELTA: (2.0, 2.5, 3.0),
        DrgType.C: (0.5, 0.8, 1.2),
    }[kind]
    cells = [build_drg(kind, diameter_um=d) for d in diameters]
    sources = [(-1500.0, 100.0, 300.0), (0.0, 0.0, 500.0), (2500.0, 300.0, 200.0)]
    ve = np.stack(
        [
            point_source_ve(c, distance_um=500.0, sigma_S_per_m=0.2, source_um=s)
            for c, s in zip(cells, sources, strict=True)
        ],
        axis=1,
    )

    def lanes(order: list[int]) -> np.ndarray:
        return runlength.lane_run_lengths_ms(
            cells[order[0]],
            stimulus_end_ms=0.4,
            ve_mV=ve[:, order],
            length_um=np.stack([cells[k].compartment_arrays().length_um for k in order], 1),
            diameter_um=np.stack([cells[k].compartment_arrays().diameter_um for k in order], 1),
        )

    own = [
        runlength.run_length_ms(c, stimulus_end_ms=0.4, ve_mV=ve[:, k]) for k, c in enumerate(cells)
    ]
    np.testing.assert_array_equal(lanes([0, 1, 2]), own)
    np.testing.assert_array_equal(lanes([2, 0]), [own[2], own[0]])
    np.testing.assert_array_equal(lanes([1]), [own[1]])
    # the origins differ, and so do the lengths: one length per batch would waste runs
    assert len(set(np.argmax(np.abs(ve), axis=0).tolist())) > 1
    assert max(own) > 1.05 * min(own)


def _contact(distance_um: float) -> list[PointSource]:
    point = tuple(float(c) for c in rec.contact_um(distance_um))
    return [PointSource(point, 1.0)]  # type: ignore[arg-type]


@pytest.mark.slow
def test_any_split_into_chunks_gives_each_neuron_the_same_threshold() -> None:
    # neurons of every type near a contact, computed together and in other chunks
    population = pop.sample_population(n_neurons=24, seed=5)
    idx = np.concatenate([population.indices(k)[:2] for k in DrgType])
    args = {"sources_um": _contact(300.0), "pulse_width_us": 300, "amplitudes_uA": [3000.0]}
    whole = ps.population_thresholds(population, indices=idx, **args)  # type: ignore[arg-type]
    parts = [(3, 6), (0, 1), (1, 3)]
    split = np.full(len(idx), np.nan)
    for a, b in parts:
        got = ps.population_thresholds(population, indices=idx[a:b], **args)  # type: ignore[arg-type]
        split[a:b] = got.thresholds_uA
        np.testing.assert_array_equal(got.active, whole.active[a:b])
    np.testing.assert_array_equal(split, whole.thresholds_uA)
    assert np.isfinite(whole.thresholds_uA).sum() >= 4


@pytest.mark.slow
@pytest.mark.parametrize("kind", list(DrgType))
def test_doubling_each_neurons_own_run_changes_no_threshold(kind: DrgType) -> None:
    # of a population's neurons that fire at the maximum, those whose own runs are
    # shortest (the spike starts near the detection site): twice their run length gives
    # the same threshold within the tolerance
    population = pop.sample_population(n_neurons=60, seed=5)
    idx = population.indices(kind)
    g = ps._group(
        population,
        idx,
        kind,
        pulse_width_us=300,
        local=True,
        field=ps._point_sources_local(
            population, _contact(0.0), sigma_S_per_m=ps.DEFAULT_SIGMA_S_PER_M
        ),
    )
    assert g.run_ms.max() > 1.05 * g.run_ms.min()  # per-neuron lengths, not one per batch
    lanes = np.arange(len(idx))
    fires = np.flatnonzero(g.outcomes(lanes, np.full(len(idx), ps.DEVICE_MAX_uA)) == ps._D)
    shortest = fires[np.argsort(g.run_ms[fires])[:3]]
    sub, ve = take_lanes(g.batch, shortest), np.ascontiguousarray(g.ve[:, shortest])
    longer = sample(
        waveform=Waveform.CATHODIC,
        pulse_width_us=300,
        dt_us=units.us_from_ms(g.dt_ms),
        tstop_ms=2.0 * float(g.run_ms.max()),
    )

    def search(steps: np.ndarray, initial: float | np.ndarray) -> np.ndarray:
        return find_thresholds(
            sub, ve_mV=ve, wave=longer, dt_ms=g.dt_ms, initial=initial, maximum=12.0, steps=steps
        ).threshold

    own = search(g.steps(shortest), 0.025)
    doubled = search(2 * g.steps(shortest), 0.97 * own)
    assert np.isfinite(own).all()
    np.testing.assert_allclose(doubled, own, rtol=RELATIVE_TOLERANCE)

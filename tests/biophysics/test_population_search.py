"""The fast population path against the exhaustive search it replaces.

Exhaustive: every neuron doubled from 25 µA (``drg_threshold_search``), bisected, then
simulated at every requested amplitude above its threshold (``drg_activation``). Fast:
C neurons screened with a coarse short run; the doubling rungs walked from the device
maximum down and bisected at a coarse dt; the threshold at the model's dt searched from a
guess next to the coarse one (both guesses run, then bisection to the tolerance); block
runs at every requested amplitude above threshold. The shortcuts rest on physics (below a
rung where nothing even crosses 0 mV nothing fires; backward Euler's thresholds grow with
dt by a fraction that varies little); these tests are the evidence on populations that
contain near, far, blocked and silent neurons of every type.
"""

from __future__ import annotations

import numba
import numpy as np
import pytest

from drgstim.biophysics import population as pop
from drgstim.biophysics import recruitment as rec
from drgstim.biophysics.drg import population_search as ps
from drgstim.biophysics.drg.geometry import DrgType
from drgstim.biophysics.drg.search import (
    RELATIVE_TOLERANCE,
    drg_activation,
    drg_threshold_search,
)
from drgstim.biophysics.solver import cpu
from drgstim.biophysics.sources import PointSource, potential_mV_at_um
from drgstim.biophysics.threshold import find_thresholds, take_lanes
from drgstim.biophysics.waveforms import Waveform, sample
from drgstim.errors import InputError


def _exhaustive(population: pop.Population, amps: list[float], distance_um: float):
    return rec.recruitment(
        population, amplitudes_uA=amps, pulse_width_us=300, distance_um=distance_um,
        search=lambda cells, **kw: drg_threshold_search(
            cells, **{**kw, "max_amplitude_uA": ps.DEVICE_MAX_uA}
        ),
        check=drg_activation,
    )  # fmt: skip


def _contact(distance_um: float) -> list[PointSource]:
    point = tuple(float(c) for c in rec.contact_um(distance_um))
    return [PointSource(point, 1.0)]  # type: ignore[arg-type]


@pytest.mark.slow
def test_fast_path_gives_the_exhaustive_thresholds_and_activation() -> None:
    # seed 7, 30 neurons, contact on the surface: near Aβ neurons blocked at several of
    # the amplitudes (some of them between rungs), Aδ and C with thresholds in range,
    # and silent C neurons
    population = pop.sample_population(n_neurons=30, seed=7)
    amps = [600.0 * k for k in range(1, 11)]
    slow = _exhaustive(population, amps, 0.0)
    fast = ps.population_thresholds(
        population, sources_um=_contact(0.0), pulse_width_us=300, amplitudes_uA=amps
    )
    # the same neurons activated below the maximum; both thresholds are midpoints of
    # verified brackets of the tolerance around the same threshold
    finite = np.isfinite(slow.thresholds_uA)
    np.testing.assert_array_equal(np.isfinite(fast.thresholds_uA), finite)
    np.testing.assert_allclose(
        fast.thresholds_uA[finite], slow.thresholds_uA[finite], rtol=RELATIVE_TOLERANCE
    )
    np.testing.assert_array_equal(fast.active, slow.active)
    np.testing.assert_array_equal(fast.reached, slow.thresholds_uA[:, None] <= amps)
    assert fast.blocked.any(), "the population should contain blocked neurons"
    assert np.isinf(fast.thresholds_uA).any() and np.isfinite(fast.thresholds_uA).any()


def test_block_between_rungs_is_found() -> None:
    # Aβ neuron 279 of this population: threshold 188.5 µA, the spike reaches the central
    # end on every rung (200 µA … 6 mA) but not at 2.4 or 3 mA, a window between the rungs
    # (a shortcut that trusted the rungs missed it, 7 of 4000 pairs in 400 neurons)
    population = pop.sample_population(n_neurons=400, seed=1)
    got = ps.population_thresholds(
        population, sources_um=_contact(0.0), pulse_width_us=300,
        amplitudes_uA=[1800.0, 2400.0, 3600.0], indices=[279],
    )  # fmt: skip
    # one run per neuron at its own amplitude (therapy's block check) sees the same
    fires = ps.population_activation(
        population, sources_um=_contact(0.0), pulse_width_us=300,
        amplitudes_uA=[1800.0, 2400.0, 3600.0], indices=[279, 279, 279],
    )  # fmt: skip
    assert fires.tolist() == got.active[0].tolist()
    assert population.types[279] is DrgType.ABETA
    assert 185.0 < got.thresholds_uA[0] < 195.0
    assert got.active[0].tolist() == [True, False, True]


def test_ladder_is_the_exhaustive_doubling_up_to_the_maximum() -> None:
    np.testing.assert_array_equal(
        ps.ladder_uA(6000.0), [25, 50, 100, 200, 400, 800, 1600, 3200, 6000]
    )
    np.testing.assert_array_equal(ps.ladder_uA(3200.0), [25, 50, 100, 200, 400, 800, 1600, 3200])
    assert ps.DEVICE_MAX_uA == 6000.0  # the device grid's ceiling, not the model's 12 mA
    # another start (therapy's per-type starts): its own doubling, then the maximum
    np.testing.assert_array_equal(ps.ladder_uA(6000.0, 1500.0), [1500, 3000, 6000])
    np.testing.assert_array_equal(ps.ladder_uA(6000.0, 6000.0), [6000])


def test_c_screen_misses_no_c_neuron_that_crosses_at_the_maximum() -> None:
    # the coarse screen (dt 100 µs, 10 ms, 1.25 × the amplitude) against the model's own
    # dt and run length at the maximum, for C neurons near and far from the contact
    population = pop.sample_population(n_neurons=40, seed=3)
    idx = population.indices("c")
    g = ps._group(
        population, idx, DrgType.C, pulse_width_us=300, local=True,
        field=ps._point_sources_local(
            population, _contact(0.0), sigma_S_per_m=ps.DEFAULT_SIGMA_S_PER_M
        ),
    )  # fmt: skip
    lanes = np.arange(len(idx))
    for amp in (3000.0, 6000.0):
        exact = g.outcomes(lanes, np.full(len(idx), amp))
        coarse = g.outcomes(lanes, np.full(len(idx), ps.SCREEN_MARGIN * amp), coarse=True)
        assert np.all((coarse != ps._N) | (exact == ps._N)), amp
        assert (exact != ps._N).any() and (exact == ps._N).any()  # both kinds present


@pytest.mark.slow
def test_a_field_in_the_ganglion_frame_gives_the_point_source_thresholds() -> None:
    # what a multi-contact or finite-element caller passes: potentials at points of the
    # ganglion; here a bipole (cathode on the surface, anode 3 mm along the root)
    population = pop.sample_population(n_neurons=6, seed=2)
    cathode = tuple(float(c) for c in rec.contact_um(0.0))
    anode = (3000.0, cathode[1], cathode[2])
    sources = [PointSource(cathode, 1.0), PointSource(anode, -1.0)]  # type: ignore[arg-type]

    def field(index: int, points_um: np.ndarray) -> np.ndarray:
        assert index in range(6) and points_um.shape[1] == 3
        return potential_mV_at_um(
            current_mA=1.0, points_um=points_um, sources_um=sources,
            sigma_S_per_m=ps.DEFAULT_SIGMA_S_PER_M,
        )  # fmt: skip

    by_sources = ps.population_thresholds(population, sources_um=sources, pulse_width_us=300)
    by_field = ps.population_thresholds(population, field=field, pulse_width_us=300)
    assert np.isfinite(by_sources.thresholds_uA).any()
    np.testing.assert_allclose(by_field.thresholds_uA, by_sources.thresholds_uA, rtol=1e-9)


def test_bad_requests_name_the_field() -> None:
    population = pop.sample_population(n_neurons=3, seed=1)
    with pytest.raises(InputError, match="amplitudes_uA"):
        ps.population_thresholds(
            population, sources_um=_contact(0.0), pulse_width_us=300, amplitudes_uA=[7000]
        )
    with pytest.raises(InputError, match="pulse_width_us"):
        ps.population_thresholds(population, sources_um=_contact(0.0), pulse_width_us=5)
    with pytest.raises(InputError, match="sources_um"):
        ps.population_thresholds(population, sources_um=[], pulse_width_us=300)
    with pytest.raises(InputError, match="indices"):
        ps.population_thresholds(
            population, sources_um=_contact(0.0), pulse_width_us=300, indices=[5]
        )
    with pytest.raises(InputError, match="start_uA"):
        ps.population_thresholds(
            population, sources_um=_contact(0.0), pulse_width_us=300,
            start_uA={DrgType.C: 0.0},
        )  # fmt: skip
    with pytest.raises(InputError, match="amplitudes_uA"):
        ps.population_activation(
            population, sources_um=_contact(0.0), pulse_width_us=300, amplitudes_uA=[100.0]
        )


def _abeta_group() -> tuple[ps._Group, np.ndarray]:
    population = pop.sample_population(n_neurons=40, seed=3)
    idx = population.indices("abeta")[:4]
    g = ps._group(
        population, idx, DrgType.ABETA, pulse_width_us=300, local=True,
        field=ps._point_sources_local(
            population, _contact(500.0), sigma_S_per_m=ps.DEFAULT_SIGMA_S_PER_M
        ),
    )  # fmt: skip
    return g, np.arange(len(idx))


def _search(g: ps._Group, **kw: object):  # type: ignore[no-untyped-def]
    return find_thresholds(
        g.batch, ve_mV=g.ve, wave=g.wave, dt_ms=g.dt_ms, maximum=6.0,
        rel_tol=RELATIVE_TOLERANCE, **kw,  # type: ignore[arg-type]
    )  # fmt: skip


def test_a_known_bracket_takes_the_doubling_path_without_rerunning_its_ends() -> None:
    g, _ = _abeta_group()
    doubling = _search(g, initial=0.025)
    assert np.isfinite(doubling.threshold).all()
    # the doubling's last two rungs: where it stopped, and the rung below (0 under 25 µA)
    k = np.ceil(np.log2(doubling.upper / 0.025))
    upper = 0.025 * 2.0**k
    lower = np.where(k > 0, upper / 2.0, 0.0)
    bracketed = _search(g, initial=0.025, bracket=(lower, upper))
    np.testing.assert_array_equal(bracketed.threshold, doubling.threshold)
    # every rung of the doubling (25 µA · 2^0 … 2^k) is known: none is run again
    assert bracketed.simulations == doubling.simulations - int((k + 1).sum())


@pytest.mark.parametrize("factor", [1.0, 3.0, 1 / 3])
def test_a_guess_gives_a_verified_bracket_wherever_it_lies(factor: float) -> None:
    # a guess around the threshold, above it or below it: the same threshold within the
    # tolerance (a bracket of the tolerance whose ends were both run); a good guess is cheap
    g, lanes = _abeta_group()
    exact = _search(g, initial=0.025)
    t = exact.threshold * factor
    got = _search(g, initial=0.025, guess=(t / 1.01, np.minimum(t * 1.01, 6.0)))
    np.testing.assert_allclose(got.threshold, exact.threshold, rtol=RELATIVE_TOLERANCE)
    assert np.all(got.upper - got.lower <= RELATIVE_TOLERANCE * got.upper)
    if factor == 1.0:  # two guesses, then bisection from 2 % to 0.1 %: 5 runs
        assert got.simulations <= 7 * len(lanes) < exact.simulations
    with pytest.raises(InputError, match="guess"):
        _search(g, guess=(t, t))
    take_lanes(g.batch, lanes)  # the group is intact


@pytest.mark.slow
def test_coarse_windows_hold_for_each_type() -> None:
    # the guess windows (COARSE, RATIO_PCT) against coarse and fine thresholds of the
    # neurons of each type nearest the contact (another population than the table's): a
    # fine threshold outside its window costs runs, not accuracy, so this guards the speed
    # (at most 6 fine runs per threshold on average, 8 before the table) and the result
    population = pop.sample_population(n_neurons=60, seed=5)
    field = ps._point_sources_local(
        population, _contact(0.0), sigma_S_per_m=ps.DEFAULT_SIGMA_S_PER_M
    )
    for kind in DrgType:
        idx = population.indices(kind)
        g = ps._group(population, idx, kind, pulse_width_us=300, field=field, local=True)
        near = np.argsort(-np.abs(g.ve).max(axis=0))[:4]
        dt_us, window = ps._coarse_choice(kind, 300.0)
        coarse = ps._coarse(g, dt_us)
        sub, ve = take_lanes(g.batch, near), np.ascontiguousarray(g.ve[:, near])
        c = find_thresholds(
            sub, ve_mV=ve, wave=coarse.wave, dt_ms=coarse.dt_ms, initial=0.025, maximum=6.0,
            steps=coarse.steps(near),
        ).threshold  # fmt: skip
        assert np.isfinite(c).all(), kind
        # the converged threshold: twice the run length (the run length leaves one Aδ
        # neuron here 0.27 % high: it fires late; the gate's verdict catches that spike)
        long = sample(
            waveform=Waveform.CATHODIC, pulse_width_us=300, dt_us=1e3 * g.dt_ms,
            tstop_ms=2.0 * float(g.run_ms.max()),
        )  # fmt: skip
        f = find_thresholds(
            sub, ve_mV=ve, wave=long, dt_ms=g.dt_ms, initial=c / 1.1, maximum=12.0,
            steps=2 * g.steps(near),
        ).threshold  # fmt: skip
        coarse_uA = np.full(g.batch.area.shape[1], np.inf)
        coarse_uA[near] = 1e3 * c
        before = g.sims
        got = ps._refine(g, coarse_uA, near, 6000.0, window)[near]
        assert np.all(np.abs(got - 1e3 * f) <= 1e-3 * 1e3 * f), (kind, got, 1e3 * f)
        assert (g.sims - before) / len(near) <= 6.0, (kind, g.sims - before, c / f)


@pytest.mark.slow
def test_threads_split_the_neurons_and_change_no_result(monkeypatch: pytest.MonkeyPatch) -> None:
    # interleaved parts in their own threads (the kernels release the GIL): every
    # threshold and state equal one part's (the run count may not: each part's first
    # lanes walk the ladder from the top); progress reaches the total
    population = pop.sample_population(n_neurons=40, seed=7)
    ab, ad, c = (population.indices(k.value) for k in DrgType)
    chosen = [*ab[:6], *ad[:4], *c[:6]]
    amps = [600.0 * k for k in range(1, 11)]
    seen: list[int] = []

    def run(threads: int) -> ps.PopulationThresholds:
        return ps.population_thresholds(
            population, sources_um=_contact(0.0), pulse_width_us=300, amplitudes_uA=amps,
            indices=chosen, threads=threads, progress=lambda done, total: seen.append(done),
        )  # fmt: skip

    one, three = run(1), run(3)
    np.testing.assert_array_equal(three.thresholds_uA, one.thresholds_uA)
    np.testing.assert_array_equal(three.active, one.active)
    np.testing.assert_array_equal(three.reached, one.reached)
    assert seen[-1] == len(chosen)
    # under Numba's workqueue layer (concurrent launches abort the process): one part,
    # so one progress call per type
    monkeypatch.setattr(cpu, "concurrent_calls_safe", lambda: False)
    seen.clear()
    alone = run(3)
    assert len(seen) == 3 and seen[-1] == len(chosen)
    np.testing.assert_array_equal(alone.thresholds_uA, one.thresholds_uA)
    with pytest.raises(InputError, match="threads"):
        run(0)


def test_a_part_that_ends_hands_its_threads_to_the_next_kernel_of_one_still_running() -> None:
    # parts of equal size need unequal time: the threads of one that has ended go to the
    # next kernel of a part still running, and never more than Numba has started
    share = ps._Threads(2, 2)
    assert share.take(1) == 1  # one each while both run
    share.give(1)  # the other part ended
    assert share.take(1) == 2
    assert share.take(1) == 1  # taken: nothing left for a third
    most = numba.config.NUMBA_NUM_THREADS
    many = ps._Threads(10**6, 2)
    assert many.take(1) == max(1, most - 1)
    many.give(most)  # a part that held them all ends
    assert many.take(1) == most
    assert many.take(most) == most


@pytest.mark.slow
def test_a_walk_from_any_rung_ends_where_the_walk_from_the_top_does() -> None:
    # the ladder's walk from a predicted rung: from the bottom, the middle or the top
    # every lane finds the same lowest rung with a spike, so the same bisection bracket
    # and threshold (Aβ neurons under the contact, some blocked on a rung, and Aδ)
    population = pop.sample_population(n_neurons=40, seed=7)
    field = ps._point_sources_local(
        population, _contact(0.0), sigma_S_per_m=ps.DEFAULT_SIGMA_S_PER_M
    )
    rungs = ps.ladder_uA(ps.DEVICE_MAX_uA)
    for kind in (DrgType.ABETA, DrgType.ADELTA):
        idx = population.indices(kind)[:10]
        g = ps._coarse(
            ps._group(population, idx, kind, pulse_width_us=300, field=field, local=True), 20.0
        )
        lanes = np.arange(len(idx))
        found = []
        for start in (len(rungs) - 1, 0, len(rungs) // 2):
            out = np.full((len(idx), len(rungs)), -1, dtype=np.int64)
            ps._walk(g, rungs, out, lanes, np.full(len(idx), start))
            found.append(ps._bisect(g, out, rungs, ps.DEVICE_MAX_uA))
        np.testing.assert_array_equal(found[1], found[0])
        np.testing.assert_array_equal(found[2], found[0])
        assert np.isfinite(found[0]).sum() >= 5, kind

"""The gate (``solver.Gate``): a run's spike that crosses a compartment on the way to the
detection site after the drive, with nothing beyond it crossed, has fired; the run ends
there. Checked on an HH cable against the detection site itself: the same verdicts and
thresholds, shorter runs, and no early verdict where the stimulus could still act beyond
the gate. And the threshold search's ``growth`` after a guess that missed.
"""

from __future__ import annotations

import numpy as np
import pytest

from drgstim.biophysics import population as pop
from drgstim.biophysics import recruitment as rec
from drgstim.biophysics.cells import hh_cable
from drgstim.biophysics.drg import population_search as ps
from drgstim.biophysics.drg.geometry import DrgType
from drgstim.biophysics.runlength import LATENCY_MS_AT_37C, lane_fastest_ms
from drgstim.biophysics.solver import Gate, assemble, run_each
from drgstim.biophysics.sources import PointSource
from drgstim.biophysics.stimulate import point_source_ve
from drgstim.biophysics.threshold import find_thresholds, take_lanes
from drgstim.biophysics.waveforms import Waveform, sample
from drgstim.errors import InputError

DT_MS = 0.025
PULSE_US = 100.0


def _cable(source_at: float) -> tuple[object, np.ndarray, np.ndarray, np.ndarray]:
    """A 10 mm HH cable at 18.5 °C (detection at its far end), a point source 500 µm
    from it at ``source_at`` of its length, and a 12 ms cathodic pulse train of one."""
    cell = hh_cable(diameter_um=10.0, length_um=10_000.0, compartment_um=100.0, temperature_C=18.5)
    x = 10_000.0 * (source_at - 0.5)  # the cable runs from −5 to 5 mm along x
    ve = point_source_ve(cell, distance_um=500.0, sigma_S_per_m=0.2, source_um=(x, 500.0, 0.0))
    wave = sample(waveform=Waveform.CATHODIC, pulse_width_us=PULSE_US, dt_us=25, tstop_ms=12.0)
    batch = assemble([cell])
    chain = np.arange(batch.area.shape[0], dtype=np.int64)
    return batch, ve[:, None], wave, chain


def _quiet(wave: np.ndarray) -> float:
    return DT_MS * float(np.flatnonzero(wave)[-1])


def _runs(batch, ve, wave, drives, gate):  # type: ignore[no-untyped-def]
    lanes = len(drives)
    return run_each(
        take_lanes(batch, np.zeros(lanes, dtype=np.int64)), ve_mV=np.repeat(ve, lanes, axis=1),
        drive=np.asarray(drives), wave=wave, dt_ms=DT_MS, gate=gate,
    )  # fmt: skip


def _threshold(batch, ve, wave, gate=None):  # type: ignore[no-untyped-def]
    return find_thresholds(batch, ve_mV=ve, wave=wave, dt_ms=DT_MS, rel_tol=1e-3, gate=gate)


def test_the_gate_gives_the_detection_sites_verdicts_and_ends_firing_runs_sooner() -> None:
    batch, ve, wave, chain = _cable(source_at=0.1)
    thr = float(_threshold(batch, ve, wave).upper[0])
    drives = np.array([0.5, 0.99, 0.999, 1.0, 1.001, 1.2, 2.0, 4.0]) * thr
    lanes = len(drives)
    gate = Gate(chain, np.full(lanes, 40), _quiet(wave))  # 4 mm along, the source at 1 mm
    plain, gated = _runs(batch, ve, wave, drives, None), _runs(batch, ve, wave, drives, gate)
    np.testing.assert_array_equal(gated.fired, plain.fired)
    np.testing.assert_array_equal(plain.fired, np.isfinite(plain.tcross_ms[-1]))
    assert plain.fired.tolist() == [False, False, False, True, True, True, True, True]
    fired = plain.fired
    # a spike takes milliseconds from the gate to the end at 18.5 °C: every run that fired
    # ended when it crossed the gate, long before its arrival
    assert np.all(gated.steps_run[fired] < plain.steps_run[fired] - 40)
    np.testing.assert_array_equal(gated.steps_run[~fired], plain.steps_run[~fired])
    # and the search that uses it finds the same bracket
    res = _threshold(batch, ve, wave, Gate(chain, np.full(1, 40), _quiet(wave)))
    assert res.upper[0] == thr


def test_a_gate_crossed_during_the_drive_or_after_a_crossing_beyond_it_is_not_a_verdict() -> None:
    # the gate next to the source, crossed while a 2 ms pulse is on: at 3 × threshold the
    # stimulus blocks the spike beyond it (virtual anodes), so no verdict until the front
    # of the crossings moves on after the pulse; blocked, it never does, and the run lasts
    # its whole length; at 1.5 × it moves on and the run ends then, before the far end
    batch, ve, wave, chain = _cable(source_at=0.5)
    thr = float(_threshold(batch, ve, wave).upper[0])
    drives = np.array([1.5, 3.0]) * thr
    long = sample(waveform=Waveform.CATHODIC, pulse_width_us=2000.0, dt_us=25, tstop_ms=12.0)
    at_source = Gate(chain, np.full(2, 50), _quiet(long))
    plain, gated = _runs(batch, ve, long, drives, None), _runs(batch, ve, long, drives, at_source)
    assert plain.fired.tolist() == [True, False]
    assert np.all(plain.tcross_ms[50] < _quiet(long))
    np.testing.assert_array_equal(gated.fired, plain.fired)
    assert gated.steps_run[1] == plain.steps_run[1]
    assert _quiet(long) / DT_MS < gated.steps_run[0] < plain.steps_run[0]
    # (a gate that took the drive for over would have called the blocked run fired)
    assert _runs(batch, ve, long, drives, Gate(chain, np.full(2, 50), 0.0)).fired.all()
    # a spike that starts beyond the gate (source at 8 mm, gate at 2 mm): the detection
    # site decides; the gate's own crossing, by the spike coming back, proves nothing
    batch, ve, wave, chain = _cable(source_at=0.8)
    thr = float(_threshold(batch, ve, wave).upper[0])
    behind = Gate(chain, np.full(2, 20), _quiet(wave))
    drives = np.array([1.001, 2.0]) * thr
    plain, gated = _runs(batch, ve, wave, drives, None), _runs(batch, ve, wave, drives, behind)
    np.testing.assert_array_equal(gated.steps_run, plain.steps_run)
    np.testing.assert_array_equal(gated.fired, plain.fired)


def test_a_gate_must_name_one_position_on_its_chain_per_lane() -> None:
    batch, ve, wave, chain = _cable(source_at=0.1)
    with pytest.raises(InputError, match="gate"):
        _runs(batch, ve, wave, [1.0], Gate(chain, np.array([0, 1]), 0.1))
    with pytest.raises(InputError, match="gate"):
        _runs(batch, ve, wave, [1.0], Gate(chain, np.array([len(chain)]), 0.1))


@pytest.mark.parametrize("factor", [0.9, 1.1])
def test_a_missed_guess_moves_by_the_growth_factor_and_finds_the_same_threshold(
    factor: float,
) -> None:
    # guessed 10 % too low (both guesses fail: up by 3 % at a time) or 10 % too high (both
    # fire: down by 3 % at a time), then bisection: the threshold of the plain search
    batch, ve, wave, _ = _cable(source_at=0.1)
    plain = _threshold(batch, ve, wave)
    thr = float(plain.threshold[0])
    guess = (np.array([0.99 * factor * thr]), np.array([factor * thr]))
    got = find_thresholds(
        batch, ve_mV=ve, wave=wave, dt_ms=DT_MS, rel_tol=1e-3, guess=guess, growth=1.03
    )
    assert abs(float(got.threshold[0]) - thr) <= 1e-3 * thr
    assert got.simulations <= 2 + 4 + 6  # two guesses, ≤ 4 steps of 3 %, bisection of 3 %
    with pytest.raises(InputError, match="growth"):
        find_thresholds(batch, ve_mV=ve, wave=wave, dt_ms=DT_MS, growth=1.0)


def test_a_myelinated_spike_past_the_gate_during_the_drive_is_called_at_its_next_node() -> None:
    # Aβ neurons at 3 and 6 mA from a contact on the ganglion's surface: the spike crosses
    # the gate (a node 1 mm past the T-junction) while the pulse is on, and the internodes
    # between nodes never cross, so the front moves on from node to node: the run is
    # called at the first node that crosses after the pulse, with the detection site's
    # verdict (blocked runs included), not 20 mm later at the central end
    population = pop.sample_population(n_neurons=40, seed=7)
    contact = [PointSource(tuple(float(c) for c in rec.contact_um(0.0)), 1.0)]  # type: ignore[arg-type]
    unit = ps._point_sources_local(population, contact, sigma_S_per_m=ps.DEFAULT_SIGMA_S_PER_M)
    idx = population.indices(DrgType.ABETA.value)
    g = ps._group(population, idx, DrgType.ABETA, pulse_width_us=300, field=unit, local=True)
    lanes = np.tile(np.arange(len(idx)), 2)
    drive = np.repeat([3.0, 6.0], len(idx))
    gate = g.gate(lanes)
    kw = {
        "ve_mV": np.ascontiguousarray(g.ve[:, lanes]), "drive": drive, "wave": g.wave,
        "dt_ms": g.dt_ms, "steps": g.steps(lanes),
    }  # fmt: skip
    batch = take_lanes(g.batch, lanes)
    plain, gated = run_each(batch, **kw), run_each(batch, gate=gate, **kw)
    np.testing.assert_array_equal(gated.fired, plain.fired)
    at = gate.chain[gate.position]
    early = gated.fired & (plain.tcross_ms[at, np.arange(len(lanes))] < gate.quiet_ms)
    assert early.sum() >= 10 and (~plain.fired).any()  # crossed during the pulse; blocked
    quiet_steps = gate.quiet_ms / g.dt_ms
    assert np.median(gated.steps_run[early]) < quiet_steps + 20  # 0.1 ms after the pulse
    assert np.all(gated.steps_run[early] < plain.steps_run[early] - 20)
    # a blocked run that crossed at or beyond its gate lasts its whole run length; one
    # blocked before it ends by its fastest travel from the gate sooner (clear_steps)
    beyond = np.array(
        [np.isfinite(plain.tcross_ms[gate.chain[p:], k]).any() for k, p in enumerate(gate.position)]
    )
    there, before = ~plain.fired & beyond, ~plain.fired & ~beyond
    assert there.any()
    np.testing.assert_array_equal(gated.steps_run[there], plain.steps_run[there])
    assert np.all(gated.steps_run[before] < plain.steps_run[before])
    # the fastest travel from the gate to the central end (its clear_steps) is faster than
    # every spike's
    f = plain.fired
    took = plain.tcross_ms[g.batch.detect, f] - plain.tcross_ms[at[f], np.flatnonzero(f)]
    assert np.all(took > g.fastest_ms[lanes][f])
    assert np.all(g.fastest_ms[lanes] > 0.1)


def test_a_run_clear_of_its_gate_ends_its_fastest_travel_sooner() -> None:
    # the HH cable, gate 4 mm along: no spike still short of the gate at clear_steps can
    # reach the far end within the run (each compartment crossed at 4 × its floor
    # velocity), so a run that does not fire ends then: the same verdicts, sooner
    batch, ve, wave, chain = _cable(source_at=0.1)
    cell = hh_cable(diameter_um=10.0, length_um=10_000.0, compartment_um=100.0, temperature_C=18.5)
    fastest = float(lane_fastest_ms(cell, path=chain, start=np.array([40]))[0])
    assert fastest == pytest.approx(5.8 / (4 * 0.8 * np.sqrt(10.0)))  # 58 × 100 µm between
    steps = len(wave) - 1
    clear = steps - int(fastest // DT_MS) + 1
    thr = float(_threshold(batch, ve, wave).upper[0])
    drives = np.array([0.5, 0.99, 0.999, 1.001, 1.2, 4.0]) * thr
    lanes = len(drives)
    gate = Gate(chain, np.full(lanes, 40), _quiet(wave), np.full(lanes, clear))
    plain, gated = _runs(batch, ve, wave, drives, None), _runs(batch, ve, wave, drives, gate)
    np.testing.assert_array_equal(gated.fired, plain.fired)
    assert plain.fired.tolist() == [False, False, False, True, True, True]
    assert np.all(gated.steps_run[~plain.fired] == clear) and clear < steps - 20
    assert np.all(gated.steps_run[plain.fired] < plain.steps_run[plain.fired])
    took = plain.tcross_ms[-1, plain.fired] - plain.tcross_ms[chain[40], plain.fired]
    assert np.all(took > fastest)
    # and the search that uses it finds the same bracket
    res = _threshold(batch, ve, wave, Gate(chain, np.full(1, 40), _quiet(wave), np.full(1, clear)))
    assert res.upper[0] == thr
    # crossed at the gate but blocked (2 ms pulse, gate at the source, 3 × threshold):
    # the whole run length
    batch, ve, wave, chain = _cable(source_at=0.5)
    thr = float(_threshold(batch, ve, wave).upper[0])
    long = sample(waveform=Waveform.CATHODIC, pulse_width_us=2000.0, dt_us=25, tstop_ms=12.0)
    at_source = Gate(chain, np.full(1, 50), _quiet(long), np.full(1, 100))
    blocked = _runs(batch, ve, long, np.array([3.0 * thr]), at_source)
    assert not blocked.fired[0] and blocked.steps_run[0] == len(long) - 1
    with pytest.raises(InputError, match="clear_steps"):
        _runs(batch, ve, long, [1.0], Gate(chain, np.array([50]), 0.1, np.array([0])))


@pytest.mark.parametrize("kind", list(DrgType))
def test_no_run_ends_clear_of_its_gate_before_a_spike_could_have_started(kind: DrgType) -> None:
    # a neuron whose origin (largest |V_e|) lies beyond its gate has a run length shorter
    # than the fastest travel from the gate to the central end: its clear_steps must not
    # fall before the pulse and the latency allowance are over (a spike could still start
    # beyond the gate), and every run's verdict is the whole run's
    population = pop.sample_population(n_neurons=40, seed=7)
    contact = [PointSource(tuple(float(c) for c in rec.contact_um(0.0)), 1.0)]  # type: ignore[arg-type]
    unit = ps._point_sources_local(population, contact, sigma_S_per_m=ps.DEFAULT_SIGMA_S_PER_M)
    idx = population.indices(kind.value)
    g = ps._group(population, idx, kind, pulse_width_us=300, field=unit, local=True)
    everyone = np.arange(len(idx))
    gate = g.gate(everyone)
    assert gate.clear_steps is not None
    started = 0.4 + LATENCY_MS_AT_37C  # pulse 0.1–0.4 ms, 37 °C
    assert np.all(gate.clear_steps * g.dt_ms >= started)
    beyond = g.run_ms - g.fastest_ms < started
    if kind is DrgType.C:
        assert beyond.any()  # C neurons whose origin lies past the gate: clamped
    lanes = np.repeat(everyone, 3)
    drive = np.tile([1.0, 3.0, 6.0], len(idx))
    kw = {
        "ve_mV": np.ascontiguousarray(g.ve[:, lanes]), "drive": drive, "wave": g.wave,
        "dt_ms": g.dt_ms, "steps": g.steps(lanes),
    }  # fmt: skip
    batch = take_lanes(g.batch, lanes)
    plain, gated = run_each(batch, **kw), run_each(batch, gate=g.gate(lanes), **kw)
    np.testing.assert_array_equal(gated.fired, plain.fired)

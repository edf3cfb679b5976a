"""The gate (``solver.Gate``): a run's spike that crosses a compartment on the way to the
detection site after the drive, with nothing beyond it crossed, has fired; the run ends
there. Checked on an HH cable against the detection site itself: the same verdicts and
thresholds, shorter runs, and no early verdict where the stimulus could still act beyond
the gate. And the threshold search's ``growth`` after a guess that missed.
"""

from __future__ import annotations

import numpy as np
import pytest

from drgstim.biophysics.cells import hh_cable
from drgstim.biophysics.solver import Gate, assemble, run_each
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

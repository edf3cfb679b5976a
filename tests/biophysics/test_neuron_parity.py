"""Side by side with NEURON: the same cell, drive and dt give the same traces and thresholds."""

from __future__ import annotations

from collections.abc import Callable

import biophysics_neuron as _neuron
import numpy as np
import pytest

from drgstim.biophysics.cells import hh_cable, mrg_axon
from drgstim.biophysics.morphology import Morphology
from drgstim.biophysics.solver import assemble, run_batch
from drgstim.biophysics.stimulate import point_source_ve
from drgstim.biophysics.threshold import find_thresholds
from drgstim.biophysics.waveforms import sample

pytestmark = pytest.mark.neuron

DT_MS = 0.005
CASES = {
    "hh": (lambda: hh_cable(diameter_um=10.0, length_um=2000.0, compartment_um=50.0), 500.0, 0.4),
    "mrg": (lambda: mrg_axon(diameter_um=10.0, nodes=11), 500.0, 0.3),
}


@pytest.fixture(autouse=True)
def _need_neuron(require: Callable[[bool, str], None]) -> None:
    require(_neuron.neuron_available(), "NEURON (import neuron + nrnivmodl)")


def _setup(name: str) -> tuple[Morphology, np.ndarray, np.ndarray]:
    build, distance_um, _ = CASES[name]
    cell = build()
    ve = point_source_ve(cell, distance_um=distance_um, sigma_S_per_m=0.2)
    wave = sample(waveform="cathodic", pulse_width_us=100.0, dt_us=5.0, tstop_ms=2.0)
    return cell, ve, wave


@pytest.mark.parametrize("name", sorted(CASES))
def test_membrane_traces_match_neuron(name: str) -> None:
    # spec: mean |ΔV| < 0.05 mV over every compartment and step of a suprathreshold run
    cell, ve, wave = _setup(name)
    amp = CASES[name][2]
    n = len(cell.compartments())
    ours = run_batch(
        assemble([cell]), ve_mV=ve[:, None], drive=np.array([amp]), wave=wave, dt_ms=DT_MS,
        record=range(n),
    ).traces_mV[:, :, 0]  # fmt: skip
    theirs = _neuron.simulate(cell, ve_mV=ve, drive=amp, wave=wave, dt_ms=DT_MS)
    assert theirs.max() > 0.0  # a spike happened, so the test covers the active membrane
    assert np.mean(np.abs(ours - theirs)) < 0.05
    assert np.max(np.abs(ours - theirs)) < 0.5


@pytest.mark.parametrize("name", sorted(CASES))
def test_thresholds_match_neuron_within_one_percent(name: str) -> None:
    cell, ve, wave = _setup(name)
    ours = find_thresholds(assemble([cell]), ve_mV=ve[:, None], wave=wave, dt_ms=DT_MS)
    theirs = _neuron.threshold(cell, ve_mV=ve, wave=wave, dt_ms=DT_MS)
    assert ours.threshold[0] == pytest.approx(theirs, rel=0.01)

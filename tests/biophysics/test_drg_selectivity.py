"""DRG selectivity over a population of source positions: Aβ below Aδ below C.

Graham et al. 2019 (Clin Neurophysiol 130:941) and Kent et al. 2018 (Neuromodulation
21:234) find that ganglion stimulation recruits Aβ neurons first, Aδ next and C neurons
last (C not at clinical amplitudes). Here each type with its published geometry (Aβ:
Amir & Devor 2003's stem; Aδ: Graham et al. 2021's stem; C: Sundt et al. 2015) meets the
same point sources, in the neuron's own frame (soma centre at the origin, stem along +y
to the T-junction 0.83 mm away, axons along ±x), 300 µs cathodic.

Published here: the order (Aβ first, C last and never first). Not published here: the
ratio bands at the end are this model's own regression bands. The papers' threshold
figures (per fibre type and electrode position) were not available, so no published
Aβ : Aδ : C ratio is asserted (docs/validation.md, "DRG selectivity", lists what was
sought and where).
"""

from __future__ import annotations

import numpy as np
import pytest

from drgstim.biophysics.drg import build_drg
from drgstim.biophysics.models import simulation_dt_us
from drgstim.biophysics.runlength import run_length_ms
from drgstim.biophysics.solver import assemble
from drgstim.biophysics.stimulate import point_source_ve
from drgstim.biophysics.threshold import find_thresholds
from drgstim.biophysics.waveforms import end_ms, sample

pytestmark = [pytest.mark.published, pytest.mark.slow]

TJ_UM = 826.0  # T-junction height above the soma centre (both myelinated types, ±0.3 %)
SOURCES_UM = {  # where the contact lies in the neuron's frame
    "0.5 mm over the soma": (0.0, 0.0, 500.0),
    "1 mm over the soma": (0.0, 0.0, 1000.0),
    "2 mm over the soma": (0.0, 0.0, 2000.0),
    "1 mm behind the soma": (0.0, -1000.0, 0.0),
    "0.5 mm over the T-junction": (0.0, TJ_UM, 500.0),
    "1 mm over the T-junction": (0.0, TJ_UM, 1000.0),
    "1 mm beyond the T-junction": (0.0, TJ_UM + 1000.0, 0.0),
    "0.5 mm over the central axon": (1000.0, TJ_UM, 500.0),
    "0.5 mm over the peripheral axon": (-1000.0, TJ_UM, 500.0),
    "beside the stem": (700.0, 400.0, 700.0),
}
START_mA = {"abeta": 0.1, "adelta": 0.1, "c": 1.0}


def thresholds_mA(kind: str) -> np.ndarray:
    """Threshold (mA, 1 %) of the default neuron of ``kind`` for every source."""
    cell = build_drg(kind)
    ve = np.stack(
        [
            point_source_ve(cell, distance_um=1.0, sigma_S_per_m=0.2, source_um=p)
            for p in SOURCES_UM.values()
        ],
        axis=1,
    )
    dt_us = simulation_dt_us(kind)
    run = run_length_ms(
        cell, stimulus_end_ms=end_ms(waveform="cathodic", pulse_width_us=300.0), ve_mV=ve
    )
    wave = sample(waveform="cathodic", pulse_width_us=300.0, dt_us=dt_us, tstop_ms=run)
    res = find_thresholds(
        assemble([cell] * len(SOURCES_UM)), ve_mV=np.ascontiguousarray(ve), wave=wave,
        dt_ms=dt_us / 1000.0, initial=START_mA[kind], rel_tol=0.01,
    )  # fmt: skip
    return res.threshold


def test_abeta_below_adelta_below_c_over_source_positions() -> None:
    ab, ad, c = (thresholds_mA(k) for k in ("abeta", "adelta", "c"))
    assert np.all(np.isfinite(ab) & np.isfinite(ad) & np.isfinite(c))
    # the published order, over the population of positions
    assert np.median(ab) < np.median(ad) < np.median(c)
    assert np.mean(ab < ad) >= 0.7  # measured 8 of 10 (not right over or behind the soma)
    assert np.all(c > ad) and np.all(c > ab)  # C always last
    # the model's own ratio medians (regression bands, not published tolerances; tabled in
    # docs/validation.md: measured 1.56 and 22.9)
    assert 1.3 <= np.median(ad / ab) <= 1.9
    assert np.median(c / ab) >= 10.0

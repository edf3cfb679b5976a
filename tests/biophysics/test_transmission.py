"""T-junction transmission with stimulation off/on (short trains; see docs for scope)."""

from __future__ import annotations

import pytest

from drgstim.biophysics.transmission import transmission
from drgstim.errors import InputError


@pytest.mark.slow
def test_c_neuron_passes_a_slow_train_without_stimulation() -> None:
    """Sundt et al. 2015: at low rates the C-fibre T-junction passes every spike."""
    r = transmission(
        kind="c",
        amplitude_uA=2000.0,
        distance_um=1000.0,
        duration_s=1.0,
        spike_rate_Hz=4.0,
        windows=2,
    )
    assert r.peripheral_off == [2, 2]
    assert r.fraction_off == [1.0, 1.0]


def test_abeta_transmission_persists_with_20_hz_stimulation() -> None:
    """Chao et al. 2020: Aβ transmission persists during 20 Hz ganglion stimulation."""
    r = transmission(
        kind="abeta",
        amplitude_uA=1000.0,
        distance_um=1000.0,
        duration_s=0.3,
        spike_rate_Hz=10.0,
        windows=3,
    )
    assert all(p >= 1 for p in r.peripheral_on)
    assert r.fraction_on == [1.0, 1.0, 1.0]
    assert r.fraction_off == [1.0, 1.0, 1.0]


def test_bad_duration_is_refused() -> None:
    with pytest.raises(InputError, match="duration_s"):
        transmission(kind="c", amplitude_uA=100.0, distance_um=1000.0, duration_s=0.0)

"""T-junction transmission of an injected spike train, ganglion stimulation off vs on.

Spec oracle (biophysics.md): with C-fibre T-junction filtering modelled, 20 Hz ganglion
stimulation progressively blocks C transmission while Aβ transmission persists (Chao et
al. 2020). The Sundt membrane has no activity-dependent mechanism, so the progressive C
block is not reproduced (docs/drg_models.md); these tests pin what the model does show.
"""

from __future__ import annotations

import numpy as np
import pytest

from drgstim.biophysics.drg import build_abeta, build_c
from drgstim.biophysics.transmission import TransmissionResult, transmission, transmission_sites
from drgstim.errors import InputError


@pytest.fixture(scope="module")
def c_run() -> TransmissionResult:
    # 1 s of a 4 Hz train (4 spikes), 20 Hz cathodic 300 µs at 1.5 mA, 1 mm (clinical)
    return transmission(model="c", duration_s=1.0, window_s=0.5, stim_amplitudes_uA=(1500.0,))


def test_sites_run_from_the_peripheral_end_through_the_tjunction_to_the_central_end() -> None:
    for cell in (build_c(), build_abeta()):
        s = transmission_sites(cell)
        comps = cell.compartments()
        x = [comps[i].centre_um[0] for i in (s.injection, s.launch, s.tjunction, s.central)]
        assert x[0] < x[1] < x[2] < x[3]  # peripheral (−x) → central (+x)
        assert comps[s.injection].section.name.startswith("peripheral")
        assert comps[s.tjunction].section.name.startswith("tjunction")
        assert s.central == cell.detect_index()


def test_c_transmits_every_spike_without_stimulation(c_run: TransmissionResult) -> None:
    assert c_run.launched.tolist() == [2, 2]
    assert c_run.transmitted[0].tolist() == [2, 2]
    assert c_run.spikes[0].tolist() == [4, 4, 4]  # one crossing per spike at every site
    assert 15.0 < c_run.latency_ms < 60.0  # about 9 mm of C axon at well under 1 m/s


def test_c_is_not_fired_by_clinical_ganglion_stimulation(c_run: TransmissionResult) -> None:
    # spec: at ≤ 1.5 mA, 300 µs, 20 Hz, ≥ 1 mm, C neurons are not directly activated
    assert c_run.evoked_central[1] == 0


def test_sundt_c_transmission_is_not_blocked_by_subthreshold_stimulation(
    c_run: TransmissionResult,
) -> None:
    # Not the Chao et al. oracle: the Sundt membrane (no Na⁺ accumulation, pump or slow
    # inactivation) recovers fully between pulses, so nothing builds up to block the
    # T-junction. If an activity-dependent mechanism is added, this changes by design.
    assert c_run.transmitted[1].tolist() == [2, 2]
    assert c_run.spikes[1].tolist() == [4, 4, 4]


def test_abeta_transmission_persists_with_clinical_stimulation() -> None:
    # 1.5 mA is above the Aβ threshold at 1 mm (0.94 mA): the stimulus fires the neuron at
    # 20 Hz too, so transmitted = central spikes beyond the stimulus's own (its own lane).
    run = transmission(
        model="abeta", rate_Hz=20.0, duration_s=0.5, window_s=0.5, stim_amplitudes_uA=(1500.0,)
    )
    launched = int(run.launched.sum())
    assert launched == 10
    assert run.transmitted[0].sum() == launched
    assert run.evoked_central[1] == 10  # one stimulus-evoked spike per 20 Hz pulse
    assert run.transmitted[1].sum() == launched  # every injected spike arrives as well


def test_result_as_dict_has_the_contract_keys(c_run: TransmissionResult) -> None:
    d = c_run.as_dict()
    assert set(d) >= {"model", "rate_Hz", "duration_s", "stimulation", "conditions", "seconds"}
    off, on = d["conditions"]
    assert (off["stimulation"], on["stimulation"]) == ("off", "on")
    assert off["fraction"] == 1.0 and on["amplitude_uA"] == 1500.0
    assert np.isfinite(d["latency_ms"])


@pytest.mark.parametrize(
    ("field", "kwargs"),
    [
        ("rate_Hz", {"rate_Hz": 0.0}),
        ("duration_s", {"duration_s": -1.0}),
        ("stim_amplitudes_uA", {"stim_amplitudes_uA": (-5.0,)}),
        ("distance_um", {"distance_um": 0.0}),
    ],
)
def test_bad_input_names_the_field(field: str, kwargs: dict[str, object]) -> None:
    with pytest.raises(InputError) as err:
        transmission(model="c", **kwargs)  # type: ignore[arg-type]
    assert err.value.field == field

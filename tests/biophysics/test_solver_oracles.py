"""The cable solver against closed-form and published oracles (spec: biophysics.md)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from drgstim.biophysics.cells import hh_cable, mrg_axon
from drgstim.biophysics.morphology import Morphology, Section
from drgstim.biophysics.solver import CurrentInjection, assemble, run_batch
from drgstim.biophysics.stimulate import point_source_ve, velocity_m_per_s
from drgstim.biophysics.threshold import find_thresholds
from drgstim.biophysics.waveforms import sample


def _passive_cable(*, length_um: float, nseg: int, diameter_um: float = 2.0) -> Morphology:
    sec = Section(
        name="cable",
        length_um=length_um,
        diameter_um=diameter_um,
        mechanism="pas",
        start_um=(-length_um / 2, 0.0, 0.0),
        end_um=(length_um / 2, 0.0, 0.0),
        nseg=nseg,
        cm_uF_per_cm2=1.0,
        ra_ohm_cm=100.0,
        parameters={"g_S_per_cm2": 0.001, "e_mV": -65.0},
    )
    return Morphology(name="pas", sections=(sec,), detect_section="cable", v_rest_mV=-65.0)


@pytest.mark.analytic
def test_first_step_follows_rattays_activating_function() -> None:
    # dVm/dt = (Ga/Cm)(Ve[n-1] - 2 Ve[n] + Ve[n+1]) from rest, any membrane; tiny dt makes
    # the backward-Euler step the derivative. HH membrane to show the mechanism is irrelevant.
    cell = hh_cable(diameter_um=10.0, length_um=2000.0, compartment_um=50.0)
    batch = assemble([cell])
    ve = point_source_ve(cell, distance_um=300.0, sigma_S_per_m=0.2)
    dt = 1e-6
    wave = np.array([0.0, -1.0])
    run = run_batch(
        batch, ve_mV=ve[:, None], drive=np.array([0.5]), wave=wave, dt_ms=dt, record=range(40)
    )
    dv_dt = (run.traces_mV[1, :, 0] - run.traces_mV[0, :, 0]) / dt
    e = -0.5 * ve
    ga, cap = batch.ga[:, 0], batch.cap[:, 0]
    n = np.arange(1, 39)
    expected = ga[n] * (e[n - 1] - 2 * e[n] + e[n + 1]) / cap[n]  # uniform cable: ga equal
    # the mechanism's resting current is zero at rest, so only the drive moves Vm
    assert np.allclose(dv_dt[n], expected, rtol=5e-3, atol=1e-6 * np.max(np.abs(expected)))
    assert dv_dt[20] > 0  # cathodic: depolarised under the source


@pytest.mark.analytic
def test_passive_cable_steady_state_in_a_uniform_field() -> None:
    # Vm(x) = E λ sinh(x/λ) / cosh(L/2λ) for Ve = −E x (sealed ends, x from the centre)
    length, nseg = 1000.0, 200
    cell = _passive_cable(length_um=length, nseg=nseg)
    batch = assemble([cell])
    x = np.array([c.centre_um[0] for c in cell.compartments()])
    field_mV_per_um = 0.01
    ve = -field_mV_per_um * x
    wave = np.ones(801)
    wave[0] = 0.0
    run = run_batch(
        batch, ve_mV=ve[:, None], drive=np.ones(1), wave=wave, dt_ms=0.025, record=range(nseg)
    )
    vm = run.traces_mV[-1, :, 0] + 65.0
    rm_ohm_cm2, d_cm, ri = 1 / 0.001, 2e-4, 100.0
    lam_um = math.sqrt(rm_ohm_cm2 * d_cm / (4 * ri)) * 1e4
    expected = field_mV_per_um * lam_um * np.sinh(x / lam_um) / np.cosh(length / (2 * lam_um))
    assert np.max(np.abs(vm - expected)) < 0.01 * np.max(np.abs(expected))


@pytest.mark.analytic
def test_current_step_into_a_sealed_passive_cable_end() -> None:
    # Steady state for a current I into the end x = 0 of a sealed cable of length L:
    # V(x) = I r_a λ cosh((L − x)/λ) / sinh(L/λ), r_a = 4 Ri / (π d²) (Rall)
    length, nseg, current_nA = 1000.0, 200, 0.05
    cell = _passive_cable(length_um=length, nseg=nseg)
    x = np.array([c.centre_um[0] for c in cell.compartments()]) + length / 2
    steps = 8000  # 200 ms = 20 membrane time constants
    step = np.ones(steps + 1)
    step[0] = 0.0
    run = run_batch(
        assemble([cell]), ve_mV=np.zeros((nseg, 1)), drive=np.zeros(1), wave=np.zeros(steps + 1),
        dt_ms=0.025, record=range(nseg),
        inject=CurrentInjection(compartments=[0], amplitude_nA=current_nA, wave=step),
    )  # fmt: skip
    vm = run.traces_mV[-1, :, 0] + 65.0
    rm_ohm_cm2, d_cm, ri = 1 / 0.001, 2e-4, 100.0
    lam_cm = math.sqrt(rm_ohm_cm2 * d_cm / (4 * ri))
    ra_ohm_per_cm = 4 * ri / (math.pi * d_cm**2)
    lam_um, i_mA = lam_cm * 1e4, current_nA * 1e-6
    v0_mV = i_mA * ra_ohm_per_cm * lam_cm  # mA · Ω = mV
    expected = v0_mV * np.cosh((length - x) / lam_um) / np.sinh(length / lam_um)
    assert np.max(np.abs(vm - expected)) < 0.01 * expected[0]
    assert vm[0] > 1.0  # a real depolarisation, not a near-zero comparison


@pytest.mark.published
def test_hh_squid_axon_conducts_at_18_8_m_per_s() -> None:
    # Hodgkin & Huxley 1952: 476 µm, 35.4 Ω·cm, 18.5 °C → 18.8 m/s (spec: ± 1 %)
    cell = hh_cable(diameter_um=476.0, length_um=60_000.0, compartment_um=100.0, temperature_C=18.5)
    assert velocity_m_per_s(cell, dt_us=5.0, tstop_ms=10.0) == pytest.approx(18.8, rel=0.01)


@pytest.mark.published
def test_mrg_10um_conducts_in_the_mid_50s() -> None:
    # McIntyre 2002 quote ≈ 58 m/s (± 5 %, dt → 0); backward Euler at dt 5 µs is slower
    cell = mrg_axon(diameter_um=10.0, nodes=41)
    fine = velocity_m_per_s(cell, dt_us=1.0, tstop_ms=3.0)
    coarse = velocity_m_per_s(cell, dt_us=5.0, tstop_ms=3.0)
    assert fine == pytest.approx(58.0, rel=0.05)
    assert 0.9 * fine < coarse < fine


@pytest.mark.published
def test_mrg_10um_matches_the_specs_neuron_velocities_at_the_same_dt() -> None:
    """Spec: a NEURON build of MRG gives 51.3 m/s at dt 5 µs and 55.2 m/s at dt 1 µs."""
    cell = mrg_axon(diameter_um=10.0, nodes=41)
    assert velocity_m_per_s(cell, dt_us=5.0, tstop_ms=3.0) == pytest.approx(51.3, rel=0.005)
    assert velocity_m_per_s(cell, dt_us=1.0, tstop_ms=3.0) == pytest.approx(55.2, rel=0.005)


@pytest.mark.parametrize("diameter_um", [2.0, 5.7, 10.0, 16.0])
def test_mrg_axon_rests_at_minus_80_mV(diameter_um: float) -> None:
    """Without drive every compartment stays within 0.5 mV of −80 mV for 20 ms.

    At −80 mV the node's slow-K⁺ current (AXNODE.mod: s∞ ≈ 0.04) balances its persistent
    and window Na⁺ currents; with β_s missing its sigmoid's + 1 (s∞ ≈ 2e-6) the nodes
    drift by > 1 mV in 10 ms and fibres ≤ 6 µm fire spontaneously.
    """
    cell = mrg_axon(diameter_um=diameter_um, nodes=11)
    n = len(cell.compartments())
    run = run_batch(
        assemble([cell]), ve_mV=np.zeros((n, 1)), drive=np.zeros(1), wave=np.zeros(801),
        dt_ms=0.025, record=list(range(n)),
    )  # fmt: skip
    assert np.abs(run.traces_mV[:, :, 0] + 80.0).max() < 0.5


@pytest.fixture(scope="module")
def mrg_thresholds() -> dict[str, np.ndarray]:
    cells = [mrg_axon(diameter_um=10.0, nodes=21)]
    batch = assemble(cells * 4)
    ve1 = point_source_ve(cells[0], distance_um=1000.0, sigma_S_per_m=0.2)
    out = {}
    # strength–duration: one batch, four pulse widths need four waveforms → four solves
    sd = []
    for pw in (50.0, 100.0, 200.0, 500.0):
        wave = sample(waveform="cathodic", pulse_width_us=pw, dt_us=5.0, tstop_ms=3.0)
        res = find_thresholds(assemble(cells), ve_mV=ve1[:, None], wave=wave, dt_ms=0.005)
        sd.append(res.threshold[0])
    out["sd"] = np.array(sd)
    ves = np.stack(
        [
            point_source_ve(cells[0], distance_um=r, sigma_S_per_m=0.2)
            for r in (250, 500, 1000, 2000)
        ],
        axis=1,
    )
    wave = sample(waveform="cathodic", pulse_width_us=100.0, dt_us=5.0, tstop_ms=3.0)
    out["distance"] = find_thresholds(batch, ve_mV=ves, wave=wave, dt_ms=0.005).threshold
    return out


@pytest.mark.published
def test_strength_duration_current_falls_and_charge_rises(mrg_thresholds: dict) -> None:
    current = mrg_thresholds["sd"]
    charge = current * np.array([50.0, 100.0, 200.0, 500.0])
    assert np.all(np.diff(current) < 0)
    assert np.all(np.diff(charge) > 0)


@pytest.mark.published
def test_threshold_grows_with_distance_towards_the_far_field_square_law(
    mrg_thresholds: dict,
) -> None:
    thr = mrg_thresholds["distance"]
    assert np.all(np.diff(thr) > 0)
    # far field I ≈ I0 + K r²: doubling 1 → 2 mm multiplies the threshold by ~3–4
    assert 2.5 < thr[3] / thr[2] < 4.5


def test_batched_lanes_are_independent() -> None:
    # a fibre's threshold does not depend on what shares its batch
    a, b = mrg_axon(diameter_um=8.0, nodes=11), mrg_axon(diameter_um=14.0, nodes=11)
    wave = sample(waveform="cathodic", pulse_width_us=100.0, dt_us=5.0, tstop_ms=2.0)
    ve_a = point_source_ve(a, distance_um=800.0, sigma_S_per_m=0.2)
    ve_b = point_source_ve(b, distance_um=1500.0, sigma_S_per_m=0.2)
    both = find_thresholds(
        assemble([a, b]), ve_mV=np.stack([ve_a, ve_b], 1), wave=wave, dt_ms=0.005
    )
    solo = find_thresholds(assemble([b]), ve_mV=ve_b[:, None], wave=wave, dt_ms=0.005)
    assert both.threshold[1] == solo.threshold[0]
    assert both.threshold[1] > both.threshold[0]  # larger fibre, but much farther


def test_a_cell_firing_without_drive_has_no_threshold() -> None:
    # a leak reversal far above the sodium threshold makes the HH cable fire on its own
    cell = hh_cable(diameter_um=10.0, length_um=1000.0, compartment_um=50.0)
    sec = cell.sections[0]
    hot = Morphology(
        name="hot",
        sections=(
            Section(
                name=sec.name, length_um=sec.length_um, diameter_um=sec.diameter_um,
                mechanism="hh", start_um=sec.start_um, end_um=sec.end_um, nseg=sec.nseg,
                parameters={"el_mV": 0.0, "gl_S_per_cm2": 0.01},
            ),
        ),
        detect_section=sec.name,
        v_rest_mV=-65.0,
    )  # fmt: skip
    wave = sample(waveform="cathodic", pulse_width_us=100.0, dt_us=25.0, tstop_ms=5.0)
    ve = point_source_ve(hot, distance_um=500.0, sigma_S_per_m=0.2)
    res = find_thresholds(assemble([hot]), ve_mV=ve[:, None], wave=wave, dt_ms=0.025)
    assert np.isnan(res.threshold[0])
    assert res.simulations < 30  # gives up instead of bisecting towards zero


def test_spike_counting_follows_a_known_train_along_an_mrg_axon() -> None:
    # 5 suprathreshold 100 µs pulses at 100 Hz into the first node: every pulse makes one
    # spike that travels the axon, so each counted node sees 5 crossings, in order along x.
    cell = mrg_axon(diameter_um=10.0, nodes=11)
    comps = cell.compartments()
    nodes = [i for i, c in enumerate(comps) if c.section.mechanism == "mrg_node"]
    train = sample(
        waveform="anodic", pulse_width_us=100.0, dt_us=5.0, tstop_ms=50.0, frequency_Hz=100.0
    )
    zero = np.zeros_like(train)
    run = run_batch(
        assemble([cell]), ve_mV=np.zeros((len(comps), 1)), drive=np.zeros(1), wave=zero,
        dt_ms=0.005, inject=CurrentInjection(compartments=[nodes[0]], amplitude_nA=5.0, wave=train),
        count=[nodes[1], nodes[5], nodes[-2]], max_spikes=3,
    )  # fmt: skip
    assert run.spike_counts[:, 0].tolist() == [5, 5, 5]
    times = run.spike_times_ms[:, :, 0]  # only the first 3 kept
    assert np.all(np.diff(times, axis=0) > 0)  # later further along the axon
    assert np.allclose(np.diff(times, axis=1), 10.0, atol=0.05)  # one per 10 ms pulse


def test_an_idle_electrode_and_spike_counting_leave_the_run_bit_identical() -> None:
    # the injection/counting path of the kernel is the plain step plus the electrode's
    # current and the counters: with 0 nA it must give exactly the run without them
    cell = hh_cable(diameter_um=10.0, length_um=2000.0, compartment_um=50.0)
    n = len(cell.compartments())
    ve = point_source_ve(cell, distance_um=500.0, sigma_S_per_m=0.2)
    wave = sample(waveform="cathodic", pulse_width_us=100.0, dt_us=5.0, tstop_ms=2.0)
    args = {"ve_mV": ve[:, None], "drive": np.array([0.4]), "wave": wave, "dt_ms": 0.005}
    plain = run_batch(assemble([cell]), record=range(n), **args)  # type: ignore[arg-type]
    idle = CurrentInjection(compartments=[0], amplitude_nA=0.0, wave=np.ones_like(wave))
    both = run_batch(assemble([cell]), record=range(n), inject=idle, count=[n // 2], **args)  # type: ignore[arg-type]
    assert np.array_equal(plain.traces_mV, both.traces_mV)
    assert plain.traces_mV.max() > 0.0  # a spike, so the active membrane is covered
    assert both.spike_counts[0, 0] == 1

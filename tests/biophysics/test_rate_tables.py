"""Gate tables at the fixed dt, and the in-kernel threshold search with lane refill."""

from __future__ import annotations

import numpy as np
import pytest

from drgstim.biophysics.cells import mrg_axon
from drgstim.biophysics.channels import MAX_PARAMETERS, MAX_STATES, REGISTRY, gate_count
from drgstim.biophysics.solver import assemble, mechanisms, run_batch, tables
from drgstim.biophysics.stimulate import point_source_ve
from drgstim.biophysics.threshold import find_thresholds
from drgstim.biophysics.waveforms import sample

GATED = sorted(name for name, mod in REGISTRY.items() if mod.STATES)


def _tf(celsius: float) -> np.ndarray:
    tf = np.ones((max(m.MECH_ID for m in REGISTRY.values()) + 1, 3))
    for mod in REGISTRY.values():
        tf[mod.MECH_ID] = mod.temperature_factors(celsius)
    return tf


def _one_step(name: str, v: float, x0: np.ndarray, rt: tables.RateTable) -> tuple:
    mod = REGISTRY[name]
    p = np.zeros((1, MAX_PARAMETERS, 1))
    p[0, : len(mod.PARAMETERS), 0] = list(mod.defaults().values())
    x_tab = x0.reshape(1, MAX_STATES, 1).copy()
    tables.advance_gates(mod.MECH_ID, 0, 0, v, p, x_tab, rt)
    x_exact = x0.copy()
    mechanisms.advance(mod.MECH_ID, v, p[0, :, 0].copy(), x_exact, rt.dt, rt.tf)
    return x_tab[0, :, 0], x_exact


@pytest.mark.parametrize("name", GATED)
@pytest.mark.parametrize(("celsius", "dt_ms"), [(6.3, 0.025), (20.0, 0.005), (37.0, 0.001)])
def test_table_gate_step_equals_the_exact_step(name: str, celsius: float, dt_ms: float) -> None:
    # A gate step from the table (x∞ and 1 − exp(−dt/τ) interpolated on a 0.02 mV grid)
    # is the exact cnexp step to 1e-6 in the gate (0–1) anywhere a membrane goes; the NEURON
    # parity tolerance (mean |ΔV| < 0.05 mV) needs far less.
    rt = tables.build(_tf(celsius), dt_ms)
    rng = np.random.default_rng(7)
    worst = 0.0
    for v in rng.uniform(-150.0, 100.0, 400):
        x0 = rng.uniform(0.0, 1.0, MAX_STATES)
        x_tab, x_exact = _one_step(name, float(v), x0, rt)
        worst = max(worst, float(np.max(np.abs(x_tab - x_exact))))
    assert worst < 1e-6


@pytest.mark.parametrize("name", GATED)
def test_off_the_table_the_exact_rates_are_used(name: str) -> None:
    rt = tables.build(_tf(20.0), 0.005)
    x0 = np.full(MAX_STATES, 0.3)
    for v in (tables.V_MIN_mV - 10.0, tables.V_MAX_mV + 10.0):
        x_tab, x_exact = _one_step(name, v, x0, rt)
        assert np.allclose(x_tab, x_exact, rtol=0.0, atol=1e-12)  # exact up to round-off


@pytest.mark.parametrize("name", GATED)
@pytest.mark.parametrize("v", [-1e5, -5000.0, -900.0, 900.0, 5000.0, 1e5])
def test_gates_stay_finite_volts_away_from_rest(name: str, v: float) -> None:
    # A source 200 µm from an Aβ soma at 6.4 mA drives nodes below -800 mV, where MRG's
    # slow-K⁺ rates both overflowed to 0 (τ = 1/0: the kernel raised ZeroDivisionError).
    # Gates are evaluated within ±V_GATE_LIMIT_mV there: saturated, finite, in [0, 1].
    rt = tables.build(_tf(37.0), 0.005)
    mod = REGISTRY[name]
    p = np.zeros((1, MAX_PARAMETERS, 1))
    p[0, : len(mod.PARAMETERS), 0] = list(mod.defaults().values())
    x = np.full((1, MAX_STATES, 1), 0.5)
    tables.advance_gates(mod.MECH_ID, 0, 0, v, p, x, rt)
    gates = x[0, : gate_count(mod), 0]
    assert np.all(np.isfinite(gates)) and np.all((gates >= 0.0) & (gates <= 1.0))


def test_sundt_sodium_gates_follow_the_shift_parameter() -> None:
    # Sundt's m and h rates move with na_shift_mV (looked up at v − shift)
    mod = REGISTRY["sundt"]
    rt = tables.build(_tf(30.0), 0.025)
    for shift in (0.0, 6.0, -4.5):
        p = np.zeros((1, MAX_PARAMETERS, 1))
        p[0, : len(mod.PARAMETERS), 0] = [*list(mod.defaults().values())[:-1], shift]
        x0 = np.full(MAX_STATES, 0.5)
        x_tab = x0.reshape(1, MAX_STATES, 1).copy()
        tables.advance_gates(mod.MECH_ID, 0, 0, -30.0, p, x_tab, rt)
        x_exact = x0.copy()
        mechanisms.advance(mod.MECH_ID, -30.0, p[0, :, 0].copy(), x_exact, 0.025, rt.tf)
        assert np.max(np.abs(x_tab[0, :, 0] - x_exact)) < 1e-6


def test_in_kernel_search_equals_one_simulation_per_amplitude() -> None:
    # Lane refill (a slot restarts at its fibre's next amplitude as soon as a simulation ends,
    # with fewer slots than fibres) gives the thresholds of plain bracket + bisection in
    # which every amplitude is its own run_batch call (same bracket, threshold its midpoint).
    cells = [mrg_axon(diameter_um=d, nodes=11) for d in (6.0, 9.0, 12.0, 15.0, 7.5)]
    dist = (600.0, 1500.0, 900.0, 2500.0, 1200.0)
    ve = np.stack(
        [
            point_source_ve(c, distance_um=r, sigma_S_per_m=0.2)
            for c, r in zip(cells, dist, strict=True)
        ],
        1,
    )
    wave = sample(waveform="cathodic", pulse_width_us=100.0, dt_us=5.0, tstop_ms=2.0)
    batch = assemble(cells)
    got = find_thresholds(batch, ve_mV=ve, wave=wave, dt_ms=0.005)
    for lane in range(len(cells)):
        one = assemble([cells[lane]])
        lo, hi, amp, sims = 0.0, np.nan, 0.1, 0
        while True:
            run = run_batch(
                one, ve_mV=ve[:, lane : lane + 1], drive=np.array([amp]), wave=wave, dt_ms=0.005
            )
            sims += 1
            if np.isfinite(run.tcross_ms[one.detect, 0]):
                hi = amp
            else:
                lo = amp
            if np.isnan(hi):
                amp *= 2.0
            elif hi - lo <= 0.001 * hi:
                break
            else:
                amp = 0.5 * (lo + hi)
        assert (got.lower[lane], got.upper[lane]) == (lo, hi)
        assert got.threshold[lane] == 0.5 * (lo + hi)
    assert got.simulations > got.rounds * 2  # five fibres, each ~12 simulations


def test_doubling_past_the_maximum_tries_the_maximum() -> None:
    # A fibre with threshold T, doubling from T/3: T/3 and 2T/3 stay silent and 4T/3 is
    # above a maximum of 1.2 T, so the search must try 1.2 T itself and find T (it used to
    # stop and report no threshold, which dropped neurons from recruitment curves).
    cell = mrg_axon(diameter_um=10.0, nodes=11)
    ve = point_source_ve(cell, distance_um=1000.0, sigma_S_per_m=0.2)[:, None]
    wave = sample(waveform="cathodic", pulse_width_us=100.0, dt_us=5.0, tstop_ms=2.0)
    batch = assemble([cell])
    t = float(find_thresholds(batch, ve_mV=ve, wave=wave, dt_ms=0.005).threshold[0])
    capped = find_thresholds(
        batch, ve_mV=ve, wave=wave, dt_ms=0.005, initial=t / 3, maximum=1.2 * t
    ).threshold[0]
    assert capped == pytest.approx(t, rel=0.02)
    below = find_thresholds(
        batch, ve_mV=ve, wave=wave, dt_ms=0.005, initial=t / 3, maximum=0.9 * t
    ).threshold[0]
    assert np.isnan(below)

"""Intracellular Na⁺ accumulation, Nernst E_Na and the Na⁺/K⁺ pump (``channels.sundt_na``).

Tiers: analytic (mass balance of one step and of a run; the capacitor-discharge invariant
of an isolated compartment through the solver), rest (the pump balanced: no current, no
Na⁺ flux, no drift), and the default C neuron untouched.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from drgstim.biophysics.channels import REGISTRY, gate_count, sundt, sundt_na
from drgstim.biophysics.drg import build_c
from drgstim.biophysics.morphology import Morphology, Section
from drgstim.biophysics.solver import assemble, mechanisms, run_batch

F = 96485.33212  # C/mol
R = 8.314462618  # J/(mol K)


def _p(**overrides: float) -> np.ndarray:
    values = dict(sundt_na.defaults(), **overrides)
    return np.array([values[name] for name in sundt_na.PARAMETERS], dtype=np.float64)


def _mM_per_ms(i_mA_per_cm2: float, diameter_um: float) -> float:
    # flux i/F (mol/s/cm²) into volume/area = d/4 (cm); 1 mol/cm³ = 1e6 mM; 1 s = 1e3 ms
    return -(i_mA_per_cm2 * 1e-3 / F) / (diameter_um * 1e-4 / 4.0) * 1e6 / 1e3


def test_sundt_na_extends_the_sundt_membrane() -> None:
    # Same gates in the same slots (so the same rate-table rows), one concentration after.
    assert sundt_na.STATES[:5] == sundt.STATES
    assert sundt_na.PARAMETERS[:8] == sundt.PARAMETERS
    assert sundt_na.TABLE_SHIFT == sundt.TABLE_SHIFT
    assert gate_count(REGISTRY["sundt_na"]) == 5
    plain = (m for n, m in REGISTRY.items() if n not in ("sundt_na", "sundt_ca"))
    assert all(gate_count(m) == len(m.STATES) for m in plain)


def test_nernst_and_the_resting_concentration() -> None:
    # E_Na at the resting [Na⁺]i is Sundt's published 55 mV at 35 °C (by construction).
    d = sundt_na.defaults()
    e = sundt_na.nernst_mV(c_in_mM=d["nai_rest_mM"], c_out_mM=154.0, celsius=35.0)
    assert e == pytest.approx(55.0, abs=1e-9)
    rt_f = 1e3 * R * (35.0 + 273.15) / F
    assert d["nai_rest_mM"] == pytest.approx(154.0 * math.exp(-55.0 / rt_f), rel=1e-12)


def test_one_step_moves_nai_by_the_na_charge_over_f_and_volume() -> None:
    p = _p(diameter_um=0.4)
    x = np.array([0.3, 0.6, 0.2, 0.5, 0.1, 15.0])
    v, dt = -20.0, 0.025
    i_na = sundt_na.na_current(v, p, x)
    before = x[5]
    mechanisms.accumulate(sundt_na.MECH_ID, v, p, x, dt)
    assert i_na < 0  # inward at −20 mV with these gates
    assert x[5] - before == pytest.approx(_mM_per_ms(i_na, 0.4) * dt, rel=1e-12)
    assert np.all(x[:5] == [0.3, 0.6, 0.2, 0.5, 0.1])  # gates untouched


def test_run_mass_balance_equals_the_integral_of_the_na_current() -> None:
    # 2 ms at fixed v and gates: Δ[Na⁺]i = −∫ i_Na dt · 4 / (F d), the integral summed
    # over the same explicit steps by the test.
    p = _p(diameter_um=0.8)
    x = np.array([0.5, 0.5, 0.0, 0.0, 0.0, 10.0])
    total = 0.0
    for _ in range(80):
        total += sundt_na.na_current(-30.0, p, x) * 0.025
        mechanisms.accumulate(sundt_na.MECH_ID, -30.0, p, x, 0.025)
    assert x[5] - 10.0 == pytest.approx(_mM_per_ms(total, 0.8), rel=1e-12)
    assert x[5] > 10.2  # a real change: about 0.26 mM in 2 ms of open channels


def _isolated(diameter_um: float) -> Morphology:
    # Only a Na⁺ leak (no channels, pump, K⁺ or other leak): the compartment's capacitor
    # discharges through it until v = E_Na([Na⁺]i).
    values = dict(sundt_na.defaults(), diameter_um=diameter_um, g_na_S_per_cm2=0.0)
    values.update(g_kdr_S_per_cm2=0.0, g_km_S_per_cm2=0.0, g_leak_S_per_cm2=0.0)
    values.update(pump_a_mA_per_cm2=0.0, g_na_leak_S_per_cm2=0.01)
    s = Section(
        name="a", length_um=10.0, diameter_um=diameter_um, mechanism="sundt_na",
        start_um=(0.0, 0.0, 0.0), end_um=(10.0, 0.0, 0.0), parameters=values,
    )  # fmt: skip
    return Morphology(name="iso", sections=(s,), detect_section="a", v_rest_mV=-60.0,
                      temperature_C=35.0)  # fmt: skip


def _end_point_mV(dt_ms: float) -> float:
    b = assemble([_isolated(0.1)])
    steps = round(5.0 / dt_ms)  # 5 ms = 50 τ (τ = C/g = 0.1 ms)
    r = run_batch(b, ve_mV=np.zeros((1, 1)), drive=np.zeros(1), wave=np.zeros(steps + 1),
                  dt_ms=dt_ms, record=[0])  # fmt: skip
    return float(r.traces_mV[-1, 0, 0])


def test_solver_conserves_charge_between_capacitor_and_concentration() -> None:
    # Every coulomb that charges the membrane from −60 mV towards E_Na enters as Na⁺:
    # [Na⁺]i = nai0 + C·(v − v0)·4/(F·d), so the end point solves v = E_Na(nai(v)); with
    # d = 0.1 µm it lies 0.64 mV below the 55 mV of a fixed concentration. The solver's v is
    # implicit and its [Na⁺]i explicit (NEURON's order), so the charge books differ by
    # O(dt/τ): first order, 5 % of the shift at dt 5 µs, 0.5 % at 0.5 µs.
    nai0 = sundt_na.defaults()["nai_rest_mM"]
    k = 1.0e-6 * 1e-3 * 4.0 / (F * 0.1e-4) * 1e6  # mM per mV: 1 µF/cm², d 0.1 µm

    def gap(v: float) -> float:
        return v - sundt_na.nernst_mV(c_in_mM=nai0 + k * (v + 60.0), c_out_mM=154.0, celsius=35.0)

    lo, hi = 50.0, 55.0
    for _ in range(60):
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if gap(mid) < 0 else (lo, mid)
    coarse, fine = abs(_end_point_mV(0.005) - lo), abs(_end_point_mV(0.0005) - lo)
    assert fine < 0.005  # mV, of a 0.64 mV shift
    assert 8.0 < coarse / fine < 12.0  # first-order convergence
    assert 55.0 - lo > 0.6  # the concentration moved E_Na


def test_every_c_section_rests_with_the_pump_balanced() -> None:
    cell = build_c(sodium_dynamics=True)
    for s in cell.sections:
        p = np.array([s.parameters[n] for n in sundt_na.PARAMETERS], dtype=np.float64)
        x = np.zeros(6)
        tf = np.array(sundt_na.temperature_factors(35.0), dtype=np.float64)
        sundt_na.steady_state(-60.0, p, x, tf)
        assert sundt_na.na_current(-60.0, p, x) == pytest.approx(0.0, abs=1e-15)  # no Na⁺ drift
        assert sundt_na.current(-60.0, p, x) == pytest.approx(0.0, abs=1e-15)  # no current
        assert sundt_na.pump_current(p, x[5]) > 1e-3  # the pump runs: 2.7 µA/cm² outward
        assert p[13] == s.diameter_um


def test_c_neuron_with_sodium_dynamics_rests_without_drift() -> None:
    # 50 ms at rest, every compartment: v stays at −60 mV (pump, Na⁺ leak and leak balanced).
    b = assemble([build_c(sodium_dynamics=True)])
    n = b.area.shape[0]
    steps = 2000
    r = run_batch(b, ve_mV=np.zeros((n, 1)), drive=np.zeros(1), wave=np.zeros(steps + 1),
                  dt_ms=0.025, record=list(range(n)))  # fmt: skip
    assert np.max(np.abs(r.traces_mV + 60.0)) < 1e-9


def test_default_c_neuron_is_the_published_sundt_membrane() -> None:
    assert {s.mechanism for s in build_c().sections} == {"sundt"}
    assert {s.mechanism for s in build_c(sodium_dynamics=True).sections} == {"sundt_na"}


def test_sodium_dynamics_is_a_c_neuron_option_only() -> None:
    from drgstim.biophysics.drg import build_drg
    from drgstim.errors import InputError

    assert build_drg("c", sodium_dynamics=True).name == "c_0.8um_na"
    with pytest.raises(InputError, match="sodium_dynamics"):
        build_drg("abeta", sodium_dynamics=True)

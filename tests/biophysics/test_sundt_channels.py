"""Sundt et al. 2015 C-neuron kinetics against their published formulas and limits."""

from __future__ import annotations

import math

import numpy as np
import pytest

from drgstim.biophysics.channels import sundt

P = sundt.sundt_parameters()


@pytest.mark.published
def test_kdr_at_half_voltage_rates_equal_alpha0() -> None:
    """Borg-Graham form: at v = v½ both rates equal α0, so n∞ = 0.5 and τn = 1/(2·α0)."""
    v_half = P.kdr["vhalf_n_mV"]
    inf = sundt.gates_at_rest(v_half, P)
    tau = sundt.time_constants_ms(v_half, P)
    assert float(inf.n) == pytest.approx(0.5, abs=1e-12)
    assert float(tau["n"]) == pytest.approx(1.0 / (2 * 0.03), rel=1e-12)  # 16.67 ms
    assert float(sundt.gates_at_rest(P.kdr["vhalf_l_mV"], P).l) == pytest.approx(0.5, abs=1e-12)


@pytest.mark.published
def test_m_current_yamada_values() -> None:
    """Yamada 1989: p∞(−35 mV) = 0.5, τp(−35) = τmax/(3.3 + 1), faster by Q10 at 35 °C."""
    inf = sundt.gates_at_rest(-35.0, P)
    tau = sundt.time_constants_ms(-35.0, P)
    phi = 3.0 ** ((35.0 - 23.5) / 10.0)
    assert float(inf.p) == pytest.approx(0.5, abs=1e-12)
    assert float(tau["p"]) == pytest.approx(1000.0 / 4.3 / phi, rel=1e-12)


@pytest.mark.published
def test_na_rates_are_traub_shifted_and_temperature_scaled() -> None:
    """Traub 1991 αm at u = 13.1 mV is its limit 0.32·4 /ms; Q10 3 from 30 °C; 6 mV shift."""
    v_pivot = 13.1 - 65.0 + P.na_shift_mV
    a_m, _ = sundt.gate_rates(v_pivot, P)["m"]
    assert float(a_m) == pytest.approx(3.0**0.5 * 0.32 * 4.0, rel=1e-9)
    unshifted = sundt.sundt_parameters(na_shift_mV=0.0)
    v = np.linspace(-90.0, 30.0, 25)
    shifted_m = sundt.gates_at_rest(v + P.na_shift_mV, P).m
    assert np.allclose(shifted_m, sundt.gates_at_rest(v, unshifted).m, rtol=1e-12)


def test_gates_are_probabilities_and_monotone() -> None:
    v = np.linspace(-120.0, 60.0, 721)
    s = sundt.gates_at_rest(v, P)
    for name in "mhnlp":
        x = getattr(s, name)
        assert np.all((x >= 0) & (x <= 1)), name
    assert np.all(np.diff(s.m) > 0) and np.all(np.diff(s.n) > 0) and np.all(np.diff(s.p) > 0)
    assert np.all(np.diff(s.h) < 0) and np.all(np.diff(s.l) < 0)
    assert all(
        np.all(np.isfinite(t)) and np.all(t > 0) for t in sundt.time_constants_ms(v, P).values()
    )


def test_leak_reversal_makes_v_rest_the_resting_potential() -> None:
    e_leak = sundt.leak_reversal_mV(P)
    v = P.v_rest_mV
    i = sundt.membrane_current_mA_per_cm2(v, sundt.gates_at_rest(v, P), P, e_leak_mV=e_leak)
    assert abs(float(i)) < 1e-15
    # Depolarising from rest with gates frozen gives an outward (positive) current near rest.
    i_up = sundt.membrane_current_mA_per_cm2(
        v + 1.0, sundt.gates_at_rest(v, P), P, e_leak_mV=e_leak
    )
    assert float(i_up) > 0


def test_na_activation_lies_between_traub_and_nav18() -> None:
    """Half-activation of m³ is depolarised by the shift: Nav1.7/1.8 midway (−35…−15 mV)."""
    v = np.linspace(-80.0, 20.0, 10001)
    m3 = sundt.gates_at_rest(v, P).m ** 3
    v_half = float(v[np.argmin(np.abs(m3 - 0.5))])
    assert -35.0 < v_half < -15.0
    assert math.isfinite(v_half)


def test_solver_interface_matches_the_numpy_kinetics() -> None:
    """The Numba mechanism functions (for the cable solver) equal the NumPy formulas."""
    d = sundt.defaults()
    p = np.array([d[k] for k in sundt.PARAMETERS])
    tf = np.array(sundt.temperature_factors(P.temperature_C))
    for v in (-80.0, -60.0, -35.0, -10.0, 20.0):
        x = np.zeros(len(sundt.STATES))
        sundt.steady_state(v, p, x, tf)
        ref = sundt.gates_at_rest(v, P)
        assert x == pytest.approx([float(getattr(ref, g)) for g in sundt.STATES], rel=1e-12)
        # One step from rest stays at rest; the current matches the NumPy one (mA/cm²).
        y = x.copy()
        sundt.advance(v, p, y, 0.025, tf)
        assert y == pytest.approx(x, rel=1e-12)
        expected = sundt.membrane_current_mA_per_cm2(v, ref, P, e_leak_mV=d["e_leak_mV"])
        assert sundt.current(v, p, x) == pytest.approx(float(expected), rel=1e-12)
    rest = np.zeros(5)
    sundt.steady_state(P.v_rest_mV, p, rest, tf)
    assert abs(sundt.current(P.v_rest_mV, p, rest)) < 1e-15

"""Every factor in drgstim.units, checked against a known equivalence."""

from __future__ import annotations

import math

import pytest

from drgstim import units


@pytest.mark.parametrize(
    ("func", "value", "expected"),
    [
        (units.mA_from_uA, 800.0, 0.8),
        (units.uA_from_mA, 0.8, 800.0),
        (units.mA_from_nA, 500.0, 5e-4),
        (units.A_from_mA, 1.0, 1e-3),
        (units.mA_from_A, 1e-3, 1.0),
        (units.ms_from_us, 300.0, 0.3),
        (units.us_from_ms, 0.3, 300.0),
        (units.s_from_ms, 1500.0, 1.5),
        (units.ms_from_s, 1.5, 1500.0),
        (units.s_from_us, 2e6, 2.0),
        (units.cm_from_um, 1e4, 1.0),
        (units.m_from_um, 1e6, 1.0),
        (units.um_from_m, 1e-6, 1.0),
        (units.mm_from_um, 1250.0, 1.25),
        (units.um_from_mm, 1.25, 1250.0),
        (units.m_from_mm, 1.0, 1e-3),
        (units.cm2_from_mm2, 100.0, 1.0),
        (units.cm2_from_um2, 1e8, 1.0),
        (units.mV_from_V, 0.3979, 397.9),
        (units.V_from_mV, 397.9, 0.3979),
        (units.S_per_cm_from_S_per_m, 0.2, 0.002),
        (units.ohm_cm_from_ohm_m, 0.7, 70.0),
        (units.years_from_hours, 365.25 * 24, 1.0),
        (units.years_from_seconds, 365.25 * 24 * 3600, 1.0),
    ],
)
def test_conversion_factor(func, value, expected):
    assert func(value) == pytest.approx(expected, rel=1e-12)


def test_charge_from_current_and_duration():
    # 800 µA for 300 µs = 0.24 µC (the spec's worked charge example)
    assert units.uC_from_uA_us(current_uA=800.0, duration_us=300.0) == pytest.approx(0.24)


def test_voltage_from_current_and_resistance():
    # 2875 µA into 1600 Ω is exactly the 4.6 V compliance limit
    assert units.V_from_uA_ohm(current_uA=2875.0, resistance_ohm=1600.0) == pytest.approx(4.6)
    assert units.uA_from_V_ohm(voltage_V=4.6, resistance_ohm=1600.0) == pytest.approx(2875.0)


def test_round_trips_are_exact():
    for forward, back in [
        (units.mA_from_uA, units.uA_from_mA),
        (units.ms_from_us, units.us_from_ms),
        (units.m_from_um, units.um_from_m),
        (units.mm_from_um, units.um_from_mm),
    ]:
        assert back(forward(math.pi)) == pytest.approx(math.pi, rel=1e-15)


def test_power_and_day_conversions() -> None:
    # 1 W is a million µW; a day is 86 400 s (battery drain and ERI→EOS period use these).
    assert units.uW_from_W(0.5) == pytest.approx(5e5)
    assert units.days_from_seconds(86_400.0 * 30) == pytest.approx(30.0)

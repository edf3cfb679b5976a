"""The device grid and lead geometry: values the reference device accepts or refuses."""

from __future__ import annotations

import itertools
import math

import pytest

from drgstim.device import (
    DEFAULT_LEAD_MODEL,
    LeadSettings,
    Polarity,
    grid,
    lead_model,
    parse_contacts,
    validate_amplitude_uA,
    validate_frequency_Hz,
    validate_impedance_interval,
    validate_pulse_width_us,
    validate_ramp_s,
)
from drgstim.errors import InputError


@pytest.mark.parametrize("value", [0, 25, 1975, 2000, 2050, 5950, 6000])
def test_amplitude_on_grid_is_accepted(value: int) -> None:
    assert validate_amplitude_uA(value) == value


@pytest.mark.parametrize(
    ("value", "nearest"),
    [(810, "800 or 825"), (2025, "2000 or 2050"), (6050, "6000"), (-25, "0"), (12.5, "0 or 25")],
)
def test_amplitude_off_grid_names_nearest(value: float, nearest: str) -> None:
    with pytest.raises(InputError) as info:
        validate_amplitude_uA(value)
    assert info.value.field == "amplitude_uA"
    assert f"nearest allowed: {nearest}" in str(info.value)


def test_amplitude_grid_steps_25_then_50() -> None:
    values = grid("amplitude_uA").values()
    below = [b - a for a, b in itertools.pairwise(values) if b <= 2000]
    above = [b - a for a, b in itertools.pairwise(values) if a >= 2000]
    assert set(below) == {25} and set(above) == {50}
    assert (values[0], values[-1], len(values)) == (0, 6000, 81 + 80)


@pytest.mark.parametrize(
    ("check", "good", "bad"),
    [
        (validate_pulse_width_us, [40, 300, 1000], [30, 305, 1010]),
        (validate_frequency_Hz, [4, 20, 80], [2, 21, 82]),
        (validate_ramp_s, [1, 8], [0, 9, 1.5]),
    ],
)
def test_other_grids(check: object, good: list[float], bad: list[float]) -> None:
    assert callable(check)
    for value in good:
        assert check(value) == value
    for value in bad:
        with pytest.raises(InputError, match="nearest allowed"):
            check(value)


def test_impedance_interval_fixed_list() -> None:
    assert validate_impedance_interval("6 h") == "6 h"
    with pytest.raises(InputError, match="30 days"):
        validate_impedance_interval("2 h")


def test_default_settings_match_reference_defaults() -> None:
    d = LeadSettings.defaults()
    assert (d.amplitude_uA, d.pulse_width_us, d.frequency_Hz) == (0, 300, 20)
    assert d.contacts == (Polarity.OFF,) * 4 and not d.enabled
    assert LeadSettings() == d


def test_default_lead_geometry() -> None:
    m = DEFAULT_LEAD_MODEL
    assert (m.contact_count, m.diameter_mm, m.length_mm, m.pitch_mm) == (4, 1.0, 1.25, 5.0)
    assert m.contact_area_mm2 == pytest.approx(3.93, abs=0.01)  # spec: ≈ 3.93 mm²
    assert m.contact_area_cm2 == pytest.approx(math.pi * 0.1 * 0.125)
    assert lead_model(m.name) == m
    with pytest.raises(InputError, match="axium-4ring"):
        lead_model("nope")


def test_parse_contacts() -> None:
    assert parse_contacts("-+00") == (Polarity.CATHODE, Polarity.ANODE, Polarity.OFF, Polarity.OFF)
    assert Polarity("-") == Polarity.CATHODE and Polarity.ANODE == "+"
    for bad in ("-+x0", "-+0", "-+000"):
        with pytest.raises(InputError) as info:
            parse_contacts(bad)
        assert info.value.field == "contacts" and bad in str(info.value)

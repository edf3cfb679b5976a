"""The web programmer's grid stepping follows the device grid of device.md."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from drgstim.web.reference import device_grid, next_on_grid, trial_success_threshold_pct


def on_grid(parameter: str, value: float) -> bool:
    """device.md: amplitude in 25 µA steps up to 2000 µA then 50 µA; PW 10 µs; 2 Hz."""
    if parameter == "amplitude_uA":
        return value % 25 == 0 if value <= 2000 else value % 50 == 0
    return value % {"pulse_width_us": 10, "frequency_Hz": 2}[parameter] == 0


@pytest.mark.parametrize(
    ("parameter", "value", "direction", "expected"),
    [
        ("amplitude_uA", 0, 1, 25),
        ("amplitude_uA", 0, -1, 0),
        ("amplitude_uA", 1975, 1, 2000),
        ("amplitude_uA", 2000, 1, 2050),
        ("amplitude_uA", 2050, -1, 2000),
        ("amplitude_uA", 2000, -1, 1975),
        ("amplitude_uA", 5950, 1, 6000),
        ("amplitude_uA", 6000, 1, 6000),
        ("amplitude_uA", 2010, -1, 2000),
        ("pulse_width_us", 300, 1, 310),
        ("pulse_width_us", 40, -1, 40),
        ("pulse_width_us", 1000, 1, 1000),
        ("frequency_Hz", 20, -1, 18),
        ("frequency_Hz", 4, -1, 4),
        ("frequency_Hz", 80, 1, 80),
    ],
)
def test_steps_follow_device_grid(
    parameter: str, value: float, direction: int, expected: float
) -> None:
    assert next_on_grid(parameter, value, direction) == expected


@given(
    parameter=st.sampled_from(["amplitude_uA", "pulse_width_us", "frequency_Hz"]),
    fraction=st.floats(min_value=0, max_value=1),
    direction=st.sampled_from([1, -1]),
)
def test_every_step_lands_on_the_grid_inside_the_range(
    parameter: str, fraction: float, direction: int
) -> None:
    spec = device_grid()[parameter]
    value = round(spec["min"] + fraction * (spec["max"] - spec["min"]))
    result = next_on_grid(parameter, value, direction)
    assert spec["min"] <= result <= spec["max"]
    assert on_grid(parameter, result)
    assert (result - value) * direction >= 0  # never moves the wrong way


def test_grid_defaults_are_the_device_defaults() -> None:
    grid = device_grid()
    # device.md defaults: 0 µA, 300 µs, 20 Hz; 4 contacts per lead.
    assert (grid["amplitude_uA"]["default"], grid["pulse_width_us"]["default"]) == (0, 300)
    assert (grid["frequency_Hz"]["default"], grid["contacts_per_lead"]["value"]) == (20, 4)


def test_trial_success_line_is_the_pivotal_trial_criterion() -> None:
    assert trial_success_threshold_pct() == 50.0  # ACCURATE: >= 50 % reduction

"""``next``: safe Bayesian optimisation never proposes a program the device refuses."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from drgstim.device import check_program
from drgstim.errors import InputError
from drgstim.therapy import Trial, next_program, read_feedback
from drgstim.therapy.refine import MAX_STEP_uA
from drgstim.therapy.suggest import CONFIGURATIONS

AMPS = [a for a in range(25, 2001, 25)]
trial = st.builds(
    Trial,
    contacts=st.sampled_from(CONFIGURATIONS),
    amplitude_uA=st.sampled_from(AMPS),
    pulse_width_us=st.sampled_from([100, 200, 300, 400, 600, 1000]),
    frequency_Hz=st.sampled_from([4, 20, 60, 80]),
    coverage=st.floats(0.0, 1.0),
    comfort=st.floats(0.0, 10.0),
)


@given(
    trials=st.lists(trial, min_size=1, max_size=6),
    impedance=st.sampled_from([None, 400.0, 1600.0, 3000.0, 4500.0]),
    comfort_min=st.sampled_from([0.0, 5.0, 8.0]),
)
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_no_proposal_is_ever_unsafe(
    trials: list[Trial], impedance: float | None, comfort_min: float
) -> None:
    try:
        body = next_program(trials, impedance_ohm=impedance, comfort_min=comfort_min)
    except InputError as exc:  # only when no tried program can be made device-safe
        assert exc.field == "feedback"
        return
    report = check_program(
        amplitude_uA=body["amplitude_uA"],
        pulse_width_us=body["pulse_width_us"],
        frequency_Hz=body["frequency_Hz"],
        contacts=body["contacts"],
        impedance_ohm=body["impedance_ohm"],
    )
    assert report.safe, report.errors
    if not body["fallback"]:
        assert body["comfort_lower_bound"] >= comfort_min - 1e-9
        near = [
            t
            for t in trials
            if t.contacts == body["contacts"]
            and t.comfort >= comfort_min
            and body["amplitude_uA"] <= t.amplitude_uA + MAX_STEP_uA
        ]
        assert near  # never far above what the patient found comfortable
    else:
        best = max(t.comfort for t in trials)
        ceiling = max(t.amplitude_uA for t in trials if t.comfort == best)
        assert body["amplitude_uA"] < ceiling or body["amplitude_uA"] == AMPS[0]


def test_next_moves_towards_better_coverage_and_stays_comfortable() -> None:
    trials = [
        Trial("0-+0", 400, 300, 20, coverage=0.2, comfort=9.0),
        Trial("0-+0", 600, 300, 20, coverage=0.5, comfort=8.5),
        Trial("0-+0", 800, 300, 20, coverage=0.7, comfort=8.0),
    ]
    body = next_program(trials, impedance_ohm=1600.0)
    assert not body["fallback"]
    assert body["amplitude_uA"] > 600  # up the coverage gradient
    assert body["amplitude_uA"] <= 800 + MAX_STEP_uA


def test_only_uncomfortable_programs_give_a_lower_fallback() -> None:
    trials = [Trial("-+00", 1200, 300, 20, coverage=0.8, comfort=2.0)]
    body = next_program(trials, impedance_ohm=1600.0)
    assert body["fallback"] and body["amplitude_uA"] < 1200 and body["contacts"] == "-+00"


def test_feedback_csv_errors_name_row_and_field() -> None:
    head = "contacts,amplitude_uA,pulse_width_us,frequency_Hz,coverage,comfort\n"
    assert len(read_feedback(head + "-+00,800,300,20,0.5,7\n")) == 1
    with pytest.raises(InputError) as err:
        read_feedback(head + "-+00,801,300,20,0.5,7\n")
    assert err.value.field == "feedback[0].amplitude_uA" and "25" in err.value.allowed
    with pytest.raises(InputError) as err:
        read_feedback(head + "-+00,800,300,20,1.5,7\n")
    assert err.value.field == "feedback[0].coverage"
    with pytest.raises(InputError) as err:
        read_feedback("contacts,amplitude_uA\n-+00,800\n")
    assert err.value.field == "feedback"

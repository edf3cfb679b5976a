"""Clinician session rules, patient controller limits, magnet and trial stimulator."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from device_helpers import StepClock

from drgstim.device import (
    ClinicianSession,
    ImplantedGenerator,
    Magnet,
    PatientController,
    SpineLocation,
    TrialStimulator,
    labelling_warnings,
)
from drgstim.errors import InputError


def programmed(lead_count: int = 2) -> tuple[ImplantedGenerator, ClinicianSession]:
    ipg = ImplantedGenerator("IPG-7", lead_count=lead_count)
    session = ClinicianSession(ipg, clinician="dr-lee", clock=StepClock())
    for lead in range(lead_count):
        session.transfer_impedance(lead, 1600)
        session.set_contacts(lead, "-+00")
        session.set_amplitude(lead, 800)
        session.enable_lead(lead)
    return ipg, session


def test_impedance_must_be_transferred_before_programming() -> None:
    ipg = ImplantedGenerator("IPG-1")
    session = ClinicianSession(ipg, clinician="dr-lee", clock=StepClock())
    with pytest.raises(InputError, match="measure and transfer it first"):
        session.set_amplitude(0, 800)
    session.transfer_impedance(0, 1600)
    assert session.set_amplitude(0, 800).amplitude_uA == 800


def test_enable_needs_cathode_and_anode() -> None:
    ipg, session = programmed(1)
    session.set_contacts(0, "--00")
    with pytest.raises(InputError, match="cathode"):
        session.enable_lead(0)
    assert not ipg.lead_settings(0).enabled


def test_contact_change_disables_lead_and_zeroes_amplitude() -> None:
    ipg, session = programmed(1)
    assert ipg.lead_settings(0).enabled and ipg.lead_settings(0).amplitude_uA == 800
    session.set_contacts(0, "0-+0")
    s = ipg.lead_settings(0)
    assert not s.enabled and s.amplitude_uA == 0 and s.contacts_text == "0-+0"


def test_off_grid_value_refused_with_nearest_and_state_unchanged() -> None:
    ipg, session = programmed(1)
    with pytest.raises(InputError, match="800 or 825"):
        session.set_amplitude(0, 810)
    with pytest.raises(InputError, match="nearest allowed"):
        session.set_frequency(0, 81)
    assert ipg.lead_settings(0).amplitude_uA == 800


def test_unsafe_charge_and_compliance_refused() -> None:
    ipg, session = programmed(1)
    session.set_pulse_width(0, 1000)
    session.set_amplitude(0, 1500)  # 1.5 µC on 0.039 cm²: D = 38 > 30 but k = 1.76 < 1.85
    assert ipg.lead_settings(0).amplitude_uA == 1500  # a published clinical program passes
    with pytest.raises(InputError, match=r"lead 0 .*D = 50\.9 µC/cm².*Shannon \(1992\) k"):
        session.set_amplitude(0, 2000)  # 2 µC: k = 2.01 >= 1.85
    session.set_amplitude(0, 800)
    with pytest.raises(InputError, match="maximum output reached"):
        session.set_pulse_width(0, 300)
        session.set_amplitude(0, 3000)  # 3 mA × 1600 Ω = 4.8 V > 4.6 V
    assert ipg.lead_settings(0).amplitude_uA == 800


def test_patient_max_must_be_safe_and_at_least_amplitude() -> None:
    _ipg, session = programmed(1)
    with pytest.raises(InputError, match="≥ programmed amplitude"):
        session.set_patient_max(0, 700)
    with pytest.raises(InputError):
        session.set_patient_max(0, 4000)  # D ≈ 30.6 µC/cm² at 300 µs, and 6.4 V
    assert session.set_patient_max(0, 1200).patient_max_uA == 1200


def test_open_circuit_disables_lead_with_alert() -> None:
    ipg, session = programmed(2)
    session.transfer_impedance(1, 65534)
    assert not ipg.lead_settings(1).enabled and ipg.lead_settings(0).enabled
    assert any("open circuit" in a for a in ipg.alerts)
    with pytest.raises(InputError, match="open circuit"):
        session.enable_lead(1)


def test_groups_at_most_four_and_patient_flag() -> None:
    ipg, session = programmed(1)
    for name in ("Sleeping", "Exercising", "Sitting"):
        session.add_group(name)
    with pytest.raises(InputError, match="at most 4"):
        session.add_group("Fifth")
    session.set_patient_enabled(2, False)
    session.select_group(0)
    controller = PatientController(ipg, clock=StepClock())
    assert controller.selectable_groups() == [0, 1, 3]
    with pytest.raises(InputError, match="patient use"):
        controller.select_group(2)
    controller.select_group(3)
    assert ipg.active_group == 3


def test_spine_location_vocabulary_and_labelling_warnings() -> None:
    _ipg, session = programmed(1)
    assert session.set_spine_location(0, "L5 left") == []
    warnings = session.set_spine_location(0, "T9 right")
    assert warnings and "above T10" in warnings[0]
    with pytest.raises(InputError):
        session.set_spine_location(0, "L6 left")
    assert labelling_warnings(lead_count=5, locations=[])[0].startswith("5 leads")


def test_stimulus_responses_vocabulary_and_limit_of_12() -> None:
    _ipg, session = programmed(1)
    with pytest.raises(InputError, match="sensation"):
        session.add_stimulus_response(0, anatomy="foot top", sensation="itchy")
    for _ in range(12):
        session.add_stimulus_response(0, anatomy="foot top", sensation="tingling")
    with pytest.raises(InputError, match="at most 12"):
        session.add_stimulus_response(0, anatomy="knee", sensation="buzzing")


def test_session_events_and_record_are_plain_dicts() -> None:
    _ipg, session = programmed(1)
    session.set_amplitude(0, 900)
    record = session.end()
    data = record.to_dict()
    last = data["events"][-1]
    assert last["who"] == "dr-lee" and last["action"] == "set_amplitude"
    assert last["old"]["amplitude_uA"] == 800 and last["new"]["amplitude_uA"] == 900
    assert last["when"] == "2026-01-05T09:00:06+00:00"  # deterministic injected clock
    assert data["final_groups"][0]["leads"][0]["amplitude_uA"] == 900
    with pytest.raises(InputError, match="open session"):
        session.set_amplitude(0, 800)
    assert session.log.events == record.events  # nothing appended after end


def test_event_log_is_append_only() -> None:
    _ipg, session = programmed(1)
    n = len(session.log)
    events = session.log.events
    assert isinstance(events, tuple) and not hasattr(session.log, "remove")
    with pytest.raises(ValueError, match="time order"):
        session.log.append(type(events[0])("x", datetime(2000, 1, 1, tzinfo=UTC), "set_amplitude"))
    assert len(session.log) == n


def test_patient_steps_stay_within_clinician_max() -> None:
    ipg, session = programmed(1)
    session.set_patient_max(0, 850)
    controller = PatientController(ipg, clock=StepClock())
    assert [controller.amplitude_up(0) for _ in range(3)] == [825, 850, 850]
    assert controller.status()["leads"][0]["level_fraction"] == 1.0
    for _ in range(40):
        controller.amplitude_down(0)
    assert ipg.lead_settings(0).amplitude_uA == 0


def test_patient_region_off_and_all_off_needs_confirmation() -> None:
    ipg, _ = programmed(2)
    controller = PatientController(ipg, clock=StepClock())
    controller.set_region(1, False)
    assert ipg.delivering(0) and not ipg.delivering(1)
    assert controller.all_off(confirm=False) is False and ipg.delivering(0)
    assert controller.all_off(confirm=True) and not ipg.delivering(0)
    status = controller.status()
    assert status["battery"] == "ok" and status["connected"] is True
    assert "voltage" not in str(status)  # the controller never shows IPG battery voltage


def test_magnet_wakes_and_optional_turn_off() -> None:
    ipg, _ = programmed(1)
    assert ipg.apply_magnet(held_s=30) is True and ipg.awake  # turn-off off: only wakes
    ipg.magnet = Magnet(turn_off_hold_s=5)
    assert ipg.apply_magnet(held_s=2) is True
    assert ipg.apply_magnet(held_s=5) is False and not ipg.delivering(0)
    with pytest.raises(InputError):
        Magnet(turn_off_hold_s=12)


def test_magnet_turn_off_times_are_the_manuals_list() -> None:
    # Axium clinician manual, Appendix I: Off; 1-10 s; 15, 20, 25, 30, 40, 50 s; 1 min;
    # 70-110 s in 10 s steps; 2 min.
    listed = [*range(1, 11), 15, 20, 25, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120]
    for hold in [0, *listed]:
        assert Magnet(turn_off_hold_s=hold).turn_off_hold_s == hold
    for hold in (11, 35, 45, 55, 65, 115, 121, 180):
        with pytest.raises(InputError, match="turn_off_hold_s"):
            Magnet(turn_off_hold_s=hold)


def test_trial_stimulator_wear_limit_and_reset() -> None:
    trial = TrialStimulator("TRIAL-1", lead_count=2)
    start = datetime(2026, 3, 1, tzinfo=UTC)
    trial.start_wear(start)
    assert trial.wear_warning(start + timedelta(days=30)) is None
    assert "30 days" in str(trial.wear_warning(start + timedelta(days=31)))
    session = ClinicianSession(trial, clinician="dr-lee", clock=StepClock())
    session.transfer_impedance(0, 1500)
    session.set_spine_location(0, SpineLocation.parse("S1 left"))
    trial.reset()
    assert trial.impedance_ohm == [None, None] and trial.worn_since is None
    assert trial.locations == [None, None] and trial.kind == "trial_stimulator"


def test_more_than_four_channels_refused() -> None:
    with pytest.raises(InputError, match="one channel per lead"):
        ImplantedGenerator("IPG-9", lead_count=5)


def test_generator_state_round_trips_through_plain_dicts() -> None:
    import json

    from drgstim.device import generator_from_dict

    ipg, session = programmed(2)
    session.add_group("Sleeping", patient_enabled=False)
    session.set_spine_location(1, "S1 right")
    session.add_stimulus_response(1, anatomy="foot bottom", sensation="tingling")
    ipg.run_for(timedelta(days=100))
    data = json.loads(json.dumps(ipg.to_dict()))  # storage keeps JSON
    again = generator_from_dict(data)
    assert isinstance(again, ImplantedGenerator) and again.to_dict() == ipg.to_dict()
    trial = TrialStimulator("T-2", lead_count=1)
    trial.start_wear(datetime(2026, 3, 1, tzinfo=UTC))
    assert generator_from_dict(json.loads(json.dumps(trial.to_dict()))).to_dict() == trial.to_dict()


def test_stored_state_is_revalidated() -> None:
    from drgstim.device import generator_from_dict

    ipg, _ = programmed(1)
    data = ipg.to_dict()
    data["groups"][0]["leads"][0]["amplitude_uA"] = 810  # tampered or corrupted
    with pytest.raises(InputError, match="825"):
        generator_from_dict(data)
    data = ipg.to_dict()
    data["groups"][0]["leads"][0]["contacts"] = "--00"  # enabled without an anode
    with pytest.raises(InputError, match="anode"):
        generator_from_dict(data)
    data = ipg.to_dict()
    data["groups"][0]["leads"][0]["amplitude_uA"] = 1000  # above the patient maximum (800)
    with pytest.raises(InputError, match="0–800 µA"):
        generator_from_dict(data)

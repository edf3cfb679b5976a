"""The controller reports the battery as the device model decides it: the implanted cell is
run from its last record at the settings running, OK → ERI → EOS; a trial stimulator's
external battery has no service life to report."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from drgstim.api import device_service as ds
from drgstim.api.schemas.devices import ControllerRequest
from drgstim.device import ImplantedGenerator, LeadLoad, estimate_longevity
from drgstim.storage.models import Program

LEAD = {"lead": 1, "level": "L4", "side": "left", "impedance_ohm": 1200}


def program(amplitude_uA: int = 800) -> Program:
    settings = {
        "leads": [
            {
                "lead": 1,
                "contacts": ["-", "+", "0", "0"],
                "amplitude_uA": amplitude_uA,
                "patient_max_uA": 1600,
                "pulse_width_us": 300,
                "frequency_Hz": 20,
            }
        ]
    }
    return Program(name="Walk", for_patient_use=True, settings=settings, safety={})


def status(state: dict[str, Any], *, kind: str = "ipg", amplitude_uA: int = 800) -> Any:
    facts = ds.DeviceFacts.of(serial="IPG-B", kind=kind, leads=[LEAD], state=state)
    request = ControllerRequest(action="status")
    return ds.controller_action(facts, [program(amplitude_uA)], request, who="patient").view


def test_a_new_cell_reports_the_devices_longevity_at_the_settings_running() -> None:
    view = status({})
    assert view.battery == "ok" and view.connected
    expected = estimate_longevity([LeadLoad(800, 300, 20, 1200)]).years
    assert view.battery_years_left == pytest.approx(expected, rel=1e-9)
    # A stronger program drains the cell faster: fewer years left.
    assert status({}, amplitude_uA=1600).battery_years_left < expected


def test_the_cell_runs_down_from_its_last_record_to_eri_then_eos() -> None:
    full = ImplantedGenerator("IPG-B").remaining_J
    a_year_ago = (datetime.now(UTC) - timedelta(days=365)).isoformat()
    older = status({"battery": {"remaining_J": full, "at": a_year_ago}})
    assert older.battery == "ok"
    assert older.battery_years_left == pytest.approx(status({}).battery_years_left - 1, abs=0.01)
    # A cell with a week left is at the elective replacement indicator.
    week = full * 7 / (365 * status({}).battery_years_left)
    low = status({"battery": {"remaining_J": week, "at": datetime.now(UTC).isoformat()}})
    assert low.battery == "eri" and low.stimulation_on
    # An empty cell: end of service, and stimulation stops on every lead.
    empty = status({"battery": {"remaining_J": week, "at": a_year_ago}})
    assert empty.battery == "eos"
    assert not empty.stimulation_on and not any(lead.on for lead in empty.leads)


def test_a_controller_press_records_the_cell_and_a_bad_record_is_a_new_cell() -> None:
    facts = ds.DeviceFacts.of(serial="IPG-B", kind="ipg", leads=[LEAD], state={})
    pressed = ds.controller_action(
        facts, [program()], ControllerRequest(action="step_up", lead=1), who="patient"
    )
    record = pressed.state["battery"]
    assert 0 < record["remaining_J"] <= ImplantedGenerator("IPG-B").remaining_J
    assert datetime.fromisoformat(record["at"]).tzinfo is not None
    assert status({"battery": "garbage"}).battery_years_left == status({}).battery_years_left


def test_a_trial_stimulator_reports_no_service_life() -> None:
    view = status({}, kind="trial_stimulator")
    assert view.battery == "ok" and view.battery_years_left is None
    assert view.kind == "trial_stimulator"


def test_a_program_saved_records_the_cell_run_at_the_settings_before_it() -> None:
    full = ImplantedGenerator("IPG-B").remaining_J
    a_year_ago = (datetime.now(UTC) - timedelta(days=365)).isoformat()
    state = {"battery": {"remaining_J": full, "at": a_year_ago}}
    facts = ds.DeviceFacts.of(serial="IPG-B", kind="ipg", leads=[LEAD], state=state)
    stored = program()
    stronger = ds.program_settings(program(1600))
    assert stronger is not None
    outcome = ds.save_program(
        facts,
        [stored],
        editing=stored,
        name="Walk",
        for_patient_use=True,
        settings=stronger,
        clinician="clinician",
    )
    record = outcome.state["battery"]
    # A year at 800 µA was drawn from the cell; the stronger program counts from now.
    assert record["remaining_J"] == pytest.approx(
        full - full / status({}).battery_years_left, rel=1e-3
    )
    assert datetime.now(UTC) - datetime.fromisoformat(record["at"]) < timedelta(minutes=1)

"""The virtual DRG stimulation system: leads, programs, safety, battery, generators,
clinician session and patient controller. Pure Python, no I/O beyond reading its cited
reference data (``drgstim/data/device/device.json``).
"""

from __future__ import annotations

from drgstim.device._data import limit as device_limit
from drgstim.device.battery import (
    BatteryState,
    LeadLoad,
    LongevityEstimate,
    battery_state,
    default_impedance_ohm,
    estimate_longevity,
)
from drgstim.device.controller import PatientController
from drgstim.device.events import Clock, Event, EventLog, SessionRecord, utc_now
from drgstim.device.generator import (
    Generator,
    GeneratorKind,
    ImplantedGenerator,
    Magnet,
    TrialStimulator,
    generator_from_dict,
)
from drgstim.device.grid import (
    Grid,
    grid,
    grid_problem,
    validate_amplitude_uA,
    validate_frequency_Hz,
    validate_impedance_interval,
    validate_pulse_width_us,
    validate_ramp_s,
)
from drgstim.device.lead import DEFAULT_LEAD_MODEL, LeadModel, Polarity, lead_model, parse_contacts
from drgstim.device.program import Group, LeadSettings
from drgstim.device.safety import (
    MAXIMUM_OUTPUT_REACHED,
    ContactCharge,
    SafetyReport,
    check_program,
    contact_charges,
)
from drgstim.device.session import ClinicianSession, labelling_warnings
from drgstim.device.vocabulary import (
    ANATOMY_TERMS,
    SENSATION_TERMS,
    SPINE_LEVELS,
    Side,
    SpineLocation,
    StimulusResponse,
)

__all__ = [
    "ANATOMY_TERMS",
    "DEFAULT_LEAD_MODEL",
    "MAXIMUM_OUTPUT_REACHED",
    "SENSATION_TERMS",
    "SPINE_LEVELS",
    "BatteryState",
    "ClinicianSession",
    "Clock",
    "ContactCharge",
    "Event",
    "EventLog",
    "Generator",
    "GeneratorKind",
    "Grid",
    "Group",
    "ImplantedGenerator",
    "LeadLoad",
    "LeadModel",
    "LeadSettings",
    "LongevityEstimate",
    "Magnet",
    "PatientController",
    "Polarity",
    "SafetyReport",
    "SessionRecord",
    "Side",
    "SpineLocation",
    "StimulusResponse",
    "TrialStimulator",
    "battery_state",
    "check_program",
    "contact_charges",
    "default_impedance_ohm",
    "device_limit",
    "estimate_longevity",
    "generator_from_dict",
    "grid",
    "grid_problem",
    "labelling_warnings",
    "lead_model",
    "parse_contacts",
    "utc_now",
    "validate_amplitude_uA",
    "validate_frequency_Hz",
    "validate_impedance_interval",
    "validate_pulse_width_us",
    "validate_ramp_s",
]

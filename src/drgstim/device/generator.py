"""Pulse generators: the implanted IPG and the external trial stimulator, and the magnet.

A generator holds state only; :class:`~drgstim.device.session.ClinicianSession` and
:class:`~drgstim.device.controller.PatientController` change it, each within its rules.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

from drgstim.device._data import device_data, limit
from drgstim.device.battery import (
    BatteryState,
    LeadLoad,
    battery_state,
    housekeeping_power_W,
    stimulation_power_W,
)
from drgstim.device.grid import validate_impedance_interval
from drgstim.device.lead import DEFAULT_LEAD_MODEL, LeadModel, lead_model
from drgstim.device.program import Group, LeadSettings
from drgstim.device.safety import check_program
from drgstim.device.vocabulary import Side, SpineLocation, StimulusResponse
from drgstim.errors import InputError

__all__ = [
    "Generator",
    "GeneratorKind",
    "ImplantedGenerator",
    "Magnet",
    "TrialStimulator",
    "generator_from_dict",
]


class GeneratorKind(StrEnum):
    IMPLANTED = "implanted"
    TRIAL = "trial_stimulator"


@dataclass
class Magnet:
    """Magnet behaviour: wakes the generator for telemetry; optional turn-off after a hold.

    ``turn_off_hold_s`` = 0 means magnet turn-off is off.
    """

    turn_off_hold_s: int = 0

    def __post_init__(self) -> None:
        allowed: list[int] = limit("magnet_hold_s")
        if self.turn_off_hold_s not in allowed:
            raise InputError("turn_off_hold_s", self.turn_off_hold_s, f"one of {allowed} s")


@dataclass
class Generator:
    """State common to both generator kinds (up to 4 leads, one channel each)."""

    serial: str
    lead_count: int = 1
    lead_model: LeadModel = DEFAULT_LEAD_MODEL
    kind: GeneratorKind = GeneratorKind.IMPLANTED
    groups: list[Group] = field(default_factory=list)
    active_group: int = 0
    impedance_ohm: list[float | None] = field(default_factory=list)
    impedance_interval: str = field(
        default_factory=lambda: str(device_data()["impedance_intervals"]["default"])
    )
    locations: list[SpineLocation | None] = field(default_factory=list)
    responses: list[list[StimulusResponse]] = field(default_factory=list)
    region_on: list[bool] = field(default_factory=list)
    stimulation_on: bool = True
    magnet: Magnet = field(default_factory=Magnet)
    awake: bool = False
    alerts: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        max_leads = int(limit("max_leads"))
        if not 1 <= self.lead_count <= max_leads:
            raise InputError("lead_count", self.lead_count, f"1–{max_leads} (one channel per lead)")
        n = self.lead_count
        if not self.groups:
            settings = LeadSettings.defaults(contact_count=self.lead_model.contact_count)
            self.groups = [Group("Group 1", (settings,) * n)]
        self.impedance_ohm = self.impedance_ohm or [None] * n
        self.locations = self.locations or [None] * n
        self.responses = self.responses or [[] for _ in range(n)]
        self.region_on = self.region_on or [True] * n

    @property
    def group(self) -> Group:
        """The group now running."""
        return self.groups[self.active_group]

    def lead_settings(self, lead: int) -> LeadSettings:
        return self.group.leads[lead]

    @property
    def battery(self) -> BatteryState:
        return BatteryState.OK

    def _switched_on(self, lead: int) -> bool:
        return self.stimulation_on and self.region_on[lead] and self.lead_settings(lead).enabled

    def delivering(self, lead: int) -> bool:
        """Whether stimulation actually reaches this lead now (never at end of service)."""
        return self._switched_on(lead) and self.battery != BatteryState.EOS

    def loads(self) -> list[LeadLoad]:
        """The battery load of the leads now delivering."""
        return [
            LeadLoad(s.amplitude_uA, s.pulse_width_us, s.frequency_Hz, self.impedance_ohm[i])
            for i, s in enumerate(self.group.leads)
            if self._switched_on(i)
        ]

    def apply_magnet(self, *, held_s: float) -> bool:
        """Hold the magnet over the generator: it wakes for telemetry, and with magnet
        turn-off set, a hold of at least that long turns stimulation off. Returns whether
        stimulation is on afterwards."""
        self.awake = True
        hold = self.magnet.turn_off_hold_s
        if hold and held_s >= hold:
            self.stimulation_on = False
        return self.stimulation_on

    def to_dict(self) -> dict[str, Any]:
        """The whole state as plain data (for storage); ``generator_from_dict`` reads it."""
        return {
            "serial": self.serial,
            "kind": self.kind.value,
            "lead_count": self.lead_count,
            "lead_model": self.lead_model.name,
            "groups": [g.to_dict() for g in self.groups],
            "active_group": self.active_group,
            "impedance_ohm": list(self.impedance_ohm),
            "impedance_interval": self.impedance_interval,
            "locations": [loc.to_dict() if loc else None for loc in self.locations],
            "responses": [[r.to_dict() for r in rs] for rs in self.responses],
            "region_on": list(self.region_on),
            "stimulation_on": self.stimulation_on,
            "magnet_turn_off_hold_s": self.magnet.turn_off_hold_s,
            "alerts": list(self.alerts),
        }

    def _load(self, data: dict[str, Any]) -> None:
        self.groups = [Group.from_dict(g) for g in data["groups"]]
        if not 0 <= int(data["active_group"]) < len(self.groups):
            raise InputError("active_group", data["active_group"], f"0–{len(self.groups) - 1}")
        self.active_group = int(data["active_group"])
        self.impedance_ohm = [None if z is None else float(z) for z in data["impedance_ohm"]]
        self.impedance_interval = validate_impedance_interval(data["impedance_interval"])
        self.locations = [
            None if loc is None else SpineLocation(loc["level"], Side(loc["side"]))
            for loc in data["locations"]
        ]
        self.responses = [
            [StimulusResponse(r["anatomy"], r["sensation"]) for r in rs] for rs in data["responses"]
        ]
        self.region_on = [bool(x) for x in data["region_on"]]
        self.stimulation_on = bool(data["stimulation_on"])
        self.magnet = Magnet(int(data["magnet_turn_off_hold_s"]))
        self.alerts = [str(a) for a in data["alerts"]]

    def telemetry(self) -> dict[str, Any]:
        """What the generator reports when asked (kept at EOS)."""
        return {
            "serial": self.serial,
            "kind": self.kind.value,
            "battery": self.battery.value,
            "stimulation_on": self.stimulation_on and self.battery != BatteryState.EOS,
            "active_group": self.active_group,
            "groups": [g.to_dict() for g in self.groups],
            "impedance_ohm": list(self.impedance_ohm),
            "locations": [loc.to_dict() if loc else None for loc in self.locations],
            "alerts": list(self.alerts),
        }


@dataclass
class ImplantedGenerator(Generator):
    """The implanted primary-cell IPG: drains its battery, OK → ERI → EOS."""

    remaining_J: float = float(device_data()["battery"]["usable_energy_J"]["value"])

    def to_dict(self) -> dict[str, Any]:
        return {**super().to_dict(), "remaining_J": self.remaining_J}

    def drain_W(self) -> float:
        return housekeeping_power_W() + stimulation_power_W(self.loads())

    @property
    def battery(self) -> BatteryState:
        return battery_state(remaining_J=self.remaining_J, drain_W=self.drain_W())

    def run_for(self, duration: timedelta) -> BatteryState:
        """Let time pass at the present settings; at EOS stimulation stops for good."""
        self.remaining_J = max(0.0, self.remaining_J - self.drain_W() * duration.total_seconds())
        state = self.battery
        if state == BatteryState.EOS:
            self.stimulation_on = False
            if "end of service: stimulation off" not in self.alerts:
                self.alerts.append("end of service: stimulation off")
        elif state == BatteryState.ERI and "elective replacement indicator" not in self.alerts:
            self.alerts.append("elective replacement indicator")
        return state


@dataclass
class TrialStimulator(Generator):
    """The external trial stimulator: worn up to 30 days, reset between patients."""

    kind: GeneratorKind = GeneratorKind.TRIAL
    worn_since: datetime | None = None

    def to_dict(self) -> dict[str, Any]:
        worn = self.worn_since.astimezone(UTC).isoformat() if self.worn_since else None
        return {**super().to_dict(), "worn_since": worn}

    def start_wear(self, when: datetime) -> None:
        self.worn_since = when

    def days_worn(self, now: datetime) -> float:
        if self.worn_since is None:
            return 0.0
        return (now - self.worn_since) / timedelta(days=1)

    def wear_warning(self, now: datetime) -> str | None:
        """A warning once the trial has run past its 30-day limit."""
        max_days = int(limit("trial_max_days"))
        days = self.days_worn(now)
        if days > max_days:
            return f"trial stimulator worn {days:.0f} days; the trial limit is {max_days} days"
        return None

    def reset(self) -> None:
        """Rework for the next trial patient: every program and record is cleared."""
        fresh = TrialStimulator(self.serial, self.lead_count, self.lead_model)
        self.__dict__.update(fresh.__dict__)


def generator_from_dict(data: dict[str, Any]) -> ImplantedGenerator | TrialStimulator:
    """Rebuild a generator from ``to_dict()`` output; every value is re-validated."""
    kind = GeneratorKind(data["kind"])
    serial = str(data["serial"])
    lead_count = int(data["lead_count"])
    model = lead_model(str(data["lead_model"]))
    generator: ImplantedGenerator | TrialStimulator
    if kind == GeneratorKind.IMPLANTED:
        remaining = float(data["remaining_J"])
        generator = ImplantedGenerator(serial, lead_count, model, remaining_J=remaining)
    else:
        worn = data.get("worn_since")
        since = datetime.fromisoformat(worn) if worn else None
        generator = TrialStimulator(serial, lead_count, model, worn_since=since)
    generator._load(data)
    lengths = {
        len(generator.impedance_ohm),
        len(generator.locations),
        len(generator.responses),
        len(generator.region_on),
        *(len(g.leads) for g in generator.groups),
    }
    if lengths != {generator.lead_count}:
        raise InputError("lead_count", generator.lead_count, "one entry per lead in every list")
    _check_stored_programs(generator)
    return generator


def _check_stored_programs(generator: Generator) -> None:
    """Refuse stored programs the clinician session could never have produced."""
    for gi, group in enumerate(generator.groups):
        for lead, s in enumerate(group.leads):
            where = f"groups[{gi}].leads[{lead}]"
            if s.amplitude_uA > s.patient_max_uA:
                raise InputError(
                    f"{where}.amplitude_uA", s.amplitude_uA, f"0–{s.patient_max_uA} µA"
                )
            if not s.enabled:
                continue
            report = check_program(
                amplitude_uA=s.patient_max_uA,
                pulse_width_us=s.pulse_width_us,
                frequency_Hz=s.frequency_Hz,
                contacts=s.contacts,
                impedance_ohm=generator.impedance_ohm[lead],
                lead_model=generator.lead_model,
            )
            if report.errors:
                raise InputError(where, s.to_dict(), "a safe program", reason=report.errors[0])

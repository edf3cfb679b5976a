"""The clinician session: the strict programming path, every change an event.

Operations raise :class:`~drgstim.errors.InputError` for anything the device refuses
(off-grid value, no impedance yet, polarity rule, charge limit, compliance), and leave the
generator unchanged when they do.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from drgstim.device._data import limit
from drgstim.device.events import Clock, Event, EventLog, SessionRecord, utc_now
from drgstim.device.generator import Generator
from drgstim.device.grid import (
    validate_amplitude_uA,
    validate_frequency_Hz,
    validate_impedance_interval,
    validate_pulse_width_us,
    validate_ramp_s,
)
from drgstim.device.lead import parse_contacts
from drgstim.device.program import Group, LeadSettings
from drgstim.device.safety import POLARITY_RULE, check_program
from drgstim.device.vocabulary import SpineLocation, StimulusResponse
from drgstim.errors import InputError

__all__ = ["ClinicianSession", "labelling_warnings"]


def labelling_warnings(*, lead_count: int, locations: list[SpineLocation | None]) -> list[str]:
    """Warnings (never refusals) for uses the labelling did not evaluate."""
    warnings = []
    if lead_count > int(limit("max_leads")):
        warnings.append(f"{lead_count} leads: more than 4 leads were not evaluated")
    for i, loc in enumerate(locations):
        if loc is not None and loc.above_evaluated_range:
            warnings.append(f"lead {i} at {loc.level}: levels above T10 were not evaluated")
    return warnings


def _first_problem(generator: Generator, lead: int, settings: LeadSettings) -> str | None:
    """The first device or charge rule the settings break at their patient maximum."""
    report = check_program(
        amplitude_uA=max(settings.amplitude_uA, settings.patient_max_uA),
        pulse_width_us=settings.pulse_width_us,
        frequency_Hz=settings.frequency_Hz,
        contacts=settings.contacts,
        impedance_ohm=generator.impedance_ohm[lead],
        lead_model=generator.lead_model,
    )
    errors = [e for e in report.errors if settings.enabled or e != POLARITY_RULE]
    return errors[0] if errors else None


def _allowed(generator: Generator, lead: int, settings: LeadSettings) -> bool:
    return _first_problem(generator, lead, settings) is None


def require_safe(generator: Generator, lead: int, settings: LeadSettings) -> None:
    """Refuse settings whose amplitude, or patient maximum, breaks a device or charge rule."""
    problem = _first_problem(generator, lead, settings)
    if problem:
        raise InputError(f"lead {lead}", settings.to_dict(), "a safe program", reason=problem)


class ClinicianSession:
    """A clinician programming one generator; ``end()`` gives the session record."""

    def __init__(self, generator: Generator, *, clinician: str, clock: Clock = utc_now) -> None:
        self.generator = generator
        self.clinician = clinician
        self.clock = clock
        self.log = EventLog()
        self.started = clock()
        self.ended: SessionRecord | None = None
        generator.awake = True

    def _record(self, action: str, old: Any, new: Any, *, lead: int | None = None) -> None:
        self.log.append(
            Event(
                self.clinician,
                self.clock(),
                action,
                old,
                new,
                lead=lead,
                group=self.generator.active_group,
            )
        )

    def _lead(self, lead: int) -> int:
        if self.ended is not None:
            raise InputError("session", "ended", "an open session")
        if not 0 <= lead < self.generator.lead_count:
            raise InputError("lead", lead, f"0–{self.generator.lead_count - 1}")
        return lead

    def _programmable(self, lead: int) -> int:
        self._lead(lead)
        if self.generator.impedance_ohm[lead] is None:
            raise InputError(
                "impedance_ohm",
                None,
                "a measured impedance transferred to the lead",
                reason=f"lead {lead} has no impedance yet; measure and transfer it first",
            )
        return lead

    def _set(self, lead: int, action: str, new: LeadSettings) -> LeadSettings:
        old = self.generator.lead_settings(lead)
        require_safe(self.generator, lead, new)
        g = self.generator
        g.groups[g.active_group] = g.group.with_lead(lead, new)
        self._record(action, old.to_dict(), new.to_dict(), lead=lead)
        return new

    def transfer_impedance(self, lead: int, impedance_ohm: float) -> None:
        """Store a measured impedance; open circuit or too low disables the lead (alert)."""
        self._lead(lead)
        g = self.generator
        old = g.impedance_ohm[lead]
        g.impedance_ohm[lead] = impedance_ohm
        self._record("transfer_impedance", old, impedance_ohm, lead=lead)
        for gi, group in enumerate(g.groups):
            settings = group.leads[lead]
            if settings.enabled and not _allowed(g, lead, settings):
                g.groups[gi] = group.with_lead(lead, replace(settings, enabled=False))
                g.alerts.append(
                    f"lead {lead}: impedance {impedance_ohm:g} Ω; program refused "
                    f"({_first_problem(g, lead, settings)}); lead disabled"
                )
                self._record("disable_lead", True, False, lead=lead)

    def set_contacts(self, lead: int, contacts: str) -> LeadSettings:
        """New polarities: the lead is disabled and its amplitude reset to 0 µA."""
        self._programmable(lead)
        polarities = parse_contacts(contacts, contact_count=self.generator.lead_model.contact_count)
        new = replace(
            self.generator.lead_settings(lead),
            contacts=polarities,
            enabled=False,
            amplitude_uA=0,
            patient_max_uA=0,
        )
        return self._set(lead, "set_contacts", new)

    def set_amplitude(self, lead: int, amplitude_uA: float) -> LeadSettings:
        """Programmed amplitude; the patient maximum rises with it if it was lower."""
        self._programmable(lead)
        value = validate_amplitude_uA(amplitude_uA)
        old = self.generator.lead_settings(lead)
        new = replace(old, amplitude_uA=value, patient_max_uA=max(value, old.patient_max_uA))
        return self._set(lead, "set_amplitude", new)

    def set_patient_max(self, lead: int, amplitude_uA: float) -> LeadSettings:
        """The patient's ceiling: from the programmed amplitude up to 6000 µA."""
        self._programmable(lead)
        value = validate_amplitude_uA(amplitude_uA)
        old = self.generator.lead_settings(lead)
        if value < old.amplitude_uA:
            raise InputError(
                "patient_max_uA", value, f"{old.amplitude_uA}–6000 µA (≥ programmed amplitude)"
            )
        return self._set(lead, "set_patient_max", replace(old, patient_max_uA=value))

    def set_pulse_width(self, lead: int, pulse_width_us: float) -> LeadSettings:
        self._programmable(lead)
        value = validate_pulse_width_us(pulse_width_us)
        new = replace(self.generator.lead_settings(lead), pulse_width_us=value)
        return self._set(lead, "set_pulse_width", new)

    def set_frequency(self, lead: int, frequency_Hz: float) -> LeadSettings:
        self._programmable(lead)
        value = validate_frequency_Hz(frequency_Hz)
        new = replace(self.generator.lead_settings(lead), frequency_Hz=value)
        return self._set(lead, "set_frequency", new)

    def set_ramp(self, lead: int, ramp_s: float) -> LeadSettings:
        self._programmable(lead)
        new = replace(self.generator.lead_settings(lead), ramp_s=validate_ramp_s(ramp_s))
        return self._set(lead, "set_ramp", new)

    def enable_lead(self, lead: int, enabled: bool = True) -> LeadSettings:
        """Enable (needs a cathode and an anode, a good impedance, a safe charge) or disable."""
        self._programmable(lead)
        new = replace(self.generator.lead_settings(lead), enabled=enabled)
        return self._set(lead, "enable_lead" if enabled else "disable_lead", new)

    def set_impedance_interval(self, interval: str) -> None:
        self._lead(0)
        old = self.generator.impedance_interval
        self.generator.impedance_interval = validate_impedance_interval(interval)
        self._record("set_impedance_interval", old, interval)

    def add_group(self, name: str, *, patient_enabled: bool = True) -> int:
        """A new group (≤ 4), starting from the device defaults with every lead off."""
        self._lead(0)
        g = self.generator
        max_groups = int(limit("max_groups"))
        if len(g.groups) >= max_groups:
            raise InputError("groups", len(g.groups) + 1, f"at most {max_groups} groups")
        settings = LeadSettings.defaults(contact_count=g.lead_model.contact_count)
        g.groups.append(Group(name, (settings,) * g.lead_count, patient_enabled))
        self._record("add_group", None, g.groups[-1].to_dict())
        return len(g.groups) - 1

    def select_group(self, index: int) -> None:
        self._lead(0)
        if not 0 <= index < len(self.generator.groups):
            raise InputError("group", index, f"0–{len(self.generator.groups) - 1}")
        old = self.generator.active_group
        self.generator.active_group = index
        self._record("select_group", old, index)

    def set_patient_enabled(self, index: int, patient_enabled: bool) -> None:
        self.select_group(index)
        g = self.generator
        old = g.group.patient_enabled
        g.groups[index] = replace(g.group, patient_enabled=patient_enabled)
        self._record("set_patient_enabled", old, patient_enabled)

    def set_spine_location(self, lead: int, location: SpineLocation | str) -> list[str]:
        """Record where the lead lies; returns labelling warnings (e.g. above T10)."""
        self._lead(lead)
        loc = SpineLocation.parse(location) if isinstance(location, str) else location
        old = self.generator.locations[lead]
        self.generator.locations[lead] = loc
        self._record("set_spine_location", old, loc, lead=lead)
        return labelling_warnings(
            lead_count=self.generator.lead_count, locations=self.generator.locations
        )

    def add_stimulus_response(self, lead: int, *, anatomy: str, sensation: str) -> None:
        """Save a stimulus response (≤ 12 per lead) from the fixed vocabularies."""
        self._lead(lead)
        response = StimulusResponse(anatomy, sensation)
        saved = self.generator.responses[lead]
        max_responses = int(limit("max_stimulus_responses"))
        if len(saved) >= max_responses:
            raise InputError("stimulus_responses", len(saved) + 1, f"at most {max_responses}")
        saved.append(response)
        self._record("add_stimulus_response", None, response, lead=lead)

    def end(self) -> SessionRecord:
        """Close the session; no further change is accepted."""
        if self.ended is None:
            self.ended = SessionRecord(
                self.clinician,
                self.generator.serial,
                self.started,
                self.clock(),
                self.log.events,
                tuple(g.to_dict() for g in self.generator.groups),
            )
        return self.ended

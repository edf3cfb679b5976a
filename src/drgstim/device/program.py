"""Programs: a lead's settings and groups of them (named programs, ≤ 4)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from drgstim.device.grid import (
    grid,
    validate_amplitude_uA,
    validate_frequency_Hz,
    validate_pulse_width_us,
    validate_ramp_s,
)
from drgstim.device.lead import Polarity, parse_contacts

__all__ = ["Group", "LeadSettings"]


def _default(name: str) -> int:
    return grid(name).default


@dataclass(frozen=True)
class LeadSettings:
    """One lead's stimulation settings (defaults: the reference device's, see the data)."""

    contacts: tuple[Polarity, ...] = (Polarity.OFF,) * 4
    amplitude_uA: int = 0
    patient_max_uA: int = 0
    pulse_width_us: int = 300
    frequency_Hz: int = 20
    ramp_s: int = 1
    enabled: bool = False

    @classmethod
    def defaults(cls, *, contact_count: int = 4) -> LeadSettings:
        """The device defaults, read from the cited grid data."""
        return cls(
            contacts=(Polarity.OFF,) * contact_count,
            amplitude_uA=_default("amplitude_uA"),
            patient_max_uA=_default("amplitude_uA"),
            pulse_width_us=_default("pulse_width_us"),
            frequency_Hz=_default("frequency_Hz"),
            ramp_s=_default("ramp_s"),
        )

    @property
    def contacts_text(self) -> str:
        return "".join(p.value for p in self.contacts)

    @property
    def bipolar(self) -> bool:
        """Whether the lead has at least one cathode and one anode."""
        return Polarity.CATHODE in self.contacts and Polarity.ANODE in self.contacts

    def to_dict(self) -> dict[str, Any]:
        return {
            "contacts": self.contacts_text,
            "amplitude_uA": self.amplitude_uA,
            "patient_max_uA": self.patient_max_uA,
            "pulse_width_us": self.pulse_width_us,
            "frequency_Hz": self.frequency_Hz,
            "ramp_s": self.ramp_s,
            "enabled": self.enabled,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> LeadSettings:
        """Settings from ``to_dict()`` output, re-validated on the device grid."""
        contacts = parse_contacts(str(data["contacts"]), contact_count=len(str(data["contacts"])))
        return cls(
            contacts=contacts,
            amplitude_uA=validate_amplitude_uA(data["amplitude_uA"]),
            patient_max_uA=validate_amplitude_uA(data["patient_max_uA"]),
            pulse_width_us=validate_pulse_width_us(data["pulse_width_us"]),
            frequency_Hz=validate_frequency_Hz(data["frequency_Hz"]),
            ramp_s=validate_ramp_s(data["ramp_s"]),
            enabled=bool(data["enabled"]),
        )


@dataclass(frozen=True)
class Group:
    """A named program holding settings for every lead, and the "for patient use" flag."""

    name: str
    leads: tuple[LeadSettings, ...]
    patient_enabled: bool = True

    def with_lead(self, index: int, settings: LeadSettings) -> Group:
        leads = list(self.leads)
        leads[index] = settings
        return replace(self, leads=tuple(leads))

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "patient_enabled": self.patient_enabled,
            "leads": [lead.to_dict() for lead in self.leads],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Group:
        return cls(
            name=str(data["name"]),
            leads=tuple(LeadSettings.from_dict(lead) for lead in data["leads"]),
            patient_enabled=bool(data["patient_enabled"]),
        )

"""Battery longevity of the implanted generator's primary cell, and its service states.

Model: a fixed housekeeping drain plus a stimulation drain proportional to the energy
delivered, Σ amplitude² × impedance × pulse width × frequency over the leads, divided by
an output efficiency. Its constants (``data/device/device.json``) reproduce the five
longevity figures of the clinician manual within ±15 % (see ``tests/device``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from drgstim.device._data import device_data
from drgstim.device.safety import delivered_uA
from drgstim.units import (
    SECONDS_PER_YEAR,
    A_from_mA,
    days_from_seconds,
    mA_from_uA,
    s_from_us,
    uW_from_W,
    years_from_seconds,
)

__all__ = [
    "BatteryState",
    "LeadLoad",
    "LongevityEstimate",
    "battery_state",
    "default_impedance_ohm",
    "estimate_longevity",
    "stimulation_power_W",
]


class BatteryState(StrEnum):
    """Service state: OK → elective replacement indicator → end of service."""

    OK = "ok"
    ERI = "eri"
    EOS = "eos"


def _battery(name: str) -> float:
    return float(device_data()["battery"][name]["value"])


@dataclass(frozen=True)
class LeadLoad:
    """One lead's stimulation settings as they load the battery."""

    amplitude_uA: float
    pulse_width_us: float
    frequency_Hz: float
    impedance_ohm: float | None = None

    @property
    def load_ohm(self) -> float:
        """The measured impedance, or the manual's 1600 Ω when unknown."""
        if self.impedance_ohm is not None:
            return self.impedance_ohm
        return _battery("default_impedance_ohm")

    @property
    def delivered_uA(self) -> float:
        """The amplitude the generator can deliver into this load: the programmed one
        capped by the 4.6 V output compliance. The clinician manual's longevity-by-amplitude
        curve plateaus at that point ("When the INS reaches maximum output, the expected
        longevity plateaus", Battery Longevity)."""
        return delivered_uA(amplitude_uA=self.amplitude_uA, impedance_ohm=self.load_ohm)

    def power_W(self) -> float:
        """Mean power delivered into the load, I² × Z × PW × f at the delivered amplitude."""
        current_A = A_from_mA(mA_from_uA(self.delivered_uA))
        return current_A**2 * self.load_ohm * s_from_us(self.pulse_width_us) * self.frequency_Hz


def default_impedance_ohm() -> float:
    """The load impedance assumed when none was measured (cited in the data)."""
    return _battery("default_impedance_ohm")


def stimulation_power_W(leads: Sequence[LeadLoad]) -> float:
    """Battery power drawn for stimulation (delivered power / efficiency)."""
    return sum(lead.power_W() for lead in leads) / _battery("stimulation_efficiency")


def housekeeping_power_W() -> float:
    """The fixed drain that bounds longevity at very low settings."""
    return _battery("usable_energy_J") / (_battery("saturation_years") * SECONDS_PER_YEAR)


@dataclass(frozen=True)
class LongevityEstimate:
    """Years of service from a full cell, with the drain breakdown."""

    years: float
    housekeeping_uW: float
    stimulation_uW: float
    per_lead_uW: tuple[float, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "years": self.years,
            "drain_uW": {
                "housekeeping": self.housekeeping_uW,
                "stimulation": self.stimulation_uW,
                "total": self.housekeeping_uW + self.stimulation_uW,
                "per_lead": list(self.per_lead_uW),
            },
        }


def estimate_longevity(
    leads: Sequence[LeadLoad], *, remaining_fraction: float = 1.0
) -> LongevityEstimate:
    """Years left at these settings, from a cell with ``remaining_fraction`` of its energy."""
    efficiency = _battery("stimulation_efficiency")
    per_lead = tuple(uW_from_W(lead.power_W() / efficiency) for lead in leads)
    house = housekeeping_power_W()
    total_W = house + stimulation_power_W(leads)
    energy = _battery("usable_energy_J") * remaining_fraction
    return LongevityEstimate(
        years=years_from_seconds(energy / total_W),
        housekeeping_uW=uW_from_W(house),
        stimulation_uW=sum(per_lead),
        per_lead_uW=per_lead,
    )


def battery_state(*, remaining_J: float, drain_W: float) -> BatteryState:
    """EOS when the cell is empty; ERI when it lasts no longer than the ERI→EOS period."""
    if remaining_J <= 0:
        return BatteryState.EOS
    days_left = days_from_seconds(remaining_J / drain_W)
    if days_left <= _battery("eri_to_eos_days"):
        return BatteryState.ERI
    return BatteryState.OK

"""The patient controller: on/off per region, amplitude steps inside the clinician's limit.

It can only ever move a lead between 0 µA and the clinician's patient maximum on the device
grid, switch regions the clinician enabled, and select groups marked for patient use, so
it cannot produce a state the clinician did not allow.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from drgstim.device.events import Clock, Event, EventLog, utc_now
from drgstim.device.generator import Generator
from drgstim.device.grid import grid
from drgstim.errors import InputError

__all__ = ["PatientController"]


class PatientController:
    """What the patient can do; each action is logged as an event by ``patient``."""

    def __init__(
        self,
        generator: Generator,
        *,
        patient: str = "patient",
        clock: Clock = utc_now,
        log: EventLog | None = None,
    ) -> None:
        self.generator = generator
        self.patient = patient
        self.clock = clock
        self.log = log if log is not None else EventLog()
        self.connected = True

    def _record(self, action: str, old: Any, new: Any, lead: int | None = None) -> None:
        self.log.append(
            Event(self.patient, self.clock(), action, old, new, lead, self.generator.active_group)
        )

    def _lead(self, lead: int) -> int:
        if not 0 <= lead < self.generator.lead_count:
            raise InputError("lead", lead, f"0–{self.generator.lead_count - 1}")
        return lead

    def set_region(self, lead: int, on: bool) -> None:
        """Turn stimulation on or off for one body region (one lead)."""
        self._lead(lead)
        old = self.generator.region_on[lead]
        self.generator.region_on[lead] = on
        self._record("region_on" if on else "region_off", old, on, lead)

    def _step(self, lead: int, direction: int) -> int:
        self._lead(lead)
        g = self.generator
        settings = g.lead_settings(lead)
        if not settings.enabled:
            raise InputError("lead", lead, "a lead the clinician enabled")
        values = [v for v in grid("amplitude_uA").values() if v <= settings.patient_max_uA]
        here = settings.amplitude_uA
        if direction > 0:
            candidates = [v for v in values if v > here]
            new = candidates[0] if candidates else here
        else:
            candidates = [v for v in values if v < here]
            new = candidates[-1] if candidates else here
        if new != here:
            g.groups[g.active_group] = g.group.with_lead(lead, replace(settings, amplitude_uA=new))
            self._record("amplitude", here, new, lead)
        return new

    def amplitude_up(self, lead: int) -> int:
        """One grid step up, never above the clinician's patient maximum."""
        return self._step(lead, +1)

    def amplitude_down(self, lead: int) -> int:
        """One grid step down, never below 0 µA."""
        return self._step(lead, -1)

    def selectable_groups(self) -> list[int]:
        return [i for i, grp in enumerate(self.generator.groups) if grp.patient_enabled]

    def select_group(self, index: int) -> None:
        """Select a group the clinician marked for patient use."""
        allowed = self.selectable_groups()
        if index not in allowed:
            raise InputError("group", index, f"a group for patient use: {allowed}")
        old = self.generator.active_group
        self.generator.active_group = index
        self._record("select_group", old, index)

    def all_off(self, *, confirm: bool) -> bool:
        """Turn all stimulation off; needs the patient's confirmation."""
        if not confirm:
            return False
        old = self.generator.stimulation_on
        self.generator.stimulation_on = False
        self._record("all_off", old, False)
        return True

    def all_on(self) -> None:
        old = self.generator.stimulation_on
        self.generator.stimulation_on = True
        self._record("all_on", old, True)

    def status(self) -> dict[str, Any]:
        """What the controller shows: battery state (never voltage), connection, levels as
        a fraction of the clinician's maximum, regions and groups."""
        g = self.generator
        levels = []
        for i, s in enumerate(g.group.leads):
            fraction = s.amplitude_uA / s.patient_max_uA if s.patient_max_uA else 0.0
            levels.append(
                {
                    "lead": i,
                    "on": g.delivering(i),
                    "enabled": s.enabled,
                    "amplitude_uA": s.amplitude_uA,
                    "level_fraction": fraction,
                }
            )
        return {
            "serial": g.serial,
            "connected": self.connected,
            "battery": g.battery.value,
            "stimulation_on": g.stimulation_on,
            "active_group": g.active_group,
            "selectable_groups": self.selectable_groups(),
            "leads": levels,
        }

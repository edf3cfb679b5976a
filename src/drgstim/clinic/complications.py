"""Complications after trial or implant, with the adverse-event taxonomy of DRG stimulation.

Types, their labels and whether they are device-related are read from
``data/clinic/complications.json`` (sources there: ACCURATE's adverse events; Sivanesan et
al. 2019 for how events were managed). Severity is mild / moderate / severe (FHIR R4
AdverseEvent.severity); the action taken is none / reprogramming / revision / explant.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from drgstim.clinic._outcomes_data import load
from drgstim.errors import InputError

__all__ = [
    "Complication",
    "ComplicationAction",
    "ComplicationType",
    "Severity",
    "complication_label",
    "summarise_complications",
]


class ComplicationType(StrEnum):
    """The spec's event taxonomy (device.md, "Clinical evidence in numbers")."""

    LEAD_MIGRATION = "lead_migration"
    LEAD_FRACTURE = "lead_fracture"
    CONNECTION_FAILURE = "connection_failure"
    HARDWARE_MALFUNCTION = "hardware_malfunction"
    EROSION = "erosion"
    INFECTION = "infection"
    HAEMATOMA = "haematoma"
    DURAL_PUNCTURE = "dural_puncture"
    NEUROLOGICAL_SYMPTOMS = "neurological_symptoms"
    IPG_SITE_PAIN = "ipg_site_pain"
    UNWANTED_STIMULATION = "unwanted_stimulation"
    REVISION = "revision"
    EXPLANT = "explant"


class Severity(StrEnum):
    MILD = "mild"
    MODERATE = "moderate"
    SEVERE = "severe"


class ComplicationAction(StrEnum):
    NONE = "none"
    REPROGRAMMING = "reprogramming"
    REVISION = "revision"
    EXPLANT = "explant"


def complication_label(kind: ComplicationType | str) -> str:
    """The plain-language label of a complication type (from the data file)."""
    types = load("complications")["types"]
    if str(kind) not in types:
        raise InputError("type", kind, ", ".join(types))
    label: str = types[str(kind)]["label"]
    return label


class Complication(BaseModel):
    """One complication; ``resolved_on`` is None while it is open."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    type: ComplicationType
    occurred_on: date
    severity: Severity
    action: ComplicationAction = ComplicationAction.NONE
    description: str = Field(default="", max_length=2000)
    resolved_on: date | None = None

    @model_validator(mode="after")
    def _check(self) -> Complication:
        if self.resolved_on is not None and self.resolved_on < self.occurred_on:
            raise InputError(
                "resolved_on",
                self.resolved_on.isoformat(),
                f"on or after occurred_on {self.occurred_on.isoformat()}",
            )
        return self

    @property
    def label(self) -> str:
        return complication_label(self.type)

    @property
    def device_related(self) -> bool:
        related: bool = load("complications")["types"][self.type.value]["device_related"]
        return related

    def to_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json")


def summarise_complications(items: Iterable[Complication]) -> dict[str, Any]:
    """Counts by type, severity and action, and how many are device-related or open."""
    events = list(items)
    return {
        "total": len(events),
        "device_related": sum(e.device_related for e in events),
        "open": sum(e.resolved_on is None for e in events),
        "by_type": dict(Counter(e.type.value for e in events)),
        "by_severity": dict(Counter(e.severity.value for e in events)),
        "by_action": dict(Counter(e.action.value for e in events)),
    }

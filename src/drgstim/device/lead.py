"""Lead models (contact geometry) and contact polarities."""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum

from drgstim.device._data import device_data
from drgstim.errors import InputError
from drgstim.units import cm2_from_mm2

__all__ = [
    "DEFAULT_LEAD_MODEL",
    "LeadModel",
    "Polarity",
    "contact_label",
    "lead_model",
    "parse_contacts",
]


class Polarity(StrEnum):
    """A contact's role; the value is the programmer's symbol."""

    CATHODE = "-"
    ANODE = "+"
    OFF = "0"


@dataclass(frozen=True)
class LeadModel:
    """A lead's ring-contact geometry (see ``data/device/device.json`` for sources)."""

    name: str
    contact_count: int
    diameter_mm: float
    length_mm: float
    pitch_mm: float

    @property
    def contact_area_mm2(self) -> float:
        """Lateral area of one ring contact, π × diameter × length."""
        return math.pi * self.diameter_mm * self.length_mm

    @property
    def contact_area_cm2(self) -> float:
        """Lateral area of one ring contact in cm²."""
        return cm2_from_mm2(self.contact_area_mm2)


def _models() -> dict[str, LeadModel]:
    raw = device_data()["lead_models"]["models"]
    return {
        name: LeadModel(
            name=name,
            contact_count=int(m["contact_count"]),
            diameter_mm=float(m["diameter_mm"]),
            length_mm=float(m["length_mm"]),
            pitch_mm=float(m["pitch_mm"]),
        )
        for name, m in raw.items()
    }


def lead_model(name: str) -> LeadModel:
    """The lead model called ``name``, or :class:`InputError` listing the known ones."""
    models = _models()
    if name not in models:
        raise InputError("lead_model", name, ", ".join(sorted(models)))
    return models[name]


DEFAULT_LEAD_MODEL = lead_model(str(device_data()["lead_models"]["default"]))


def contact_label(index: int) -> str:
    """The programmer's label of the contact at 0-based ``index`` (E1, E2, …).

    >>> contact_label(0)
    'E1'
    """
    return f"E{index + 1}"


def parse_contacts(text: str, *, contact_count: int = 4) -> tuple[Polarity, ...]:
    """Contact polarities from the programmer notation, e.g. ``"-+00"``.

    >>> [p.name for p in parse_contacts("-+00")]
    ['CATHODE', 'ANODE', 'OFF', 'OFF']
    """
    allowed = f"{contact_count} symbols, each '-' (cathode), '+' (anode) or '0' (off)"
    if len(text) != contact_count:
        raise InputError("contacts", text, allowed, reason=f"{len(text)} symbols")
    bad = [c for c in text if c not in {p.value for p in Polarity}]
    if bad:
        raise InputError("contacts", text, allowed, reason=f"unknown symbol {bad[0]!r}")
    return tuple(Polarity(c) for c in text)

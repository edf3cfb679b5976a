"""Fixed vocabularies: spine locations and stimulus responses (anatomy × sensation)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from drgstim.device._data import device_data
from drgstim.errors import InputError

__all__ = [
    "ANATOMY_TERMS",
    "RECORDABLE_LEVELS",
    "SENSATION_TERMS",
    "SPINE_LEVELS",
    "Side",
    "SpineLocation",
    "StimulusResponse",
    "recordable_level",
    "side_name",
]

SPINE_LEVELS: tuple[str, ...] = tuple(device_data()["spine_levels"]["values"])
ANATOMY_TERMS: tuple[str, ...] = tuple(device_data()["anatomy_terms"]["values"])
SENSATION_TERMS: tuple[str, ...] = tuple(device_data()["sensation_terms"]["values"])
# Levels above T10 were not evaluated; a clinician may still record them (with a warning).
RECORDABLE_LEVELS: tuple[str, ...] = tuple(f"T{n}" for n in range(1, 10)) + SPINE_LEVELS


class Side(StrEnum):
    LEFT = "left"
    RIGHT = "right"


def recordable_level(level: str) -> str:
    """``level`` if a lead may be recorded there (T1–S2; the atlas has no S3), else
    :class:`InputError` naming it: the one check every layer uses for a lead's level."""
    return SpineLocation(level, Side.LEFT).level


def side_name(side: str) -> str:
    """``side`` if it is a lead side (left, right), else :class:`InputError` naming it."""
    if side not in {s.value for s in Side}:
        raise InputError("side", side, ", ".join(s.value for s in Side))
    return side


@dataclass(frozen=True)
class SpineLocation:
    """Where a lead lies: a level from T10 to S2 and a side."""

    level: str
    side: Side

    def __post_init__(self) -> None:
        if self.level not in RECORDABLE_LEVELS:
            raise InputError("spine_level", self.level, "T1–T12, L1–L5, S1, S2")
        object.__setattr__(self, "side", Side(self.side))

    @classmethod
    def parse(cls, text: str) -> SpineLocation:
        """``"L5 left"`` or ``"left L5"`` → SpineLocation."""
        words = text.split()
        sides = [w for w in words if w.lower() in {s.value for s in Side}]
        levels = [w.upper() for w in words if w.lower() not in {s.value for s in Side}]
        if len(words) != 2 or len(sides) != 1:
            raise InputError("spine_location", text, "a level T10–S2 and a side, e.g. 'L5 left'")
        return cls(levels[0], Side(sides[0].lower()))

    @property
    def above_evaluated_range(self) -> bool:
        """Whether the level lies above the highest level evaluated in labelling (T10)."""
        return self.level not in SPINE_LEVELS

    def to_dict(self) -> dict[str, Any]:
        return {"level": self.level, "side": self.side.value}


@dataclass(frozen=True)
class StimulusResponse:
    """A recorded response: where the patient felt stimulation and how it felt."""

    anatomy: str
    sensation: str

    def __post_init__(self) -> None:
        if self.anatomy not in ANATOMY_TERMS:
            raise InputError("anatomy", self.anatomy, ", ".join(ANATOMY_TERMS))
        if self.sensation not in SENSATION_TERMS:
            raise InputError("sensation", self.sensation, ", ".join(SENSATION_TERMS))

    def to_dict(self) -> dict[str, Any]:
        return {"anatomy": self.anatomy, "sensation": self.sensation}

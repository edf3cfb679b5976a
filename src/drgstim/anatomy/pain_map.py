"""A patient's pain map: painful regions with side, intensity and character, and
"widespread" detection (a stop signal for DRG therapy: NACC DRG best practices, Deer et al.
2019)."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from drgstim.anatomy.levels import Side
from drgstim.anatomy.regions import Region
from drgstim.errors import InputError

__all__ = ["MANY_REGIONS", "PainCharacter", "PainEntry", "PainMap", "parse_region_arg"]

MANY_REGIONS = 6
"""More painful (region, side) sites than this is widespread for DRG purposes: 4 leads
(Axium clinician manual: up to four leads) at 1–2 levels per region cannot follow more
(project heuristic, documented in docs/planning.md)."""


_ABOVE_WAIST = frozenset({"upper_trunk", "upper_limb", "head_neck"})
_BELOW_WAIST = frozenset({"lower_trunk", "lower_limb"})


class PainCharacter(StrEnum):
    """How the pain feels (neuropathic descriptors first)."""

    BURNING = "burning"
    SHOOTING = "shooting"
    ALLODYNIA = "allodynia"
    ELECTRIC = "electric"
    STABBING = "stabbing"
    TINGLING = "tingling"
    NUMBNESS = "numbness"
    ACHING = "aching"
    CRAMPING = "cramping"
    THROBBING = "throbbing"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class PainEntry:
    """One painful region on one side, intensity on the 0–10 numeric rating scale."""

    region: Region
    side: Side
    intensity: float
    character: PainCharacter | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "region", _region(self.region))
        object.__setattr__(self, "side", _side(self.side))
        object.__setattr__(self, "intensity", _intensity(self.intensity))
        if self.character is not None:
            object.__setattr__(self, "character", _character(self.character))

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "region": self.region.value,
            "side": self.side.value,
            "intensity": self.intensity,
        }
        if self.character is not None:
            out["character"] = self.character.value
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> PainEntry:
        for key in ("region", "side", "intensity"):
            if key not in data:
                raise InputError(key, None, "required in every pain-map entry")
        return cls(
            region=data["region"],
            side=data["side"],
            intensity=data["intensity"],
            character=data.get("character") or None,
        )


def _region(value: object) -> Region:
    if isinstance(value, Region):
        return value
    if not isinstance(value, str):
        raise InputError("region", value, ", ".join(r.value for r in Region))
    return Region.parse(value)


def _side(value: object) -> Side:
    if isinstance(value, Side):
        return value
    if not isinstance(value, str):
        raise InputError("side", value, ", ".join(s.value for s in Side))
    return Side.parse(value)


def _intensity(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise InputError("intensity", value, "a number 0–10 (NRS)")
    try:
        number = float(value)
    except ValueError:
        raise InputError("intensity", value, "a number 0–10 (NRS)") from None
    if not math.isfinite(number) or not 0 <= number <= 10:
        raise InputError("intensity", value, "0–10 (NRS)")
    return number


def _character(value: object) -> PainCharacter:
    try:
        return PainCharacter(str(value).strip().lower())
    except ValueError:
        raise InputError("character", value, ", ".join(c.value for c in PainCharacter)) from None


class PainMap:
    """An immutable set of pain entries; one entry per (region, side)."""

    __slots__ = ("_entries",)

    def __init__(self, entries: Iterable[PainEntry]) -> None:
        seen: dict[tuple[Region, Side], PainEntry] = {}
        for entry in entries:
            key = (entry.region, entry.side)
            if key in seen:
                site = f"{entry.region.value}:{entry.side.value}"
                raise InputError("pain_map", site, "each region and side once")
            seen[key] = entry
        self._entries = tuple(seen.values())

    @property
    def entries(self) -> tuple[PainEntry, ...]:
        return self._entries

    @property
    def painful(self) -> tuple[PainEntry, ...]:
        """Entries with intensity above 0."""
        return tuple(e for e in self._entries if e.intensity > 0)

    @property
    def regions(self) -> frozenset[Region]:
        return frozenset(e.region for e in self.painful)

    @property
    def sides(self) -> frozenset[Side]:
        """Lateral sides with pain (bilateral/midline entries count as both)."""
        return frozenset(s for e in self.painful for s in e.side.lateral)

    def sites(self) -> tuple[tuple[Region, Side], ...]:
        """Painful (region, lateral side) pairs; a bilateral entry gives two."""
        out: dict[tuple[Region, Side], None] = {}
        for e in self.painful:
            for s in e.side.lateral:
                out[(e.region, s)] = None
        return tuple(out)

    def widespread_reasons(self) -> list[str]:
        """Why this map looks widespread rather than focal (empty when focal)."""
        reasons: list[str] = []
        zones = {r.zone for r in self.regions}
        above = zones & _ABOVE_WAIST
        below = zones & _BELOW_WAIST
        axial = zones & {"axial"} or {r for r in self.regions if r.value == "neck"}
        if len(self.sides) == 2 and above and below and axial:
            reasons.append(
                "pain on both sides, above and below the waist and axial (ACR 1990 definition "
                "of widespread pain: Wolfe F et al., Arthritis Rheum 1990;33:160-172)"
            )
        elif above and "lower_limb" in zones:
            names = ", ".join(sorted(r.value for r in self.regions if r.zone in _ABOVE_WAIST))
            reasons.append(f"pain in both the upper body ({names}) and the lower limb")
        if len(self.sites()) > MANY_REGIONS:
            reasons.append(
                f"{len(self.sites())} painful sites (region and side), more than {MANY_REGIONS} "
                "that up to 4 DRG leads can follow"
            )
        return reasons

    def is_widespread(self) -> bool:
        return bool(self.widespread_reasons())

    def to_dict(self) -> dict[str, Any]:
        return {"entries": [e.to_dict() for e in self._entries]}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | Iterable[Mapping[str, Any]]) -> PainMap:
        """From ``{"entries": [...]}`` or a plain list of entries."""
        items = data.get("entries", []) if isinstance(data, Mapping) else data
        return cls(PainEntry.from_dict(item) for item in items)

    def __len__(self) -> int:
        return len(self._entries)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, PainMap) and set(self._entries) == set(other._entries)

    def __hash__(self) -> int:
        return hash(frozenset(self._entries))

    def __repr__(self) -> str:
        return f"PainMap({list(self._entries)!r})"


def parse_region_arg(text: str) -> PainEntry:
    """The CLI form ``region:side:intensity[:character]``, e.g. ``knee:left:7``."""
    parts = text.split(":")
    if len(parts) not in (3, 4):
        raise InputError("region", text, "region:side:intensity[:character], e.g. knee:left:7")
    character = parts[3] if len(parts) == 4 else None
    return PainEntry(region=parts[0], side=parts[1], intensity=parts[2], character=character)  # type: ignore[arg-type]

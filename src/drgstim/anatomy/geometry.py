"""Dorsal root ganglion geometry per lumbar/sacral level (data for the biophysics layer)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from drgstim.anatomy._data import load
from drgstim.anatomy.levels import SpinalLevel
from drgstim.errors import InputError

__all__ = ["DRGGeometry", "DRGPosition", "drg_geometry"]


class DRGPosition(StrEnum):
    """Where the ganglion's centre lies relative to the intervertebral foramen."""

    INTRASPINAL = "intraspinal"
    FORAMINAL = "foraminal"
    EXTRAFORAMINAL = "extraforaminal"
    SACRAL_CANAL = "sacral_canal"


@dataclass(frozen=True, slots=True)
class DRGGeometry:
    """One level's ganglion. ``None`` means no source reports the value (never guessed).

    ``size_rank``: 1 = smallest, rising with the reported size trend (L1 < … < S1).
    ``intraspinal_fraction``: share of ganglia found inside the canal, where reported.
    """

    level: SpinalLevel
    position: DRGPosition
    foramen_zone: str | None
    size_rank: int | None
    max_width_mm: float | None
    intraspinal_fraction: float | None
    sources: tuple[str, ...]


def drg_geometry(level: SpinalLevel | str) -> DRGGeometry:
    """Geometry of the ganglion at ``level`` (L1–S5)."""
    lvl = level if isinstance(level, SpinalLevel) else SpinalLevel.parse(level)
    data = load("drg_geometry")
    entry = data["levels"].get(lvl.value)
    if entry is None:
        raise InputError("level", lvl.value, ", ".join(data["levels"]), reason="no DRG data")
    width = entry.get("max_width_mm")
    fraction = entry.get("intraspinal_fraction")
    return DRGGeometry(
        level=lvl,
        position=DRGPosition(entry["position"]),
        foramen_zone=entry.get("foramen_zone"),
        size_rank=entry.get("size_rank"),
        max_width_mm=None if width is None else float(width),
        intraspinal_fraction=None if fraction is None else float(fraction),
        sources=tuple(str(data["sources"][k]) for k in entry["sources"]),
    )

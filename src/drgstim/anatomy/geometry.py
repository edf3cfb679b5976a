"""Dorsal root ganglion geometry per lumbar/sacral level (data for the biophysics layer)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from drgstim.anatomy._data import load
from drgstim.anatomy.levels import SpinalLevel
from drgstim.errors import InputError

__all__ = ["DRGGeometry", "DRGPosition", "DRGSize", "drg_geometry", "drg_size", "drg_size_levels"]


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


@dataclass(frozen=True, slots=True)
class DRGSize:
    """One level's ganglion as an ellipsoid (full axes, mm) with the basis of its width."""

    level: SpinalLevel
    length_mm: float  # along the root
    width_mm: float  # greatest width
    thickness_mm: float  # dorsoventral
    basis: str
    sources: tuple[str, ...]


def drg_size_levels() -> tuple[SpinalLevel, ...]:
    """The levels that have a ganglion size model (cranial to caudal)."""
    return tuple(sorted(SpinalLevel(k) for k in load("drg_geometry")["size_mm"]))


def drg_size(level: SpinalLevel | str) -> DRGSize:
    """Ellipsoid size of the ganglion at ``level`` (T10–S2), cited per value in the data."""
    lvl = level if isinstance(level, SpinalLevel) else SpinalLevel.parse(level)
    data = load("drg_geometry")
    entry = data["size_mm"].get(lvl.value)
    if entry is None:
        allowed = ", ".join(data["size_mm"])
        raise InputError("level", lvl.value, allowed, reason="no DRG size model at this level")
    shape = data["size_shape"]
    width = float(entry["width_mm"])
    return DRGSize(
        level=lvl,
        length_mm=width * float(shape["length_per_width"]),
        width_mm=width,
        thickness_mm=width * float(shape["thickness_per_width"]),
        basis=str(entry["basis"]),
        sources=tuple(str(data["sources"][k]) for k in [*entry["sources"], shape["source"]]),
    )

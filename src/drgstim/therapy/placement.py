"""A lead placed over one level's ganglion: where its contacts lie.

Frame (µm, the ganglion's, as in :mod:`drgstim.biophysics.population`): origin at the
ganglion's centre, x along the root (the central, spinal-cord end towards +x), y across
(lateral), z dorsal. The ganglion is the level's ellipsoid (:func:`drgstim.anatomy.drg_size`).

The lead enters the foramen from the epidural space and lies along the root over the
ganglion's dorsal surface, its tip (contact E1) lateral, i.e. towards −x, E4 towards +x.
The clinician sets three offsets, each with one meaning everywhere:

- ``along_mm``: the lead's midpoint (between E2 and E3) from the ganglion's centre,
  along the root (+ = towards the spinal cord);
- ``across_mm``: the lead's axis from the ganglion's centre line, across the root;
- ``surface_gap_mm``: the gap between the lead's surface and the ganglion's dorsal surface
  (0 = touching). The CLI flag is ``--surface-gap-mm``: it is not the contact-to-soma
  distance of ``drgstim threshold`` (``--distance-um``).

A placement must keep the lead in the foramen over its ganglion: the lead's midpoint
within the ganglion's length and width, and the gap within ``MAX_SURFACE_GAP_mm``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from drgstim import units
from drgstim.anatomy import DRGSize, Side, SpinalLevel, drg_size
from drgstim.device import DEFAULT_LEAD_MODEL, LeadModel
from drgstim.errors import InputError

__all__ = ["MAX_SURFACE_GAP_mm", "Placement", "parse_lead"]

# drgstim assumption: the foramen's dorsoventral depth (about 6-9 mm at L1-L5, Silverstein
# et al. 2015) leaves at most a few millimetres between a lead in it and the ganglion.
MAX_SURFACE_GAP_mm = 3.0


@dataclass(frozen=True, kw_only=True)
class Placement:
    """A lead at a level and side with the clinician's offsets (mm)."""

    level: SpinalLevel
    side: Side
    along_mm: float = 0.0
    across_mm: float = 0.0
    surface_gap_mm: float = 1.0
    lead: LeadModel = DEFAULT_LEAD_MODEL

    def __post_init__(self) -> None:
        size = self.ganglion  # raises for a level without a DRG model
        half_len, half_wid = size.length_mm / 2, size.width_mm / 2
        checks = (
            ("along_mm", self.along_mm, half_len),
            ("across_mm", self.across_mm, half_wid),
        )
        for name, value, half in checks:
            if not -half <= value <= half:
                raise InputError(
                    name,
                    value,
                    f"{-half:g} to {half:g} mm at {self.level.value}",
                    reason="the lead would lie outside the foramen over the ganglion",
                )
        if not 0.0 <= self.surface_gap_mm <= MAX_SURFACE_GAP_mm:
            raise InputError(
                "surface_gap_mm",
                self.surface_gap_mm,
                f"0 to {MAX_SURFACE_GAP_mm:g} mm",
                reason="the lead would lie outside the foramen",
            )
        if self.side not in (Side.LEFT, Side.RIGHT):
            raise InputError("side", self.side.value, "left, right")

    @property
    def ganglion(self) -> DRGSize:
        return drg_size(self.level)

    def semi_axes_um(self) -> npt.NDArray[np.float64]:
        g = self.ganglion
        return np.asarray(
            units.um_from_mm(np.array([g.length_mm, g.width_mm, g.thickness_mm]) / 2.0)
        )

    def lead_axis_um(self) -> tuple[float, float]:
        """(y, z) of the lead's axis in the ganglion frame."""
        semi = self.semi_axes_um()
        radius = units.um_from_mm(self.lead.diameter_mm / 2.0)
        z = semi[2] * np.sqrt(max(0.0, 1.0 - (units.um_from_mm(self.across_mm) / semi[1]) ** 2))
        return (
            float(units.um_from_mm(self.across_mm)),
            float(z + units.um_from_mm(self.surface_gap_mm) + radius),
        )

    def contact_centres_um(self) -> npt.NDArray[np.float64]:
        """(contacts, 3) contact centres, E1 (the tip, −x) first."""
        n = self.lead.contact_count
        x = units.um_from_mm(self.along_mm + (np.arange(n) - (n - 1) / 2.0) * self.lead.pitch_mm)
        y, z = self.lead_axis_um()
        return np.stack([x, np.full(n, y), np.full(n, z)], axis=1)

    def to_dict(self) -> dict[str, object]:
        return {
            "level": self.level.value,
            "side": self.side.value,
            "along_mm": self.along_mm,
            "across_mm": self.across_mm,
            "surface_gap_mm": self.surface_gap_mm,
            "lead_model": self.lead.name,
        }


def parse_lead(text: str) -> tuple[SpinalLevel, Side]:
    """``"L4:left"`` → (L4, left); a level without a DRG model names the allowed ones."""
    parts = text.split(":")
    if len(parts) != 2:
        raise InputError("lead", text, "LEVEL:SIDE, e.g. L4:left")
    level = SpinalLevel.parse(parts[0], field="lead.level")
    side = Side.parse(parts[1], field="lead.side")
    drg_size(level)
    return level, side

"""The lead's field: one unit field per contact, superposed with the program's split.

Analytic volume conductor (:mod:`drgstim.biophysics.sources`): a homogeneous medium, or
an anisotropic one with the endoneurium's conductivities (longitudinal along the root, x;
transverse across). Each ring contact is ``RINGS`` rings of ``POINTS_PER_RING`` point
sources spread over its length on the lead's surface; its unit field is the potential per
mA it carries. A program is the sum of its contacts' unit fields, each weighted by the
share of the current the device gives it (cathodes share the cathodic current, anodes the
anodic, equally unless split otherwise: :func:`drgstim.device.contact_charges`), cathodes
positive (the cathodic-source convention of
:mod:`drgstim.biophysics.drg.population_search`'s ``field``).

Units: µm positions, mV per mA (the cable solver's units).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import numpy.typing as npt

from drgstim.biophysics import PointSource, potential_mV_at_um, ring_contact
from drgstim.biophysics import _data as tissue_data
from drgstim.device import Polarity, contact_charges, parse_contacts
from drgstim.errors import InputError
from drgstim.therapy.placement import Placement

__all__ = ["Medium", "UnitFields", "contact_weights", "unit_fields"]

FloatArray = npt.NDArray[np.float64]
RINGS = 3
POINTS_PER_RING = 8


class Medium(StrEnum):
    """The analytic volume conductor."""

    HOMOGENEOUS = "homogeneous"
    ANISOTROPIC = "anisotropic"
    FEM = "fem"  # finite elements: drgstim.therapy.fem (optional extra)

    def sigma_S_per_m(self) -> tuple[float, float, float]:
        """(σx, σy, σz): x along the root (cited in ``data/biophysics/tissue.json``)."""
        table = tissue_data.load("tissue.json")["conductivity_S_per_m"]
        if self is not Medium.ANISOTROPIC:
            s = float(table["default_homogeneous"])
            return (s, s, s)
        lon, tra = float(table["endoneurium_longitudinal"]), float(table["endoneurium_transverse"])
        return (lon, tra, tra)


def _contact_sources(placement: Placement, index: int) -> list[PointSource]:
    centre = placement.contact_centres_um()[index]
    radius = placement.lead.diameter_mm * 500.0  # mm diameter → µm radius
    length_um = placement.lead.length_mm * 1000.0
    out: list[PointSource] = []
    for k in range(RINGS):
        dx = (k + 0.5) / RINGS * length_um - length_um / 2.0
        out += ring_contact(
            centre=(float(centre[0] + dx), float(centre[1]), float(centre[2])),
            radius=radius,
            axis=(1.0, 0.0, 0.0),
            n_points=POINTS_PER_RING,
            fraction=1.0 / RINGS,
        )
    return out


@dataclass(frozen=True)
class UnitFields:
    """Each contact's potential per mA, computed once per placement and medium."""

    placement: Placement
    medium: Medium

    def at(self, points_um: FloatArray) -> FloatArray:
        """(contacts, points) mV per mA of each contact alone."""
        pts = np.asarray(points_um, dtype=np.float64)
        sigma = self.medium.sigma_S_per_m()
        return np.stack(
            [
                potential_mV_at_um(
                    current_mA=1.0,
                    points_um=pts,
                    sources_um=_contact_sources(self.placement, k),
                    sigma_S_per_m=sigma,
                )
                for k in range(self.placement.lead.contact_count)
            ]
        )

    def program(self, points_um: FloatArray, weights: Sequence[float]) -> FloatArray:
        """The program's potential (mV per mA of amplitude): Σ weight × unit field."""
        return np.tensordot(np.asarray(weights, dtype=np.float64), self.at(points_um), axes=1)


def unit_fields(placement: Placement, medium: Medium | str = Medium.HOMOGENEOUS) -> UnitFields:
    """The placement's unit fields in ``medium`` (FEM: solved once here, 4 solves)."""
    med = Medium(medium)
    if med is Medium.FEM:
        try:
            import pyamg  # noqa: F401
            import skfem  # noqa: F401
        except ImportError:
            raise InputError(
                "medium", "fem", "homogeneous, anisotropic (fem needs: pip install drgstim[fem])"
            ) from None
        from drgstim.therapy.fem import solve_unit_fields

        fem = solve_unit_fields(placement)
        fem.medium = med
        return fem  # type: ignore[return-value]  # same interface: at(), program()
    return UnitFields(placement, med)


def contact_weights(
    contacts: str, *, current_fractions: Sequence[float] | None = None, contact_count: int = 4
) -> tuple[float, ...]:
    """Signed share of the amplitude per contact: + cathode, − anode, 0 off.

    The split is the device's (:func:`drgstim.device.contact_charges`).
    """
    polarities = parse_contacts(contacts, contact_count=contact_count)
    if Polarity.CATHODE not in polarities or Polarity.ANODE not in polarities:
        raise InputError(
            "contacts", contacts, "at least one cathode (-) and one anode (+) on the lead"
        )
    charges = contact_charges(
        amplitude_uA=1.0,
        pulse_width_us=1.0,
        polarities=polarities,
        current_fractions=current_fractions,
    )
    out = [0.0] * contact_count
    for c in charges:
        out[c.index] = c.current_fraction if c.polarity is Polarity.CATHODE else -c.current_fraction
    return tuple(out)

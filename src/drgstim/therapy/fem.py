"""A finite-element volume conductor around a placed lead (optional: ``pip install
drgstim[fem]``, scikit-fem).

Linear tetrahedra on a box around the ganglion (``HALF_EXTENT_mm``), graded: spacing
``h_mm`` near the ganglion and lead, growing outwards. Each element takes the
conductivity of the tissue at its centroid (``data/biophysics/tissue.json``):

- ganglion (the level's ellipsoid) and root (a cylinder along x, the ganglion's
  thickness): endoneurium, isotropic at the geometric mean of its longitudinal and
  transverse conductivities (an approximation: the element form here is scalar);
- CSF in the spinal canal (x beyond the ganglion's medial end + ``CANAL_GAP_mm``);
- bone outside the foramen (|y| or |z| beyond ``FORAMEN_HALF_mm``, lateral of the canal);
- epidural fat everywhere else in the foramen.

The dura (tens of µm) is thinner than any element here and is left out. A contact is
its 24 surface point sources, each loading its element's nodes (the exact P1 load); the
outer boundary is grounded (or held at given values). ``homogeneous_S_per_m`` fills every
element with one conductivity: the case the tests compare with the analytic point source.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from drgstim.biophysics import _data as tissue_data
from drgstim.therapy.field import _contact_sources
from drgstim.therapy.placement import Placement

__all__ = ["FemFields", "solve_unit_fields"]

FloatArray = npt.NDArray[np.float64]
HALF_EXTENT_mm = (30.0, 20.0, 20.0)
CANAL_GAP_mm = 2.0
FORAMEN_HALF_mm = 8.0


def _axis(half_mm: float, fine_half_mm: float, h_mm: float) -> FloatArray:
    """Node coordinates (µm): spacing h inside ±fine_half, growing by 1.3 per step outside."""
    inner = np.arange(0.0, fine_half_mm + 1e-9, h_mm)
    outer = [inner[-1]]
    step = h_mm
    while outer[-1] < half_mm:
        step *= 1.3
        outer.append(min(half_mm, outer[-1] + step))
    pos = np.unique(np.concatenate([inner, outer]))
    return np.concatenate([-pos[::-1], pos[1:]]) * 1000.0


def _conductivity(centroids_um: FloatArray, placement: Placement) -> FloatArray:
    table = tissue_data.load("tissue.json")["conductivity_S_per_m"]
    semi = placement.semi_axes_um()
    x, y, z = centroids_um.T
    endo = float(np.sqrt(table["endoneurium_longitudinal"] * table["endoneurium_transverse"]))
    sigma = np.full(len(x), float(table["epidural_fat"]))
    canal = x > semi[0] + CANAL_GAP_mm * 1000.0
    sigma[canal] = float(table["csf"])
    limit = FORAMEN_HALF_mm * 1000.0
    bone = ~canal & ((np.abs(y) > limit) | (np.abs(z) > limit))
    sigma[bone] = float(table["vertebral_bone"])
    ganglion = np.sum((centroids_um / semi) ** 2, axis=1) <= 1.0
    root = (y**2 + z**2) <= semi[2] ** 2
    sigma[ganglion | (root & ~canal)] = endo
    return sigma


@dataclass
class FemFields:
    """Each contact's potential (mV per mA) on the mesh; interpolated at any point inside."""

    placement: Placement
    basis: object
    solutions: FloatArray  # (contacts, nodes), mV per mA
    nodes: int
    medium: object = "fem"

    def at(self, points_um: FloatArray) -> FloatArray:
        probes = self.basis.probes(np.asarray(points_um, dtype=np.float64).T)  # type: ignore[attr-defined]
        return np.stack([probes @ s for s in self.solutions])

    def program(
        self, points_um: FloatArray, weights: list[float] | tuple[float, ...]
    ) -> FloatArray:
        return np.tensordot(np.asarray(weights, dtype=np.float64), self.at(points_um), axes=1)


def solve_unit_fields(
    placement: Placement,
    *,
    h_mm: float = 1.0,
    homogeneous_S_per_m: float | None = None,
    boundary_mV_per_mA: object = None,
    contacts: tuple[int, ...] | None = None,
) -> FemFields:
    """Solve one unit field per contact (1 mA at the contact, boundary grounded).

    ``boundary_mV_per_mA(points_um (3, n), contact) -> (n,)`` sets the boundary values
    instead of 0 (used to compare with an analytic solution on a finite box).
    """
    import skfem
    from scipy.sparse.linalg import spsolve
    from skfem.helpers import dot, grad

    semi_mm = placement.semi_axes_um() / 1000.0
    fine = (semi_mm[0] + 9.0, semi_mm[1] + 3.0, semi_mm[2] + 4.0)
    axes = [_axis(HALF_EXTENT_mm[k], fine[k], h_mm) for k in range(3)]
    mesh = skfem.MeshTet.init_tensor(*axes)
    basis = skfem.Basis(mesh, skfem.ElementTetP1())
    centroids = mesh.p[:, mesh.t].mean(axis=1).T
    if homogeneous_S_per_m is None:
        sigma_el = _conductivity(centroids, placement)
    else:
        sigma_el = np.full(mesh.t.shape[1], float(homogeneous_S_per_m))

    @skfem.BilinearForm
    def laplace(u, v, w):  # type: ignore[no-untyped-def]
        return w["s"] * dot(grad(u), grad(v))

    s_field = np.repeat(sigma_el[:, None], basis.X.shape[-1], axis=1)
    stiffness = laplace.assemble(basis, s=s_field)  # S/m · m⁻¹·m³ in µm units: scaled below
    boundary = mesh.boundary_nodes()
    solutions = []
    for k in range(placement.lead.contact_count):
        if contacts is not None and k not in contacts:
            solutions.append(np.zeros(mesh.p.shape[1]))
            continue
        sources = _contact_sources(placement, k)
        where = np.array([src.position_m for src in sources]).T  # µm despite the name
        share = np.array([src.fraction for src in sources]) * 1e-3  # A (1 mA split)
        rhs = basis.probes(where).T @ share  # each point's current onto its element's nodes
        fixed = np.zeros(mesh.p.shape[1])
        if boundary_mV_per_mA is not None:
            fixed[boundary] = np.asarray(boundary_mV_per_mA(mesh.p[:, boundary], k)) / 1e3  # type: ignore[operator]
        # positions are in µm: ∫σ∇u·∇v dV scales by 1e-6 (m per µm) to SI
        u = skfem.solve(*skfem.condense(stiffness * 1e-6, rhs, x=fixed, D=boundary), solver=spsolve)
        solutions.append(u * 1e3)  # V → mV
    return FemFields(placement, basis, np.asarray(solutions), mesh.p.shape[1])

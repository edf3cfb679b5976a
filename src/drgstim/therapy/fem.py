"""A finite-element volume conductor around a placed lead (optional: ``pip install
drgstim[fem]``, scikit-fem and PyAMG).

Geometry. Each point takes the conductivity of the tissue it lies in
(``data/biophysics/tissue.json``):

- ganglion (the level's ellipsoid) and root (a cylinder along x, the ganglion's
  thickness): endoneurium, isotropic at the geometric mean of its longitudinal and
  transverse conductivities (an approximation: the element form here is scalar);
- CSF in the spinal canal (x beyond the ganglion's medial end + ``CANAL_GAP_mm``);
- bone outside the foramen (|y| or |z| beyond ``FORAMEN_HALF_mm``, lateral of the canal);
- epidural fat everywhere else in the foramen, around the lead.

The dura (tens of µm) is thinner than any element here and is left out. The conductivity
is sampled at every quadrature point, not once per element, so a tissue boundary that
cuts an element is weighted by the share of the element on each side.

Mesh. A tensor-product tetrahedral mesh of the cube ±``HALF_EXTENT_mm`` around the
ganglion, graded: spacing ``h_lead_mm`` around the lead, ``h_mm`` over the region the
neurons occupy (ganglion and root, ``NEURON_MARGIN_mm`` beyond the ganglion along the
root), growing by ``GROWTH`` per element outside; the planar tissue boundaries (the
canal, the foramen's walls) lie on node planes. Linear (``order=1``) or quadratic
(``order=2``) Lagrange elements.

Source. A contact is its 24 surface point sources (:mod:`drgstim.therapy.field`), each
loading the basis functions of the element that holds it (the exact load of a point
current); the mesh is finest around the lead and the top of the ganglion beneath it,
where the potential varies most.

Far boundary. A Robin condition ∂u/∂n = -(r̂·n / r) u, r from the lead's midpoint (the
first-order Bayliss-Turkel condition of a field that decays as 1/r), instead of a
grounded box: a monopole about that centre satisfies it exactly.

One AMG-preconditioned conjugate-gradient solve per contact per placement (the matrix and
its preconditioner are shared by the contacts).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from drgstim.biophysics import _data as tissue_data
from drgstim.errors import InputError
from drgstim.therapy.field import _contact_sources
from drgstim.therapy.placement import Placement

__all__ = ["FemFields", "conductivity_at", "neuron_region_um", "solve_unit_fields"]

FloatArray = npt.NDArray[np.float64]
Conductivity = Callable[[FloatArray], FloatArray]  # points (3, n) µm -> (n,) S/m

HALF_EXTENT_mm = 80.0
GROWTH = 1.3
NEURON_MARGIN_mm = 8.0
LEAD_MARGIN_mm = 1.0
GANGLION_FINE_DEPTH_mm = 1.5  # the fine spacing reaches this deep into the ganglion
CANAL_GAP_mm = 2.0
FORAMEN_HALF_mm = 8.0
CG_RTOL = 1e-10


def conductivity_at(placement: Placement) -> Conductivity:
    """The tissue model's conductivity (S/m) at points (3, n) in µm."""
    table = tissue_data.load("tissue.json")["conductivity_S_per_m"]
    semi = placement.semi_axes_um()
    endo = float(np.sqrt(table["endoneurium_longitudinal"] * table["endoneurium_transverse"]))
    fat, csf, bone = (
        float(table["epidural_fat"]),
        float(table["csf"]),
        float(table["vertebral_bone"]),
    )

    def sigma(points_um: FloatArray) -> FloatArray:
        x, y, z = points_um
        out = np.full(x.shape, fat)
        canal = x > semi[0] + CANAL_GAP_mm * 1000.0
        out[canal] = csf
        limit = FORAMEN_HALF_mm * 1000.0
        out[~canal & ((np.abs(y) > limit) | (np.abs(z) > limit))] = bone
        ganglion = (x / semi[0]) ** 2 + (y / semi[1]) ** 2 + (z / semi[2]) ** 2 <= 1.0
        root = (y**2 + z**2 <= semi[2] ** 2) & ~canal
        out[ganglion | root] = endo
        return out

    return sigma


def neuron_region_um(placement: Placement, *, per_axis: int = 9) -> FloatArray:
    """(n, 3) points (µm) where the neurons are: a lattice over the ganglion's ellipsoid
    and, along the root, its axis and a line near its dorsal edge out to
    ``NEURON_MARGIN_mm`` beyond the ganglion (the stems and axons). The convergence checks
    and tests use these."""
    semi = placement.semi_axes_um()
    u = np.linspace(-1.0, 1.0, per_axis + 2)[1:-1]
    grid = np.stack(np.meshgrid(u, u, u, indexing="ij"), axis=-1).reshape(-1, 3)
    inside = grid[(grid**2).sum(axis=1) <= 1.0] * semi
    x = np.linspace(-1.0, 1.0, 4 * per_axis + 1) * (semi[0] + NEURON_MARGIN_mm * 1000.0)
    axis = np.stack([x, np.zeros_like(x), np.zeros_like(x)], axis=1)
    dorsal = np.stack([x, np.zeros_like(x), np.full_like(x, 0.9 * semi[2])], axis=1)
    return np.concatenate([inside, axis, dorsal])


def _graded_axis(
    fine: tuple[float, float],
    h_fine: float,
    mid: tuple[float, float],
    h_mid: float,
    half: float,
) -> FloatArray:
    """Node coordinates (mm): spacing ``h_fine`` over ``fine``, at most ``h_mid`` over
    ``mid`` (reached by growing ``GROWTH`` per element), then growing to ±``half``."""
    n = max(1, int(np.ceil((fine[1] - fine[0]) / h_fine)))
    core = list(np.linspace(fine[0], fine[1], n + 1))

    def march(start: float, sign: float, mid_end: float) -> list[float]:
        out, step = [start], h_fine
        while sign * (sign * half - out[-1]) > 1e-9:
            inside_mid = sign * (mid_end - out[-1]) > 0
            step = min(step * GROWTH, h_mid) if inside_mid else step * GROWTH
            nxt = out[-1] + sign * step
            if sign * (sign * half - nxt) < 0.3 * step:  # close to the end: stop there
                nxt = sign * half
            out.append(nxt)
        return out[1:]

    right = march(fine[1], 1.0, mid[1])
    left = march(fine[0], -1.0, mid[0])
    return np.asarray(sorted(left) + core + right, dtype=np.float64)


def _with_planes(axis: FloatArray, planes: list[float]) -> FloatArray:
    """``axis`` with a node at each plane (a tissue boundary), dropping nodes too close."""
    out = axis
    for plane in planes:
        k = int(np.clip(np.searchsorted(out, plane), 1, len(out) - 1))
        local = out[k] - out[k - 1]
        near = np.abs(out - plane) < 0.3 * local
        out = np.sort(np.concatenate([out[~near], [plane]]))
    return out


def _mesh_axes(placement: Placement, h_mm: float, h_lead_mm: float) -> list[FloatArray]:
    semi = placement.semi_axes_um() / 1000.0
    centres = placement.contact_centres_um() / 1000.0
    reach = placement.lead.diameter_mm / 2.0 + LEAD_MARGIN_mm
    half_contact = placement.lead.length_mm / 2.0
    y_lead, z_lead = centres[0, 1], centres[0, 2]
    fine = [
        (
            centres[0, 0] - half_contact - LEAD_MARGIN_mm,
            centres[-1, 0] + half_contact + LEAD_MARGIN_mm,
        ),
        (y_lead - reach, y_lead + reach),
        (min(z_lead - reach, semi[2] - GANGLION_FINE_DEPTH_mm), z_lead + reach),
    ]
    mid = [
        (-semi[0] - NEURON_MARGIN_mm, semi[0] + NEURON_MARGIN_mm),
        (-semi[1] - LEAD_MARGIN_mm, semi[1] + LEAD_MARGIN_mm),
        (-semi[2] - LEAD_MARGIN_mm, semi[2] + LEAD_MARGIN_mm),
    ]
    # node planes on the planar tissue boundaries (the canal; the foramen's walls), so that
    # no element straddles them: a smeared boundary next to the root moves its field
    planes = [
        [semi[0] + CANAL_GAP_mm],
        [-FORAMEN_HALF_mm, FORAMEN_HALF_mm],
        [-FORAMEN_HALF_mm, FORAMEN_HALF_mm],
    ]
    return [
        _with_planes(
            _graded_axis(
                fine[k],
                h_lead_mm,
                (min(mid[k][0], fine[k][0]), max(mid[k][1], fine[k][1])),
                h_mm,
                HALF_EXTENT_mm,
            ),
            planes[k],
        )
        for k in range(3)
    ]


def _point_sources(placement: Placement, contact: int) -> tuple[FloatArray, FloatArray]:
    """(3, n) source positions (µm) and (n,) shares of the contact's current."""
    sources = _contact_sources(placement, contact)
    where = np.array([s.position_m for s in sources], dtype=np.float64).T  # µm despite the name
    return where, np.array([s.fraction for s in sources], dtype=np.float64)


class _TensorProbe:
    """Point location on a tensor-product tet mesh: the hexahedral cell by bisection on
    each axis, then the one of its 6 tetrahedra that holds the point."""

    def __init__(self, basis: object, axes_um: list[FloatArray]) -> None:
        self.basis = basis
        self.axes = axes_um
        mesh = basis.mesh  # type: ignore[attr-defined]
        centroid = mesh.p[:, mesh.t].mean(axis=1)
        self.n = [len(a) - 1 for a in axes_um]
        cell = self._cell(centroid)
        order = np.argsort(cell, kind="stable")
        self.table = order.reshape(-1, 6)

    def _cell(self, points: FloatArray) -> npt.NDArray[np.intp]:
        idx = [
            np.clip(np.searchsorted(self.axes[d], points[d]) - 1, 0, self.n[d] - 1)
            for d in range(3)
        ]
        return np.asarray((idx[0] * self.n[1] + idx[1]) * self.n[2] + idx[2], dtype=np.intp)

    def matrix(self, points_um: FloatArray) -> object:
        """(points, dofs) sparse matrix: its product with a solution gives the values."""
        from scipy.sparse import coo_matrix

        b = self.basis
        x = np.asarray(points_um, dtype=np.float64)
        candidates = self.table[self._cell(x)]
        best = candidates[:, 0].copy()
        margin = np.full(x.shape[1], -np.inf)
        for j in range(6):
            ref = b.mapping.invF(x[:, :, None], tind=candidates[:, j])[:, :, 0]  # type: ignore[attr-defined]
            m = np.minimum(np.minimum(ref[0], ref[1]), np.minimum(ref[2], 1.0 - ref.sum(axis=0)))
            better = m > margin
            best[better], margin[better] = candidates[better, j], m[better]
        ref = b.mapping.invF(x[:, :, None], tind=best)  # type: ignore[attr-defined]
        phis = np.array(
            [b.elem.gbasis(b.mapping, ref, k, tind=best)[0] for k in range(b.Nbfun)]  # type: ignore[attr-defined]
        ).flatten()
        rows = np.tile(np.arange(x.shape[1]), b.Nbfun)  # type: ignore[attr-defined]
        cols = b.element_dofs[:, best].flatten()  # type: ignore[attr-defined]
        return coo_matrix((phis, (rows, cols)), shape=(x.shape[1], b.N)).tocsr()  # type: ignore[attr-defined]


@dataclass
class FemFields:
    """Each contact's potential (mV per mA) on the mesh; interpolated at any point inside."""

    placement: Placement
    probe: _TensorProbe
    solutions: FloatArray  # (contacts, dofs) mV per mA; zeros for a contact not solved
    dofs: int
    medium: object = "fem"
    mesh: dict[str, float] | None = None  # h_mm, h_lead_mm, order: part of a cache key
    solved: tuple[int, ...] = ()  # the contacts solved (the others read as zero)

    def at(self, points_um: FloatArray) -> FloatArray:
        """(contacts, points) mV per mA; a contact not solved gives zeros."""
        probes = self.probe.matrix(np.asarray(points_um, dtype=np.float64).T)
        return np.stack([probes @ u for u in self.solutions])

    def program(
        self, points_um: FloatArray, weights: list[float] | tuple[float, ...]
    ) -> FloatArray:
        return np.tensordot(np.asarray(weights, dtype=np.float64), self.at(points_um), axes=1)


def solve_unit_fields(
    placement: Placement,
    *,
    h_mm: float = 2.0,
    h_lead_mm: float = 0.25,
    order: int = 1,
    homogeneous_S_per_m: float | None = None,
    conductivity: Conductivity | None = None,
    contacts: tuple[int, ...] | None = None,
) -> FemFields:
    """Solve one unit field per contact (1 mA at the contact).

    ``h_mm``: element size over the neurons' region; ``h_lead_mm`` around the lead
    and the top of the ganglion; ``order`` 1 (linear) or 2 (quadratic). The defaults
    are the coarsest that meet the 2 % rule (docs/validation.md, convergence table).
    ``homogeneous_S_per_m`` fills the whole domain with one conductivity,
    ``conductivity`` with any (points (3, n) µm → S/m); by default the tissue model
    (:func:`conductivity_at`).
    """
    import skfem
    from pyamg import smoothed_aggregation_solver
    from scipy.sparse.linalg import cg
    from skfem.helpers import dot, grad

    sigma_fn: Conductivity
    if homogeneous_S_per_m is not None:
        s_value = float(homogeneous_S_per_m)
        sigma_fn = lambda p: np.full(p.shape[1:], s_value)  # noqa: E731
    elif conductivity is not None:
        sigma_fn = conductivity
    else:
        sigma_fn = conductivity_at(placement)

    def sigma_q(x: FloatArray) -> FloatArray:
        return np.asarray(sigma_fn(x.reshape(3, -1))).reshape(x.shape[1:])

    axes = [a * 1000.0 for a in _mesh_axes(placement, h_mm, h_lead_mm)]
    mesh = skfem.MeshTet.init_tensor(*axes)
    if order not in (1, 2):
        raise InputError("order", order, "1, 2")
    element = skfem.ElementTetP2() if order == 2 else skfem.ElementTetP1()
    basis = skfem.Basis(mesh, element, intorder=2 * order + 1)
    facets = skfem.FacetBasis(mesh, element, facets=mesh.boundary_facets(), intorder=2 * order)
    centre = placement.contact_centres_um().mean(axis=0)[:, None, None]

    def robin_alpha(x: FloatArray, n: FloatArray) -> FloatArray:
        r = x - centre
        return np.asarray(dot(r, n) / (r**2).sum(axis=0)) * 1e6  # 1/m

    @skfem.BilinearForm
    def stiffness(u, v, w):  # type: ignore[no-untyped-def]
        return sigma_q(w.x) * dot(grad(u), grad(v)) * 1e12  # ∇ in 1/µm → 1/m

    @skfem.BilinearForm
    def robin(u, v, w):  # type: ignore[no-untyped-def]
        return sigma_q(w.x) * robin_alpha(w.x, w.n) * u * v

    # SI: ∫σ∇u·∇v dV with dV in µm³ (×1e-18 m³); the boundary term with dS in µm² (×1e-12)
    matrix = (stiffness.assemble(basis) * 1e-18 + robin.assemble(facets) * 1e-12).tocsr()
    amg = smoothed_aggregation_solver(matrix, symmetry="hermitian").aspreconditioner(cycle="V")

    n_contacts = placement.lead.contact_count
    wanted = range(n_contacts) if contacts is None else sorted(set(contacts))
    probe = _TensorProbe(basis, axes)
    solutions = np.zeros((n_contacts, basis.N))
    for k in wanted:
        where, share = _point_sources(placement, k)
        rhs = probe.matrix(where).T @ (share * 1e-3)  # type: ignore[attr-defined]  # A
        solution, info = cg(matrix, rhs, rtol=CG_RTOL, M=amg, maxiter=2000)
        if info != 0:
            raise RuntimeError(f"FEM solve did not converge (contact {k}, info {info})")
        solutions[k] = solution * 1e3  # V → mV
    return FemFields(
        placement=placement,
        probe=probe,
        solutions=solutions,
        dofs=int(basis.N),
        mesh={"h_mm": float(h_mm), "h_lead_mm": float(h_lead_mm), "order": float(order)},
        solved=tuple(wanted),
    )

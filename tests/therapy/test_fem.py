"""The finite-element volume conductor (optional extra ``fem``): it matches the analytic
point source in the homogeneous case and converges under refinement."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("skfem", reason="the optional 'fem' extra (scikit-fem) is not installed")

from drgstim.anatomy import Side, SpinalLevel
from drgstim.therapy import Medium, Placement, unit_fields
from drgstim.therapy.fem import solve_unit_fields

pytestmark = [pytest.mark.slow, pytest.mark.analytic]

PLACEMENT = Placement(level=SpinalLevel.L4, side=Side.LEFT)
OFFSETS_um = (
    [0, 0, -3000.0],
    [0, 0, -5000.0],
    [3000.0, 0, -3000.0],
    [0, 4000.0, -2000.0],
    [-2500.0, 0, -4500.0],
)


def _probes() -> np.ndarray:
    c = PLACEMENT.contact_centres_um()[1]
    return np.stack([c + np.array(d) for d in OFFSETS_um])


def _relative_error(h_mm: float) -> float:
    analytic = unit_fields(PLACEMENT, Medium.HOMOGENEOUS)
    fem = solve_unit_fields(
        PLACEMENT,
        h_mm=h_mm,
        homogeneous_S_per_m=0.2,
        contacts=(1,),
        boundary_mV_per_mA=lambda pts, k: analytic.at(pts.T)[k],
    )
    v, a = fem.at(_probes())[1], analytic.at(_probes())[1]
    return float(np.max(np.abs(v / a - 1.0)))


def test_homogeneous_fem_matches_the_analytic_contact_and_converges() -> None:
    """3–5 mm from a contact: within 4 % at h = 1 mm, and closer than at h = 2 mm."""
    coarse, fine = _relative_error(2.0), _relative_error(1.0)
    assert fine < 0.04
    assert fine < coarse


def test_tissue_model_converges_and_differs_from_the_homogeneous_medium() -> None:
    coarse = solve_unit_fields(PLACEMENT, h_mm=2.0, contacts=(1,)).at(_probes())[1]
    fine = solve_unit_fields(PLACEMENT, h_mm=1.0, contacts=(1,)).at(_probes())[1]
    assert np.max(np.abs(coarse / fine - 1.0)) < 0.05
    homogeneous = unit_fields(PLACEMENT, Medium.HOMOGENEOUS).at(_probes())[1]
    assert not np.allclose(fine, homogeneous, rtol=0.1)  # the tissues matter

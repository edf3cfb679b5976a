"""Convergence table of the FEM volume conductor (``drgstim[fem]``), over the region the
neurons occupy (:func:`drgstim.therapy.fem.neuron_region_um`), contact E2 of an L4 lead
at the nominal placement:

- homogeneous 0.2 S/m vs the analytic point sources (max relative error);
- fat over endoneurium (plane at the ganglion's dorsal surface) vs the image solution;
- the tissue model: max relative change from the previous (coarser) mesh.

Usage: ``.venv/bin/python scripts/fem_convergence.py [ORDER,H,H_LEAD ...]``
(default: 1,2,0.5 2,3,1.5 2,2,1 2,1.5,0.75).
"""

from __future__ import annotations

import sys
import time

import numpy as np

from drgstim.anatomy import Side, SpinalLevel
from drgstim.biophysics import _data as tissue_data
from drgstim.therapy import Medium, Placement, unit_fields
from drgstim.therapy.fem import neuron_region_um, solve_unit_fields
from drgstim.therapy.field import _contact_sources

PLACEMENT = Placement(level=SpinalLevel.L4, side=Side.LEFT)
CONTACT = 1


def image_solution(points: np.ndarray, plane_z: float, s1: float, s2: float) -> np.ndarray:
    k = (s1 - s2) / (s1 + s2)
    out = np.zeros(len(points))
    for src in _contact_sources(PLACEMENT, CONTACT):
        s = np.array(src.position_m)
        mirror = s * np.array([1.0, 1.0, -1.0]) + np.array([0.0, 0.0, 2.0 * plane_z])
        r = np.linalg.norm(points - s, axis=1) * 1e-6
        ri = np.linalg.norm(points - mirror, axis=1) * 1e-6
        out += src.fraction * np.where(points[:, 2] > plane_z, 1 / r + k / ri, (1 + k) / r)
    return out * 1e-3 / (4.0 * np.pi * s1) * 1e3


def main(specs: list[str]) -> None:
    table = tissue_data.load("tissue.json")["conductivity_S_per_m"]
    s1 = float(table["epidural_fat"])
    s2 = float(np.sqrt(table["endoneurium_longitudinal"] * table["endoneurium_transverse"]))
    plane = float(PLACEMENT.semi_axes_um()[2])
    pts = neuron_region_um(PLACEMENT)
    analytic = unit_fields(PLACEMENT, Medium.HOMOGENEOUS).at(pts)[CONTACT]
    image = image_solution(pts, plane, s1, s2)
    print(
        "| elements | h (neurons) | h (lead) | unknowns | homogeneous vs analytic | "
        "fat/endoneurium vs image | tissue model: change from previous row | s |"
    )
    print("|---|---|---|---|---|---|---|---|")
    previous = None
    for spec in specs:
        order, h, h_lead = (float(v) for v in spec.split(","))
        kw = {"order": int(order), "h_mm": h, "h_lead_mm": h_lead, "contacts": (CONTACT,)}
        t = time.perf_counter()
        hom = solve_unit_fields(PLACEMENT, homogeneous_S_per_m=0.2, **kw)  # type: ignore[arg-type]
        e_hom = np.max(np.abs(hom.at(pts)[CONTACT] / analytic - 1))
        two = solve_unit_fields(
            PLACEMENT,
            conductivity=lambda p: np.where(p[2] > plane, s1, s2),
            **kw,  # type: ignore[arg-type]
        )
        e_img = np.max(np.abs(two.at(pts)[CONTACT] / image - 1))
        tissue = solve_unit_fields(PLACEMENT, **kw).at(pts)[CONTACT]  # type: ignore[arg-type]
        change = "" if previous is None else f"{np.max(np.abs(previous / tissue - 1)) * 100:.1f} %"
        previous = tissue
        print(
            f"| P{int(order)} | {h:g} mm | {h_lead:g} mm | {hom.dofs} | {e_hom * 100:.2f} % | "
            f"{e_img * 100:.2f} % | {change} | {time.perf_counter() - t:.0f} |",
            flush=True,
        )


if __name__ == "__main__":
    main(sys.argv[1:] or ["1,2,0.5", "2,3,1.5", "2,2,1", "2,1.5,0.75"])

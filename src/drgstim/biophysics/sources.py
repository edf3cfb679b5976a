"""Extracellular potentials of current sources in a homogeneous medium (SI units).

Point source: V = I / (4πσr). Anisotropic medium with principal conductivities
(σx, σy, σz): V = I / (4π·sqrt(σyσz·x² + σxσz·y² + σxσy·z²)). A ring contact is a ring
of point sources sharing its current; a program is the superposition of its contacts with
their signed current fractions.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from drgstim import units
from drgstim.biophysics import _data
from drgstim.errors import InputError

__all__ = [
    "DEFAULT_SIGMA_S_PER_M",
    "PointSource",
    "potential_V",
    "potential_mV_at_um",
    "ring_contact",
]

FloatArray = npt.NDArray[np.float64]
# The homogeneous medium every command and experiment uses unless told otherwise (cited in
# data/biophysics/tissue.json).
DEFAULT_SIGMA_S_PER_M: float = float(
    _data.load("tissue.json")["conductivity_S_per_m"]["default_homogeneous"]
)
_MIN_DISTANCE_M = 1e-6  # 1 µm: closer than this a point source is not a model of anything


@dataclass(frozen=True, slots=True)
class PointSource:
    """A point current source at ``position_m`` carrying ``fraction`` of the drive current."""

    position_m: tuple[float, float, float]
    fraction: float = 1.0


def _check_sigma(sigma: Sequence[float]) -> tuple[float, float, float]:
    if len(sigma) != 3 or any(not s > 0 for s in sigma):
        raise InputError("sigma_S_per_m", tuple(sigma), "three conductivities > 0 S/m")
    return (float(sigma[0]), float(sigma[1]), float(sigma[2]))


def potential_V(
    *,
    current_A: float,
    points_m: FloatArray,
    sources: Sequence[PointSource],
    sigma_S_per_m: float | Sequence[float],
) -> FloatArray:
    """Potential (V) at ``points_m`` (…, 3) from ``current_A`` split over ``sources``."""
    sig = (
        (float(sigma_S_per_m),) * 3
        if isinstance(sigma_S_per_m, int | float)
        else tuple(sigma_S_per_m)
    )
    sx, sy, sz = _check_sigma(sig)
    pts = np.asarray(points_m, dtype=np.float64)
    out = np.zeros(pts.shape[:-1])
    for src in sources:
        d = pts - np.asarray(src.position_m)
        dist = np.sqrt(np.sum(d * d, axis=-1))
        if np.any(dist < _MIN_DISTANCE_M):
            raise InputError(
                "distance_um", units.um_from_m(float(np.min(dist))), ">= 1 µm from a source"
            )
        r_eff = np.sqrt(
            sy * sz * d[..., 0] ** 2 + sx * sz * d[..., 1] ** 2 + sx * sy * d[..., 2] ** 2
        )
        out += src.fraction * current_A / (4.0 * math.pi * r_eff)
    return out


def potential_mV_at_um(
    *,
    current_mA: float,
    points_um: FloatArray,
    sources_um: Sequence[PointSource],
    sigma_S_per_m: float | Sequence[float],
) -> FloatArray:
    """The same in the cable solver's units: mA in, µm positions, mV out."""
    sources = [
        PointSource(tuple(units.m_from_um(c) for c in s.position_m), s.fraction)  # type: ignore[arg-type]
        for s in sources_um
    ]
    v = potential_V(
        current_A=units.A_from_mA(current_mA),
        points_m=units.m_from_um(np.asarray(points_um, dtype=np.float64)),
        sources=sources,
        sigma_S_per_m=sigma_S_per_m,
    )
    return np.asarray(units.mV_from_V(v))


def ring_contact(
    *,
    centre: tuple[float, float, float],
    radius: float,
    axis: tuple[float, float, float] = (0.0, 0.0, 1.0),
    n_points: int = 16,
    fraction: float = 1.0,
) -> list[PointSource]:
    """A ring electrode as ``n_points`` point sources sharing ``fraction`` (any length unit)."""
    if n_points < 1:
        raise InputError("n_points", n_points, ">= 1")
    if not radius >= 0:
        raise InputError("radius", radius, ">= 0")
    a = np.asarray(axis, dtype=np.float64)
    a /= np.linalg.norm(a)
    helper = np.array([1.0, 0.0, 0.0]) if abs(a[0]) < 0.9 else np.array([0.0, 1.0, 0.0])
    u = np.cross(a, helper)
    u /= np.linalg.norm(u)
    v = np.cross(a, u)
    out = []
    for k in range(n_points):
        phi = 2.0 * math.pi * k / n_points
        p = np.asarray(centre) + radius * (math.cos(phi) * u + math.sin(phi) * v)
        out.append(PointSource((float(p[0]), float(p[1]), float(p[2])), fraction / n_points))
    return out

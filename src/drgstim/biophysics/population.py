"""Sample a DRG population: type of each neuron, its fibre diameter and soma position.

Type mix, diameter distributions and the ganglion's size come from
``data/biophysics/drg_population.json`` (cited there). Somata are placed in an ellipsoid
(x along the root, y lateral, z dorsal) with a density that grows towards the rim
(``rho**rim_exponent``, rho the normalised ellipsoidal radius) and towards the dorsal
surface (``1 + dorsal_bias * (z/c + 1)/2``): the dorsal rim is densest.

Orientation (``stem_orientation`` in the data file): each neuron lies in a plane through
the ganglion's long axis, its axons along the root (central end towards +x) and its stem
pointing from the soma towards that axis (somata in the rim, fibres in the core).
:meth:`Population.neuron_frame` turns a point of the ganglion into the neuron's own frame
(:mod:`drgstim.biophysics.drg.builders`: soma centre at the origin, stem along +y,
central axon along +x).

Randomness is explicit: pass a seed (or a ``numpy.random.Generator``); the result stores
the seed, the package version and a hash of the inputs and data so it can be reproduced.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from importlib.metadata import version as _dist_version
from typing import Any

import numpy as np
import numpy.typing as npt

from drgstim.biophysics.drg import data as drg_data
from drgstim.biophysics.drg.geometry import DrgType
from drgstim.errors import InputError

__all__ = ["MAX_NEURONS", "Population", "sample_population", "type_fractions"]

MAX_NEURONS = 100_000

_DIAMETER_KEYS = {
    DrgType.ABETA: "abeta_diameter_um",
    DrgType.ADELTA: "adelta_diameter_um",
    DrgType.C: "c_peripheral_diameter_um",
}


@dataclass(frozen=True, kw_only=True)
class Population:
    """Sampled neurons (arrays of equal length) with what is needed to reproduce them."""

    types: tuple[DrgType, ...]
    diameter_um: npt.NDArray[np.float64]
    position_um: npt.NDArray[np.float64]  # shape (n, 3), soma centres, ganglion centre at 0
    seed: int
    version: str
    input_hash: str

    def __len__(self) -> int:
        return len(self.types)

    def indices(self, kind: DrgType | str) -> npt.NDArray[np.int64]:
        """Positions in the population of the neurons of one type."""
        wanted = DrgType(kind)
        return np.array([i for i, t in enumerate(self.types) if t is wanted], dtype=np.int64)

    def stem_directions(self) -> npt.NDArray[np.float64]:
        """Unit vectors (n, 3) from each soma towards the ganglion's long axis (x)."""
        rule = drg_data.value("drg_population", "stem_orientation")
        if rule != "towards_root_axis":  # the only orientation rule implemented
            raise InputError("stem_orientation", rule, "towards_root_axis")
        radial = self.position_um * np.array([0.0, 1.0, 1.0])
        norm = np.linalg.norm(radial, axis=1, keepdims=True)
        on_axis = norm[:, 0] < 1e-9  # a soma on the axis itself: stem taken as ventral
        out = -radial / np.where(on_axis[:, None], 1.0, norm)
        out[on_axis] = (0.0, 0.0, -1.0)
        result: npt.NDArray[np.float64] = out
        return result

    def neuron_frame(self, point_um: npt.ArrayLike) -> npt.NDArray[np.float64]:
        """``point_um`` (3,), a point of the ganglion, in each neuron's frame: (n, 3).

        Frame axes in the ganglion: x (the root), the stem direction u, and x × u.
        """
        d = np.asarray(point_um, dtype=np.float64)[None, :] - self.position_um
        u = self.stem_directions()
        normal = np.cross(np.array([1.0, 0.0, 0.0]), u)
        result: npt.NDArray[np.float64] = np.stack(
            [d[:, 0], np.sum(d * u, axis=1), np.sum(d * normal, axis=1)], axis=1
        )
        return result

    def counts(self) -> dict[str, int]:
        """Number of neurons of each type."""
        return {t.value: sum(1 for x in self.types if x is t) for t in DrgType}


def type_fractions() -> dict[DrgType, float]:
    """The cited type mix (fractions by count, summing to 1)."""
    raw = drg_data.value("drg_population", "type_fractions")
    return {DrgType(k): float(v) for k, v in raw.items()}


def _truncated_normal(
    rng: np.random.Generator, spec: dict[str, float], n: int
) -> npt.NDArray[np.float64]:
    out = np.empty(n, dtype=np.float64)
    filled = 0
    while filled < n:
        draw = rng.normal(spec["mean"], spec["sd"], size=max(16, 2 * (n - filled)))
        keep = draw[(draw >= spec["min"]) & (draw <= spec["max"])][: n - filled]
        out[filled : filled + len(keep)] = keep
        filled += len(keep)
    return out


def _positions(rng: np.random.Generator, n: int) -> npt.NDArray[np.float64]:
    axes = np.asarray(drg_data.value("drg_population", "ganglion_semi_axes_um"), dtype=np.float64)
    rim = float(drg_data.value("drg_population", "rim_exponent"))
    dorsal = float(drg_data.value("drg_population", "dorsal_bias"))
    w_max = 1.0 + dorsal
    out = np.empty((n, 3), dtype=np.float64)
    filled = 0
    while filled < n:
        m = max(64, 4 * (n - filled))
        unit = rng.uniform(-1.0, 1.0, size=(m, 3))
        rho = np.linalg.norm(unit, axis=1)
        inside = rho <= 1.0
        weight = rho**rim * (1.0 + dorsal * (unit[:, 2] + 1.0) / 2.0)
        accept = inside & (rng.uniform(0.0, w_max, size=m) < weight)
        chosen = unit[accept][: n - filled] * axes
        out[filled : filled + len(chosen)] = chosen
        filled += len(chosen)
    return out


def _input_hash(n_neurons: int, seed: int) -> str:
    payload = json.dumps({"n_neurons": n_neurons, "seed": seed, "data": drg_data.data_version()})
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:16]


def sample_population(
    *, n_neurons: int, seed: int, rng: np.random.Generator | None = None
) -> Population:
    """Sample ``n_neurons`` neurons; the same seed always gives the same population.

    ``rng`` may be given to draw from an existing generator; ``seed`` is still recorded
    (pass the seed that generator was made from).
    """
    if not 1 <= n_neurons <= MAX_NEURONS:
        raise InputError("n_neurons", n_neurons, f"1–{MAX_NEURONS}")
    if seed < 0:
        raise InputError("seed", seed, "an integer ≥ 0")
    gen = rng if rng is not None else np.random.default_rng(seed)
    kinds = list(DrgType)
    fractions = type_fractions()
    probs = np.array([fractions[k] for k in kinds])
    picks = gen.choice(len(kinds), size=n_neurons, p=probs / probs.sum())
    types = tuple(kinds[i] for i in picks)
    diameters = np.empty(n_neurons, dtype=np.float64)
    for j, kind in enumerate(kinds):
        where = np.flatnonzero(picks == j)
        spec: dict[str, Any] = drg_data.value("drg_population", _DIAMETER_KEYS[kind])
        diameters[where] = _truncated_normal(gen, spec, len(where))
    return Population(
        types=types,
        diameter_um=diameters,
        position_um=_positions(gen, n_neurons),
        seed=seed,
        version=_dist_version("drgstim"),
        input_hash=_input_hash(n_neurons, seed),
    )

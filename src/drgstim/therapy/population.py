"""A level's neuron population with receptive fields in that level's dermatome.

Types, fibre diameters and soma placement are the biophysics layer's cited population
(:func:`drgstim.biophysics.population.sample_population`), stretched from its reference
ellipsoid onto the level's ganglion (:func:`drgstim.anatomy.drg_size`). Each neuron's
receptive field lies in the level's dermatome (the atlas), the regions' shares of the
level taken from the atlas weights, on the lead's side. Somatotopy (``therapy.json``,
cited there): ``mixed`` (no somatotopy: every neuron stands for the regions in proportion
to their shares) or ``clustered`` (one region per neuron, each region one slab along the
ganglion's long axis).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, replace
from enum import StrEnum

import numpy as np
import numpy.typing as npt

from drgstim.anatomy import Region, Side, SpinalLevel, dermatome_weights
from drgstim.biophysics.drg import data as drg_data
from drgstim.biophysics.population import Population, sample_population
from drgstim.therapy._data import setting
from drgstim.therapy.placement import Placement

__all__ = ["LevelPopulation", "Somatotopy", "level_population", "level_regions"]


class Somatotopy(StrEnum):
    CLUSTERED = "clustered"
    MIXED = "mixed"


def level_regions(level: SpinalLevel) -> dict[Region, float]:
    """Regions of ``level``'s dermatome with their share of its neurons (sum 1)."""
    raw = {r: dermatome_weights(r).get(level, 0.0) for r in Region}
    raw = {r: w for r, w in raw.items() if w > 0}
    total = sum(raw.values())
    return {r: w / total for r, w in raw.items()}


@dataclass(frozen=True)
class LevelPopulation:
    """Neurons of one ganglion (positions in the placement's ganglion frame, µm)."""

    level: SpinalLevel
    side: Side
    population: Population
    region_names: tuple[Region, ...]  # the level's dermatome regions (columns)
    membership: npt.NDArray[np.float64]  # (neurons, regions): share of each neuron's field
    somatotopy: Somatotopy
    input_hash: str

    def __len__(self) -> int:
        return len(self.population)


def _membership(
    shares: dict[Region, float], x_unit: npt.NDArray[np.float64], somatotopy: Somatotopy
) -> npt.NDArray[np.float64]:
    """(neurons, regions) receptive-field shares. Mixed: no somatotopy, so each neuron
    stands for the level's regions in proportion to their shares (the expectation of a
    random assignment, free of sampling noise). Clustered: one region per neuron, by its
    rank along the ganglion's long axis."""
    p = np.array(list(shares.values()))
    if somatotopy is Somatotopy.MIXED:
        return np.tile(p, (len(x_unit), 1))
    edges = np.cumsum(p)[:-1]
    ranks = (np.argsort(np.argsort(x_unit)) + 0.5) / len(x_unit)
    out = np.zeros((len(x_unit), len(p)))
    out[np.arange(len(x_unit)), np.searchsorted(edges, ranks)] = 1.0
    return out


def level_population(
    placement: Placement,
    *,
    n_neurons: int | None = None,
    seed: int = 1,
    somatotopy: Somatotopy | str | None = None,
) -> LevelPopulation:
    """The population of ``placement``'s ganglion; the same inputs give the same neurons."""
    n = int(setting("default_neurons_per_level")) if n_neurons is None else n_neurons
    soma = Somatotopy(somatotopy or setting("somatotopy"))
    base = sample_population(n_neurons=n, seed=seed)
    ref = np.asarray(drg_data.value("drg_population", "ganglion_semi_axes_um"), dtype=np.float64)
    scale = placement.semi_axes_um() / ref
    pop = replace(base, position_um=base.position_um * scale)
    shares = level_regions(placement.level)
    key = json.dumps(
        {
            "base": base.input_hash,
            "level": placement.level.value,
            "side": placement.side.value,
            "somatotopy": soma.value,
            "scale": scale.round(9).tolist(),
        },
        sort_keys=True,
    )
    return LevelPopulation(
        level=placement.level,
        side=placement.side,
        population=pop,
        region_names=tuple(shares),
        membership=_membership(shares, base.position_um[:, 0], soma),
        somatotopy=soma,
        input_hash=hashlib.sha256(key.encode()).hexdigest()[:16],
    )

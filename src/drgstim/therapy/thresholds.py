"""Each neuron's threshold for one contact configuration and pulse width, cached.

For a fixed configuration (which contacts are cathodes and anodes, and their split) and a
fixed pulse width, the potential everywhere is the program amplitude times one unit
field, so each neuron's threshold is one number and every amplitude is read from it:
activated at A ⇔ threshold ≤ A. :class:`ThresholdEngine` computes the thresholds once
per (placement, population, medium, configuration, pulse width) and caches them in memory
and on disk (``DRGSTIM_CACHE_DIR``, else the user cache directory), keyed by a hash of
every input, the package version and the data versions. Each contact's unit field at each
neuron's compartments is computed once per placement and superposed per configuration.

This is the therapy layer's one adapter onto the biophysics layer's solver: the
population fast path (:func:`drgstim.biophysics.drg.population_search.population_thresholds`,
given the program's unit field), which returns the thresholds of the exhaustive doubling
from each type's ``search_start_uA`` with a fraction of its simulations (most C neurons
cost one short screening run).
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Sequence
from importlib.metadata import version as _dist_version
from pathlib import Path

import numpy as np
import numpy.typing as npt

from drgstim.biophysics.drg import data as drg_data
from drgstim.biophysics.drg.geometry import DrgType
from drgstim.biophysics.drg.population_search import (
    Field,
    population_activation,
    population_thresholds,
)
from drgstim.device import grid
from drgstim.therapy._data import setting
from drgstim.therapy.field import UnitFields
from drgstim.therapy.population import LevelPopulation

__all__ = ["ThresholdEngine", "cache_dir"]

FloatArray = npt.NDArray[np.float64]
Progress = Callable[[int, int], None]


def cache_dir() -> Path:
    """Where thresholds are cached (``DRGSTIM_CACHE_DIR`` or the user cache directory)."""
    env = os.environ.get("DRGSTIM_CACHE_DIR")
    if env:
        return Path(env)
    import platformdirs

    return Path(platformdirs.user_cache_dir("drgstim", appauthor=False)) / "therapy"


class ThresholdEngine:
    """Thresholds of one level population under one placed lead, per configuration."""

    def __init__(self, population: LevelPopulation, fields: UnitFields) -> None:
        self.population = population
        self.fields = fields
        self._unit: dict[int, FloatArray] = {}  # neuron → (contacts, compartments)
        self._memo: dict[str, FloatArray] = {}

    def _ve(self, weights: Sequence[float]) -> Field:
        """The program's unit field (points in the ganglion's frame, µm), each contact's
        field at a neuron's compartments computed once and superposed per program."""
        w = np.asarray(weights, dtype=np.float64)

        def ve(i: int, points_um: FloatArray) -> FloatArray:
            unit = self._unit.get(i)
            if unit is None or unit.shape[1] != len(points_um):
                unit = self.fields.at(points_um)
                self._unit[i] = unit
            out: FloatArray = w @ unit
            return out

        return ve

    def key(self, weights: Sequence[float], pulse_width_us: int) -> str:
        p = self.fields.placement
        payload = {
            "population": self.population.input_hash,
            "placement": p.to_dict(),
            "lead": [p.lead.diameter_mm, p.lead.length_mm, p.lead.pitch_mm],
            "medium": self.fields.medium.value,
            "weights": [round(float(x), 9) for x in weights],
            "pulse_width_us": int(pulse_width_us),
            "max_uA": self.max_amplitude_uA,
            "start_uA": setting("search_start_uA"),
            "search": "population_thresholds",
            "version": _dist_version("drgstim"),
            "data": drg_data.data_version(),
        }
        mesh = getattr(self.fields, "mesh", None)
        if mesh is not None:  # a FEM field: its mesh decides the field (analytic keys unchanged)
            payload["fem_mesh"] = mesh
        return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()[:24]

    @property
    def max_amplitude_uA(self) -> float:
        return float(grid("amplitude_uA").maximum)

    def thresholds_uA(
        self, weights: Sequence[float], pulse_width_us: int, *, progress: Progress | None = None
    ) -> FloatArray:
        """Threshold program amplitude (µA) per neuron; inf above the device maximum."""
        solved = getattr(self.fields, "solved", None)
        if solved and any(w != 0.0 for k, w in enumerate(weights) if k not in solved):
            raise ValueError(f"the program uses a contact whose field was not solved: {solved}")
        key = self.key(weights, pulse_width_us)
        n = len(self.population)
        if key not in self._memo:
            path = cache_dir() / f"{key}.npy"
            if path.exists():
                found: FloatArray = np.load(path)
                if len(found) == n:
                    self._memo[key] = found
        if key in self._memo:
            if progress is not None:
                progress(n, n)
            return self._memo[key]
        path = cache_dir() / f"{key}.npy"
        out = population_thresholds(
            self.population.population,
            field=self._ve(weights),
            pulse_width_us=pulse_width_us,
            max_amplitude_uA=self.max_amplitude_uA,
            progress=progress,
            start_uA={DrgType(k): float(v) for k, v in setting("search_start_uA").items()},
        ).thresholds_uA
        self._memo[key] = out
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".{os.getpid()}.tmp.npy")
            np.save(tmp, out)
            os.replace(tmp, path)
        except OSError:  # a read-only cache only costs speed
            pass
        return out

    def blocked(
        self,
        weights: Sequence[float],
        pulse_width_us: int,
        amplitude_uA: float,
        thresholds_uA: FloatArray,
    ) -> npt.NDArray[np.bool_]:
        """Neurons above threshold whose spike does not reach the central end (one
        simulation per neuron above threshold)."""
        above = np.flatnonzero(thresholds_uA < amplitude_uA)
        out = np.zeros(len(thresholds_uA), dtype=np.bool_)
        if len(above) == 0:
            return out
        fires = population_activation(
            self.population.population,
            field=self._ve(weights),
            indices=above,
            amplitudes_uA=np.full(len(above), amplitude_uA),
            pulse_width_us=pulse_width_us,
        )
        out[above[~fires]] = True
        return out

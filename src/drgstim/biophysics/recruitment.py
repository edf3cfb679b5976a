"""Recruitment: the fraction of each DRG neuron type activated versus stimulus amplitude.

A point contact sits ``distance_um`` above the dorsal surface of the ganglion (on the z
axis of :mod:`drgstim.biophysics.population`'s ellipsoid). Each sampled neuron's
threshold is found by a batched threshold search for its type and fibre diameter with the
source where the contact lies in the neuron's own frame
(:meth:`~drgstim.biophysics.population.Population.neuron_frame`: axons along the root,
stem pointing from the soma towards the ganglion's long axis), so a neuron on the dorsal
rim faces the contact with its soma and one on the ventral rim with its stem and axons.
A neuron counts as activated at amplitude A when its threshold is ≤ A and, if an
:class:`ActivationCheck` is given, its spike still reaches the detection site at A: far
above threshold the cathode can block the spike it starts (conduction block), so a near
neuron can fire at 1 mA and be silent at 12 mA. Such neurons are reported as ``blocked``
at that amplitude; without a check every amplitude at or above the threshold counts and
recruitment is monotone by construction. One threshold search serves every amplitude;
the check costs one simulation per neuron and amplitude above its threshold.

The threshold search and the check are passed in (:class:`ThresholdSearch`,
:class:`ActivationCheck`), so this logic does not depend on which solver backend
computes them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np
import numpy.typing as npt

from drgstim.biophysics.drg import data as drg_data
from drgstim.biophysics.drg.geometry import DrgType
from drgstim.biophysics.population import Population
from drgstim.errors import InputError

__all__ = [
    "ActivationCheck",
    "CellRequest",
    "MAX_AMPLITUDE_uA",
    "RecruitmentResult",
    "ThresholdSearch",
    "check_request",
    "contact_distances_um",
    "contact_um",
    "recruitment",
    "summarise",
]

MAX_AMPLITUDE_uA = 12_000.0  # twice the device's 6 mA limit: a model question, not a program


@dataclass(frozen=True, kw_only=True)
class CellRequest:
    """One neuron whose threshold is wanted."""

    kind: DrgType
    diameter_um: float
    distance_um: float
    # the contact in the neuron's frame (soma centre at 0, stem +y, central axon +x);
    # None: at (0, 0, distance_um), perpendicular to the neuron's plane
    source_um: tuple[float, float, float] | None = None


class ThresholdSearch(Protocol):
    """Batched threshold search: cathodic thresholds (µA, magnitude) for many cells at once.

    Returns ``inf`` for a cell not activated up to ``max_amplitude_uA``.
    ``progress(done, total)`` is called as cells finish.
    """

    def __call__(
        self,
        cells: Sequence[CellRequest],
        *,
        pulse_width_us: float,
        max_amplitude_uA: float,
        progress: Callable[[int, int], None] | None = None,
    ) -> npt.NDArray[np.float64]: ...


class ActivationCheck(Protocol):
    """Whether each cell is activated at its own amplitude (µA, cathodic), as a bool array."""

    def __call__(
        self,
        cells: Sequence[CellRequest],
        *,
        amplitudes_uA: Sequence[float],
        pulse_width_us: float,
    ) -> npt.NDArray[np.bool_]: ...


@dataclass(frozen=True, kw_only=True)
class RecruitmentResult:
    """Fraction and count activated per type per amplitude, with the thresholds."""

    amplitudes_uA: tuple[float, ...]
    fractions: dict[str, list[float]]
    activated: dict[str, list[int]]
    blocked: dict[str, list[int]]  # threshold ≤ amplitude, but silent at that amplitude
    counts: dict[str, int]
    thresholds_uA: npt.NDArray[np.float64]
    active: npt.NDArray[np.bool_]  # (neurons, amplitudes): spike at the detection site
    pulse_width_us: float
    distance_um: float
    seed: int
    version: str
    input_hash: str
    data_version: str = field(default_factory=drg_data.data_version)

    def as_json(self) -> dict[str, object]:
        """The JSON contract of ``drgstim recruitment --json``."""
        return {
            "amplitudes_uA": list(self.amplitudes_uA),
            "pulse_width_us": self.pulse_width_us,
            "distance_um": self.distance_um,
            "fraction_activated": self.fractions,
            "activated": self.activated,
            "blocked": self.blocked,
            "counts": self.counts,
            "seed": self.seed,
            "version": self.version,
            "input_hash": self.input_hash,
            "data_version": self.data_version,
        }


def contact_um(distance_um: float) -> npt.NDArray[np.float64]:
    """The contact ``distance_um`` above the ganglion's dorsal surface (ganglion frame)."""
    semi_z = float(drg_data.value("drg_population", "ganglion_semi_axes_um")[2])
    return np.array([0.0, 0.0, semi_z + distance_um])


def contact_distances_um(population: Population, *, distance_um: float) -> npt.NDArray[np.float64]:
    """Distance from each soma centre to a contact ``distance_um`` above the dorsal surface."""
    contact = contact_um(distance_um)
    result: npt.NDArray[np.float64] = np.linalg.norm(population.position_um - contact, axis=1)
    return result


def check_request(
    amplitudes_uA: Sequence[float], pulse_width_us: float, distance_um: float
) -> None:
    """:class:`InputError` naming the first request value out of its range."""
    if not amplitudes_uA:
        raise InputError(
            "amplitudes_uA", list(amplitudes_uA), f"one or more values in 0–{MAX_AMPLITUDE_uA:g} µA"
        )
    for a in amplitudes_uA:
        if not 0.0 < a <= MAX_AMPLITUDE_uA:
            raise InputError("amplitudes_uA", a, f"0–{MAX_AMPLITUDE_uA:g} µA (exclusive of 0)")
    if not 10.0 <= pulse_width_us <= 10_000.0:
        raise InputError("pulse_width_us", pulse_width_us, "10–10000 µs")
    if not 0.0 <= distance_um <= 20_000.0:
        raise InputError("distance_um", distance_um, "0–20000 µm from the ganglion surface")


def recruitment(
    population: Population,
    *,
    amplitudes_uA: Sequence[float],
    pulse_width_us: float,
    distance_um: float,
    search: ThresholdSearch,
    check: ActivationCheck | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> RecruitmentResult:
    """Fraction of each type activated at each amplitude (one threshold search per neuron,
    then with ``check`` one simulation per neuron and amplitude above its threshold)."""
    check_request(amplitudes_uA, pulse_width_us, distance_um)
    amps = tuple(float(a) for a in amplitudes_uA)
    distances = contact_distances_um(population, distance_um=distance_um)
    sources = population.neuron_frame(contact_um(distance_um))
    cells = [
        CellRequest(
            kind=k, diameter_um=float(d), distance_um=float(r),
            source_um=(float(s[0]), float(s[1]), float(s[2])),
        )
        for k, d, r, s in zip(
            population.types, population.diameter_um, distances, sources, strict=True
        )
    ]  # fmt: skip
    thresholds = np.asarray(
        search(cells, pulse_width_us=pulse_width_us, max_amplitude_uA=max(amps), progress=progress),
        dtype=np.float64,
    )
    reached = thresholds[:, None] <= np.asarray(amps)[None, :]  # (neurons, amplitudes)
    active = reached.copy()
    if check is not None:
        above = np.argwhere(reached & (np.asarray(amps)[None, :] > thresholds[:, None]))
        if len(above):
            fires = np.asarray(
                check(
                    [cells[i] for i in above[:, 0]],
                    amplitudes_uA=[amps[k] for k in above[:, 1]],
                    pulse_width_us=pulse_width_us,
                ),
                dtype=np.bool_,
            )
            active[above[~fires, 0], above[~fires, 1]] = False
    return summarise(
        population, amplitudes_uA=amps, thresholds_uA=thresholds, active=active,
        pulse_width_us=pulse_width_us, distance_um=distance_um,
    )  # fmt: skip


def summarise(
    population: Population,
    *,
    amplitudes_uA: Sequence[float],
    thresholds_uA: npt.NDArray[np.float64],
    active: npt.NDArray[np.bool_],
    pulse_width_us: float,
    distance_um: float,
) -> RecruitmentResult:
    """Count per type: activated (``active``: spike at the detection site) and blocked
    (threshold ≤ amplitude but not active) at each amplitude, whatever computed them."""
    amps = tuple(float(a) for a in amplitudes_uA)
    thresholds = np.asarray(thresholds_uA, dtype=np.float64)
    reached = thresholds[:, None] <= np.asarray(amps)[None, :]
    fractions: dict[str, list[float]] = {}
    activated: dict[str, list[int]] = {}
    blocked: dict[str, list[int]] = {}
    for kind in DrgType:
        idx = population.indices(kind)
        hits = [int(np.count_nonzero(active[idx, k])) for k in range(len(amps))]
        activated[kind.value] = hits
        blocked[kind.value] = [int(np.count_nonzero(reached[idx, k])) - h
                               for k, h in enumerate(hits)]  # fmt: skip
        fractions[kind.value] = [h / len(idx) if len(idx) else 0.0 for h in hits]
    return RecruitmentResult(
        amplitudes_uA=amps,
        fractions=fractions,
        activated=activated,
        blocked=blocked,
        counts=population.counts(),
        thresholds_uA=thresholds,
        active=np.asarray(active, dtype=np.bool_),
        pulse_width_us=pulse_width_us,
        distance_um=distance_um,
        seed=population.seed,
        version=population.version,
        input_hash=population.input_hash,
    )

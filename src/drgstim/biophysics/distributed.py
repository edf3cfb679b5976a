"""Population, amplitude and placement sweeps in chunks, here or on a Dask cluster.

A sweep is split into tasks: one electrode placement (a configuration of point sources)
× one chunk of neurons (``CHUNK_NEURONS`` consecutive neurons of one type). Each task is
one call of :func:`drgstim.biophysics.drg.population_search.population_thresholds` (all
requested amplitudes at once: one threshold per neuron serves them all). Without a
client the tasks run here one after the other; with a ``distributed.Client`` they run on
its workers (``client.map``) and are gathered as they finish. The chunks are the same
either way and neurons are independent lanes of the solver, so a distributed run gives
the same numbers as the local one.

Dask is an optional extra (``pip install 'drgstim[dask]'``); only this module's
functions that take a client touch it, and they do not import it themselves: the caller
makes the client (``drgstim recruitment --workers N`` or ``--scheduler tcp://HOST:PORT``,
or dask-jobqueue's ``SLURMCluster``, see ``docs/performance.md``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from drgstim.biophysics.drg.population_search import (
    DEVICE_MAX_uA,
    PopulationThresholds,
    population_thresholds,
)
from drgstim.biophysics.population import Population
from drgstim.biophysics.recruitment import (
    RecruitmentResult,
    check_request,
    contact_um,
    summarise,
)
from drgstim.biophysics.sources import PointSource
from drgstim.errors import InputError

__all__ = ["CHUNK_NEURONS", "Placement", "chunks", "recruitment_sweep", "sweep_thresholds"]

CHUNK_NEURONS = 64  # neurons per task: two 16-slot groups per thread of a 2-thread kernel
Progress = Callable[[int, int], None]


@dataclass(frozen=True, kw_only=True)
class Placement:
    """One electrode configuration at unit amplitude (point sources, ganglion frame, µm)."""

    sources_um: tuple[PointSource, ...]
    distance_um: float | None = None  # set for a single contact above the dorsal surface

    @classmethod
    def above_surface(cls, distance_um: float) -> Placement:
        """A single contact ``distance_um`` above the dorsal surface (as recruitment)."""
        point = tuple(float(c) for c in contact_um(distance_um))
        return cls(sources_um=(PointSource(point, 1.0),), distance_um=distance_um)  # type: ignore[arg-type]


def chunks(population: Population, *, size: int = CHUNK_NEURONS) -> list[npt.NDArray[np.int64]]:
    """Neuron indices in tasks: each type's neurons in population order, ``size`` at a time."""
    if size < 1:
        raise InputError("chunk size", size, ">= 1")
    types = np.array([t.value for t in population.types], dtype=object)
    out: list[npt.NDArray[np.int64]] = []
    for kind in dict.fromkeys(types.tolist()):
        idx = np.flatnonzero(types == kind).astype(np.int64)
        out.extend(idx[k : k + size] for k in range(0, len(idx), size))
    return out


def _task(
    population: Population, indices: npt.NDArray[np.int64], placement: Placement,
    pulse_width_us: float, amplitudes_uA: tuple[float, ...], max_amplitude_uA: float,
) -> PopulationThresholds:  # fmt: skip
    return population_thresholds(
        population, sources_um=placement.sources_um, pulse_width_us=pulse_width_us,
        amplitudes_uA=amplitudes_uA, max_amplitude_uA=max_amplitude_uA, indices=indices,
    )  # fmt: skip


def _merge(
    n: int, amps: tuple[float, ...], parts: Sequence[PopulationThresholds]
) -> PopulationThresholds:
    thr = np.full(n, np.inf)
    active = np.zeros((n, len(amps)), dtype=np.bool_)
    reached = np.zeros((n, len(amps)), dtype=np.bool_)
    cand = np.zeros(n, dtype=np.bool_)
    for p in parts:
        thr[p.indices], active[p.indices] = p.thresholds_uA, p.active
        reached[p.indices], cand[p.indices] = p.reached, p.block_candidates
    return PopulationThresholds(
        indices=np.arange(n), thresholds_uA=thr, amplitudes_uA=amps, active=active,
        reached=reached, block_candidates=cand, simulations=sum(p.simulations for p in parts),
    )  # fmt: skip


def sweep_thresholds(
    population: Population,
    *,
    placements: Sequence[Placement],
    pulse_width_us: float,
    amplitudes_uA: Sequence[float],
    max_amplitude_uA: float | None = None,
    client: Any = None,
    chunk_neurons: int = CHUNK_NEURONS,
    progress: Progress | None = None,
) -> list[PopulationThresholds]:
    """Every neuron's threshold and activation for each placement (one result each).

    ``max_amplitude_uA``: where the search stops (default: the device's maximum, or the
    largest requested amplitude if that is higher). ``client``: a ``distributed.Client``
    (None: run here). ``progress(done, total)`` counts finished tasks.
    """
    if not placements:
        raise InputError("placements", [], "one or more electrode placements")
    amps = tuple(float(a) for a in amplitudes_uA)
    top = max_amplitude_uA if max_amplitude_uA is not None else max((DEVICE_MAX_uA, *amps))
    parts = chunks(population, size=chunk_neurons)
    jobs = [(k, idx) for k in range(len(placements)) for idx in parts]
    args = (pulse_width_us, amps, top)
    results: list[PopulationThresholds | None] = [None] * len(jobs)
    if client is None:
        for j, (k, idx) in enumerate(jobs):
            results[j] = _task(population, idx, placements[k], *args)
            if progress is not None:
                progress(j + 1, len(jobs))
    else:
        results = _on_cluster(client, population, placements, jobs, args, progress)
    done = [r for r in results if r is not None]
    return [
        _merge(len(population), amps, done[k * len(parts) : (k + 1) * len(parts)])
        for k in range(len(placements))
    ]


def _on_cluster(
    client: Any, population: Population, placements: Sequence[Placement],
    jobs: list[tuple[int, npt.NDArray[np.int64]]], args: tuple[float, tuple[float, ...], float],
    progress: Progress | None,
) -> list[PopulationThresholds | None]:  # fmt: skip
    from distributed import as_completed  # the optional extra; callers hold a client

    shared = client.scatter(population, broadcast=True)
    futures = [client.submit(_task, shared, idx, placements[k], *args) for k, idx in jobs]
    for done, _ in enumerate(as_completed(futures), start=1):  # type: ignore[no-untyped-call]
        if progress is not None:
            progress(done, len(jobs))
    results: list[PopulationThresholds | None] = list(client.gather(futures))
    return results


def recruitment_sweep(
    population: Population,
    *,
    distances_um: Sequence[float],
    amplitudes_uA: Sequence[float],
    pulse_width_us: float,
    client: Any = None,
    progress: Progress | None = None,
) -> list[RecruitmentResult]:
    """``drgstim recruitment`` for each contact distance above the dorsal surface."""
    for d in distances_um:
        check_request(amplitudes_uA, pulse_width_us, d)
    placements = [Placement.above_surface(float(d)) for d in distances_um]
    found = sweep_thresholds(
        population, placements=placements, pulse_width_us=pulse_width_us,
        amplitudes_uA=amplitudes_uA, client=client, progress=progress,
    )  # fmt: skip
    return [
        summarise(
            population,
            amplitudes_uA=amplitudes_uA,
            thresholds_uA=f.thresholds_uA,
            active=f.active,
            pulse_width_us=pulse_width_us,
            distance_um=float(d),
        )
        for f, d in zip(found, distances_um, strict=True)
    ]

"""Where the CPU of a DRG population's thresholds goes: per neuron type and per phase.

    .venv/bin/python benchmarks/population_phases.py --neurons 200 [--chunked]

Runs :func:`drgstim.biophysics.drg.population_search.population_thresholds` (seed 1,
contact on the dorsal surface, 300 µs, 10 amplitudes up to 6 mA) and prints the CPU
seconds (all threads) of the cell build, each type's solver calls (ladder, bisection,
guessed search, block runs) and of the block check, and the whole call's. ``--chunked``:
the single-amplitude runs as ``run_batch`` in chunks of 4 lanes instead of ``run_each``
(slots refilled as runs end), to compare the two in one session of a shared machine.
"""

from __future__ import annotations

import argparse
import importlib
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import numpy as np

from drgstim.biophysics.drg import population_search as ps
from drgstim.biophysics.population import sample_population
from drgstim.biophysics.recruitment import contact_um
from drgstim.biophysics.solver import run_batch
from drgstim.biophysics.sources import PointSource

CPU: defaultdict[str, float] = defaultdict(float)
# the module itself: ``drgstim.biophysics.threshold`` is also a function of the package
threshold = importlib.import_module("drgstim.biophysics.threshold")


def _timed(key: Callable[..., str], f: Callable[..., Any]) -> Callable[..., Any]:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        t = time.process_time()
        try:
            return f(*args, **kwargs)
        finally:
            CPU[key(*args, **kwargs)] += time.process_time() - t

    return wrapper


def _chunked(batch: Any, **kw: Any) -> Any:
    """``run_batch`` in chunks of 4, the verdict at the detection site (no gate)."""
    kw.pop("gate", None)
    run = run_batch(batch, chunk=4, **kw)
    return replace(run, fired=np.isfinite(run.tcross_ms[batch.detect]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--neurons", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--chunked", action="store_true", help="run_batch, chunks of 4")
    args = parser.parse_args()
    if args.chunked:
        ps.run_each = _chunked
    population = sample_population(n_neurons=args.neurons, seed=args.seed)
    # the solver calls, by the type of their batch (its compartments and dt tell it)
    kinds: dict[tuple[int, float], str] = {}
    ps._group = _timed(lambda *a, **k: "build", ps._group)
    ps._activation = _timed(lambda g, *a, **k: "block check", ps._activation)
    group = ps._group

    def tagged(*a: Any, **k: Any) -> Any:
        g = group(*a, **k)
        kinds[g.batch.area.shape[0], g.dt_ms] = g.kind.value
        return g

    ps._group = tagged

    def kind_of(batch: Any, **kw: Any) -> str:
        # the type of this size whose own dt is the largest not above the call's
        fits = [(d, v) for (m, d), v in kinds.items() if m == batch.area.shape[0]]
        return max((f for f in fits if f[0] <= kw["dt_ms"] + 1e-12), default=(0, "?"))[1]

    ps.run_each = _timed(kind_of, ps.run_each)
    threshold.search_batch = _timed(kind_of, threshold.search_batch)
    amps = [600.0 * (k + 1) for k in range(10)]
    contact = PointSource(tuple(float(c) for c in contact_um(0.0)), 1.0)  # type: ignore[arg-type]
    t = time.process_time()
    wall = time.perf_counter()
    # one part (threads=1): the kernels use every thread, and each call's CPU seconds are
    # its own (with a part per thread, calls of the two parts would overlap)
    got = ps.population_thresholds(
        population, sources_um=[contact], pulse_width_us=300.0, amplitudes_uA=amps, threads=1
    )
    total, wall = time.process_time() - t, time.perf_counter() - wall
    path = "run_batch, chunks of 4" if args.chunked else "run_each"
    print(f"{args.neurons} neurons (seed {args.seed}: {population.counts()}), ", end="")
    print(f"{got.simulations} runs, {path}")
    for name in ("build", *sorted(set(kinds.values()))):
        print(f"  {name:12s} {CPU[name]:7.2f} s CPU")
    print(f"  {'block check':12s} {CPU['block check']:7.2f} s CPU (in the types' figures)")
    print(f"  {'in all':12s} {total:7.2f} s CPU, {wall:.1f} s wall")


if __name__ == "__main__":
    main()

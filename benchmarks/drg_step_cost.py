"""Kernel cost per DRG neuron type during a population recruitment curve.

Usage: ``.venv/bin/python benchmarks/drg_step_cost.py [--neurons 200] [--seed 1] [--chunked]``

Runs :func:`~drgstim.biophysics.drg.population_search.population_thresholds` (one contact
on the dorsal surface, 300 µs, ten amplitudes up to 6 mA) and prints, per neuron type and
time step, the CPU seconds (all threads) spent in the kernel's single-amplitude runs
(``run_each``) and threshold searches (``search_batch``), and the CPU time per
lane·compartment·step. For a search the step count is the full run length times the
simulations, so its figure is a lower bound of the true cost per step run (a run ends
early once the spike arrives). Run it twice: the first run may compile the kernel.
CPU seconds, not wall time, so that figures from a shared machine can be compared.
``--chunked``: the single runs as ``run_batch`` in chunks of 4 lanes (the path before
``run_each``), to compare the two in one session.
"""

from __future__ import annotations

import argparse
import importlib
import os
import time
from collections import defaultdict
from typing import Any

import numpy as np

from drgstim.biophysics.channels import sundt
from drgstim.biophysics.drg import population_search as ps
from drgstim.biophysics.drg.builders import build_abeta
from drgstim.biophysics.population import sample_population
from drgstim.biophysics.recruitment import contact_um
from drgstim.biophysics.solver import Batch, assemble
from drgstim.biophysics.sources import PointSource

# (kind of call, type, dt in ms) -> [calls, CPU s, lane·compartment·steps]
Stats = defaultdict[tuple[str, str, float], list[float]]


def _kind(batch: Batch, n_abeta: int) -> str:
    if (batch.mech == sundt.MECH_ID).any():
        return "C"
    return "Abeta" if batch.area.shape[0] == n_abeta else "Adelta"


def _instrument(stats: Stats) -> None:
    n_abeta = assemble([build_abeta()]).area.shape[0]
    threshold = importlib.import_module("drgstim.biophysics.threshold")  # the package
    # exports a function of the same name
    run_each, search_batch = ps.run_each, threshold.search_batch

    def timed_run(batch: Batch, **kw: Any) -> Any:
        t = time.process_time()
        out = run_each(batch, **kw)
        s = stats["run_each", _kind(batch, n_abeta), kw["dt_ms"]]
        s[0] += 1
        s[1] += time.process_time() - t
        s[2] += float(np.sum(out.steps_run)) * batch.area.shape[0]
        return out

    def timed_search(batch: Batch, **kw: Any) -> Any:
        t = time.process_time()
        out = search_batch(batch, **kw)
        s = stats["search_batch", _kind(batch, n_abeta), kw["dt_ms"]]
        s[0] += 1
        s[1] += time.process_time() - t
        s[2] += float(np.sum(out[3])) * batch.area.shape[0] * (len(kw["wave"]) - 1)
        return out

    ps.run_each = timed_run
    threshold.search_batch = timed_search


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--neurons", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--chunked", action="store_true", help="run_batch, chunks of 4")
    args = parser.parse_args()
    if args.chunked:  # the helper of the phases benchmark, beside this file
        from population_phases import _chunked

        ps.run_each = _chunked
    stats: Stats = defaultdict(lambda: [0, 0.0, 0.0])
    _instrument(stats)
    pop = sample_population(n_neurons=args.neurons, seed=args.seed)
    contact = PointSource(tuple(float(c) for c in contact_um(0.0)), 1.0)
    amps = [600.0 * (k + 1) for k in range(10)]
    t = time.process_time()
    # one part (threads=1): the kernels use every thread, and each call's CPU seconds are
    # its own (with a part per thread, calls of the two parts would overlap)
    ps.population_thresholds(
        pop, sources_um=[contact], pulse_width_us=300, amplitudes_uA=amps, threads=1
    )
    print(f"{pop.counts()}: {time.process_time() - t:.2f} s CPU in all")
    totals: dict[str, float] = defaultdict(float)
    for (call, kind, dt), (calls, cpu, work) in sorted(stats.items()):
        totals[kind] += cpu
        ns = 1e9 * cpu / work if work else float("nan")
        print(f"{kind:6s} {call:12s} dt {dt:.3f} ms: {int(calls):3d} calls {cpu:6.2f} s CPU "
              f"{ns:6.1f} ns per lane-compartment-step")  # fmt: skip
    print("per type:", ", ".join(f"{k} {v:.2f} s" for k, v in sorted(totals.items())))
    print(f"load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()

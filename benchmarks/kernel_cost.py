"""Cost of the cable kernel per lane, compartment and step, and of the 200-fibre MRG search.

Usage: ``.venv/bin/python benchmarks/kernel_cost.py [--fibres 200] [--repeats 3]``

Prints (1) the kernel's CPU time per lane·compartment·step on one thread (16 MRG lanes of
221 compartments, 600 steps of 5 µs at a subthreshold drive, best of ``--repeats``),
(2) the CPU seconds (all threads) of building the fibres of ``threshold_vs_neuron.py``
and of their threshold search, and the load average. CPU seconds, not wall time, so
that figures from a shared machine can be compared.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numba
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

import threshold_vs_neuron as bench

from drgstim.biophysics.cells import mrg_axon
from drgstim.biophysics.solver import assemble, run_batch
from drgstim.biophysics.stimulate import point_source_ve


def kernel_ns(repeats: int) -> float:
    spec = bench.fibres(16, 1)
    cells = [mrg_axon(diameter_um=d, nodes=bench.NODES) for d, _ in spec]
    ve = np.stack(
        [
            point_source_ve(c, distance_um=r, sigma_S_per_m=0.2)
            for c, (_, r) in zip(cells, spec, strict=True)
        ],
        axis=1,
    )
    batch = assemble(cells)
    wave = bench._wave()[:601]
    drive = np.full(16, 1e-3)
    threads = numba.get_num_threads()
    numba.set_num_threads(1)
    try:
        run_batch(batch, ve_mV=ve, drive=drive, wave=wave, dt_ms=0.005, chunk=16)
        best = np.inf
        for _ in range(repeats):
            c0 = time.process_time()
            run_batch(batch, ve_mV=ve, drive=drive, wave=wave, dt_ms=0.005, chunk=16)
            best = min(best, time.process_time() - c0)
    finally:
        numba.set_num_threads(threads)
    return float(best * 1e9 / (16 * batch.area.shape[0] * (wave.size - 1)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fibres", type=int, default=200)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    print(f"kernel: {kernel_ns(args.repeats):.2f} ns per lane-compartment-step (1 thread)")
    spec = bench.fibres(args.fibres, 1)
    bench.drgstim_thresholds(spec[:2])  # compile / load the Numba cache outside the timing
    for _ in range(args.repeats):
        _, sims, build, search = bench.drgstim_thresholds(spec)
        print(
            f"{len(spec)} fibres: build {build:.2f} s CPU, search {search:.2f} s CPU ({sims} sims)"
        )
    print(f"load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()

"""Thresholds of many MRG fibres: drgstim (one batched solve) vs NEURON (one process per core).

Usage: ``.venv/bin/python benchmarks/threshold_vs_neuron.py [--fibres 200] [--seed 1]``

Fibres: diameters uniform in 5.7–16 µm, point source 0.5–3 mm from the axon midpoint,
σ 0.2 S/m, 100 µs cathodic pulse, dt 5 µs, tstop 3 ms, 21 nodes. Both sides use the same
protocol (double from 0.1 mA until a spike at the far end node, then bisect to 0.1 % and
report the midpoint), the same pulse samples and the same dt. NEURON runs each fibre's
simulations to tstop (as the field's tools do) with ``multiprocessing`` over all cores;
NEURON is the reference implementation in ``tests/biophysics/biophysics_neuron.py``.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "biophysics"))

from drgstim.biophysics.cells import mrg_axon
from drgstim.biophysics.solver import assemble
from drgstim.biophysics.stimulate import point_source_ve
from drgstim.biophysics.threshold import find_thresholds
from drgstim.biophysics.waveforms import sample

DT_US, TSTOP_MS, PW_US, NODES = 5.0, 3.0, 100.0, 21


def fibres(n: int, seed: int) -> list[tuple[float, float]]:
    rng = np.random.default_rng(seed)
    return list(zip(rng.uniform(5.7, 16.0, n), rng.uniform(500.0, 3000.0, n), strict=True))


def _wave() -> np.ndarray:
    return sample(waveform="cathodic", pulse_width_us=PW_US, dt_us=DT_US, tstop_ms=TSTOP_MS)


def drgstim_thresholds(spec: list[tuple[float, float]]) -> tuple[np.ndarray, int, float, float]:
    """Thresholds, simulations, and the CPU seconds (all threads) of building and search."""
    c0 = time.process_time()
    cells = [mrg_axon(diameter_um=d, nodes=NODES) for d, _ in spec]
    ve = np.stack(
        [
            point_source_ve(c, distance_um=r, sigma_S_per_m=0.2)
            for c, (_, r) in zip(cells, spec, strict=True)
        ],
        axis=1,
    )
    batch = assemble(cells)
    c1 = time.process_time()
    res = find_thresholds(batch, ve_mV=ve, wave=_wave(), dt_ms=DT_US / 1000.0)
    return res.threshold, res.simulations, c1 - c0, time.process_time() - c1


def _neuron_one(item: tuple[float, float]) -> float:
    import biophysics_neuron

    d, r = item
    cell = mrg_axon(diameter_um=d, nodes=NODES)
    ve = point_source_ve(cell, distance_um=r, sigma_S_per_m=0.2)
    return biophysics_neuron.threshold(cell, ve_mV=ve, wave=_wave(), dt_ms=DT_US / 1000.0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fibres", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    spec = fibres(args.fibres, args.seed)
    drgstim_thresholds(spec[:2])  # compile / load the Numba cache outside the timing
    t0 = time.perf_counter()
    ours, sims, cpu_build, cpu_search = drgstim_thresholds(spec)
    t_ours = time.perf_counter() - t0
    load_ours = os.getloadavg()[0]
    cores = os.cpu_count() or 1
    t0 = time.perf_counter()
    with mp.get_context("fork").Pool(cores) as pool:
        theirs = np.array(pool.map(_neuron_one, spec, chunksize=1))
    t_neuron = time.perf_counter() - t0
    diff = np.abs(ours - theirs) / theirs
    print(f"machine: {platform.processor() or platform.machine()}, {cores} cores, "
          f"{platform.system()} {platform.release()}")  # fmt: skip
    print(f"fibres: {len(spec)} MRG, 5.7-16 um, 0.5-3 mm, PW {PW_US} us, dt {DT_US} us")
    print(f"drgstim: {t_ours:.2f} s ({sims} simulations, {len(spec) / t_ours:.1f} thresholds/s)")
    print(f"drgstim CPU: build {cpu_build:.2f} s, search {cpu_search:.2f} s (all threads)")
    print(f"load average after drgstim {load_ours:.1f}, after NEURON {os.getloadavg()[0]:.1f}")
    print(f"NEURON ({cores} processes): {t_neuron:.2f} s ({len(spec) / t_neuron:.2f} thresholds/s)")
    print(f"speed ratio: {t_neuron / t_ours:.1f}x")
    worst, median = 100 * diff.max(), 100 * np.median(diff)
    print(f"largest threshold difference: {worst:.3f} % (median {median:.3f} %)")


if __name__ == "__main__":
    main()

"""Time a DRG population recruitment curve, fast path against the exhaustive search.

Fast: :func:`drgstim.biophysics.drg.population_search.population_thresholds` (C neurons
screened by one coarse run; the ladder from the device maximum down and its bisection at
a coarse dt; the threshold at the model's dt searched from a guess next to the coarse
one, to the same 0.1 % bracket; block runs at the requested amplitudes above
threshold). Exhaustive: what recruitment ran before it, doubling every neuron from
25 µA (``drg.search.drg_threshold_search``), then one run per neuron and amplitude above
its threshold (``drg.search.drg_activation``), with the same maximum.

    .venv/bin/python benchmarks/population.py --neurons 1000 --amplitudes 10

prints both times, the ratio, and the agreement: the largest relative threshold
difference (both are midpoints of 0.1 % brackets around the same threshold, so they may
differ by up to 0.1 %) and the number of (neuron, amplitude) pairs whose
activated/blocked state differs. For each threshold beyond the tolerance it checks whether
both values are transitions (silent 0.1 % below, firing 0.1 % above): a neuron whose
firing is not monotone in the amplitude (a window below block) has several in the
doubling's bracket, and the two searches may converge on different ones.
``--skip-exhaustive`` times the fast path alone. CPU seconds (all threads) are printed
too: on a shared machine they are steadier than wall time.
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--neurons", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--amplitudes", type=int, default=10, help="evenly spaced up to --max")
    parser.add_argument("--max-uA", type=float, default=6000.0)
    parser.add_argument("--pulse-width-us", type=float, default=300.0)
    parser.add_argument("--distance-um", type=float, default=0.0)
    parser.add_argument("--skip-exhaustive", action="store_true")
    args = parser.parse_args()

    from drgstim.biophysics.drg import search
    from drgstim.biophysics.drg.population_search import (
        population_activation,
        population_thresholds,
    )
    from drgstim.biophysics.drg.search import RELATIVE_TOLERANCE
    from drgstim.biophysics.population import sample_population
    from drgstim.biophysics.recruitment import contact_um, recruitment
    from drgstim.biophysics.sources import PointSource

    population = sample_population(n_neurons=args.neurons, seed=args.seed)
    amps = [args.max_uA * (k + 1) / args.amplitudes for k in range(args.amplitudes)]
    contact = PointSource(tuple(float(c) for c in contact_um(args.distance_um)), 1.0)  # type: ignore[arg-type]
    print(
        f"{args.neurons} neurons (seed {args.seed}: {population.counts()}), "
        f"{args.amplitudes} amplitudes {amps[0]:g}–{amps[-1]:g} µA, {args.pulse_width_us:g} µs, "
        f"contact {args.distance_um:g} µm above the surface; {os.cpu_count()} cores, "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    start, cpu = time.perf_counter(), time.process_time()
    fast = population_thresholds(
        population, sources_um=[contact], pulse_width_us=args.pulse_width_us,
        amplitudes_uA=amps, max_amplitude_uA=args.max_uA,
    )  # fmt: skip
    t_fast, c_fast = time.perf_counter() - start, time.process_time() - cpu
    print(
        f"fast:       {t_fast:7.1f} s wall, {c_fast:7.1f} s CPU  {fast.simulations} runs, "
        f"{int(np.isfinite(fast.thresholds_uA).sum())} thresholds ≤ max, "
        f"{int(fast.block_candidates.sum())} neurons blocked on a rung, "
        f"{int(fast.blocked.sum())} blocked pairs"
    )
    if args.skip_exhaustive:
        return
    start, cpu = time.perf_counter(), time.process_time()
    slow = recruitment(
        population, amplitudes_uA=amps, pulse_width_us=args.pulse_width_us,
        distance_um=args.distance_um,
        search=lambda cells, **kw: search.drg_threshold_search(
            cells, **{**kw, "max_amplitude_uA": args.max_uA}
        ),
        check=search.drg_activation,
    )  # fmt: skip
    t_slow, c_slow = time.perf_counter() - start, time.process_time() - cpu
    s_thr, f_thr = slow.thresholds_uA, fast.thresholds_uA
    both = np.isfinite(s_thr) & np.isfinite(f_thr)
    rel = np.abs(f_thr[both] - s_thr[both]) / s_thr[both] if both.any() else np.zeros(1)
    mismatch_inf = int(np.count_nonzero(np.isfinite(s_thr) != np.isfinite(f_thr)))
    slow_active = slow.active
    differ = int(np.count_nonzero(slow_active != fast.active))
    print(
        f"exhaustive: {t_slow:7.1f} s wall, {c_slow:7.1f} s CPU  "
        f"ratio {t_slow / t_fast:.1f}x wall, {c_slow / c_fast:.1f}x CPU"
    )
    print(
        f"agreement:  largest threshold difference {100 * rel.max():.3f} % "
        f"(tolerance {100 * RELATIVE_TOLERANCE:g} %) "
        f"(identical: {int(np.count_nonzero(rel == 0))}/{int(both.sum())}), "
        f"finite/inf mismatches {mismatch_inf}, activation differs in {differ} of "
        f"{slow_active.size} (neuron, amplitude) pairs"
    )
    # Beyond the tolerance: is each of the two a transition (silent just below, firing
    # just above)? Then the neuron's firing is not monotone in the amplitude and the
    # doubling's bracket held more than one transition.
    far = np.flatnonzero(both)[rel > RELATIVE_TOLERANCE]
    for i in far:
        probe = np.array([s_thr[i], f_thr[i]])[:, None] * np.array(
            [1 - RELATIVE_TOLERANCE, 1 + RELATIVE_TOLERANCE]
        )
        fires = population_activation(
            population, amplitudes_uA=probe.ravel(), pulse_width_us=args.pulse_width_us,
            sources_um=[contact], indices=[int(fast.indices[i])] * 4,
        ).reshape(2, 2)  # fmt: skip
        kind = (
            "both transitions"
            if (fires == [[False, True], [False, True]]).all()
            else "not both transitions"
        )
        print(
            f"  neuron {int(fast.indices[i])} ({population.types[int(fast.indices[i])].value}): "
            f"exhaustive {s_thr[i]:.1f} µA, fast {f_thr[i]:.1f} µA: {kind}"
        )


if __name__ == "__main__":
    main()

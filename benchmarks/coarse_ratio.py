"""How much higher a DRG neuron's threshold is at the population search's coarse dt than at
its model's dt, per neuron type and pulse width: the table behind the fine search's guess
(``drgstim.biophysics.drg.population_search.RATIO_PCT``).

    .venv/bin/python benchmarks/coarse_ratio.py [--neurons 400] [--seed 3] [--pulse-widths 100 300]

Runs :func:`~drgstim.biophysics.drg.population_search.population_thresholds` (one contact
on the dorsal surface, up to the device maximum) and prints, per type and pulse width, the
percentiles (0, 5, 25, 50, 75, 95, 100) of coarse threshold over fine threshold, minus 1,
in %. Both are midpoints of 0.1 % brackets, so each ratio is known to about ±0.1 %.
"""

from __future__ import annotations

import argparse
from typing import Any

import numpy as np

from drgstim.biophysics.drg import population_search as ps
from drgstim.biophysics.population import sample_population
from drgstim.biophysics.recruitment import contact_um
from drgstim.biophysics.sources import PointSource


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--neurons", type=int, default=400)
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--distance-um", type=float, default=0.0)
    parser.add_argument(
        "--pulse-widths", type=float, nargs="+",
        default=[60, 100, 160, 200, 300, 400, 500, 600, 800, 1000],
    )  # fmt: skip
    args = parser.parse_args()
    population = sample_population(n_neurons=args.neurons, seed=args.seed)
    contact = PointSource(tuple(float(c) for c in contact_um(args.distance_um)), 1.0)  # type: ignore[arg-type]
    seen: list[tuple[str, np.ndarray]] = []
    refine = ps._refine

    def spy(g: Any, coarse_uA: np.ndarray, *rest: Any, **kw: Any) -> np.ndarray:
        fine = refine(g, coarse_uA, *rest, **kw)
        both = np.isfinite(coarse_uA) & np.isfinite(fine)
        seen.append((g.kind.value, coarse_uA[both] / fine[both]))
        return fine

    ps._refine = spy
    print(f"{args.neurons} neurons, seed {args.seed}, contact {args.distance_um:g} µm above")
    print("type    pulse µs    n   (coarse/fine − 1) %: 0 5 25 50 75 95 100th percentile")
    for pw in args.pulse_widths:
        seen.clear()
        ps.population_thresholds(population, sources_um=[contact], pulse_width_us=pw)
        for kind, ratio in seen:
            if len(ratio):
                q = np.percentile(ratio, [0, 5, 25, 50, 75, 95, 100])
                pct = " ".join(f"{100 * (v - 1):5.2f}" for v in q)
                print(f"{kind:7s} {pw:8g} {len(ratio):4d}   {pct}")


if __name__ == "__main__":
    main()

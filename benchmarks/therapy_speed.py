"""Therapy speed: coverage cold and cached, an amplitude sweep, and a full suggestion.

    .venv/bin/python benchmarks/therapy_speed.py --neurons 1000 --suggest-neurons 200

Each step runs in a fresh, temporary threshold cache (``DRGSTIM_CACHE_DIR``) so "cold"
means every threshold is solved; "cached" reruns the same request in a new engine that
reads the thresholds from disk. The sweep reads 25 amplitudes from the same thresholds;
its cost is printed as a ratio to one cached coverage. Prints one JSON object; the
``*_cpu_s`` entries are the process's CPU seconds (all threads), steadier than wall time
on a shared machine.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time


def _coverage(
    neurons: int, amplitude_uA: int = 800
) -> tuple[float, float, dict[str, object]]:  # fmt: skip
    from drgstim.therapy.service import LeadRequest, coverage_json

    lead = LeadRequest(
        lead="L4:left",
        contacts="0-+0",
        amplitude_uA=amplitude_uA,
        pulse_width_us=300,
        frequency_Hz=20,
        impedance_ohm=1600.0,
    )
    start, cpu = time.perf_counter(), time.process_time()
    body = coverage_json([lead], regions=["knee:left:7"], n_neurons=neurons)
    return time.perf_counter() - start, time.process_time() - cpu, body


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--neurons", type=int, default=1000)
    parser.add_argument("--suggest-neurons", type=int, default=200)
    parser.add_argument("--skip-suggest", action="store_true")
    args = parser.parse_args()
    out: dict[str, object] = {"neurons": args.neurons}
    with tempfile.TemporaryDirectory() as cache:
        os.environ["DRGSTIM_CACHE_DIR"] = cache
        _coverage(10)  # load the compiled solver once (not counted)
        cold, cold_cpu, _ = _coverage(args.neurons)
        cached, _, _ = _coverage(args.neurons)
        from drgstim.therapy.service import LeadRequest, sweep_json

        lead = LeadRequest(
            lead="L4:left",
            contacts="0-+0",
            amplitude_uA=800,
            pulse_width_us=300,
            frequency_Hz=20,
            impedance_ohm=1600.0,
        )
        start = time.perf_counter()
        sweep_json(
            lead, list(range(100, 2600, 100)), regions=["knee:left:7"], n_neurons=args.neurons
        )
        sweep = time.perf_counter() - start
        out.update(
            coverage_cold_s=round(cold, 2),
            coverage_cold_cpu_s=round(cold_cpu, 2),
            coverage_cached_s=round(cached, 3),
            sweep_25_amplitudes_s=round(sweep, 3),
            sweep_over_one_cached=round(sweep / cached, 2),
            cold_over_cached=round(cold / cached, 1),
        )
    if not args.skip_suggest:
        with tempfile.TemporaryDirectory() as cache:
            os.environ["DRGSTIM_CACHE_DIR"] = cache
            from drgstim.therapy.service import suggest_json

            start, cpu = time.perf_counter(), time.process_time()
            body = suggest_json(
                ["knee:left:7"], impedance_ohm=1600.0, n_neurons=args.suggest_neurons
            )
            cold_s, cold_cpu_s = time.perf_counter() - start, time.process_time() - cpu
            start = time.perf_counter()
            suggest_json(["knee:left:7"], impedance_ohm=1600.0, n_neurons=args.suggest_neurons)
            out.update(
                suggest_neurons=args.suggest_neurons,
                suggest_cold_s=round(cold_s, 2),
                suggest_cold_cpu_s=round(cold_cpu_s, 2),
                suggest_cached_s=round(time.perf_counter() - start, 2),
                best=body["suggestions"][0] if body["suggestions"] else None,
            )
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()

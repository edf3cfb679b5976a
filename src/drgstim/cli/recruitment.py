"""``drgstim recruitment``: fraction of each DRG neuron type activated versus amplitude.

Typer and the standard library only at module top; NumPy/Numba load inside the command,
and Dask (an optional extra) only with ``--workers`` or ``--scheduler``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from typing import Any

import typer

from drgstim.cli.common import emit_json, fail
from drgstim.errors import InputError

__all__ = ["ModelSet", "register"]

DEFAULT_NEURONS = 60
MAX_WORKERS = 1024
CONNECT_TIMEOUT_s = 10


class ModelSet(StrEnum):
    """Which neuron population to sample."""

    DRG = "drg"


def _parse_numbers(text: str, option: str, unit: str) -> list[float]:
    try:
        values = [float(part) for part in text.split(",") if part.strip()]
    except ValueError:
        fail(f"{option} = {text!r} is not allowed; allowed: comma-separated numbers in {unit}")
    if not values:
        fail(f"{option} = {text!r} is not allowed; allowed: one or more values in {unit}")
    return values


def recruitment_command(
    model_set: ModelSet = typer.Option(ModelSet.DRG, "--model-set", help="Neuron population."),
    amplitudes_uA: str = typer.Option(..., "--amplitudes-uA", help="Comma-separated µA."),
    pulse_width_us: float = typer.Option(..., "--pulse-width-us", help="Pulse width (µs)."),
    distance_um: str = typer.Option(
        ...,
        "--distance-to-surface-um",
        "--distance-um",
        help="Contact above the ganglion's dorsal surface (µm); several, comma-separated: a "
        "sweep. Each neuron's own distance is then contact to soma centre. --distance-um: "
        "older name of this option.",
    ),
    seed: int = typer.Option(..., "--seed", help="Seed of the population sample."),
    neurons: int = typer.Option(DEFAULT_NEURONS, "--neurons", help="Neurons sampled."),
    workers: int = typer.Option(
        0, "--workers", help="Run on a local Dask cluster of N worker processes (dask extra)."
    ),
    scheduler: str = typer.Option(
        "", "--scheduler", help="Run on the Dask scheduler at tcp://HOST:PORT (dask extra)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
) -> None:
    """Fraction of Aβ, Aδ and C neurons activated at each amplitude (point contact)."""
    amplitudes = _parse_numbers(amplitudes_uA, "--amplitudes-uA", "µA")
    distances = _parse_numbers(distance_um, "--distance-um", "µm")
    if not 0 <= workers <= MAX_WORKERS:
        fail(f"--workers = {workers} is not allowed; allowed: 0–{MAX_WORKERS} (0: no cluster)")
    if workers and scheduler:
        fail("--workers and --scheduler are not allowed together; allowed: one of them")
    if scheduler and "://" not in scheduler:
        fail(f"--scheduler = {scheduler!r} is not allowed; allowed: an address tcp://HOST:PORT")
    try:
        with _client(workers, scheduler) as client:
            body = _run(amplitudes, pulse_width_us, distances, seed, neurons, client, as_json)
    except InputError as exc:
        fail(str(exc))
    body["model_set"] = model_set.value
    if as_json:
        emit_json(body)
        return
    typer.echo(f"{neurons} neurons, seed {seed}, {body['seconds']:.1f} s")
    for placement in body.get("placements", [body]):
        if "placements" in body:
            typer.echo(f"contact {placement['distance_um']:g} µm above the surface")
        _print(placement, amplitudes)


def _print(body: dict[str, Any], amplitudes: list[float]) -> None:
    fractions_by_type: dict[str, list[float]] = body["fraction_activated"]
    for kind, fractions in fractions_by_type.items():
        cells = ", ".join(f"{a:g} µA: {f:.0%}" for a, f in zip(amplitudes, fractions, strict=True))
        typer.echo(f"  {kind:>6} (n={body['counts'][kind]}): {cells}")
        blocked = [(a, b) for a, b in zip(amplitudes, body["blocked"][kind], strict=True) if b]
        if blocked:
            notes = ", ".join(f"{b} at {a:g} µA" for a, b in blocked)
            typer.echo(f"         blocked (above threshold, no spike at the central end): {notes}")


@contextmanager
def _client(workers: int, scheduler: str) -> Iterator[Any]:
    """A Dask client for ``--workers``/``--scheduler`` (closed afterwards), else None."""
    if not workers and not scheduler:
        yield None
        return
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        fail("--workers and --scheduler need Dask: pip install 'drgstim[dask]'")
    if scheduler:
        try:
            client = Client(scheduler, timeout=CONNECT_TIMEOUT_s)  # type: ignore[no-untyped-call]
        except (OSError, TimeoutError) as exc:
            fail(f"--scheduler = {scheduler!r} could not be reached ({exc})")
        with client:
            yield client
        return
    # one thread per worker process: each runs the solver on its own Numba threads
    cluster = LocalCluster(  # type: ignore[no-untyped-call]
        n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
    )
    with cluster, Client(cluster) as client:  # type: ignore[no-untyped-call]
        yield client


def _run(
    amplitudes: list[float], pulse_width_us: float, distances: list[float], seed: int,
    neurons: int, client: Any, as_json: bool,
) -> dict[str, Any]:  # fmt: skip
    import time

    from drgstim.biophysics.distributed import recruitment_sweep
    from drgstim.biophysics.population import sample_population

    population = sample_population(n_neurons=neurons, seed=seed)
    start = time.perf_counter()
    kwargs: dict[str, Any] = {
        "distances_um": distances,
        "amplitudes_uA": amplitudes,
        "pulse_width_us": pulse_width_us,
        "client": client,
    }
    if as_json:
        results = recruitment_sweep(population, **kwargs)
    else:
        from rich.progress import Progress

        where = "on the cluster" if client is not None else "here"
        with Progress(transient=True) as bar:
            task = bar.add_task(f"neuron chunks ({where})", total=None)
            results = recruitment_sweep(
                population,
                progress=lambda done, total: bar.update(task, completed=done, total=total),
                **kwargs,
            )
    seconds = round(time.perf_counter() - start, 3)
    if len(results) == 1:
        return {**results[0].as_json(), "seconds": seconds}
    return {"placements": [r.as_json() for r in results], "seconds": seconds}


def register(app: typer.Typer) -> None:
    """Add the top-level ``recruitment`` command."""
    app.command("recruitment")(recruitment_command)

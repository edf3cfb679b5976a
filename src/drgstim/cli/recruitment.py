"""``drgstim recruitment``: fraction of each DRG neuron type activated versus amplitude.

Typer and the standard library only at module top; NumPy/Numba load inside the command.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

import typer

from drgstim.cli.common import emit_json, fail
from drgstim.errors import InputError

__all__ = ["ModelSet", "register"]

DEFAULT_NEURONS = 60


class ModelSet(StrEnum):
    """Which neuron population to sample."""

    DRG = "drg"


def _parse_amplitudes(text: str) -> list[float]:
    try:
        values = [float(part) for part in text.split(",") if part.strip()]
    except ValueError:
        fail(f"--amplitudes-uA = {text!r} is not allowed; allowed: comma-separated numbers in µA")
    if not values:
        fail(f"--amplitudes-uA = {text!r} is not allowed; allowed: one or more amplitudes in µA")
    return values


def recruitment_command(
    model_set: ModelSet = typer.Option(ModelSet.DRG, "--model-set", help="Neuron population."),
    amplitudes_uA: str = typer.Option(..., "--amplitudes-uA", help="Comma-separated µA."),
    pulse_width_us: float = typer.Option(..., "--pulse-width-us", help="Pulse width (µs)."),
    distance_um: float = typer.Option(
        ...,
        "--distance-to-surface-um",
        "--distance-um",
        help="Contact above the ganglion's dorsal surface (µm); each neuron's own distance is "
        "then contact to soma centre. --distance-um: older name of this option.",
    ),
    seed: int = typer.Option(..., "--seed", help="Seed of the population sample."),
    neurons: int = typer.Option(DEFAULT_NEURONS, "--neurons", help="Neurons sampled."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
) -> None:
    """Fraction of Aβ, Aδ and C neurons activated at each amplitude (point contact)."""
    amplitudes = _parse_amplitudes(amplitudes_uA)
    try:
        body = _run(amplitudes, pulse_width_us, distance_um, seed, neurons, as_json=as_json)
    except InputError as exc:
        fail(str(exc))
    body["model_set"] = model_set.value
    if as_json:
        emit_json(body)
        return
    typer.echo(f"{neurons} neurons, seed {seed}, {body['seconds']:.1f} s")
    fractions_by_type: dict[str, list[float]] = body["fraction_activated"]
    for kind, fractions in fractions_by_type.items():
        cells = ", ".join(f"{a:g} µA: {f:.0%}" for a, f in zip(amplitudes, fractions, strict=True))
        typer.echo(f"  {kind:>6} (n={body['counts'][kind]}): {cells}")
        blocked = [(a, b) for a, b in zip(amplitudes, body["blocked"][kind], strict=True) if b]
        if blocked:
            notes = ", ".join(f"{b} at {a:g} µA" for a, b in blocked)
            typer.echo(f"         blocked (above threshold, no spike at the central end): {notes}")


def _run(
    amplitudes: list[float], pulse_width_us: float, distance_um: float, seed: int,
    neurons: int, *, as_json: bool,
) -> dict[str, Any]:  # fmt: skip
    import time

    from drgstim.biophysics.drg.search import drg_activation, drg_threshold_search
    from drgstim.biophysics.population import sample_population
    from drgstim.biophysics.recruitment import recruitment

    population = sample_population(n_neurons=neurons, seed=seed)
    start = time.perf_counter()
    kwargs = {
        "amplitudes_uA": amplitudes,
        "pulse_width_us": pulse_width_us,
        "distance_um": distance_um,
        "search": drg_threshold_search,
        "check": drg_activation,
    }
    if as_json:
        result = recruitment(population, **kwargs)  # type: ignore[arg-type]
    else:
        from rich.progress import Progress

        with Progress(transient=True) as bar:
            task = bar.add_task("threshold search", total=len(population))
            result = recruitment(
                population,
                progress=lambda done, total: bar.update(task, completed=done, total=total),
                **kwargs,  # type: ignore[arg-type]
            )
    seconds = time.perf_counter() - start
    return {**result.as_json(), "seconds": round(seconds, 3)}


def register(app: typer.Typer) -> None:
    """Add the top-level ``recruitment`` command."""
    app.command("recruitment")(recruitment_command)

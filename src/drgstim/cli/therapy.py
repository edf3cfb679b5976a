"""``drgstim therapy coverage|suggest|next``: predicted coverage, suggested programs, and
the next program to try from patient feedback.

Typer and the standard library only at module top; the therapy layer (NumPy, Numba) loads
inside the commands. ``--lead`` may be repeated; each program option then takes one value
per lead (or one value for all leads).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import typer

from drgstim.cli.common import emit_json, fail
from drgstim.errors import InputError

__all__ = ["register"]

therapy_app = typer.Typer(
    help="Therapy planning: predicted coverage, suggested programs, the next program.",
    no_args_is_help=True,
)


def _per_lead(name: str, values: list[Any], n: int) -> list[Any]:
    if len(values) == n:
        return values
    if len(values) == 1:
        return values * n
    fail(f"{name} = {values!r} is not allowed; allowed: one value, or one per --lead ({n})")


@contextmanager
def _progress(enabled: bool, label: str) -> Iterator[Callable[[int, int], None] | None]:
    if not enabled:
        yield None
        return
    from rich.progress import Progress

    with Progress(transient=True) as bar:
        task = bar.add_task(label, total=None)
        yield lambda done, total: bar.update(task, completed=done, total=total)


@therapy_app.command("coverage")
def coverage_command(
    lead: list[str] = typer.Option(..., "--lead", help="LEVEL:SIDE, e.g. L4:left (repeat)."),
    contacts: list[str] = typer.Option(..., "--contacts", help='Polarities, e.g. "-+00".'),
    amplitude_uA: list[int] = typer.Option(..., "--amplitude-uA", help="Amplitude (µA)."),
    pulse_width_us: list[int] = typer.Option([300], "--pulse-width-us", help="Pulse width."),
    frequency_Hz: list[int] = typer.Option([20], "--frequency-Hz", help="Frequency (Hz)."),
    impedance_ohm: list[float] = typer.Option([], "--impedance-ohm", help="Lead impedance."),
    along_mm: list[float] = typer.Option([0.0], "--along-mm", help="Lead midpoint along root."),
    across_mm: list[float] = typer.Option([0.0], "--across-mm", help="Lead axis across root."),
    surface_gap_mm: list[float] = typer.Option(
        [1.0], "--surface-gap-mm", help="Lead surface to ganglion surface (mm)."
    ),
    region: list[str] = typer.Option([], "--region", help="Pain: region:side:intensity."),
    neurons: int = typer.Option(1000, "--neurons", help="Neurons per level population."),
    seed: int = typer.Option(1, "--seed", help="Population seed."),
    medium: str = typer.Option("homogeneous", "--medium", help="homogeneous|anisotropic|fem."),
    check_block: bool = typer.Option(False, "--check-block", help="Simulate conduction block."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
) -> None:
    """Predicted coverage per body region and fibre class for placed leads and programs."""
    from drgstim.therapy.service import LeadRequest, coverage_json

    n = len(lead)
    cols: dict[str, list[Any]] = {
        "--contacts": contacts,
        "--amplitude-uA": amplitude_uA,
        "--pulse-width-us": pulse_width_us,
        "--frequency-Hz": frequency_Hz,
        "--along-mm": along_mm,
        "--across-mm": across_mm,
        "--surface-gap-mm": surface_gap_mm,
    }
    per = {k: _per_lead(k, v, n) for k, v in cols.items()}
    imps: list[float | None] = (
        list(_per_lead("--impedance-ohm", impedance_ohm, n)) if impedance_ohm else [None] * n
    )
    requests = [
        LeadRequest(
            lead=lead[i],
            contacts=per["--contacts"][i],
            amplitude_uA=per["--amplitude-uA"][i],
            pulse_width_us=per["--pulse-width-us"][i],
            frequency_Hz=per["--frequency-Hz"][i],
            impedance_ohm=imps[i],
            along_mm=per["--along-mm"][i],
            across_mm=per["--across-mm"][i],
            surface_gap_mm=per["--surface-gap-mm"][i],
        )
        for i in range(n)
    ]
    try:
        with _progress(not as_json, "threshold search") as progress:
            body = coverage_json(
                requests,
                regions=region,
                n_neurons=neurons,
                seed=seed,
                medium=medium,
                check_block=check_block,
                progress=progress,
            )
    except InputError as exc:
        fail(str(exc))
    if as_json:
        emit_json(body)
        return
    _print_coverage(body)


def _fmt(x: float | None) -> str:
    return "  -  " if x is None else f"{x:5.0%}"


def _print_coverage(body: dict[str, Any]) -> None:
    typer.echo(f"{'region':<16} {'side':<6} {'Aβ':>5} {'Aδ':>5} {'C':>5}")
    for r in body["regions"]:
        a = r["activated"]
        cells = " ".join(_fmt(a[k]) for k in ("abeta", "adelta", "c"))
        typer.echo(f"{r['region']:<16} {r['side']:<6} {cells}")
    typer.echo(
        f"pain covered {_fmt(body['pain_covered_fraction'])}, off target "
        f"{_fmt(body['off_target_fraction'])}, Aδ {_fmt(body['adelta_c_activation']['adelta'])}, "
        f"C {_fmt(body['adelta_c_activation']['c'])}"
    )


@therapy_app.command("suggest")
def suggest_command(
    region: list[str] = typer.Option(..., "--region", help="Pain: region:side:intensity."),
    implanted: list[str] = typer.Option([], "--implanted", help="A placed lead LEVEL:SIDE."),
    impedance_ohm: float | None = typer.Option(None, "--impedance-ohm", help="Lead impedance."),
    neurons: int = typer.Option(200, "--neurons", help="Neurons per level population."),
    seed: int = typer.Option(1, "--seed", help="Population seed."),
    limit: int = typer.Option(5, "--limit", help="Suggestions to print."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
) -> None:
    """Levels, lead placement and on-grid programs for a pain map, best first."""
    from drgstim.therapy.service import suggest_json

    items = [{"lead": x, "impedance_ohm": impedance_ohm} for x in implanted]
    try:
        with _progress(not as_json, "suggesting") as progress:
            body = suggest_json(
                region,
                implanted=items,
                impedance_ohm=impedance_ohm,
                n_neurons=neurons,
                seed=seed,
                limit=limit,
                progress=progress,
            )
    except InputError as exc:
        fail(str(exc))
    if as_json:
        emit_json(body)
        return
    for i, s in enumerate(body["suggestions"], 1):
        leads = "; ".join(
            f"{x['level']}:{x['side']} {x['contacts']} {x['amplitude_uA']} µA "
            f"{x['pulse_width_us']} µs {x['frequency_Hz']} Hz"
            for x in s["leads"]
        )
        typer.echo(
            f"{i}. {leads}: pain covered {s['pain_covered_fraction']:.0%}, off target "
            f"{s['off_target_fraction']:.0%}, battery {s['longevity_years']:.1f} years"
        )


@therapy_app.command("next")
def next_command(
    feedback: Path = typer.Option(..., "--feedback", help="CSV of tried programs + ratings."),
    impedance_ohm: float | None = typer.Option(None, "--impedance-ohm", help="Lead impedance."),
    comfort_min: float = typer.Option(5.0, "--comfort-min", help="Lowest acceptable comfort."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
) -> None:
    """The next program to try (safe Bayesian optimisation over safe programs)."""
    from drgstim.therapy.refine import next_program, read_feedback

    try:
        text = feedback.read_text(encoding="utf-8")
    except OSError as exc:
        fail(f"feedback = {str(feedback)!r} is not allowed ({exc.strerror}); allowed: a CSV file")
    try:
        body = next_program(
            read_feedback(text), impedance_ohm=impedance_ohm, comfort_min=comfort_min
        )
    except InputError as exc:
        fail(str(exc))
    if as_json:
        emit_json(body)
        return
    tag = " (fallback: nothing new is safe yet)" if body["fallback"] else ""
    typer.echo(
        f"next: {body['contacts']} {body['amplitude_uA']} µA {body['pulse_width_us']} µs "
        f"{body['frequency_Hz']} Hz{tag}"
    )


def register(app: typer.Typer) -> None:
    """Add the ``therapy`` command group."""
    app.add_typer(therapy_app, name="therapy")

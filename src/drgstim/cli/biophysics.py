"""Biophysics commands: ``threshold`` and ``velocity`` (``recruitment`` lives in its own module).

Only Typer and the standard library are imported at module top; the engine (NumPy, Numba)
is imported inside the commands.
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, NoReturn

import typer

from drgstim.cli.common import EXIT_REFUSED, EXIT_USAGE, emit_json

__all__ = ["register"]

_MODELS = "hh, mrg, abeta, adelta, c"


def _exit(message: str, code: int = EXIT_USAGE) -> NoReturn:
    """Message on stderr, then exit with ``code`` (SystemExit passes through Typer intact)."""
    sys.stderr.write(f"error: {message}\n")
    raise SystemExit(code)


@contextmanager
def _user_errors() -> Iterator[None]:
    from drgstim.errors import InputError

    try:
        yield
    except InputError as exc:
        _exit(str(exc))


def threshold(
    model: Annotated[str, typer.Option(help=f"cell model: {_MODELS}")],
    diameter_um: Annotated[float, typer.Option("--diameter-um", help="fibre diameter (µm)")],
    distance_um: Annotated[
        float,
        typer.Option(
            "--distance-um",
            help="point source to the cell's reference point: the axon midpoint (hh, mrg), "
            "the soma centre (abeta, adelta, c; the T-junction lies 0.83 mm from it)",
        ),
    ],
    pulse_width_us: Annotated[float, typer.Option("--pulse-width-us", help="phase width (µs)")],
    nodes: Annotated[int, typer.Option(help="MRG node count")] = 21,
    length_um: Annotated[float, typer.Option("--length-um", help="HH cable length")] = 10_000.0,
    compartment_um: Annotated[
        float, typer.Option("--compartment-um", help="HH compartment length")
    ] = 50.0,
    sigma_S_per_m: Annotated[
        float, typer.Option("--sigma-S-per-m", help="medium conductivity")
    ] = 0.2,
    waveform: Annotated[str, typer.Option(help="cathodic, anodic, biphasic")] = "cathodic",
    temperature_C: Annotated[
        float | None, typer.Option("--temperature-C", help="default: the model's")
    ] = None,
    dt_us: Annotated[
        float | None, typer.Option("--dt-us", help="time step (default: 5, C: 25)")
    ] = None,
    tstop_ms: Annotated[
        float | None,
        typer.Option(
            "--tstop-ms",
            help="simulated time per run (default: derived from the cell: pulse, conduction "
            "to the detection site, latency allowance growing as temperature falls)",
        ),
    ] = None,
    json_out: Annotated[bool, typer.Option("--json", help="print one JSON object")] = False,
) -> None:
    """Threshold current of one cell for one pulse from a point source at distance R."""
    import math

    from drgstim.biophysics.models import build_cell, simulation_dt_us
    from drgstim.biophysics.stimulate import threshold as run_threshold

    if waveform not in ("cathodic", "anodic", "biphasic"):
        _exit(f"waveform = {waveform!r} is not allowed; allowed: cathodic, anodic, biphasic")
    with _user_errors():
        dt_us = simulation_dt_us(model) if dt_us is None else dt_us
        cell = build_cell(
            model,
            diameter_um=diameter_um,
            nodes=nodes,
            length_um=length_um,
            compartment_um=compartment_um,
            temperature_C=temperature_C,
        )
        report = run_threshold(
            cell,
            distance_um=distance_um,
            pulse_width_us=pulse_width_us,
            waveform=waveform,
            sigma_S_per_m=sigma_S_per_m,
            dt_us=dt_us,
            tstop_ms=tstop_ms,
        )
    if not math.isfinite(report.threshold_mA):
        _exit(
            "no threshold: no activation up to 1000 mA, or the cell fires without stimulus",
            EXIT_REFUSED,
        )
    data = {
        "threshold_mA": report.threshold_mA,
        "bracket_mA": [report.lower_mA, report.upper_mA],
        "rel_tol": report.rel_tol,
        "run_ms": round(report.run_ms, 4),
        "initiation_site": report.initiation_site,
        "simulations": report.simulations,
        "seconds": round(report.seconds, 4),
    }
    if json_out:
        emit_json(data)
    else:
        typer.echo(
            f"threshold {report.threshold_mA:.5g} mA (bracket {report.lower_mA:.5g}–"
            f"{report.upper_mA:.5g}) at {report.initiation_site} "
            f"({report.simulations} simulations, {report.seconds:.2f} s)"
        )


def velocity(
    model: Annotated[str, typer.Option(help="hh or mrg")],
    diameter_um: Annotated[float, typer.Option("--diameter-um", help="fibre diameter (µm)")],
    temperature_C: Annotated[
        float | None, typer.Option("--temperature-C", help="default: the model's")
    ] = None,
    dt_us: Annotated[float, typer.Option("--dt-us", help="time step")] = 5.0,
    json_out: Annotated[bool, typer.Option("--json", help="print one JSON object")] = False,
) -> None:
    """Conduction velocity of an HH cable (60 mm) or an MRG axon (41 nodes)."""
    from drgstim.biophysics.models import build_cell
    from drgstim.biophysics.stimulate import velocity_m_per_s

    if model not in ("hh", "mrg"):
        _exit(f"model = {model!r} is not allowed; allowed: hh, mrg")
    with _user_errors():
        if model == "hh":
            cell = build_cell(
                model,
                diameter_um=diameter_um,
                length_um=60_000.0,
                compartment_um=100.0,
                temperature_C=temperature_C,
            )
            tstop = 10.0
        else:
            cell = build_cell(model, diameter_um=diameter_um, nodes=41, temperature_C=temperature_C)
            tstop = 4.0
        v = velocity_m_per_s(cell, dt_us=dt_us, tstop_ms=tstop)
    if json_out:
        emit_json({"velocity_m_per_s": v})
    else:
        typer.echo(f"{v:.2f} m/s")


def register(app: typer.Typer) -> None:
    """Add ``threshold`` and ``velocity`` (and ``recruitment``, ``transmission`` if present)."""
    app.command("threshold")(threshold)
    app.command("velocity")(velocity)
    if importlib.util.find_spec("drgstim.cli.recruitment") is not None:
        from drgstim.cli import recruitment

        recruitment.register(app)
    if importlib.util.find_spec("drgstim.cli.transmission") is not None:
        from drgstim.cli import transmission

        transmission.register(app)

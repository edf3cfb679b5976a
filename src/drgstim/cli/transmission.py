"""``drgstim transmission``: T-junction transmission of an injected spike train, stimulation
off vs on (:mod:`drgstim.biophysics.transmission`).

Typer and the standard library only at module top; NumPy/Numba load inside the command.
"""

from __future__ import annotations

from typing import Annotated, Any

import typer

from drgstim.cli.common import emit_json, fail
from drgstim.errors import InputError

__all__ = ["register"]

_MODELS = ("abeta", "adelta", "c")
_WAVEFORMS = ("cathodic", "biphasic")


def _amplitudes(text: str) -> tuple[float, ...]:
    try:
        values = tuple(float(part) for part in text.split(",") if part.strip())
    except ValueError:
        values = ()
    if not values:
        fail(f"--stim-amplitude-uA = {text!r} is not allowed; allowed: comma-separated µA >= 0")
    return values


def transmission_command(
    model: Annotated[str, typer.Option(help="DRG neuron: abeta, adelta, c")] = "c",
    rate_Hz: Annotated[float, typer.Option("--rate-Hz", help="injected spike train (Hz)")] = 4.0,
    stim_amplitude_uA: Annotated[
        str, typer.Option("--stim-amplitude-uA", help="comma-separated µA (one lane each)")
    ] = "1500",
    distance_um: Annotated[
        float,
        typer.Option("--distance-um", help="point source to the soma centre (µm), as threshold"),
    ] = 1000.0,
    duration_s: Annotated[float, typer.Option("--duration-s", help="simulated seconds")] = 2.0,
    window_s: Annotated[float, typer.Option("--window-s", help="counting window (s)")] = 1.0,
    stim_frequency_Hz: Annotated[
        float, typer.Option("--stim-frequency-Hz", help="ganglion stimulation rate")
    ] = 20.0,
    pulse_width_us: Annotated[
        float, typer.Option("--pulse-width-us", help="stimulation phase width (µs)")
    ] = 300.0,
    waveform: Annotated[str, typer.Option(help="cathodic, biphasic")] = "cathodic",
    diameter_um: Annotated[
        float | None, typer.Option("--diameter-um", help="default: the type's")
    ] = None,
    sodium_dynamics: Annotated[
        bool,
        typer.Option(
            "--sodium-dynamics",
            help="C only: Na⁺ accumulation, Nernst E_Na and the Na⁺/K⁺ pump (Tigerholm 2014)",
        ),
    ] = False,
    calcium_sk: Annotated[
        bool,
        typer.Option(
            "--calcium-sk",
            help="C only: the soma's L-type Ca²⁺, Ca²⁺ pool and SK current (Sundt 2015)",
        ),
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="print one JSON object")] = False,
) -> None:
    """Spikes reaching the central end / spikes launched, ganglion stimulation off vs on."""
    if model not in _MODELS:
        fail(f"--model = {model!r} is not allowed; allowed: {', '.join(_MODELS)}")
    if waveform not in _WAVEFORMS:
        fail(f"--waveform = {waveform!r} is not allowed; allowed: {', '.join(_WAVEFORMS)}")
    amplitudes = _amplitudes(stim_amplitude_uA)
    kwargs: dict[str, Any] = {
        "model": model, "diameter_um": diameter_um, "rate_Hz": rate_Hz,
        "duration_s": duration_s, "window_s": window_s, "stim_amplitudes_uA": amplitudes,
        "stim_frequency_Hz": stim_frequency_Hz, "stim_pulse_width_us": pulse_width_us,
        "stim_waveform": waveform, "distance_um": distance_um,
        "sodium_dynamics": sodium_dynamics, "calcium_sk": calcium_sk,
    }  # fmt: skip
    from drgstim.biophysics.transmission import transmission

    try:
        body = transmission(**kwargs).as_dict()
    except InputError as exc:
        fail(str(exc))
    if as_json:
        emit_json(body)
        return
    typer.echo(f"{model}: {rate_Hz:g} Hz train, {duration_s:g} s, {body['seconds']:.1f} s wall")
    conditions: list[dict[str, Any]] = body["conditions"]  # type: ignore[assignment]
    for c in conditions:
        frac = c["fraction"]
        shown = "n/a" if frac is None else f"{frac:.0%}"
        typer.echo(
            f"  {c['stimulation']:>3} {c['amplitude_uA']:>8g} µA: {c['transmitted']}/"
            f"{c['launched']} transmitted ({shown}); stimulus alone fires "
            f"{c['evoked_central_without_injection']} central spikes"
        )


def register(app: typer.Typer) -> None:
    """Add the top-level ``transmission`` command."""
    app.command("transmission")(transmission_command)

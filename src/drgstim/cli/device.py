"""Device commands: ``device check`` (program safety) and ``device longevity`` (battery).

Only Typer and the standard library at module top; the device layer is imported inside the
commands. Exit codes: 0 valid and safe, 1 refused or not yet safe (no impedance given),
2 malformed arguments.
"""

from __future__ import annotations

from typing import Annotated, Any

import typer

from drgstim.cli.common import EXIT_REFUSED, emit_json, fail

__all__ = ["register"]

device_app = typer.Typer(
    help="The virtual DRG device: program checks and battery.", no_args_is_help=True
)


def _number(name: str, text: str) -> float:
    """A finite number from an option's text, or exit 2 naming the option."""
    try:
        value = float(text)
    except ValueError:
        fail(f"{name} = {text!r} is not allowed; allowed: a number")
    if value != value or value in (float("inf"), float("-inf")):
        fail(f"{name} = {text!r} is not allowed; allowed: a finite number")
    return value


def _table(title: str, columns: list[str], rows: list[list[str]]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=title)
    for column in columns:
        table.add_column(column)
    for row in rows:
        table.add_row(*row)
    Console().print(table)


def _print_report(data: dict[str, Any]) -> None:
    rows = [
        [
            str(c["index"]),
            c["polarity"],
            f"{c['charge_uC']:.3g}",
            f"{c['charge_density_uC_per_cm2']:.3g}",
            "-" if c["shannon_k"] is None else f"{c['shannon_k']:.2f}",
        ]
        for c in data["contacts"]
    ]
    verdict = "SAFE" if data["safe"] else "REFUSED" if data["errors"] else "NEEDS IMPEDANCE"
    columns = ["contact", "polarity", "Q (µC)", "D (µC/cm²)", "Shannon k"]
    _table(f"Program check: {verdict}", columns, rows)
    for error in data["errors"]:
        typer.echo(f"error: {error}")
    for warning in data["warnings"]:
        typer.echo(f"warning: {warning}")


@device_app.command("check")
def check(
    # Required options are checked here, not by Typer: its vendored click exceptions escape
    # drgstim.cli.main.run as a traceback (see docs/device.md).
    amplitude_uA: Annotated[
        str | None, typer.Option("--amplitude-uA", help="Amplitude, µA (required).")
    ] = None,
    pulse_width_us: Annotated[
        str | None, typer.Option("--pulse-width-us", help="Pulse width, µs (required).")
    ] = None,
    frequency_Hz: Annotated[
        str | None, typer.Option("--frequency-Hz", help="Frequency, Hz (required).")
    ] = None,
    contacts: Annotated[
        str | None, typer.Option(help="Polarities, e.g. '-+00' (-, + or 0) (required).")
    ] = None,
    impedance_ohm: Annotated[
        str | None, typer.Option("--impedance-ohm", help="Measured impedance, Ω.")
    ] = None,
    lead_model_name: Annotated[
        str | None, typer.Option("--lead-model", help="Lead model name.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Check one lead program: device grid, polarity rule, compliance, charge safety."""
    from drgstim.device import DEFAULT_LEAD_MODEL, check_program, lead_model, parse_contacts
    from drgstim.errors import InputError

    given = {
        "--amplitude-uA": amplitude_uA,
        "--pulse-width-us": pulse_width_us,
        "--frequency-Hz": frequency_Hz,
        "--contacts": contacts,
    }
    missing = [name for name, value in given.items() if value is None]
    if missing or amplitude_uA is None or pulse_width_us is None or frequency_Hz is None:
        fail(f"missing option(s): {', '.join(missing)}")
    if contacts is None:
        fail("missing option(s): --contacts")
    try:
        model = lead_model(lead_model_name) if lead_model_name else DEFAULT_LEAD_MODEL
        polarities = parse_contacts(contacts, contact_count=model.contact_count)
    except InputError as exc:
        fail(str(exc))
    ohm = None if impedance_ohm is None else _number("impedance_ohm", impedance_ohm)
    if ohm is not None and ohm <= 0:
        fail(f"impedance_ohm = {ohm:g} is not allowed; allowed: a positive number of Ω")
    report = check_program(
        amplitude_uA=_number("amplitude_uA", amplitude_uA),
        pulse_width_us=_number("pulse_width_us", pulse_width_us),
        frequency_Hz=_number("frequency_Hz", frequency_Hz),
        contacts=polarities,
        impedance_ohm=ohm,
        lead_model=model,
    )
    data = report.to_dict()
    if as_json:
        emit_json(data)
    else:
        _print_report(data)
    if not report.safe:
        raise SystemExit(EXIT_REFUSED)


def _parse_lead(text: str) -> tuple[float, float, float, float | None]:
    allowed = "amplitude_uA,pulse_width_us,frequency_Hz[,impedance_ohm], e.g. 800,300,20,1600"
    parts = text.split(",")
    if len(parts) not in (3, 4):
        fail(f"--lead = {text!r} is not allowed; allowed: {allowed}")
    try:
        numbers = [float(p) for p in parts]
    except ValueError:
        fail(f"--lead = {text!r} is not allowed; allowed: {allowed}")
    if any(n != n or n in (float("inf"), float("-inf")) for n in numbers):
        fail(f"--lead = {text!r} is not allowed; allowed: finite numbers, {allowed}")
    if any(n < 0 for n in numbers) or (len(numbers) == 4 and numbers[3] <= 0):
        fail(f"--lead = {text!r} is not allowed; allowed: non-negative numbers, {allowed}")
    return numbers[0], numbers[1], numbers[2], numbers[3] if len(numbers) == 4 else None


@device_app.command("longevity")
def longevity(
    lead: Annotated[
        list[str] | None,
        typer.Option(help="One lead: amplitude µA, pulse width µs, frequency Hz[, impedance Ω]."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Years of implanted-generator battery at these settings (up to 4 leads)."""
    from drgstim.device import LeadLoad, estimate_longevity

    if not lead:
        fail("missing option: --lead (one per lead, e.g. --lead 800,300,20,1600)")
    if len(lead) > 4:
        fail(f"--lead given {len(lead)} times; allowed: 1–4 leads (one channel each)")
    loads = [LeadLoad(*_parse_lead(text)) for text in lead]
    estimate = estimate_longevity(loads)
    data = estimate.to_dict()
    data["leads"] = [
        {
            "amplitude_uA": x.amplitude_uA,
            "pulse_width_us": x.pulse_width_us,
            "frequency_Hz": x.frequency_Hz,
            "impedance_ohm": x.impedance_ohm,
            "delivered_uA": x.delivered_uA,
        }
        for x in loads
    ]
    if as_json:
        emit_json(data)
        return
    drain = data["drain_uW"]
    rows = [[f"lead {i + 1}", f"{uw:.1f}"] for i, uw in enumerate(drain["per_lead"])]
    rows += [["housekeeping", f"{drain['housekeeping']:.1f}"], ["total", f"{drain['total']:.1f}"]]
    _table(f"Battery longevity: {data['years']:.1f} years", ["drain", "µW"], rows)


def register(app: typer.Typer) -> None:
    """Add the ``device`` group to the top-level app."""
    app.add_typer(device_app, name="device")

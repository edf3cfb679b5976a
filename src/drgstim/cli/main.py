"""The ``drgstim`` command line.

Subcommands live in one module per layer (``device``, ``planning``, ``biophysics``,
``clinic``, ``service``); each imports its heavy dependencies inside the command body.
"""

from __future__ import annotations

import math
import sys
from typing import Any

import typer
import typer.main

from drgstim import __version__
from drgstim.cli import biophysics, clinic, device, planning, service, therapy
from drgstim.cli.common import EXIT_USAGE, user_error_message

app = typer.Typer(
    name="drgstim",
    help="DRG stimulation: virtual device, biophysics, clinic and therapy planning.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"drgstim {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version."
    ),
) -> None:
    """DRG stimulation: virtual device, biophysics, clinic and therapy planning."""


device.register(app)
planning.register(app)
biophysics.register(app)
clinic.register(app)
service.register(app)
therapy.register(app)


def _is_float(param: Any) -> bool:
    annotation = getattr(getattr(param, "type_descriptor", None), "annotation", None)
    return annotation is float or annotation == (float | None)


def _guard_finite(param: Any) -> None:
    """Wrap one parameter's ``process_value`` so NaN and ±Infinity are a usage error
    (Python's ``float()`` accepts "nan" and "inf"; no quantity of ours may be either)."""
    original = param.process_value

    def process_value(ctx: Any, value: Any) -> Any:
        number = original(ctx, value)
        if isinstance(number, float) and not math.isfinite(number):
            raise typer.BadParameter(
                f"{number!r} is not allowed; allowed: a finite number", ctx=ctx, param=param
            )
        return number

    param.process_value = process_value


def _finite_floats(command: Any) -> None:
    """Guard every float option and argument of ``command`` and its subcommands."""
    for param in getattr(command, "params", ()):
        if _is_float(param):
            _guard_finite(param)
    for sub in getattr(command, "commands", {}).values():
        _finite_floats(sub)


def command() -> Any:
    """The ``drgstim`` command tree with the finite-number guard on every float."""
    cli = typer.main.get_command(app)
    _finite_floats(cli)
    return cli


def run(argv: list[str] | None = None) -> None:
    """Entry point: usage errors and library input errors exit 2 with a message, never a
    traceback; a refused request exits 1; anything else is a bug and shows its traceback.
    Click runs in standalone mode, so its own usage errors (missing option, bad value,
    a non-finite number) print Click's message and exit 2, and ``typer.Exit``/``SystemExit``
    keep their code. Errors raised by the library inside a command (``InputError``,
    pydantic's ``ValidationError``, an undecodable or too deeply nested input file, a
    missing folder, a malformed database URL) come out of the command and are reported
    here, outside the ``except`` block, so no traceback chain is printed.
    """
    try:
        command().main(args=argv, prog_name="drgstim", standalone_mode=True)
    except Exception as exc:
        message = user_error_message(exc)
        if message is None:
            raise
    else:  # pragma: no cover - standalone Click always exits
        sys.exit(0)
    sys.stderr.write(f"error: {message}\n")
    sys.exit(EXIT_USAGE)

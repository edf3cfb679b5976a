"""The ``drgstim`` command line.

Subcommands live in one module per layer (``device``, ``planning``, ``biophysics``,
``clinic``, ``service``); each imports its heavy dependencies inside the command body.
"""

from __future__ import annotations

import sys

import typer

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


def run() -> None:
    """Entry point: usage errors and library input errors exit 2 with a message, never a
    traceback; a refused request exits 1; anything else is a bug and shows its traceback.

    Typer runs in standalone mode, so its own usage errors (missing option, bad value)
    print Click's message and exit 2, and ``typer.Exit``/``SystemExit`` keep their code.
    Errors raised by the library inside a command (``InputError``, pydantic's
    ``ValidationError``) are not Click's, so they come out of ``app()`` and are reported
    here, outside the ``except`` block, so no traceback chain is printed.
    """
    try:
        app()
    except Exception as exc:
        message = user_error_message(exc)
        if message is None:
            raise
    else:  # pragma: no cover - standalone Typer always exits
        sys.exit(0)
    sys.stderr.write(f"error: {message}\n")
    sys.exit(EXIT_USAGE)

"""The ``drgstim`` command line.

Subcommands live in one module per layer (``device``, ``planning``, ``biophysics``,
``clinic``, ``service``); each imports its heavy dependencies inside the command body.
"""

from __future__ import annotations

import sys

import click
import typer

from drgstim import __version__
from drgstim.cli import biophysics, clinic, device, planning, service
from drgstim.cli.common import EXIT_USAGE, handle_user_errors

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


def run() -> None:
    """Entry point: run the app; user errors exit 2 with a message, never a traceback."""
    try:
        app(standalone_mode=False)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        sys.exit(EXIT_USAGE if exc.exit_code == 2 else exc.exit_code)
    except click.exceptions.Abort:
        sys.stderr.write("aborted\n")
        sys.exit(1)
    except Exception as exc:
        handle_user_errors(exc)
        raise

"""``python -m drgstim`` runs the CLI."""

from drgstim.cli.main import run

run()

"""``python -m drgstim`` runs the CLI."""

from drgstim.cli.main import run

if __name__ == "__main__":  # not when a spawned worker process re-imports the main module
    run()

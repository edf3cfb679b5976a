"""The CLI's start-up contract: fast help, no heavy imports, a version."""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("numpy", "numba", "scipy", "fastapi", "sqlalchemy", "neuron", "matplotlib")


def test_help_does_not_import_heavy_modules():
    code = (
        "import sys\n"
        "from drgstim.cli.main import app\n"
        "from typer.testing import CliRunner\n"
        "r = CliRunner().invoke(app, ['--help'])\n"
        "assert r.exit_code == 0, r.output\n"
        f"print(','.join(m for m in {HEAVY!r} if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"drgstim --help imported: {out.stdout.strip()}"


def test_import_drgstim_is_light():
    code = f"import sys, drgstim; print(','.join(m for m in {HEAVY!r} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_version_flag():
    out = subprocess.run(
        [sys.executable, "-m", "drgstim", "--version"], capture_output=True, text=True
    )
    assert out.returncode == 0
    assert out.stdout.startswith("drgstim ")

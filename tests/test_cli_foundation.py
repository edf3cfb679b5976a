"""The CLI's start-up contract: fast help, no heavy imports, a version."""

from __future__ import annotations

import subprocess
import sys

HEAVY = (
    "numpy", "numba", "scipy", "fastapi", "sqlalchemy", "neuron", "matplotlib", "dask",
    "distributed",
)  # fmt: skip


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


def _run_entry_point(command_body: str, *args: str) -> subprocess.CompletedProcess[str]:
    """Run ``drgstim.cli.main.run`` with one extra command ``probe`` whose body is given."""
    code = (
        "import sys\n"
        "from drgstim.cli.main import app, run\n"
        "from drgstim.cli.common import fail\n"
        "from drgstim.errors import InputError\n"
        "@app.command('probe')\n"
        "def probe(n: int = 1) -> None:\n"
        f"    {command_body}\n"
        "sys.argv = ['drgstim', 'probe', *sys.argv[1:]]\n"
        "run()\n"
    )
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True)


def test_library_input_error_exits_2_with_message_and_no_traceback():
    out = _run_entry_point("raise InputError('amplitude_uA', 9000, '0–6000 µA')")
    assert out.returncode == 2
    assert "amplitude_uA" in out.stderr and "9000" in out.stderr and "0–6000" in out.stderr
    assert "Traceback" not in out.stderr


def test_fail_keeps_its_exit_code():
    assert _run_entry_point("fail('refused', code=1)").returncode == 1
    assert _run_entry_point("fail('bad input')").returncode == 2


def test_usage_errors_exit_2_without_traceback():
    out = _run_entry_point("print(n)", "--n", "not-a-number")
    assert out.returncode == 2
    assert "Traceback" not in out.stderr
    assert "--n" in out.stderr


def test_bugs_are_not_disguised_as_user_errors():
    out = _run_entry_point("raise RuntimeError('a bug')")
    assert out.returncode == 1
    assert "RuntimeError: a bug" in out.stderr


def test_success_exits_0():
    out = _run_entry_point("print(n)", "--n", "3")
    assert out.returncode == 0 and out.stdout.strip() == "3"

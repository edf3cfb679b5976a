"""The device CLI through the real entry point: JSON contract and exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

DRGSTIM = Path(sys.executable).parent / "drgstim"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(DRGSTIM), "device", *args], capture_output=True, text=True, timeout=60
    )


PROGRAM = ["--amplitude-uA", "800", "--pulse-width-us", "300", "--frequency-Hz", "20"]


def test_check_safe_json_exit_0() -> None:
    # exactly the form: --contacts "-+00" as a separate argument
    result = run("check", *PROGRAM, "--contacts", "-+00", "--impedance-ohm", "1600", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["safe"] is True and data["errors"] == []
    c = data["contacts"][0]
    assert (c["index"], c["polarity"]) == (0, "-")
    assert c["charge_uC"] == pytest.approx(0.24)
    assert c["charge_density_uC_per_cm2"] == pytest.approx(6.1, abs=0.05)
    assert c["shannon_k"] == pytest.approx(0.17, abs=0.005)


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--amplitude-uA", "6000", "--pulse-width-us", "1000", "--frequency-Hz", "20"], "1.85"),
        (["--amplitude-uA", "810", "--pulse-width-us", "300", "--frequency-Hz", "20"], "825"),
    ],
)
def test_check_refused_exit_1_with_reason(args: list[str], needle: str) -> None:
    result = run("check", *args, "--contacts=-+00", "--json")
    assert result.returncode == 1
    data = json.loads(result.stdout)
    assert data["safe"] is False and needle in " ".join(data["errors"])


def test_check_without_impedance_is_not_safe() -> None:
    result = run("check", *PROGRAM, "--contacts=-+00", "--json")
    data = json.loads(result.stdout)
    assert result.returncode == 1 and data["safe"] is False and data["needs_impedance"]
    assert data["errors"] == [] and "impedance not measured" in data["warnings"][0]
    assert "NEEDS IMPEDANCE" in run("check", *PROGRAM, "--contacts=-+00").stdout


def test_check_polarity_and_compliance_refused() -> None:
    assert run("check", *PROGRAM, "--contacts=--00", "--json").returncode == 1
    over = run("check", *PROGRAM, "--contacts=-+00", "--impedance-ohm", "6000", "--json")
    assert over.returncode == 1 and "maximum output reached" in over.stdout


@pytest.mark.parametrize(
    "args",
    [
        ["check", *PROGRAM, "--contacts=-+x0"],
        ["check", *PROGRAM, "--contacts=-+00", "--lead-model", "nope"],
        ["check", "--amplitude-uA", "abc", "--pulse-width-us", "300", "--frequency-Hz", "20"],
        ["check", *PROGRAM],
        ["check", *PROGRAM, "--contacts=-+00", "--impedance-ohm", "-5"],
        ["longevity"],
        ["longevity", "--lead", "800,300"],
        ["longevity", "--lead", "800,300,x"],
    ],
)
def test_malformed_arguments_exit_2_without_traceback(args: list[str]) -> None:
    result = run(*args)
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr


def test_check_table_without_json() -> None:
    result = run("check", *PROGRAM, "--contacts=-+00", "--impedance-ohm", "1600")
    assert result.returncode == 0 and "Shannon k" in result.stdout and "SAFE" in result.stdout


def test_longevity_json_nominal_settings() -> None:
    result = run("longevity", "--lead", "800,300,20,1600", "--lead", "800,300,20,1600", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["years"] == pytest.approx(3.3, rel=0.15)
    assert len(data["drain_uW"]["per_lead"]) == 2
    table = run("longevity", "--lead", "800,300,20")
    assert table.returncode == 0 and "years" in table.stdout

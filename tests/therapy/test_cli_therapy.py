"""``drgstim therapy`` through the real entry point: exit 2 naming field/value/range, and
the JSON contracts."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

DRGSTIM = str(Path(sys.executable).parent / "drgstim")
LEAD = ("--lead", "L4:left", "--contacts", "0-+0", "--amplitude-uA", "800")


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [DRGSTIM, "therapy", *args],
        capture_output=True,
        text=True,
        timeout=600,
        env=os.environ.copy(),
    )


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (
            ("--lead", "S3:left", "--contacts", "0-+0", "--amplitude-uA", "800"),
            ["level", "'S3'", "T10", "S2"],
        ),
        ((*LEAD, "--along-mm", "9"), ["along_mm", "9.0", "-5.84 to 5.84 mm"]),
        ((*LEAD, "--surface-gap-mm", "5"), ["surface_gap_mm", "0 to 3 mm"]),
        (
            (
                "--lead",
                "L4:left",
                "--contacts",
                "0-+0",
                "--amplitude-uA",
                "3000",
                "--impedance-ohm",
                "1600",
            ),
            ["leads[0].program", "maximum output reached"],
        ),
        ((*LEAD, "--region", "elbow:left:3"), ["region", "'elbow'", "knee"]),
        ((*LEAD, "--medium", "jelly"), ["medium", "homogeneous"]),
    ],
)
def test_bad_input_exits_2_naming_field_value_and_range(
    args: tuple[str, ...], words: list[str]
) -> None:
    out = _run("coverage", *args, "--json")
    assert out.returncode == 2, out.stdout
    assert out.stdout == "" and "Traceback" not in out.stderr
    assert all(w in out.stderr for w in words), out.stderr


def test_coverage_json_contract(tmp_path: Path) -> None:
    out = _run(
        "coverage",
        *LEAD,
        "--pulse-width-us",
        "300",
        "--frequency-Hz",
        "20",
        "--impedance-ohm",
        "1600",
        "--region",
        "knee:left:7",
        "--neurons",
        "10",
        "--json",
    )
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert {
        "regions",
        "pain_covered_fraction",
        "off_target_fraction",
        "adelta_c_activation",
        "block_checked",
        "leads",
    } <= set(data)
    for r in data["regions"]:
        assert {"region", "side", "activated", "blocked"} <= set(r)
        assert set(r["activated"]) == {"abeta", "adelta", "c"}
        assert all(0.0 <= v <= 1.0 for v in r["activated"].values())
        assert r["side"] == "left" and r["levels"] == ["L4"]
    assert 0.0 <= data["pain_covered_fraction"] <= 1.0
    assert 0.0 <= data["off_target_fraction"] <= 1.0


def test_next_json_contract(tmp_path: Path) -> None:
    csv = tmp_path / "tried.csv"
    csv.write_text(
        "contacts,amplitude_uA,pulse_width_us,frequency_Hz,coverage,comfort\n"
        "0-+0,600,300,20,0.4,8\n0-+0,800,300,20,0.6,7\n",
        encoding="utf-8",
    )
    out = _run("next", "--feedback", str(csv), "--impedance-ohm", "1600", "--json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert {"contacts", "amplitude_uA", "pulse_width_us", "frequency_Hz", "fallback"} <= set(data)
    check = subprocess.run(
        [
            DRGSTIM,
            "device",
            "check",
            "--amplitude-uA",
            str(data["amplitude_uA"]),
            "--pulse-width-us",
            str(data["pulse_width_us"]),
            "--frequency-Hz",
            str(data["frequency_Hz"]),
            "--contacts",
            data["contacts"],
            "--impedance-ohm",
            "1600",
            "--json",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert check.returncode == 0, check.stdout
    missing = _run("next", "--feedback", str(tmp_path / "none.csv"), "--json")
    assert missing.returncode == 2 and "feedback" in missing.stderr


@pytest.mark.slow
def test_suggest_json_contract_and_every_program_passes_the_device_check() -> None:
    from drgstim.device import check_program

    out = _run(
        "suggest", "--region", "knee:left:7", "--impedance-ohm", "1600", "--neurons", "10", "--json"
    )
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["suggestions"]
    keys = {"level", "side", "contacts", "amplitude_uA", "pulse_width_us", "frequency_Hz"}
    for s in data["suggestions"]:
        assert {"leads", "pain_covered_fraction", "off_target_fraction", "longevity_years"} <= set(
            s
        )
        assert 0.0 <= s["pain_covered_fraction"] <= 1.0 and s["longevity_years"] > 0
        for lead in s["leads"]:
            assert keys <= set(lead)
            report = check_program(
                amplitude_uA=lead["amplitude_uA"],
                pulse_width_us=lead["pulse_width_us"],
                frequency_Hz=lead["frequency_Hz"],
                contacts=lead["contacts"],
                impedance_ohm=1600.0,
            )
            assert report.safe, report.errors
    bad = _run("suggest", "--region", "elbow:left:5", "--json")
    assert bad.returncode == 2 and "region" in bad.stderr

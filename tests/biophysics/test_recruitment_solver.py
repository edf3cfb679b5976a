"""Recruitment of a small sampled population on the core batched solver."""

from __future__ import annotations

import itertools
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from drgstim.biophysics import population as pop
from drgstim.biophysics import recruitment as rec
from drgstim.biophysics.drg.geometry import DrgType
from drgstim.biophysics.drg.search import drg_activation, drg_threshold_search, thresholds_uA

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_population_recruitment_is_monotone_and_large_neurons_come_first() -> None:
    population = pop.sample_population(n_neurons=24, seed=5)
    result = rec.recruitment(
        population, amplitudes_uA=[1000, 4000, 8000, 12000], pulse_width_us=300,
        distance_um=0, search=drg_threshold_search, check=drg_activation,
    )  # fmt: skip
    for kind, active in result.activated.items():
        reached = [a + b for a, b in zip(active, result.blocked[kind], strict=True)]
        assert all(b >= a for a, b in itertools.pairwise(reached))  # thresholds passed
    assert result.fractions["abeta"][-1] > 0.0
    assert result.fractions["c"][-1] <= result.fractions["abeta"][-1]
    finite = result.thresholds_uA[np.isfinite(result.thresholds_uA)]
    assert np.all(finite > 0)


_RUNNER = """
import drgstim.cli.main as m
from drgstim.cli import recruitment
if "recruitment" not in {c.name for c in m.app.registered_commands}:
    recruitment.register(m.app)
m.run()
"""


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", _RUNNER, "recruitment", *args],
        capture_output=True, text=True, cwd=ROOT, timeout=300, check=False,
    )  # fmt: skip


def test_cli_json_contract() -> None:
    out = _cli(
        "--model-set", "drg", "--amplitudes-uA", "2000,8000", "--pulse-width-us", "300",
        "--distance-to-surface-um", "0", "--seed", "1", "--neurons", "8", "--json",
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    body = json.loads(out.stdout)
    assert body["seed"] == 1 and body["amplitudes_uA"] == [2000.0, 8000.0]
    assert set(body["fraction_activated"]) == {"abeta", "adelta", "c"}
    assert sum(body["counts"].values()) == 8
    assert set(body["blocked"]) == {"abeta", "adelta", "c"}
    assert body["version"] and body["input_hash"] and body["seconds"] >= 0


def test_cli_bad_amplitude_exits_2_naming_the_field() -> None:
    out = _cli(
        "--amplitudes-uA", "100,abc", "--pulse-width-us", "300", "--distance-um", "1000",
        "--seed", "1", "--json",
    )  # fmt: skip
    assert out.returncode == 2
    assert "--amplitudes-uA" in out.stderr and "Traceback" not in out.stderr
    out = _cli(
        "--amplitudes-uA", "99999", "--pulse-width-us", "300", "--distance-um", "1000",
        "--seed", "1", "--neurons", "3", "--json",
    )  # fmt: skip
    assert out.returncode == 2
    assert "amplitudes_uA" in out.stderr and "Traceback" not in out.stderr


def test_clinical_settings_do_not_recruit_c_neurons() -> None:
    """Spec: ≤ 1.5 mA, 300 µs, contact ≥ 1 mm from the ganglion surface → no C neuron."""
    population = pop.sample_population(n_neurons=40, seed=3)
    result = rec.recruitment(
        population, amplitudes_uA=[500, 1500], pulse_width_us=300, distance_um=1000,
        search=drg_threshold_search,
    )  # fmt: skip
    assert result.counts["c"] > 10
    assert result.activated["c"] == [0, 0]


def test_activation_check_agrees_with_the_threshold_and_finds_block() -> None:
    # An Aβ neuron with the source 500 µm above its soma (perpendicular to its plane) fires
    # at its threshold (650 µA) and not at 1 % below it; at twice the threshold the spike
    # that starts in the initial segment during the pulse dies in the stem, whose T-junction
    # end the same cathode hyperpolarises (a virtual anode, -178 mV): conduction block.
    cell = rec.CellRequest(kind=DrgType.ABETA, diameter_um=10.0, distance_um=500.0)
    (thr,) = thresholds_uA([cell], kind=DrgType.ABETA, pulse_width_us=300, max_amplitude_uA=4000)
    fires = drg_activation([cell] * 3, amplitudes_uA=[thr, 0.99 * thr, 2 * thr], pulse_width_us=300)
    assert fires.tolist() == [True, False, False]

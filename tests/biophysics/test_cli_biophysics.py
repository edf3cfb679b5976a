"""``drgstim threshold`` and ``drgstim velocity`` through the real entry point."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

DRGSTIM = str(Path(sys.executable).parent / "drgstim")


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([DRGSTIM, *args], capture_output=True, text=True, timeout=120)


def test_threshold_json_contract_for_an_mrg_axon() -> None:
    out = _run(
        "threshold", "--model", "mrg", "--diameter-um", "10", "--nodes", "11",
        "--distance-um", "1000", "--pulse-width-us", "100", "--tstop-ms", "2", "--json",
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert set(data) == {
        "threshold_mA", "bracket_mA", "rel_tol", "run_ms", "initiation_site", "simulations",
        "seconds",
    }  # fmt: skip
    assert 0.01 < data["threshold_mA"] < 1.0  # 10 µm fibre at 1 mm, 100 µs: ~0.1 mA
    assert data["initiation_site"].startswith("node")  # myelinated axons fire at a node
    assert 5 <= data["simulations"] <= 25  # bracket + bisection to 0.1 %
    lower, upper = data["bracket_mA"]
    assert data["rel_tol"] == 0.001 and data["run_ms"] == 2.0  # as given by --tstop-ms
    assert 0.0 < upper - lower <= data["rel_tol"] * upper  # converged to the tolerance
    assert data["threshold_mA"] == pytest.approx(0.5 * (lower + upper), rel=1e-12)


def test_threshold_anodic_needs_more_current_than_cathodic() -> None:
    common = ("--model", "hh", "--diameter-um", "10", "--length-um", "4000",
              "--distance-um", "500", "--pulse-width-us", "200", "--tstop-ms", "3",
              "--json")  # fmt: skip
    cat = json.loads(_run("threshold", *common).stdout)
    ano = json.loads(_run("threshold", *common, "--waveform", "anodic").stdout)
    # an anode excites only through its flanking virtual cathodes: more current, off-centre
    assert ano["threshold_mA"] > 1.5 * cat["threshold_mA"]
    assert cat["initiation_site"] in ("cable[39]", "cable[40]")
    assert ano["initiation_site"] not in ("cable[39]", "cable[40]")


def test_velocity_json_for_the_squid_axon() -> None:
    out = _run("velocity", "--model", "hh", "--diameter-um", "476", "--temperature-C", "18.5",
               "--json")  # fmt: skip
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["velocity_m_per_s"] == pytest.approx(18.8, rel=0.01)


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (("threshold", "--model", "mrg", "--diameter-um", "30", "--distance-um", "1000",
          "--pulse-width-us", "100"), "diameter_um"),
        (("threshold", "--model", "squid", "--diameter-um", "10", "--distance-um", "1000",
          "--pulse-width-us", "100"), "model"),
        (("threshold", "--model", "hh", "--diameter-um", "10", "--distance-um", "-5",
          "--pulse-width-us", "100"), "distance_um"),
        (("velocity", "--model", "abeta", "--diameter-um", "10"), "model"),
    ],
)  # fmt: skip
def test_bad_input_exits_2_naming_the_field(args: tuple[str, ...], field: str) -> None:
    out = _run(*args)
    assert out.returncode == 2
    assert field in out.stderr and "Traceback" not in out.stderr


@pytest.mark.parametrize(("model", "diameter"), [("abeta", "10"), ("adelta", "2.5"), ("c", "0.8")])
def test_threshold_json_for_drg_neurons(model: str, diameter: str) -> None:
    """The issue's command line for a DRG neuron: source 1 mm from the soma, 300 µs."""
    out = _run(
        "threshold", "--model", model, "--diameter-um", diameter, "--distance-um", "1000",
        "--pulse-width-us", "300", "--json",
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert {"threshold_mA", "bracket_mA", "run_ms"} <= set(data)
    assert 0.1 < data["threshold_mA"] < 20.0
    assert data["initiation_site"] != "none"
    assert 5 <= data["simulations"] <= 25
    assert data["bracket_mA"][0] < data["threshold_mA"] < data["bracket_mA"][1]


def test_transmission_json_contract_for_a_c_neuron() -> None:
    out = _run(
        "transmission", "--model", "c", "--rate-Hz", "4", "--stim-amplitude-uA", "1500",
        "--distance-um", "1000", "--duration-s", "0.5", "--window-s", "0.5", "--json",
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert set(data) >= {"model", "rate_Hz", "duration_s", "stimulation", "conditions"}
    off, on = data["conditions"]
    assert (off["stimulation"], on["stimulation"]) == ("off", "on")
    assert off["launched"] == 2 and off["transmitted"] == 2  # 4 Hz for 0.5 s, all through
    assert on["evoked_central_without_injection"] == 0  # 1.5 mA does not fire a C neuron


def test_transmission_sodium_dynamics_flag() -> None:
    out = _run(
        "transmission", "--model", "c", "--sodium-dynamics", "--stim-amplitude-uA", "1500",
        "--duration-s", "0.25", "--window-s", "0.25", "--json",
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["model"] == "c+sodium_dynamics"
    assert data["conditions"][0]["transmitted"] == data["conditions"][0]["launched"] == 1
    refused = _run("transmission", "--model", "abeta", "--sodium-dynamics", "--json")
    assert refused.returncode == 2
    assert "sodium_dynamics" in refused.stderr and "Traceback" not in refused.stderr


def test_transmission_calcium_sk_flag() -> None:
    out = _run(
        "transmission", "--model", "c", "--calcium-sk", "--stim-amplitude-uA", "1500",
        "--duration-s", "0.25", "--window-s", "0.25", "--json",
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["model"] == "c+calcium_sk"
    assert data["conditions"][0]["transmitted"] == data["conditions"][0]["launched"] == 1
    refused = _run("transmission", "--model", "abeta", "--calcium-sk", "--json")
    assert refused.returncode == 2
    assert "calcium_sk" in refused.stderr and "Traceback" not in refused.stderr


@pytest.mark.parametrize(
    ("flag", "value", "field"),
    [
        ("--model", "hh", "--model"),
        ("--rate-Hz", "-4", "rate_Hz"),
        ("--stim-amplitude-uA", "x", "--stim-amplitude-uA"),
    ],
)
def test_transmission_bad_input_exits_2_naming_the_field(flag: str, value: str, field: str) -> None:
    out = _run("transmission", flag, value, "--duration-s", "0.1", "--json")
    assert out.returncode == 2
    assert field in out.stderr and "allowed" in out.stderr
    assert "Traceback" not in out.stderr

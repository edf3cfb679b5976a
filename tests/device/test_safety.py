"""check_program: the spec's worked charge examples and every refusal it must report."""

from __future__ import annotations

import pytest

from drgstim.device import MAXIMUM_OUTPUT_REACHED, check_program
from drgstim.device.safety import DENSITY_RULE, NEEDS_IMPEDANCE, SHANNON_RULE


def _check(**kw: object) -> object:
    args: dict[str, object] = {
        "amplitude_uA": 800,
        "pulse_width_us": 300,
        "frequency_Hz": 20,
        "contacts": "-+00",
        "impedance_ohm": 1600,
    }
    args.update(kw)
    return check_program(**args)  # type: ignore[arg-type]


def test_worked_example_safe() -> None:
    # spec: 800 µA × 300 µs → Q = 0.24 µC, D ≈ 6.1 µC/cm², k ≈ 0.17 (safe)
    report = _check(amplitude_uA=800, pulse_width_us=300)
    assert report.safe and report.errors == []
    cathode = report.contacts[0]
    assert cathode.index == 0 and cathode.polarity == "-"
    assert cathode.charge_uC == pytest.approx(0.24)
    assert cathode.charge_density_uC_per_cm2 == pytest.approx(6.1, abs=0.05)
    assert cathode.shannon_k == pytest.approx(0.17, abs=0.005)


def test_worked_example_refused() -> None:
    # spec: 6 mA × 1000 µs → Q = 6 µC, D ≈ 153 µC/cm², k ≈ 2.96 (refused)
    report = check_program(amplitude_uA=6000, pulse_width_us=1000, frequency_Hz=20, contacts="-+00")
    assert not report.safe
    c = report.contacts[0]
    assert c.charge_uC == pytest.approx(6.0)
    assert c.charge_density_uC_per_cm2 == pytest.approx(153, abs=0.5)
    assert c.shannon_k == pytest.approx(2.96, abs=0.005)
    text = " ".join(report.errors)
    assert "contact E1 (index 0, cathode)" in text and "k = 2.96" in text
    assert "1.85" in text and SHANNON_RULE in text


def test_published_clinical_program_passes_with_a_named_warning() -> None:
    # 1500 µA × 1000 µs on one 1 mm × 1.25 mm contact: D ≈ 38 µC/cm², k ≈ 1.76 (device
    # facts, charge safety): above the 30 µC/cm² convention but below Shannon's k = 1.85.
    report = _check(amplitude_uA=1500, pulse_width_us=1000, impedance_ohm=1000)
    assert report.safe and report.errors == []
    c = report.contacts[0]
    assert c.charge_density_uC_per_cm2 == pytest.approx(38.2, abs=0.1)
    assert c.shannon_k == pytest.approx(1.76, abs=0.005)
    text = " ".join(report.warnings)
    assert DENSITY_RULE in text and SHANNON_RULE in text and "not a damage threshold" in text


def test_pivotal_median_program_is_safe_without_warning() -> None:
    # ACCURATE median patient: 675 µA × 1000 µs (device manual, battery longevity table)
    report = _check(amplitude_uA=675, pulse_width_us=1000, impedance_ohm=1600)
    assert report.safe and report.warnings == []


def test_charge_uses_the_compliance_capped_amplitude() -> None:
    # 3000 µA into 2000 Ω would need 6 V; the device delivers 4.6 V / 2000 Ω = 2300 µA.
    report = _check(amplitude_uA=3000, pulse_width_us=300, impedance_ohm=2000)
    assert report.errors[0].startswith(MAXIMUM_OUTPUT_REACHED) and "2300 µA" in report.errors[0]
    assert report.contacts[0].charge_uC == pytest.approx(2300 * 300e-6)


def test_equal_split_halves_charge_per_contact() -> None:
    report = _check(contacts="--+0", amplitude_uA=2000)
    q = {c.index: c.charge_uC for c in report.contacts}
    assert q[0] == pytest.approx(0.3) and q[1] == pytest.approx(0.3) and q[2] == pytest.approx(0.6)


def test_current_fractions_move_charge_and_are_checked() -> None:
    report = _check(contacts="--+0", current_fractions=[0.75, 0.25, 1.0, 0.0])
    assert [round(c.charge_uC, 3) for c in report.contacts] == [0.18, 0.06, 0.24]
    bad = _check(contacts="--+0", current_fractions=[0.5, 0.25, 1.0, 0.0])
    assert not bad.safe and "add up to 0.75" in bad.errors[0]


@pytest.mark.parametrize("contacts", ["--00", "++00", "0000"])
def test_polarity_rule(contacts: str) -> None:
    report = _check(contacts=contacts)
    assert not report.safe and any("cathode" in e and "anode" in e for e in report.errors)


def test_off_grid_values_are_errors_not_exceptions() -> None:
    report = _check(amplitude_uA=810, pulse_width_us=1010, frequency_Hz=21, contacts="-+x0")
    assert not report.safe
    text = "\n".join(report.errors)
    assert "800 µA or 825 µA" in text and "1000 µs" in text and "20 Hz or 22 Hz" in text
    assert "'x'" in text


def test_compliance_reports_maximum_output_reached() -> None:
    ok = _check(amplitude_uA=2300, impedance_ohm=2000)  # 4.60 V: at the limit
    assert ok.safe and ok.compliance_V == pytest.approx(4.6)
    over = _check(amplitude_uA=2350, impedance_ohm=2000)  # 4.70 V
    assert not over.safe and over.errors[0].startswith(MAXIMUM_OUTPUT_REACHED)


@pytest.mark.parametrize("ohm", [65534, 50])
def test_open_circuit_and_too_low_impedance_refused(ohm: float) -> None:
    report = _check(impedance_ohm=ohm)
    assert not report.safe and "lead disabled" in report.errors[0]


def test_unknown_impedance_is_never_safe() -> None:
    # Axium clinician manual: a transferred impedance is required before other stimulation
    # parameters can be set. Without one the answer is "needs impedance", not "safe".
    report = _check(impedance_ohm=None)
    assert not report.safe and report.needs_impedance and report.errors == []
    assert report.warnings == [NEEDS_IMPEDANCE] and "compliance" in NEEDS_IMPEDANCE
    assert report.to_dict()["needs_impedance"] is True


def test_to_dict_is_the_cli_contract() -> None:
    data = _check().to_dict()
    assert {"safe", "errors", "warnings", "contacts"} <= set(data)
    assert set(data["contacts"][0]) >= {
        "index",
        "polarity",
        "charge_uC",
        "charge_density_uC_per_cm2",
        "shannon_k",
    }
    zero = _check(amplitude_uA=0).to_dict()
    assert zero["contacts"][0]["shannon_k"] is None  # no charge: k undefined, JSON-safe


def test_non_numbers_are_errors_not_exceptions() -> None:
    nan = float("nan")
    assert not _check(amplitude_uA=nan).safe
    assert "not a positive number" in _check(impedance_ohm=nan).errors[0]
    assert not _check(contacts="--+0", current_fractions=[nan, 0.5, 1.0, 0.0]).safe
    wrong_length = _check(contacts=["-", "+", "0"])
    assert not wrong_length.safe and "3 entries" in wrong_length.errors[0]

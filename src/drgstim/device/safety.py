"""The program safety check: device grid, polarity rule, compliance and charge safety.

:func:`check_program` never raises for a bad value: every problem becomes a message in
``SafetyReport.errors`` so the API and the programmer page can show it while typing. The
charge rules go beyond the reference device (see ``docs/device.md``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from drgstim.device._data import device_data, limit
from drgstim.device.grid import grid_problem
from drgstim.device.lead import (
    DEFAULT_LEAD_MODEL,
    LeadModel,
    Polarity,
    contact_label,
    parse_contacts,
)
from drgstim.errors import InputError
from drgstim.units import V_from_uA_ohm, uC_from_uA_us

__all__ = [
    "MAXIMUM_OUTPUT_REACHED",
    "POLARITY_RULE",
    "ContactCharge",
    "SafetyReport",
    "charge_limits",
    "check_program",
    "contact_charges",
]

MAXIMUM_OUTPUT_REACHED = "maximum output reached"
POLARITY_RULE = "a lead needs at least one cathode (-) and one anode (+) to be enabled"


def charge_limits() -> tuple[float, float]:
    """(Shannon k limit, charge density limit in µC/cm²/phase) from the cited data."""
    table = device_data()["charge_safety"]
    return (
        float(table["shannon_k_max"]["value"]),
        float(table["charge_density_max_uC_per_cm2"]["value"]),
    )


@dataclass(frozen=True)
class ContactCharge:
    """Charge figures of one active contact for one phase."""

    index: int
    polarity: Polarity
    current_fraction: float
    charge_uC: float
    charge_density_uC_per_cm2: float
    shannon_k: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "polarity": self.polarity.value,
            "current_fraction": self.current_fraction,
            "charge_uC": self.charge_uC,
            "charge_density_uC_per_cm2": self.charge_density_uC_per_cm2,
            "shannon_k": self.shannon_k if math.isfinite(self.shannon_k) else None,
        }


@dataclass(frozen=True)
class SafetyReport:
    """The verdict on one lead program; ``to_dict()`` is the CLI's JSON object."""

    safe: bool
    errors: list[str]
    warnings: list[str]
    contacts: list[ContactCharge]
    compliance_V: float | None = None
    program: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "safe": self.safe,
            "errors": list(self.errors),
            "warnings": list(self.warnings),
            "contacts": [c.to_dict() for c in self.contacts],
            "compliance_V": self.compliance_V,
            "program": dict(self.program),
        }


def _fractions(
    polarities: Sequence[Polarity], current_fractions: Sequence[float] | None
) -> list[float]:
    """Each contact's share of its polarity's current (equal split unless given)."""
    if current_fractions is None:
        counts = {p: sum(1 for q in polarities if q == p) for p in set(polarities)}
        return [0.0 if p == Polarity.OFF else 1.0 / counts[p] for p in polarities]
    pairs = zip(polarities, current_fractions, strict=True)
    return [0.0 if p == Polarity.OFF else float(f) for p, f in pairs]


def contact_charges(
    *,
    amplitude_uA: float,
    pulse_width_us: float,
    polarities: Sequence[Polarity],
    lead_model: LeadModel = DEFAULT_LEAD_MODEL,
    current_fractions: Sequence[float] | None = None,
) -> list[ContactCharge]:
    """Charge per phase Q, density D = Q / area and Shannon k = log10 D + log10 Q per contact."""
    area_cm2 = lead_model.contact_area_cm2
    out = []
    for index, (polarity, fraction) in enumerate(
        zip(polarities, _fractions(polarities, current_fractions), strict=True)
    ):
        if polarity == Polarity.OFF:
            continue
        q = uC_from_uA_us(current_uA=amplitude_uA * fraction, duration_us=pulse_width_us)
        d = q / area_cm2
        k = math.log10(d) + math.log10(q) if q > 0 else -math.inf
        out.append(ContactCharge(index, polarity, fraction, q, d, k))
    return out


def _fraction_problems(
    polarities: Sequence[Polarity], current_fractions: Sequence[float] | None
) -> list[str]:
    if current_fractions is None:
        return []
    if len(current_fractions) != len(polarities):
        return [
            f"current_fractions has {len(current_fractions)} values; "
            f"the lead has {len(polarities)} contacts"
        ]
    problems = []
    for polarity in (Polarity.CATHODE, Polarity.ANODE):
        shares = [f for p, f in zip(polarities, current_fractions, strict=True) if p == polarity]
        if any(not 0 <= f <= 1 for f in shares):
            problems.append(f"current_fractions of {polarity.name.lower()}s must lie in 0–1")
        elif shares and abs(sum(shares) - 1.0) > 1e-6:
            problems.append(
                f"current_fractions of the {polarity.name.lower()}s add up to "
                f"{sum(shares):g}; they must add up to 1"
            )
    return problems


def _charge_problems(charges: Sequence[ContactCharge]) -> list[str]:
    k_max, d_max = charge_limits()
    problems = []
    for c in charges:
        # Named as the programmer labels it (E1–E4), with the JSON index beside it.
        where = f"contact {contact_label(c.index)} (index {c.index}, {c.polarity.name.lower()})"
        figures = (
            f"Q = {c.charge_uC:.3g} µC, D = {c.charge_density_uC_per_cm2:.3g} µC/cm², "
            f"k = {c.shannon_k:.2f}"
        )
        if c.shannon_k >= k_max:
            problems.append(f"{where}: {figures}; Shannon k must stay below {k_max}")
        if c.charge_density_uC_per_cm2 > d_max:
            problems.append(
                f"{where}: {figures}; charge density must not exceed {d_max:g} µC/cm² per phase"
            )
    return problems


def _impedance_problems(
    amplitude_uA: float, impedance_ohm: float | None
) -> tuple[list[str], list[str], float | None]:
    """(errors, warnings, compliance voltage) for a measured impedance."""
    if impedance_ohm is None:
        return [], ["impedance not given: output compliance (4.6 V) not checked"], None
    if not math.isfinite(impedance_ohm) or impedance_ohm <= 0:
        return [f"impedance_ohm = {impedance_ohm} is not a positive number of Ω"], [], None
    if impedance_ohm >= limit("open_circuit_ohm"):
        return [f"impedance {impedance_ohm:g} Ω reads as an open circuit: lead disabled"], [], None
    if impedance_ohm < limit("impedance_min_ohm"):
        return (
            [
                f"impedance {impedance_ohm:g} Ω is too low "
                f"(below {limit('impedance_min_ohm')} Ω): lead disabled"
            ],
            [],
            None,
        )
    volts = V_from_uA_ohm(current_uA=amplitude_uA, resistance_ohm=impedance_ohm)
    if volts > limit("compliance_V"):
        return (
            [
                f"{MAXIMUM_OUTPUT_REACHED}: {amplitude_uA:g} µA × {impedance_ohm:g} Ω = "
                f"{volts:.2f} V exceeds the {limit('compliance_V')} V compliance"
            ],
            [],
            volts,
        )
    return [], [], volts


def check_program(
    *,
    amplitude_uA: float,
    pulse_width_us: float,
    frequency_Hz: float,
    contacts: str | Sequence[Polarity],
    impedance_ohm: float | None = None,
    lead_model: LeadModel = DEFAULT_LEAD_MODEL,
    current_fractions: Sequence[float] | None = None,
) -> SafetyReport:
    """Check one lead program against every device rule and the charge limits.

    Never raises for a bad value; each problem is a message in ``errors``.
    """
    errors: list[str] = []
    for name, value in (
        ("amplitude_uA", amplitude_uA),
        ("pulse_width_us", pulse_width_us),
        ("frequency_Hz", frequency_Hz),
    ):
        problem = grid_problem(name, value)
        if problem:
            errors.append(problem)
    polarities: tuple[Polarity, ...] = ()
    if isinstance(contacts, str):
        try:
            polarities = parse_contacts(contacts, contact_count=lead_model.contact_count)
        except InputError as exc:
            errors.append(str(exc))
    else:
        try:
            polarities = tuple(Polarity(p) for p in contacts)
        except ValueError:
            errors.append(f"contacts = {list(contacts)!r}: each must be '-', '+' or '0'")
        if polarities and len(polarities) != lead_model.contact_count:
            errors.append(
                f"contacts has {len(polarities)} entries; "
                f"lead model {lead_model.name} has {lead_model.contact_count} contacts"
            )
            polarities = ()
    if polarities and not (Polarity.CATHODE in polarities and Polarity.ANODE in polarities):
        errors.append(POLARITY_RULE)
    fraction_errors = _fraction_problems(polarities, current_fractions) if polarities else []
    errors += fraction_errors
    charges = []
    finite = math.isfinite(amplitude_uA) and math.isfinite(pulse_width_us)
    if polarities and not fraction_errors and finite and amplitude_uA >= 0 and pulse_width_us > 0:
        charges = contact_charges(
            amplitude_uA=amplitude_uA,
            pulse_width_us=pulse_width_us,
            polarities=polarities,
            lead_model=lead_model,
            current_fractions=current_fractions,
        )
        errors += _charge_problems(charges)
    imp_errors, warnings, volts = _impedance_problems(amplitude_uA, impedance_ohm)
    errors += imp_errors
    program = {
        "amplitude_uA": amplitude_uA,
        "pulse_width_us": pulse_width_us,
        "frequency_Hz": frequency_Hz,
        "contacts": "".join(p.value for p in polarities),
        "impedance_ohm": impedance_ohm,
        "lead_model": lead_model.name,
    }
    return SafetyReport(not errors, errors, warnings, charges, volts, program)

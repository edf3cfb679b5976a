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
from drgstim.units import V_from_uA_ohm, uA_from_V_ohm, uC_from_uA_us

__all__ = [
    "DENSITY_RULE",
    "MAXIMUM_OUTPUT_REACHED",
    "NEEDS_IMPEDANCE",
    "POLARITY_RULE",
    "SHANNON_RULE",
    "ContactCharge",
    "SafetyReport",
    "charge_limits",
    "check_program",
    "contact_charges",
    "delivered_uA",
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
    needs_impedance: bool = False
    """No impedance given: never "safe", whatever else holds (the reference device needs
    a transferred impedance first); ``errors`` lists only broken rules."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "safe": self.safe,
            "needs_impedance": self.needs_impedance,
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


SHANNON_RULE = "Shannon (1992) k limit"
DENSITY_RULE = "30 µC/cm² convention (McCreery 1990)"
NEEDS_IMPEDANCE = (
    "impedance not measured: the reference device needs a transferred impedance before "
    "other stimulation parameters can be set (Axium clinician manual, Stim workspace, "
    "Impedance); output compliance (4.6 V) and the delivered charge are unknown"
)


def delivered_uA(*, amplitude_uA: float, impedance_ohm: float | None) -> float:
    """The amplitude actually delivered: the programmed one, capped by the 4.6 V output
    compliance at the lead's impedance (Axium clinician manual, Appendix II: "Maximum
    stimulation output has been reached (4.6V)"). Unknown impedance: the programmed one."""
    if impedance_ohm is None or not math.isfinite(impedance_ohm) or impedance_ohm <= 0:
        return amplitude_uA
    cap = uA_from_V_ohm(voltage_V=float(limit("compliance_V")), resistance_ohm=impedance_ohm)
    return min(amplitude_uA, cap)


def _charge_problems(charges: Sequence[ContactCharge]) -> tuple[list[str], list[str]]:
    """(errors, warnings): at or above Shannon's k the program is refused; above the
    30 µC/cm² convention with k below the limit it is allowed with a warning naming why."""
    k_max, d_max = charge_limits()
    problems: list[str] = []
    warnings: list[str] = []
    for c in charges:
        # Named as the programmer labels it (E1–E4), with the JSON index beside it.
        where = f"contact {contact_label(c.index)} (index {c.index}, {c.polarity.name.lower()})"
        figures = (
            f"Q = {c.charge_uC:.3g} µC, D = {c.charge_density_uC_per_cm2:.3g} µC/cm², "
            f"k = {c.shannon_k:.2f}"
        )
        if c.shannon_k >= k_max:
            problems.append(
                f"{where}: {figures}; refused by the {SHANNON_RULE}: k must stay below "
                f"{k_max} (tissue damage seen at k >= {k_max})"
            )
        elif c.charge_density_uC_per_cm2 > d_max:
            warnings.append(
                f"{where}: {figures}; above the {DENSITY_RULE} of {d_max:g} µC/cm² per "
                f"phase, allowed because k is below the {SHANNON_RULE} of {k_max}: the "
                "30 µC/cm² figure is a convention from larger electrodes (deep-brain "
                "stimulation labelling), not a damage threshold measured for this contact"
            )
    return problems, warnings


def _impedance_problems(
    amplitude_uA: float, impedance_ohm: float | None
) -> tuple[list[str], list[str], float | None]:
    """(errors, warnings, compliance voltage) for a measured impedance."""
    if impedance_ohm is None:
        return [], [NEEDS_IMPEDANCE], None
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
    if volts > limit("compliance_V") + 1e-9:
        capped = delivered_uA(amplitude_uA=amplitude_uA, impedance_ohm=impedance_ohm)
        return (
            [
                f"{MAXIMUM_OUTPUT_REACHED}: {amplitude_uA:g} µA × {impedance_ohm:g} Ω = "
                f"{volts:.2f} V exceeds the {limit('compliance_V')} V compliance; the device "
                f"would deliver only {capped:.0f} µA"
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
    warnings: list[str] = []
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
            amplitude_uA=delivered_uA(amplitude_uA=amplitude_uA, impedance_ohm=impedance_ohm),
            pulse_width_us=pulse_width_us,
            polarities=polarities,
            lead_model=lead_model,
            current_fractions=current_fractions,
        )
        charge_errors, charge_warnings = _charge_problems(charges)
        errors += charge_errors
        warnings += charge_warnings
    imp_errors, imp_warnings, volts = _impedance_problems(amplitude_uA, impedance_ohm)
    errors += imp_errors
    warnings += imp_warnings
    program = {
        "amplitude_uA": amplitude_uA,
        "pulse_width_us": pulse_width_us,
        "frequency_Hz": frequency_Hz,
        "contacts": "".join(p.value for p in polarities),
        "impedance_ohm": impedance_ohm,
        "lead_model": lead_model.name,
    }
    measured = impedance_ohm is not None
    return SafetyReport(not errors and measured, errors, warnings, charges, volts, program,
                        needs_impedance=not measured)  # fmt: skip

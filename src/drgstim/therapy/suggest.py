"""Suggest levels, lead placement and a program for a pain map, ranked.

Candidate levels: for each lateral side of the pain map, the levels (with a DRG model)
whose dermatome reaches the painful regions, strongest atlas weight first
(``MAX_LEVELS_PER_SIDE``). Each candidate lead is placed over its ganglion at the
nominal placement (or where it is already implanted), tried with every bipolar pair of
adjacent contacts (``CONFIGURATIONS``) at the device's default pulse width, and, because
one threshold per neuron serves every amplitude, scored at every amplitude of the device
grid that passes the device check at the lead's impedance (compliance included) and at
which coverage can change (the first safe amplitude at or above a neuron's threshold).
A program's score is

    pain_covered_fraction − OFF_TARGET_WEIGHT × off_target_fraction
    − ADELTA_WEIGHT × Aδ fraction − C_WEIGHT × C fraction

and the lowest amplitude within ``SCORE_TOLERANCE`` of the best is kept (longer battery
life). Single leads and pairs of leads on one side (≤ the device's 4 leads) are ranked by
score, then by longevity (:func:`drgstim.device.estimate_longevity`).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from drgstim.anatomy import PainMap, Side, SpinalLevel, dermatome_weights, drg_size_levels
from drgstim.device import (
    LeadLoad,
    check_program,
    default_impedance_ohm,
    device_limit,
    estimate_longevity,
    grid,
)
from drgstim.errors import InputError
from drgstim.therapy.coverage import LeadProgram, PlacedLead, coverage, place
from drgstim.therapy.field import Medium
from drgstim.therapy.placement import Placement

__all__ = [
    "CONFIGURATIONS",
    "ImplantedLead",
    "Suggestion",
    "amplitude_sweep",
    "candidate_levels",
    "safe_amplitudes_uA",
    "suggest",
]

CONFIGURATIONS = ("-+00", "+-00", "0-+0", "0+-0", "00-+", "00+-")
MAX_LEVELS_PER_SIDE = 2
OFF_TARGET_WEIGHT = 0.3
ADELTA_WEIGHT = 1.0
C_WEIGHT = 5.0
SCORE_TOLERANCE = 0.01
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class ImplantedLead:
    """A lead already in place, with its measured impedance."""

    placement: Placement
    impedance_ohm: float | None = None


@dataclass
class Suggestion:
    leads: list[tuple[Placement, LeadProgram]]
    pain_covered_fraction: float
    off_target_fraction: float
    adelta_c_activation: dict[str, float]
    score: float
    longevity_years: float

    def as_json(self) -> dict[str, Any]:
        """One entry of ``drgstim therapy suggest --json``'s ``suggestions``."""
        return {
            "leads": [
                {
                    "level": p.level.value,
                    "side": p.side.value,
                    **prog.to_dict(),
                    "placement": p.to_dict(),
                }
                for p, prog in self.leads
            ],
            "pain_covered_fraction": self.pain_covered_fraction,
            "off_target_fraction": self.off_target_fraction,
            "adelta_c_activation": self.adelta_c_activation,
            "score": self.score,
            "longevity_years": self.longevity_years,
        }


def _impedance(given: float | None) -> float:
    return float(given) if given is not None else default_impedance_ohm()


def safe_amplitudes_uA(
    contacts: str, *, pulse_width_us: int, frequency_Hz: int, impedance_ohm: float | None
) -> list[int]:
    """Every grid amplitude > 0 that passes the device check at the impedance.

    Charge and compliance only grow with amplitude, so the safe amplitudes are a prefix of
    the grid; its end is found by bisection (about 8 device checks).
    """
    amps = [a for a in grid("amplitude_uA").values() if a > 0]
    impedance = _impedance(impedance_ohm)

    def safe(a: int) -> bool:
        return check_program(
            amplitude_uA=a,
            pulse_width_us=pulse_width_us,
            frequency_Hz=frequency_Hz,
            contacts=contacts,
            impedance_ohm=impedance,
        ).safe

    lo, hi = 0, len(amps)  # amps[:lo] safe, amps[hi:] unsafe
    while lo < hi:
        mid = (lo + hi) // 2
        if safe(amps[mid]):
            lo = mid + 1
        else:
            hi = mid
    return amps[:lo]


def candidate_levels(pain: PainMap) -> dict[Side, list[SpinalLevel]]:
    """Per lateral side, the levels with a DRG model reaching the pain, strongest first."""
    modelled = set(drg_size_levels())
    scores: dict[Side, dict[SpinalLevel, float]] = {}
    for e in pain.painful:
        for side in e.side.lateral:
            for level, w in dermatome_weights(e.region).items():
                if level in modelled:
                    table = scores.setdefault(side, {})
                    table[level] = table.get(level, 0.0) + w * e.intensity
    return {
        side: sorted(t, key=lambda lv: (-t[lv], lv.order))[:MAX_LEVELS_PER_SIDE]
        for side, t in scores.items()
    }


def _score(cov_covered: float, off: float, ad: float, c: float) -> float:
    return cov_covered - OFF_TARGET_WEIGHT * off - ADELTA_WEIGHT * ad - C_WEIGHT * c


def _breakpoints(
    lead: PlacedLead, contacts: str, pulse_width_us: int, amps: list[int], progress: Progress | None
) -> list[int]:
    """The safe grid amplitudes at which coverage can change: for each neuron, the first
    safe amplitude at or above its threshold (coverage is constant in between). One
    threshold search per configuration serves them all."""
    if not amps:
        return []
    probe = LeadProgram(
        contacts=contacts, amplitude_uA=amps[0], pulse_width_us=pulse_width_us, frequency_Hz=20
    )
    thr = lead.engine.thresholds_uA(
        probe.weights(lead.placement), pulse_width_us, progress=progress
    )
    grid_amps = np.asarray(amps)
    idx = np.searchsorted(grid_amps, thr[np.isfinite(thr)], side="left")
    return sorted({amps[0], *(int(grid_amps[i]) for i in idx if i < len(amps))})


def _best_program(
    lead: PlacedLead,
    pain: PainMap,
    impedance_ohm: float | None,
    pulse_width_us: int,
    frequency_Hz: int,
    progress: Progress | None,
) -> tuple[LeadProgram, float] | None:
    best: tuple[LeadProgram, float] | None = None
    for contacts in CONFIGURATIONS:
        amps = safe_amplitudes_uA(
            contacts,
            pulse_width_us=pulse_width_us,
            frequency_Hz=frequency_Hz,
            impedance_ohm=impedance_ohm,
        )
        scored = []
        for a in _breakpoints(lead, contacts, pulse_width_us, amps, progress):
            prog = LeadProgram(
                contacts=contacts,
                amplitude_uA=a,
                pulse_width_us=pulse_width_us,
                frequency_Hz=frequency_Hz,
                impedance_ohm=_impedance(impedance_ohm),
            )
            cov = coverage([(lead, prog)], pain=pain, progress=progress)
            s = _score(
                cov.pain_covered_fraction or 0.0,
                cov.off_target_fraction or 0.0,
                cov.adelta_c_activation["adelta"],
                cov.adelta_c_activation["c"],
            )
            scored.append((s, prog))
        if not scored:
            continue
        top = max(s for s, _ in scored)
        chosen = next(p for s, p in scored if s >= top - SCORE_TOLERANCE)
        if best is None or top > best[1]:
            best = (chosen, top)
    return best


def suggest(
    pain: PainMap,
    *,
    implanted: Sequence[ImplantedLead] = (),
    impedance_ohm: float | None = None,
    n_neurons: int = 200,
    seed: int = 1,
    medium: Medium | str = Medium.HOMOGENEOUS,
    pulse_width_us: int | None = None,
    frequency_Hz: int | None = None,
    limit: int = 5,
    progress: Progress | None = None,
) -> list[Suggestion]:
    """Ranked suggestions (best first); every program passes the device check."""
    if not pain.painful:
        raise InputError("region", [], "one or more painful regions, e.g. knee:left:7")
    pw = pulse_width_us or grid("pulse_width_us").default
    freq = frequency_Hz or grid("frequency_Hz").default
    leads: dict[Side, list[tuple[PlacedLead, float | None]]] = {}
    if implanted:
        for imp in implanted:
            pl = place(imp.placement, n_neurons=n_neurons, seed=seed, medium=medium)
            leads.setdefault(imp.placement.side, []).append((pl, imp.impedance_ohm))
    else:
        for side, levels in candidate_levels(pain).items():
            for level in levels:
                pl = place(
                    Placement(level=level, side=side), n_neurons=n_neurons, seed=seed, medium=medium
                )
                leads.setdefault(side, []).append((pl, impedance_ohm))
    best: list[tuple[PlacedLead, LeadProgram]] = []
    for side_leads in leads.values():
        for pl, lead_impedance in side_leads:
            found = _best_program(pl, pain, lead_impedance, pw, freq, progress)
            if found is not None:
                best.append((pl, found[0]))
    return _rank(best, pain, limit=limit, all_implanted=bool(implanted))


def _rank(
    best: list[tuple[PlacedLead, LeadProgram]], pain: PainMap, *, limit: int, all_implanted: bool
) -> list[Suggestion]:
    max_leads = int(device_limit("max_leads"))
    combos: list[tuple[tuple[PlacedLead, LeadProgram], ...]] = []
    if all_implanted:
        combos.append(tuple(best))
    else:
        for k in range(1, min(max_leads, len(best)) + 1):
            combos += list(itertools.combinations(best, k))
    out = []
    for combo in combos:
        cov = coverage(list(combo), pain=pain)
        ad, c = cov.adelta_c_activation["adelta"], cov.adelta_c_activation["c"]
        years = estimate_longevity(
            [
                LeadLoad(p.amplitude_uA, p.pulse_width_us, p.frequency_Hz, p.impedance_ohm)
                for _, p in combo
            ]
        ).years
        out.append(
            Suggestion(
                leads=[(pl.placement, p) for pl, p in combo],
                pain_covered_fraction=cov.pain_covered_fraction or 0.0,
                off_target_fraction=cov.off_target_fraction or 0.0,
                adelta_c_activation=cov.adelta_c_activation,
                score=_score(
                    cov.pain_covered_fraction or 0.0, cov.off_target_fraction or 0.0, ad, c
                )
                - 0.02 * (len(combo) - 1),
                longevity_years=years,
            )
        )
    out.sort(key=lambda s: (-round(s.score, 6), -s.longevity_years))
    return out[:limit] if limit > 0 else out


def amplitude_sweep(
    lead: PlacedLead, program: LeadProgram, amplitudes_uA: Sequence[int], *, pain: PainMap | None
) -> list[dict[str, Any]]:
    """Coverage at each amplitude from one threshold search (the sweep costs no solve)."""
    out = []
    for a in amplitudes_uA:
        prog = LeadProgram(
            contacts=program.contacts,
            amplitude_uA=int(a),
            pulse_width_us=program.pulse_width_us,
            frequency_Hz=program.frequency_Hz,
            impedance_ohm=program.impedance_ohm,
            current_fractions=program.current_fractions,
        )
        out.append({"amplitude_uA": int(a), **coverage([(lead, prog)], pain=pain).as_json()})
    return out

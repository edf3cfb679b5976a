"""Coverage: what a placed lead and its program activate, per body region and fibre class.

For each lead, its level's population (:mod:`drgstim.therapy.population`) gets one
threshold per neuron for the program's configuration and pulse width
(:class:`~drgstim.therapy.thresholds.ThresholdEngine`, cached); a neuron is activated at
amplitude A when its threshold is ≤ A, and, when the block check is asked for, its spike
still reaches the central end at A (otherwise it is *blocked*).

Per region and side, a class's activated fraction is the share of the region's afferents
of that class that are activated: Σ over the leads' levels of the level's atlas weight in
the region × the activated fraction of that level's neurons with a receptive field there
(levels without a lead contribute nothing). Painful-area coverage counts Aβ (paresthesia):

- ``pain_covered_fraction`` = Σ intensity × Aβ fraction over the painful regions / Σ
  intensity (bilateral and midline entries count each lateral side at half weight);
- ``off_target_fraction`` = Aβ activation outside the painful regions / all Aβ activation
  (0 when nothing is activated);
- ``adelta_c_activation``: the fraction of all simulated Aδ and of all C neurons activated
  (the risk of uncomfortable stimulation).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from drgstim.anatomy import PainMap, Region, Side, dermatome_weights
from drgstim.biophysics.drg.geometry import DrgType
from drgstim.device import check_program
from drgstim.errors import InputError
from drgstim.therapy.field import Medium, contact_weights, unit_fields
from drgstim.therapy.placement import Placement
from drgstim.therapy.population import LevelPopulation, Somatotopy, level_population
from drgstim.therapy.thresholds import ThresholdEngine

__all__ = ["CLASSES", "Coverage", "LeadProgram", "PlacedLead", "coverage", "place"]

CLASSES = tuple(t.value for t in DrgType)  # ("abeta", "adelta", "c")
Progress = Callable[[int, int], None]


@dataclass(frozen=True, kw_only=True)
class LeadProgram:
    """One lead's program (device units)."""

    contacts: str
    amplitude_uA: int
    pulse_width_us: int
    frequency_Hz: int
    impedance_ohm: float | None = None
    current_fractions: tuple[float, ...] | None = None

    def check(self, placement: Placement, *, index: int = 0) -> None:
        """:class:`InputError` naming the refusals if the device refuses this program.

        Without an impedance the device check can never say "safe" (compliance is unknown);
        a prediction then needs every other rule to hold, and the coverage says it was made
        without the compliance check (``impedance_ohm`` null)."""
        report = check_program(
            amplitude_uA=self.amplitude_uA,
            pulse_width_us=self.pulse_width_us,
            frequency_Hz=self.frequency_Hz,
            contacts=self.contacts,
            impedance_ohm=self.impedance_ohm,
            lead_model=placement.lead,
            current_fractions=self.current_fractions,
        )
        if report.errors:
            raise InputError(
                f"leads[{index}].program",
                self.to_dict(),
                "a program that passes `drgstim device check`",
                reason="; ".join(report.errors),
            )

    def weights(self, placement: Placement) -> tuple[float, ...]:
        return contact_weights(
            self.contacts,
            current_fractions=self.current_fractions,
            contact_count=placement.lead.contact_count,
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "contacts": self.contacts,
            "amplitude_uA": self.amplitude_uA,
            "pulse_width_us": self.pulse_width_us,
            "frequency_Hz": self.frequency_Hz,
            "impedance_ohm": self.impedance_ohm,
        }


@dataclass
class PlacedLead:
    """A placement with its population and threshold engine (reuse it across programs)."""

    placement: Placement
    population: LevelPopulation
    engine: ThresholdEngine


def place(
    placement: Placement,
    *,
    n_neurons: int | None = None,
    seed: int = 1,
    medium: Medium | str = Medium.HOMOGENEOUS,
    somatotopy: Somatotopy | str | None = None,
) -> PlacedLead:
    """Population and unit fields for one placement (computed once, reused per program)."""
    pop = level_population(placement, n_neurons=n_neurons, seed=seed, somatotopy=somatotopy)
    return PlacedLead(placement, pop, ThresholdEngine(pop, unit_fields(placement, medium)))


@dataclass
class Coverage:
    """Per (region, side) and class: activated and blocked fractions; the summary figures."""

    regions: list[dict[str, Any]]
    pain_covered_fraction: float | None
    off_target_fraction: float | None
    adelta_c_activation: dict[str, float]
    block_checked: bool
    leads: list[dict[str, Any]] = field(default_factory=list)

    def abeta(self, region: Region | str, side: Side | str) -> float:
        """The Aβ activated fraction of one region and side (0 if not reached)."""
        for r in self.regions:
            if r["region"] == Region(region).value and r["side"] == Side(side).value:
                return float(r["activated"]["abeta"])
        return 0.0

    def as_json(self) -> dict[str, Any]:
        """The JSON contract of ``drgstim therapy coverage --json``."""
        return {
            "regions": self.regions,
            "pain_covered_fraction": self.pain_covered_fraction,
            "off_target_fraction": self.off_target_fraction,
            "adelta_c_activation": self.adelta_c_activation,
            "block_checked": self.block_checked,
            "leads": self.leads,
        }


def _lead_fractions(
    lead: PlacedLead, active: npt.NDArray[np.bool_], blocked: npt.NDArray[np.bool_] | None
) -> dict[tuple[Region, str], tuple[float, float | None]]:
    """(region, class) → (activated fraction, blocked fraction) within this level, each
    neuron counted by its receptive-field share of the region."""
    types = np.array([t.value for t in lead.population.population.types])
    member = lead.population.membership
    out: dict[tuple[Region, str], tuple[float, float | None]] = {}
    for j, region in enumerate(lead.population.region_names):
        for cls in CLASSES:
            weight = member[:, j] * (types == cls)
            total = float(weight.sum())
            if total <= 0.0:
                continue
            act = float(weight[active].sum()) / total
            blk = None if blocked is None else float(weight[blocked].sum()) / total
            out[(region, cls)] = (act, blk)
    return out


def _pain_figures(
    table: dict[tuple[str, str], dict[str, Any]], pain: PainMap | None
) -> tuple[float | None, float | None]:
    if pain is None or not pain.painful:
        return None, None
    weights: dict[tuple[str, str], float] = {}
    for e in pain.painful:
        sides = e.side.lateral
        for s in sides:
            key = (e.region.value, s.value)
            weights[key] = weights.get(key, 0.0) + e.intensity / len(sides)

    def abeta(key: tuple[str, str]) -> float:
        return float(table[key]["activated"]["abeta"]) if key in table else 0.0

    covered = sum(w * abeta(k) for k, w in weights.items()) / sum(weights.values())
    total = sum(abeta(k) for k in table)
    off = sum(abeta(k) for k in table if k not in weights)
    return covered, (off / total if total > 0 else 0.0)


def coverage(
    leads: Sequence[tuple[PlacedLead, LeadProgram]],
    *,
    pain: PainMap | None = None,
    check_block: bool = False,
    progress: Progress | None = None,
) -> Coverage:
    """Coverage of one program per placed lead (thresholds cached per configuration)."""
    for i, (pl, prog) in enumerate(leads):
        prog.check(pl.placement, index=i)
    table: dict[tuple[str, str], dict[str, Any]] = {}
    totals = {c: [0, 0] for c in CLASSES}
    lead_out = []
    for pl, prog in leads:
        w = prog.weights(pl.placement)
        thr = pl.engine.thresholds_uA(w, prog.pulse_width_us, progress=progress)
        reached = thr <= prog.amplitude_uA
        blocked = (
            pl.engine.blocked(w, prog.pulse_width_us, prog.amplitude_uA, thr)
            if check_block
            else None
        )
        active = reached & ~blocked if blocked is not None else reached
        types = [t.value for t in pl.population.population.types]
        for cls in CLASSES:
            sel = np.array([t == cls for t in types])
            totals[cls][0] += int(np.count_nonzero(active & sel))
            totals[cls][1] += int(np.count_nonzero(sel))
        _accumulate(table, pl, _lead_fractions(pl, active, blocked))
        lead_out.append(
            {
                "placement": pl.placement.to_dict(),
                "program": prog.to_dict(),
                "neurons": len(pl.population),
                "seed": pl.population.population.seed,
                "population_hash": pl.population.input_hash,
                "threshold_key": pl.engine.key(w, prog.pulse_width_us),
            }
        )
    covered, off = _pain_figures(table, pain)
    return Coverage(
        regions=[table[k] for k in sorted(table)],
        pain_covered_fraction=covered,
        off_target_fraction=off,
        adelta_c_activation={
            c: (totals[c][0] / totals[c][1] if totals[c][1] else 0.0) for c in ("adelta", "c")
        },
        block_checked=check_block,
        leads=lead_out,
    )


def _accumulate(
    table: dict[tuple[str, str], dict[str, Any]],
    lead: PlacedLead,
    fractions: dict[tuple[Region, str], tuple[float, float | None]],
) -> None:
    side = lead.placement.side.value
    level = lead.placement.level
    for (region, cls), (act, blk) in fractions.items():
        w = dermatome_weights(region).get(level, 0.0)
        key = (region.value, side)
        row = table.setdefault(
            key,
            {
                "region": region.value,
                "side": side,
                "activated": dict.fromkeys(CLASSES, 0.0),
                "blocked": dict.fromkeys(CLASSES, 0.0 if blk is not None else None),
                "levels": [],
            },
        )
        row["activated"][cls] = min(1.0, row["activated"][cls] + w * act)
        if blk is not None:
            row["blocked"][cls] = min(1.0, (row["blocked"][cls] or 0.0) + w * blk)
        if level.value not in row["levels"]:
            row["levels"].append(level.value)

"""DRG target planning: which (level, side) ganglia match a pain map, and a lead plan.

Each candidate (level, side) scores Σ dermatome weight × intensity over the painful
regions on that side (``drgstim.anatomy.dermatome_weights``). Leads are then chosen
greedily: each next lead is the candidate adding the most intensity-weighted coverage to
regions not yet covered, until every painful region is covered or ``max_leads`` is
reached. A lead only counts for a region where its level holds at least
``MIN_COVER_WEIGHT`` of the region. A region counts as covered once its leads' levels hold
at least ``COVERAGE_TARGET`` of its dermatome weight or ``LEVELS_PER_REGION`` leads reach
it, which gives 1–2 levels per region, as DRG practice uses (Deer et al. 2019, NACC DRG
best practices). Every painful region's rule (its atlas weights, the leads that follow
from them, and the atlas sources) is listed in ``TargetPlan.rules``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from drgstim.anatomy import (
    LABELLED_RANGE,
    PainMap,
    Region,
    Side,
    SpinalLevel,
    dermatome_weights,
    region_sources,
)
from drgstim.device._data import limit
from drgstim.errors import InputError

__all__ = [
    "COVERAGE_TARGET",
    "LEVELS_PER_REGION",
    "MAX_LEADS",
    "MIN_COVER_WEIGHT",
    "Lead",
    "Target",
    "TargetPlan",
    "plan_targets",
]


MAX_LEADS = int(limit("max_leads"))
"""Most leads the reference device has (4; read from ``data/device/device.json``)."""
COVERAGE_TARGET = 0.5
"""Share of a region's dermatome weight its leads must reach to call it covered (project
choice: the primary level of most regions, or its two best levels, clear it)."""
MIN_COVER_WEIGHT = 0.2
"""A lead covers a region when its level holds at least this weight there."""
LEVELS_PER_REGION = 2
"""Usually 1–2 levels per region (Deer et al. 2019, NACC DRG best practices): two leads
cover a region."""

Site = tuple[Region, Side]


@dataclass(frozen=True, slots=True)
class Target:
    level: SpinalLevel
    side: Side
    score: float
    regions: tuple[Region, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"level": self.level.value, "side": self.side.value, "score": self.score,
                "regions": [r.value for r in self.regions]}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Lead:
    level: SpinalLevel
    side: Side
    covers: tuple[Region, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"level": self.level.value, "side": self.side.value,
                "covers": [r.value for r in self.covers]}  # fmt: skip


@dataclass(frozen=True, slots=True)
class TargetPlan:
    targets: tuple[Target, ...]
    leads: tuple[Lead, ...]
    uncovered: tuple[Site, ...]
    warnings: tuple[str, ...]
    rules: tuple[dict[str, str], ...] = ()
    """Per painful region: the atlas rule that placed its leads (id, reason, action, source)."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "targets": [t.to_dict() for t in self.targets],
            "leads": [lead.to_dict() for lead in self.leads],
            "uncovered": [{"region": r.value, "side": s.value} for r, s in self.uncovered],
            "warnings": list(self.warnings),
            "rules": [dict(r) for r in self.rules],
        }


def _rules(pain_map: PainMap, leads: list[Lead]) -> tuple[dict[str, str], ...]:
    out = []
    for region in sorted(pain_map.regions):
        weights = ", ".join(f"{lvl.value} {w:.2f}" for lvl, w in dermatome_weights(region).items())
        placed = [
            f"{lead.level.value} {lead.side.value}" for lead in leads if region in lead.covers
        ]
        out.append({
            "id": f"dermatome_atlas.{region.value}",
            "reason": f"{region.label}: dermatome weights {weights}",
            "action": "leads at " + ", ".join(placed) if placed else "no lead within the cap",
            "source": "; ".join(region_sources(region)),
        })  # fmt: skip
    return tuple(out)


def _intensities(pain_map: PainMap) -> dict[Site, float]:
    out: dict[Site, float] = {}
    for entry in pain_map.painful:
        for side in entry.side.lateral:
            out[(entry.region, side)] = max(out.get((entry.region, side), 0.0), entry.intensity)
    return out


def _rank(sites: dict[Site, float]) -> list[Target]:
    scores: dict[tuple[SpinalLevel, Side], float] = {}
    regions: dict[tuple[SpinalLevel, Side], list[Region]] = {}
    for (region, side), intensity in sites.items():
        for level, weight in dermatome_weights(region).items():
            key = (level, side)
            scores[key] = scores.get(key, 0.0) + weight * intensity
            regions.setdefault(key, []).append(region)
    order = sorted(scores, key=lambda k: (-round(scores[k], 9), k[0].order, k[1].value))
    return [Target(lvl, side, round(scores[(lvl, side)], 3), tuple(regions[(lvl, side)]))
            for lvl, side in order]  # fmt: skip


class _Coverage:
    """How much of each painful site the chosen leads hold, and how many leads reach it."""

    def __init__(self, sites: dict[Site, float]) -> None:
        self.sites = sites
        self.weight = dict.fromkeys(sites, 0.0)
        self.leads = dict.fromkeys(sites, 0)

    def covered(self, site: Site) -> bool:
        enough = self.weight[site] >= COVERAGE_TARGET - 1e-9
        return enough or self.leads[site] >= LEVELS_PER_REGION

    def reached(self, target: Target) -> list[Site]:
        """Painful sites this target's level reaches with at least MIN_COVER_WEIGHT."""
        return [
            (region, target.side)
            for region in target.regions
            if dermatome_weights(region)[target.level] >= MIN_COVER_WEIGHT
        ]

    def gain(self, target: Target) -> tuple[float, float]:
        """(intensity-weighted, unweighted) coverage this target adds. The second breaks
        ties and keeps a lead useful when intensities are so small that the first
        underflows to 0."""
        weighted = unweighted = 0.0
        for site in self.reached(target):
            if not self.covered(site):
                need = COVERAGE_TARGET - self.weight[site]
                added = max(min(dermatome_weights(site[0])[target.level], need), 0.0)
                weighted += self.sites[site] * added
                unweighted += added
        return weighted, unweighted

    def add(self, target: Target) -> None:
        for site in self.reached(target):
            self.weight[site] += dermatome_weights(site[0])[target.level]
            self.leads[site] += 1


def _choose(targets: list[Target], coverage: _Coverage, max_leads: int) -> list[Target]:
    chosen: list[Target] = []
    while len(chosen) < max_leads:
        pool = [t for t in targets if t not in chosen]
        best = max(pool, key=coverage.gain, default=None)
        if best is None or coverage.gain(best)[1] <= 0:
            break
        chosen.append(best)
        coverage.add(best)
    return chosen


def _warnings(leads: list[Lead], uncovered: list[Site], max_leads: int) -> list[str]:
    first, last = LABELLED_RANGE
    out = [
        f"lead at {lead.level.value} {lead.side.value} is outside the reference device's "
        f"labelled range {first.value}–{last.value}"
        for lead in leads
        if not first <= lead.level <= last
    ]
    if uncovered and len(leads) == max_leads:
        out.append(f"{len(uncovered)} painful region(s) stay uncovered within {max_leads} leads")
    return out


def plan_targets(pain_map: PainMap, *, max_leads: int = MAX_LEADS) -> TargetPlan:
    """Rank (level, side) targets for ``pain_map`` and propose at most ``max_leads`` leads."""
    is_int = isinstance(max_leads, int) and not isinstance(max_leads, bool)
    if not is_int or not 1 <= max_leads <= MAX_LEADS:
        raise InputError("max_leads", max_leads, f"1–{MAX_LEADS}")
    sites = _intensities(pain_map)
    targets = _rank(sites)
    coverage = _Coverage(sites)
    chosen = _choose(targets, coverage, max_leads)
    chosen.sort(key=lambda t: (t.side.value, t.level.order))
    leads = [Lead(t.level, t.side, tuple(r for r, _ in coverage.reached(t))) for t in chosen]
    uncovered = [s for s in sites if not coverage.covered(s)]
    warnings = _warnings(leads, uncovered, max_leads)
    if pain_map.is_widespread():
        warnings.extend(f"widespread pain: {r}" for r in pain_map.widespread_reasons())
    rules = _rules(pain_map, leads)
    return TargetPlan(tuple(targets), tuple(leads), tuple(uncovered), tuple(warnings), rules)

"""Requests in plain data (what the CLI and the API receive) → the therapy JSON contracts.

Every function validates its input at the boundary and raises
:class:`~drgstim.errors.InputError` naming the field, the value and the allowed range
(exit 2 in the CLI, 422 in the API); nothing is computed before the whole request is
valid.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from drgstim.anatomy import PainMap, parse_region_arg
from drgstim.device import grid
from drgstim.errors import InputError
from drgstim.therapy.coverage import LeadProgram, coverage, place
from drgstim.therapy.field import Medium
from drgstim.therapy.placement import Placement, parse_lead
from drgstim.therapy.population import Somatotopy
from drgstim.therapy.suggest import ImplantedLead, amplitude_sweep, suggest

__all__ = [
    "MAX_NEURONS",
    "LeadRequest",
    "coverage_json",
    "pain_map",
    "suggest_json",
    "sweep_json",
]

MAX_NEURONS = 5000
Progress = Callable[[int, int], None]


@dataclass(frozen=True, kw_only=True)
class LeadRequest:
    """One lead as a request gives it: ``lead`` = ``"L4:left"`` plus offsets and program."""

    lead: str
    contacts: str
    amplitude_uA: int
    pulse_width_us: int
    frequency_Hz: int
    impedance_ohm: float | None = None
    along_mm: float = 0.0
    across_mm: float = 0.0
    surface_gap_mm: float | None = None

    def placement(self) -> Placement:
        from drgstim.therapy._data import setting

        level, side = parse_lead(self.lead)
        gap = (
            setting("default_surface_gap_mm")
            if self.surface_gap_mm is None
            else self.surface_gap_mm
        )
        return Placement(
            level=level,
            side=side,
            along_mm=float(self.along_mm),
            across_mm=float(self.across_mm),
            surface_gap_mm=float(gap),
        )

    def program(self) -> LeadProgram:
        return LeadProgram(
            contacts=self.contacts,
            amplitude_uA=int(self.amplitude_uA),
            pulse_width_us=int(self.pulse_width_us),
            frequency_Hz=int(self.frequency_Hz),
            impedance_ohm=self.impedance_ohm,
        )


def pain_map(regions: Sequence[str]) -> PainMap | None:
    """``["knee:left:7", ...]`` → a pain map (None when empty); unknown regions → InputError."""
    return PainMap([parse_region_arg(r) for r in regions]) if regions else None


def _check_neurons(n: int) -> None:
    if not 10 <= n <= MAX_NEURONS:
        raise InputError("neurons", n, f"10–{MAX_NEURONS}")


def _prepare(
    leads: Sequence[LeadRequest], n_neurons: int, seed: int, medium: str, somatotopy: str | None
) -> list[tuple[Any, LeadProgram]]:
    if not leads:
        raise InputError("lead", [], "one or more leads, e.g. L4:left")
    _check_neurons(n_neurons)
    if medium not in {m.value for m in Medium}:
        raise InputError("medium", medium, ", ".join(m.value for m in Medium))
    med = Medium(medium)
    if somatotopy is not None and somatotopy not in {s.value for s in Somatotopy}:
        raise InputError("somatotopy", somatotopy, ", ".join(s.value for s in Somatotopy))
    pairs = [(r.placement(), r.program()) for r in leads]
    for i, (pl, prog) in enumerate(pairs):
        prog.check(pl, index=i)
        prog.weights(pl)
    return [
        (place(pl, n_neurons=n_neurons, seed=seed, medium=med, somatotopy=somatotopy), prog)
        for pl, prog in pairs
    ]


def coverage_json(
    leads: Sequence[LeadRequest],
    *,
    regions: Sequence[str] = (),
    n_neurons: int = 1000,
    seed: int = 1,
    medium: str = "homogeneous",
    somatotopy: str | None = None,
    check_block: bool = False,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """The JSON contract of ``drgstim therapy coverage`` and ``POST /api/therapy/coverage``."""
    pain = pain_map(regions)
    prepared = _prepare(leads, n_neurons, seed, medium, somatotopy)
    start = time.perf_counter()
    result = coverage(prepared, pain=pain, check_block=check_block, progress=progress)
    return {
        **result.as_json(),
        "medium": medium,
        "neurons_per_lead": n_neurons,
        "seed": seed,
        "seconds": round(time.perf_counter() - start, 3),
    }


def sweep_json(
    lead: LeadRequest,
    amplitudes_uA: Sequence[int],
    *,
    regions: Sequence[str] = (),
    n_neurons: int = 1000,
    seed: int = 1,
    medium: str = "homogeneous",
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Coverage at several amplitudes from one threshold search per lead."""
    for a in amplitudes_uA:
        problem = grid("amplitude_uA").problem(a)
        if problem:
            raise InputError("amplitudes_uA", a, grid("amplitude_uA").describe(), reason=problem)
    ((pl, prog),) = _prepare([lead], n_neurons, seed, medium, None)
    pl.engine.thresholds_uA(prog.weights(pl.placement), prog.pulse_width_us, progress=progress)
    return {"sweep": amplitude_sweep(pl, prog, amplitudes_uA, pain=pain_map(regions))}


def suggest_json(
    regions: Sequence[str],
    *,
    implanted: Sequence[Mapping[str, Any]] = (),
    impedance_ohm: float | None = None,
    n_neurons: int = 200,
    seed: int = 1,
    medium: str = "homogeneous",
    limit: int = 5,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """The JSON contract of ``drgstim therapy suggest`` and ``POST /api/therapy/suggest``."""
    pain = pain_map(regions)
    if pain is None:
        raise InputError("region", [], "one or more painful regions, e.g. knee:left:7")
    _check_neurons(n_neurons)
    if medium not in {m.value for m in Medium}:
        raise InputError("medium", medium, ", ".join(m.value for m in Medium))
    placed = []
    for i, item in enumerate(implanted):
        try:
            level, side = parse_lead(str(item["lead"]))
        except KeyError:
            raise InputError(f"implanted[{i}].lead", None, "LEVEL:SIDE, e.g. L4:left") from None
        placed.append(
            ImplantedLead(
                Placement(
                    level=level,
                    side=side,
                    along_mm=float(item.get("along_mm", 0.0)),
                    across_mm=float(item.get("across_mm", 0.0)),
                    surface_gap_mm=float(item.get("surface_gap_mm", 1.0)),
                ),
                item.get("impedance_ohm"),
            )
        )
    start = time.perf_counter()
    found = suggest(
        pain,
        implanted=placed,
        impedance_ohm=impedance_ohm,
        n_neurons=n_neurons,
        seed=seed,
        medium=medium,
        limit=limit,
        progress=progress,
    )
    return {
        "suggestions": [s.as_json() for s in found],
        "neurons_per_lead": n_neurons,
        "seed": seed,
        "seconds": round(time.perf_counter() - start, 3),
    }

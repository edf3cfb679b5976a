"""Figures and numbers of docs/validation.md, "Therapy" (coverage prediction).

    DRGSTIM_CACHE_DIR=/tmp/therapy-figures .venv/bin/python scripts/therapy_figures.py --neurons 100

Writes docs/figures/therapy_*.png and prints the numbers quoted in the text as JSON.
``--fem`` (needs the ``fem`` extra) also computes the validity claims with the
finite-element medium and prints them beside the analytic ones under ``claims``: the L4
lead's four contacts are solved (``0-+0`` claims and the cathode claim, ``+-00`` vs
``00-+``), the L5 lead's E2 and E3 (``0-+0`` only); each contact's unit field once per
placement. ``--fem-only`` skips the figures. ``--fem-h-lead-mm`` sets the element size at
the lead (default: the solver's).
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import numpy.typing as npt

from drgstim.anatomy import Side, SpinalLevel
from drgstim.device import grid
from drgstim.therapy import (
    LeadProgram,
    Medium,
    PlacedLead,
    Placement,
    ThresholdEngine,
    coverage,
    level_population,
    place,
)

OUT = Path(__file__).resolve().parents[1] / "docs" / "figures"


def _program(contacts: str, amplitude_uA: int, pw: int = 300) -> LeadProgram:
    return LeadProgram(
        contacts=contacts, amplitude_uA=amplitude_uA, pulse_width_us=pw, frequency_Hz=20
    )


FOOT = ("foot_top", "foot_bottom", "toes")
OUTSIDE_L4 = ("groin", "abdomen", "thigh_front", "hip", "lower_back", "perineum")


def _fem_lead(
    level: SpinalLevel, neurons: int, h_lead_mm: float | None, contacts: tuple[int, ...]
) -> PlacedLead:
    """A lead whose ``contacts`` (0 = E1) are solved by finite elements, all in one call
    (one matrix and preconditioner, one solve per contact); a program on a contact not
    solved is refused by the engine."""
    from drgstim.therapy.fem import solve_unit_fields

    placement = Placement(level=level, side=Side.LEFT)
    pop = level_population(placement, n_neurons=neurons, seed=1)
    if h_lead_mm is None:
        fields = solve_unit_fields(placement, contacts=contacts)
    else:
        fields = solve_unit_fields(placement, contacts=contacts, h_lead_mm=h_lead_mm)
    fields.medium = Medium.FEM
    return PlacedLead(placement, pop, ThresholdEngine(pop, fields))  # type: ignore[arg-type]


CATHODE_AMPLITUDE_uA = 700
CATHODE_SWEEP_uA = (200, 300, 400, 500, 700, 1000)
SOMA_BINS_MM = (-5.0, -2.5, 0.0, 2.5, 5.0)  # along the root; the outer bins take the rest


def _cathode_sets(lead: PlacedLead, amplitude_uA: float) -> list[npt.NDArray[np.bool_]]:
    """Aβ activated with the cathode on E2 (``+-00``) and on E3 (``00-+``), 300 µs."""
    ab = np.array([t.value == "abeta" for t in lead.population.population.types])
    return [
        ab
        & (lead.engine.thresholds_uA(_program(c, 700).weights(lead.placement), 300) <= amplitude_uA)
        for c in ("+-00", "00-+")
    ]


def cathode_claim(
    lead: PlacedLead, amplitude_uA: float = CATHODE_AMPLITUDE_uA
) -> dict[str, object]:
    """Cathode on E2 (``+-00``) vs on E3 (``00-+``) at ``amplitude_uA``, 300 µs: the
    activated Aβ sets, their overlap (shared / either), their mean soma position along the
    root, and the activated fraction per soma-position bin (the direction of the shift)."""
    ab = np.array([t.value == "abeta" for t in lead.population.population.types])
    xs = lead.population.population.position_um[:, 0] / 1000.0
    bins = np.digitize(xs, SOMA_BINS_MM[1:-1])
    n_bins = len(SOMA_BINS_MM) - 1
    out: dict[str, object] = {"amplitude_uA": amplitude_uA, "abeta": int(ab.sum())}
    sets = _cathode_sets(lead, amplitude_uA)
    for contacts, on in zip(("+-00", "00-+"), sets, strict=True):
        out[f"{contacts}_active_abeta"] = int(on.sum())
        out[f"{contacts}_mean_x_mm"] = round(float(xs[on].mean()), 2) if on.any() else None
        out[f"{contacts}_active_fraction_by_soma_bin"] = [
            round(float(on[ab & (bins == b)].mean()), 2) if (ab & (bins == b)).any() else None
            for b in range(n_bins)
        ]
    out["abeta_per_soma_bin"] = [int((ab & (bins == b)).sum()) for b in range(n_bins)]
    out["cathode_x_mm"] = {
        c: round(float(lead.placement.contact_centres_um()[k, 0] / 1000.0), 2)
        for c, k in (("+-00", 1), ("00-+", 2))
    }
    union, shared = int((sets[0] | sets[1]).sum()), int((sets[0] & sets[1]).sum())
    out["shared_active_abeta"] = shared
    out["overlap"] = round(shared / union, 3) if union else None
    out["sweep"] = {  # amplitude: [E2 count, E3 count, overlap, E2 mean x, E3 mean x]
        a: [
            int(e2.sum()),
            int(e3.sum()),
            round(float((e2 & e3).sum() / (e2 | e3).sum()), 2) if (e2 | e3).any() else None,
            round(float(xs[e2].mean()), 2) if e2.any() else None,
            round(float(xs[e3].mean()), 2) if e3.any() else None,
        ]
        for a in CATHODE_SWEEP_uA
        for e2, e3 in [_cathode_sets(lead, a)]
    }
    return out


def equal_recruitment_uA(lead: PlacedLead, reference: PlacedLead) -> int:
    """The lowest device amplitude at which ``lead``'s two cathode programs together
    activate at least as many Aβ as ``reference``'s do at 700 µA (the cathode claim at
    the same recruitment rather than the same current, for a medium with lower
    thresholds)."""
    target = sum(int(s.sum()) for s in _cathode_sets(reference, CATHODE_AMPLITUDE_uA))
    for amplitude in grid("amplitude_uA").values():
        if sum(int(s.sum()) for s in _cathode_sets(lead, amplitude)) >= target:
            return int(amplitude)
    return int(grid("amplitude_uA").maximum)


def claims(l4: PlacedLead, l5: PlacedLead) -> dict[str, object]:
    """The validity claims: class order and clinical amplitudes (L4, ``0-+0``), level
    following (L4 vs L5 at 1000 µA), focality (L4 at 1500 µA), and the cathode claim
    (L4, :func:`cathode_claim`)."""
    out: dict[str, object] = {}
    types = np.array([t.value for t in l4.population.population.types])
    for pw in (300, 200):
        thr = l4.engine.thresholds_uA(_program("0-+0", 800).weights(l4.placement), pw)
        for cls in ("abeta", "adelta", "c"):
            t = thr[types == cls]
            below = float(np.isfinite(t).mean())  # inf: above the device maximum
            capped = np.minimum(t, 1e12)
            for name, q in (("min", 0.0), ("p10", 10.0), ("median", 50.0)):
                value = float(np.percentile(capped, q)) if below > q / 100.0 + 0.05 else None
                out[f"{cls}_{pw}us_{name}_uA"] = value
            out[f"{cls}_{pw}us_at_1500uA"] = float((t <= 1500).mean())
    for lv, lead in (("L4", l4), ("L5", l5)):
        c = coverage([(lead, _program("0-+0", 1000))])
        out[f"{lv}_abeta_1000uA"] = {
            r: round(c.abeta(r, "left"), 3) for r in ("knee", "lower_leg_front", "ankle", *FOOT)
        }
    c = coverage([(l4, _program("0-+0", 1500))])
    reached = sorted({r["region"] for r in c.regions if r["activated"]["abeta"] > 0})
    out["L4_reached_1500uA"] = reached
    out["L4_reached_outside_dermatome_1500uA"] = sorted(set(reached) & set(OUTSIDE_L4))
    out["L4_cathode_700uA"] = cathode_claim(l4)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--neurons", type=int, default=100)
    parser.add_argument("--fem", action="store_true", help="also the FEM claims")
    parser.add_argument("--fem-only", action="store_true", help="the claims only, no figures")
    parser.add_argument("--fem-h-lead-mm", type=float, default=None)
    args = parser.parse_args()
    began = time.perf_counter()
    OUT.mkdir(parents=True, exist_ok=True)
    l4 = place(Placement(level=SpinalLevel.L4, side=Side.LEFT), n_neurons=args.neurons, seed=1)
    l5 = place(Placement(level=SpinalLevel.L5, side=Side.LEFT), n_neurons=args.neurons, seed=1)
    numbers: dict[str, object] = {"neurons": args.neurons}
    if args.fem or args.fem_only:
        table: dict[str, object] = {"analytic": claims(l4, l5)}
        start = time.perf_counter()
        f4 = _fem_lead(SpinalLevel.L4, args.neurons, args.fem_h_lead_mm, (0, 1, 2, 3))
        l4_solved = time.perf_counter() - start
        f5 = _fem_lead(SpinalLevel.L5, args.neurons, args.fem_h_lead_mm, (1, 2))
        solved = time.perf_counter() - start
        fem = claims(f4, f5)
        fem["L4_cathode_equal_recruitment"] = cathode_claim(f4, equal_recruitment_uA(f4, l4))
        table["fem"] = fem
        table["fem_mesh"] = f4.engine.fields.mesh  # type: ignore[attr-defined]
        table["fem_unknowns"] = f4.engine.fields.dofs  # type: ignore[attr-defined]
        table["fem_solve_s_L4_four_contacts"] = round(l4_solved, 1)
        table["fem_solve_s_L5_two_contacts"] = round(solved - l4_solved, 1)
        table["fem_total_s"] = round(time.perf_counter() - start, 1)
        numbers["claims"] = table
        if args.fem_only:
            numbers["run_s"] = round(time.perf_counter() - began, 1)
            print(json.dumps(numbers, indent=1))
            return
    types = np.array([t.value for t in l4.population.population.types])
    amps = np.arange(0, 3001, 25)
    fig, ax = plt.subplots(figsize=(5.5, 3.5))
    for pw, style in ((300, "-"), (200, "--")):
        thr = l4.engine.thresholds_uA(_program("0-+0", 800).weights(l4.placement), pw)
        for cls, colour in (("abeta", "C0"), ("adelta", "C1"), ("c", "C3")):
            t = thr[types == cls]
            ax.plot(
                amps, [(t <= a).mean() for a in amps], style, color=colour, label=f"{cls} {pw} µs"
            )
            numbers[f"{cls}_{pw}us_p10_uA"] = float(np.percentile(t, 10))
            numbers[f"{cls}_{pw}us_median_uA"] = float(np.median(t))
            numbers[f"{cls}_{pw}us_at_1500uA"] = float((t <= 1500).mean())
    ax.axvspan(300, 1500, color="0.9", zorder=0, label="clinical range")
    ax.set(xlabel="program amplitude (µA), L4 lead 0-+0", ylabel="fraction activated")
    ax.legend(fontsize=7, ncol=2)
    fig.tight_layout()
    fig.savefig(OUT / "therapy_recruitment.png", dpi=120)
    plt.close(fig)

    regions: list[str] = []
    cov = {lv: coverage([(lead, _program("0-+0", 1000))]) for lv, lead in (("L4", l4), ("L5", l5))}
    for c in cov.values():
        regions += [r["region"] for r in c.regions if r["region"] not in regions]
    fig, ax = plt.subplots(figsize=(6.5, 3.2))
    x = np.arange(len(regions))
    for k, (lv, c) in enumerate(cov.items()):
        ax.bar(x + 0.4 * k - 0.2, [c.abeta(r, "left") for r in regions], 0.4, label=f"{lv} lead")
        numbers[f"{lv}_abeta_by_region_1000uA"] = {r: round(c.abeta(r, "left"), 3) for r in regions}
    ax.set_xticks(x, [r.replace("_", " ") for r in regions], rotation=40, ha="right", fontsize=8)
    ax.set(ylabel="Aβ afferents activated", title="1000 µA, 300 µs, 0-+0, left")
    ax.legend()
    fig.tight_layout()
    fig.savefig(OUT / "therapy_levels.png", dpi=120)
    plt.close(fig)

    xs = l4.population.population.position_um[:, 0] / 1000.0
    ab = types == "abeta"
    fig, ax = plt.subplots(figsize=(5.5, 2.8))
    for k, contacts in enumerate(("+-00", "00-+")):
        thr = l4.engine.thresholds_uA(_program(contacts, 700).weights(l4.placement), 300)
        on = ab & (thr <= 700)
        ax.scatter(xs[on], np.full(on.sum(), k), label=f"{contacts}: {on.sum()} Aβ active")
        numbers[f"cathode_{contacts}_active_abeta_mean_x_mm"] = (
            float(xs[on].mean()) if on.any() else None
        )
    centres = l4.placement.contact_centres_um()[:, 0] / 1000.0
    for i, cx in enumerate(centres):
        ax.axvline(cx, color="0.7", lw=0.8)
        ax.text(cx, 1.35, f"E{i + 1}", ha="center", fontsize=8)
    ax.set(
        xlabel="soma position along the root (mm), ganglion centre at 0",
        yticks=[],
        ylim=(-0.6, 1.6),
        title="Aβ activated at 700 µA, L4",
    )
    ax.legend(fontsize=7, loc="lower right")
    fig.tight_layout()
    fig.savefig(OUT / "therapy_cathode.png", dpi=120)
    plt.close(fig)
    print(json.dumps(numbers, indent=1))


if __name__ == "__main__":
    main()

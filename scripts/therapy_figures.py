"""Figures and numbers of docs/validation.md, "Therapy" (coverage prediction).

    DRGSTIM_CACHE_DIR=/tmp/therapy-figures .venv/bin/python scripts/therapy_figures.py --neurons 100

Writes docs/figures/therapy_*.png and prints the numbers quoted in the text as JSON.
``--fem`` (needs the ``fem`` extra) also computes the claims that need only the middle
contacts (E2, E3: configuration ``0-+0``) with the finite-element medium, L4 and L5 leads,
and prints them beside the analytic ones under ``claims``; ``--fem-only`` skips the
figures. ``--fem-h-lead-mm`` sets the element size at the lead (default: the solver's).
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

from drgstim.anatomy import Side, SpinalLevel
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


def _fem_lead(level: SpinalLevel, neurons: int, h_lead_mm: float | None) -> PlacedLead:
    """A lead whose E2 and E3 fields are solved by finite elements (the claims below use
    only ``0-+0``; a program on E1 or E4 is refused by the engine)."""
    from drgstim.therapy.fem import solve_unit_fields

    placement = Placement(level=level, side=Side.LEFT)
    pop = level_population(placement, n_neurons=neurons, seed=1)
    if h_lead_mm is None:
        fields = solve_unit_fields(placement, contacts=(1, 2))
    else:
        fields = solve_unit_fields(placement, contacts=(1, 2), h_lead_mm=h_lead_mm)
    fields.medium = Medium.FEM
    return PlacedLead(placement, pop, ThresholdEngine(pop, fields))  # type: ignore[arg-type]


def claims(l4: PlacedLead, l5: PlacedLead) -> dict[str, object]:
    """The validity claims that need only ``0-+0``: class order and clinical amplitudes
    (L4), level following (L4 vs L5 at 1000 µA), focality (L4 at 1500 µA)."""
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
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--neurons", type=int, default=100)
    parser.add_argument("--fem", action="store_true", help="also the FEM claims")
    parser.add_argument("--fem-only", action="store_true", help="the claims only, no figures")
    parser.add_argument("--fem-h-lead-mm", type=float, default=None)
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    l4 = place(Placement(level=SpinalLevel.L4, side=Side.LEFT), n_neurons=args.neurons, seed=1)
    l5 = place(Placement(level=SpinalLevel.L5, side=Side.LEFT), n_neurons=args.neurons, seed=1)
    numbers: dict[str, object] = {"neurons": args.neurons}
    if args.fem or args.fem_only:
        table: dict[str, object] = {"analytic": claims(l4, l5)}
        start = time.perf_counter()
        f4 = _fem_lead(SpinalLevel.L4, args.neurons, args.fem_h_lead_mm)
        f5 = _fem_lead(SpinalLevel.L5, args.neurons, args.fem_h_lead_mm)
        solved = time.perf_counter() - start
        table["fem"] = claims(f4, f5)
        table["fem_mesh"] = f4.engine.fields.mesh  # type: ignore[attr-defined]
        table["fem_unknowns"] = f4.engine.fields.dofs  # type: ignore[attr-defined]
        table["fem_solve_s_two_leads_two_contacts"] = round(solved, 1)
        table["fem_total_s"] = round(time.perf_counter() - start, 1)
        numbers["claims"] = table
        if args.fem_only:
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

"""Figures and numbers of docs/validation.md, "Therapy" (coverage prediction).

    DRGSTIM_CACHE_DIR=/tmp/therapy-figures .venv/bin/python scripts/therapy_figures.py --neurons 100

Writes docs/figures/therapy_*.png and prints the numbers quoted in the text as JSON.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

from drgstim.anatomy import Side, SpinalLevel
from drgstim.therapy import LeadProgram, Placement, coverage, place

OUT = Path(__file__).resolve().parents[1] / "docs" / "figures"


def _program(contacts: str, amplitude_uA: int, pw: int = 300) -> LeadProgram:
    return LeadProgram(
        contacts=contacts, amplitude_uA=amplitude_uA, pulse_width_us=pw, frequency_Hz=20
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--neurons", type=int, default=100)
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    l4 = place(Placement(level=SpinalLevel.L4, side=Side.LEFT), n_neurons=args.neurons, seed=1)
    l5 = place(Placement(level=SpinalLevel.L5, side=Side.LEFT), n_neurons=args.neurons, seed=1)
    numbers: dict[str, object] = {"neurons": args.neurons}
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

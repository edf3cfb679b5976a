"""Numbers of docs/drg_models.md, "Polarity": cathodic vs anodic thresholds of the Aβ neuron.

    .venv/bin/python scripts/drg_polarity.py

Prints, for a point source 1.5 mm from the soma centre at several angles (σ 0.2 S/m,
300 µs, thresholds to 0.5 %), the cathodic and anodic thresholds and where the spike
starts; then the same over and behind the soma with parts of the neuron removed (soma and
initial segment; also the stem). Anodic runs negate the outside potential of the cathodic
waveform. About a minute on 2 cores.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from drgstim.biophysics.drg.builders import build_abeta
from drgstim.biophysics.morphology import Morphology
from drgstim.biophysics.solver import assemble
from drgstim.biophysics.stimulate import point_source_ve
from drgstim.biophysics.threshold import find_thresholds
from drgstim.biophysics.waveforms import sample

DT_MS = 0.005
WAVE = sample(waveform="cathodic", pulse_width_us=300.0, dt_us=5.0, tstop_ms=4.0)
R_UM = 1500.0


def _sources() -> dict[str, tuple[float, float, float]]:
    out = {}
    for deg in (0, 45, 90, 135, 180):
        a = np.radians(deg)
        out[f"{deg:3d}° (y-z plane)"] = (0.0, -R_UM * np.cos(a), R_UM * np.sin(a))
    out["beside the soma, +x"] = (R_UM, 0.0, 0.0)
    out["over the central axon"] = (3000.0, 826.0, R_UM)
    return out


def without(cell: Morphology, *prefixes: str) -> Morphology:
    kept = [s for s in cell.sections if not s.name.startswith(prefixes)]
    names = {s.name for s in kept}
    sections = tuple(s if s.parent in names else replace(s, parent=None) for s in kept)
    return Morphology(
        name=f"{cell.name}-part", sections=sections, detect_section=cell.detect_section,
        detect_x=cell.detect_x, v_rest_mV=cell.v_rest_mV, temperature_C=cell.temperature_C,
        source_axis=cell.source_axis,
    )  # fmt: skip


def table(cell: Morphology, sources: dict[str, tuple[float, float, float]], label: str) -> None:
    one = [
        point_source_ve(cell, distance_um=1.0, sigma_S_per_m=0.2, source_um=s)
        for s in sources.values()
    ]
    ve = np.stack(one, axis=1)
    n = ve.shape[1]
    res = find_thresholds(
        assemble([cell] * (2 * n)), ve_mV=np.ascontiguousarray(np.concatenate([ve, -ve], axis=1)),
        wave=WAVE, dt_ms=DT_MS, initial=0.1, rel_tol=0.005,
    )  # fmt: skip
    comps = cell.compartments()
    print(f"\n{label}")
    print("| source | cathodic µA | anodic µA | anodic : cathodic | starts (cath / anod) |")
    print("|---|---|---|---|---|")
    for i, name in enumerate(sources):
        c, a = res.threshold[i], res.threshold[n + i]
        sites = [
            comps[j].section.name if j >= 0 else "-"
            for j in (res.initiation_index[i], res.initiation_index[n + i])
        ]
        print(f"| {name} | {c * 1e3:.0f} | {a * 1e3:.0f} | {a / c:.2f} | {sites[0]} / {sites[1]} |")


def main() -> None:
    cell = build_abeta()
    table(cell, _sources(), "Aβ 10 µm, soma 80 µm, source 1.5 mm from the soma centre")
    near = {
        "over the soma (0, 0, 1.5 mm)": (0.0, 0.0, R_UM),
        "behind the soma (0°)": (0.0, -R_UM, 0.0),
    }
    table(without(cell, "soma", "initial_segment"), near, "without soma and initial segment")
    table(without(cell, "soma", "initial_segment", "stem"), near, "axons only (no stem)")


if __name__ == "__main__":
    main()

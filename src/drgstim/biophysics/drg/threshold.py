"""Batched threshold search for DRG neurons (bracket, then geometric bisection to 1 %).

Activation = a spike (up-crossing of ``V_DETECT_mV``) at the detection site, the far end
of the central axon, so the spike is known to have passed the T-junction. All cells of a
type are simulated together each round; a cell whose simulation sees the spike stops
early (the kernel's ``stop_on_spike``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import numpy.typing as npt

import drgstim.units as units
from drgstim.biophysics.drg import cable
from drgstim.biophysics.drg.geometry import DrgType
from drgstim.biophysics.recruitment import CellRequest

__all__ = [
    "RELATIVE_TOLERANCE",
    "SIMULATION",
    "cathodic_pulse",
    "drg_threshold_search",
    "thresholds_uA",
]

RELATIVE_TOLERANCE = 0.01
START_uA = 25.0  # first bracketing amplitude; doubled until the cell fires
# dt and simulated time per type: myelinated nodes need small steps; C spikes are slow
# (5 mm of axon at about 0.5 m/s).
SIMULATION = {
    DrgType.ABETA: {"dt_ms": 0.005, "t_stop_ms": 3.0},
    DrgType.ADELTA: {"dt_ms": 0.005, "t_stop_ms": 4.0},
    DrgType.C: {"dt_ms": 0.025, "t_stop_ms": 30.0},
}
_PULSE_START_ms = 0.1

FloatArray = npt.NDArray[np.float64]


def cathodic_pulse(*, pulse_width_us: float, dt_ms: float, t_stop_ms: float) -> FloatArray:
    """A unit monophasic pulse sampled at ``dt_ms`` (1 during the pulse)."""
    n = round(t_stop_ms / dt_ms)
    t = np.arange(n) * dt_ms
    width_ms = units.ms_from_us(pulse_width_us)
    return ((t >= _PULSE_START_ms) & (t < _PULSE_START_ms + width_ms - 1e-9)).astype(np.float64)


def thresholds_uA(
    *, kind: DrgType | str, diameters_um: Sequence[float], distances_um: Sequence[float],
    pulse_width_us: float, max_amplitude_uA: float,
    progress: Callable[[int], None] | None = None,
) -> tuple[FloatArray, int]:  # fmt: skip
    """Cathodic point-source thresholds (µA; inf above ``max_amplitude_uA``), simulations run."""
    kind = DrgType(kind)
    sim = SIMULATION[kind]
    batch = cable.compile_batch(
        kind=kind, diameters_um=diameters_um, distances_um=distances_um, dt_ms=sim["dt_ms"]
    )
    wave = cathodic_pulse(
        pulse_width_us=pulse_width_us, dt_ms=sim["dt_ms"], t_stop_ms=sim["t_stop_ms"]
    )
    nb = len(diameters_um)

    def fires(amplitude: FloatArray) -> npt.NDArray[np.bool_]:
        """Simulate only the lanes with a non-zero amplitude (finished cells cost nothing)."""
        keep = amplitude > 0.0
        fired = np.zeros(nb, dtype=bool)
        if np.any(keep):
            sub = batch if np.all(keep) else cable.lanes(batch, keep)
            counts, _, _, _ = cable.run(sub, amplitudes_uA=-amplitude[keep], wave=wave)
            fired[keep] = counts[0] > 0
        if progress is not None:
            progress(nb)
        return fired

    # Bracket upwards (doubling from START_uA): very strong pulses can block conduction,
    # so "fires at the maximum" is not a safe bracket.
    # Cells silent at the maximum are reported as not activated (one cheap round for the
    # many C cells far from the contact); strong-pulse block is not searched for.
    searching = fires(np.full(nb, float(max_amplitude_uA)))
    runs = nb
    lo = np.zeros(nb)
    hi = np.full(nb, np.inf)
    trial = np.full(nb, min(START_uA, float(max_amplitude_uA)))
    while np.any(searching):
        hit = fires(np.where(searching, trial, 0.0))
        runs += int(np.count_nonzero(searching))
        hi = np.where(searching & hit, trial, hi)
        lo = np.where(searching & ~hit, trial, lo)
        at_max = trial >= max_amplitude_uA
        searching = searching & ~hit & ~at_max
        trial = np.minimum(trial * 2.0, float(max_amplitude_uA))
    found = np.isfinite(hi)
    lo = np.where(found & (lo == 0.0), hi / 2.0, lo)  # fired at the first trial
    open_ = found & (hi / np.maximum(lo, 1e-300) > 1.0 + RELATIVE_TOLERANCE)
    while np.any(open_):
        mid = np.sqrt(np.where(open_, hi, 1.0) * np.where(open_, lo, 1.0))
        hit = fires(np.where(open_, mid, 0.0))
        runs += int(np.count_nonzero(open_))
        hi = np.where(open_ & hit, mid, hi)
        lo = np.where(open_ & ~hit, mid, lo)
        open_ = open_ & (hi / lo > 1.0 + RELATIVE_TOLERANCE)
    top = found
    return np.where(top, hi, np.inf), runs


def drg_threshold_search(
    cells: Sequence[CellRequest], *, pulse_width_us: float, max_amplitude_uA: float,
    progress: Callable[[int, int], None] | None = None,
) -> FloatArray:  # fmt: skip
    """:class:`~drgstim.biophysics.recruitment.ThresholdSearch` over this package's solver."""
    out = np.full(len(cells), np.inf)
    total = len(cells)
    done = 0
    for kind in DrgType:
        idx = [i for i, c in enumerate(cells) if c.kind is kind]
        if not idx:
            continue
        values, _ = thresholds_uA(
            kind=kind,
            diameters_um=[cells[i].diameter_um for i in idx],
            distances_um=[cells[i].distance_um for i in idx],
            pulse_width_us=pulse_width_us,
            max_amplitude_uA=max_amplitude_uA,
        )
        out[idx] = values
        done += len(idx)
        if progress is not None:
            progress(done, total)
    return out

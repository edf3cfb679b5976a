"""Batched activation thresholds: bracket, then bisection to a relative tolerance.

Every round runs one amplitude for each unfinished cell, all cells in one batched solve;
a lane stops as soon as its spike reaches the detection compartment. Activation = the
membrane potential crossing ``threshold_mV`` at the detection compartment (the far end,
so the spike is known to propagate). The initiation site is the compartment that crossed
first in the smallest activating run.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt

from drgstim.biophysics.solver import Batch, run_batch
from drgstim.errors import InputError

__all__ = ["ThresholdResult", "find_thresholds", "take_lanes"]

FloatArray = npt.NDArray[np.float64]
_FLOOR = 1e-4  # a cell that still fires at 1e-4 × the first guess is spontaneously active
_LANE_FIELDS = ("area", "cap", "ga", "gx", "gxg", "cxc", "params", "centres_um")


@dataclass(frozen=True)
class ThresholdResult:
    """Per cell: threshold drive (units of ``drive``; NaN if none up to the maximum)."""

    threshold: FloatArray
    initiation_index: npt.NDArray[np.int64]  # compartment, −1 if none
    simulations: int
    rounds: int


def take_lanes(batch: Batch, lanes: npt.NDArray[np.int64]) -> Batch:
    """The batch restricted to ``lanes`` (copied contiguous)."""
    changes = {k: np.ascontiguousarray(getattr(batch, k)[..., lanes]) for k in _LANE_FIELDS}
    return replace(batch, **changes)  # type: ignore[arg-type]


def find_thresholds(
    batch: Batch,
    *,
    ve_mV: FloatArray,
    wave: FloatArray,
    dt_ms: float,
    initial: float | FloatArray = 0.1,
    maximum: float = 1e3,
    rel_tol: float = 0.01,
    threshold_mV: float = 0.0,
) -> ThresholdResult:
    """Smallest drive (≥ 0) that activates each lane of ``batch`` within ``rel_tol``.

    NaN where no drive up to ``maximum`` activates the cell, or where the cell fires
    without drive (below 1e-4 × ``initial``).
    """
    if not 0 < rel_tol < 1:
        raise InputError("rel_tol", rel_tol, "0 < rel_tol < 1")
    cells = batch.area.shape[1]
    lo = np.zeros(cells)
    hi = np.full(cells, np.nan)
    test = np.broadcast_to(np.asarray(initial, dtype=np.float64), (cells,)).copy()
    initial_amp = test.copy()
    site = np.full(cells, -1, dtype=np.int64)
    active = np.ones(cells, dtype=bool)
    simulations = rounds = 0
    while active.any():
        lanes = np.flatnonzero(active)
        sub = batch if lanes.size == cells else take_lanes(batch, lanes)
        result = run_batch(
            sub,
            ve_mV=np.ascontiguousarray(ve_mV[:, lanes]),
            drive=test[lanes],
            wave=wave,
            dt_ms=dt_ms,
            threshold_mV=threshold_mV,
        )
        simulations += lanes.size
        rounds += 1
        fired = np.isfinite(result.tcross_ms[batch.detect])
        for k, cell in enumerate(lanes):
            amp = test[cell]
            if fired[k] and amp < _FLOOR * initial_amp[cell]:
                hi[cell] = np.nan  # fires with (almost) no drive: no threshold to report
                active[cell] = False
                continue
            if fired[k]:
                hi[cell] = amp
                site[cell] = int(np.argmin(result.tcross_ms[:, k]))
            else:
                lo[cell] = amp
            if np.isnan(hi[cell]):
                if amp * 2.0 > maximum:
                    active[cell] = False
                    continue
                test[cell] = amp * 2.0
            elif (hi[cell] - lo[cell]) <= rel_tol * hi[cell]:
                active[cell] = False
            else:
                test[cell] = 0.5 * (lo[cell] + hi[cell])
    return ThresholdResult(hi, site, simulations, rounds)

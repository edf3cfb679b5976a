"""Batched activation thresholds: bracket, then bisection to a relative tolerance.

The search ends with a bracket [lower, upper]: ``upper`` fired, ``lower`` did not, and
upper − lower ≤ ``rel_tol`` · upper (default 0.1 %). The reported threshold is the
bracket's midpoint, within ``rel_tol``/2 of every drive the bracket admits.

The whole search runs inside the kernel (:func:`drgstim.biophysics.solver.search_batch`):
each cell holds a lane slot; a simulation stops as soon as the spike reaches the detection
compartment (or at the end of ``wave``), and the slot restarts at once at the cell's next
amplitude, so no lane waits for others between bisection steps. Activation = the
membrane potential crossing ``threshold_mV`` at the detection compartment (the far end,
so the spike is known to propagate). The initiation site is the compartment that crossed
first in the smallest activating run.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt

from drgstim.biophysics.solver import Batch, Gate, Settled, search_batch
from drgstim.errors import InputError

__all__ = [
    "DEFAULT_REL_TOL",
    "ThresholdResult",
    "find_thresholds",
    "take_lanes",
]

FloatArray = npt.NDArray[np.float64]
DEFAULT_REL_TOL = 1e-3  # bracket width relative to its upper end
_FLOOR = 1e-4  # a cell that still fires at 1e-4 × the first guess is spontaneously active
_LANE_FIELDS = ("area", "cap", "ga", "gx", "gxg", "cxc", "params", "centres_um")


@dataclass(frozen=True)
class ThresholdResult:
    """Per cell: threshold drive (units of ``drive``; NaN if none up to the maximum).

    ``threshold`` is the midpoint of the final bracket [``lower``, ``upper``] (``upper``
    the smallest drive that fired, ``lower`` the largest that did not; both NaN with it).
    """

    threshold: FloatArray
    lower: FloatArray
    upper: FloatArray
    initiation_index: npt.NDArray[np.int64]  # compartment, −1 if none
    simulations: int
    rounds: int  # simulations of the cell that needed most (bracket + bisection steps)


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
    rel_tol: float = DEFAULT_REL_TOL,
    threshold_mV: float = 0.0,
    bracket: tuple[FloatArray, FloatArray] | None = None,
    guess: tuple[FloatArray, FloatArray] | None = None,
    steps: npt.NDArray[np.int64] | None = None,
    gate: Gate | None = None,
    growth: float = 2.0,
    settled: Settled | None = None,
) -> ThresholdResult:
    """Smallest drive (≥ 0) that activates each lane of ``batch``: the midpoint of a bracket
    of relative width ≤ ``rel_tol``.

    NaN where no drive up to ``maximum`` activates the cell, or where the cell fires
    without drive (below 1e-4 × ``initial``). ``bracket`` = (lower, upper) per lane: drives
    already run, ``lower`` not firing and ``upper`` firing (NaN where not known); such a
    lane is bisected from there at once, the same path the doubling from ``initial`` takes
    once it has run both. ``guess`` = (below, above) per lane, a predicted bracket (NaN
    where none; lanes without a known bracket): ``above`` is run first, then ``below`` if
    ``above`` fired; a good guess leaves a bracket of their width after two runs, a wrong
    one costs those two runs and the search goes on from what they showed. Either way the
    result is a bracket of ``rel_tol`` whose ends were both run. ``steps`` (per lane): how
    many steps of ``wave`` each lane's simulations run (default: all of it), each cell's
    own run length (``runlength.lane_run_lengths_ms``) with ``wave`` sampled to the longest.
    ``gate``: an earlier verdict on each simulation (``solver.Gate``). ``growth``: the
    factor by which a drive that did not fire grows until one does (default: doubling);
    after a guess that was too low a small one finds the threshold next to it, where a
    doubling can jump over a window of firing drives into one of block. ``settled``: each
    lane's state after the waveform's undriven first steps (``solver.settle``), where
    every simulation starts.
    """
    if not 0 < rel_tol < 1:
        raise InputError("rel_tol", rel_tol, "0 < rel_tol < 1")
    if not 1 < growth <= 16:
        raise InputError("growth", growth, "1 < growth ≤ 16")
    cells = batch.area.shape[1]
    start = np.broadcast_to(np.asarray(initial, dtype=np.float64), (cells,))
    known = None
    if bracket is not None:
        known = np.stack([np.broadcast_to(np.asarray(b, np.float64), (cells,)) for b in bracket])
        ok = np.isnan(known[1]) | ((known[0] >= 0.0) & (known[0] < known[1]))
        if not ok.all():
            raise InputError("bracket", known[:, ~ok].T.tolist(), "0 ≤ lower < upper")
    if guess is not None:
        below, above = (np.broadcast_to(np.asarray(b, np.float64), (cells,)) for b in guess)
        has = np.isfinite(above)
        if not np.all(~has | ((below > 0.0) & (below < above))):
            raise InputError("guess", [below.tolist(), above.tolist()], "0 < below < above")
        if known is None:
            known = np.full((2, cells), np.nan)
        if (has & np.isfinite(known[1])).any():
            raise InputError("guess", "lanes with a bracket", "a guess or a bracket per lane")
        start = np.where(has, above, start)
        known = np.vstack([known, np.where(has, below, np.nan)[None, :]])
    upper, lower, site, sims = search_batch(
        batch,
        ve_mV=ve_mV,
        wave=wave,
        dt_ms=dt_ms,
        initial=start,
        maximum=maximum,
        rel_tol=rel_tol,
        floor=_FLOOR,
        threshold_mV=threshold_mV,
        bracket=known,
        steps=steps,
        gate=gate,
        growth=growth,
        settled=settled,
    )
    found = np.isfinite(upper)
    lower = np.where(found, lower, np.nan)
    mid = 0.5 * (lower + upper)
    return ThresholdResult(
        threshold=mid,
        lower=lower,
        upper=upper,
        initiation_index=site,
        simulations=int(sims.sum()),
        rounds=int(sims.max(initial=0)),
    )

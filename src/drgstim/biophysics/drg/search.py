"""Population threshold search for DRG neurons on the core batched solver.

The :class:`~drgstim.biophysics.recruitment.ThresholdSearch` that recruitment runs: cells
are grouped by type (one topology per batch), each built by
:func:`~drgstim.biophysics.drg.builders.build_drg` with its own fibre diameter, and each
lane gets its own outside potential (a point source where the contact lies in the
neuron's frame, ``CellRequest.source_um``; without it at (0, 0, R) from the soma centre,
R the neuron's contact distance). Every cell goes through
:func:`~drgstim.biophysics.threshold.find_thresholds` (doubling from ``START_uA``, then
bisection to a bracket of 0.1 %, the threshold its midpoint), with detection at the
central axon end. A neuron counts as activated at amplitude A when its threshold is ≤ A
and its spike still reaches the central end at A: conduction block at amplitudes well
above threshold (a near neuron silent at the central end at 12 mA) is found by
:func:`drg_activation`, one simulation per neuron and requested amplitude above its
threshold.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import numpy.typing as npt

from drgstim import units
from drgstim.biophysics.drg.builders import build_drg
from drgstim.biophysics.drg.geometry import DrgType
from drgstim.biophysics.models import simulation_dt_us
from drgstim.biophysics.recruitment import CellRequest
from drgstim.biophysics.runlength import lane_run_lengths_ms, lane_steps
from drgstim.biophysics.solver import Batch, assemble, run_batch
from drgstim.biophysics.sources import DEFAULT_SIGMA_S_PER_M
from drgstim.biophysics.stimulate import point_source_ve
from drgstim.biophysics.threshold import DEFAULT_REL_TOL, find_thresholds
from drgstim.biophysics.waveforms import Waveform, end_ms, sample

__all__ = ["RELATIVE_TOLERANCE", "START_uA", "drg_activation", "drg_threshold_search"]

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.int64]
RELATIVE_TOLERANCE = DEFAULT_REL_TOL
START_uA = 25.0  # first bracketing amplitude; doubled until the cell fires


def _setup(
    cells: Sequence[CellRequest], *, kind: DrgType, pulse_width_us: float
) -> tuple[Batch, FloatArray, FloatArray, float, IntArray]:
    """Batch (one lane per cell), outside potentials per mA, waveform, dt (ms) and the
    steps of each lane: each cell runs as long as it needs itself
    (``runlength.lane_run_lengths_ms``), the waveform sampled to the longest."""
    dt_us = simulation_dt_us(kind.value)
    morphs = [build_drg(kind, diameter_um=c.diameter_um) for c in cells]
    ve = np.stack(
        [
            point_source_ve(
                m,
                distance_um=c.distance_um,
                sigma_S_per_m=DEFAULT_SIGMA_S_PER_M,
                source_um=c.source_um,
            )
            for m, c in zip(morphs, cells, strict=True)
        ],
        axis=1,
    )
    stim_end = end_ms(waveform=Waveform.CATHODIC, pulse_width_us=pulse_width_us)
    run_ms = lane_run_lengths_ms(
        morphs[0], stimulus_end_ms=stim_end, ve_mV=ve,
        length_um=np.stack([m.compartment_arrays().length_um for m in morphs], axis=1),
        diameter_um=np.stack([m.compartment_arrays().diameter_um for m in morphs], axis=1),
    )  # fmt: skip
    wave = sample(
        waveform=Waveform.CATHODIC, pulse_width_us=pulse_width_us, dt_us=dt_us,
        tstop_ms=float(run_ms.max()),
    )  # fmt: skip
    dt_ms = units.ms_from_us(dt_us)
    return assemble(morphs), np.ascontiguousarray(ve), wave, dt_ms, lane_steps(run_ms, dt_ms)


def thresholds_uA(
    cells: Sequence[CellRequest], *, kind: DrgType, pulse_width_us: float,
    max_amplitude_uA: float,
) -> FloatArray:  # fmt: skip
    """Cathodic thresholds (µA) of ``cells`` of one type; inf if above ``max_amplitude_uA``."""
    batch, ve, wave, dt_ms, steps = _setup(cells, kind=kind, pulse_width_us=pulse_width_us)
    top_mA = units.mA_from_uA(max_amplitude_uA)
    # No screening run at the maximum amplitude first: activation is not monotone there.
    # A neuron near the contact that fires at 1.5 mA can be silent at the central end at
    # 12 mA (the strong cathode blocks propagation), and a screen at 12 mA would drop it.
    # The doubling from START_uA meets the lowest activating amplitude before any block.
    res = find_thresholds(
        batch,
        ve_mV=ve,
        wave=wave,
        dt_ms=dt_ms,
        initial=min(units.mA_from_uA(START_uA), top_mA),
        maximum=top_mA,
        rel_tol=RELATIVE_TOLERANCE,
        steps=steps,
    )
    found = units.uA_from_mA(res.threshold)
    out: FloatArray = np.where(np.isfinite(found), found, np.inf)
    return out


def drg_activation(
    cells: Sequence[CellRequest], *, amplitudes_uA: Sequence[float], pulse_width_us: float
) -> BoolArray:
    """:class:`~drgstim.biophysics.recruitment.ActivationCheck` on the core solver: whether
    each cell's spike reaches the central end at its amplitude (one simulation each)."""
    out = np.zeros(len(cells), dtype=np.bool_)
    for kind in DrgType:
        idx = [i for i, c in enumerate(cells) if c.kind is kind]
        if not idx:
            continue
        batch, ve, wave, dt_ms, steps = _setup(
            [cells[i] for i in idx], kind=kind, pulse_width_us=pulse_width_us
        )
        drive = units.mA_from_uA(np.asarray([amplitudes_uA[i] for i in idx], dtype=np.float64))
        run = run_batch(batch, ve_mV=ve, drive=drive, wave=wave, dt_ms=dt_ms, steps=steps)
        out[idx] = np.isfinite(run.tcross_ms[batch.detect])
    return out


def drg_threshold_search(
    cells: Sequence[CellRequest], *, pulse_width_us: float, max_amplitude_uA: float,
    progress: Callable[[int, int], None] | None = None,
) -> FloatArray:  # fmt: skip
    """:class:`~drgstim.biophysics.recruitment.ThresholdSearch` on the core solver."""
    out = np.full(len(cells), np.inf)
    done = 0
    for kind in DrgType:
        idx = [i for i, c in enumerate(cells) if c.kind is kind]
        if not idx:
            continue
        out[idx] = thresholds_uA(
            [cells[i] for i in idx],
            kind=kind,
            pulse_width_us=pulse_width_us,
            max_amplitude_uA=max_amplitude_uA,
        )
        done += len(idx)
        if progress is not None:
            progress(done, len(cells))
    return out

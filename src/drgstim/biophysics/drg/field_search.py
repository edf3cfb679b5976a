"""DRG thresholds for an arbitrary extracellular potential per unit current.

:mod:`drgstim.biophysics.drg.search` places one point source per neuron. A lead with
several contacts (and any volume conductor) gives each neuron a potential that no single
point describes, so here the caller passes the potential itself: ``ve_per_mA(i, centres)``
returns the outside potential (mV) per mA of program amplitude at the compartment
centres (µm, the neuron's own frame of :mod:`drgstim.biophysics.drg.builders`) of cell
``i``. The sign convention is that of a cathodic source: a cathode contributes positive
values, which the cathodic waveform turns negative, so thresholds are program
amplitudes (µA, magnitude). The search itself is the same batched bracket-and-bisect as
the point-source search (detection at the central axon end).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import numpy as np
import numpy.typing as npt

from drgstim import units
from drgstim.biophysics.drg.builders import build_drg
from drgstim.biophysics.drg.geometry import DrgType
from drgstim.biophysics.drg.search import RELATIVE_TOLERANCE, START_uA
from drgstim.biophysics.models import simulation_defaults
from drgstim.biophysics.morphology import Morphology
from drgstim.biophysics.solver import Batch, assemble, run_batch
from drgstim.biophysics.stimulate import centres_um
from drgstim.biophysics.threshold import find_thresholds
from drgstim.biophysics.waveforms import Waveform, sample

__all__ = ["VePerMA", "field_activation", "field_thresholds_uA"]

FloatArray = npt.NDArray[np.float64]
VePerMA = Callable[[int, FloatArray], FloatArray]


def _setup(
    idx: Sequence[int],
    *,
    kind: DrgType,
    diameters_um: Sequence[float] | FloatArray,
    ve_per_mA: VePerMA,
    pulse_width_us: float,
) -> tuple[Batch, FloatArray, FloatArray, float]:
    dt_us, tstop_ms = simulation_defaults(kind.value)
    morphs: list[Morphology] = [build_drg(kind, diameter_um=float(diameters_um[i])) for i in idx]
    ve = np.stack(
        [
            np.asarray(ve_per_mA(i, centres_um(m)), dtype=np.float64)
            for i, m in zip(idx, morphs, strict=True)
        ],
        axis=1,
    )
    wave = sample(
        waveform=Waveform.CATHODIC, pulse_width_us=pulse_width_us, dt_us=dt_us, tstop_ms=tstop_ms
    )
    return assemble(morphs), np.ascontiguousarray(ve), wave, units.ms_from_us(dt_us)


def field_thresholds_uA(
    kinds: Sequence[DrgType],
    diameters_um: Sequence[float] | FloatArray,
    ve_per_mA: VePerMA,
    *,
    pulse_width_us: float,
    max_amplitude_uA: float,
    start_uA: Mapping[DrgType, float] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> FloatArray:
    """Threshold program amplitude (µA) of each cell; ``inf`` above ``max_amplitude_uA``.

    ``start_uA``: the first bracketing amplitude per type (default ``START_uA``). The
    bracket doubles from it, or bisects below it if the cell already fires there; a start
    well below the type's thresholds keeps the search from stepping over an amplitude
    range in which the cell fires and then blocks above it.
    """
    out = np.full(len(kinds), np.inf)
    starts = dict(start_uA or {})
    top_mA = units.mA_from_uA(max_amplitude_uA)
    done = 0
    for kind in DrgType:
        idx = [i for i, k in enumerate(kinds) if DrgType(k) is kind]
        if not idx:
            continue
        batch, ve, wave, dt_ms = _setup(
            idx,
            kind=kind,
            diameters_um=diameters_um,
            ve_per_mA=ve_per_mA,
            pulse_width_us=pulse_width_us,
        )
        res = find_thresholds(
            batch,
            ve_mV=ve,
            wave=wave,
            dt_ms=dt_ms,
            initial=min(units.mA_from_uA(starts.get(kind, START_uA)), top_mA),
            maximum=top_mA,
            rel_tol=RELATIVE_TOLERANCE,
        )
        found = units.uA_from_mA(res.threshold)
        out[idx] = np.where(np.isfinite(found), found, np.inf)
        done += len(idx)
        if progress is not None:
            progress(done, len(kinds))
    return out


def field_activation(
    kinds: Sequence[DrgType],
    diameters_um: Sequence[float] | FloatArray,
    ve_per_mA: VePerMA,
    *,
    amplitudes_uA: Sequence[float],
    pulse_width_us: float,
) -> npt.NDArray[np.bool_]:
    """Whether each cell's spike reaches the central end at its own amplitude (µA)."""
    out = np.zeros(len(kinds), dtype=np.bool_)
    for kind in DrgType:
        idx = [i for i, k in enumerate(kinds) if DrgType(k) is kind]
        if not idx:
            continue
        batch, ve, wave, dt_ms = _setup(
            idx,
            kind=kind,
            diameters_um=diameters_um,
            ve_per_mA=ve_per_mA,
            pulse_width_us=pulse_width_us,
        )
        drive = units.mA_from_uA(np.asarray([amplitudes_uA[i] for i in idx], dtype=np.float64))
        run = run_batch(batch, ve_mV=ve, drive=drive, wave=wave, dt_ms=dt_ms)
        out[idx] = np.isfinite(run.tcross_ms[batch.detect])
    return out

"""One-call stimulation experiments: threshold of a cell to a point source, and velocity.

Layout: the cell's own frame (µm); the point source sits at distance R from the cell's
reference point (the origin) along the cell's ``source_axis`` — at (0, R, 0) from the
axon's midpoint for HH and MRG (which lie on the x axis centred on the origin), at
(0, 0, R) from the soma centre for DRG neurons (perpendicular to the plane of the stem
and axons).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from drgstim import units
from drgstim.biophysics.morphology import Morphology
from drgstim.biophysics.runlength import run_length_ms
from drgstim.biophysics.solver import assemble, run_batch
from drgstim.biophysics.sources import DEFAULT_SIGMA_S_PER_M, PointSource, potential_mV_at_um
from drgstim.biophysics.threshold import DEFAULT_REL_TOL, find_thresholds
from drgstim.biophysics.waveforms import Waveform, end_ms, sample
from drgstim.errors import InputError

__all__ = ["ThresholdReport", "centres_um", "point_source_ve", "threshold", "velocity_m_per_s"]


@dataclass(frozen=True)
class ThresholdReport:
    """``threshold_mA``: midpoint of the final bracket [``lower_mA``, ``upper_mA``] (the
    largest drive that did not fire, the smallest that did); ``run_ms``: simulated time
    per run."""

    threshold_mA: float
    lower_mA: float
    upper_mA: float
    initiation_site: str
    simulations: int
    seconds: float
    run_ms: float
    rel_tol: float


def centres_um(cell: Morphology) -> npt.NDArray[np.float64]:
    return cell.compartment_arrays().centre_um.copy()


def point_source_ve(
    cell: Morphology,
    *,
    distance_um: float,
    sigma_S_per_m: float,
    source_um: tuple[float, float, float] | None = None,
) -> npt.NDArray[np.float64]:
    """Outside potential (mV) per mA at each compartment for a source at R·``source_axis``.

    ``source_um``: the source at this point of the cell's frame instead (``distance_um``
    is then only checked).
    """
    if not distance_um > 0:
        raise InputError("distance_um", distance_um, "> 0 µm")
    if not sigma_S_per_m > 0:
        raise InputError("sigma_S_per_m", sigma_S_per_m, "> 0 S/m")
    at = source_um if source_um is not None else tuple(distance_um * a for a in cell.source_axis)
    return potential_mV_at_um(
        current_mA=1.0,
        points_um=centres_um(cell),
        sources_um=[PointSource(at)],  # type: ignore[arg-type]
        sigma_S_per_m=sigma_S_per_m,
    )


def threshold(
    cell: Morphology,
    *,
    distance_um: float,
    pulse_width_us: float,
    waveform: Waveform | str = Waveform.CATHODIC,
    sigma_S_per_m: float = DEFAULT_SIGMA_S_PER_M,
    dt_us: float = 5.0,
    tstop_ms: float | None = None,
    rel_tol: float = DEFAULT_REL_TOL,
) -> ThresholdReport:
    """Threshold current (mA, magnitude) of ``cell`` for one pulse from a point source.

    ``tstop_ms``: simulated time per run; default derived from the cell
    (:func:`drgstim.biophysics.runlength.run_length_ms`).
    """
    start = time.perf_counter()
    ve = point_source_ve(cell, distance_um=distance_um, sigma_S_per_m=sigma_S_per_m)
    dt_ms = units.ms_from_us(dt_us)
    if tstop_ms is None:
        stim_end = end_ms(waveform=waveform, pulse_width_us=pulse_width_us)
        tstop_ms = run_length_ms(cell, stimulus_end_ms=stim_end, ve_mV=ve)
    wave = sample(waveform=waveform, pulse_width_us=pulse_width_us, dt_us=dt_us, tstop_ms=tstop_ms)
    batch = assemble([cell])
    res = find_thresholds(batch, ve_mV=ve[:, None], wave=wave, dt_ms=dt_ms, rel_tol=rel_tol)
    comps = cell.compartments()
    idx, simulations = int(res.initiation_index[0]), res.simulations
    if idx >= 0 and comps[idx].section.mechanism == "pas":
        # a passive compartment (a DRG soma beside the source) pushed past the detection
        # level has not fired: the site is the first excitable compartment to cross
        run = run_batch(batch, ve_mV=ve[:, None], drive=res.upper, wave=wave, dt_ms=dt_ms)
        passive = np.array([c.section.mechanism == "pas" for c in comps])
        idx = int(np.argmin(np.where(passive, np.inf, run.tcross_ms[:, 0])))
        simulations += 1
    site = f"{comps[idx].section.name}[{comps[idx].index}]" if idx >= 0 else "none"
    return ThresholdReport(
        threshold_mA=float(res.threshold[0]),
        lower_mA=float(res.lower[0]),
        upper_mA=float(res.upper[0]),
        initiation_site=site,
        simulations=simulations,
        seconds=time.perf_counter() - start,
        run_ms=float(tstop_ms),
        rel_tol=rel_tol,
    )


def velocity_m_per_s(
    cell: Morphology, *, dt_us: float = 5.0, tstop_ms: float = 10.0, pulse_width_us: float = 100.0
) -> float:
    """Conduction velocity between the excitable compartments nearest 40 % and 80 % of x.

    The cell is excited at 2× threshold by a point source over 10 % of its length, 1 mm off
    the axis; velocity = distance / difference of the interpolated 0 mV crossing times.
    """
    c = centres_um(cell)
    x0, x1 = float(c[:, 0].min()), float(c[:, 0].max())
    src = PointSource((x0 + 0.1 * (x1 - x0), 1000.0, 0.0))
    ve = potential_mV_at_um(
        current_mA=1.0, points_um=c, sources_um=[src], sigma_S_per_m=DEFAULT_SIGMA_S_PER_M
    )
    wave = sample(
        waveform="cathodic", pulse_width_us=pulse_width_us, dt_us=dt_us, tstop_ms=tstop_ms
    )
    batch = assemble([cell])
    dt_ms = units.ms_from_us(dt_us)
    res = find_thresholds(batch, ve_mV=ve[:, None], wave=wave, dt_ms=dt_ms, rel_tol=0.1)
    if not np.isfinite(res.threshold[0]):
        raise InputError("cell", cell.name, "an excitable cell", reason="no spike")
    run = run_batch(batch, ve_mV=ve[:, None], drive=2.0 * res.threshold, wave=wave, dt_ms=dt_ms)
    # measure between excitable compartments (nodes of a myelinated axon)
    excitable = np.array([cp.section.mechanism != "pas" for cp in cell.compartments()])
    far = np.where(excitable, 0.0, np.inf)
    i1 = int(np.argmin(np.abs(c[:, 0] - (x0 + 0.4 * (x1 - x0))) + far))
    i2 = int(np.argmin(np.abs(c[:, 0] - (x0 + 0.8 * (x1 - x0))) + far))
    t1, t2 = run.tcross_ms[i1, 0], run.tcross_ms[i2, 0]
    if not (np.isfinite(t1) and np.isfinite(t2) and t2 > t1):
        raise InputError("tstop_ms", tstop_ms, "long enough for the spike to cross the cell")
    mm = units.mm_from_um(float(c[i2, 0] - c[i1, 0]))
    return float(mm / (t2 - t1))  # mm/ms = m/s

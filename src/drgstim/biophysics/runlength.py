"""How long a threshold run must last: the stimulus, the conduction time from the source to
the detection site, and a latency allowance that grows as the temperature falls.

A run ends early as soon as the spike reaches the detection site (the kernel stops it),
so only runs that do not fire pay the full length; a run that stopped too soon would count
a late spike as a failure and bias the threshold upwards. The length is therefore derived
from the cell, conservatively:

* **stimulus**: the end of the pulse (``waveforms.end_ms``);
* **conduction**: along the tree from the compartment nearest the source (largest
  |V_e|, where the spike starts near threshold) to the detection compartment, each
  compartment crossed at a floor velocity for its membrane at 37 °C — myelinated
  (MRG nodes and internodes, a periaxonal layer) ``MYELINATED_M_PER_S_PER_UM`` × its
  diameter, unmyelinated ``UNMYELINATED_M_PER_S_PER_SQRT_UM[mechanism]`` × √diameter —
  slowed by ``slowdown ** VELOCITY_EXPONENT``. The floors are 1/2 to 2/3 of the
  velocities the models themselves conduct at (``docs/validation.md``, "Converged
  thresholds");
* **latency**: ``LATENCY_MS_AT_37C`` × ``slowdown``: a cell stimulated just above
  threshold fires late, the later the slower its gates.

A run can also end sooner without firing (:func:`lane_fastest_ms`): a spike that reaches
the detection site by the end of the run must have passed every compartment on its way
there at least the *fastest* travel time earlier, each compartment crossed at
``CEILING_FACTOR`` × its floor velocity at 37 °C (2 to 2.7 × the models' own). So once
the run is that much short of its end with nothing crossed at some compartment on the way
(the solver's gate, ``solver.Gate``) or beyond, nothing can arrive in time any more.

``slowdown`` is how much slower the cell's slowest gate runs at the cell's temperature than
at 37 °C, from the mechanisms' own temperature factors (Q10s): 1 at 37 °C, 29.2 for HH at
6.3 °C (Q10 3). It is never taken below 1.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from drgstim.biophysics.channels import mechanism
from drgstim.biophysics.morphology import Compartment, Morphology

__all__ = [
    "CEILING_FACTOR",
    "LATENCY_MS_AT_37C",
    "MYELINATED_M_PER_S_PER_UM",
    "REFERENCE_C",
    "UNMYELINATED_M_PER_S_PER_SQRT_UM",
    "VELOCITY_EXPONENT",
    "conduction_ms",
    "lane_fastest_ms",
    "lane_run_lengths_ms",
    "lane_steps",
    "latency_ms",
    "run_length_ms",
    "slowdown",
]

REFERENCE_C = 37.0
LATENCY_MS_AT_37C = 1.0  # MRG anode-break spikes: 0.5 ms left anodic ones 0.06 % high
# measured: velocity ∝ slowdown^−0.31 (HH 6.3 → 18.5 °C, MRG 20 → 37 °C)
VELOCITY_EXPONENT = 1.0 / 3.0
MYELINATED_M_PER_S_PER_UM = 3.0  # MRG at 37 °C: ≥ 5.2 m/s per µm of axon diameter (2–10 µm fibres)
# The fastest a spike conducts, over the floor velocity at 37 °C: the floors are 1/2 to
# 2/3 of the models' own velocities, so this is 2 to 2.7 × theirs
CEILING_FACTOR = 4.0
UNMYELINATED_M_PER_S_PER_SQRT_UM = {  # half to 2/3 of each membrane's own velocity at 37 °C
    "hh": 0.8,  # HH 10 µm: 1.78 m/s at 6.3 °C, ≈ 5.0 m/s at 37 °C (× 29.2^0.31)
    "sundt": 0.3,  # Sundt C neuron (0.8/0.4 µm axons): 0.36 m/s, K ≈ 0.46 m/s/√µm
    "sundt_na": 0.3,
    "fh": 0.3,  # soma and initial segment: short, as the slowest unmyelinated membrane
    "pas": 0.3,
}


def slowdown(cell: Morphology) -> float:
    """Slowest gate rate at 37 °C over the same gate's rate at the cell's temperature (≥ 1)."""
    worst = 1.0
    for name in {s.mechanism for s in cell.sections}:
        mod = mechanism(name)
        at_ref = np.asarray(mod.temperature_factors(REFERENCE_C), dtype=np.float64)
        at_cell = np.asarray(mod.temperature_factors(cell.temperature_C), dtype=np.float64)
        worst = max(worst, float(np.max(at_ref / at_cell)))
    return worst


def _floor_rule(c: Compartment) -> tuple[bool, float]:
    """(myelinated, coefficient) of a compartment's floor velocity at 37 °C: myelinated
    ``coefficient × diameter``, else ``coefficient × √diameter`` (m/s, µm)."""
    s = c.section
    if s.periaxonal is not None or s.mechanism == "mrg_node":
        return True, MYELINATED_M_PER_S_PER_UM
    return False, UNMYELINATED_M_PER_S_PER_SQRT_UM.get(s.mechanism, 0.3)


def _velocity_m_per_s(c: Compartment, factor: float) -> float:
    myelinated, coefficient = _floor_rule(c)
    d = c.section.diameter_um
    v37 = coefficient * d if myelinated else coefficient * math.sqrt(d)
    return v37 / factor


def _path(parent: Sequence[int] | npt.NDArray[np.int64], origin: int, end: int) -> list[int]:
    """Compartments from ``origin`` to ``end`` along the tree (both and their lowest
    common ancestor included), in a fixed order: up from ``origin``, up from ``end``, the
    ancestor."""

    def to_root(i: int) -> list[int]:
        path = []
        while i >= 0:
            path.append(i)
            i = int(parent[i])
        return path

    up_a, up_b = to_root(origin), to_root(end)
    common = set(up_a) & set(up_b)
    path = [i for i in up_a if i not in common] + [i for i in up_b if i not in common]
    path.append(next(i for i in up_a if i in common))  # the lowest common ancestor
    return path


def _travel_ms(comps: list[Compartment], origin: int, end: int, factor: float) -> float:
    path = _path([c.parent for c in comps], origin, end)
    um_per_ms = [1e3 * _velocity_m_per_s(comps[i], factor) for i in path]  # 1 m/s = 1 mm/ms
    return float(sum(comps[i].length_um / v for i, v in zip(path, um_per_ms, strict=True)))


def conduction_ms(cell: Morphology, *, origin: int, target: int | None = None) -> float:
    """Floor-velocity travel time (ms) along the tree from compartment ``origin`` to
    ``target`` (default: the detection compartment), both compartments included."""
    end = cell.detect_index() if target is None else target
    factor = slowdown(cell) ** VELOCITY_EXPONENT
    return _travel_ms(cell.compartments(), origin, end, factor)


def latency_ms(cell: Morphology) -> float:
    """The latency allowance (ms): by then after the stimulus a spike has started, if it
    does: ``LATENCY_MS_AT_37C`` × :func:`slowdown`."""
    return LATENCY_MS_AT_37C * slowdown(cell)


def _lane_floor(
    cell: Morphology,
    lanes: int,
    length_um: npt.NDArray[np.float64] | None,
    diameter_um: npt.NDArray[np.float64] | None,
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """(lengths in µm, floor velocities at 37 °C in m/s) of every compartment and lane,
    (n, L): the lanes' own lengths and diameters (default ``cell``'s own)."""
    arrays = cell.compartment_arrays()
    n = arrays.length_um.shape[0]
    length = arrays.length_um[:, None] if length_um is None else np.asarray(length_um)
    diameter = arrays.diameter_um[:, None] if diameter_um is None else np.asarray(diameter_um)
    length = np.broadcast_to(length, (n, lanes))
    diameter = np.broadcast_to(diameter, (n, lanes))
    rules = [_floor_rule(c) for c in cell.compartments()]
    myelinated = np.array([m for m, _ in rules])
    coefficient = np.array([k for _, k in rules])
    v37 = coefficient[:, None] * np.where(myelinated[:, None], diameter, np.sqrt(diameter))
    return length, v37


def run_length_ms(
    cell: Morphology, *, stimulus_end_ms: float, ve_mV: npt.NDArray[np.float64]
) -> float:
    """Simulated time (ms) a threshold run of ``cell`` needs: stimulus end + conduction from
    the compartment of largest |``ve_mV``| + latency.

    ``ve_mV`` (compartments,) or (compartments, lanes): with lanes, the longest over their
    origins. For the lanes of a batch, each with its own length, see
    :func:`lane_run_lengths_ms`.
    """
    ve = np.abs(np.asarray(ve_mV, dtype=np.float64))
    origins = {int(i) for i in np.argmax(ve.reshape(ve.shape[0], -1), axis=0)}
    comps = cell.compartments()
    end = cell.detect_index()
    slow = slowdown(cell)
    factor = slow**VELOCITY_EXPONENT
    travel = max(_travel_ms(comps, i, end, factor) for i in origins)
    return stimulus_end_ms + travel + latency_ms(cell)


def lane_run_lengths_ms(
    cell: Morphology,
    *,
    stimulus_end_ms: float,
    ve_mV: npt.NDArray[np.float64],
    length_um: npt.NDArray[np.float64] | None = None,
    diameter_um: npt.NDArray[np.float64] | None = None,
) -> npt.NDArray[np.float64]:
    """:func:`run_length_ms` of each lane of a batch of cells of ``cell``'s topology: lane
    ``l`` from its own origin (largest |``ve_mV[:, l]``|) at its own compartment lengths and
    diameters (``length_um``, ``diameter_um`` (n, L); default ``cell``'s own).

    Each lane's value is the one :func:`run_length_ms` gives its own cell with its own
    ``ve`` column, bit for bit (the same sums in the same order), and depends on nothing
    else in the batch: any split of a population into batches gives each neuron the same run.
    """
    ve = np.abs(np.asarray(ve_mV, dtype=np.float64))
    lanes = ve.shape[1]
    factor = slowdown(cell) ** VELOCITY_EXPONENT
    length, v37 = _lane_floor(cell, lanes, length_um, diameter_um)
    step_ms = length / (1e3 * (v37 / factor))  # each compartment's crossing time, (n, L)
    parent = cell.compartment_arrays().parent
    end = cell.detect_index()
    origin = np.argmax(ve, axis=0)
    out = np.empty(lanes)
    for o in np.unique(origin):
        lanes_o = np.flatnonzero(origin == o)
        path = np.asarray(_path(parent, int(o), end), dtype=np.int64)
        # summed one compartment at a time, in the path's order (cumsum is sequential)
        travel = np.cumsum(step_ms[np.ix_(path, lanes_o)], axis=0)[-1]
        out[lanes_o] = stimulus_end_ms + travel + latency_ms(cell)
    return out


def lane_fastest_ms(
    cell: Morphology,
    *,
    path: npt.NDArray[np.int64],
    start: npt.NDArray[np.int64],
    length_um: npt.NDArray[np.float64] | None = None,
    diameter_um: npt.NDArray[np.float64] | None = None,
) -> npt.NDArray[np.float64]:
    """The shortest time (ms) in which a spike can get from compartment ``path[start[l]]``
    to the last of ``path`` (compartments in order along the tree) in lane ``l``: the
    compartments strictly between the two, each crossed at ``CEILING_FACTOR`` × its floor
    velocity at 37 °C, at the lane's own lengths and diameters (``length_um``,
    ``diameter_um`` (n, L); default ``cell``'s own). ``start`` −1: 0. Only for cells at
    37 °C or below (where no gate runs faster than at 37 °C); warmer cells get 0.
    """
    start = np.asarray(start, dtype=np.int64)
    lanes = start.shape[0]
    out = np.zeros(lanes)
    if cell.temperature_C > REFERENCE_C or not len(path):
        return out
    length, v37 = _lane_floor(cell, lanes, length_um, diameter_um)
    step_ms = length[path] / (1e3 * CEILING_FACTOR * v37[path])  # 1 m/s = 1 mm/ms
    # from each compartment to the end, both excluded: the sum of those after it, less the last
    after = np.cumsum(step_ms[::-1], axis=0)[::-1] - step_ms - step_ms[-1]
    ok = start >= 0
    out[ok] = np.maximum(after[start[ok], np.flatnonzero(ok)], 0.0)
    return out


def lane_steps(run_ms: npt.NDArray[np.float64], dt_ms: float) -> npt.NDArray[np.int64]:
    """Steps of ``dt_ms`` that runs of ``run_ms`` take (as ``waveforms.sample`` counts them)."""
    return np.maximum(np.round(np.asarray(run_ms) / dt_ms), 1).astype(np.int64)

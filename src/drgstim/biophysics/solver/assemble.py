"""Turn cells of one topology into the kernel's arrays, and run them."""

from __future__ import annotations

import functools
import math
import os
from collections.abc import Sequence
from dataclasses import dataclass, field

import numba
import numpy as np
import numpy.typing as npt

from drgstim import units
from drgstim.biophysics.channels import REGISTRY, mechanism
from drgstim.biophysics.morphology import CompartmentArrays, Morphology
from drgstim.biophysics.solver import tables
from drgstim.errors import InputError

__all__ = [
    "Batch",
    "BatchResult",
    "CurrentInjection",
    "Gate",
    "assemble",
    "assemble_lanes",
    "rate_table",
    "run_batch",
    "run_each",
    "search_batch",
]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class Batch:
    """Kernel arrays for lanes sharing one topology (see solver.cpu for units)."""

    parent: IntArray
    mech: IntArray
    area: FloatArray
    cap: FloatArray
    ga: FloatArray
    gx: FloatArray
    gxg: FloatArray
    cxc: FloatArray
    params: FloatArray
    states0: FloatArray
    tf: FloatArray
    v0: float
    detect: int
    centres_um: FloatArray  # (n, 3, L)

    def cell_arrays(self) -> tuple[IntArray, IntArray, FloatArray, FloatArray, FloatArray,
                                   FloatArray, FloatArray, FloatArray, FloatArray]:  # fmt: skip
        """The cells' arrays in the order every kernel entry point takes them."""
        return (self.parent, self.mech, self.area, self.cap, self.ga, self.gx, self.gxg,
                self.cxc, self.params)  # fmt: skip


@dataclass(frozen=True)
class BatchResult:
    """First crossing time (ms, inf if none) per compartment and lane; optional traces.

    With ``count`` compartments: ``spike_counts`` (s, L), the number of up-crossings of the
    threshold level at each, and ``spike_times_ms`` (s, max_spikes, L), the first
    ``max_spikes`` of their times (NaN beyond the count).
    """

    tcross_ms: FloatArray  # (n, L)
    traces_mV: FloatArray  # (steps + 1, r, L)
    steps_run: IntArray  # (L,)
    spike_counts: IntArray = field(default_factory=lambda: np.zeros((0, 0), dtype=np.int64))
    spike_times_ms: FloatArray = field(default_factory=lambda: np.zeros((0, 0, 0)))
    # (L,) from run_each: the spike reached the detection site, or the gate (see Gate)
    fired: npt.NDArray[np.bool_] = field(default_factory=lambda: np.zeros(0, dtype=np.bool_))


@dataclass(frozen=True)
class Gate:
    """An earlier verdict on a run than the detection site's, for runs of single cells
    (:func:`run_each`, :func:`search_batch`).

    ``chain``: compartments on the way to the detection site, in order, ending with it;
    lane ``l``'s gate is ``chain[position[l]]`` (−1: none). Once the gate has crossed,
    the front of the crossings beyond it (the furthest compartment of the chain that has
    crossed) is followed; a run has **fired** as soon as that front moves to a
    compartment that crosses at or after ``quiet_ms`` (the drive is over): nothing beyond
    it has crossed, so the spike runs on into an axon that no stimulus acts on any more
    and no other spike has reached, and conducts to its end. A spike that crossed the
    gate during the drive is followed until it crosses on after the drive; one blocked
    meanwhile never does, and the detection site decides, as without a gate.

    A run that does not fire lasts its whole length, or, with ``clear_steps``, lane
    ``l``'s run ends after ``clear_steps[l]`` steps if nothing at or beyond its gate has
    crossed by then: the caller chooses it so that a spike still short of the gate
    cannot reach the detection site within the whole length any more
    (:func:`drgstim.biophysics.runlength.lane_fastest_ms`).
    """

    chain: IntArray  # (m,)
    position: IntArray  # (L,)
    quiet_ms: float
    clear_steps: IntArray | None = None  # (L,)

    def arrays(self, lanes: int) -> tuple[IntArray, IntArray, float, IntArray]:
        """(chain, position, quiet, clear steps) as the kernels take them."""
        if self.position.shape != (lanes,):
            raise InputError("gate", self.position.shape, f"({lanes},), one per lane")
        chain = np.ascontiguousarray(self.chain, np.int64)
        position = np.ascontiguousarray(self.position, np.int64)
        if len(position) and not (position.min() >= -1 and position.max() < len(chain)):
            raise InputError("gate", position.tolist(), f"positions −1 … {len(chain) - 1}")
        clear = _NEVER if self.clear_steps is None else self.clear_steps
        clear = np.ascontiguousarray(np.broadcast_to(clear, (lanes,)), np.int64)
        if len(clear) and clear.min() < 1:
            raise InputError("gate.clear_steps", int(clear.min()), "1 or more steps")
        return chain, position, float(self.quiet_ms), clear


_NEVER = np.iinfo(np.int64).max


@dataclass(frozen=True)
class Settled:
    """Cells' states after a waveform's undriven first ``steps`` (:func:`settle`): every
    run of a cell, at any amplitude, goes through exactly these steps first (its drive is
    zero), so its runs can start there instead of at rest, with the same results.

    ``state`` (M, n, 2 + S): v, vx and the mechanisms' states per compartment of M cells;
    lane ``l`` of the batch it is given with is cell ``cell[l]`` (:meth:`take`).
    """

    steps: int
    state: FloatArray
    cell: IntArray

    def take(self, lanes: IntArray) -> Settled:
        """The same states for a batch whose lane ``i`` is this one's lane ``lanes[i]``."""
        return Settled(self.steps, self.state, self.cell[np.asarray(lanes, np.int64)])

    def arrays(self, lanes: int) -> tuple[int, FloatArray, IntArray]:
        """(steps, state, each lane's cell) as the kernels take them."""
        if self.cell.shape != (lanes,):
            raise InputError("settled", self.cell.shape, f"({lanes},), one per lane")
        return self.steps, self.state, np.ascontiguousarray(self.cell, np.int64)


def _settled_arrays(settled: Settled | None, lanes: int) -> tuple[int, FloatArray, IntArray]:
    if settled is None or settled.steps == 0:
        return 0, np.zeros((1, 1, 1)), np.zeros(lanes, np.int64)
    return settled.arrays(lanes)


def settle(batch: Batch, *, wave: FloatArray, dt_ms: float, threshold_mV: float = 0.0) -> Settled:
    """Each lane's state after the undriven first steps of ``wave`` (those before its first
    non-zero sample), for :func:`run_each` and :func:`search_batch` (``settled``): with
    them, no run repeats those steps. None (``steps`` 0) where ``wave`` is driven at once
    or anything crosses ``threshold_mV`` before the drive."""
    from drgstim.biophysics.solver import cpu

    lanes = batch.area.shape[1]
    driven = np.flatnonzero(np.asarray(wave))
    k0 = int(driven[0]) - 1 if len(driven) else 0
    if k0 <= 0:
        return Settled(0, np.zeros((1, 1, 1)), np.zeros(lanes, np.int64))
    state, crossed = cpu.call(
        cpu.settle,
        *batch.cell_arrays(), np.zeros(batch.area.shape), k0, rate_table(batch, dt_ms),
        batch.v0, threshold_mV, batch.states0, _group_lanes(batch),
    )  # fmt: skip
    if crossed.any():
        return Settled(0, np.zeros((1, 1, 1)), np.zeros(lanes, np.int64))
    return Settled(k0, state, np.arange(lanes, dtype=np.int64))


def _group_lanes(batch: Batch) -> int:
    """Slots per kernel group for ``batch``'s cells (``cpu.lanes_for``: 8 where a group of
    16 would outgrow a core's L2 cache)."""
    from drgstim.biophysics.solver import cpu

    n, n_par = batch.params.shape[0], batch.params.shape[1]
    return cpu.lanes_for(n, n_par, batch.states0.shape[1])


def _gate_arrays(gate: Gate | None, lanes: int) -> tuple[IntArray, IntArray, float, IntArray]:
    if gate is None:
        never = np.full(lanes, _NEVER, np.int64)
        return np.zeros(1, np.int64), np.full(lanes, -1, np.int64), np.inf, never
    return gate.arrays(lanes)


@dataclass(frozen=True)
class CurrentInjection:
    """Intracellular electrodes (NEURON's ``IClamp``; positive current depolarises).

    Electrode q sits in compartment ``compartments[q]`` and injects
    ``amplitude_nA[q, lane] · wave[k, q]`` nA during the step that ends at t_k = k·dt (the
    same sampling as the extracellular waveform); ``amplitude_nA`` broadcasts to (q, L).
    """

    compartments: Sequence[int]
    amplitude_nA: FloatArray | float
    wave: FloatArray  # (steps + 1,) or (steps + 1, q)

    def arrays(self, *, lanes: int, steps: int, n: int) -> tuple[IntArray, FloatArray, FloatArray]:
        """Kernel arrays: compartments (q,), amplitude in mA (q, L), wave (steps + 1, q)."""
        idx = np.asarray(self.compartments, dtype=np.int64).reshape(-1)
        q = idx.size
        if q == 0 or idx.min() < 0 or idx.max() >= n:
            raise InputError("compartments", list(idx), f"1 or more indices in 0 … {n - 1}")
        wave = np.asarray(self.wave, dtype=np.float64)
        wave = np.repeat(wave[:, None], q, axis=1) if wave.ndim == 1 else wave
        if wave.shape != (steps + 1, q):
            raise InputError("wave", wave.shape, f"({steps + 1},) or ({steps + 1}, {q})")
        amp = np.asarray(self.amplitude_nA, dtype=np.float64)
        try:
            amp = np.broadcast_to(amp if amp.ndim != 1 else amp[None, :], (q, lanes))
        except ValueError:
            raise InputError(
                "amplitude_nA", amp.shape, f"broadcastable to ({q}, {lanes})"
            ) from None
        return idx, np.ascontiguousarray(units.mA_from_nA(amp)), np.ascontiguousarray(wave)


def _half_resistance_ohm(ra_ohm_cm: FloatArray, dx_um: FloatArray, d_um: FloatArray) -> FloatArray:
    radius_cm = units.cm_from_um(d_um) / 2.0
    result: FloatArray = ra_ohm_cm * units.cm_from_um(dx_um) / 2.0 / (math.pi * radius_cm**2)
    return result


def _parameter_rows(
    arrays: CompartmentArrays,
    defaults: dict[str, dict[str, float]],
    n_params: int,
    cache: dict[tuple[str, int], FloatArray],
) -> FloatArray:
    """Each compartment's parameter values in its mechanism's order, (n, n_params).

    One row per distinct (mechanism, parameter mapping): cells built from shared pieces
    (the MRG axon's four kinds) cost a few rows, not one per compartment."""
    keys = list(zip(arrays.mechanism, map(id, arrays.parameters), strict=True))
    number: dict[tuple[str, int], int] = {}
    which = np.array([number.setdefault(k, len(number)) for k in keys], dtype=np.int64)
    rows = np.zeros((max(1, len(number)), n_params))
    for (name, ident), r in number.items():
        row = cache.get((name, ident))
        if row is None:
            given = arrays.parameters[keys.index((name, ident))]
            values = {**defaults[name], **given} if given else defaults[name]
            row = np.zeros(n_params)
            for k, pname in enumerate(mechanism(name).PARAMETERS):
                row[k] = values[pname]
            cache[(name, ident)] = row
        rows[r] = row
    out: FloatArray = rows[which]
    return out


def assemble(cells: Sequence[Morphology]) -> Batch:
    """Kernel arrays for ``cells`` (one lane each); all must share one topology."""
    if not cells:
        raise InputError("cells", 0, "at least one cell")
    if len({(c.v_rest_mV, c.temperature_C) for c in cells}) != 1:
        raise InputError("cells", len(cells), "one resting potential and temperature per batch")
    return assemble_lanes(cells[0], [c.compartment_arrays() for c in cells])


def assemble_lanes(cell: Morphology, lanes: Sequence[CompartmentArrays]) -> Batch:
    """Kernel arrays for cells of ``cell``'s topology, resting potential, temperature and
    detection site, one lane per entry of ``lanes`` (each cell's compartment arrays, e.g.
    from a builder that computes many cells' arrays at once)."""
    arrs = list(lanes)
    if not arrs:
        raise InputError("lanes", 0, "at least one cell's arrays")
    first_arr = cell.compartment_arrays()
    if any(
        a.mechanism != first_arr.mechanism or not np.array_equal(a.parent, first_arr.parent)
        for a in arrs
    ):
        raise InputError("cells", len(arrs), "cells of one topology per batch")
    parent = first_arr.parent.copy()
    mech = np.array([mechanism(m).MECH_ID for m in first_arr.mechanism], dtype=np.int64)
    n = parent.size
    # parameter and state slots: as many as the batch's mechanisms use, not the registry's
    # maximum (the kernel copies and walks every slot of every compartment and lane, so a
    # C neuron with 8 Sundt parameters ran 15 slots wide once sundt_na existed)
    used = [mechanism(name) for name in set(first_arr.mechanism)]
    n_params = max(1, *(len(m.PARAMETERS) for m in used))
    n_states = max(1, *(len(m.STATES) for m in used))
    defaults = {name: mechanism(name).defaults() for name in set(first_arr.mechanism)}

    def stack(key: str) -> FloatArray:
        return np.stack([getattr(a, key) for a in arrs], axis=1)  # (n, L)

    length_um, d_um = stack("length_um"), stack("diameter_um")
    area_cm2 = units.cm2_from_um2(math.pi * d_um * length_um)
    half_r = _half_resistance_ohm(stack("ra_ohm_cm"), length_um, d_um)
    half_rx = stack("xraxial_ohm_per_cm") * units.cm_from_um(length_um) / 2.0
    ga, gx = np.zeros((n, len(arrs))), np.zeros((n, len(arrs)))
    ga[1:] = 1.0 / (half_r[1:] + half_r[parent[1:]])
    gx[1:] = 1.0 / (half_rx[1:] + half_rx[parent[1:]])
    cache: dict[tuple[str, int], FloatArray] = {}
    # lanes whose compartments share their parameter mappings (the same objects, as a
    # builder of many cells at once hands them out) share their rows
    shared: dict[tuple[int, ...], FloatArray] = {}
    params = np.empty((n, n_params, len(arrs)))
    for lane, a in enumerate(arrs):
        ids = tuple(map(id, a.parameters))
        rows = shared.get(ids)
        if rows is None:
            rows = shared[ids] = _parameter_rows(a, defaults, n_params, cache)
        params[:, :, lane] = rows
    tf = np.ones((max(m.MECH_ID for m in REGISTRY.values()) + 1, 3))
    for mod in REGISTRY.values():
        tf[mod.MECH_ID] = mod.temperature_factors(cell.temperature_C)
    states0 = _steady_states(mech, params[:, :, 0], tf, cell.v_rest_mV, n_states)
    return Batch(
        parent=parent,
        mech=mech,
        area=area_cm2,
        cap=units.mA_from_uA(stack("cm_uF_per_cm2") * area_cm2),
        ga=ga,
        gx=gx,
        gxg=stack("xg_S_per_cm2") * area_cm2,
        cxc=units.mA_from_uA(stack("xc_uF_per_cm2") * area_cm2),
        params=params,
        states0=states0,
        tf=tf,
        v0=cell.v_rest_mV,
        detect=cell.detect_index(),
        centres_um=np.stack([a.centre_um for a in arrs], axis=2),
    )


def _steady_states(
    mech: IntArray, params: FloatArray, tf: FloatArray, v0: float, n_states: int
) -> FloatArray:
    from drgstim.biophysics.solver import mechanisms

    out = np.zeros((mech.size, n_states))
    for i, m in enumerate(mech):
        mechanisms.steady(int(m), v0, np.ascontiguousarray(params[i]), out[i], tf)
    return out


@functools.lru_cache(maxsize=8)
def _table(tf_bytes: bytes, dt_ms: float) -> tables.RateTable:
    return tables.build(np.frombuffer(tf_bytes).reshape(-1, 3), dt_ms)


def rate_table(batch: Batch, dt_ms: float) -> tables.RateTable:
    """The gate tables for ``batch``'s temperature at ``dt_ms`` (built once, then cached)."""
    if not dt_ms > 0:
        raise InputError("dt_ms", dt_ms, "> 0 ms")
    return _table(np.ascontiguousarray(batch.tf, dtype=np.float64).tobytes(), float(dt_ms))


def _lane_steps(steps: npt.ArrayLike | None, lanes: int, wave_steps: int) -> IntArray:
    """Steps per lane (default: the whole ``wave``), checked against the waveform."""
    if steps is None:
        return np.full(lanes, wave_steps, dtype=np.int64)
    given = np.asarray(steps)
    if not np.issubdtype(given.dtype, np.integer):
        raise InputError("steps", given.dtype.name, "whole numbers of steps per lane")
    out = np.ascontiguousarray(np.broadcast_to(given, (lanes,)), dtype=np.int64)
    if lanes and not (out.min() >= 1 and out.max() <= wave_steps):
        raise InputError("steps", [int(out.min()), int(out.max())], f"1 … {wave_steps} per lane")
    return out


def run_batch(
    batch: Batch,
    *,
    ve_mV: FloatArray,
    drive: FloatArray,
    wave: FloatArray,
    dt_ms: float,
    steps: npt.ArrayLike | None = None,
    threshold_mV: float = 0.0,
    record: Sequence[int] = (),
    chunk: int = 8,
    inject: CurrentInjection | None = None,
    count: Sequence[int] = (),
    max_spikes: int = 256,
) -> BatchResult:
    """Integrate every lane; outside potential = ``ve_mV[:, lane] · drive[lane] · wave[k]``.

    ``steps`` (L,): how many steps of ``wave`` each lane runs (default: all; each lane's
    own run length, the waveform sampled to the longest); a lane's results are those at
    its own end (traces NaN after it). Optional: intracellular electrodes (``inject``) and
    spike counting at the compartments ``count`` (up-crossings of ``threshold_mV``, see
    :class:`BatchResult`); a run with counted compartments always runs to each lane's end.
    """
    from drgstim.biophysics.solver import cpu

    n, lanes = batch.area.shape
    wave_steps = np.asarray(wave).shape[0] - 1
    steps_of = _lane_steps(steps, lanes, wave_steps)
    threads = max(1, min(os.cpu_count() or 1, 64))
    chunk = max(1, min(chunk, -(-lanes // threads)))
    if inject is None:
        inj = (np.zeros(0, np.int64), np.zeros((0, lanes)), np.zeros((wave_steps + 1, 0)))
    else:
        inj = inject.arrays(lanes=lanes, steps=wave_steps, n=n)
    counted = np.asarray(count, dtype=np.int64).reshape(-1)
    if counted.size and (counted.min() < 0 or counted.max() >= n):
        raise InputError("count", list(counted), f"compartment indices in 0 … {n - 1}")
    if max_spikes < 0:
        raise InputError("max_spikes", max_spikes, ">= 0")
    tcross, rec, steps_run, counts, times = cpu.call(
        cpu.integrate,
        *batch.cell_arrays(),
        np.ascontiguousarray(ve_mV, dtype=np.float64),
        np.ascontiguousarray(drive, dtype=np.float64),
        np.ascontiguousarray(wave, dtype=np.float64),
        steps_of,
        rate_table(batch, dt_ms),
        batch.v0,
        threshold_mV,
        batch.detect,
        chunk,
        np.asarray(record, dtype=np.int64),
        batch.states0,
        *inj,
        counted,
        int(max_spikes),
        _group_lanes(batch),
    )
    return BatchResult(
        tcross_ms=tcross,
        traces_mV=rec,
        steps_run=steps_run,
        spike_counts=counts,
        spike_times_ms=times,
    )


def run_each(
    batch: Batch,
    *,
    ve_mV: FloatArray,
    drive: FloatArray,
    wave: FloatArray,
    dt_ms: float,
    steps: npt.ArrayLike | None = None,
    threshold_mV: float = 0.0,
    width: int = 16,
    gate: Gate | None = None,
    settled: Settled | None = None,
) -> BatchResult:
    """Every lane once at its amplitude, as :func:`run_batch` without traces, electrodes or
    spike counts, but with each slot taking the next lane as soon as its run ends
    (``cpu.run_once``): no lane waits for a slower one beside it. ``fired``: whether each
    lane's spike reached the detection site (or its ``gate``, see :class:`Gate`).
    ``settled``: each lane's state after the waveform's undriven first steps
    (:func:`settle`), where its run starts.

    A lane that fired shows its crossings up to the spike's arrival at the detection site
    (``run_batch`` may show later ones, from the time its chunk ran on); one that did not,
    those of its whole run, as ``run_batch``.
    """
    from drgstim.biophysics.solver import cpu

    lanes = batch.area.shape[1]
    steps_of = _lane_steps(steps, lanes, np.asarray(wave).shape[0] - 1)
    if np.asarray(drive).shape != (lanes,):
        raise InputError("drive", np.asarray(drive).shape, f"({lanes},), one per lane")
    groups = max(1, min(numba.get_num_threads(), lanes))
    gated = _gate_arrays(gate, lanes)
    tcross, steps_run, fired = cpu.call(
        cpu.run_once,
        *batch.cell_arrays(),
        np.ascontiguousarray(ve_mV, dtype=np.float64),
        np.ascontiguousarray(drive, dtype=np.float64),
        np.ascontiguousarray(wave, dtype=np.float64),
        steps_of,
        rate_table(batch, dt_ms),
        batch.v0,
        threshold_mV,
        batch.detect,
        groups,
        max(1, width),
        batch.states0,
        *gated,
        *_settled_arrays(settled, lanes),
        _group_lanes(batch),
    )
    return BatchResult(
        tcross_ms=tcross, traces_mV=np.zeros((0, 0, lanes)), steps_run=steps_run, fired=fired
    )


def search_batch(
    batch: Batch,
    *,
    ve_mV: FloatArray,
    wave: FloatArray,
    dt_ms: float,
    initial: FloatArray,
    maximum: float,
    rel_tol: float,
    floor: float,
    threshold_mV: float = 0.0,
    width: int = 16,
    bracket: FloatArray | None = None,
    steps: npt.ArrayLike | None = None,
    gate: Gate | None = None,
    growth: float = 2.0,
    settled: Settled | None = None,
) -> tuple[FloatArray, FloatArray, IntArray, IntArray]:
    """Threshold search of every lane inside the kernel (see ``cpu.search``).

    Returns per lane the final bracket: the smallest drive that fired (NaN if none up to
    ``maximum``) and the largest that did not; then the compartment that crossed first in
    the smallest activating run (−1 if none) and the number of simulations. ``bracket``
    (2 or 3, L): a known (did not fire, fired) pair per lane to bisect at once (NaN: none),
    and optionally the amplitude to run second (see ``cpu.search``). ``steps`` (L,): how
    many steps of ``wave`` a simulation of each lane runs (default: all); ``gate``: an
    earlier verdict on each run (see :class:`Gate`). ``growth``: the factor by which a
    drive that did not fire grows until one does (2: doubling). ``settled``: where each
    simulation starts (see :func:`run_each`).
    """
    from drgstim.biophysics.solver import cpu

    lanes = batch.area.shape[1]
    groups = max(1, min(numba.get_num_threads(), lanes))
    known = np.full((3, lanes), np.nan)
    if bracket is not None:
        given = np.asarray(bracket, np.float64).reshape(-1, lanes)
        known[: len(given)] = given
    gated = _gate_arrays(gate, lanes)
    found: tuple[FloatArray, FloatArray, IntArray, IntArray] = cpu.call(
        cpu.search,
        *batch.cell_arrays(),
        np.ascontiguousarray(ve_mV, dtype=np.float64),
        np.ascontiguousarray(wave, dtype=np.float64),
        _lane_steps(steps, lanes, np.asarray(wave).shape[0] - 1),
        rate_table(batch, dt_ms),
        batch.v0,
        threshold_mV,
        batch.detect,
        groups,
        max(1, width),
        batch.states0,
        np.ascontiguousarray(initial, dtype=np.float64),
        np.array([maximum, rel_tol, floor, growth], dtype=np.float64),
        known,
        *gated,
        *_settled_arrays(settled, lanes),
        _group_lanes(batch),
    )
    return found

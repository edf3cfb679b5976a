"""Thresholds and activation of a whole DRG population for one electrode configuration,
fast: the exhaustive search's thresholds within its tolerance (0.1 %) and the same
activated/blocked states, with a fraction of its work.

:func:`population_thresholds` takes a population, a configuration of point sources at
unit amplitude (any number of contacts with signed current fractions, in the ganglion's
frame) and a pulse width, and returns every neuron's cathodic threshold (µA; ``inf``
above ``max_amplitude_uA``) and whether it is activated, blocked or silent at each
requested amplitude. The exhaustive path it replaces
(:func:`drgstim.biophysics.drg.search.drg_threshold_search` then
:func:`~drgstim.biophysics.drg.search.drg_activation`) doubles every neuron's amplitude
from ``START_uA`` until it fires at the detection site (the central axon's end), bisects
that bracket, then simulates every neuron at every requested amplitude above its
threshold. What the physics lets us skip:

* **Linearity in amplitude.** For a fixed configuration the outside potential is the
  unit-amplitude potential times the amplitude, so one threshold per neuron serves every
  amplitude; nothing is searched per amplitude.
* **The device's maximum** (``drgstim.device`` amplitude grid, 6 mA) ends the search,
  not twice that.
* **The doubling ladder from the top.** The exhaustive search meets the ladder
  ``START_uA · 2^k`` (then the maximum) from below; every rung below the threshold is a
  full-length run in which nothing reaches the detection site. This module walks the
  same rungs from the maximum downwards: a rung where the spike reaches the detection
  site ends as soon as it arrives (a fraction of a run). The walk stops at the first rung
  where *no compartment at all* crosses the detection level (``N``): below a rung where
  nothing is even depolarised to 0 mV nothing fires (tested against the exhaustive
  search, ``tests/biophysics/test_population_search.py``). The lowest rung with a spike
  at the detection site above that is the rung where the exhaustive doubling would have
  stopped; it and the rung below bracket the threshold, and the bisection starts from
  that bracket (:func:`~drgstim.biophysics.threshold.find_thresholds`, ``bracket``)
  without running either end again. A neuron with ``N`` at the maximum costs one run
  (most C neurons: no doubling from 25 µA at all).
* **A coarse dt first** (:data:`COARSE`). The ladder and that bisection run at a coarse
  dt (Aβ and Aδ 20 µs instead of 5, C 100 µs instead of 25, the same run length: a
  quarter of the steps), the bisection to :data:`COARSE_TOLERANCE` (1.2 %). Backward
  Euler's threshold grows with dt by a fraction that varies little between neurons of a
  type at one pulse width (:data:`RATIO_PCT`), so the threshold at
  the model's dt is then searched from a guess: one run just above and one just below
  where the coarse threshold puts it, then bisection to the tolerance. Both guesses are
  runs at the model's dt, and a guess that misses only costs runs (the search goes on
  from what they showed), so every threshold is still the midpoint of a bracket of
  0.1 % whose ends were run at the model's dt: within the tolerance of the exhaustive
  search's threshold, though no longer bit-identical to it. The coarse runs decide
  nothing but where the fine search looks (and which C neurons the screen lets through).
* **Block is checked where it can occur**: at each requested amplitude above a
  neuron's threshold (as the exhaustive check), always at the model's dt (a requested
  amplitude that is a rung reuses that rung's run where the ladder ran at the model's
  dt). A spike that starts but does not reach the detection site
  (conduction block by the strong cathode) shows as a crossing somewhere without one at
  the detection site (``X``). The rungs alone do not reveal every block: windows lie
  between them (an Aβ neuron reaching the central end at 3.2 and 6 mA is silent at 3.6
  to 4.8 mA), so every requested amplitude above threshold is run; those runs end as
  soon as the spike arrives.

* **Each neuron runs as long as it needs itself.** A run that does not fire (half of a
  bisection, the lower rungs, blocked runs) lasts the neuron's own run length
  (:func:`~drgstim.biophysics.runlength.lane_run_lengths_ms`: from its own origin, the
  compartment of largest |V_e|, to the detection site at its own diameter), not the
  longest of its batch (the C neurons of a 200-neuron population under a contact on
  the surface need 3 to 52 ms, median 30; one length per batch ran them all 57 ms, that
  of the thinnest cell from the farthest origin of any). The kernels take
  a step count per lane (``steps``). Doubling each neuron's own run changes no threshold
  beyond the tolerance (``tests/biophysics/test_lane_run_length.py``).

* **Runs end at the gate** (:data:`GATE_UM`, ``solver.Gate``). A run fires once the
  front of its crossings moves on past a compartment of the central axon 1 mm past the
  T-junction after the pulse, nothing beyond it crossed, instead of when the spike
  reaches the central end. A run in which nothing at or beyond the gate has crossed
  ends its fastest possible travel from the gate to the central end
  (:func:`~drgstim.biophysics.runlength.lane_fastest_ms`) before its run length: no
  spike could still arrive in time. Both give each run the verdict of the whole run.

Every neuron is built once (one topology per batch, one lane per neuron, the batch's
compartment arrays for all diameters at once:
:func:`~drgstim.biophysics.drg.builders.drg_lane_arrays`) and its batch serves the
ladder, the bisections and the block runs. Neurons are independent and each lane's run
length is its own neuron's, so a population can be split into chunks of ``indices`` in
any way and computed anywhere (see :mod:`drgstim.biophysics.distributed`): every neuron
gets the same threshold and states (tested).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numba
import numpy as np
import numpy.typing as npt

from drgstim import units
from drgstim.biophysics.channels import mrg_node
from drgstim.biophysics.drg.builders import drg_lane_arrays
from drgstim.biophysics.drg.geometry import DrgType
from drgstim.biophysics.drg.search import RELATIVE_TOLERANCE, START_uA
from drgstim.biophysics.models import simulation_dt_us
from drgstim.biophysics.population import Population
from drgstim.biophysics.runlength import (
    lane_fastest_ms,
    lane_run_lengths_ms,
    lane_steps,
    latency_ms,
)
from drgstim.biophysics.solver import Batch, Gate, Settled, assemble_lanes, run_each, settle
from drgstim.biophysics.sources import DEFAULT_SIGMA_S_PER_M, PointSource, potential_mV_at_um
from drgstim.biophysics.threshold import find_thresholds, take_lanes
from drgstim.biophysics.waveforms import Waveform, end_ms, sample
from drgstim.device.grid import grid
from drgstim.errors import InputError

__all__ = [
    "DEVICE_MAX_uA",
    "Field",
    "PopulationThresholds",
    "ganglion_points_um",
    "ladder_uA",
    "population_activation",
    "population_thresholds",
]

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.int64]
DEVICE_MAX_uA = float(grid("amplitude_uA").maximum)
# C neurons: a coarse, short run at 1.25 × the maximum first; only those in which anything
# crosses go up the ladder at the model's own dt and run length. Tested against the exact
# top rung (tests/biophysics/test_population_search.py): no C neuron that crosses at the
# maximum with dt 25 µs and 30 ms is missed by dt 100 µs, 10 ms at 1.25 × the amplitude
# (without the margin, one of 248 at 3 mA was).
SCREEN_MARGIN = 1.25
SCREEN_DT_us = (100.0, 50.0)  # the largest that divides the pulse width is used
SCREEN_TSTOP_ms = 10.0
SCREENED = (DrgType.C,)
# The ladder and the bisection first run at a coarse dt (the whole run length), then the
# threshold at the model's dt is searched from a guess: backward Euler's thresholds grow
# with dt, by a fraction that varies little between neurons of one type at one pulse
# width, so the fine threshold is guessed in [coarse / window[0], coarse / window[1]].
# Both guesses are run at the model's dt and a miss only costs runs: the search moves on
# by the window's width (threshold.find_thresholds, ``guess``, ``growth``).
# Per type: (coarse dt in µs, window), the first whose dt divides the pulse width is used
# (none: the ladder and bisection run at the model's dt); a window of None is centred on
# the type's median ratio at this pulse width (RATIO_PCT), RATIO_HALF_PCT either side.
# Coarse over fine threshold, measured (200 neurons, seed 1, 300 µs, contact on the
# surface): Aβ +3.35 to +3.94 % at 20 µs, +1.07 to +1.31 % at 10 µs; Aδ +2.66 to +3.46 %
# and +0.85 to +1.18 %; C +0.8 to +2.6 % at 100 µs, +0.24 to +0.93 % at 50 µs.
COARSE: dict[DrgType, tuple[tuple[float, tuple[float, float] | None], ...]] = {
    DrgType.ABETA: ((20.0, None), (10.0, (1.017, 1.004))),
    DrgType.ADELTA: ((20.0, None), (10.0, (1.017, 1.004))),
    DrgType.C: ((100.0, None), (50.0, (1.013, 1.001))),
}
# Median coarse-over-fine threshold (% above 1) against pulse width (µs), at the first
# coarse dt of COARSE (Aβ, Aδ 20 µs, C 100 µs), measured by benchmarks/coarse_ratio.py
# (400 neurons, seed 3, contact on the dorsal surface); linear between pulse widths,
# constant beyond the ends. The spread (5th to 95th percentile) is about ±0.3 % for Aβ
# and Aδ at 300 µs, more for C and at short pulses: a guess that misses costs a run per
# window width.
RATIO_PCT: dict[DrgType, tuple[tuple[float, float], ...]] = {
    DrgType.ABETA: ((60, 5.42), (100, 5.33), (160, 4.89), (200, 4.50), (300, 3.77),
                    (400, 3.17), (500, 2.67), (600, 2.30), (800, 1.76), (1000, 1.39)),
    DrgType.ADELTA: ((60, 3.83), (100, 3.94), (160, 3.77), (200, 3.61), (300, 3.11),
                     (400, 2.67), (500, 2.40), (600, 2.13), (800, 1.76), (1000, 1.54)),
    DrgType.C: ((100, 0.73), (200, 0.92), (300, 1.01), (1000, 1.01)),
}  # fmt: skip
RATIO_HALF_PCT = {DrgType.ABETA: 0.2, DrgType.ADELTA: 0.2, DrgType.C: 0.4}
# The coarse bisection only places the fine guess. Coarse and fine runs per threshold
# (1000 neurons, seed 1; seed 3 with the contact 0.5 mm off the same within 0.2):
# to 0.4 %, 8.0 and 4.2; to 0.8 %, 7.0 and 4.3; to 1.2 %, 6.4 and 4.4; to 1.6 %, 6.0 and
# 4.5. A coarse run costs about a quarter of a fine one, so 1.2 % costs least (3 % less
# than 0.4 %, 2 % less than 1.6 %)
COARSE_TOLERANCE = 0.012
# The first lanes of a type walk the ladder from the top; the rest start where these
# put them (_walk_ladder)
PILOT = 16
# The gate (solver.Gate): the first compartment of the central axon (a node where it is
# myelinated) at least this far past the T-junction (µm, along the axon). A spike that
# crosses it after the pulse, with nothing beyond it crossed, has arrived: the run ends
# there instead of at the central end (Aβ 22.5 mm, Aδ 11.1 mm, C 5.1 mm further on).
GATE_UM = 1000.0
# outcome of one rung: nothing crossed / a crossing somewhere, none at the detection site /
# a spike at the detection site
_N, _X, _D = 0, 1, 2


@dataclass(frozen=True, kw_only=True)
class PopulationThresholds:
    """Per neuron of ``indices`` (in that order): threshold and activation per amplitude."""

    indices: IntArray  # positions in the population
    thresholds_uA: FloatArray  # (n,), inf: not activated up to max_amplitude_uA
    amplitudes_uA: tuple[float, ...]
    active: BoolArray  # (n, a): the spike reaches the detection site at that amplitude
    reached: BoolArray  # (n, a): threshold ≤ amplitude (activated or blocked)
    # (n,): a rung the ladder walked above threshold showed block (information only: the
    # walk runs the rungs it needs, not all; at the coarse dt where the ladder ran at one)
    block_candidates: BoolArray
    # runs of the ladder, the bisection and the block check together (the ladder's walk
    # depends on the neurons computed together, the thresholds and states do not)
    simulations: int

    @property
    def blocked(self) -> BoolArray:
        """(n, a): threshold ≤ amplitude, but no spike at the detection site."""
        out: BoolArray = self.reached & ~self.active
        return out


def ladder_uA(max_amplitude_uA: float, start_uA: float = START_uA) -> FloatArray:
    """The exhaustive doubling's amplitudes: ``start_uA · 2^k`` below the maximum, then it."""
    rungs = [start_uA]
    while rungs[-1] * 2.0 < max_amplitude_uA:
        rungs.append(rungs[-1] * 2.0)
    if rungs[-1] < max_amplitude_uA:
        rungs.append(max_amplitude_uA)
    return np.asarray([r for r in rungs if r <= max_amplitude_uA] or [max_amplitude_uA])


Field = Callable[[int, "FloatArray"], "FloatArray"]
"""A unit-amplitude field: (neuron index, compartment centres (m, 3) in the ganglion's
frame, µm) → outside potential (m,) in mV per mA of drive."""


def ganglion_points_um(
    population: Population, index: int, points_um: FloatArray
) -> FloatArray:  # fmt: skip
    """Points (m, 3) of neuron ``index``'s own frame in the ganglion's frame (the inverse
    of :meth:`~drgstim.biophysics.population.Population.neuron_frame`)."""
    u = population.stem_directions()[index]
    axes = np.stack([np.array([1.0, 0.0, 0.0]), u, np.cross(np.array([1.0, 0.0, 0.0]), u)])
    out: FloatArray = population.position_um[index] + np.asarray(points_um) @ axes
    return out


def _point_sources_local(
    population: Population, sources_um: Sequence[PointSource], *, sigma_S_per_m: float
) -> Field:
    """Point sources (ganglion frame, µm, signed fractions) in a homogeneous medium, as a
    field that takes points in each neuron's own frame: each source is moved into that
    frame, exactly as recruitment places its contact."""
    frames = [population.neuron_frame(s.position_m) for s in sources_um]

    def field(index: int, centres_um: FloatArray) -> FloatArray:
        local = [
            PointSource(tuple(float(c) for c in f[index]), s.fraction)  # type: ignore[arg-type]
            for f, s in zip(frames, sources_um, strict=True)
        ]
        return potential_mV_at_um(
            current_mA=1.0, points_um=centres_um, sources_um=local, sigma_S_per_m=sigma_S_per_m
        )

    return field


def _ve(
    population: Population, idx: IntArray, batch: Batch, field: Field, local: bool
) -> FloatArray:
    """Outside potential (mV per mA of drive) at each compartment and lane (``local``: the
    field takes points in the neuron's own frame)."""
    ve = np.empty(batch.area.shape)
    for lane, i in enumerate(idx):
        centres = np.ascontiguousarray(batch.centres_um[:, :, lane])
        if not local:
            centres = ganglion_points_um(population, int(i), centres)
        ve[:, lane] = field(int(i), centres)
    return ve


@dataclass
class _Group:
    """One type's neurons of a chunk: batch, potentials, each lane's run length (ms), the
    waveform at ``dt_ms`` sampled to the longest."""

    kind: DrgType
    batch: Batch
    ve: FloatArray
    run_ms: FloatArray
    wave: FloatArray
    dt_ms: float
    pulse_width_us: float
    chain: IntArray  # the way to the detection site, and each lane's gate on it
    gate_at: IntArray
    fastest_ms: FloatArray  # each lane's fastest travel from its gate to the detection site
    clear_ms: FloatArray  # when a run with nothing crossed at or beyond its gate may end
    sims: int = 0
    start: Settled | None = None  # see settled()
    pace: Callable[[], None] = lambda: None  # called before each kernel (_Threads.pace)

    def steps(self, lanes: IntArray) -> IntArray:
        """Steps of ``dt_ms`` each of ``lanes`` runs: its own neuron's run length."""
        return lane_steps(self.run_ms[lanes], self.dt_ms)

    def gate(self, lanes: IntArray) -> Gate:
        """The gate of ``lanes`` (see :data:`GATE_UM`) at ``dt_ms``: a run that has not
        crossed at or beyond it by ``clear_ms`` ends then (``Gate.clear_steps``)."""
        driven = np.flatnonzero(self.wave)
        quiet = self.dt_ms * float(driven[-1] if len(driven) else 0)
        clear = np.ceil(self.clear_ms[lanes] / self.dt_ms).astype(np.int64) + 1
        return Gate(self.chain, self.gate_at[lanes], quiet, clear)

    def settled(self, lanes: IntArray) -> Settled:
        """The cells of ``lanes`` after the waveform's undriven first steps at ``dt_ms``
        (the 0.1 ms before the pulse; every run of a cell at any amplitude goes through
        the same ones), computed once per group: the runs start there."""
        if self.start is None:
            self.pace()
            self.start = settle(self.batch, wave=self.wave, dt_ms=self.dt_ms)
        return self.start.take(lanes)

    def outcomes(
        self, lanes: IntArray, amplitude_uA: FloatArray, *, coarse: bool = False
    ) -> IntArray:
        """``_N``/``_X``/``_D`` of each lane run at its amplitude (``coarse``: the screen's
        dt and run length)."""
        if not len(lanes):
            return np.zeros(0, dtype=np.int64)
        sub = take_lanes(self.batch, lanes)
        wave, dt_ms = self.wave, self.dt_ms
        steps: IntArray | None = self.steps(lanes)
        gate: Gate | None = self.gate(lanes)
        settled: Settled | None = None if coarse else self.settled(lanes)
        if coarse:
            dt_us = _screen_dt_us(self.pulse_width_us, units.us_from_ms(dt_ms))
            wave = sample(
                waveform=Waveform.CATHODIC, pulse_width_us=self.pulse_width_us,
                dt_us=dt_us, tstop_ms=SCREEN_TSTOP_ms,
            )  # fmt: skip
            dt_ms, steps, gate, settled = units.ms_from_us(dt_us), None, None, None
        # each slot takes the next lane as soon as its run ends: a run that fires stops
        # when its spike arrives, so runs of one batch end at very different steps
        self.pace()
        run = run_each(
            sub,
            ve_mV=np.ascontiguousarray(self.ve[:, lanes]),
            drive=units.mA_from_uA(np.asarray(amplitude_uA, dtype=np.float64)),
            wave=wave,
            dt_ms=dt_ms,
            steps=steps,
            gate=gate,
            settled=settled,
        )
        self.sims += len(lanes)
        crossed = np.isfinite(run.tcross_ms)
        return np.where(run.fired, _D, np.where(crossed.any(axis=0), _X, _N))


def _group(
    population: Population, idx: IntArray, kind: DrgType, *, pulse_width_us: float,
    field: Field, local: bool,
) -> _Group:  # fmt: skip
    dt_us = simulation_dt_us(kind.value)
    # the cells of every diameter at once (the same arrays as building each, tested)
    cell, lanes = drg_lane_arrays(kind, diameters_um=population.diameter_um[idx].tolist())
    batch = assemble_lanes(cell, lanes)
    ve = _ve(population, idx, batch, field, local)
    # Each lane runs as long as its own neuron needs (``runlength``: from its own origin,
    # at its own diameter), as in the exhaustive search.
    stim_end = end_ms(waveform=Waveform.CATHODIC, pulse_width_us=pulse_width_us)
    length_um = np.stack([a.length_um for a in lanes], axis=1)
    diameter_um = np.stack([a.diameter_um for a in lanes], axis=1)
    run_ms = lane_run_lengths_ms(
        cell, stimulus_end_ms=stim_end, ve_mV=ve, length_um=length_um, diameter_um=diameter_um
    )
    chain, gate_at = _gates(batch)
    fastest = lane_fastest_ms(
        cell, path=chain, start=gate_at, length_um=length_um, diameter_um=diameter_um
    )
    # A run with nothing crossed at or beyond its gate can end its fastest travel from
    # the gate to the detection site before its run length: a spike still short of the
    # gate would arrive too late. Not before the latency allowance after the pulse,
    # though: until then a spike could still start beyond the gate (where a neuron's
    # origin lies beyond its gate, its run length is shorter than that travel).
    initiated = stim_end + latency_ms(cell)
    clear = np.maximum(run_ms - fastest, initiated)
    return _Group(
        kind, batch, np.ascontiguousarray(ve), run_ms, _wave(pulse_width_us, dt_us, run_ms),
        units.ms_from_us(dt_us), pulse_width_us, chain, gate_at, fastest, clear,
    )  # fmt: skip


def _gates(batch: Batch) -> tuple[IntArray, IntArray]:
    """The way from the root to the detection site, and each lane's gate on it: the first
    compartment past the T-junction (the cell's frame has the central axon along +x from
    it) whose centre is ``GATE_UM`` or more along, a node where the axon has nodes (−1:
    none before the detection site)."""
    path = []
    i = batch.detect
    while i >= 0:
        path.append(i)
        i = int(batch.parent[i])
    chain = np.asarray(path[::-1], dtype=np.int64)
    x = batch.centres_um[chain, 0, :]  # (m, L)
    nodes = batch.mech[chain] == mrg_node.MECH_ID
    ok = (x >= GATE_UM) & (nodes[:, None] if nodes.any() else True)
    ok[-1] = False  # the detection site itself is no gate
    gate_at = np.where(ok.any(axis=0), np.argmax(ok, axis=0), -1).astype(np.int64)
    return chain, gate_at


def _wave(pulse_width_us: float, dt_us: float, run_ms: FloatArray) -> FloatArray:
    """The cathodic waveform at ``dt_us``, as long as the longest of ``run_ms``."""
    return sample(
        waveform=Waveform.CATHODIC, pulse_width_us=pulse_width_us, dt_us=dt_us,
        tstop_ms=float(np.max(run_ms)),
    )  # fmt: skip


def _coarse_choice(kind: DrgType, pulse_width_us: float) -> tuple[float, tuple[float, float]]:
    """(coarse dt in µs, guess window) for ``kind`` at this pulse width; dt 0: none."""
    for dt, window in COARSE.get(kind, ()):
        if abs(pulse_width_us / dt - round(pulse_width_us / dt)) < 1e-9:
            if window is not None:
                return dt, window
            pw, pct = zip(*RATIO_PCT[kind], strict=True)
            centre = float(np.interp(pulse_width_us, pw, pct))
            half = RATIO_HALF_PCT[kind]
            return dt, (1.0 + (centre + half) / 100.0, 1.0 + (centre - half) / 100.0)
    return 0.0, (1.0, 1.0)


def _coarse(g: _Group, dt_us: float) -> _Group:
    """The same cells at ``dt_us`` for the same run lengths (a C neuron's run at 100 µs
    costs a quarter of one at 25 µs)."""
    return _Group(
        g.kind, g.batch, g.ve, g.run_ms, _wave(g.pulse_width_us, dt_us, g.run_ms),
        units.ms_from_us(dt_us), g.pulse_width_us, g.chain, g.gate_at, g.fastest_ms, g.clear_ms,
        pace=g.pace,
    )  # fmt: skip


def _screen_dt_us(pulse_width_us: float, model_dt_us: float) -> float:
    for dt in SCREEN_DT_us:
        if dt > model_dt_us and abs(pulse_width_us / dt - round(pulse_width_us / dt)) < 1e-9:
            return dt
    return model_dt_us


def _walk_ladder(g: _Group, rungs: FloatArray) -> tuple[IntArray, BoolArray]:
    """Outcome (lanes, rungs) of the rungs each lane walked (−1: not run), and which lanes
    the screen found silent (screened types only).

    Each lane's walk finds the rung where the exhaustive doubling stops, the lowest with a
    spike at the detection site, and runs the rung below it too (``N`` below a rung where
    nothing crosses, nothing fires: the walk's one assumption, as before). The first
    :data:`PILOT` lanes walk from the top rung down to their first ``N``; the others start
    at the rung that the pilots' lowest spiking rung times their peak unit potential
    predicts for each (thresholds scale about as one over it): down from there to the
    first ``N`` if it shows anything, up to the first spike if not. The prediction only
    decides where a walk starts, so every lane ends at the same rungs whatever it is."""
    lanes = g.batch.area.shape[1]
    out = np.full((lanes, len(rungs)), -1, dtype=np.int64)
    open_ = np.arange(lanes)
    silent = np.zeros(lanes, dtype=np.bool_)
    if g.kind in SCREENED and lanes:
        top = np.full(lanes, SCREEN_MARGIN * rungs[-1])
        silent = g.outcomes(open_, top, coarse=True) == _N
        out[silent, -1] = _N
        open_ = open_[~silent]
    pilot, rest = open_[:PILOT], open_[PILOT:]
    _walk(g, rungs, out, pilot, np.full(len(pilot), len(rungs) - 1))
    if len(rest):
        peak = np.abs(g.ve).max(axis=0)
        hit = out[pilot] == _D
        found = hit.any(axis=1)
        if found.any():
            lowest = rungs[np.argmax(hit[found], axis=1)] * peak[pilot[found]]
            guess = float(np.median(lowest)) / peak[rest]
            start = np.minimum(np.searchsorted(rungs, guess), len(rungs) - 1)
        else:
            start = np.full(len(rest), len(rungs) - 1)
        _walk(g, rungs, out, rest, start)
    return out, silent


def _walk(g: _Group, rungs: FloatArray, out: IntArray, lanes: IntArray, start: IntArray) -> None:
    """Walk ``lanes`` from rung ``start`` (see :func:`_walk_ladder`), outcomes into ``out``:
    a lane whose start shows something goes down to its first ``N`` (and, if it met no
    spike on the way, up from its start to the first one); one whose start shows nothing
    goes up to the first spike."""
    top = len(rungs) - 1
    pos = np.asarray(start, dtype=np.int64).copy()
    step = np.zeros(len(lanes), dtype=np.int64)  # 0 first run, −1 down, +1 up
    first = pos.copy()
    seen = np.zeros(len(lanes), dtype=np.bool_)  # a spike met on the way down
    live = np.arange(len(lanes))
    while len(live):
        lane, at = lanes[live], pos[live]
        got = g.outcomes(lane, rungs[at])
        out[lane, at] = got
        nxt = []
        for k, i in enumerate(live):
            o, d = got[k], step[i]
            seen[i] |= o == _D
            if d == 0:
                d = 1 if o == _N else -1
            if d < 0 and (o == _N or pos[i] == 0):
                if seen[i] or first[i] == top:
                    continue  # done: the lowest spike is known, or none above either
                d, pos[i] = 1, first[i]  # nothing fired down there: up from the start
            elif d > 0 and (o == _D or pos[i] == top):
                continue
            step[i] = d
            pos[i] += d
            nxt.append(i)
        live = np.asarray(nxt, dtype=np.int64)
        # lanes whose last run fired first (slots are refilled as runs end, so the order
        # only decides which runs are left for the group's tail)
        if len(live):
            live = live[np.argsort(-(out[lanes[live], pos[live] - step[live]]), kind="stable")]


def _refine(
    g: _Group, coarse_uA: FloatArray, open_: IntArray, max_uA: float,
    window: tuple[float, float],
) -> FloatArray:  # fmt: skip
    """Thresholds (µA) of lanes ``open_`` at ``g``'s own dt, from their thresholds at the
    screen's dt (``coarse_uA``, inf: none up to the maximum there): the fine search first
    runs just above and just below where the coarse threshold predicts the fine one
    (``window``, see :data:`COARSE`), then bisects to the tolerance. A prediction that misses costs
    those two runs and the search goes on from them, so the result is always a bracket of
    the tolerance whose ends were both run at the model's dt."""
    thr = np.full(g.batch.area.shape[1], np.inf)
    if not len(open_):
        return thr
    # none at the coarse dt up to the maximum: the fine threshold may still lie just
    # below it (it is the lower one), so the maximum is run first
    finite = np.isfinite(coarse_uA[open_])
    c = np.where(finite, coarse_uA[open_], max_uA)
    above = np.where(finite, np.minimum(c / window[1], max_uA), max_uA)
    below = np.minimum(c / window[0], above * window[1] / window[0])
    settled = g.settled(open_)
    g.pace()
    res = find_thresholds(
        take_lanes(g.batch, open_),
        ve_mV=np.ascontiguousarray(g.ve[:, open_]),
        wave=g.wave,
        dt_ms=g.dt_ms,
        maximum=units.mA_from_uA(max_uA),
        rel_tol=RELATIVE_TOLERANCE,
        guess=(units.mA_from_uA(below), units.mA_from_uA(above)),
        steps=g.steps(open_),
        gate=g.gate(open_),
        settled=settled,
        # a miss moves by the window's own width, not by doubling: firing can stop above
        # threshold (block), and a doubling would jump from just below the threshold over
        # the drives that fire (an Aβ firing at 1.13–1.8 mA, blocked at 2.26 mA)
        growth=window[0] / window[1],
    )
    g.sims += res.simulations
    got = units.uA_from_mA(res.threshold)
    thr[open_] = np.where(np.isfinite(got), got, np.inf)
    return thr


def _bisect(
    g: _Group, ladder: IntArray, rungs: FloatArray, max_uA: float,
    rel_tol: float = RELATIVE_TOLERANCE,
) -> FloatArray:  # fmt: skip
    """Thresholds (µA): the exhaustive bisection, started one rung below the lowest ``D``,
    to ``rel_tol``."""
    lanes = g.batch.area.shape[1]
    thr = np.full(lanes, np.inf)
    hit = ladder == _D
    found = np.flatnonzero(hit.any(axis=1))
    if not len(found):
        return thr
    lowest = np.argmax(hit[found], axis=1)  # the first rung (from below) with a spike
    # the doubling's bracket: the rung below (already run, no spike there; 0 below the
    # first rung) and that rung; the kernel bisects it at once, as the doubling would
    lower = np.where(lowest > 0, rungs[np.maximum(lowest - 1, 0)], 0.0)
    settled = g.settled(found)
    g.pace()
    res = find_thresholds(
        take_lanes(g.batch, found),
        ve_mV=np.ascontiguousarray(g.ve[:, found]),
        wave=g.wave,
        dt_ms=g.dt_ms,
        initial=units.mA_from_uA(rungs[0]),
        maximum=units.mA_from_uA(max_uA),
        rel_tol=rel_tol,
        bracket=(units.mA_from_uA(lower), units.mA_from_uA(rungs[lowest])),
        steps=g.steps(found),
        gate=g.gate(found),
        settled=settled,
    )
    g.sims += res.simulations
    got = units.uA_from_mA(res.threshold)
    thr[found] = np.where(np.isfinite(got), got, np.inf)
    return thr


def _activation(
    g: _Group, thr: FloatArray, ladder: IntArray, rungs: FloatArray, amps: FloatArray,
    *, reuse: bool = True,
) -> tuple[BoolArray, BoolArray, BoolArray]:  # fmt: skip
    """(active, reached, blocked on a rung) per lane and requested amplitude (``reuse``:
    the ladder ran at ``g``'s dt, so a requested amplitude on a rung reuses its run)."""
    reached = thr[:, None] <= amps[None, :]
    above = rungs[None, :] > thr[:, None]
    candidates = ((ladder == _X) & above).any(axis=1)
    walked = ladder
    if not reuse:
        ladder = np.full_like(ladder, -1)
    active = reached.copy()
    # every amplitude above threshold is run (a rung reuses its outcome): block windows lie
    # between rungs too (Aβ spiking at 3.2 and 6 mA, silent at 3.6–4.8 mA), so a neuron
    # whose rungs all reach the central end can still be blocked at a requested amplitude
    pairs = np.argwhere(reached & (amps[None, :] > thr[:, None]))
    if len(pairs):
        lanes, cols = pairs[:, 0], pairs[:, 1]
        rung = np.searchsorted(rungs, amps[cols])
        on_rung = (rung < len(rungs)) & (rungs[np.minimum(rung, len(rungs) - 1)] == amps[cols])
        known = ladder[lanes, np.minimum(rung, len(rungs) - 1)]
        fires = np.where(on_rung & (known >= 0), known == _D, False)
        todo = np.flatnonzero(~(on_rung & (known >= 0)))
        if len(todo):
            todo = todo[_end_order(g, walked, rungs, lanes[todo], amps[cols[todo]])]
            fires[todo] = g.outcomes(lanes[todo], amps[cols[todo]]) == _D
        active[lanes, cols] = fires
    return active, reached, candidates


def _end_order(
    g: _Group, ladder: IntArray, rungs: FloatArray, lanes: IntArray, amps: FloatArray
) -> IntArray:
    """An order of block runs, longest first, so that the last runs to start (slots are
    refilled as runs end) are short ones: likely blocks first (a rung on either side of
    the amplitude showed block; a blocked run lasts the neuron's whole run length), then
    by run length (a run that fires ends when its spike arrives, a similar fraction of
    the run length)."""
    below = np.clip(np.searchsorted(rungs, amps, side="right") - 1, 0, len(rungs) - 1)
    above = np.minimum(below + 1, len(rungs) - 1)
    likely = (ladder[lanes, below] == _X) | (ladder[lanes, above] == _X)
    order: IntArray = np.lexsort((-g.run_ms[lanes], ~likely))
    return order


def _check(pulse_width_us: float, amps: Sequence[float], max_uA: float) -> None:
    if not 0.0 < max_uA <= 2.0 * DEVICE_MAX_uA:
        raise InputError("max_amplitude_uA", max_uA, f"0–{2.0 * DEVICE_MAX_uA:g} µA")
    for a in amps:
        if not 0.0 < a <= max_uA:
            raise InputError("amplitudes_uA", a, f"0–{max_uA:g} µA (exclusive of 0)")
    if not 10.0 <= pulse_width_us <= 10_000.0:
        raise InputError("pulse_width_us", pulse_width_us, "10–10000 µs")


def _inputs(
    population: Population,
    sources_um: Sequence[PointSource],
    field: Field | None,
    indices: Sequence[int] | npt.NDArray[np.int64] | None,
    sigma_S_per_m: float,
) -> tuple[Field, bool, IntArray]:
    """(unit field, whether it takes each neuron's own frame, chosen positions)."""
    if bool(sources_um) == (field is not None):
        raise InputError("sources_um", list(sources_um), "one or more point sources, or a field")
    local = field is None
    unit = field or _point_sources_local(population, sources_um, sigma_S_per_m=sigma_S_per_m)
    chosen = np.arange(len(population)) if indices is None else np.asarray(indices, np.int64)
    if len(chosen) and not (chosen.min() >= 0 and chosen.max() < len(population)):
        raise InputError("indices", chosen.tolist(), f"positions 0–{len(population) - 1}")
    return unit, local, chosen


def _by_type(
    population: Population,
    chosen: IntArray,
    pulse_width_us: float,
    unit: Field,
    local: bool,
) -> Iterator[tuple[DrgType, IntArray, _Group]]:
    """Per neuron type present in ``chosen``: the type, the rows of ``chosen`` it holds, and
    their batch (one topology per batch)."""
    types = np.array([population.types[i].value for i in chosen], dtype=object)
    for kind in DrgType:
        rows = np.flatnonzero(types == kind.value)
        if len(rows):
            yield kind, rows, _group(
                population, chosen[rows], kind, pulse_width_us=pulse_width_us,
                field=unit, local=local,
            )  # fmt: skip


def population_thresholds(
    population: Population,
    *,
    sources_um: Sequence[PointSource] = (),
    field: Field | None = None,
    pulse_width_us: float,
    amplitudes_uA: Sequence[float] = (),
    max_amplitude_uA: float = DEVICE_MAX_uA,
    indices: Sequence[int] | npt.NDArray[np.int64] | None = None,
    sigma_S_per_m: float = DEFAULT_SIGMA_S_PER_M,
    start_uA: Mapping[DrgType, float] | None = None,
    progress: Callable[[int, int], None] | None = None,
    threads: int | None = None,
) -> PopulationThresholds:
    """Thresholds (µA, cathodic pulse of ``pulse_width_us``) and activation of the neurons
    ``indices`` (default: all) of ``population`` for one electrode configuration.

    ``sources_um``: the contacts at unit amplitude, points in the ganglion's frame (µm)
    with signed current fractions (a single contact: ``[PointSource(xyz, 1.0)]``; a
    bipole: fractions +1 and −1), in a homogeneous medium of ``sigma_S_per_m``. Or any
    other unit-amplitude potential as ``field`` (see :data:`Field`; e.g. an interpolated
    finite-element solution). The drive is the amplitude times the cathodic waveform,
    as everywhere in this package. ``amplitudes_uA`` (each ≤ ``max_amplitude_uA``) are
    where activation and block are reported. ``start_uA``: the ladder's lowest rung per
    type (default ``START_uA``): the thresholds are those of the exhaustive doubling from
    it. ``progress(done, total)`` as neurons are done.

    ``threads`` (default: Numba's thread count): the neurons are split into that many
    interleaved parts, each computed whole in its own thread (cells, Python and kernels;
    the kernels release the GIL), instead of one part whose kernels use every thread: no
    thread waits while another builds cells or finishes a kernel's last runs. A part that
    ends hands its thread to the next kernel of a part still running (:class:`_Threads`):
    equal parts need unequal time (1000 neurons: one part 1.6 s of CPU longer than the
    other). Each neuron's result does not depend on its part or on the threads its
    kernels ran on (tested), so neither changes a result. Under Numba's workqueue
    threading layer (no OpenMP or TBB installed) there is one part.
    """
    amps = np.asarray([float(a) for a in amplitudes_uA], dtype=np.float64)
    _check(pulse_width_us, amplitudes_uA, max_amplitude_uA)
    unit, local, chosen = _inputs(population, sources_um, field, indices, sigma_S_per_m)
    starts = dict(start_uA or {})
    for kind, start in starts.items():
        if not 0.0 < start <= max_amplitude_uA:
            raise InputError(f"start_uA[{kind}]", start, f"0–{max_amplitude_uA:g} µA")
    if threads is not None and not 1 <= threads <= 256:
        raise InputError("threads", threads, "1–256")
    n = len(chosen)
    parts = max(1, min(numba.get_num_threads() if threads is None else int(threads), n))
    from drgstim.biophysics.solver import cpu  # the kernels' module, loaded when used

    if parts > 1 and not cpu.concurrent_calls_safe():
        parts = 1  # Numba's workqueue layer: one part, its kernels on every thread
    out = _Result(n, len(amps))
    lock = threading.Lock()
    share = _Threads(numba.get_num_threads() if threads is None else int(threads), parts)

    def report(rows: int, sims: int) -> None:
        with lock:
            out.done += rows
            out.sims += sims
            if progress is not None:
                progress(out.done, n)

    def part(rows: IntArray) -> None:
        held = [1]

        def pace() -> None:  # this thread's own setting: its share, and any left free
            held[0] = share.take(held[0])
            numba.set_num_threads(held[0])

        try:
            pace()  # every kernel of this thread, from its first (whatever calls it)
            _part(
                population, chosen, rows, out, pulse_width_us=pulse_width_us, amps=amps,
                max_uA=max_amplitude_uA, starts=starts, unit=unit, local=local,
                report=report, pace=pace,
            )  # fmt: skip
        finally:
            share.give(held[0])

    everything = np.arange(n)
    if parts == 1:
        _part(
            population, chosen, everything, out, pulse_width_us=pulse_width_us, amps=amps,
            max_uA=max_amplitude_uA, starts=starts, unit=unit, local=local, report=report,
        )  # fmt: skip
    else:
        with ThreadPoolExecutor(parts) as pool:
            jobs = [pool.submit(part, everything[k::parts]) for k in range(parts)]
            for job in jobs:
                job.result()
    return PopulationThresholds(
        indices=chosen,
        thresholds_uA=out.thr,
        amplitudes_uA=tuple(float(a) for a in amps),
        active=out.active,
        reached=out.reached,
        block_candidates=out.candidates,
        simulations=out.sims,
    )


class _Threads:
    """Numba threads of :func:`population_thresholds`'s parts: each part starts with one; a
    part that ends gives its threads back and the next kernel of a part still running
    takes them (parts of equal size need unequal time: the last part would otherwise run
    its last kernels on one thread while the others wait)."""

    def __init__(self, total: int, parts: int) -> None:
        self.most = int(numba.config.NUMBA_NUM_THREADS)  # type: ignore[attr-defined]
        self.free = max(0, min(total, self.most) - parts)
        self.lock = threading.Lock()

    def take(self, held: int) -> int:
        """``held`` and the threads now free, up to as many as Numba has started (they are
        this part's until it ends)."""
        with self.lock:
            more = max(0, min(self.free, self.most - held))
            self.free -= more
        return held + more

    def give(self, held: int) -> None:
        """A part's threads back, when it ends."""
        with self.lock:
            self.free += held


class _Result:
    """The arrays every part of :func:`population_thresholds` fills (its own rows)."""

    def __init__(self, n: int, a: int) -> None:
        self.thr = np.full(n, np.inf)
        self.active = np.zeros((n, a), dtype=np.bool_)
        self.reached = np.zeros((n, a), dtype=np.bool_)
        self.candidates = np.zeros(n, dtype=np.bool_)
        self.sims = 0
        self.done = 0


def _part(
    population: Population, chosen: IntArray, part: IntArray, out: _Result, *,
    pulse_width_us: float, amps: FloatArray, max_uA: float, starts: dict[DrgType, float],
    unit: Field, local: bool, report: Callable[[int, int], None],
    pace: Callable[[], None] = lambda: None,
) -> None:  # fmt: skip
    """Rows ``part`` of ``chosen``: per type, the ladder, bisection, refinement and block
    check; results into ``out`` (``pace``: called before each kernel)."""
    for kind, sub, g in _by_type(population, chosen[part], pulse_width_us, unit, local):
        g.pace = pace
        rows = part[sub]
        rungs = ladder_uA(max_uA, starts.get(kind, START_uA))
        coarse_dt_us, window = _coarse_choice(kind, pulse_width_us)
        fine = not coarse_dt_us > units.us_from_ms(g.dt_ms)
        sims = 0
        if fine:
            ladder, _ = _walk_ladder(g, rungs)
            thr = _bisect(g, ladder, rungs, max_uA)
        else:  # ladder and bisection at the coarse dt, then refined at the model's
            coarse = _coarse(g, coarse_dt_us)
            ladder, silent = _walk_ladder(coarse, rungs)
            first = _bisect(coarse, ladder, rungs, max_uA, COARSE_TOLERANCE)
            thr = _refine(g, first, np.flatnonzero(~silent), max_uA, window)
            sims += coarse.sims
        act, rch, cand = _activation(g, thr, ladder, rungs, amps, reuse=fine)
        out.thr[rows], out.active[rows], out.reached[rows], out.candidates[rows] = (
            thr, act, rch, cand,
        )  # fmt: skip
        report(len(rows), sims + g.sims)


def population_activation(
    population: Population,
    *,
    amplitudes_uA: Sequence[float] | FloatArray,
    pulse_width_us: float,
    sources_um: Sequence[PointSource] = (),
    field: Field | None = None,
    indices: Sequence[int] | npt.NDArray[np.int64] | None = None,
    sigma_S_per_m: float = DEFAULT_SIGMA_S_PER_M,
) -> BoolArray:
    """Whether the spike of each neuron of ``indices`` (default: all) reaches the detection
    site at its own amplitude (``amplitudes_uA``, µA, one per neuron): one run each, with
    the same cells, dt and run length as :func:`population_thresholds` (e.g. the block
    check at one program amplitude of neurons whose thresholds are known)."""
    unit, local, chosen = _inputs(population, sources_um, field, indices, sigma_S_per_m)
    amps = np.asarray(amplitudes_uA, dtype=np.float64)
    if amps.shape != chosen.shape:
        raise InputError("amplitudes_uA", len(amps), f"one per neuron ({len(chosen)})")
    _check(pulse_width_us, amps.tolist(), 2.0 * DEVICE_MAX_uA)
    out = np.zeros(len(chosen), dtype=np.bool_)
    for _kind, rows, g in _by_type(population, chosen, pulse_width_us, unit, local):
        out[rows] = g.outcomes(np.arange(len(rows)), amps[rows]) == _D
    return out

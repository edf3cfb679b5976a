"""T-junction transmission of an orthodromic spike train, ganglion stimulation off vs on.

The experiment of Chao et al. 2020 (Pain 161:2872) in a model DRG neuron: a train of
suprathreshold current pulses (``rate_Hz``) is injected at the far end of the peripheral
axon (an intracellular electrode, NEURON's ``IClamp``); each spike travels towards the
ganglion, through the T-junction and on to the central end. Meanwhile a point source at
distance R from the soma (the DRG layout of :mod:`drgstim.biophysics.drg.builders`:
(0, 0, R)) delivers a 20 Hz pulse train, or nothing. All conditions run as lanes of one
batch on the core solver (lane 0: stimulation off; one lane per stimulation amplitude),
and only spike counts and times are kept, so runs of seconds need no traces.

Counted sites: the *launch* site (the excitable peripheral compartment nearest 80 % of
the way from the T-junction to the injection end), the T-junction and the central end.
Each injected pulse is *launched*. Each stimulation amplitude runs twice, with and
without the injected train; the central spikes of the run without it are the stimulus's
own (``evoked_central``, zero below the neuron's threshold). *Transmitted* per window =
central spikes with the train minus central spikes without it, clipped to 0 … launched,
with central spikes binned at their time minus the off condition's median latency (so a
spike counts in the window of the pulse that launched it). Below threshold this is the
number of injected spikes that reached the central end; where the stimulus fires the
neuron itself its spikes collide with the train, and the count is the number of central
spikes the train adds. The off condition of the published membranes transmits every
pulse (a check of the injection); with ``calcium_sk`` the C neuron's own T-junction
filtering shows there too (see ``docs/drg_models.md``).

Results per window of ``window_s`` seconds (by launch time): launched, transmitted and
their ratio, per lane. Runtime grows linearly with duration and lanes (see
``docs/drg_models.md``).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from drgstim import units
from drgstim.biophysics.drg.builders import build_drg
from drgstim.biophysics.drg.geometry import DrgType
from drgstim.biophysics.morphology import Morphology
from drgstim.biophysics.solver import CurrentInjection, assemble, run_batch
from drgstim.biophysics.sources import DEFAULT_SIGMA_S_PER_M
from drgstim.biophysics.stimulate import point_source_ve
from drgstim.biophysics.waveforms import Waveform, sample
from drgstim.errors import InputError

__all__ = [
    "INJECTION_DEFAULTS",
    "TransmissionResult",
    "TransmissionSites",
    "transmission",
    "transmission_sites",
]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

# (dt_us, injected pulse amplitude nA, pulse width µs) per type: the pulse launches one
# spike from the peripheral end every time, about 9-13× its single-pulse threshold at the
# default diameters (C 0.055 nA, Aβ 0.43 nA, Aδ 0.15 nA), so stimulation does not decide
# whether a spike is launched; the off condition transmits every spike (without calcium_sk).
INJECTION_DEFAULTS: dict[DrgType, tuple[float, float, float]] = {
    DrgType.ABETA: (5.0, 5.0, 100.0),
    DrgType.ADELTA: (5.0, 2.0, 100.0),
    DrgType.C: (25.0, 0.5, 1000.0),
}
_LAUNCH_FRACTION = 0.8  # launch site: 80 % of the way from the T-junction to the far end
_INJECTION_DELAY_MS = 5.0
_STIM_DELAY_MS = 0.1


@dataclass(frozen=True)
class TransmissionSites:
    """Compartment indices: electrode, launch site, T-junction, central end."""

    injection: int
    launch: int
    tjunction: int
    central: int


@dataclass(frozen=True)
class TransmissionResult:
    """Per condition (0: stimulation off; then one per amplitude) and per window."""

    model: str
    amplitudes_uA: FloatArray  # (A + 1,) 0 for the off condition
    rate_Hz: float
    duration_s: float
    window_s: float
    stim_frequency_Hz: float
    stim_pulse_width_us: float
    stim_waveform: str
    distance_um: float
    dt_us: float
    launched: IntArray  # (windows,) injected pulses per window
    transmitted: IntArray  # (A + 1, windows)
    spikes: IntArray  # (A + 1, 3) up-crossings at the launch site, T-junction, central end
    evoked_central: IntArray  # (A + 1,) central spikes without injection (0 for off)
    latency_ms: float  # median pulse-to-central latency, stimulation off
    sites: TransmissionSites
    seconds: float

    @property
    def fraction(self) -> FloatArray:
        """Transmitted / launched per condition and window (NaN where nothing launched)."""
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(self.launched > 0, self.transmitted / self.launched, np.nan)

    def as_dict(self) -> dict[str, object]:
        """JSON-ready summary (the CLI's contract)."""
        frac = self.fraction
        launched = int(self.launched.sum())
        conditions = []
        for k, amp in enumerate(self.amplitudes_uA):
            sent = int(self.transmitted[k].sum())
            conditions.append(
                {
                    "stimulation": "off" if k == 0 else "on",
                    "amplitude_uA": float(amp),
                    "launched": launched,
                    "transmitted": sent,
                    "fraction": sent / launched if launched else None,
                    "fraction_per_window": [None if np.isnan(f) else float(f) for f in frac[k]],
                    "spikes_launch_site": int(self.spikes[k, 0]),
                    "spikes_tjunction": int(self.spikes[k, 1]),
                    "spikes_central": int(self.spikes[k, 2]),
                    "evoked_central_without_injection": int(self.evoked_central[k]),
                    "net_central": int(self.spikes[k, 2] - self.evoked_central[k]),
                }
            )
        return {
            "model": self.model,
            "rate_Hz": self.rate_Hz,
            "duration_s": self.duration_s,
            "window_s": self.window_s,
            "stimulation": {
                "frequency_Hz": self.stim_frequency_Hz,
                "pulse_width_us": self.stim_pulse_width_us,
                "waveform": self.stim_waveform,
                "distance_um": self.distance_um,
            },
            "dt_us": self.dt_us,
            "latency_ms": self.latency_ms,
            "conditions": conditions,
            "seconds": self.seconds,
        }


def transmission_sites(cell: Morphology) -> TransmissionSites:
    """Electrode at the far (−x) end of the peripheral axon; see the module docstring."""
    comps = cell.compartments()
    x = np.array([c.centre_um[0] for c in comps])
    excitable = np.array([c.section.mechanism != "pas" for c in comps])
    peripheral = np.array([c.section.name.startswith("peripheral") for c in comps]) & excitable
    junction = np.array([c.section.name.startswith("tjunction") for c in comps])
    if not peripheral.any() or not junction.any():
        raise InputError("cell", cell.name, "a DRG neuron with peripheral and T-junction parts")
    injection = int(np.argmin(np.where(peripheral, x, np.inf)))
    tj = int(np.argmin(np.where(junction, np.abs(x), np.inf)))
    target = x[tj] + _LAUNCH_FRACTION * (x[injection] - x[tj])
    launch = int(np.argmin(np.where(peripheral, np.abs(x - target), np.inf)))
    return TransmissionSites(injection, launch, tj, cell.detect_index())


def _check(**values: float) -> None:
    for name, value in values.items():
        if not (np.isfinite(value) and value > 0):
            raise InputError(name, value, "> 0")


def _latency_ms(launch_ms: FloatArray, central_ms: FloatArray) -> float:
    """Median time from a launch to the next central spike (NaN if none follows)."""
    nxt = np.searchsorted(central_ms, launch_ms, side="right")
    ok = nxt < central_ms.size
    return float(np.median(central_ms[nxt[ok]] - launch_ms[ok])) if ok.any() else float("nan")


def transmission(
    *,
    model: DrgType | str = DrgType.C,
    diameter_um: float | None = None,
    rate_Hz: float = 4.0,
    duration_s: float = 2.0,
    window_s: float = 1.0,
    stim_amplitudes_uA: tuple[float, ...] = (1500.0,),
    stim_frequency_Hz: float = 20.0,
    stim_pulse_width_us: float = 300.0,
    stim_waveform: Waveform | str = Waveform.CATHODIC,
    distance_um: float = 1000.0,
    sigma_S_per_m: float = DEFAULT_SIGMA_S_PER_M,
    injection_nA: float | None = None,
    dt_us: float | None = None,
    sodium_dynamics: bool = False,
    calcium_sk: bool = False,
) -> TransmissionResult:
    """Stimulation off, and per amplitude on with and without the train, in one batch;
    spikes counted per window (see the module docstring). ``sodium_dynamics`` (C only):
    the C neuron with Na⁺ accumulation and the Na⁺/K⁺ pump; ``calcium_sk`` (C only): with
    the soma's L-type Ca²⁺, Ca²⁺ pool and SK current (``build_c``)."""
    start = time.perf_counter()
    kind = DrgType(model)
    _check(rate_Hz=rate_Hz, duration_s=duration_s, window_s=window_s, distance_um=distance_um)
    if window_s > duration_s:
        raise InputError("window_s", window_s, f"> 0 and at most duration_s ({duration_s:g} s)")
    _check(stim_frequency_Hz=stim_frequency_Hz, stim_pulse_width_us=stim_pulse_width_us)
    amps = np.asarray(stim_amplitudes_uA, dtype=np.float64).reshape(-1)
    if amps.size == 0 or not np.all(np.isfinite(amps) & (amps >= 0)):
        raise InputError("stim_amplitudes_uA", list(amps), "one or more amplitudes >= 0 µA")
    dt_default, inj_default, inj_width_us = INJECTION_DEFAULTS[kind]
    dt = dt_default if dt_us is None else dt_us
    inj = inj_default if injection_nA is None else injection_nA
    _check(dt_us=dt, injection_nA=inj)
    cell = build_drg(
        kind, diameter_um=diameter_um, sodium_dynamics=sodium_dynamics, calcium_sk=calcium_sk
    )
    sites = transmission_sites(cell)
    tstop_ms = units.ms_from_s(duration_s)
    train = sample(
        waveform=Waveform.ANODIC, pulse_width_us=inj_width_us, dt_us=dt, tstop_ms=tstop_ms,
        delay_ms=_INJECTION_DELAY_MS, frequency_Hz=rate_Hz,
    )  # fmt: skip
    stim = sample(
        waveform=stim_waveform, pulse_width_us=stim_pulse_width_us, dt_us=dt, tstop_ms=tstop_ms,
        delay_ms=_STIM_DELAY_MS, frequency_Hz=stim_frequency_Hz,
    )  # fmt: skip
    ve = point_source_ve(cell, distance_um=distance_um, sigma_S_per_m=sigma_S_per_m)
    max_spikes = int(4 * (rate_Hz + stim_frequency_Hz) * duration_s) + 16
    counts, times = _run_lanes(
        cell, sites, ve_mV=ve, amps_uA=amps, stim=stim, train=train, injection_nA=inj,
        dt_us=dt, max_spikes=max_spikes,
    )  # fmt: skip
    onsets_ms = _INJECTION_DELAY_MS + units.ms_from_s(np.arange(0.0, duration_s, 1.0 / rate_Hz))
    onsets_ms = onsets_ms[onsets_ms + units.ms_from_us(inj_width_us) <= tstop_ms]
    return _summarise(
        counts, times, np.r_[0.0, amps], onsets_ms, sites=sites,
        window_s=window_s, duration_s=duration_s, rate_Hz=rate_Hz,
        model=kind.value + "+sodium_dynamics" * sodium_dynamics + "+calcium_sk" * calcium_sk,
        stim=(stim_frequency_Hz, stim_pulse_width_us, Waveform(stim_waveform).value),
        distance_um=distance_um, dt_us=dt, started=start,
    )  # fmt: skip


def _run_lanes(
    cell: Morphology,
    sites: TransmissionSites,
    *,
    ve_mV: FloatArray,
    amps_uA: FloatArray,
    stim: FloatArray,
    train: FloatArray,
    injection_nA: float,
    dt_us: float,
    max_spikes: int,
) -> tuple[IntArray, FloatArray]:
    """Lanes: off with the train, on with it (per amplitude), on without it (per amplitude).

    Returns the spike counts (3, L) and times (3, max_spikes, L) at the launch site, the
    T-junction and the central end.
    """
    drive_uA = np.r_[0.0, amps_uA, amps_uA]
    injected = np.r_[np.full(1 + amps_uA.size, injection_nA), np.zeros(amps_uA.size)]
    run = run_batch(
        assemble([cell] * drive_uA.size), ve_mV=np.repeat(ve_mV[:, None], drive_uA.size, axis=1),
        drive=units.mA_from_uA(drive_uA), wave=stim, dt_ms=units.ms_from_us(dt_us),
        inject=CurrentInjection(
            compartments=[sites.injection], amplitude_nA=injected[None, :], wave=train
        ),
        count=[sites.launch, sites.tjunction, sites.central], max_spikes=max_spikes,
    )  # fmt: skip
    return run.spike_counts, run.spike_times_ms


def _summarise(
    counts: IntArray,
    times: FloatArray,
    amplitudes_uA: FloatArray,
    onsets_ms: FloatArray,
    *,
    sites: TransmissionSites,
    window_s: float,
    duration_s: float,
    model: str,
    rate_Hz: float,
    stim: tuple[float, float, str],
    distance_um: float,
    dt_us: float,
    started: float,
) -> TransmissionResult:
    """Per window: pulses launched, and per condition central spikes beyond the stimulus's own."""
    conditions = amplitudes_uA.size
    if counts.max(initial=0) > times.shape[1]:
        raise InputError("duration_s", duration_s, "shorter (more spikes than kept)")
    central_of = [times[2, : counts[2, k], k] for k in range(counts.shape[1])]
    latency = _latency_ms(onsets_ms, central_of[0])
    shift_ms = latency if np.isfinite(latency) else 0.0
    n_windows = max(1, int(np.ceil(duration_s / window_s - 1e-9)))
    edges_ms = units.ms_from_s(window_s) * np.arange(n_windows + 1)
    edges_ms[0], edges_ms[-1] = -np.inf, np.inf  # every central spike falls in a window
    launched = np.histogram(onsets_ms, bins=edges_ms)[0].astype(np.int64)
    transmitted = np.zeros((conditions, n_windows), dtype=np.int64)
    evoked = np.zeros(conditions, dtype=np.int64)
    for k in range(conditions):
        with_train = np.histogram(central_of[k] - shift_ms, bins=edges_ms)[0]
        alone = np.zeros_like(with_train)
        if k > 0:  # the same amplitude without the train: lane conditions + k − 1
            alone = np.histogram(central_of[conditions + k - 1] - shift_ms, bins=edges_ms)[0]
            evoked[k] = counts[2, conditions + k - 1]
        transmitted[k] = np.clip(with_train - alone, 0, launched)
    freq, pw, shape = stim
    return TransmissionResult(
        model=model, amplitudes_uA=amplitudes_uA, rate_Hz=rate_Hz, duration_s=duration_s,
        window_s=window_s, stim_frequency_Hz=freq, stim_pulse_width_us=pw, stim_waveform=shape,
        distance_um=distance_um, dt_us=dt_us, launched=launched, transmitted=transmitted,
        spikes=np.ascontiguousarray(counts[:, :conditions].T), evoked_central=evoked,
        latency_ms=latency, sites=sites, seconds=time.perf_counter() - started,
    )  # fmt: skip

"""T-junction transmission of an orthodromic spike train, with ganglion stimulation off/on.

A spike train is started at the peripheral end of the neuron (intracellular pulses) and
the spikes reaching the central end are counted, once without stimulation and once with
a train of cathodic point-source pulses (default 20 Hz, 300 µs) at ``distance_um`` from
the soma (layout of :mod:`drgstim.biophysics.drg.geometry`). Chao et al. 2020 (Pain
161:2872) saw 20 Hz ganglion stimulation progressively block C-fibre transmission while
Aβ transmission persisted; this module measures what our models do under the same
protocol. Transmission per window = central spikes / peripheral spikes in that window.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

import drgstim.units as units
from drgstim.biophysics.drg import cable
from drgstim.biophysics.drg.geometry import DrgType
from drgstim.biophysics.drg.threshold import SIMULATION
from drgstim.errors import InputError

__all__ = ["INJECTION_uA_PER_CM2", "TransmissionResult", "transmission"]

INJECTION_uA_PER_CM2 = 20_000.0  # a strong, brief current: starts exactly one spike
# Pulse length per type: a myelinated node fires again under a long pulse, a C axon needs one.
_INJECTION_ms = {DrgType.ABETA: 0.05, DrgType.ADELTA: 0.05, DrgType.C: 0.5}


@dataclass(frozen=True, kw_only=True)
class TransmissionResult:
    """Spikes started peripherally and arriving centrally, per time window, off and on."""

    kind: DrgType
    window_s: float
    peripheral_off: list[int]
    central_off: list[int]
    peripheral_on: list[int]
    central_on: list[int]

    @staticmethod
    def _ratio(central: list[int], peripheral: list[int]) -> list[float]:
        return [c / p if p else float("nan") for c, p in zip(central, peripheral, strict=True)]

    @property
    def fraction_off(self) -> list[float]:
        """Transmitted fraction per window without stimulation."""
        return self._ratio(self.central_off, self.peripheral_off)

    @property
    def fraction_on(self) -> list[float]:
        """Transmitted fraction per window with stimulation."""
        return self._ratio(self.central_on, self.peripheral_on)

    def as_json(self) -> dict[str, object]:
        """JSON-ready summary."""
        return {
            "kind": self.kind.value,
            "window_s": self.window_s,
            "fraction_off": self.fraction_off,
            "fraction_on": self.fraction_on,
            "peripheral_on": self.peripheral_on,
            "central_on": self.central_on,
        }


def _train(
    n_steps: int, dt_ms: float, *, frequency_Hz: float, width_ms: float, start_ms: float
) -> npt.NDArray[np.float64]:
    t = np.arange(n_steps) * dt_ms
    period_ms = units.ms_from_s(1.0 / frequency_Hz)
    phase = (t - start_ms) % period_ms
    return ((t >= start_ms) & (phase < width_ms - 1e-9)).astype(np.float64)


def _run_windows(
    batch: cable.CellBatch, *, amplitude_uA: float, stim: npt.NDArray[np.float64],
    inj: npt.NDArray[np.float64], windows: int,
) -> tuple[list[int], list[int]]:  # fmt: skip
    steps = len(stim) // windows
    v = x = None
    peripheral, central = [], []
    for w in range(windows):
        part = slice(w * steps, (w + 1) * steps)
        counts, _, v, x = cable.run(
            batch, amplitudes_uA=np.array([-amplitude_uA]), wave=stim[part],
            injection_uA_per_cm2=inj[part], inj_comp=batch.peripheral_end,
            record=[batch.peripheral_end, batch.detection], stop_on_spike=False,
            v_init=v, gates_init=x,
        )  # fmt: skip
        peripheral.append(int(counts[0, 0]))
        central.append(int(counts[1, 0]))
    return peripheral, central


def transmission(
    *, kind: DrgType | str, diameter_um: float | None = None, amplitude_uA: float,
    distance_um: float, duration_s: float, spike_rate_Hz: float = 2.0,
    stim_frequency_Hz: float = 20.0, pulse_width_us: float = 300.0, windows: int = 4,
) -> TransmissionResult:  # fmt: skip
    """Orthodromic transmission with stimulation off and on, in ``windows`` equal windows."""
    kind = DrgType(kind)
    if not 0.0 < duration_s <= 60.0:
        raise InputError("duration_s", duration_s, "0–60 s")
    if not 0.0 < amplitude_uA <= 12_000.0:
        raise InputError("amplitude_uA", amplitude_uA, "0–12000 µA")
    if not 0.1 <= spike_rate_Hz <= 50.0:
        raise InputError("spike_rate_Hz", spike_rate_Hz, "0.1–50 Hz")
    if not 1.0 <= stim_frequency_Hz <= 1000.0:
        raise InputError("stim_frequency_Hz", stim_frequency_Hz, "1–1000 Hz")
    dt_ms = SIMULATION[kind]["dt_ms"]
    default_d = {DrgType.ABETA: 10.0, DrgType.ADELTA: 2.5, DrgType.C: 0.8}[kind]
    d = diameter_um if diameter_um is not None else default_d
    batch = cable.compile_batch(
        kind=kind, diameters_um=[d], distances_um=[distance_um], dt_ms=dt_ms
    )
    n = round(units.ms_from_s(duration_s) / dt_ms)
    n -= n % windows
    stim = _train(
        n,
        dt_ms,
        frequency_Hz=stim_frequency_Hz,
        width_ms=units.ms_from_us(pulse_width_us),
        start_ms=1.0,
    )
    inj = INJECTION_uA_PER_CM2 * _train(
        n, dt_ms, frequency_Hz=spike_rate_Hz, width_ms=_INJECTION_ms[kind], start_ms=5.0
    )
    p_off, c_off = _run_windows(batch, amplitude_uA=0.0, stim=stim, inj=inj, windows=windows)
    p_on, c_on = _run_windows(batch, amplitude_uA=amplitude_uA, stim=stim, inj=inj, windows=windows)
    return TransmissionResult(
        kind=kind, window_s=duration_s / windows, peripheral_off=p_off, central_off=c_off,
        peripheral_on=p_on, central_on=c_on,
    )  # fmt: skip

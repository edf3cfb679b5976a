"""Stimulus waveforms sampled at t_k = k·dt, as a unit-amplitude current (−1 = cathodic).

The sample at t_k drives the step that ends at t_k (backward Euler), so a pulse of width
PW starting at ``delay`` covers the steps whose end time lies in (delay, delay + PW]. The
same array is played into NEURON in the parity tests.
"""

from __future__ import annotations

from enum import StrEnum

import numpy as np
import numpy.typing as npt

from drgstim import units
from drgstim.errors import InputError

__all__ = ["Waveform", "end_ms", "sample"]

FloatArray = npt.NDArray[np.float64]
_RECHARGE_RATIO = 10.0  # passive recharge: 1/10 amplitude for 10 × PW (charge-balanced)


class Waveform(StrEnum):
    CATHODIC = "cathodic"
    ANODIC = "anodic"
    BIPHASIC = "biphasic"  # symmetric, cathodic first, no gap
    PASSIVE_RECHARGE = "passive-recharge"


def _box(
    t: npt.NDArray[np.float64], start: float, width: float, eps: float
) -> npt.NDArray[np.float64]:
    return ((t > start + eps) & (t <= start + width + eps)).astype(np.float64)


def end_ms(*, waveform: Waveform | str, pulse_width_us: float, delay_ms: float = 0.1) -> float:
    """Time (ms) at which one pulse of ``waveform`` (``sample``'s shapes) has ended."""
    try:
        shape = Waveform(waveform)
    except ValueError:
        raise InputError("waveform", waveform, ", ".join(w.value for w in Waveform)) from None
    phases = {
        Waveform.CATHODIC: 1.0,
        Waveform.ANODIC: 1.0,
        Waveform.BIPHASIC: 2.0,
        Waveform.PASSIVE_RECHARGE: 1.0 + _RECHARGE_RATIO,
    }[shape]
    return delay_ms + phases * units.ms_from_us(pulse_width_us)


def sample(
    *,
    waveform: Waveform | str,
    pulse_width_us: float,
    dt_us: float,
    tstop_ms: float,
    delay_ms: float = 0.1,
    frequency_Hz: float | None = None,
) -> FloatArray:
    """Unit waveform at t_k = k·dt for k = 0 … round(tstop/dt); a train if ``frequency_Hz``."""
    try:
        shape = Waveform(waveform)
    except ValueError:
        raise InputError("waveform", waveform, ", ".join(w.value for w in Waveform)) from None
    if not pulse_width_us > 0:
        raise InputError("pulse_width_us", pulse_width_us, "> 0 µs")
    if not dt_us > 0:
        raise InputError("dt_us", dt_us, "> 0 µs")
    dt = units.ms_from_us(dt_us)
    pw = units.ms_from_us(pulse_width_us)
    if not tstop_ms > delay_ms:
        raise InputError("tstop_ms", tstop_ms, f"> delay {delay_ms} ms")
    steps = round(tstop_ms / dt)
    t: FloatArray = np.arange(steps + 1, dtype=np.float64) * dt
    eps = 1e-9 * dt
    if frequency_Hz is None:
        starts = [delay_ms]
    else:
        if not frequency_Hz > 0:
            raise InputError("frequency_Hz", frequency_Hz, "> 0 Hz")
        period = units.ms_from_s(1.0 / frequency_Hz)
        starts = list(np.arange(delay_ms, tstop_ms, period))
    out: FloatArray = np.zeros(steps + 1, dtype=np.float64)
    for s in starts:
        if shape is Waveform.CATHODIC:
            out -= _box(t, s, pw, eps)
        elif shape is Waveform.ANODIC:
            out += _box(t, s, pw, eps)
        elif shape is Waveform.BIPHASIC:
            out += _box(t, s + pw, pw, eps) - _box(t, s, pw, eps)
        else:
            out += _box(t, s + pw, _RECHARGE_RATIO * pw, eps) / _RECHARGE_RATIO
            out -= _box(t, s, pw, eps)
    return out

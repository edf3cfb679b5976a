"""``next``: the next program to try from what the patient reported, by safe Bayesian
optimisation over the device's safe programs.

Each tried program (one lead) comes with the patient's ratings: ``coverage`` (0–1, the
share of the painful area the stimulation reached) and ``comfort`` (0–10, 10 = fully
comfortable). Two Gaussian processes (squared-exponential kernel over cathode position,
anode position, amplitude and pulse width; :func:`_gp`, plain NumPy) model coverage and
comfort. The candidates are every adjacent bipolar configuration × pulse width
(``PULSE_WIDTHS_us``) × grid amplitude that passes :func:`drgstim.device.check_program`
at the lead's impedance. A candidate is *safe* when, in addition,

- the comfort model's lower bound (mean − ``BETA`` × sd) is ≥ ``comfort_min``, and
- it lies within ``MAX_STEP_uA`` of an amplitude already tried comfortably with the same
  configuration and pulse width class (±``MAX_PW_STEP_us``), or below it
  (the safe set grows from tried, comfortable programs, as in SafeOpt: Sui et al. 2015,
  ICML, "Safe exploration for optimization with Gaussian processes").

The proposal is the safe candidate with the highest upper bound of coverage (mean +
``BETA`` × sd) not tried yet. If no candidate is safe, the answer is the most comfortable
tried program one amplitude step lower (it passes the device check too), flagged as a
fallback. So no proposal is ever one the device refuses, and none jumps far from what the
patient found comfortable.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from drgstim.device import check_program, default_impedance_ohm, grid, parse_contacts
from drgstim.errors import InputError
from drgstim.therapy.suggest import CONFIGURATIONS, safe_amplitudes_uA

__all__ = ["Trial", "next_program", "read_feedback"]

FloatArray = npt.NDArray[np.float64]
PULSE_WIDTHS_us = (120, 150, 200, 250, 300, 350, 400, 500)
BETA = 2.0
MAX_STEP_uA = 200
MAX_PW_STEP_us = 100
COMFORT_MIN = 5.0
_LENGTH = np.array([0.5, 0.5, 0.15, 0.25])  # cathode, anode (/3), amplitude (/6 mA), pw (/1 ms)
_NOISE = 0.05
FIELDS = ("contacts", "amplitude_uA", "pulse_width_us", "frequency_Hz", "coverage", "comfort")


@dataclass(frozen=True)
class Trial:
    """One tried program and the patient's ratings."""

    contacts: str
    amplitude_uA: int
    pulse_width_us: int
    frequency_Hz: int
    coverage: float
    comfort: float


def _check(i: int, t: Trial) -> Trial:
    """``t`` if every value is allowed; else InputError naming ``feedback[i].<field>``."""
    try:
        for name in ("amplitude_uA", "pulse_width_us", "frequency_Hz"):
            grid(name).validate(getattr(t, name))
        parse_contacts(t.contacts)
    except InputError as exc:
        raise InputError(f"feedback[{i}].{exc.field}", exc.value, exc.allowed) from None
    if not 0.0 <= t.coverage <= 1.0:
        raise InputError(f"feedback[{i}].coverage", t.coverage, "0–1")
    if not 0.0 <= t.comfort <= 10.0:
        raise InputError(f"feedback[{i}].comfort", t.comfort, "0–10")
    return t


def _row(i: int, row: dict[str, str]) -> Trial:
    missing = [f for f in FIELDS if not (row.get(f) or "").strip()]
    if missing:
        raise InputError(f"feedback[{i}].{missing[0]}", None, "a value in every column")
    try:
        t = Trial(
            contacts=row["contacts"].strip(),
            amplitude_uA=grid("amplitude_uA").validate(float(row["amplitude_uA"])),
            pulse_width_us=grid("pulse_width_us").validate(float(row["pulse_width_us"])),
            frequency_Hz=grid("frequency_Hz").validate(float(row["frequency_Hz"])),
            coverage=float(row["coverage"]),
            comfort=float(row["comfort"]),
        )
    except InputError as exc:
        raise InputError(f"feedback[{i}].{exc.field}", exc.value, exc.allowed) from None
    except ValueError:
        raise InputError(f"feedback[{i}]", dict(row), "numbers in the numeric columns") from None
    return _check(i, t)


def read_feedback(text: str) -> list[Trial]:
    """Trials from CSV text with the header ``FIELDS``."""
    reader = csv.DictReader(io.StringIO(text))
    header = reader.fieldnames or []
    missing = [f for f in FIELDS if f not in header]
    if missing:
        raise InputError("feedback", ",".join(header), "CSV columns " + ",".join(FIELDS))
    trials = [_row(i, r) for i, r in enumerate(reader)]
    if not trials:
        raise InputError("feedback", "no rows", "one or more tried programs")
    return trials


def _features(contacts: str, amplitude_uA: float, pulse_width_us: float) -> FloatArray:
    cath = [i for i, c in enumerate(contacts) if c == "-"]
    anod = [i for i, c in enumerate(contacts) if c == "+"]
    c = float(np.mean(cath)) / 3.0 if cath else 0.5
    a = float(np.mean(anod)) / 3.0 if anod else 0.5
    return np.array([c, a, amplitude_uA / 6000.0, pulse_width_us / 1000.0])


def _gp(x: FloatArray, y: FloatArray, xs: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Posterior mean and sd at ``xs`` of a zero-mean GP on standardised ``y``."""

    def k(a: FloatArray, b: FloatArray) -> FloatArray:
        d = (a[:, None, :] - b[None, :, :]) / _LENGTH
        out: FloatArray = np.exp(-0.5 * np.sum(d * d, axis=-1))
        return out

    mu, sd = float(np.mean(y)), float(np.std(y)) or 1.0
    z = (y - mu) / sd
    kxx = k(x, x) + _NOISE * np.eye(len(x))
    chol = np.linalg.cholesky(kxx)
    alpha = np.linalg.solve(chol.T, np.linalg.solve(chol, z))
    ks = k(xs, x)
    mean = ks @ alpha
    v = np.linalg.solve(chol, ks.T)
    var = np.clip(1.0 - np.sum(v * v, axis=0), 1e-12, None)
    return mu + sd * mean, sd * np.sqrt(var)


def _candidates(frequency_Hz: int, impedance_ohm: float) -> list[tuple[str, int, int]]:
    """Every (configuration, amplitude, pulse width) the device accepts at the impedance."""
    return [
        (contacts, a, pw)
        for contacts in CONFIGURATIONS
        for pw in PULSE_WIDTHS_us
        for a in safe_amplitudes_uA(
            contacts, pulse_width_us=pw, frequency_Hz=frequency_Hz, impedance_ohm=impedance_ohm
        )
    ]


def _near_comfortable(c: tuple[str, int, int], good: Sequence[Trial]) -> bool:
    contacts, a, pw = c
    return any(
        t.contacts == contacts
        and abs(t.pulse_width_us - pw) <= MAX_PW_STEP_us
        and a <= t.amplitude_uA + MAX_STEP_uA
        for t in good
    )


def next_program(
    trials: Sequence[Trial], *, impedance_ohm: float | None = None, comfort_min: float = COMFORT_MIN
) -> dict[str, Any]:
    """The next program to try (JSON contract of ``drgstim therapy next``)."""
    if not trials:
        raise InputError("feedback", "no rows", "one or more tried programs")
    for i, t in enumerate(trials):
        _check(i, t)
    if not 0.0 <= comfort_min <= 10.0:
        raise InputError("comfort_min", comfort_min, "0–10")
    impedance = default_impedance_ohm() if impedance_ohm is None else float(impedance_ohm)
    freq = trials[-1].frequency_Hz
    cands = _candidates(freq, impedance)
    x = np.stack([_features(t.contacts, t.amplitude_uA, t.pulse_width_us) for t in trials])
    xs = np.stack([_features(*c) for c in cands])
    cov_m, cov_s = _gp(x, np.array([t.coverage for t in trials]), xs)
    com_m, com_s = _gp(x, np.array([t.comfort for t in trials]), xs)
    good = [t for t in trials if t.comfort >= comfort_min]
    tried = {(t.contacts, t.amplitude_uA, t.pulse_width_us) for t in trials}
    ok = [
        i
        for i, c in enumerate(cands)
        if c not in tried
        and com_m[i] - BETA * com_s[i] >= comfort_min
        and _near_comfortable(c, good)
    ]
    if ok:
        i = max(ok, key=lambda j: (cov_m[j] + BETA * cov_s[j], -cands[j][1]))
        contacts, a, pw = cands[i]
        body: dict[str, Any] = {
            "contacts": contacts,
            "amplitude_uA": a,
            "pulse_width_us": pw,
            "frequency_Hz": freq,
            "fallback": False,
            "predicted_coverage": float(cov_m[i]),
            "predicted_comfort": float(com_m[i]),
            "comfort_lower_bound": float(com_m[i] - BETA * com_s[i]),
        }
    else:
        body = _fallback(trials, freq, impedance)
    report = check_program(
        amplitude_uA=float(body["amplitude_uA"]),
        pulse_width_us=float(body["pulse_width_us"]),
        frequency_Hz=freq,
        contacts=str(body["contacts"]),
        impedance_ohm=impedance,
    )
    if not report.safe:  # pragma: no cover - candidates and fallback are checked already
        raise AssertionError(report.errors)
    return {
        **body,
        "impedance_ohm": impedance,
        "safe_candidates": len(ok),
        "candidates": len(cands),
        "trials": len(trials),
    }


def _fallback(trials: Sequence[Trial], freq: int, impedance: float) -> dict[str, Any]:
    best = max(trials, key=lambda t: (t.comfort, -t.amplitude_uA))
    values = [v for v in grid("amplitude_uA").values() if 0 < v < best.amplitude_uA]
    for a in reversed(values or [grid("amplitude_uA").values()[1]]):
        contacts = best.contacts if _device_ok(best.contacts, a, best, freq, impedance) else None
        if contacts:
            return {
                "contacts": contacts,
                "amplitude_uA": a,
                "pulse_width_us": best.pulse_width_us,
                "frequency_Hz": freq,
                "fallback": True,
                "predicted_coverage": None,
                "predicted_comfort": None,
                "comfort_lower_bound": None,
            }
    raise InputError("feedback", "no safe program", "a tried program the device accepts")


def _device_ok(contacts: str, a: int, t: Trial, freq: int, impedance: float) -> bool:
    return check_program(
        amplitude_uA=a,
        pulse_width_us=t.pulse_width_us,
        frequency_Hz=freq,
        contacts=contacts,
        impedance_ohm=impedance,
    ).safe

"""The Frankenhaeuser–Huxley membrane (``channels.fh``) and its use as Amir & Devor 2003's
excitable soma / initial segment of the Aβ and Aδ neurons."""

from __future__ import annotations

import math

import numpy as np
import pytest

from drgstim.biophysics import _data
from drgstim.biophysics.channels import fh
from drgstim.biophysics.drg import build_abeta, build_adelta


def _soma_parameters(celsius: float, v_rest_mV: float) -> dict[str, float]:
    d = _data.load("fh.json")["sensory_soma"]
    p = {name: float(d[name]["value"]) for name in fh.PARAMETERS if name in d}
    p.update(celsius_C=celsius, el_mV=0.0)
    p["el_mV"] = fh.leak_reversal_mV(p, v_rest_mV=v_rest_mV)
    return p


def _peak_after_pulse_mV(p: dict[str, float], *, v0_mV: float, amp_mA_cm2: float) -> float:
    """Space-clamped patch (1 µF/cm²), 0.5 ms current pulse, forward Euler at 0.5 µs."""
    par = np.array([p[name] for name in fh.PARAMETERS])
    tf = np.array(fh.temperature_factors(p["celsius_C"]))
    x = np.zeros(len(fh.STATES))
    fh.steady_state(v0_mV, par, x, tf)
    v, dt_ms, peak = v0_mV, 0.0005, -math.inf
    for k in range(round(8.0 / dt_ms)):
        stim = amp_mA_cm2 if k * dt_ms < 0.5 else 0.0
        fh.advance(v, par, x, dt_ms, tf)
        v += dt_ms * 1e3 * (stim - fh.current(v, par, x))  # mA/cm² / µF/cm² = 1e3 mV/ms
        if k * dt_ms >= 0.5:
            peak = max(peak, v)
    return peak


@pytest.mark.published
def test_fh_node_rests_at_minus_70_mV() -> None:
    """FH 1964: the node's leak is chosen so that −70 mV carries no net current (20 °C)."""
    i = fh.ionic_current(-70.0, fh.defaults())
    assert abs(i) < 1e-4  # mA/cm²: < 4 µV of the 30.3 mS/cm² leak


@pytest.mark.parametrize("celsius", [20.0, 37.0])
def test_ghk_sodium_current_reverses_at_the_nernst_potential(celsius: float) -> None:
    """A GHK current of one ion is zero exactly at its Nernst potential (any temperature)."""
    c = _data.load("fh.json")
    rt_f_mV = 1e3 * c["gas_constant_J_per_mol_K"] * (celsius + 273.15) / c["faraday_C_per_mol"]
    conc = c["concentrations_mM"]
    e_na = rt_f_mV * math.log(conc["na_out"] / conc["na_in"])
    p = np.array([1e-3, 0.0, 0.0, 0.0, 0.0, celsius])  # P_Na only
    x = np.array([1.0, 1.0, 0.0, 0.0])  # m = h = 1
    assert abs(fh.current(e_na, p, x)) < 1e-12
    assert fh.current(e_na - 10.0, p, x) < 0.0 < fh.current(e_na + 10.0, p, x)


@pytest.mark.published
def test_amir_devor_soma_membrane_fires_at_their_20_C_and_rests_where_the_builder_puts_it() -> None:
    """Amir & Devor 2003 (20 °C): the reduced-FH soma is excitable (an overshooting spike
    after a 0.5 ms, 0.1 mA/cm² pulse); with the leak reversal the builders set, −80 mV is
    an equilibrium with a positive slope (a stable rest) at the cells' 37 °C."""
    assert _peak_after_pulse_mV(_soma_parameters(20.0, -70.0), v0_mV=-70.0, amp_mA_cm2=0.1) > 0.0
    p37 = _soma_parameters(37.0, -80.0)
    assert abs(fh.ionic_current(-80.0, p37)) < 1e-12
    assert fh.ionic_current(-81.0, p37) < 0.0 < fh.ionic_current(-79.0, p37)


@pytest.mark.parametrize("build", [build_abeta, build_adelta])
def test_soma_and_initial_segment_carry_the_amir_devor_membrane(build: object) -> None:
    cell = build()  # type: ignore[operator]
    node = fh.defaults()
    names = [n for n in ("soma", "initial_segment") if any(s.name == n for s in cell.sections)]
    assert names[0] == "soma"  # Aδ has no initial segment (Graham et al. 2021)
    for name in names:
        s = next(s for s in cell.sections if s.name == name)
        assert s.mechanism == fh.NAME
        assert s.parameters["pnabar_cm_per_s"] == pytest.approx(node["pnabar_cm_per_s"] / 100)
        assert s.parameters["celsius_C"] == cell.temperature_C
        assert fh.ionic_current(cell.v_rest_mV, dict(s.parameters)) == pytest.approx(0.0, abs=1e-12)

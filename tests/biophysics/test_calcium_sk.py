"""The soma's L-type Ca²⁺ current, Ca²⁺ pool and SK current (``channels.sundt_ca``).

Tiers: published values (E_Ca and the rate formulas at chosen points, from the model's
files), analytic (one pool step and one SK step are the exact solutions of their linear
equations; the pool's steady state), rest (the soma balanced at −60 mV, no drift) and the
builder option. NEURON side by side: ``test_neuron_parity.py``.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from drgstim.biophysics.channels import REGISTRY, gate_count, sundt, sundt_ca
from drgstim.biophysics.drg import build_c, build_drg
from drgstim.biophysics.solver import assemble, mechanisms, run_batch
from drgstim.errors import InputError

F = 96485.33212  # C/mol
R = 8.314462618  # J/(mol K)


def _p(**overrides: float) -> np.ndarray:
    values = dict(sundt_ca.defaults(), **overrides)
    return np.array([values[name] for name in sundt_ca.PARAMETERS], dtype=np.float64)


def test_sundt_ca_extends_the_sundt_membrane() -> None:
    assert sundt_ca.STATES[:5] == sundt.STATES
    assert sundt_ca.PARAMETERS[:8] == sundt.PARAMETERS
    assert sundt_ca.TABLE_SHIFT[:5] == sundt.TABLE_SHIFT
    assert gate_count(REGISTRY["sundt_ca"]) == 6  # m h n l p and the Ca²⁺ gate c


def test_published_values() -> None:
    d = sundt_ca.defaults()
    assert d["g_cal_S_per_cm2"] == 0.00025 and d["g_sk_S_per_cm2"] == 0.001
    assert d["ca_tau_ms"] == 500.0 and d["ca_rest_mM"] == 7e-5
    # E_Ca: Nernst for z = 2 at the model's fixed 25 °C, [Ca²⁺]o 2 mM, [Ca²⁺]i 70 nM
    e = 1e3 * R * 298.15 / (2 * F) * math.log(2.0 / 7e-5)
    assert d["e_ca_mV"] == pytest.approx(e, rel=1e-12)
    assert d["e_ca_mV"] == pytest.approx(131.8, abs=0.01)
    # SK rates at 1 µM: 12·log10(1) = 0, so α = 0.00246·exp(28.48/4.5), β = 0.006·exp(−60.4/35)
    a, b = sundt_ca.sk_rates(1e-3)
    assert a == pytest.approx(0.00246 * math.exp(28.48 / 4.5), rel=1e-12)
    assert b == pytest.approx(0.006 * math.exp(-60.4 / 35.0), rel=1e-12)
    # the Ca²⁺ gate at 0 mV: α = 15.69·81.5/(exp(8.15) − 1), β = 0.29
    inf, tau = np.zeros(8), np.ones(8)
    sundt_ca.rates(0.0, np.array(sundt_ca.temperature_factors(35.0)), inf, tau)
    alpha = 15.69 * 81.5 / math.expm1(8.15)
    assert inf[5] == pytest.approx(alpha / (alpha + 0.29), rel=1e-12)
    assert tau[5] == pytest.approx(1.0 / (alpha + 0.29), rel=1e-12)


def test_one_step_is_the_exact_pool_and_sk_solution() -> None:
    p = _p()
    x = np.array([0.3, 0.6, 0.2, 0.5, 0.1, 0.4, 2e-4, 0.05])
    v, dt = 10.0, 0.025
    ica = sundt_ca.ca_current(v, p, x)
    assert ica < 0  # inward below E_Ca
    tau, k, ca0 = 500.0, 0.026, 7e-5
    inf = ca0 - k * ica * tau
    cai = inf + (2e-4 - inf) * math.exp(-dt / tau)
    a, b = sundt_ca.sk_rates(cai)
    q = a / (a + b) + (0.05 - a / (a + b)) * math.exp(-dt * (a + b))
    mechanisms.accumulate(sundt_ca.MECH_ID, v, p, x, dt)
    assert x[6] == pytest.approx(cai, rel=1e-12)
    assert x[7] == pytest.approx(q, rel=1e-12)
    assert x[6] > 2e-4  # Ca²⁺ entered
    assert np.all(x[:6] == [0.3, 0.6, 0.2, 0.5, 0.1, 0.4])  # voltage gates untouched


def test_pool_relaxes_to_rest_with_its_time_constant() -> None:
    # No Ca²⁺ current (c = 0): [Ca²⁺]i − ca0 decays by e after 500 ms.
    p = _p()
    x = np.array([0.0, 1.0, 0.0, 1.0, 0.0, 0.0, 1e-3, 0.5])
    for _ in range(20000):  # 500 ms at 25 µs
        mechanisms.accumulate(sundt_ca.MECH_ID, -60.0, p, x, 0.025)
    assert x[6] - 7e-5 == pytest.approx((1e-3 - 7e-5) / math.e, rel=1e-9)


def test_soma_rests_balanced_and_without_drift() -> None:
    cell = build_c(calcium_sk=True)
    (soma,) = [s for s in cell.sections if s.mechanism == "sundt_ca"]
    assert soma.name == "soma"
    p = np.array([soma.parameters[n] for n in sundt_ca.PARAMETERS], dtype=np.float64)
    assert p[2] == 0.0  # no M current in the soma (T-junction pieces only)
    x = np.zeros(8)
    sundt_ca.steady_state(-60.0, p, x, np.array(sundt_ca.temperature_factors(35.0)))
    assert sundt_ca.current(-60.0, p, x) == pytest.approx(0.0, abs=1e-15)
    assert p[10] * x[7] ** 2 > 1e-6  # SK open at rest: 1.4 µS/cm², balanced by the leak
    b = assemble([cell])
    n = b.area.shape[0]
    r = run_batch(b, ve_mV=np.zeros((n, 1)), drive=np.zeros(1), wave=np.zeros(2001),
                  dt_ms=0.025, record=list(range(n)))  # fmt: skip
    assert np.max(np.abs(r.traces_mV + 60.0)) < 1e-6


def test_calcium_sk_is_a_c_neuron_option_only() -> None:
    assert {s.mechanism for s in build_c().sections} == {"sundt"}
    both = build_drg("c", sodium_dynamics=True, calcium_sk=True)
    assert both.name == "c_0.8um_na_ca"
    assert {s.name for s in both.sections if s.mechanism == "sundt_ca"} == {"soma"}
    assert {s.mechanism for s in both.sections if s.name != "soma"} == {"sundt_na"}
    with pytest.raises(InputError, match="calcium_sk"):
        build_drg("adelta", calcium_sk=True)

"""Point sources, ring contacts and waveform sampling."""

from __future__ import annotations

import math

import numpy as np
import pytest

from drgstim.biophysics.sources import PointSource, potential_mV_at_um, potential_V, ring_contact
from drgstim.biophysics.waveforms import sample
from drgstim.errors import InputError


@pytest.mark.analytic
def test_point_source_worked_value_from_spec() -> None:
    # spec: 1 mA in 0.2 S/m at 1 mm gives 397.9 mV
    v = potential_mV_at_um(
        current_mA=1.0,
        points_um=np.array([[0.0, 1000.0, 0.0]]),
        sources_um=[PointSource((0.0, 0.0, 0.0))],
        sigma_S_per_m=0.2,
    )
    assert v[0] == pytest.approx(397.887, abs=0.01)


@pytest.mark.analytic
def test_anisotropic_medium_reduces_to_isotropic_and_scales_along_axes() -> None:
    src = [PointSource((0.0, 0.0, 0.0))]
    pts = np.array([[1e-3, 0.0, 0.0], [0.0, 1e-3, 0.0]])
    iso = potential_V(current_A=1e-3, points_m=pts, sources=src, sigma_S_per_m=(0.2, 0.2, 0.2))
    assert iso == pytest.approx([0.39789] * 2, rel=1e-4)
    # along x in (σx, σy, σz): V = I / (4π r sqrt(σy σz))
    an = potential_V(current_A=1e-3, points_m=pts, sources=src, sigma_S_per_m=(0.571, 0.167, 0.167))
    assert an[0] == pytest.approx(1e-3 / (4 * math.pi * 1e-3 * 0.167), rel=1e-9)
    assert an[1] == pytest.approx(1e-3 / (4 * math.pi * 1e-3 * math.sqrt(0.571 * 0.167)), rel=1e-9)


@pytest.mark.analytic
def test_ring_contact_far_field_equals_point_source_and_splits_current() -> None:
    ring = ring_contact(centre=(0.0, 0.0, 0.0), radius=0.65e-3, n_points=16)
    assert sum(s.fraction for s in ring) == pytest.approx(1.0)
    far = np.array([[0.0, 0.1, 0.0]])
    v_ring = potential_V(current_A=1e-3, points_m=far, sources=ring, sigma_S_per_m=0.2)
    v_point = potential_V(
        current_A=1e-3, points_m=far, sources=[PointSource((0.0, 0.0, 0.0))], sigma_S_per_m=0.2
    )
    assert v_ring[0] == pytest.approx(v_point[0], rel=1e-3)


def test_source_inputs_are_checked() -> None:
    with pytest.raises(InputError, match="sigma_S_per_m"):
        potential_V(
            current_A=1.0,
            points_m=np.ones((1, 3)),
            sources=[PointSource((0.0, 0.0, 0.0))],
            sigma_S_per_m=0.0,
        )
    with pytest.raises(InputError, match="distance_um"):
        potential_V(
            current_A=1.0,
            points_m=np.zeros((1, 3)),
            sources=[PointSource((0.0, 0.0, 0.0))],
            sigma_S_per_m=0.2,
        )


def test_waveforms_sample_pulse_on_the_step_grid_and_balance_charge() -> None:
    kw = {"pulse_width_us": 100.0, "dt_us": 25.0, "tstop_ms": 1.0, "delay_ms": 0.1}
    cat = sample(waveform="cathodic", **kw)
    assert cat.sum() == pytest.approx(-4.0)  # 100 µs / 25 µs samples, cathodic
    assert np.flatnonzero(cat).tolist() == [5, 6, 7, 8]  # t in (0.1, 0.2] ms
    assert sample(waveform="anodic", **kw).sum() == pytest.approx(4.0)
    bi = sample(waveform="biphasic", **kw)
    assert bi.sum() == pytest.approx(0.0) and bi[5] == -1.0 and bi[9] == 1.0
    pr = sample(waveform="passive-recharge", pulse_width_us=100.0, dt_us=25.0, tstop_ms=2.0)
    assert pr.sum() == pytest.approx(0.0, abs=1e-12)
    train = sample(waveform="cathodic", frequency_Hz=1000.0, **{**kw, "tstop_ms": 3.0})
    assert train.sum() == pytest.approx(-12.0)  # pulses at 0.1, 1.1, 2.1 ms
    with pytest.raises(InputError, match="waveform"):
        sample(waveform="square", **kw)

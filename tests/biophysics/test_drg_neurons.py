"""DRG neuron models on the interim solver: propagation through the T-junction, velocity,
threshold order of the types (spec: Aβ well below C; C not directly activated at clinical
settings), distance and pulse-width trends."""

from __future__ import annotations

import numpy as np
import pytest

from drgstim.biophysics.drg import cable
from drgstim.biophysics.drg.geometry import DrgType, sections_for
from drgstim.biophysics.drg.threshold import thresholds_uA


def _index(kind: DrgType, d: float) -> dict[tuple[str, int], int]:
    out, i = {}, 0
    for s in sections_for(kind, diameter_um=d):
        for j in range(s.nseg):
            out[(s.name, j)] = i
            i += 1
    return out


def _orthodromic(
    kind: DrgType, d: float, record: list[int]
) -> tuple[np.ndarray, np.ndarray, cable.CellBatch]:
    dt = 0.0025
    batch = cable.compile_batch(kind=kind, diameters_um=[d], distances_um=[1e6], dt_ms=dt)
    n = round(3.0 / dt)
    inj = np.zeros(n)
    inj[20:40] = 20_000.0  # 0.05 ms: one spike
    counts, first, _, _ = cable.run(
        batch, amplitudes_uA=np.zeros(1), wave=np.zeros(n), injection_uA_per_cm2=inj,
        inj_comp=batch.peripheral_end, record=record, stop_on_spike=False,
    )  # fmt: skip
    return counts[:, 0], first[:, 0] * dt, batch


def _velocity_m_per_s(kind: DrgType, d: float) -> float:
    idx = _index(kind, d)
    a, b = idx[("central_node5", 0)], idx[("central_node15", 0)]
    counts, t_ms, batch = _orthodromic(kind, d, [a, b])
    assert all(counts >= 1)
    centres = batch.centre_um[:, 0, :]
    dist_um = float(np.linalg.norm(centres[b] - centres[a]))
    return dist_um / (t_ms[1] - t_ms[0]) / 1000.0  # µm/ms → m/s


def test_abeta_spike_passes_the_t_junction_to_the_central_end() -> None:
    idx = _index(DrgType.ABETA, 10.0)
    batch = cable.compile_batch(kind="abeta", diameters_um=[10.0], distances_um=[1e6], dt_ms=0.0025)
    record = [batch.peripheral_end, idx[("tjunction_node", 0)], batch.detection]
    counts, t_ms, _ = _orthodromic(DrgType.ABETA, 10.0, record)
    assert all(counts >= 1)
    assert t_ms[0] < t_ms[1] < t_ms[2]  # peripheral end → T-junction → central end


@pytest.mark.published
@pytest.mark.parametrize(
    ("kind", "d"), [(DrgType.ABETA, 6.0), (DrgType.ABETA, 14.0), (DrgType.ADELTA, 2.5)]
)
def test_conduction_velocity_is_plausible_for_the_diameter(kind: DrgType, d: float) -> None:
    """Hursh 1939: about 6 m/s per µm of fibre diameter; accepted 4–8 m/s per µm.

    10 µm is the calibration point (56 m/s, the MRG value), so it is not a test here.
    """
    v = _velocity_m_per_s(kind, d)
    assert 4.0 * d <= v <= 8.0 * d, v


@pytest.mark.slow
def test_threshold_order_abeta_adelta_below_c_and_c_silent_at_clinical_settings() -> None:
    r = [1000.0, 1500.0]
    kw = {"distances_um": r, "pulse_width_us": 300.0, "max_amplitude_uA": 12_000.0}
    abeta, _ = thresholds_uA(kind="abeta", diameters_um=[10.0, 10.0], **kw)  # type: ignore[arg-type]
    adelta, _ = thresholds_uA(kind="adelta", diameters_um=[2.5, 2.5], **kw)  # type: ignore[arg-type]
    c, _ = thresholds_uA(kind="c", diameters_um=[0.8, 0.8], **kw)  # type: ignore[arg-type]
    assert np.all(abeta * 1.5 < c), (abeta, c)
    assert np.all(adelta * 1.5 < c), (adelta, c)
    # Clinical: ≤ 1.5 mA, 300 µs, soma ≥ 1 mm from the contact → no C neuron fires.
    assert np.all(c > 1500.0)


def test_threshold_grows_with_distance_and_falls_with_pulse_width() -> None:
    near_far, _ = thresholds_uA(
        kind="abeta", diameters_um=[10.0, 10.0], distances_um=[500.0, 1000.0],
        pulse_width_us=300.0, max_amplitude_uA=12_000.0,
    )  # fmt: skip
    short, _ = thresholds_uA(
        kind="abeta", diameters_um=[10.0], distances_um=[500.0], pulse_width_us=60.0,
        max_amplitude_uA=12_000.0,
    )  # fmt: skip
    assert near_far[0] < near_far[1]
    assert short[0] > near_far[0]
    assert short[0] * 60.0 < near_far[0] * 300.0  # charge threshold rises with width

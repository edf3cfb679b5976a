"""The therapy thresholds come from the population fast path, and they are the thresholds
of the exhaustive search they replaced: every neuron's own doubling from its type's
``search_start_uA`` then bisection, each run the model's full default length."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pytest
from therapy_support import SEED

from drgstim import units
from drgstim.anatomy import Side, SpinalLevel
from drgstim.biophysics.drg.builders import build_drg
from drgstim.biophysics.drg.geometry import DrgType
from drgstim.biophysics.drg.population_search import ganglion_points_um
from drgstim.biophysics.drg.search import RELATIVE_TOLERANCE
from drgstim.biophysics.models import simulation_defaults
from drgstim.biophysics.solver import Batch, assemble, run_batch
from drgstim.biophysics.stimulate import centres_um
from drgstim.biophysics.threshold import find_thresholds
from drgstim.biophysics.waveforms import Waveform, sample
from drgstim.therapy import LeadProgram, PlacedLead, Placement, place
from drgstim.therapy._data import setting

pytestmark = pytest.mark.slow


def _setup(
    lead: PlacedLead, weights: Sequence[float], kind: DrgType, idx: list[int], pw: int
) -> tuple[Batch, np.ndarray, np.ndarray, float]:
    """The replaced path's batch: each type's cells, potentials and full default run."""
    pop = lead.population.population
    dt_us, tstop_ms = simulation_defaults(kind.value)
    morphs = [build_drg(kind, diameter_um=float(pop.diameter_um[i])) for i in idx]
    ve = np.stack(
        [
            np.asarray(weights) @ lead.engine.fields.at(ganglion_points_um(pop, i, centres_um(m)))
            for i, m in zip(idx, morphs, strict=True)
        ],
        axis=1,
    )
    wave = sample(waveform=Waveform.CATHODIC, pulse_width_us=pw, dt_us=dt_us, tstop_ms=tstop_ms)
    return assemble(morphs), np.ascontiguousarray(ve), wave, units.ms_from_us(dt_us)


def _exhaustive_uA(lead: PlacedLead, weights: Sequence[float], pw: int) -> np.ndarray:
    """Each type's batched bracket-and-bisect from its start (the replaced path)."""
    pop = lead.population.population
    out = np.full(len(pop), np.inf)
    top_mA = units.mA_from_uA(lead.engine.max_amplitude_uA)
    for kind in DrgType:
        idx = [i for i, t in enumerate(pop.types) if t is kind]
        batch, ve, wave, dt_ms = _setup(lead, weights, kind, idx, pw)
        res = find_thresholds(
            batch,
            ve_mV=ve,
            wave=wave,
            dt_ms=dt_ms,
            initial=min(units.mA_from_uA(setting("search_start_uA")[kind.value]), top_mA),
            maximum=top_mA,
            rel_tol=RELATIVE_TOLERANCE,
        )
        found = units.uA_from_mA(res.threshold)
        out[idx] = np.where(np.isfinite(found), found, np.inf)
    return out


def _exhaustive_blocked(
    lead: PlacedLead, weights: Sequence[float], pw: int, amplitude_uA: float, thr: np.ndarray
) -> np.ndarray:
    """Above threshold, but no spike at the central end (one full run each)."""
    pop = lead.population.population
    out = np.zeros(len(pop), dtype=bool)
    for kind in DrgType:
        idx = [i for i, t in enumerate(pop.types) if t is kind and thr[i] < amplitude_uA]
        if not idx:
            continue
        batch, ve, wave, dt_ms = _setup(lead, weights, kind, idx, pw)
        drive = np.full(len(idx), units.mA_from_uA(amplitude_uA))
        run = run_batch(batch, ve_mV=ve, drive=drive, wave=wave, dt_ms=dt_ms)
        out[idx] = ~np.isfinite(run.tcross_ms[batch.detect])
    return out


@pytest.mark.parametrize(("level", "contacts", "pw"), [("L4", "0-+0", 300), ("L5", "-0-+", 200)])
def test_fast_path_thresholds_equal_the_exhaustive_search(
    level: str, contacts: str, pw: int
) -> None:
    lead = place(Placement(level=SpinalLevel(level), side=Side.LEFT), n_neurons=36, seed=SEED)
    types = {t for t in lead.population.population.types}
    assert types == set(DrgType)
    weights = LeadProgram(
        contacts=contacts, amplitude_uA=1000, pulse_width_us=pw, frequency_Hz=20
    ).weights(lead.placement)
    fast = lead.engine.thresholds_uA(weights, pw)
    slow = _exhaustive_uA(lead, weights, pw)
    assert np.array_equal(np.isinf(fast), np.isinf(slow))
    assert np.isfinite(fast).sum() >= 5  # some activated below the device maximum
    both = np.isfinite(fast)
    np.testing.assert_allclose(fast[both], slow[both], rtol=2 * RELATIVE_TOLERANCE)
    # the block check (one run per neuron above threshold) agrees with the replaced one
    for amplitude in (2000.0, 6000.0):
        blocked = lead.engine.blocked(weights, pw, amplitude, fast)
        np.testing.assert_array_equal(
            blocked, _exhaustive_blocked(lead, weights, pw, amplitude, fast)
        )

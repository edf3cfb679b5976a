"""Recruitment logic over a threshold search (the solver is exercised in test_recruitment_solver).

The search here is a test double with the far-field law threshold = I0 + K·r² (spec:
"threshold grows with electrode distance") so the bookkeeping can be checked exactly.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence

import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from drgstim.biophysics import population as pop
from drgstim.biophysics import recruitment as rec
from drgstim.biophysics.drg.geometry import DrgType
from drgstim.errors import InputError

_K_UA_PER_UM2 = {DrgType.ABETA: 1e-4, DrgType.ADELTA: 4e-4, DrgType.C: 4e-3}


def far_field_search(
    cells: Sequence[rec.CellRequest],
    *,
    pulse_width_us: float,
    max_amplitude_uA: float,
    progress: Callable[[int, int], None] | None = None,
) -> npt.NDArray[np.float64]:
    out = np.array([20.0 + _K_UA_PER_UM2[c.kind] * c.distance_um**2 for c in cells])
    if progress is not None:
        progress(len(cells), len(cells))
    return np.where(out <= max_amplitude_uA, out, np.inf)


POP = pop.sample_population(n_neurons=400, seed=11)


def test_fractions_and_counts_follow_the_thresholds() -> None:
    calls: list[tuple[int, int]] = []
    result = rec.recruitment(
        POP,
        amplitudes_uA=[500, 2000, 8000],
        pulse_width_us=300,
        distance_um=1000,
        search=far_field_search,
        progress=lambda d, t: calls.append((d, t)),
    )
    assert calls == [(400, 400)]
    assert result.counts == POP.counts()
    r = rec.contact_distances_um(POP, distance_um=1000)
    for kind in DrgType:
        idx = POP.indices(kind)
        expected = [(20 + _K_UA_PER_UM2[kind] * r[idx] ** 2 <= a).mean() for a in (500, 2000, 8000)]
        assert result.fractions[kind.value] == pytest.approx(expected)
    assert result.fractions["abeta"][-1] > result.fractions["c"][-1]
    body = result.as_json()
    assert body["seed"] == 11 and body["input_hash"] == POP.input_hash
    assert set(body["fraction_activated"]) == {"abeta", "adelta", "c"}  # type: ignore[arg-type]


@settings(max_examples=25, deadline=None)
@given(st.lists(st.floats(min_value=1.0, max_value=12_000.0), min_size=2, max_size=6))
def test_recruitment_is_monotone_in_amplitude(amplitudes: list[float]) -> None:
    amps = sorted(amplitudes)
    result = rec.recruitment(
        POP, amplitudes_uA=amps, pulse_width_us=300, distance_um=500, search=far_field_search
    )
    for fractions in result.fractions.values():
        assert all(b >= a for a, b in itertools.pairwise(fractions))


def test_contact_distance_is_at_least_the_gap_to_the_surface() -> None:
    r = rec.contact_distances_um(POP, distance_um=1000)
    assert r.min() >= 1000.0


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"amplitudes_uA": [0.0]}, "amplitudes_uA"),
        ({"amplitudes_uA": [20_000.0]}, "amplitudes_uA"),
        ({"amplitudes_uA": []}, "amplitudes_uA"),
        ({"pulse_width_us": 1.0}, "pulse_width_us"),
        ({"distance_um": -5.0}, "distance_um"),
    ],
)
def test_bad_inputs_name_the_field(kwargs: dict[str, object], field: str) -> None:
    args: dict[str, object] = {
        "amplitudes_uA": [100.0],
        "pulse_width_us": 300.0,
        "distance_um": 1000.0,
    }
    args.update(kwargs)
    with pytest.raises(InputError, match=field):
        rec.recruitment(POP, search=far_field_search, **args)  # type: ignore[arg-type]


def test_each_neuron_gets_the_contact_in_its_own_frame() -> None:
    seen: list[rec.CellRequest] = []

    def capture(cells: Sequence[rec.CellRequest], **_: object) -> npt.NDArray[np.float64]:
        seen.extend(cells)
        return np.full(len(cells), np.inf)

    rec.recruitment(POP, amplitudes_uA=[500], pulse_width_us=300, distance_um=1000, search=capture)
    local = POP.neuron_frame(rec.contact_um(1000))
    assert len(seen) == len(POP)
    for cell, expected in zip(seen, local, strict=True):
        assert cell.source_um == pytest.approx(tuple(expected))
        assert np.linalg.norm(np.asarray(cell.source_um)) == pytest.approx(cell.distance_um)


def test_a_check_removes_blocked_neurons_at_amplitudes_above_their_threshold() -> None:
    # test double: a neuron is blocked from 3× its threshold up (conduction block)
    asked: list[tuple[float, float]] = []

    def block_above_3x(
        cells: Sequence[rec.CellRequest], *, amplitudes_uA: Sequence[float], pulse_width_us: float
    ) -> npt.NDArray[np.bool_]:
        thr = far_field_search(cells, pulse_width_us=pulse_width_us, max_amplitude_uA=np.inf)
        asked.extend(zip(thr, amplitudes_uA, strict=True))
        return np.asarray(amplitudes_uA) < 3.0 * thr

    amps = [500.0, 2000.0, 8000.0]
    result = rec.recruitment(
        POP, amplitudes_uA=amps, pulse_width_us=300, distance_um=1000, search=far_field_search,
        check=block_above_3x,
    )  # fmt: skip
    assert asked and all(a > t for t, a in asked)  # only amplitudes above the threshold
    thr = result.thresholds_uA
    for kind in DrgType:
        idx = POP.indices(kind)
        for k, a in enumerate(amps):
            reached = int(np.count_nonzero(thr[idx] <= a))
            fires = int(np.count_nonzero((thr[idx] <= a) & (a < 3.0 * thr[idx])))
            assert result.activated[kind.value][k] == fires
            assert result.blocked[kind.value][k] == reached - fires
    assert sum(result.blocked["abeta"]) > 0  # the double does block some
    assert result.as_json()["blocked"] == result.blocked

"""Population sampling: reproducible by seed, cited type mix, somata in the dorsal rim."""

from __future__ import annotations

import numpy as np
import pytest

from drgstim.biophysics import population as pop
from drgstim.biophysics.drg import data as drg_data
from drgstim.biophysics.drg.geometry import DrgType
from drgstim.errors import InputError


def test_same_seed_same_population_other_seed_differs() -> None:
    a = pop.sample_population(n_neurons=300, seed=7)
    b = pop.sample_population(n_neurons=300, seed=7)
    c = pop.sample_population(n_neurons=300, seed=8)
    assert a.types == b.types
    assert np.array_equal(a.diameter_um, b.diameter_um) and np.array_equal(
        a.position_um, b.position_um
    )
    assert a.input_hash == b.input_hash != c.input_hash
    assert not np.array_equal(a.diameter_um, c.diameter_um)
    assert a.seed == 7 and a.version


def test_type_fractions_match_the_cited_mix() -> None:
    """Binomial tolerance: 4 standard deviations at n = 20000 (≈ 1.4 % for p = 0.6)."""
    n = 20_000
    population = pop.sample_population(n_neurons=n, seed=1)
    counts = population.counts()
    for kind, p in pop.type_fractions().items():
        sd = np.sqrt(p * (1 - p) / n)
        assert abs(counts[kind.value] / n - p) < 4 * sd, kind
    assert sum(pop.type_fractions().values()) == pytest.approx(1.0)


def test_diameters_lie_in_each_types_cited_range() -> None:
    population = pop.sample_population(n_neurons=3000, seed=2)
    for kind, key in [(DrgType.ABETA, "abeta_diameter_um"), (DrgType.ADELTA, "adelta_diameter_um")]:
        spec = drg_data.value("drg_population", key)
        d = population.diameter_um[population.indices(kind)]
        assert d.min() >= spec["min"] and d.max() <= spec["max"]
        assert abs(d.mean() - spec["mean"]) < 0.1 * spec["mean"]


def test_somata_are_inside_the_ganglion_and_densest_in_the_dorsal_rim() -> None:
    population = pop.sample_population(n_neurons=5000, seed=3)
    axes = np.asarray(drg_data.value("drg_population", "ganglion_semi_axes_um"))
    rho = np.linalg.norm(population.position_um / axes, axis=1)
    assert rho.max() <= 1.0
    # Uniform filling would put 12.5 % within rho < 0.5; a rim-weighted density puts fewer.
    assert np.mean(rho < 0.5) < 0.06
    dorsal = population.position_um[:, 2] > 0
    assert 0.53 < dorsal.mean() < 0.65


def test_bad_sizes_are_refused_with_the_range() -> None:
    with pytest.raises(InputError, match=r"n_neurons = 0.*1–100000"):
        pop.sample_population(n_neurons=0, seed=1)
    with pytest.raises(InputError, match="seed"):
        pop.sample_population(n_neurons=5, seed=-1)


def test_stems_point_from_the_rim_towards_the_root_axis() -> None:
    population = pop.sample_population(n_neurons=300, seed=4)
    u = population.stem_directions()
    assert np.allclose(np.linalg.norm(u, axis=1), 1.0)
    assert np.allclose(u[:, 0], 0.0)  # perpendicular to the root
    radial = population.position_um[:, 1:]
    assert np.all(np.sum(u[:, 1:] * radial, axis=1) < 0)  # inwards


def test_the_neuron_frame_is_a_rotation_about_the_soma() -> None:
    population = pop.sample_population(n_neurons=200, seed=6)
    point = np.array([300.0, -200.0, 4000.0])
    local = population.neuron_frame(point)
    d = point - population.position_um
    assert np.allclose(np.linalg.norm(local, axis=1), np.linalg.norm(d, axis=1))
    assert np.allclose(local[:, 0], d[:, 0])  # the root axis is the neurons' axon axis
    u = population.stem_directions()
    assert np.allclose(local[:, 1], np.sum(d * u, axis=1))  # +y is the stem
    # a dorsal-rim soma (stem pointing down) sees a contact above it behind its soma (-y)
    top = np.argmax(population.position_um[:, 2] / np.abs(population.position_um[:, 1]))
    assert local[top, 1] < 0 and abs(local[top, 1]) > abs(local[top, 2])

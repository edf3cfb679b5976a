"""Morphology → compartments: Hines order and NEURON's nodes at branch points."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from drgstim.biophysics.cells import mrg_axon
from drgstim.biophysics.morphology import CompartmentArrays, Morphology, Section
from drgstim.biophysics.solver import CurrentInjection, assemble, run_batch


def _sec(name: str, parent: str | None = None, x: float = 1.0, nseg: int = 2) -> Section:
    return Section(
        name=name, length_um=100.0, diameter_um=2.0, mechanism="pas", start_um=(0.0, 0.0, 0.0),
        end_um=(100.0, 0.0, 0.0), nseg=nseg, parent=parent, parent_x=x,
        parameters={"g_S_per_cm2": 1e-4, "e_mV": -65.0},
    )  # fmt: skip


def _cell(*sections: Section) -> Morphology:
    return Morphology(name="t", sections=sections, detect_section=sections[-1].name)


def test_a_chain_has_no_junction_compartments() -> None:
    comps = _cell(_sec("a"), _sec("b", "a"), _sec("c", "b")).compartments()
    assert len(comps) == 6
    assert not any(c.junction for c in comps)
    assert [c.parent for c in comps] == [-1, 0, 1, 2, 3, 4]


def test_two_children_meet_the_parent_at_a_zero_length_junction() -> None:
    comps = _cell(_sec("stem"), _sec("left", "stem"), _sec("right", "stem")).compartments()
    assert len(comps) == 7
    j = comps[2]
    assert j.junction and j.length_um == 0.0 and j.parent == 1
    assert j.section.name == "stem(1)" and j.centre_um == (100.0, 0.0, 0.0)
    assert comps[3].parent == 2 and comps[5].parent == 2  # both children's first compartments
    assert [c.junction for c in comps].count(True) == 1


def test_nodes_resolve_like_neuron_through_zero_ends() -> None:
    # b at a(1), c at b(0): c's 0-end is b's 0-end, which is a's 1-end: three meet there
    comps = _cell(_sec("a"), _sec("b", "a"), _sec("c", "b", 0.0)).compartments()
    j = next(i for i, c in enumerate(comps) if c.junction)
    assert comps[j].section.name == "a(1)"
    assert comps[j + 1].parent == j and comps[j + 3].parent == j
    # two children on a root's 0-end meet the root's first compartment
    comps = _cell(_sec("r"), _sec("p", "r", 0.0), _sec("q", "r", 0.0)).compartments()
    j = next(i for i, c in enumerate(comps) if c.junction)
    assert comps[j].section.name == "r(0)" and comps[j].parent == 0


def test_the_junction_carries_no_membrane_and_conserves_current() -> None:
    # A passive Y with current into the stem's far end: at steady state every compartment's
    # membrane current sums to the injected current; the junction has no area or capacity.
    cell = _cell(_sec("stem"), _sec("left", "stem"), _sec("right", "stem"))
    batch = assemble([cell])
    j = 2
    assert batch.area[j, 0] == 0.0 and batch.cap[j, 0] == 0.0 and batch.gxg[j, 0] == 0.0
    steps = 40000
    wave = np.ones(steps + 1)
    run = run_batch(
        batch, ve_mV=np.zeros((7, 1)), drive=np.zeros(1), wave=np.zeros(steps + 1),
        dt_ms=0.025, record=range(7),
        inject=CurrentInjection(compartments=[0], amplitude_nA=0.01, wave=wave),
    )  # fmt: skip
    v = run.traces_mV[-1, :, 0]
    leak_nA = 1e6 * 1e-4 * (v + 65.0) * batch.area[:, 0]  # S/cm² · mV · cm² = mA → nA
    assert abs(leak_nA.sum() - 0.01) < 1e-6
    assert np.isclose(v[3], v[5]) and np.isclose(v[4], v[6])  # symmetric children
    assert v[1] > v[j] > v[3]  # the junction lies between the stem and the children


@pytest.mark.parametrize("diameter_um", [2.0, 5.7, 10.0, 16.0])
def test_the_mrg_axon_arrays_built_in_numpy_equal_the_section_by_section_build(
    diameter_um: float,
) -> None:
    # mrg_axon supplies its compartment arrays from the four piece kinds (no Compartment
    # objects); the solver and the sources read them, so they must be exactly what the
    # general build from the sections gives
    cell = mrg_axon(diameter_um=diameter_um, nodes=6)
    fast = cell.compartment_arrays()
    general = CompartmentArrays.of(cell.compartments(), cell.sections)
    for f in dataclasses.fields(CompartmentArrays):
        a, b = getattr(fast, f.name), getattr(general, f.name)
        if isinstance(a, np.ndarray):
            assert a.dtype == b.dtype and np.array_equal(a, b), f.name
        else:
            assert a == b, f.name
    assert cell.detect_index() == len(cell.compartments()) - 1


def test_detection_at_the_zero_end_is_the_sections_first_compartment() -> None:
    cell = Morphology(
        name="t", sections=(_sec("a"), _sec("b", "a"), _sec("c", "b")), detect_section="b",
        detect_x=0.0,
    )  # fmt: skip
    assert cell.detect_index() == 2
    assert dataclasses.replace(cell, detect_x=1.0).detect_index() == 3

"""DRG builders: MRG double-cable Aβ/Aδ, Sundt C, layout and detection site."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from drgstim.biophysics.cells import mrg_fibre
from drgstim.biophysics.drg import build_abeta, build_adelta, build_c, build_drg
from drgstim.biophysics.drg.builders import drg_lane_arrays
from drgstim.biophysics.drg.geometry import DrgType
from drgstim.biophysics.models import build_cell
from drgstim.biophysics.solver import assemble, assemble_lanes
from drgstim.biophysics.stimulate import point_source_ve
from drgstim.errors import InputError


@pytest.mark.parametrize(("kind", "d"), [("abeta", 10.0), ("adelta", 2.5), ("c", 0.8)])
def test_layout_soma_at_origin_detection_at_the_central_end(kind: str, d: float) -> None:
    morph = build_drg(kind, diameter_um=d)
    soma = morph.sections[0]
    assert np.allclose((np.array(soma.start_um) + np.array(soma.end_um)) / 2, 0.0)
    detect = next(s for s in morph.sections if s.name == morph.detect_section)
    assert detect.end_um[0] == max(s.end_um[0] for s in morph.sections)  # far +x end
    # The source at (0, 0, R): perpendicular to the plane of stem and axons, R from the
    # soma centre, so the soma is the nearest compartment.
    assert morph.source_axis == (0.0, 0.0, 1.0)
    ve = point_source_ve(morph, distance_um=1000.0, sigma_S_per_m=0.2)
    assert np.argmax(ve) < soma.nseg  # compartments are numbered from the soma
    assert all(s.start_um[2] == 0.0 and s.end_um[2] == 0.0 for s in morph.sections)


def test_myelinated_neurons_are_mrg_double_cables() -> None:
    abeta = build_abeta(diameter_um=10.0)
    fibre = mrg_fibre(diameter_um=10.0)
    by_name = {s.name: s for s in abeta.sections}
    node = by_name["tjunction_node"]
    assert node.mechanism == "mrg_node" and node.diameter_um == fibre.pieces["node"].diameter_um
    regular = [by_name[f"central_internode5_{k}{i}"] for i, k in enumerate(fibre.internode_order)]
    for sec, kind in zip(regular, fibre.internode_order, strict=True):
        piece = fibre.pieces[kind]
        assert sec.periaxonal == piece.periaxonal and sec.length_um == pytest.approx(
            piece.length_um
        )
    # the central internode beside the T-junction keeps MRG's structure at 358/1450 of the
    # spacing (Ito & Takahashi 1960, as Amir & Devor 2003 and Graham et al. 2021 use it)
    short = sum(s.length_um for s in abeta.sections if s.name.startswith("central_internode0_"))
    assert short == pytest.approx(0.247 * fibre.internode_length_um - 1.0)
    # soma: Amir & Devor's FH membrane (details in test_fh_channels.py), not passive
    assert by_name["soma"].mechanism == "fh" and by_name["initial_segment"].mechanism == "fh"
    assert abeta.v_rest_mV == -80.0 and abeta.temperature_C == 37.0
    assert build_adelta().sections[0].diameter_um == 29.0  # Graham et al. 2021


def test_c_neuron_is_sundt_with_m_current_at_the_t_junction() -> None:
    c = build_c()
    assert {s.mechanism for s in c.sections} == {"sundt"}
    km = {s.name: s.parameters["g_km_S_per_cm2"] for s in c.sections}
    assert km["tjunction_central"] > 0 and km["peripheral"] == 0 and km["soma"] == 0
    assert c.temperature_C == 35.0 and c.v_rest_mV == -60.0


def test_build_cell_reaches_the_drg_builders() -> None:
    assert build_cell("abeta", diameter_um=8.0).name == "abeta_8um"
    assert build_cell("c", diameter_um=0.8).detect_section == "central"
    assert build_cell("adelta", diameter_um=2.5, temperature_C=30.0).temperature_C == 30.0


def test_source_axis_must_be_a_unit_vector() -> None:
    with pytest.raises(InputError, match="source_axis"):
        dataclasses.replace(build_c(), source_axis=(0.0, -2.0, 0.0))


def test_builders_refuse_out_of_range_diameters() -> None:
    with pytest.raises(InputError, match="fibre_diameter_um"):
        build_abeta(diameter_um=1.0)
    with pytest.raises(InputError, match="peripheral_diameter_um"):
        build_drg(DrgType.C, diameter_um=10.0)


@pytest.mark.parametrize(
    ("kind", "diameters"),
    [
        (DrgType.ABETA, (10.0, 5.7, 7.31, 16.0)),
        (DrgType.ADELTA, (2.5, 2.0, 2.77, 3.0)),
        (DrgType.C, (0.8, 0.2, 1.13, 2.0)),
    ],
)
def test_lane_arrays_equal_each_built_cell_bit_for_bit(
    kind: DrgType, diameters: tuple[float, ...]
) -> None:
    # the population's batch of many diameters at once, against building each neuron
    cell, lanes = drg_lane_arrays(kind, diameters_um=diameters)
    cells = [build_drg(kind, diameter_um=d) for d in diameters]
    for got, built in zip(lanes, cells, strict=True):
        want = built.compartment_arrays()
        for f in dataclasses.fields(want):
            a, b = getattr(got, f.name), getattr(want, f.name)
            if f.name == "parameters":
                assert [dict(p) for p in a] == [dict(p) for p in b]
            elif f.name == "mechanism":
                assert a == b
            else:
                np.testing.assert_array_equal(a, b, err_msg=f.name)
    # the kernel arrays too: the batch is the one assembled from the built cells
    fast, slow = assemble_lanes(cell, lanes), assemble(cells)
    for f in dataclasses.fields(slow):
        np.testing.assert_array_equal(getattr(fast, f.name), getattr(slow, f.name), f.name)
    with pytest.raises(InputError, match="diameters_um"):
        drg_lane_arrays(kind, diameters_um=[])

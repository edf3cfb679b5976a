"""Geometry of the DRG neuron types: layout, cited dimensions, detection site."""

from __future__ import annotations

import math

import pytest

from drgstim.biophysics.drg import data as drg_data
from drgstim.biophysics.drg import geometry as geo
from drgstim.errors import InputError


def _by_name(sections: list[geo.Section]) -> dict[str, geo.Section]:
    return {s.name: s for s in sections}


@pytest.mark.parametrize("kind", list(geo.DrgType))
def test_tree_is_connected_and_detection_is_central_far_end(kind: geo.DrgType) -> None:
    sections = geo.sections_for(kind)
    names = _by_name(sections)
    assert sum(s.parent is None for s in sections) == 1
    for s in sections:
        if s.parent is not None:
            assert math.dist(names[s.parent].end_um, s.start_um) < 1e-9, s.name
    detection = [s for s in sections if s.detection]
    assert len(detection) == 1
    far = detection[0]
    assert far.region == "central"
    assert far.end_um[0] == max(s.end_um[0] for s in sections)  # the +x extreme
    soma = names["soma"]
    centre = tuple((a + b) / 2 for a, b in zip(soma.start_um, soma.end_um, strict=True))
    assert centre == pytest.approx((0.0, 0.0, 0.0))


def test_abeta_stem_has_the_amir_devor_internodes() -> None:
    names = _by_name(geo.abeta_sections())
    stem = [names[f"stem_internode{i}"].length_um for i in range(4)]
    assert stem == [85.0, 130.0, 168.0, 201.0]
    assert names["initial_segment"].length_um == 200.0
    assert names["initial_segment"].diameter_um == 5.0
    regular = names["central_internode5"].length_um
    assert names["central_internode0"].length_um < names["central_internode1"].length_um < regular


def test_adelta_has_its_own_published_stem_not_a_scaled_abeta() -> None:
    # Graham et al. 2021's Aδ model: node spacing 260/241/185/123 µm from the T-junction,
    # no initial segment, the soma 29 µm beyond the last stem node
    names = _by_name(geo.adelta_sections())
    spacing = [names[f"stem_internode{i}"].length_um + 1.0 for i in range(4)]
    assert spacing == [123.0, 185.0, 241.0, 260.0]
    assert "initial_segment" not in names
    assert names["soma"].diameter_um == 29.0
    assert names["stem_node0"].parent == "soma"


@pytest.mark.parametrize("kind", [geo.DrgType.ABETA, geo.DrgType.ADELTA])
def test_axon_internodes_beside_the_tjunction_follow_ito_takahashi(kind: geo.DrgType) -> None:
    # central 358/780/1170 of 1450 µm, peripheral 461/670/1119 of 1567 µm (node included)
    names = _by_name(geo.sections_for(kind))
    for axon, ratios in (
        ("central", (358 / 1450, 780 / 1450, 1170 / 1450)),
        ("peripheral", (461 / 1567, 670 / 1567, 1119 / 1567)),
    ):
        spacing = [names[f"{axon}_internode{i}"].length_um + 1.0 for i in range(4)]
        for got, want in zip(spacing[:3], ratios, strict=True):
            assert got / spacing[3] == pytest.approx(want, abs=1e-3)


def test_tjunction_lies_about_as_far_from_the_soma_in_abeta_and_adelta() -> None:
    # "distance" for a DRG neuron is from the soma centre; with the published stems the
    # T-junction of both myelinated types lies 0.82-0.83 mm from it (within 1 %)
    def tjunction_y(kind: geo.DrgType) -> float:
        return _by_name(geo.sections_for(kind))["tjunction_node"].start_um[1]

    ab, ad = tjunction_y(geo.DrgType.ABETA), tjunction_y(geo.DrgType.ADELTA)
    assert 800.0 < ad < ab < 850.0
    assert ab / ad - 1.0 < 0.01


def test_internode_length_follows_mrg_table() -> None:
    assert geo.internode_length_um(fibre_diameter_um=10.0) == 1150.0
    assert geo.internode_length_um(fibre_diameter_um=5.7) == 500.0
    assert geo.internode_length_um(fibre_diameter_um=9.35) == pytest.approx(1075.0)
    with pytest.raises(InputError, match="diameter_um"):
        geo.internode_length_um(fibre_diameter_um=20.0)


def test_c_neuron_matches_sundt_dimensions() -> None:
    names = _by_name(geo.c_sections())
    assert names["soma"].diameter_um == 25.0
    assert names["stem"].diameter_um == 1.4 and names["stem"].length_um == 75.0
    assert names["peripheral"].diameter_um == 0.8 and names["central"].diameter_um == pytest.approx(
        0.4
    )
    assert names["tjunction_peripheral"].length_um == 100.0 == names["tjunction_central"].length_um
    assert names["peripheral"].direction == (-1.0, 0.0, 0.0)
    assert names["central"].direction == (1.0, 0.0, 0.0)


def test_bad_diameter_names_field_and_range() -> None:
    with pytest.raises(InputError, match=r"fibre_diameter_um = 30.*5.7–16"):
        geo.abeta_sections(fibre_diameter_um=30.0)
    with pytest.raises(InputError, match="peripheral_diameter_um"):
        geo.c_sections(peripheral_diameter_um=5.0)


def test_every_parameter_has_a_source() -> None:
    for name in drg_data.DATA_FILES:
        raw = drg_data.load(name)
        stack = [raw]
        while stack:
            node = stack.pop()
            for key, child in node.items():
                if isinstance(child, dict) and "value" in child:
                    assert child.get("source"), f"{name}: {key} has no source"
                elif isinstance(child, dict):
                    stack.append(child)

"""Builders of part 1's Morphology: same tree, placement and detection site as the
interim solver's arrays, soma at the origin, published membranes named per section."""

from __future__ import annotations

import numpy as np
import pytest

from drgstim.biophysics.drg import cable
from drgstim.biophysics.drg.builders import build_abeta, build_adelta, build_c, build_drg
from drgstim.biophysics.drg.geometry import DrgType
from drgstim.errors import InputError


@pytest.mark.parametrize(("kind", "d"), [("abeta", 10.0), ("adelta", 2.5), ("c", 0.8)])
def test_morphology_matches_the_compiled_cell(kind: str, d: float) -> None:
    morph = build_drg(kind, diameter_um=d)
    batch = cable.compile_batch(kind=kind, diameters_um=[d], distances_um=[1000.0], dt_ms=0.01)
    comps = morph.compartments()
    assert [c.parent for c in comps] == list(batch.parent)
    centres = np.array([c.centre_um for c in comps])
    assert np.allclose(centres, batch.centre_um[:, 0, :])
    assert morph.detect_index() == batch.detection
    assert morph.sections[-1].name == morph.detect_section
    assert morph.sections[-1].end_um[0] > 0  # central axon runs along +x
    soma = morph.sections[0]
    centre = (np.array(soma.start_um) + np.array(soma.end_um)) / 2
    assert np.allclose(centre, 0.0)


def test_membranes_per_section() -> None:
    abeta = build_abeta()
    kinds = {s.name: s.mechanism for s in abeta.sections}
    assert kinds["tjunction_node"] == "mrg_node" and kinds["central_internode3"] == "pas"
    assert abeta.v_rest_mV == -80.0 and abeta.temperature_C == 37.0
    c = build_c()
    assert {s.mechanism for s in c.sections} == {"sundt"}
    km = {s.name: s.parameters["g_km_S_per_cm2"] for s in c.sections}
    assert km["tjunction_central"] > 0 and km["peripheral"] == 0 and km["soma"] == 0
    assert c.temperature_C == 35.0 and c.v_rest_mV == -60.0
    assert build_adelta().sections[0].diameter_um == 30.0


def test_builders_refuse_out_of_range_diameters() -> None:
    with pytest.raises(InputError, match="fibre_diameter_um"):
        build_abeta(diameter_um=1.0)
    with pytest.raises(InputError, match="peripheral_diameter_um"):
        build_drg(DrgType.C, diameter_um=10.0)

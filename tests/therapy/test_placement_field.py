"""Lead placement over a level's ganglion, and the analytic field (fast, no solver)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from drgstim.anatomy import Side, SpinalLevel, drg_size, drg_size_levels
from drgstim.anatomy._data import load as anatomy_data
from drgstim.device import DEFAULT_LEAD_MODEL
from drgstim.device._data import device_data
from drgstim.errors import InputError
from drgstim.therapy import Medium, Placement, contact_weights, parse_lead, unit_fields


def test_every_labelled_level_has_a_ganglion_size_growing_l1_to_l5() -> None:
    levels = [lv.value for lv in drg_size_levels()]
    assert levels == ["T10", "T11", "T12", "L1", "L2", "L3", "L4", "L5", "S1", "S2"]
    widths = [drg_size(f"L{i}").width_mm for i in range(1, 6)]
    assert widths == sorted(widths) and widths[0] < widths[-1]
    assert drg_size("L5").width_mm == pytest.approx(6.5)  # Silverstein et al. 2015
    assert all(drg_size(lv).sources for lv in levels)


def test_ganglion_widths_follow_the_published_morphometry() -> None:
    """Every level's width names its basis and sources; scaled widths reproduce one
    study's ratio to L5 on the measured L5 width (Silverstein et al. 2015): the published
    volumes (Weiner et al. 2022, L4-S2) or mean widths (Silav et al. 2016, L1-L3); the
    thoracic levels, with no published width, are the flagged ones and follow the thoracic
    volume trend (Zhang 2012)."""
    data = anatomy_data("drg_geometry")
    scaling = data["size_scaling"]
    sizes = data["size_mm"]
    ref = sizes[scaling["reference_level"]]
    assert ref["width_mm"] == scaling["reference_width_mm"] == 6.5
    for level, entry in sizes.items():
        basis = entry["basis"].split(":")[0]
        assert basis in {"measured", "scaled", "interpolated", "assumed"}, level
        assert entry["sources"] and all(s in data["sources"] for s in entry["sources"]), level
        if basis == "scaled" and "published_width_mm" in entry:
            ratio = entry["published_width_mm"] / scaling["width_source_reference_mm"]
            assert scaling["width_source"] in entry["sources"], level
            assert entry["width_mm"] == pytest.approx(ref["width_mm"] * ratio, abs=0.005)
        elif basis == "scaled":
            ratio = (entry["volume_mm3"] / ref["volume_mm3"]) ** (1 / 3)
            assert entry["width_mm"] == pytest.approx(ref["width_mm"] * ratio, abs=0.005)
    unmeasured = {lv for lv, e in sizes.items() if e["basis"].startswith(("assumed", "interp"))}
    assert unmeasured == {"T10", "T11", "T12"}
    for lv in ("T10", "T11"):  # the thoracic volume trend on T12's assumed width
        ratio = (sizes[lv]["volume_mm3"] / sizes["T12"]["volume_mm3"]) ** (1 / 3)
        assert sizes[lv]["width_mm"] == pytest.approx(sizes["T12"]["width_mm"] * ratio, abs=0.005)
    width = {lv: drg_size(lv).width_mm for lv in ("L4", "L5", "S1", "S2")}
    assert width["L4"] < width["L5"] < width["S1"] > width["S2"]  # volumes rise to S1, then fall
    # two studies agree at L4: Weiner's volume ratio and Silav's width ratio
    assert width["L4"] == pytest.approx(6.5 * 5.22 / 5.82, abs=0.02)


def test_device_lead_geometry_equals_the_published_figures() -> None:
    """Each lead dimension is either the manufacturer's published figure or flagged as
    not found (then an assumption, said so in the model's source)."""
    model = device_data()["lead_models"]["models"][DEFAULT_LEAD_MODEL.name]
    published = model["published"]
    assert set(published) == {"contact_count", "diameter_mm", "length_mm", "pitch_mm"}
    for name, entry in published.items():
        assert entry["source"], name
        if entry["value"] is None:
            assert entry["source"].startswith("not found"), name
            assert "assumption" in model["source"] and name in model["source"], name
        else:
            assert getattr(DEFAULT_LEAD_MODEL, name) == entry["value"], name
    assert published["contact_count"]["value"] == DEFAULT_LEAD_MODEL.contact_count == 4


def test_level_without_a_model_names_the_allowed_levels() -> None:
    with pytest.raises(InputError) as err:
        parse_lead("S3:left")
    assert err.value.field == "level" and "T10" in err.value.allowed and "S2" in err.value.allowed


def test_contacts_follow_the_device_lead_geometry() -> None:
    p = Placement(level=SpinalLevel.L4, side=Side.LEFT, along_mm=1.0)
    c = p.contact_centres_um()
    assert c.shape == (DEFAULT_LEAD_MODEL.contact_count, 3)
    np.testing.assert_allclose(np.diff(c[:, 0]), DEFAULT_LEAD_MODEL.pitch_mm * 1000.0)
    assert np.mean(c[:, 0]) == pytest.approx(1000.0)  # the midpoint moves with along_mm
    semi_z = drg_size("L4").thickness_mm * 500.0
    gap_um = 1000.0  # default 1 mm surface gap + the lead's radius above the surface
    assert c[0, 2] == pytest.approx(semi_z + gap_um + DEFAULT_LEAD_MODEL.diameter_mm * 500.0)


@pytest.mark.parametrize(
    ("field", "kwargs"),
    [
        ("along_mm", {"along_mm": 6.0}),
        ("across_mm", {"across_mm": -3.0}),
        ("surface_gap_mm", {"surface_gap_mm": 3.5}),
        ("surface_gap_mm", {"surface_gap_mm": -0.1}),
    ],
)
def test_placement_outside_the_foramen_is_refused(field: str, kwargs: dict[str, float]) -> None:
    with pytest.raises(InputError) as err:
        Placement(level=SpinalLevel.L4, side=Side.LEFT, **kwargs)
    assert err.value.field == field and "mm" in err.value.allowed


@pytest.mark.analytic
def test_one_contact_far_away_is_a_point_source() -> None:
    """Far from the lead a ring contact carrying 1 mA gives I / (4πσr)."""
    p = Placement(level=SpinalLevel.L4, side=Side.LEFT)
    fields = unit_fields(p, Medium.HOMOGENEOUS)
    centre = p.contact_centres_um()[1]
    far = centre + np.array([[0.0, 0.0, 50_000.0], [0.0, 80_000.0, 0.0]])
    sigma = Medium.HOMOGENEOUS.sigma_S_per_m()[0]
    expected_mV = [1e-3 / (4 * math.pi * sigma * r * 1e-6) * 1e3 for r in (50_000.0, 80_000.0)]
    np.testing.assert_allclose(fields.at(far)[1], expected_mV, rtol=2e-3)


@pytest.mark.analytic
def test_program_field_is_the_weighted_sum_of_unit_fields() -> None:
    p = Placement(level=SpinalLevel.L5, side=Side.RIGHT)
    fields = unit_fields(p, Medium.ANISOTROPIC)
    pts = np.array([[0.0, 0.0, 0.0], [1500.0, 500.0, 1200.0], [-3000.0, 0.0, -800.0]])
    w = contact_weights("--+0")
    assert w == (0.5, 0.5, -1.0, 0.0)  # the device's equal split among cathodes
    np.testing.assert_allclose(
        fields.program(pts, w),
        w[0] * fields.at(pts)[0] + w[1] * fields.at(pts)[1] + w[2] * fields.at(pts)[2],
    )


@pytest.mark.analytic
def test_anisotropy_spreads_the_field_along_the_root() -> None:
    """σ_long > σ_trans: at equal distance the potential is higher along the root (x), by
    sqrt(σ_long / σ_trans) far from the contact."""
    p = Placement(level=SpinalLevel.L4, side=Side.LEFT)
    c = p.contact_centres_um()[1]
    pts = np.stack([c + np.array([8000.0, 0.0, 0.0]), c + np.array([0.0, 0.0, 8000.0])])
    v = unit_fields(p, Medium.ANISOTROPIC).at(pts)[1]
    sl, st, _ = Medium.ANISOTROPIC.sigma_S_per_m()
    assert v[0] / v[1] == pytest.approx(math.sqrt(sl / st), rel=0.03)
    iso = unit_fields(p, Medium.HOMOGENEOUS).at(pts)[1]
    assert iso[0] == pytest.approx(iso[1], rel=0.02)


def test_a_program_needs_a_cathode_and_an_anode() -> None:
    with pytest.raises(InputError) as err:
        contact_weights("-000")
    assert err.value.field == "contacts"


def test_fem_threshold_cache_key_carries_the_mesh_and_refuses_unsolved_contacts() -> None:
    """Thresholds cached for one FEM mesh are never read back for another (the mesh decides
    the field), the analytic keys do not change, and a program on a contact whose field
    was not solved is refused instead of reading a zero field."""
    from drgstim.therapy import ThresholdEngine, level_population
    from drgstim.therapy.fem import FemFields

    p = Placement(level=SpinalLevel.L4, side=Side.LEFT)
    pop = level_population(p, n_neurons=3, seed=1)

    def fem(h_lead_mm: float) -> FemFields:
        mesh = {"h_mm": 2.0, "h_lead_mm": h_lead_mm, "order": 1.0}
        return FemFields(p, None, np.zeros((4, 1)), 1, Medium.FEM, mesh, (1, 2))  # type: ignore[arg-type]

    w = contact_weights("0-+0")
    fine, coarse = ThresholdEngine(pop, fem(0.25)), ThresholdEngine(pop, fem(0.5))  # type: ignore[arg-type]
    assert fine.key(w, 300) != coarse.key(w, 300)
    assert fine.key(w, 300) == ThresholdEngine(pop, fem(0.25)).key(w, 300)  # type: ignore[arg-type]
    analytic = ThresholdEngine(pop, unit_fields(p, Medium.HOMOGENEOUS))
    assert analytic.key(w, 300) not in {fine.key(w, 300), coarse.key(w, 300)}
    with pytest.raises(ValueError, match="not solved"):
        fine.thresholds_uA(contact_weights("-+00"), 300)

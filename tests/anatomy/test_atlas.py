"""The dermatome atlas against the usual DRG level per pain region (NACC DRG practice; Lee 2008)."""

from __future__ import annotations

import pytest

from drgstim.anatomy import (
    DEVICE_TERMS,
    LABELLED_RANGE,
    Region,
    SpinalLevel,
    dermatome_weights,
    region_sources,
    regions_for_device_term,
)
from drgstim.errors import InputError

# Spec table: the usual DRG level(s) per pain region; the atlas's best level must be one.
SPEC_TOP = {
    Region.FOOT_TOP: {"L5", "S1"},
    Region.FOOT_BOTTOM: {"L5", "S1"},
    Region.TOES: {"L5", "S1"},
    Region.ANKLE: {"L4", "L5"},
    Region.LOWER_LEG_FRONT: {"L4", "L5"},
    Region.LOWER_LEG_BACK: {"L4", "L5"},
    Region.KNEE: {"L3"},
    Region.THIGH_FRONT: {"L2", "L3"},
    Region.THIGH_BACK: {"L2", "L3"},
    Region.HIP: {"L1", "L2"},
    Region.GROIN: {"T12", "L1"},
    Region.LOWER_BACK: {"L2"},
    Region.BACK_AND_LEG: {"L2"},
    Region.PELVIS: {"S1", "S2", "S3"},
    Region.PERINEUM: {"S1", "S2", "S3"},
    Region.BUTTOCK: {"S1", "S2"},
    Region.ABDOMEN: {f"T{i}" for i in range(4, 13)},
    Region.CHEST_WALL: {f"T{i}" for i in range(4, 13)},
    # Upper body (Lee, McPhee & Stringer 2008): occiput C2, neck C3-C4, shoulder C4-C5,
    # lateral arm C5, lateral forearm and thumb C6, middle finger C7.
    Region.HEAD: {"C2"},
    Region.NECK: {"C3", "C4"},
    Region.SHOULDER: {"C4", "C5"},
    Region.UPPER_ARM: {"C5"},
    Region.FOREARM: {"C6"},
    Region.HAND: {"C6", "C7", "C8"},
}
# Spec's second-line levels (in brackets) must carry weight too.
SPEC_ALSO = {
    Region.KNEE: {"L4"},
    Region.FOOT_TOP: {"L4"},
    Region.HIP: {"L3"},
    Region.GROIN: {"L2"},
    Region.LOWER_BACK: {"L1", "L3"},
    Region.ANKLE: {"S1"},
}


def test_every_region_is_in_the_spec_table() -> None:
    assert set(SPEC_TOP) == set(Region)


@pytest.mark.parametrize("region", list(Region))
def test_top_level_matches_spec(region: Region) -> None:
    weights = dermatome_weights(region)
    top = next(iter(weights))
    assert top.value in SPEC_TOP[region], f"{region}: best level {top}"


@pytest.mark.parametrize("region", list(Region))
def test_weights_are_fractions_summing_to_one_largest_first(region: Region) -> None:
    weights = dermatome_weights(region)
    assert all(0 < w <= 1 for w in weights.values())
    assert sum(weights.values()) == pytest.approx(1.0, abs=1e-9)
    values = list(weights.values())
    assert values == sorted(values, reverse=True)
    assert len(weights) >= 2, "dermatomes overlap: no region is a single level"


@pytest.mark.parametrize(("region", "levels"), SPEC_ALSO.items())
def test_second_line_levels_overlap(region: Region, levels: set[str]) -> None:
    weights = dermatome_weights(region)
    for level in levels:
        assert weights.get(SpinalLevel(level), 0) > 0, f"{region} lacks {level}"


def test_knee_weights_follow_case_series() -> None:
    # Martin 2020: L3 in 11 of 12 knees, L4 in 4 of 12 → L3 clearly above L4.
    w = dermatome_weights("knee")
    assert w[SpinalLevel.L3] > 1.5 * w[SpinalLevel.L4]


@pytest.mark.parametrize("region", list(Region))
def test_every_region_cites_sources_and_has_a_label(region: Region) -> None:
    sources = region_sources(region)
    assert sources and all(len(s) > 20 for s in sources)
    assert region.label and region.label[0].isupper() and "_" not in region.label


def test_device_terms_map_onto_regions() -> None:
    expected = {"lower back", "back & leg", "thigh", "knee", "lower leg", "ankle",
                "foot top", "foot bottom", "toes", "hip", "groin"}  # fmt: skip
    assert set(DEVICE_TERMS) == expected
    assert regions_for_device_term("Lower Leg") == (Region.LOWER_LEG_FRONT, Region.LOWER_LEG_BACK)
    assert regions_for_device_term("back & leg") == (Region.BACK_AND_LEG,)
    assert Region.parse("foot top") is Region.FOOT_TOP
    with pytest.raises(InputError) as info:
        Region.parse("thigh")  # spans two regions: the user must choose
    assert info.value.allowed == "thigh_front, thigh_back"
    with pytest.raises(InputError, match="device_term"):
        regions_for_device_term("elbow")


def test_unknown_region_lists_the_known_ones() -> None:
    with pytest.raises(InputError) as info:
        dermatome_weights("elbow")
    assert info.value.field == "region" and "knee" in info.value.allowed


def test_labelled_range_is_t10_to_s2() -> None:
    assert LABELLED_RANGE == (SpinalLevel.T10, SpinalLevel.S2)


def test_device_terms_are_the_device_layers_terms() -> None:
    from drgstim.device import ANATOMY_TERMS

    assert set(DEVICE_TERMS) == set(ANATOMY_TERMS)

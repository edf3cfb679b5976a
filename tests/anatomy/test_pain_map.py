"""Pain map entries, parsing, round trip and widespread detection."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from drgstim.anatomy import PainCharacter, PainEntry, PainMap, Region, Side, parse_region_arg
from drgstim.errors import InputError


def _map(*args: str) -> PainMap:
    return PainMap(parse_region_arg(a) for a in args)


def test_parse_cli_form() -> None:
    e = parse_region_arg("knee:left:7")
    assert (e.region, e.side, e.intensity, e.character) == (Region.KNEE, Side.LEFT, 7.0, None)
    e = parse_region_arg("foot_top:right:5.5:burning")
    assert e.character is PainCharacter.BURNING and e.intensity == 5.5


@pytest.mark.parametrize(
    ("text", "field"),
    [("elbow:left:5", "region"), ("knee:up:5", "side"), ("knee:left:11", "intensity"),
     ("knee:left:-1", "intensity"), ("knee:left:nan", "intensity"), ("knee:left:x", "intensity"),
     ("knee:left:5:itchy", "character"), ("knee:left", "region")],
)  # fmt: skip
def test_bad_entries_name_the_field(text: str, field: str) -> None:
    with pytest.raises(InputError) as info:
        parse_region_arg(text)
    assert info.value.field == field
    assert info.value.allowed


def test_unknown_region_lists_known_regions() -> None:
    with pytest.raises(InputError) as info:
        PainEntry(region="elbow", side="left", intensity=3)  # type: ignore[arg-type]
    assert all(r.value in info.value.allowed for r in Region)


def test_entry_is_frozen_and_duplicates_refused() -> None:
    e = parse_region_arg("knee:left:7")
    with pytest.raises(AttributeError):
        e.intensity = 3  # type: ignore[misc]
    with pytest.raises(InputError, match="knee:left"):
        _map("knee:left:7", "knee:left:3")


def test_regions_sides_and_zero_intensity() -> None:
    m = _map("knee:left:7", "groin:right:4", "ankle:left:0")
    assert m.regions == {Region.KNEE, Region.GROIN}  # 0 = not painful
    assert m.sides == {Side.LEFT, Side.RIGHT}
    assert _map("perineum:midline:5").sides == {Side.LEFT, Side.RIGHT}


def test_focal_maps_are_not_widespread() -> None:
    assert not _map("knee:left:7").is_widespread()
    assert not _map("foot_top:left:6", "foot_top:right:6", "ankle:left:4").is_widespread()
    assert _map("knee:left:7").widespread_reasons() == []


def test_both_sides_above_and_below_waist_and_axial_is_widespread() -> None:
    m = _map("chest_wall:left:5", "knee:right:6", "lower_back:midline:5")
    reasons = m.widespread_reasons()
    assert m.is_widespread() and any("ACR 1990" in r for r in reasons)


def test_upper_and_lower_body_is_widespread() -> None:
    assert _map("chest_wall:left:5", "foot_top:left:6").is_widespread()


def test_many_sites_is_widespread() -> None:
    m = _map("knee:bilateral:5", "ankle:bilateral:5", "hip:bilateral:5", "groin:left:4")
    assert len(m.sites()) == 7
    assert any("7 painful sites" in r for r in m.widespread_reasons())
    assert not _map("knee:bilateral:5", "ankle:bilateral:5", "hip:bilateral:5").is_widespread()


_entries = st.builds(
    PainEntry,
    region=st.sampled_from(list(Region)),
    side=st.sampled_from(list(Side)),
    intensity=st.floats(min_value=0, max_value=10),
    character=st.none() | st.sampled_from(list(PainCharacter)),
)


@given(st.lists(_entries, max_size=8, unique_by=lambda e: (e.region, e.side)))
def test_round_trip(entries: list[PainEntry]) -> None:
    m = PainMap(entries)
    assert PainMap.from_dict(m.to_dict()) == m
    assert PainMap.from_dict(m.to_dict()["entries"]) == m

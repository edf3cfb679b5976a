"""Spinal levels, sides and DRG geometry data."""

from __future__ import annotations

import pytest

from drgstim.anatomy import DRGPosition, Side, SpinalLevel, drg_geometry
from drgstim.errors import InputError


def test_levels_run_c2_to_s5_in_anatomical_order() -> None:
    levels = list(SpinalLevel)
    assert [lvl.value for lvl in levels[:2]] == ["C2", "C3"] and levels[-1] == SpinalLevel.S5
    assert len(levels) == 7 + 12 + 5 + 5
    assert SpinalLevel.C8 < SpinalLevel.T1 and SpinalLevel.C5.segment == "cervical"
    assert SpinalLevel.T12 < SpinalLevel.L1 < SpinalLevel.L5 < SpinalLevel.S1
    assert sorted([SpinalLevel.S1, SpinalLevel.T10, SpinalLevel.L2]) == [
        SpinalLevel.T10, SpinalLevel.L2, SpinalLevel.S1]  # fmt: skip
    assert SpinalLevel.L3 >= "L3" and not SpinalLevel.L3 > "L4"


def test_parse_level_and_side() -> None:
    assert SpinalLevel.parse(" l3 ") is SpinalLevel.L3
    assert SpinalLevel.L3.segment == "lumbar" and SpinalLevel.S2.segment == "sacral"
    assert Side.parse("Left") is Side.LEFT
    assert Side.BILATERAL.lateral == (Side.LEFT, Side.RIGHT)
    with pytest.raises(InputError, match="L1–L5"):
        SpinalLevel.parse("L6")
    with pytest.raises(InputError) as info:
        Side.parse("up")
    assert info.value.field == "side"


def test_drg_size_rises_caudally_and_l5_width_is_sourced() -> None:
    ranks = [drg_geometry(f"L{i}").size_rank for i in range(1, 6)] + [drg_geometry("S1").size_rank]
    assert None not in ranks
    assert ranks == [1, 2, 3, 4, 5, 6]
    l5 = drg_geometry(SpinalLevel.L5)
    assert l5.max_width_mm == pytest.approx(6.5)  # Silverstein 2015
    assert l5.intraspinal_fraction == pytest.approx(0.057)  # Shen 2006
    assert l5.foramen_zone == "lateral" and drg_geometry("L3").foramen_zone == "medial"


def test_drg_positions_and_sources() -> None:
    assert all(drg_geometry(f"L{i}").position is DRGPosition.FORAMINAL for i in range(1, 6))
    assert drg_geometry("S1").position is DRGPosition.INTRASPINAL
    assert drg_geometry("S3").position is DRGPosition.SACRAL_CANAL
    assert all(drg_geometry(lvl).sources for lvl in ("L1", "S1", "S5"))


def test_no_drg_data_above_l1_is_an_input_error() -> None:
    with pytest.raises(InputError) as info:
        drg_geometry("T11")
    assert info.value.field == "level" and "L1" in info.value.allowed

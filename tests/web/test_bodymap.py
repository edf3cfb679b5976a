"""The body map draws each region on both sides, without overlaps, the right way round."""

from __future__ import annotations

from itertools import combinations

from drgstim.web.bodymap import MapShape, Side, View, body_map, region_labels


def shapes() -> list[MapShape]:
    found = body_map()["shapes"]
    assert isinstance(found, list)
    return found


def test_every_region_is_offered_on_both_sides() -> None:
    drawn = {(s.region, s.side) for s in shapes()}
    undrawn = {region for region, _ in body_map()["undrawn"]}  # type: ignore[attr-defined]
    for region in region_labels():
        if region not in undrawn:
            assert {(region, Side.LEFT), (region, Side.RIGHT)} <= drawn, region
    assert len(drawn) >= 20


def test_shapes_do_not_overlap_so_each_click_means_one_region() -> None:
    def overlap(a: MapShape, b: MapShape) -> bool:
        return (
            a.x < b.x + b.width
            and b.x < a.x + a.width
            and a.y < b.y + b.height
            and b.y < a.y + a.height
        )

    clashes = [(a.key, b.key) for a, b in combinations(shapes(), 2) if overlap(a, b)]
    assert clashes == []


def test_front_view_shows_patient_right_on_viewer_left_and_back_view_the_reverse() -> None:
    by_key = {(s.region, s.side, s.view): s for s in shapes()}
    front_knee_right = by_key[("knee", Side.RIGHT, View.FRONT)]
    front_knee_left = by_key[("knee", Side.LEFT, View.FRONT)]
    assert front_knee_right.x < front_knee_left.x
    back_right = by_key[("lower_back", Side.RIGHT, View.BACK)]
    back_left = by_key[("lower_back", Side.LEFT, View.BACK)]
    assert back_left.x < back_right.x
    assert min(back_left.x, back_right.x) >= 200  # drawn in the back view, right of the front


def test_labels_name_the_side() -> None:
    assert {s.label for s in shapes() if s.region == "knee"} == {"Left knee", "Right knee"}


def test_map_uses_the_anatomy_vocabulary_and_draws_every_simple_region() -> None:
    from drgstim.anatomy import Region

    drawn = {s.region for s in shapes()}
    assert drawn <= {r.value for r in Region}
    undrawn = {region for region, _ in body_map()["undrawn"]}  # type: ignore[attr-defined]
    assert undrawn == {"back_and_leg"}  # a compound region: offered as a button
    assert {s.label for s in shapes() if s.region == "foot_top"} == {
        "Left top of foot",
        "Right top of foot",
    }

"""Geometry of the interactive SVG body map: one clickable shape per body region × side.

The regions themselves (names and labels) belong to the anatomy layer
(``drgstim.anatomy.Region``); this module only says where each one is drawn. A stylised
figure is drawn twice: front view on the left of the picture (the patient's right side
appears on the viewer's left) and back view on the right (seen from behind, the patient's
left appears on the viewer's left). Coordinates are SVG user units of a 440 × 400 picture.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

__all__ = ["MapShape", "Side", "View", "body_map", "region_labels"]

BACK_OFFSET = 240.0
MIDLINE_X = 100.0


class Side(StrEnum):
    LEFT = "left"
    RIGHT = "right"


class View(StrEnum):
    FRONT = "front"
    BACK = "back"


@dataclass(frozen=True)
class _Box:
    """A region's shape on the patient's right side of the front view (x < midline)."""

    view: View
    x: float
    y: float
    width: float
    height: float
    rounded: float = 6.0


# Keyed by the anatomy layer's region value. Front view: limbs and the front of the trunk;
# back view: the back and the sole, which are only visible from behind.
_BOXES: dict[str, _Box] = {
    "chest_wall": _Box(View.FRONT, 72, 62, 26, 38),
    "abdomen": _Box(View.FRONT, 72, 102, 26, 38),
    "hip": _Box(View.FRONT, 60, 142, 18, 26),
    "groin": _Box(View.FRONT, 80, 146, 18, 22),
    "thigh_front": _Box(View.FRONT, 68, 172, 30, 66),
    "knee": _Box(View.FRONT, 72, 242, 24, 24, rounded=12),
    "lower_leg_front": _Box(View.FRONT, 74, 270, 20, 58),
    "ankle": _Box(View.FRONT, 75, 331, 18, 12, rounded=5),
    "foot_top": _Box(View.FRONT, 70, 346, 26, 16),
    "toes": _Box(View.FRONT, 66, 364, 30, 10, rounded=4),
    "lower_back": _Box(View.BACK, 72, 112, 26, 34),
    "buttock": _Box(View.BACK, 68, 148, 30, 28, rounded=12),
    "pelvis": _Box(View.BACK, 86, 178, 12, 14, rounded=4),
    "perineum": _Box(View.BACK, 88, 194, 10, 10, rounded=4),
    "thigh_back": _Box(View.BACK, 64, 178, 20, 64),
    "lower_leg_back": _Box(View.BACK, 70, 270, 22, 58),
    "foot_bottom": _Box(View.BACK, 70, 346, 26, 24),
    # Upper body: arm boxes lie inside the outline's arm, the occipital head and the back of
    # the neck on the back view (where they are painted), so widespread pain can be drawn.
    "shoulder": _Box(View.FRONT, 38, 60, 20, 18),
    "upper_arm": _Box(View.FRONT, 38, 80, 20, 34),
    "forearm": _Box(View.FRONT, 38, 116, 20, 36),
    "hand": _Box(View.FRONT, 38, 154, 20, 16, rounded=5),
    "head": _Box(View.BACK, 84, 14, 15, 30, rounded=7),
    "neck": _Box(View.BACK, 90, 46, 9, 10, rounded=3),
}


@dataclass(frozen=True)
class MapShape:
    """One clickable shape: a region on one side, as an SVG rect."""

    region: str
    side: Side
    label: str
    view: View
    x: float
    y: float
    width: float
    height: float
    rounded: float

    @property
    def key(self) -> str:
        return f"{self.region}:{self.side.value}"


def region_labels() -> dict[str, str]:
    """Region value → human label, from the anatomy layer's controlled vocabulary.

    Regions without a box here (a compound such as ``back_and_leg``) are offered as
    buttons beside the picture instead of as shapes.
    """
    from drgstim.anatomy import Region

    return {member.value: member.label for member in Region}


def _placed(box: _Box, side: Side) -> tuple[float, float]:
    """Top-left corner of ``box`` for ``side`` in picture coordinates."""
    x = box.x
    right_on_viewer_left = box.view == View.FRONT
    on_viewer_left = (side == Side.RIGHT) == right_on_viewer_left
    if not on_viewer_left:
        x = 2 * MIDLINE_X - box.x - box.width
    if box.view == View.BACK:
        x += BACK_OFFSET
    return x, box.y


def body_map() -> dict[str, object]:
    """Every drawable region × side as shapes, plus the regions the map cannot draw."""
    labels = region_labels()
    shapes: list[MapShape] = []
    for region, label in labels.items():
        box = _BOXES.get(region)
        if box is None:
            continue
        for side in (Side.RIGHT, Side.LEFT):
            x, y = _placed(box, side)
            shapes.append(
                MapShape(
                    region=region,
                    side=side,
                    label=f"{side.value.capitalize()} {label.lower()}",
                    view=box.view,
                    x=x,
                    y=y,
                    width=box.width,
                    height=box.height,
                    rounded=box.rounded,
                )
            )
    undrawn = [(region, label) for region, label in labels.items() if region not in _BOXES]
    return {"shapes": shapes, "undrawn": undrawn, "back_offset": BACK_OFFSET}

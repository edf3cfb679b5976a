"""Body regions (controlled vocabulary), their labels, the reference device's anatomy
terms, and the dermatome atlas: how much of each region each spinal level covers."""

from __future__ import annotations

from enum import StrEnum

from drgstim.anatomy._data import load
from drgstim.anatomy.levels import SpinalLevel
from drgstim.errors import InputError

__all__ = [
    "DEVICE_TERMS",
    "LABELLED_RANGE",
    "Region",
    "dermatome_weights",
    "region_sources",
    "regions_for_device_term",
]


class Region(StrEnum):
    """A body region of the pain map; each is painted left or right."""

    LOWER_BACK = "lower_back"
    BACK_AND_LEG = "back_and_leg"
    BUTTOCK = "buttock"
    HIP = "hip"
    GROIN = "groin"
    THIGH_FRONT = "thigh_front"
    THIGH_BACK = "thigh_back"
    KNEE = "knee"
    LOWER_LEG_FRONT = "lower_leg_front"
    LOWER_LEG_BACK = "lower_leg_back"
    ANKLE = "ankle"
    FOOT_TOP = "foot_top"
    FOOT_BOTTOM = "foot_bottom"
    TOES = "toes"
    PELVIS = "pelvis"
    PERINEUM = "perineum"
    ABDOMEN = "abdomen"
    CHEST_WALL = "chest_wall"
    HEAD = "head"
    NECK = "neck"
    SHOULDER = "shoulder"
    UPPER_ARM = "upper_arm"
    FOREARM = "forearm"
    HAND = "hand"

    @property
    def label(self) -> str:
        """Human-readable name, e.g. "Top of foot" (for the body map)."""
        return str(_entry(self)["label"])

    @property
    def zone(self) -> str:
        """ "head_neck", "upper_limb", "axial", "upper_trunk", "lower_trunk" or "lower_limb"
        (widespread detection)."""
        return str(_entry(self)["zone"])

    @classmethod
    def parse(cls, text: str, *, field: str = "region") -> Region:
        """A region from its value ("foot_top") or a device term ("foot top")."""
        key = text.strip().lower()
        try:
            return cls(key.replace(" ", "_").replace("-", "_"))
        except ValueError:
            pass
        regions = DEVICE_TERMS.get(key, ())
        if len(regions) == 1:
            return regions[0]
        allowed = ", ".join(r.value for r in (regions or tuple(cls)))
        reason = f"device term spanning {len(regions)} regions" if regions else "unknown region"
        raise InputError(field, text, allowed, reason=reason)


def _entry(region: Region) -> dict[str, object]:
    entry: dict[str, object] = load("dermatome_atlas")["regions"][region.value]
    return entry


def dermatome_weights(region: Region | str) -> dict[SpinalLevel, float]:
    """Fraction of ``region`` covered by each level's dermatome (sums to 1), largest first."""
    reg = region if isinstance(region, Region) else Region.parse(region)
    raw: dict[str, float] = load("dermatome_atlas")["regions"][reg.value]["weights"]
    pairs = [(SpinalLevel.parse(k), float(v)) for k, v in raw.items()]
    pairs.sort(key=lambda kv: (-kv[1], kv[0].order))
    return dict(pairs)


def region_sources(region: Region) -> list[str]:
    """Full citations behind ``region``'s weights."""
    atlas = load("dermatome_atlas")
    keys: list[str] = atlas["regions"][region.value]["sources"]
    return [str(atlas["sources"][k]) for k in keys]


def _device_terms() -> dict[str, tuple[Region, ...]]:
    terms: dict[str, list[str]] = load("dermatome_atlas")["device_terms"]["terms"]
    return {term: tuple(Region(r) for r in regions) for term, regions in terms.items()}


def regions_for_device_term(term: str) -> tuple[Region, ...]:
    """Regions of one of the reference device's anatomy terms ("lower leg" → front, back)."""
    key = term.strip().lower()
    if key not in DEVICE_TERMS:
        raise InputError("device_term", term, ", ".join(DEVICE_TERMS))
    return DEVICE_TERMS[key]


DEVICE_TERMS: dict[str, tuple[Region, ...]] = _device_terms()
"""The reference device's anatomy terms → regions."""

LABELLED_RANGE: tuple[SpinalLevel, SpinalLevel] = (
    SpinalLevel.parse(load("dermatome_atlas")["labelled_range"]["first"]),
    SpinalLevel.parse(load("dermatome_atlas")["labelled_range"]["last"]),
)
"""First and last level of the reference device's labelled range (T10–S2)."""

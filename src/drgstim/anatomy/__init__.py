"""Anatomy: spinal levels, body regions, the dermatome atlas, DRG geometry, pain maps.

Pure Python (no NumPy); every number comes from ``drgstim/data/anatomy`` with its source.
"""

from __future__ import annotations

from drgstim.anatomy.geometry import (
    DRGGeometry,
    DRGPosition,
    DRGSize,
    drg_geometry,
    drg_size,
    drg_size_levels,
)
from drgstim.anatomy.levels import Side, SpinalLevel
from drgstim.anatomy.pain_map import PainCharacter, PainEntry, PainMap, parse_region_arg
from drgstim.anatomy.regions import (
    DEVICE_TERMS,
    LABELLED_RANGE,
    Region,
    dermatome_weights,
    region_sources,
    regions_for_device_term,
)

__all__ = [
    "DEVICE_TERMS",
    "LABELLED_RANGE",
    "DRGGeometry",
    "DRGPosition",
    "DRGSize",
    "PainCharacter",
    "PainEntry",
    "PainMap",
    "Region",
    "Side",
    "SpinalLevel",
    "dermatome_weights",
    "drg_geometry",
    "drg_size",
    "drg_size_levels",
    "parse_region_arg",
    "region_sources",
    "regions_for_device_term",
]

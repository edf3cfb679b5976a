"""Anatomy: spinal levels, body regions, the dermatome atlas, DRG geometry, pain maps.

Pure Python (no NumPy); every number comes from ``drgstim/data/anatomy`` with its source.
"""

from __future__ import annotations

from drgstim.anatomy.geometry import DRGGeometry, DRGPosition, drg_geometry
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
    "PainCharacter",
    "PainEntry",
    "PainMap",
    "Region",
    "Side",
    "SpinalLevel",
    "dermatome_weights",
    "drg_geometry",
    "parse_region_arg",
    "region_sources",
    "regions_for_device_term",
]

"""Biophysics engine: sources, waveforms, membrane mechanisms, the batched cable solver,
thresholds, and the reference models (HH cable, MRG axon).

Importing this package imports NumPy and Numba; the CLI imports it inside commands only.
"""

from __future__ import annotations

from drgstim.biophysics.cells import hh_cable, mrg_axon, mrg_geometry
from drgstim.biophysics.models import CellModel, build_cell
from drgstim.biophysics.morphology import Compartment, Morphology, Periaxonal, Section
from drgstim.biophysics.solver import Batch, BatchResult, assemble, run_batch
from drgstim.biophysics.sources import PointSource, potential_mV_at_um, potential_V, ring_contact
from drgstim.biophysics.stimulate import (
    ThresholdReport,
    point_source_ve,
    threshold,
    velocity_m_per_s,
)
from drgstim.biophysics.threshold import ThresholdResult, find_thresholds
from drgstim.biophysics.waveforms import Waveform, sample

__all__ = [
    "Batch",
    "BatchResult",
    "CellModel",
    "Compartment",
    "Morphology",
    "Periaxonal",
    "PointSource",
    "Section",
    "ThresholdReport",
    "ThresholdResult",
    "Waveform",
    "assemble",
    "build_cell",
    "find_thresholds",
    "hh_cable",
    "mrg_axon",
    "mrg_geometry",
    "point_source_ve",
    "potential_V",
    "potential_mV_at_um",
    "ring_contact",
    "run_batch",
    "sample",
    "threshold",
    "velocity_m_per_s",
]

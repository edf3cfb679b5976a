"""Therapy planning: what a placed lead and its program cover, and which program to use.

Joins the layers below it: the anatomy (levels, dermatomes, ganglion size), the device
(lead geometry, the program grid and its safety rules, the battery) and the biophysics
(DRG neuron models and their threshold search). Importing it imports NumPy; the CLI
imports it inside commands only.
"""

from __future__ import annotations

from drgstim.therapy.coverage import Coverage, LeadProgram, PlacedLead, coverage, place
from drgstim.therapy.field import Medium, UnitFields, contact_weights, unit_fields
from drgstim.therapy.placement import MAX_SURFACE_GAP_mm, Placement, parse_lead
from drgstim.therapy.population import LevelPopulation, Somatotopy, level_population
from drgstim.therapy.refine import Trial, next_program, read_feedback
from drgstim.therapy.suggest import ImplantedLead, Suggestion, amplitude_sweep, suggest
from drgstim.therapy.thresholds import ThresholdEngine

__all__ = [
    "Coverage",
    "ImplantedLead",
    "LeadProgram",
    "LevelPopulation",
    "MAX_SURFACE_GAP_mm",
    "Medium",
    "PlacedLead",
    "Placement",
    "Somatotopy",
    "Suggestion",
    "ThresholdEngine",
    "Trial",
    "UnitFields",
    "amplitude_sweep",
    "contact_weights",
    "coverage",
    "level_population",
    "next_program",
    "parse_lead",
    "place",
    "read_feedback",
    "suggest",
    "unit_fields",
]

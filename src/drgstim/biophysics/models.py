"""Model registry: build a cell of a named model (what the CLI's ``--model`` selects)."""

from __future__ import annotations

import dataclasses
import importlib
import importlib.util
from enum import StrEnum

from drgstim.biophysics.cells import hh_cable, mrg_axon
from drgstim.biophysics.morphology import Morphology
from drgstim.errors import InputError

__all__ = [
    "SIMULATION_DEFAULTS",
    "CellModel",
    "build_cell",
    "simulation_defaults",
    "simulation_dt_us",
]


class CellModel(StrEnum):
    HH = "hh"
    MRG = "mrg"
    ABETA = "abeta"
    ADELTA = "adelta"
    C = "c"


# (dt_us, tstop_ms) per model: C spikes are slow, so C runs at a coarser step. Threshold
# searches (``stimulate.threshold``, the DRG population search) take only the dt and derive
# each run's length from the cell (:func:`drgstim.biophysics.runlength.run_length_ms`);
# tstop_ms is the fixed run of callers that do not (kept for them, not for thresholds).
SIMULATION_DEFAULTS: dict[CellModel, tuple[float, float]] = {
    CellModel.HH: (5.0, 5.0),
    CellModel.MRG: (5.0, 5.0),
    CellModel.ABETA: (5.0, 5.0),
    CellModel.ADELTA: (5.0, 5.0),
    CellModel.C: (25.0, 30.0),
}


def simulation_defaults(model: CellModel | str) -> tuple[float, float]:
    """(dt_us, tstop_ms) for a threshold search of ``model``."""
    try:
        return SIMULATION_DEFAULTS[CellModel(model)]
    except ValueError:
        raise InputError("model", model, ", ".join(m.value for m in CellModel)) from None


def simulation_dt_us(model: CellModel | str) -> float:
    """Default time step (µs) for a threshold search of ``model``."""
    return simulation_defaults(model)[0]


def build_cell(
    model: CellModel | str,
    *,
    diameter_um: float,
    nodes: int = 21,
    length_um: float = 10_000.0,
    compartment_um: float = 50.0,
    temperature_C: float | None = None,
) -> Morphology:
    """A cell of ``model``; DRG neurons come from ``drgstim.biophysics.drg`` (part 2)."""
    try:
        kind = CellModel(model)
    except ValueError:
        raise InputError("model", model, ", ".join(m.value for m in CellModel)) from None
    if kind is CellModel.HH:
        return hh_cable(
            diameter_um=diameter_um,
            length_um=length_um,
            compartment_um=compartment_um,
            temperature_C=temperature_C,
        )
    if kind is CellModel.MRG:
        return mrg_axon(diameter_um=diameter_um, nodes=nodes, temperature_C=temperature_C)
    if importlib.util.find_spec("drgstim.biophysics.drg") is None:
        raise InputError("model", kind.value, "hh, mrg", reason="DRG neuron models not installed")
    drg = importlib.import_module("drgstim.biophysics.drg")
    builder = getattr(drg, f"build_{kind.value}", None)
    if builder is None:
        raise InputError(
            "model",
            kind.value,
            "hh, mrg",
            reason=f"drgstim.biophysics.drg has no build_{kind.value}",
        )
    cell = builder(diameter_um=diameter_um)
    if not isinstance(cell, Morphology):
        raise InputError("model", kind.value, "hh, mrg", reason="DRG builder is not a Morphology")
    if temperature_C is not None:
        cell = dataclasses.replace(cell, temperature_C=temperature_C)
    return cell

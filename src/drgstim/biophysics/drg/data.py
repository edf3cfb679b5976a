"""Read the cited DRG parameter files under ``drgstim/data/biophysics/``.

Each file is JSON; every parameter is ``{"value": ..., "source": ...}``. Code reads the
``value`` through :func:`value`; the sources stay in the file (and in results' metadata).
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from importlib import resources
from typing import Any

__all__ = ["DATA_FILES", "data_version", "load", "value"]

DATA_FILES = ("drg_neurons", "drg_sundt", "drg_population")


@cache
def _text(name: str) -> str:
    if name not in DATA_FILES:
        raise KeyError(f"unknown DRG data file {name!r}; known: {', '.join(DATA_FILES)}")
    path = resources.files("drgstim").joinpath(f"data/biophysics/{name}.json")
    return path.read_text("utf-8")


def load(name: str) -> dict[str, Any]:
    """The whole parameter file ``name`` (a fresh copy, safe to modify)."""
    data: dict[str, Any] = json.loads(_text(name))
    return data


def value(name: str, *keys: str) -> Any:
    """One cited parameter's value: ``value("drg_neurons", "c", "soma_diameter_um")``."""
    node: Any = load(name)
    for key in keys:
        node = node[key]
    return node["value"]


def data_version() -> str:
    """A short hash over all DRG data files: stored with results so they can be traced."""
    digest = hashlib.sha256()
    for name in DATA_FILES:
        digest.update(_text(name).encode("utf-8"))
    return digest.hexdigest()[:12]

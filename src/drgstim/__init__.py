"""drgstim: dorsal root ganglion stimulation in software.

The virtual device (:mod:`drgstim.device`), the anatomy and dermatome atlas
(:mod:`drgstim.anatomy`), the biophysics engine (:mod:`drgstim.biophysics`), therapy
planning (:mod:`drgstim.therapy`) and the clinical pathway (:mod:`drgstim.clinic`).

Importing ``drgstim`` is cheap: subpackages load on first attribute access, so
``import drgstim as ds; ds.device`` works in a notebook while ``drgstim --help`` never
imports NumPy, Numba or FastAPI.
"""

from __future__ import annotations

import importlib
import logging
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = [
    "InputError",
    "__version__",
    "anatomy",
    "biophysics",
    "clinic",
    "device",
    "therapy",
    "units",
]

logging.getLogger(__name__).addHandler(logging.NullHandler())

from drgstim.errors import InputError  # noqa: E402  (light, no dependencies)

_SUBPACKAGES = {"anatomy", "biophysics", "clinic", "device", "therapy", "units"}

if TYPE_CHECKING:  # pragma: no cover
    from drgstim import anatomy, biophysics, clinic, device, therapy, units


def __getattr__(name: str) -> Any:
    if name in _SUBPACKAGES:
        return importlib.import_module(f"drgstim.{name}")
    raise AttributeError(f"module 'drgstim' has no attribute {name!r}")

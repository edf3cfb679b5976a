"""Membrane mechanisms and the registry the cable solver dispatches on.

Each mechanism is a small pure module with:

* ``NAME`` (the key a :class:`~drgstim.biophysics.morphology.Section` names),
  ``MECH_ID`` (the integer the kernel dispatches on), ``STATES`` (gate names),
  ``PARAMETERS`` (ordered parameter names; a section's ``parameters`` mapping fills them,
  defaults come from the cited data file through ``defaults()``),
* Numba functions ``steady_state(v, p, x, tf)`` (gates at rest), ``advance(v, p, x, dt,
  tf)`` (one exponential gate step at the new voltage, NEURON's ``cnexp``) and
  ``current(v, p, x) -> mA/cm²``; ``tf`` holds the mechanism's temperature factors from
  ``temperature_factors(celsius)``.

Adding a mechanism (e.g. a C-neuron channel set or a sensory-node variant): write the
module with the attributes above, choose the next free ``MECH_ID``, add it to
:data:`REGISTRY` below and add one branch for it in each of the three dispatch functions
of :mod:`drgstim.biophysics.solver.cpu` (``_steady``, ``_advance``, ``_current``). Keep
``len(STATES) <= MAX_STATES`` and ``len(PARAMETERS) <= MAX_PARAMETERS``.
"""

from __future__ import annotations

from types import ModuleType

from drgstim.biophysics.channels import hh, mrg_node, passive, sundt
from drgstim.errors import InputError

__all__ = ["MAX_PARAMETERS", "MAX_STATES", "REGISTRY", "mechanism"]

MAX_STATES = 5
MAX_PARAMETERS = 8

REGISTRY: dict[str, ModuleType] = {m.NAME: m for m in (passive, hh, mrg_node, sundt)}


def mechanism(name: str) -> ModuleType:
    """The mechanism module registered under ``name``."""
    try:
        return REGISTRY[name]
    except KeyError:
        raise InputError("mechanism", name, ", ".join(sorted(REGISTRY))) from None

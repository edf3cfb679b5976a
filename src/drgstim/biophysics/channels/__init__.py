"""Membrane mechanisms and the registry the cable solver dispatches on.

Each mechanism is a small pure module with:

* ``NAME`` (the key a :class:`~drgstim.biophysics.morphology.Section` names),
  ``MECH_ID`` (the integer the kernel dispatches on), ``STATES`` (gate names),
  ``PARAMETERS`` (ordered parameter names; a section's ``parameters`` mapping fills them,
  defaults come from the cited data file through ``defaults()``),
* Numba functions ``steady_state(v, p, x, tf)`` (gates at rest), ``advance(v, p, x, dt,
  tf)`` (one exponential gate step at the new voltage, NEURON's ``cnexp``),
  ``current(v, p, x) -> mA/cm²`` and ``rates(v, tf, inf, tau)`` (every gate's x∞ and τ
  in ms, for the solver's gate tables); ``tf`` holds the mechanism's temperature factors
  from ``temperature_factors(celsius)``,
* ``TABLE_SHIFT``: per gate, the index of a parameter that shifts the gate's voltage axis
  (its rates at ``v`` with that parameter ``s`` are ``rates`` at ``v − s``), or −1. Rates
  must otherwise not depend on the parameters (the table is shared by all compartments).

Adding a mechanism (e.g. a C-neuron channel set or a sensory-node variant): write the
module with the attributes above, choose the next free ``MECH_ID``, add it to
:data:`REGISTRY` below and add one branch for it in each dispatch function of
:mod:`drgstim.biophysics.solver.mechanisms` (``steady``, ``advance``, ``current``,
``gates``). Keep ``len(STATES) <= MAX_STATES`` and ``len(PARAMETERS) <= MAX_PARAMETERS``;
``tests/biophysics/test_rate_tables.py`` then checks its table against its exact rates.

A mechanism may carry concentrations (e.g. ``sundt_na``'s intracellular Na⁺, ``sundt_ca``'s
Ca²⁺ pool and its Ca²⁺-gated SK gate): it lists
them, after its gates, in ``STATES`` and again in ``CONCENTRATIONS``, and provides
``accumulate(v, p, x, dt)``, which the solver calls once per step with the step's old
voltage and gates, before the gates advance; the rate tables cover only the gates
(:func:`gate_count`), and ``mechanisms.accumulates`` names the mechanisms that do this.

Numba caches each compiled function next to its own source file and checks only that
file's time stamp, while a cached kernel contains every function it calls; the solver's
kernels (``solver/cpu.py``) contain these mechanisms and ``solver/tables.py``, so after
editing a mechanism or the tables delete the stale caches
(``find src -name '*.nb[ic]' -delete``) or the solver keeps running the old code.
"""

from __future__ import annotations

from types import ModuleType

from drgstim.biophysics.channels import fh, hh, mrg_node, passive, sundt, sundt_ca, sundt_na
from drgstim.errors import InputError

__all__ = ["MAX_PARAMETERS", "MAX_STATES", "REGISTRY", "gate_count", "mechanism"]

MAX_STATES = 8
MAX_PARAMETERS = 15

_ALL = (passive, hh, mrg_node, sundt, fh, sundt_na, sundt_ca)
REGISTRY: dict[str, ModuleType] = {m.NAME: m for m in _ALL}


def gate_count(mod: ModuleType) -> int:
    """The number of voltage gates of mechanism ``mod`` (its states less its concentrations)."""
    return len(mod.STATES) - len(getattr(mod, "CONCENTRATIONS", ()))


def mechanism(name: str) -> ModuleType:
    """The mechanism module registered under ``name``."""
    try:
        return REGISTRY[name]
    except KeyError:
        raise InputError("mechanism", name, ", ".join(sorted(REGISTRY))) from None

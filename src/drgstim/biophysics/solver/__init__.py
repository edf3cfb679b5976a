"""The cable solver: assembles a batch of cells into kernel arrays and runs a backend.

The backend is chosen here and only here (:data:`BACKEND`); the Numba CPU kernel
(:mod:`drgstim.biophysics.solver.cpu`: runs at given amplitudes and whole threshold
searches, and :func:`run_each`: every lane once, slots refilled as runs end) is the one
that exists. A GPU backend would add a module with the same ``integrate``, ``search`` and
``run_once`` signatures and a branch in :func:`run_batch`, :func:`search_batch` and
:func:`run_each`. Gate updates come from :mod:`drgstim.biophysics.solver.tables`
(rate tables at the run's dt).
"""

from __future__ import annotations

from drgstim.biophysics.solver.assemble import (
    Batch,
    BatchResult,
    CurrentInjection,
    Gate,
    Settled,
    assemble,
    assemble_lanes,
    rate_table,
    run_batch,
    run_each,
    search_batch,
    settle,
)

__all__ = [
    "BACKEND",
    "Batch",
    "BatchResult",
    "CurrentInjection",
    "Gate",
    "Settled",
    "assemble",
    "assemble_lanes",
    "rate_table",
    "run_batch",
    "run_each",
    "search_batch",
    "settle",
]

BACKEND = "numba-cpu"

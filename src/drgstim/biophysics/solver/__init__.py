"""The cable solver: assembles a batch of cells into kernel arrays and runs a backend.

The backend is chosen here and only here (:data:`BACKEND`); the Numba CPU kernel
(:mod:`drgstim.biophysics.solver.cpu`) is the one that exists. A GPU backend would add a
module with the same ``integrate`` signature and a branch in :func:`run_batch`.
"""

from __future__ import annotations

from drgstim.biophysics.solver.assemble import (
    Batch,
    BatchResult,
    assemble,
    rate_table,
    run_batch,
    search_batch,
)

__all__ = ["BACKEND", "Batch", "BatchResult", "assemble", "rate_table", "run_batch", "search_batch"]

BACKEND = "numba-cpu"

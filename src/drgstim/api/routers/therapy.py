"""Therapy planning: predicted coverage, suggested programs and the next program to try.

Thin routes over :mod:`drgstim.therapy.service` (the same JSON as the CLI). A coverage
that needs a cold threshold search can take minutes, so it can also run as a job:
``POST /therapy/coverage/jobs`` answers at once with a job id, and
``GET /therapy/jobs/{id}`` reports progress (done/total neurons) and, when finished, the
result; the programmer page polls it to draw its progress bar. Jobs live in this process
only (a restart forgets them); finished jobs are kept for ``JOB_TTL_s``.
"""

from __future__ import annotations

import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from fastapi import APIRouter, HTTPException, status

from drgstim.api.crud import STAFF
from drgstim.api.deps import require_roles
from drgstim.api.schemas.therapy import CoverageRequest, NextRequest, SuggestRequest
from drgstim.errors import InputError

__all__ = ["router"]

router = APIRouter(prefix="/therapy", tags=["therapy planning"])
Staff = require_roles(*STAFF)
JOB_TTL_s = 3600.0
_pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="therapy")
_jobs: dict[str, dict[str, Any]] = {}
_lock = threading.Lock()


def _coverage(body: CoverageRequest, progress: Any = None) -> dict[str, Any]:
    from drgstim.therapy.service import LeadRequest, coverage_json

    leads = [LeadRequest(**lead.model_dump()) for lead in body.leads]
    return coverage_json(
        leads,
        regions=body.regions,
        n_neurons=body.neurons,
        seed=body.seed,
        medium=body.medium,
        check_block=body.check_block,
        progress=progress,
    )


@router.post("/coverage", dependencies=[Staff])
def coverage(body: CoverageRequest) -> dict[str, Any]:
    """Coverage per region and fibre class (JSON of ``drgstim therapy coverage --json``)."""
    return _coverage(body)


def _validate(body: CoverageRequest) -> None:
    """Raise the request's InputError now, before a job is queued (422, not a failed job)."""
    from drgstim.therapy.service import LeadRequest, pain_map

    pain_map(body.regions)
    for i, lead in enumerate(body.leads):
        req = LeadRequest(**lead.model_dump())
        req.program().check(req.placement(), index=i)


@router.post("/coverage/jobs", dependencies=[Staff], status_code=status.HTTP_202_ACCEPTED)
def start_coverage(body: CoverageRequest) -> dict[str, Any]:
    """Start a coverage in the background; poll ``/therapy/jobs/{id}``."""
    _validate(body)
    job_id = str(uuid.uuid4())
    job: dict[str, Any] = {
        "id": job_id,
        "state": "running",
        "done": 0,
        "total": None,
        "result": None,
        "error": None,
        "finished_at": None,
    }
    with _lock:
        now = time.monotonic()
        for key in [
            k for k, j in _jobs.items() if j["finished_at"] and now - j["finished_at"] > JOB_TTL_s
        ]:
            del _jobs[key]
        _jobs[job_id] = job

    def progress(done: int, total: int) -> None:
        job.update(done=done, total=total)

    def run() -> None:
        try:
            job["result"] = _coverage(body, progress)
            job["state"] = "done"
        except InputError as exc:
            job.update(state="failed", error=str(exc))
        job["finished_at"] = time.monotonic()

    _pool.submit(run)
    return {k: v for k, v in job.items() if k != "finished_at"}


@router.get("/jobs/{job_id}", dependencies=[Staff])
def job_status(job_id: str) -> dict[str, Any]:
    """A coverage job's state (running/done/failed), progress and result."""
    job = _jobs.get(job_id)
    if job is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"no therapy job {job_id!r}")
    return {k: v for k, v in job.items() if k != "finished_at"}


@router.post("/suggest", dependencies=[Staff])
def suggest(body: SuggestRequest) -> dict[str, Any]:
    """Ranked levels, placements and programs (JSON of ``drgstim therapy suggest``)."""
    from drgstim.therapy.service import suggest_json

    return suggest_json(
        body.regions,
        implanted=body.implanted,
        impedance_ohm=body.impedance_ohm,
        n_neurons=body.neurons,
        seed=body.seed,
        limit=body.limit,
    )


@router.post("/next", dependencies=[Staff])
def next_program(body: NextRequest) -> dict[str, Any]:
    """The next program to try from patient feedback (``drgstim therapy next``)."""
    from drgstim.therapy.refine import Trial
    from drgstim.therapy.refine import next_program as propose

    trials = [Trial(**t.model_dump()) for t in body.trials]
    return propose(trials, impedance_ohm=body.impedance_ohm, comfort_min=body.comfort_min)

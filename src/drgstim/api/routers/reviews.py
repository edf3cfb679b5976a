"""Trial evaluation (preview) and stored trial reviews, by the clinic layer's rules."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Annotated

from fastapi import APIRouter, Query, status
from sqlalchemy import select

from drgstim.api import clinic as domain
from drgstim.api.crud import STAFF, advance_stage, load_for
from drgstim.api.deps import CurrentUser, PagingDep, SessionDep, actor_of
from drgstim.api.schemas.clinical import ReviewCreate, ReviewPublic
from drgstim.api.schemas.common import Page
from drgstim.api.schemas.patients import Stage
from drgstim.errors import InputError
from drgstim.storage import commit, create, page, update
from drgstim.storage.models import DiaryEntry, Role, Trial, TrialReview

__all__ = ["router"]

router = APIRouter(tags=["trial reviews"])
REVIEW_READERS = STAFF  # a review is the clinic's record; the patient sees its outcome on the trial
CLINICIAN = frozenset({Role.CLINICIAN})


def _today() -> date:
    return datetime.now(UTC).date()


def _decision(value: str | None) -> str | None:
    """The clinician's decision, one of the trial review's recommendations."""
    if value is None:
        return None
    from drgstim.clinic.review import DECISIONS

    if value not in DECISIONS:
        raise InputError("decision", value, ", ".join(DECISIONS))
    return str(value)


def _entries(db: SessionDep, trial: Trial) -> list[DiaryEntry]:
    query = select(DiaryEntry).where(DiaryEntry.trial_id == trial.id).order_by(DiaryEntry.day)
    return list(db.scalars(query))


@router.get("/trials/{trial_id}/evaluation")
def evaluate(
    trial_id: uuid.UUID,
    db: SessionDep,
    user: CurrentUser,
    criteria: Annotated[str, Query(max_length=32)] = "default",
    goals_met: bool | None = None,
) -> dict[str, object]:
    """The review the diary supports right now (nothing is stored): verdict, NRS against
    baseline and the 50 % line, every criterion, completeness flags."""
    trial = load_for(db, user, Trial, trial_id, roles=STAFF)
    return domain.evaluate_trial(trial, _entries(db, trial), criteria=criteria, goals_met=goals_met)


@router.post(
    "/trials/{trial_id}/reviews", response_model=ReviewPublic, status_code=status.HTTP_201_CREATED
)
def review(
    trial_id: uuid.UUID, body: ReviewCreate, db: SessionDep, user: CurrentUser
) -> TrialReview:
    """Evaluate the trial and record the review (clinicians); the patient moves to
    ``trial_reviewed``. The diary entries it used are locked: patients can no longer
    change or delete them, staff amend them with a reason. With a decision other than
    ``extend_trial`` the trial ends today."""
    trial = load_for(db, user, Trial, trial_id, roles=CLINICIAN)
    entries = _entries(db, trial)
    decision = _decision(body.decision)
    result = domain.evaluate_trial(
        trial,
        entries,
        criteria=body.criteria,
        goals_met=body.goals_met,
        baseline_activity_minutes=body.baseline_activity_minutes,
        baseline_steps=body.baseline_steps,
    )
    record = TrialReview(
        trial_id=trial.id,
        verdict=str(result["verdict"]),
        result=result,
        notes=body.notes,
        decision=decision,
    )
    actor = actor_of(user)
    create(db, record, actor=actor)
    for entry in entries:  # the decision rests on them: lock them (audited)
        if entry.locked_by_review_id is None:
            update(db, entry, {"locked_by_review_id": record.id}, actor=actor)
    if decision not in (None, "extend_trial") and trial.status == "active":
        update(db, trial, {"status": "ended", "ended_on": _today()}, actor=actor)
    advance_stage(db, trial.patient_id, Stage.TRIAL_REVIEWED, user=user)
    commit(db)
    return record


@router.get("/trials/{trial_id}/reviews", response_model=Page[ReviewPublic])
def list_reviews(
    trial_id: uuid.UUID, db: SessionDep, user: CurrentUser, paging: PagingDep
) -> Page[ReviewPublic]:
    trial = load_for(db, user, Trial, trial_id, roles=REVIEW_READERS)
    query = select(TrialReview).where(TrialReview.trial_id == trial.id)
    result = page(db, query.order_by(TrialReview.created_at), **vars(paging))
    return Page[ReviewPublic].model_validate(result, from_attributes=True)


@router.get("/trial-reviews/{review_id}", response_model=ReviewPublic)
def read_review(review_id: uuid.UUID, db: SessionDep, user: CurrentUser) -> TrialReview:
    record: TrialReview = load_for(db, user, TrialReview, review_id, roles=REVIEW_READERS)
    return record

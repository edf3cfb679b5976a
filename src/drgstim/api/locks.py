"""Records a clinical decision rests on are locked.

Once a trial review (with the clinician's decision) has used a record — the diary
entries, and the trial's baseline opioid dose, goals and leads — nobody may delete it and
patients may not change it. A clinician or nurse corrects it as an *amendment with
a reason*: the audit log keeps the original (old → new), the record is marked amended, and
every review that used it is marked as resting on amended data, which the review (and
its page) shows.

Screenings and target plans are not locks on an assessment: the assessment page stores
them anew each time the draft is saved, as the clinician's working aid, and no decision
record points to an assessment.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from typing import Any

from fastapi import HTTPException, status
from sqlalchemy import select
from sqlalchemy.orm import Session

from drgstim.api.deps import actor_of
from drgstim.errors import InputError
from drgstim.storage import ConflictError, update
from drgstim.storage.models import DiaryEntry, Role, Trial, TrialReview, User

__all__ = [
    "AMENDERS",
    "TRIAL_FIELDS_REVIEWED",
    "amend_diary",
    "amend_trial",
    "amendment",
    "refuse_locked_diary_delete",
    "refuse_locked_trial_delete",
]

AMENDERS = frozenset({Role.CLINICIAN, Role.NURSE})
# What a trial review reads from the trial besides its diary (the opioid criterion's
# baseline; the goals and leads the review and its report show).
TRIAL_FIELDS_REVIEWED = frozenset({"baseline_mme", "goals", "leads"})
REASON_RANGE = "a reason of 3–500 characters"


def amendment(
    db: Session,
    changes: dict[str, Any],
    user: User,
    *,
    locked_by: str | None,
    decisions: Sequence[Any],
    fields: Collection[str] | None = None,
) -> dict[str, Any]:
    """The changes to store for a record that ``decisions`` rest on (``locked_by`` names
    them for the messages; None: not locked, the changes go through as they are).

    Only changes to ``fields`` (default: any) count as changing the basis. Patients get
    409; staff other than clinicians and nurses get 403; without ``amendment_reason``
    422; otherwise the record is marked amended and each decision as resting on amended
    data (both audited)."""
    reason = changes.pop("amendment_reason", None)
    touched = set(changes) if fields is None else set(changes) & set(fields)
    if locked_by is None or not touched:
        return changes
    if user.role == Role.PATIENT:
        raise ConflictError(f"{locked_by}; ask your clinician or nurse to amend it")
    if Role(user.role) not in AMENDERS:
        raise HTTPException(
            status.HTTP_403_FORBIDDEN,
            detail=f"{locked_by}; only a clinician or nurse may amend it",
        )
    if not reason:
        raise InputError(
            "amendment_reason",
            reason,
            REASON_RANGE,
            reason=f"{locked_by}, so a change is an amendment",
        )
    for decision in decisions:
        if not decision.rests_on_amended_data:
            update(db, decision, {"rests_on_amended_data": True}, actor=actor_of(user))
    return {**changes, "amended": True, "amendment_reason": str(reason)}


# --- diary entries: locked by the review that used them ---------------------------------


def _diary_lock(entry: DiaryEntry) -> str | None:
    if entry.locked_by_review_id is None:
        return None
    return (
        f"the diary entry of {entry.day.isoformat()} is locked: trial review "
        f"{entry.locked_by_review_id} rests on it"
    )


def amend_diary(
    db: Session, entry: DiaryEntry, changes: dict[str, Any], user: User
) -> dict[str, Any]:
    """A patient may change an entry until a trial review uses it; then it is amended."""
    review = db.get(TrialReview, entry.locked_by_review_id) if entry.locked_by_review_id else None
    return amendment(
        db, changes, user, locked_by=_diary_lock(entry), decisions=[review] if review else []
    )


def refuse_locked_diary_delete(db: Session, entry: DiaryEntry, user: User) -> None:
    lock = _diary_lock(entry)
    if lock is not None:
        raise ConflictError(lock + "; amend it instead of deleting it")


# --- trials: locked by their reviews ----------------------------------------------------


def _reviews(db: Session, trial_id: uuid.UUID) -> list[TrialReview]:
    query = select(TrialReview).where(TrialReview.trial_id == trial_id)
    return list(db.scalars(query.order_by(TrialReview.created_at)))


def _trial_lock(trial: Trial, reviews: Sequence[TrialReview]) -> str | None:
    if not reviews:
        return None
    return (
        f"the trial of {trial.started_on.isoformat()} is locked: "
        f"trial review {reviews[-1].id} rests on it"
    )


def amend_trial(db: Session, trial: Trial, changes: dict[str, Any], user: User) -> dict[str, Any]:
    """After a review, the baseline MME, goals and leads it used change only as an
    amendment; ending or extending the trial (status, end date, planned days) does not."""
    reviews = _reviews(db, trial.id)
    return amendment(
        db,
        changes,
        user,
        locked_by=_trial_lock(trial, reviews),
        decisions=reviews,
        fields=TRIAL_FIELDS_REVIEWED,
    )


def refuse_locked_trial_delete(db: Session, trial: Trial, user: User) -> None:
    """Deleting a reviewed trial would delete the review and the diary under it."""
    lock = _trial_lock(trial, _reviews(db, trial.id))
    if lock is not None:
        raise ConflictError(lock + "; it cannot be deleted")

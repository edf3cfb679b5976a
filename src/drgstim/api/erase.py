"""Deleting a patient deletes their whole record, each row audited (no silent cascade)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from drgstim.storage import Actor, delete, update
from drgstim.storage.models import (
    Assessment,
    Complication,
    Device,
    DeviceEvent,
    DiaryEntry,
    FollowUp,
    Implant,
    Patient,
    Plan,
    Program,
    ProgrammingSession,
    Screening,
    Trial,
    TrialReview,
    User,
)

__all__ = ["delete_patient_record"]

# (parent model, its children keyed by foreign key); children first, parents last.
_CHILDREN: tuple[tuple[type[Any], tuple[tuple[type[Any], str], ...]], ...] = (
    (Trial, ((DiaryEntry, "trial_id"), (TrialReview, "trial_id"))),
    (Assessment, ((Screening, "assessment_id"), (Plan, "assessment_id"))),
    (
        Device,
        ((DeviceEvent, "device_id"), (ProgrammingSession, "device_id"), (Program, "device_id")),
    ),
)
_DIRECT = (Trial, Assessment, Device, Implant, FollowUp, Complication)


def _delete_all(db: Session, model: type[Any], column: str, value: object, actor: Actor) -> None:
    for row in db.scalars(select(model).where(getattr(model, column) == value)):
        delete(db, row, actor=actor)


def delete_patient_record(db: Session, patient: Patient, *, actor: Actor) -> None:
    """Delete ``patient`` and everything recorded for them; unlink their accounts."""
    for parent, children in _CHILDREN:
        for row in db.scalars(select(parent).where(parent.patient_id == patient.id)):
            for child, column in children:
                _delete_all(db, child, column, row.id, actor)
    for model in _DIRECT:
        _delete_all(db, model, "patient_id", patient.id, actor)
    for user in db.scalars(select(User).where(User.patient_id == patient.id)):
        update(db, user, {"patient_id": None, "active": False}, actor=actor)
    delete(db, patient, actor=actor)

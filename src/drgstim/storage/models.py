"""SQLAlchemy 2 models: one table per record of the clinical pathway, plus users and audit.

Domain payloads whose shape belongs to a domain layer (a pain map, a screening result, a
device program) are stored as JSON next to the columns that are queried or constrained
(patient, dates, status). Every id is a UUID; every timestamp is timezone-aware UTC.
Mutable records carry a ``version`` counter (optimistic locking: a stale update is a 409).
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column

from drgstim.storage.types import UTCDateTime, utc_now

__all__ = [
    "Assessment",
    "AuditLog",
    "AuthSession",
    "Base",
    "CareMessage",
    "Checklist",
    "Complication",
    "Consent",
    "Device",
    "DeviceEvent",
    "DiaryEntry",
    "FollowUp",
    "Implant",
    "LoginAttempts",
    "Patient",
    "Plan",
    "Program",
    "ProgramProposal",
    "ProgrammingSession",
    "Role",
    "Screening",
    "Trial",
    "TrialReview",
    "User",
]

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Role(StrEnum):
    """Who a user is in the DRG team; decides what they may read and change."""

    ADMIN = "admin"
    CLINICIAN = "clinician"
    NURSE = "nurse"
    PROGRAMMER = "programmer"
    PATIENT = "patient"


class Base(DeclarativeBase):
    """Declarative base with deterministic constraint names (stable migrations)."""

    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime(),
        dict[str, Any]: JSON,
        list[Any]: JSON,
    }


def _uuid_pk() -> Mapped[uuid.UUID]:
    return mapped_column(primary_key=True, default=uuid.uuid4)


def _patient_fk() -> Mapped[uuid.UUID]:
    return mapped_column(ForeignKey("patients.id", ondelete="CASCADE"), index=True)


class Record(Base):
    """Columns every pathway record has: id, timestamps and an optimistic-lock version."""

    __abstract__ = True

    id: Mapped[uuid.UUID] = _uuid_pk()
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(default=utc_now, onupdate=utc_now)
    version: Mapped[int] = mapped_column(Integer, default=1)

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:  # noqa: N805
        # UPDATE ... WHERE version = :seen; a concurrent writer makes it a StaleDataError.
        return {"version_id_col": cls.__table__.c.version}


class User(Record):
    __tablename__ = "users"

    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16))
    full_name: Mapped[str] = mapped_column(String(200), default="")
    patient_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("patients.id", ondelete="SET NULL"), nullable=True
    )
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    demo: Mapped[bool] = mapped_column(Boolean, default=False)


class AuthSession(Base):
    """One login: a web session cookie or a bearer token names its row by ``id``.

    Logging out revokes the row; a password change or disabling the account revokes
    every row of that user, so no cookie or token issued before keeps working."""

    __tablename__ = "auth_sessions"

    id: Mapped[uuid.UUID] = _uuid_pk()
    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    expires_at: Mapped[datetime] = mapped_column()
    revoked_at: Mapped[datetime | None] = mapped_column(nullable=True)


class LoginAttempts(Base):
    """Failed-login counter for one key (``account:<name>`` or ``address:<ip>``).

    Updated under a row lock (PostgreSQL) or the write lock (SQLite), so attempts sent
    at the same moment are all counted."""

    __tablename__ = "login_attempts"

    key: Mapped[str] = mapped_column(String(160), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    first_failure_at: Mapped[datetime | None] = mapped_column(nullable=True)
    blocked_until: Mapped[datetime | None] = mapped_column(nullable=True)


class Patient(Record):
    __tablename__ = "patients"

    mrn: Mapped[str] = mapped_column(String(64), unique=True)
    given_name: Mapped[str] = mapped_column(String(100))
    family_name: Mapped[str] = mapped_column(String(100))
    birth_date: Mapped[date] = mapped_column(Date)
    sex: Mapped[str] = mapped_column(String(16))
    stage: Mapped[str] = mapped_column(String(32), default="referred")
    notes: Mapped[str] = mapped_column(Text, default="")


class Assessment(Record):
    __tablename__ = "assessments"

    patient_id: Mapped[uuid.UUID] = _patient_fk()
    assessed_on: Mapped[date] = mapped_column(Date)
    pain_map: Mapped[list[Any]] = mapped_column(default=list)
    scores: Mapped[dict[str, Any]] = mapped_column(default=dict)
    history: Mapped[dict[str, Any]] = mapped_column(default=dict)


class Screening(Record):
    __tablename__ = "screenings"

    assessment_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("assessments.id", ondelete="CASCADE"), index=True
    )
    outcome: Mapped[str] = mapped_column(String(32))
    result: Mapped[dict[str, Any]] = mapped_column(default=dict)


class Plan(Record):
    __tablename__ = "plans"

    assessment_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("assessments.id", ondelete="CASCADE"), index=True
    )
    result: Mapped[dict[str, Any]] = mapped_column(default=dict)


class Trial(Record):
    __tablename__ = "trials"

    patient_id: Mapped[uuid.UUID] = _patient_fk()
    started_on: Mapped[date] = mapped_column(Date)
    planned_days: Mapped[int] = mapped_column(Integer, default=7)
    baseline_nrs: Mapped[float] = mapped_column(Float)
    baseline_mme: Mapped[float | None] = mapped_column(Float, nullable=True)
    status: Mapped[str] = mapped_column(String(16), default="active")
    ended_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    goals: Mapped[str] = mapped_column(Text, default="")
    leads: Mapped[list[Any]] = mapped_column(default=list)
    # Changed after a trial review used it: staff amend with a reason (the audit log keeps
    # the original), and the review records that it rests on amended data.
    amended: Mapped[bool] = mapped_column(Boolean, default=False)
    amendment_reason: Mapped[str] = mapped_column(Text, default="")


class DiaryEntry(Record):
    __tablename__ = "diary_entries"
    __table_args__ = (UniqueConstraint("trial_id", "day", name="uq_diary_entries_trial_day"),)

    trial_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("trials.id", ondelete="CASCADE"), index=True
    )
    day: Mapped[date] = mapped_column(Date)
    nrs_average: Mapped[float] = mapped_column(Float)
    nrs_worst: Mapped[float | None] = mapped_column(Float, nullable=True)
    relief_pct: Mapped[float | None] = mapped_column(Float, nullable=True)
    sleep_h: Mapped[float | None] = mapped_column(Float, nullable=True)
    mme: Mapped[float | None] = mapped_column(Float, nullable=True)
    activity_minutes: Mapped[float | None] = mapped_column(Float, nullable=True)
    steps: Mapped[int | None] = mapped_column(Integer, nullable=True)
    pgic: Mapped[int | None] = mapped_column(Integer, nullable=True)
    stim_on: Mapped[bool] = mapped_column(Boolean, default=True)
    notes: Mapped[str] = mapped_column(Text, default="")
    # Set when a trial review used this entry: the patient can no longer change or delete
    # it; staff correct it as an amendment with a reason (the audit log keeps the original).
    locked_by_review_id: Mapped[uuid.UUID | None] = mapped_column(nullable=True)
    amended: Mapped[bool] = mapped_column(Boolean, default=False)
    amendment_reason: Mapped[str] = mapped_column(Text, default="")


class TrialReview(Record):
    __tablename__ = "trial_reviews"

    trial_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("trials.id", ondelete="CASCADE"), index=True
    )
    verdict: Mapped[str] = mapped_column(String(32))
    result: Mapped[dict[str, Any]] = mapped_column(default=dict)
    notes: Mapped[str] = mapped_column(Text, default="")
    # A diary entry this review used was amended afterwards.
    rests_on_amended_data: Mapped[bool] = mapped_column(Boolean, default=False)
    decision: Mapped[str | None] = mapped_column(String(32), nullable=True)


class Implant(Record):
    __tablename__ = "implants"

    patient_id: Mapped[uuid.UUID] = _patient_fk()
    procedure: Mapped[str] = mapped_column(String(16))
    performed_on: Mapped[date] = mapped_column(Date)
    levels: Mapped[list[Any]] = mapped_column(default=list)
    notes: Mapped[str] = mapped_column(Text, default="")


class Device(Record):
    __tablename__ = "devices"

    patient_id: Mapped[uuid.UUID] = _patient_fk()
    kind: Mapped[str] = mapped_column(String(16))
    serial: Mapped[str] = mapped_column(String(64), unique=True)
    leads: Mapped[list[Any]] = mapped_column(default=list)
    state: Mapped[dict[str, Any]] = mapped_column(default=dict)


class Program(Record):
    __tablename__ = "programs"
    __table_args__ = (UniqueConstraint("device_id", "name", name="uq_programs_device_name"),)

    device_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("devices.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(64))
    for_patient_use: Mapped[bool] = mapped_column(Boolean, default=True)
    settings: Mapped[dict[str, Any]] = mapped_column(default=dict)
    safety: Mapped[dict[str, Any]] = mapped_column(default=dict)


class ProgrammingSession(Record):
    __tablename__ = "programming_sessions"

    device_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("devices.id", ondelete="CASCADE"), index=True
    )
    clinician_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), nullable=True
    )
    started_at: Mapped[datetime] = mapped_column(default=utc_now)
    ended_at: Mapped[datetime | None] = mapped_column(nullable=True)
    notes: Mapped[str] = mapped_column(Text, default="")


class DeviceEvent(Record):
    __tablename__ = "device_events"

    device_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("devices.id", ondelete="CASCADE"), index=True
    )
    session_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("programming_sessions.id", ondelete="SET NULL"), nullable=True
    )
    at: Mapped[datetime] = mapped_column(default=utc_now)
    kind: Mapped[str] = mapped_column(String(64))
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)


class FollowUp(Record):
    __tablename__ = "follow_ups"

    patient_id: Mapped[uuid.UUID] = _patient_fk()
    visit_on: Mapped[date] = mapped_column(Date)
    month: Mapped[int] = mapped_column(Integer)
    scores: Mapped[dict[str, Any]] = mapped_column(default=dict)
    notes: Mapped[str] = mapped_column(Text, default="")


class Complication(Record):
    __tablename__ = "complications"

    patient_id: Mapped[uuid.UUID] = _patient_fk()
    occurred_on: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(32))
    severity: Mapped[str] = mapped_column(String(16))
    management: Mapped[str] = mapped_column(String(32), default="observation")
    resolved: Mapped[bool] = mapped_column(Boolean, default=False)
    notes: Mapped[str] = mapped_column(Text, default="")


class Checklist(Record):
    """A patient's pre-consultation checklist (pain areas, treatments tried, goals, ...)."""

    __tablename__ = "checklists"

    patient_id: Mapped[uuid.UUID] = _patient_fk()
    submitted_on: Mapped[date] = mapped_column(Date)
    answers: Mapped[dict[str, Any]] = mapped_column(default=dict)


class Consent(Record):
    """Informed consent for one procedure: the document shown and who signed it, when."""

    __tablename__ = "consents"

    patient_id: Mapped[uuid.UUID] = _patient_fk()
    procedure: Mapped[str] = mapped_column(String(16))
    document: Mapped[dict[str, Any]] = mapped_column(default=dict)
    signed_by_name: Mapped[str] = mapped_column(String(200))
    recorded_by_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), nullable=True
    )
    signed_at: Mapped[datetime] = mapped_column(default=utc_now)
    withdrawn_at: Mapped[datetime | None] = mapped_column(nullable=True)


class CareMessage(Record):
    """A patient's message to the care team ("coverage changed", "needs help")."""

    __tablename__ = "care_messages"

    patient_id: Mapped[uuid.UUID] = _patient_fk()
    kind: Mapped[str] = mapped_column(String(32))
    text: Mapped[str] = mapped_column(Text, default="")
    resolved_at: Mapped[datetime | None] = mapped_column(nullable=True)


class ProgramProposal(Record):
    """A program change the clinic proposes remotely; the patient accepts or declines it."""

    __tablename__ = "program_proposals"

    device_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("devices.id", ondelete="CASCADE"), index=True
    )
    program_name: Mapped[str] = mapped_column(String(64))
    settings: Mapped[dict[str, Any]] = mapped_column(default=dict)
    note: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default="pending")
    decided_at: Mapped[datetime | None] = mapped_column(nullable=True)


class AuditLog(Base):
    """One row per create/update/delete, written in the same transaction as the change.

    Append-only: the migration installs database triggers that refuse UPDATE and DELETE.
    """

    __tablename__ = "audit_log"

    id: Mapped[uuid.UUID] = _uuid_pk()
    at: Mapped[datetime] = mapped_column(default=utc_now, index=True)
    actor_id: Mapped[uuid.UUID | None] = mapped_column(nullable=True)
    actor: Mapped[str] = mapped_column(String(64))
    entity: Mapped[str] = mapped_column(String(64), index=True)
    entity_id: Mapped[uuid.UUID] = mapped_column(index=True)
    action: Mapped[str] = mapped_column(String(16))
    old: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True), nullable=True)
    new: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True), nullable=True)

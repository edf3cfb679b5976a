"""Checklists, consents, patients' messages, and the decision at trial review.

Pre-consultation checklists, informed consents per procedure, patients' messages to the
care team ("coverage changed", "needs help"), remote program proposals, and the
clinician's decision stored with a trial review.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-06 23:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import drgstim.storage.types

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def _record_columns() -> list[sa.Column[object]]:
    return [
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", drgstim.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", drgstim.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
    ]


def _patient_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["patient_id"],
        ["patients.id"],
        name=op.f(f"fk_{table}_patient_id_patients"),
        ondelete="CASCADE",
    )


def upgrade() -> None:
    with op.batch_alter_table("trial_reviews", schema=None) as batch_op:
        batch_op.add_column(sa.Column("decision", sa.String(length=32), nullable=True))
    op.create_table(
        "checklists",
        sa.Column("patient_id", sa.Uuid(), nullable=False),
        sa.Column("submitted_on", sa.Date(), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        *_record_columns(),
        _patient_fk("checklists"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_checklists")),
    )
    with op.batch_alter_table("checklists", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_checklists_patient_id"), ["patient_id"], unique=False)
    op.create_table(
        "consents",
        sa.Column("patient_id", sa.Uuid(), nullable=False),
        sa.Column("procedure", sa.String(length=16), nullable=False),
        sa.Column("document", sa.JSON(), nullable=False),
        sa.Column("signed_by_name", sa.String(length=200), nullable=False),
        sa.Column("recorded_by_id", sa.Uuid(), nullable=True),
        sa.Column("signed_at", drgstim.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("withdrawn_at", drgstim.storage.types.UTCDateTime(timezone=True), nullable=True),
        *_record_columns(),
        _patient_fk("consents"),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["users.id"],
            name=op.f("fk_consents_recorded_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consents")),
    )
    with op.batch_alter_table("consents", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_consents_patient_id"), ["patient_id"], unique=False)
    op.create_table(
        "care_messages",
        sa.Column("patient_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("resolved_at", drgstim.storage.types.UTCDateTime(timezone=True), nullable=True),
        *_record_columns(),
        _patient_fk("care_messages"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_care_messages")),
    )
    with op.batch_alter_table("care_messages", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_care_messages_patient_id"), ["patient_id"], unique=False
        )
    op.create_table(
        "program_proposals",
        sa.Column("device_id", sa.Uuid(), nullable=False),
        sa.Column("program_name", sa.String(length=64), nullable=False),
        sa.Column("settings", sa.JSON(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("decided_at", drgstim.storage.types.UTCDateTime(timezone=True), nullable=True),
        *_record_columns(),
        sa.ForeignKeyConstraint(
            ["device_id"],
            ["devices.id"],
            name=op.f("fk_program_proposals_device_id_devices"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_program_proposals")),
    )
    with op.batch_alter_table("program_proposals", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_program_proposals_device_id"), ["device_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("program_proposals", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_program_proposals_device_id"))
    op.drop_table("program_proposals")
    with op.batch_alter_table("care_messages", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_care_messages_patient_id"))
    op.drop_table("care_messages")
    with op.batch_alter_table("trial_reviews", schema=None) as batch_op:
        batch_op.drop_column("decision")
    with op.batch_alter_table("consents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_consents_patient_id"))
    op.drop_table("consents")
    with op.batch_alter_table("checklists", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_checklists_patient_id"))
    op.drop_table("checklists")

"""Server-side login sessions (revocable), failed-login counters, and diary entries
locked by the trial review that used them.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-06 23:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import drgstim.storage.types

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "auth_sessions",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("created_at", drgstim.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", drgstim.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", drgstim.storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_auth_sessions_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_auth_sessions")),
    )
    with op.batch_alter_table("auth_sessions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_auth_sessions_user_id"), ["user_id"], unique=False)
    op.create_table(
        "login_attempts",
        sa.Column("key", sa.String(length=160), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column(
            "first_failure_at", drgstim.storage.types.UTCDateTime(timezone=True), nullable=True
        ),
        sa.Column("blocked_until", drgstim.storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_login_attempts")),
    )
    with op.batch_alter_table("diary_entries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("locked_by_review_id", sa.Uuid(), nullable=True))
        batch_op.add_column(
            sa.Column("amended", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(
            sa.Column("amendment_reason", sa.Text(), nullable=False, server_default="")
        )
    with op.batch_alter_table("trial_reviews", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "rests_on_amended_data", sa.Boolean(), nullable=False, server_default=sa.false()
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("trial_reviews", schema=None) as batch_op:
        batch_op.drop_column("rests_on_amended_data")
    with op.batch_alter_table("diary_entries", schema=None) as batch_op:
        batch_op.drop_column("amendment_reason")
        batch_op.drop_column("amended")
        batch_op.drop_column("locked_by_review_id")
    op.drop_table("login_attempts")
    with op.batch_alter_table("auth_sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_auth_sessions_user_id"))
    op.drop_table("auth_sessions")

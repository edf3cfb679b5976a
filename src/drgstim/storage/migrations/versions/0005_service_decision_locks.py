"""Amendments of a reviewed trial: its baseline opioid dose, goals and leads change only as
an amendment with a reason once a trial review rests on them.

Revision ID: 0005_service
Revises: 0004
Create Date: 2026-12-07 02:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_service"
down_revision = "0004"
branch_labels = None
depends_on = None

_AMENDABLE = ("trials",)


def upgrade() -> None:
    for table in _AMENDABLE:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(
                sa.Column("amended", sa.Boolean(), nullable=False, server_default=sa.false())
            )
            batch_op.add_column(
                sa.Column("amendment_reason", sa.Text(), nullable=False, server_default="")
            )


def downgrade() -> None:
    for table in _AMENDABLE:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("amendment_reason")
            batch_op.drop_column("amended")

"""Program contacts in the device's own symbols ("0" for off, not "off").

Programs are now typed as the device's groups (``drgstim.device.Polarity``: "-", "+",
"0"); settings stored before used "off" for a contact that is off.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_PROGRAMS = sa.table("programs", sa.column("id"), sa.column("settings", sa.JSON))


def _rewrite(settings: Any, old: str, new: str) -> Any:
    if not isinstance(settings, dict) or not isinstance(settings.get("leads"), list):
        return settings
    leads = []
    for lead in settings["leads"]:
        if isinstance(lead, dict) and isinstance(lead.get("contacts"), list):
            lead = {**lead, "contacts": [new if c == old else c for c in lead["contacts"]]}
        leads.append(lead)
    return {**settings, "leads": leads}


def _convert(old: str, new: str) -> None:
    bind = op.get_bind()
    for row in bind.execute(sa.select(_PROGRAMS.c.id, _PROGRAMS.c.settings)).all():
        changed = _rewrite(row.settings, old, new)
        if changed != row.settings:
            bind.execute(
                _PROGRAMS.update().where(_PROGRAMS.c.id == row.id).values(settings=changed)
            )


def upgrade() -> None:
    _convert("off", "0")


def downgrade() -> None:
    _convert("0", "off")

"""Schema building blocks shared by every resource."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Generic, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, WithJsonSchema

from drgstim.device import Side, SpineLocation
from drgstim.device.vocabulary import RECORDABLE_LEVELS
from drgstim.errors import InputError

__all__ = ["LeadLevel", "LeadSide", "Page", "RecordPublic", "StrictModel", "UpdateModel"]


def _lead_side(side: str) -> str:
    sides = [s.value for s in Side]
    if side not in sides:
        raise InputError("side", side, ", ".join(sides))
    return side


LeadSide = Annotated[
    str,
    AfterValidator(_lead_side),
    WithJsonSchema({"type": "string", "enum": [s.value for s in Side], "title": "LeadSide"}),
]
"""A lead lies at a left or right DRG: the device's vocabulary (``drgstim.device.Side``)."""


def _recordable_level(level: str) -> str:
    return SpineLocation(level, Side.LEFT).level  # the device's refusal, if any


LeadLevel = Annotated[
    str,
    AfterValidator(_recordable_level),
    Field(
        description="The DRG level a lead lies at (the device's recordable levels).",
        json_schema_extra={"enum": list(RECORDABLE_LEVELS)},
    ),
]

T = TypeVar("T")


class StrictModel(BaseModel):
    """Input model: unknown fields are an error, not silently dropped."""

    model_config = ConfigDict(extra="forbid")


class UpdateModel(StrictModel):
    """Partial update: only the fields sent are changed. ``version`` (optional) is the
    version the client last read; if the record moved on meanwhile the answer is 409."""

    version: int | None = Field(default=None, ge=1)

    def changes(self) -> dict[str, object]:
        return self.model_dump(exclude_unset=True, exclude={"version"})


class RecordPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    created_at: datetime
    updated_at: datetime
    version: int


class Page(BaseModel, Generic[T]):
    """One page of a list: ``items`` plus the ``total`` matching rows."""

    items: list[T]
    total: int
    limit: int
    offset: int

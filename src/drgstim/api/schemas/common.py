"""Schema building blocks shared by every resource."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["Page", "RecordPublic", "StrictModel", "UpdateModel"]

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

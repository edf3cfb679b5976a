"""Schema building blocks shared by every resource."""

from __future__ import annotations

import math
import uuid
from datetime import datetime
from typing import Annotated, Any, Generic, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, WithJsonSchema, model_validator

from drgstim.device import Side
from drgstim.device.vocabulary import RECORDABLE_LEVELS, recordable_level, side_name

__all__ = [
    "ErrorPublic",
    "FieldError",
    "Identifier",
    "LeadLevel",
    "LeadSide",
    "Page",
    "RecordPublic",
    "StrictModel",
    "UpdateModel",
    "ValidationErrorPublic",
]


LeadSide = Annotated[
    str,
    AfterValidator(side_name),
    WithJsonSchema({"type": "string", "enum": [s.value for s in Side], "title": "LeadSide"}),
]
"""A lead lies at a left or right DRG: the device's vocabulary (``drgstim.device.Side``)."""


LeadLevel = Annotated[
    str,
    AfterValidator(recordable_level),
    Field(
        description="The DRG level a lead lies at (the device's recordable levels).",
        json_schema_extra={"enum": list(RECORDABLE_LEVELS)},
    ),
]

T = TypeVar("T")


# An identifier (MRN, serial number) ends up in file names and headers: no control
# characters (a CR/LF would split a header), no leading or trailing space.
Identifier = Annotated[
    str,
    Field(
        min_length=1,
        max_length=64,
        pattern=r"^[^\x00-\x1f\x7f\s](?:[^\x00-\x1f\x7f]*[^\x00-\x1f\x7f\s])?$",
    ),
]


def _first_non_finite(value: Any, path: str) -> tuple[str, float] | None:
    if isinstance(value, float) and not math.isfinite(value):
        return path, value
    if isinstance(value, dict):
        items: Any = value.items()
    elif isinstance(value, list | tuple):
        items = enumerate(value)
    else:
        return None
    for key, item in items:
        found = _first_non_finite(item, f"{path}.{key}" if path else str(key))
        if found:
            return found
    return None


class StrictModel(BaseModel):
    """Input model: unknown fields are an error, not silently dropped; NaN and ±Infinity
    are refused everywhere, also inside free-form JSON fields (JSON has no such numbers,
    but Python's parser accepts them)."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    @model_validator(mode="before")
    @classmethod
    def _finite_numbers_only(cls, data: Any) -> Any:
        found = _first_non_finite(data, "")
        if found:
            raise ValueError(f"{found[0]} = {found[1]} is not allowed; allowed: a finite number")
        return data


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


class ErrorPublic(BaseModel):
    """The body of every 4xx/5xx answer except 422: one sentence saying what went wrong."""

    detail: str


class FieldError(BaseModel):
    """One refused input: the field, the value sent, what is allowed, and a message."""

    field: str
    value: Any = None
    allowed: str
    reason: str = Field(
        default="", description="Why a domain rule refused it, in words (empty if none)."
    )
    message: str


class ValidationErrorPublic(BaseModel):
    """The body of a 422 answer, whether pydantic or a domain rule refused the input."""

    detail: list[FieldError]

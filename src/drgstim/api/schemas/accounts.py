"""Users, login, tokens and audit rows."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from drgstim.api.schemas.common import RecordPublic, StrictModel, UpdateModel
from drgstim.storage.models import Role

__all__ = [
    "AuditPublic",
    "Credentials",
    "LoginPublic",
    "TokenPublic",
    "UserCreate",
    "UserPublic",
    "UserUpdate",
]


class Credentials(StrictModel):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=1024)


class UserCreate(StrictModel):
    username: str = Field(min_length=3, max_length=64, pattern=r"^[A-Za-z0-9._-]+$")
    password: str = Field(min_length=12, max_length=1024)
    role: Role
    full_name: str = Field(default="", max_length=200)
    patient_id: uuid.UUID | None = None


class UserUpdate(UpdateModel):
    role: Role | None = None
    full_name: str | None = Field(default=None, max_length=200)
    patient_id: uuid.UUID | None = None
    active: bool | None = None
    password: str | None = Field(default=None, min_length=12, max_length=1024)


class UserPublic(RecordPublic):
    username: str
    role: Role
    full_name: str
    patient_id: uuid.UUID | None
    active: bool


class LoginPublic(BaseModel):
    user: UserPublic
    csrf_token: str


class TokenPublic(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_in_s: int


class AuditPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    at: datetime
    actor_id: uuid.UUID | None
    actor: str
    entity: str
    entity_id: uuid.UUID
    action: str
    old: dict[str, Any] | None
    new: dict[str, Any] | None

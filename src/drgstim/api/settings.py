"""Service settings, read from the environment (prefix ``DRGSTIM_``) by pydantic-settings.

The server refuses to start outside demo mode while the secret key is empty, short or the
published default: such a secret would let anyone forge session cookies and tokens. Demo
mode without a secret of its own draws a random one at each start (:meth:`Settings.effective`),
so a token signed with the published default is never accepted.
"""

from __future__ import annotations

import secrets
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from drgstim.errors import InputError

__all__ = ["DEFAULT_SECRET_KEY", "Settings", "default_data_dir"]

DEFAULT_SECRET_KEY = "change-me-drgstim-development-only"


def default_data_dir() -> Path:
    """The user's data directory for drgstim (platformdirs)."""
    import platformdirs

    return Path(platformdirs.user_data_dir("drgstim", appauthor=False))


class Settings(BaseSettings):
    """Everything the service reads from its environment."""

    model_config = SettingsConfigDict(env_prefix="DRGSTIM_", extra="ignore", frozen=True)

    database_url: str = Field(
        default="",
        description="SQLAlchemy URL; empty means an SQLite file drgstim.sqlite3 in data_dir.",
    )
    secret_key: str = Field(
        default="", description="Signs session cookies and bearer tokens (32+ characters)."
    )
    demo: bool = Field(default=False, description="Demo mode: demo accounts and data allowed.")
    data_dir: Path = Field(default_factory=default_data_dir)
    cookie_secure: bool = Field(
        default=True, description="Send the session cookie over HTTPS only (off in demo)."
    )
    session_max_age_s: int = Field(default=8 * 3600, ge=60, description="Session lifetime.")
    token_max_age_s: int = Field(default=24 * 3600, ge=60, description="Bearer token lifetime.")
    max_body_bytes: int = Field(
        default=1024 * 1024, ge=1024, description="Largest request body accepted (413 above)."
    )
    max_active_requests: int = Field(
        default=16, ge=1, le=256, description="Requests processed at once (admission control)."
    )
    max_waiting_requests: int = Field(
        default=64, ge=0, description="Requests that may wait for a slot; more get 503."
    )
    queue_wait_s: float = Field(
        default=2.0, gt=0, le=60, description="Longest wait for a slot before a 503."
    )

    def resolved_database_url(self) -> str:
        """The database URL to use: the configured one, or the SQLite file in data_dir."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.data_dir / 'drgstim.sqlite3'}"

    def effective(self) -> Settings:
        """These settings, with a random secret in demo mode when none was given."""
        if self.demo and self.secret_key in ("", DEFAULT_SECRET_KEY):
            return self.model_copy(update={"secret_key": secrets.token_urlsafe(48)})
        return self

    def check_startable(self) -> None:
        """Refuse to run a real (non-demo) service with an empty, short or default secret."""
        if self.demo:
            return
        if not self.secret_key:
            raise InputError(
                "DRGSTIM_SECRET_KEY",
                "<empty>",
                "a private random string of at least 32 characters",
                reason="the service signs sessions and tokens with it; "
                'generate one with: python -c "import secrets; print(secrets.token_urlsafe(48))"',
            )
        if self.secret_key == DEFAULT_SECRET_KEY:
            raise InputError(
                "DRGSTIM_SECRET_KEY",
                "<default>",
                "a private random string of at least 32 characters",
                reason="the published default secret is allowed in demo mode only",
            )
        if len(self.secret_key) < 32:
            raise InputError(
                "DRGSTIM_SECRET_KEY",
                f"<{len(self.secret_key)} characters>",
                "at least 32 characters",
            )

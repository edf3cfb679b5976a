"""Service settings, read from the environment (prefix ``DRGSTIM_``) by pydantic-settings.

The server refuses to start outside demo mode while the secret key is still the default:
a default secret would let anyone forge session cookies.
"""

from __future__ import annotations

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
    secret_key: str = Field(default=DEFAULT_SECRET_KEY, description="Signs session cookies.")
    demo: bool = Field(default=False, description="Demo mode: demo accounts and data allowed.")
    data_dir: Path = Field(default_factory=default_data_dir)
    cookie_secure: bool = Field(
        default=True, description="Send the session cookie over HTTPS only (off in demo)."
    )
    session_max_age_s: int = Field(default=8 * 3600, ge=60, description="Session lifetime.")
    token_max_age_s: int = Field(default=24 * 3600, ge=60, description="Bearer token lifetime.")

    def resolved_database_url(self) -> str:
        """The database URL to use: the configured one, or the SQLite file in data_dir."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.data_dir / 'drgstim.sqlite3'}"

    def check_startable(self) -> None:
        """Refuse to run a real (non-demo) service with the default secret key."""
        if not self.demo and self.secret_key == DEFAULT_SECRET_KEY:
            raise InputError(
                "DRGSTIM_SECRET_KEY",
                "<default>",
                "a private random string of at least 32 characters",
                reason="the default secret is allowed in demo mode only",
            )
        if not self.demo and len(self.secret_key) < 32:
            raise InputError(
                "DRGSTIM_SECRET_KEY",
                f"<{len(self.secret_key)} characters>",
                "at least 32 characters",
            )

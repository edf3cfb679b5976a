"""Helpers shared by the browser tests (log in, save a screenshot)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

__all__ = ["NURSE", "SCREENSHOTS", "login", "shot"]

NURSE = ("web-nurse", "web-nurse-password")  # added to the test server by conftest
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"


def login(page: Any, username: str, password: str = "demo-password") -> None:
    page.goto("/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state("networkidle")


def shot(page: Any, name: str) -> None:
    """Save a full-page screenshot as a test artifact."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)

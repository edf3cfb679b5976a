"""Helpers shared by the browser tests (log in, save a screenshot)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

__all__ = ["NURSE", "PROGRAMMER", "SCREENSHOTS", "login", "shot", "wait_js"]

NURSE = ("web-nurse", "web-nurse-password")  # added to the test server by conftest
PROGRAMMER = ("web-programmer", "web-programmer-password")  # likewise
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


def wait_js(page: Any, expression: str, *, timeout_s: float = 10.0) -> None:
    """Wait until a JavaScript expression is true. Playwright's ``wait_for_function``
    evaluates its predicate with ``eval`` inside the page, which the pages' strict
    Content-Security-Policy (no 'unsafe-eval') refuses; ``page.evaluate`` is not subject
    to it, so poll that instead."""
    deadline = time.monotonic() + timeout_s
    while not page.evaluate(expression):
        if time.monotonic() > deadline:
            raise AssertionError(f"still false after {timeout_s} s: {expression}")
        page.wait_for_timeout(50)

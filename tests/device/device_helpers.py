"""Shared test helpers: a deterministic clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta


class StepClock:
    """A clock that advances one second per reading, from a fixed UTC start."""

    def __init__(self, start: datetime = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)) -> None:
        self.now = start

    def __call__(self) -> datetime:
        self.now += timedelta(seconds=1)
        return self.now

"""Programming events, the append-only event log and session records."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

__all__ = ["Clock", "Event", "EventLog", "SessionRecord", "utc_now"]

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    """The default clock: timezone-aware UTC now."""
    return datetime.now(UTC)


def _plain(value: Any) -> Any:
    if hasattr(value, "to_dict"):
        return value.to_dict()
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    return value


@dataclass(frozen=True)
class Event:
    """One change: who made it, when, what, on which lead, old → new."""

    who: str
    when: datetime
    action: str
    old: Any = None
    new: Any = None
    lead: int | None = None
    group: int | None = None

    def __post_init__(self) -> None:
        if self.when.tzinfo is None:
            raise ValueError("event timestamps must be timezone-aware (UTC)")

    def to_dict(self) -> dict[str, Any]:
        return {
            "who": self.who,
            "when": self.when.astimezone(UTC).isoformat(),
            "action": self.action,
            "lead": self.lead,
            "group": self.group,
            "old": _plain(self.old),
            "new": _plain(self.new),
        }


class EventLog:
    """Append-only: events can be added and read, never changed or removed."""

    def __init__(self) -> None:
        self._events: list[Event] = []

    def append(self, event: Event) -> None:
        if self._events and event.when < self._events[-1].when:
            raise ValueError("events must be appended in time order")
        self._events.append(event)

    @property
    def events(self) -> tuple[Event, ...]:
        return tuple(self._events)

    def __iter__(self) -> Iterator[Event]:
        return iter(tuple(self._events))

    def __len__(self) -> int:
        return len(self._events)

    def to_list(self) -> list[dict[str, Any]]:
        return [e.to_dict() for e in self._events]


@dataclass(frozen=True)
class SessionRecord:
    """What a clinician session did: who, from when to when, every event, final program."""

    clinician: str
    device_serial: str
    started: datetime
    ended: datetime
    events: tuple[Event, ...]
    final_groups: tuple[dict[str, Any], ...] = field(default_factory=tuple)

    def to_dict(self) -> dict[str, Any]:
        return {
            "clinician": self.clinician,
            "device_serial": self.device_serial,
            "started": self.started.astimezone(UTC).isoformat(),
            "ended": self.ended.astimezone(UTC).isoformat(),
            "events": [e.to_dict() for e in self.events],
            "final_groups": list(self.final_groups),
        }

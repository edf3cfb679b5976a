"""Errors a user can cause, and how they are reported.

Every layer raises :class:`InputError` for bad input. It always names the field, the value
and what would have been allowed, so the CLI (exit code 2) and the API (HTTP 422) can show
the same clear message without a traceback.
"""

from __future__ import annotations

__all__ = ["InputError"]


class InputError(ValueError):
    """A value given by a user is not allowed.

    >>> str(InputError("amplitude_uA", 7000, "0–6000 µA"))
    "amplitude_uA = 7000 is not allowed; allowed: 0–6000 µA"
    """

    def __init__(self, field: str, value: object, allowed: str, *, reason: str = "") -> None:
        self.field = field
        self.value = value
        self.allowed = allowed
        self.reason = reason
        text = f"{field} = {value!r} is not allowed"
        if reason:
            text += f" ({reason})"
        text += f"; allowed: {allowed}"
        super().__init__(text)

    def as_dict(self) -> dict[str, object]:
        """The error as JSON-ready data (used by the API's 422 responses)."""
        return {
            "field": self.field,
            "value": self.value
            if isinstance(self.value, int | float | str | bool)
            else str(self.value),
            "allowed": self.allowed,
            "reason": self.reason,
            "message": str(self),
        }

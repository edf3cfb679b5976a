"""Spinal levels C2–S5 (ordered cranial to caudal) and body sides."""

from __future__ import annotations

from enum import StrEnum

from drgstim.errors import InputError

__all__ = ["Side", "SpinalLevel"]


class Side(StrEnum):
    """Side of the body. ``bilateral`` and ``midline`` are for pain-map entries only
    (e.g. perineum, axial low back); planning treats them as left and right."""

    LEFT = "left"
    RIGHT = "right"
    BILATERAL = "bilateral"
    MIDLINE = "midline"

    @property
    def lateral(self) -> tuple[Side, ...]:
        """The lateral sides this side stands for (left/right)."""
        if self in (Side.LEFT, Side.RIGHT):
            return (self,)
        return (Side.LEFT, Side.RIGHT)

    @classmethod
    def parse(cls, text: str, *, field: str = "side") -> Side:
        """``Side.parse("Left")`` → ``Side.LEFT``; anything else → :class:`InputError`."""
        try:
            return cls(text.strip().lower())
        except ValueError:
            raise InputError(field, text, ", ".join(s.value for s in cls)) from None


class SpinalLevel(StrEnum):
    """A spinal segment; compares in anatomical order (T12 < L1 < S1)."""

    C2 = "C2"
    C3 = "C3"
    C4 = "C4"
    C5 = "C5"
    C6 = "C6"
    C7 = "C7"
    C8 = "C8"
    T1 = "T1"
    T2 = "T2"
    T3 = "T3"
    T4 = "T4"
    T5 = "T5"
    T6 = "T6"
    T7 = "T7"
    T8 = "T8"
    T9 = "T9"
    T10 = "T10"
    T11 = "T11"
    T12 = "T12"
    L1 = "L1"
    L2 = "L2"
    L3 = "L3"
    L4 = "L4"
    L5 = "L5"
    S1 = "S1"
    S2 = "S2"
    S3 = "S3"
    S4 = "S4"
    S5 = "S5"

    @property
    def order(self) -> int:
        """Position cranial → caudal (C2 = 0)."""
        return _ORDER.index(self)

    @property
    def segment(self) -> str:
        """ "cervical", "thoracic", "lumbar" or "sacral"."""
        return {"C": "cervical", "T": "thoracic", "L": "lumbar", "S": "sacral"}[self.value[0]]

    @classmethod
    def parse(cls, text: str, *, field: str = "level") -> SpinalLevel:
        """``SpinalLevel.parse(" l3 ")`` → ``SpinalLevel.L3``."""
        try:
            return cls(text.strip().upper())
        except ValueError:
            raise InputError(field, text, "C2–C8, T1–T12, L1–L5, S1–S5") from None

    def __lt__(self, other: str) -> bool:
        return self.order < SpinalLevel(other).order

    def __le__(self, other: str) -> bool:
        return self.order <= SpinalLevel(other).order

    def __gt__(self, other: str) -> bool:
        return self.order > SpinalLevel(other).order

    def __ge__(self, other: str) -> bool:
        return self.order >= SpinalLevel(other).order


_ORDER: tuple[SpinalLevel, ...] = tuple(SpinalLevel)

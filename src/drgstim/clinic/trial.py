"""The trial: temporary leads, an external stimulator and the patient's daily diary.

The trial commonly lasts 3–8 days (NACC DRG best practices, Deer et al. 2019), up to 30 (the
trial stimulator is worn for up to 30 days: Axium patient programmer manual). A longer trial is
recorded but flagged by the review. Diary values are checked at the boundary
(:func:`validate_diary_entry`, :func:`read_diary_csv`) with an :class:`InputError` that names
the row, the field, the value and the allowed range.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable, Mapping
from datetime import date
from pathlib import Path
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from drgstim.clinic._outcomes_data import value
from drgstim.device.vocabulary import recordable_level, side_name
from drgstim.errors import InputError

__all__ = [
    "DIARY_COLUMNS",
    "DIARY_REQUIRED_COLUMNS",
    "DiaryEntry",
    "LeadLevel",
    "ProgrammingChange",
    "Trial",
    "read_diary_csv",
    "validate_diary_entry",
]

_FROZEN = ConfigDict(frozen=True, extra="forbid")

# (kind, low, high) of every diary field; ranges of the instruments (NRS 0–10, relief
# 0–100 %, PGIC 1–7) and physical limits of a day.
_NUMERIC: dict[str, tuple[type, float, float]] = {
    "nrs_average": (float, 0, 10),
    "nrs_worst": (float, 0, 10),
    "relief_pct": (float, 0, 100),
    "mme": (float, 0, 2000),
    "sleep_hours": (float, 0, 24),
    "activity_minutes": (float, 0, 1440),
    "steps": (int, 0, 200_000),
    "pgic": (int, 1, 7),
}
DIARY_REQUIRED_COLUMNS = ("date", "nrs_average")
DIARY_COLUMNS = ("date", *_NUMERIC, "stim_on", "notes")
_TRUE = {"1", "true", "yes", "y", "on"}
_FALSE = {"0", "false", "no", "n", "off"}


class DiaryEntry(BaseModel):
    """One day of the patient's trial diary."""

    model_config = _FROZEN

    date: date
    nrs_average: float = Field(ge=0, le=10, description="Average pain today, NRS 0–10.")
    nrs_worst: float | None = Field(default=None, ge=0, le=10)
    relief_pct: float | None = Field(default=None, ge=0, le=100)
    mme: float | None = Field(default=None, ge=0, le=2000, description="Opioid MME per day.")
    sleep_hours: float | None = Field(default=None, ge=0, le=24)
    activity_minutes: float | None = Field(default=None, ge=0, le=1440)
    steps: int | None = Field(default=None, ge=0, le=200_000)
    pgic: int | None = Field(default=None, ge=1, le=7)
    stim_on: bool = True
    notes: str = Field(default="", max_length=2000)

    def to_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json")


class LeadLevel(BaseModel):
    """A lead's DRG level and side, e.g. L5 left."""

    model_config = _FROZEN

    level: Annotated[str, AfterValidator(recordable_level)]
    side: Annotated[str, AfterValidator(side_name)]


class ProgrammingChange(BaseModel):
    """A programming session during the trial, linked to the device's event log."""

    model_config = _FROZEN

    date: date
    description: str = Field(default="", max_length=2000)
    group: str = Field(default="", max_length=64)
    device_event_ids: tuple[str, ...] = ()


class Trial(BaseModel):
    """A trial with its diary; dates inclusive; ``end_date`` is None while it runs."""

    model_config = _FROZEN

    start_date: date
    end_date: date | None = None
    stimulator: str = Field(default="", max_length=128, description="Trial stimulator id.")
    lead_levels: tuple[LeadLevel, ...] = Field(default=(), max_length=4)
    entries: tuple[DiaryEntry, ...] = ()
    programming_changes: tuple[ProgrammingChange, ...] = ()
    goals: str = Field(default="", max_length=2000)

    @model_validator(mode="after")
    def _check(self) -> Trial:
        if self.end_date is not None and self.end_date < self.start_date:
            raise InputError(
                "end_date",
                self.end_date.isoformat(),
                f"on or after start_date {self.start_date.isoformat()}",
            )
        seen: set[date] = set()
        for entry in self.entries:
            if entry.date in seen:
                raise InputError("date", entry.date.isoformat(), "one diary entry per day")
            seen.add(entry.date)
        return self

    @property
    def duration_days(self) -> int | None:
        """Days from start to end, both inclusive (None while the trial runs)."""
        if self.end_date is None:
            return None
        return (self.end_date - self.start_date).days + 1

    @property
    def warnings(self) -> tuple[str, ...]:
        """Recorded but noteworthy: a trial beyond the trial stimulator's 30 days."""
        limit: int = value("success_criteria", "max_trial_days")
        days = self.duration_days
        if days is not None and days > limit:
            return (f"trial lasts {days} days, beyond the {limit}-day trial limit",)
        return ()

    @property
    def first_programmed_on(self) -> date | None:
        """Date of the first programming session, if any was recorded."""
        return min((c.date for c in self.programming_changes), default=None)

    def to_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json")


def _where(row: int | None) -> str:
    return f"diary row {row}" if row is not None else "diary entry"


def _parse_number(name: str, raw: object, row: int | None) -> float | int | None:
    kind, low, high = _NUMERIC[name]
    allowed = f"{low:g}–{high:g}" + (" (whole number)" if kind is int else "")
    if raw is None or (isinstance(raw, str) and raw.strip() == ""):
        return None
    try:
        number = float(raw.strip()) if isinstance(raw, str) else float(raw)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise InputError(name, raw, allowed, reason=f"{_where(row)}: not a number") from None
    if not math.isfinite(number) or not low <= number <= high:
        raise InputError(name, raw, allowed, reason=f"{_where(row)}: out of range")
    if kind is int:
        if number != int(number):
            raise InputError(name, raw, allowed, reason=f"{_where(row)}: not a whole number")
        return int(number)
    return number


def _parse_date(raw: object, row: int | None) -> date:
    if isinstance(raw, date):
        return raw
    try:
        return date.fromisoformat(str(raw).strip())
    except ValueError:
        raise InputError(
            "date", raw, "an ISO date YYYY-MM-DD", reason=f"{_where(row)}: bad date"
        ) from None


def _parse_bool(raw: object, row: int | None) -> bool:
    if raw is None or isinstance(raw, bool):
        return True if raw is None else raw
    text = str(raw).strip().lower()
    if text == "" or text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise InputError("stim_on", raw, "true/false, yes/no, on/off, 1/0", reason=_where(row))


def validate_diary_entry(values: Mapping[str, object], *, row: int | None = None) -> DiaryEntry:
    """Check one diary record (strings from a CSV or typed values) and build the entry.

    Raises :class:`InputError` naming the row, the field, the value and the allowed range.
    """
    unknown = sorted(set(values) - set(DIARY_COLUMNS))
    if unknown:
        raise InputError(
            "column", unknown[0], ", ".join(DIARY_COLUMNS), reason=f"{_where(row)}: unknown"
        )
    if "date" not in values or values["date"] in (None, ""):
        raise InputError("date", values.get("date"), "an ISO date YYYY-MM-DD", reason=_where(row))
    day = _parse_date(values["date"], row)
    numbers = {name: _parse_number(name, values.get(name), row) for name in _NUMERIC}
    if numbers["nrs_average"] is None:
        raise InputError("nrs_average", values.get("nrs_average"), "0–10", reason=_where(row))
    notes = values.get("notes")
    notes_text = "" if notes is None else str(notes)
    if len(notes_text) > 2000:
        raise InputError(
            "notes", notes_text[:40] + "…", "at most 2000 characters", reason=_where(row)
        )
    stim_on = _parse_bool(values.get("stim_on"), row)
    return DiaryEntry(date=day, stim_on=stim_on, notes=notes_text, **numbers)


def _csv_text(source: str | Path) -> str:
    if isinstance(source, Path):
        return source.read_text(encoding="utf-8-sig")
    if "\n" in source:  # CSV text; a one-line string is a path
        return source.lstrip("\ufeff")
    path = Path(source)
    if not path.is_file():
        raise InputError("diary", source, "an existing CSV file or CSV text")
    return path.read_text(encoding="utf-8-sig")


def _check_header(header: list[str] | None) -> list[str]:
    if not header:
        raise InputError("header", "", "a header row with at least date,nrs_average")
    names = [h.strip() for h in header]
    for name in names:
        if name not in DIARY_COLUMNS:
            raise InputError(
                "column", name, ", ".join(DIARY_COLUMNS), reason="diary row 1 (header): unknown"
            )
    for name in DIARY_REQUIRED_COLUMNS:
        if name not in names:
            raise InputError("column", name, "a header with date,nrs_average", reason="missing")
    if len(set(names)) != len(names):
        dup = next(n for n in names if names.count(n) > 1)
        raise InputError("column", dup, "each column once", reason="diary row 1 (header)")
    return names


def read_diary_csv(source: str | Path) -> list[DiaryEntry]:
    """Read a diary CSV (a path, or CSV text with line breaks) into entries sorted by date.

    The header needs ``date,nrs_average``; optional columns are the other
    :data:`DIARY_COLUMNS`. Row numbers in errors count the header as row 1, as a
    spreadsheet shows them. Blank lines are skipped.
    """
    reader = csv.reader(io.StringIO(_csv_text(source)))
    names = _check_header(next(reader, None))
    entries: list[DiaryEntry] = []
    rows_by_date: dict[date, int] = {}
    for row_number, cells in enumerate(reader, start=2):
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(names):
            raise InputError(
                "cells",
                len(cells),
                f"{len(names)} cells, one per header column",
                reason=f"diary row {row_number}",
            )
        entry = validate_diary_entry(dict(zip(names, cells, strict=True)), row=row_number)
        if entry.date in rows_by_date:
            raise InputError(
                "date",
                entry.date.isoformat(),
                "one entry per day",
                reason=f"diary row {row_number}: duplicate of row {rows_by_date[entry.date]}",
            )
        rows_by_date[entry.date] = row_number
        entries.append(entry)
    return sorted(entries, key=lambda e: e.date)


def entries_by_date(entries: Iterable[DiaryEntry]) -> dict[date, DiaryEntry]:
    """Entries keyed by their date (helper for reviews and charts)."""
    return {e.date: e for e in entries}

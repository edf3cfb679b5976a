"""Diary CSV reading and entry validation: every malformed input names row and field."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from drgstim.clinic.trial import (
    DIARY_COLUMNS,
    DiaryEntry,
    Trial,
    read_diary_csv,
    validate_diary_entry,
)
from drgstim.errors import InputError

GOOD = """date,nrs_average,nrs_worst,relief_pct,mme,sleep_hours,pgic,stim_on
2026-03-02,4,6,40,30,6.5,5,yes
2026-03-01,5,7,30,30,6,,true
2026-03-03,3.5,5,55,20,7,6,off
"""


def test_reads_all_columns_sorted_by_date() -> None:
    entries = read_diary_csv(GOOD)
    assert [e.date for e in entries] == [date(2026, 3, 1), date(2026, 3, 2), date(2026, 3, 3)]
    first, second, third = entries
    assert first.pgic is None and first.stim_on is True
    assert second.nrs_worst == 6 and second.relief_pct == 40 and second.pgic == 5
    assert third.stim_on is False and third.sleep_hours == 7 and third.mme == 20


def test_reads_a_path_with_bom_and_blank_lines(tmp_path: Path) -> None:
    path = tmp_path / "diary.csv"
    path.write_text("\ufeffdate,nrs_average\n2026-03-01,5\n\n2026-03-02,4\n", encoding="utf-8")
    assert [e.nrs_average for e in read_diary_csv(path)] == [5, 4]
    assert len(read_diary_csv(str(path))) == 2


@pytest.mark.parametrize(
    ("text", "field", "row_text"),
    [
        ("date,nrs_average,mood\n2026-03-01,5,ok\n", "column", "row 1"),
        ("date,nrs_average\n2026-03-01,5\n2026-03-02,10.5\n", "nrs_average", "row 3"),
        ("date,nrs_average\n2026-03-01,-1\n", "nrs_average", "row 2"),
        ("date,nrs_average\n2026-03-01,five\n", "nrs_average", "row 2"),
        ("date,nrs_average\n2026-03-01,nan\n", "nrs_average", "row 2"),
        ("date,nrs_average\n2026-03-01,\n", "nrs_average", "row 2"),
        ("date,nrs_average\n01/03/2026,5\n", "date", "row 2"),
        ("date,nrs_average\n2026-02-30,5\n", "date", "row 2"),
        ("date,nrs_average\n2026-03-01,5\n2026-03-01,4\n", "date", "row 3"),
        ("date,nrs_average,nrs_worst\n2026-03-01,5,11\n", "nrs_worst", "row 2"),
        ("date,nrs_average,relief_pct\n2026-03-01,5,101\n", "relief_pct", "row 2"),
        ("date,nrs_average,pgic\n2026-03-01,5,8\n", "pgic", "row 2"),
        ("date,nrs_average,pgic\n2026-03-01,5,5.5\n", "pgic", "row 2"),
        ("date,nrs_average,mme\n2026-03-01,5,-3\n", "mme", "row 2"),
        ("date,nrs_average,sleep_hours\n2026-03-01,5,25\n", "sleep_hours", "row 2"),
        ("date,nrs_average,stim_on\n2026-03-01,5,maybe\n", "stim_on", "row 2"),
        ("date,nrs_average\n2026-03-01,5,9\n", "cells", "row 2"),
        ("date,relief_pct\n2026-03-01,5\n", "column", "missing"),
        ("date,nrs_average,date\n2026-03-01,5,2026-03-02\n", "column", "row 1"),
        ("", "header", ""),
    ],
)
def test_malformed_csv_names_row_and_field(text: str, field: str, row_text: str) -> None:
    with pytest.raises(InputError) as info:
        read_diary_csv(text if text else "\n")
    assert info.value.field == field
    assert row_text in str(info.value)


def test_duplicate_date_names_both_rows() -> None:
    with pytest.raises(InputError, match="row 3: duplicate of row 2"):
        read_diary_csv("date,nrs_average\n2026-03-01,5\n2026-03-01,4\n")


def test_missing_file_is_an_input_error() -> None:
    with pytest.raises(InputError) as info:
        read_diary_csv("no-such-diary")
    assert info.value.field == "diary"


def test_validate_entry_accepts_typed_values() -> None:
    entry = validate_diary_entry({"date": date(2026, 1, 5), "nrs_average": 0, "stim_on": False})
    assert entry == DiaryEntry(date=date(2026, 1, 5), nrs_average=0.0, stim_on=False)
    assert DiaryEntry.model_validate(entry.to_dict()) == entry


@pytest.mark.parametrize("nrs", [0, 10])
def test_nrs_range_ends_are_allowed(nrs: int) -> None:
    assert validate_diary_entry({"date": "2026-01-01", "nrs_average": str(nrs)}).nrs_average == nrs


def test_trial_refuses_end_before_start_and_duplicate_days() -> None:
    with pytest.raises(ValueError, match="end_date"):
        Trial(start_date=date(2026, 1, 5), end_date=date(2026, 1, 4))
    entry = DiaryEntry(date=date(2026, 1, 5), nrs_average=3)
    with pytest.raises(ValueError, match="one diary entry per day"):
        Trial(start_date=date(2026, 1, 5), entries=(entry, entry))


def test_trial_round_trips_through_json() -> None:
    trial = Trial(
        start_date=date(2026, 1, 1),
        end_date=date(2026, 1, 7),
        stimulator="TS-0042",
        lead_levels=({"level": "L5", "side": "left"},),  # type: ignore[arg-type]
        entries=tuple(read_diary_csv(GOOD)),
        programming_changes=({"date": "2026-01-01", "description": "initial"},),  # type: ignore[arg-type]
    )
    assert trial.duration_days == 7
    assert Trial.model_validate(trial.to_dict()) == trial


def test_trial_beyond_30_days_is_recorded_with_a_warning() -> None:
    ok = Trial(start_date=date(2026, 1, 1), end_date=date(2026, 1, 30))
    assert ok.duration_days == 30 and ok.warnings == ()
    long = Trial(start_date=date(2026, 1, 1), end_date=date(2026, 1, 31))
    assert long.warnings == ("trial lasts 31 days, beyond the 30-day trial limit",)


_entry = st.builds(
    DiaryEntry,
    date=st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31)),
    nrs_average=st.floats(0, 10).map(lambda v: round(v, 2)),
    nrs_worst=st.none() | st.floats(0, 10).map(lambda v: round(v, 1)),
    relief_pct=st.none() | st.integers(0, 100).map(float),
    mme=st.none() | st.floats(0, 2000).map(lambda v: round(v, 1)),
    steps=st.none() | st.integers(0, 200_000),
    pgic=st.none() | st.integers(1, 7),
    stim_on=st.booleans(),
    notes=st.text(
        alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=30
    ),
)


@given(st.lists(_entry, max_size=8, unique_by=lambda e: e.date))
def test_csv_round_trip(entries: list[DiaryEntry]) -> None:
    """Whatever the app can hold, written as CSV, reads back the same (quotes, commas, µ)."""
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(DIARY_COLUMNS)
    for e in entries:
        row = e.to_dict()
        writer.writerow(["" if row[c] is None else row[c] for c in DIARY_COLUMNS])
    text = buf.getvalue()
    if not entries:
        text += "\n"  # the header alone still needs a line break to count as CSV text
    assert read_diary_csv(text) == sorted(entries, key=lambda e: e.date)

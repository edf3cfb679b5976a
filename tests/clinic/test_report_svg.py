"""The HTML trial report's charts, written as SVG markup: every diary day is drawn where
its value says, days the review did not count are hollow, and the markup is well formed."""

from __future__ import annotations

import itertools
import math
import time
import xml.etree.ElementTree as ET
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from drgstim.clinic.reports.svg import nice_ticks, trial_nrs_svg, trial_trends_svg
from drgstim.clinic.review import evaluate_trial
from drgstim.clinic.trial import DiaryEntry

SVG = "{http://www.w3.org/2000/svg}"
START = date(2026, 3, 1)


def _entries() -> list[DiaryEntry]:
    # Day 0 is before the first programming (stim off): the review does not count it.
    return [
        DiaryEntry(
            date=START + timedelta(days=i),
            nrs_average=v,
            stim_on=i > 0,
            sleep_hours=6.0 + i,
            nrs_worst=7.0,
        )
        for i, v in enumerate((8.0, 6.0, 4.0, 2.0, 3.0, 3.0, 2.5))
    ]


def _circles(svg: bytes) -> list[ET.Element]:
    return list(ET.fromstring(svg).iter(f"{SVG}circle"))


def test_nrs_chart_draws_each_day_at_its_value() -> None:
    entries = _entries()
    review = evaluate_trial(entries, baseline_nrs=7.5)
    svg = trial_nrs_svg(entries, review)
    dots = _circles(svg)
    assert len(dots) == len(entries)
    ys = [float(d.get("cy", "nan")) for d in dots]
    xs = [float(d.get("cx", "nan")) for d in dots]
    assert xs == sorted(xs) and len(set(xs)) == len(xs)  # one column per day, in order
    # Screen y grows downwards and is linear in NRS: slope from two days, then check all.
    slope = (ys[2] - ys[1]) / (6.0 - 4.0)  # pixels per NRS point
    assert slope > 0
    for entry, y in zip(entries, ys, strict=True):
        assert y == pytest.approx(ys[2] - slope * (entry.nrs_average - 4.0), abs=0.11)
    hollow = [d for d in dots if d.get("fill") == "#ffffff"]
    assert len(hollow) == 1 and hollow[0] is dots[0]  # the uncounted first day
    text = svg.decode()
    assert f"success line {review.threshold_nrs:g}" in text and "before trial 7.5" in text


def test_trends_chart_draws_recorded_series_and_marks_missing_ones() -> None:
    svg = trial_trends_svg(_entries())
    root = ET.fromstring(svg)  # well-formed XML
    labels = [t.text for t in root.iter(f"{SVG}text")]
    assert labels.count("not recorded") == 3  # activity, steps, opioid use
    assert len(list(root.iter(f"{SVG}polyline"))) == 2  # worst pain and sleep
    assert {"Worst pain", "Sleep", "Steps"} <= set(labels)
    assert "01 Mar" in labels and "07 Mar" in labels


def test_charts_take_milliseconds_not_matplotlib_time() -> None:
    entries = [
        DiaryEntry(date=START + timedelta(days=i), nrs_average=4 + (i % 3), sleep_hours=7)
        for i in range(30)
    ]
    review = evaluate_trial(entries, baseline_nrs=8.0)
    started = time.process_time()
    for _ in range(10):
        trial_nrs_svg(entries, review)
        trial_trends_svg(entries)
    # Matplotlib took ~500 ms for the pair; 50 ms leaves room for a loaded CI machine.
    assert (time.process_time() - started) / 10 < 0.05


@given(
    low=st.floats(-1e6, 1e6, allow_nan=False),
    span=st.just(0.0) | st.floats(1e-3, 1e6),  # diary values carry at most 1 decimal
)
def test_nice_ticks_cover_the_range_with_round_even_steps(low: float, span: float) -> None:
    ticks = nice_ticks(low, low + span)
    assert ticks[0] <= low + 1e-9 and ticks[-1] >= low + span - 1e-9
    step = ticks[1] - ticks[0]
    for a, b in itertools.pairwise(ticks):
        assert b - a == pytest.approx(step, rel=1e-6)
    mantissa = step / 10 ** math.floor(math.log10(step) + 1e-9)
    assert min(abs(mantissa - m) for m in (1.0, 2.0, 5.0, 10.0)) < 1e-6
    assert len(ticks) <= 12

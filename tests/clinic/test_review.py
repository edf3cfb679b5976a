"""Trial success review: verdict boundaries, completeness rules, criteria and advice."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from drgstim.clinic.review import (
    Recommendation,
    SuccessCriteria,
    Verdict,
    evaluate_trial,
)
from drgstim.clinic.trial import DiaryEntry, ProgrammingChange, Trial
from drgstim.errors import InputError

START = date(2026, 3, 1)


def _days(*nrs: float, start: date = START, **extra: object) -> list[DiaryEntry]:
    return [
        DiaryEntry(date=start + timedelta(i), nrs_average=v, **extra)  # type: ignore[arg-type]
        for i, v in enumerate(nrs)
    ]


def _by_name(review: object) -> dict[str, object]:
    return {c.name: c for c in review.criteria}  # type: ignore[attr-defined]


def test_default_criteria_come_from_the_cited_data_file() -> None:
    c = SuccessCriteria.default()
    assert (c.primary_reduction_pct, c.moderate_reduction_pct) == (50.0, 30.0)
    assert (c.min_evaluable_days, c.max_trial_days, c.pgic_max_improved) == (3, 30, 2)


@pytest.mark.parametrize(
    ("baseline", "daily"),
    [
        (7.5, (3.75, 3.75, 3.75)),
        (8.0, (4.0, 3.0, 5.0)),
        (6.0, (3.0, 3.0, 3.0, 3.0)),
        (10, (5,) * 3),
    ],
)
def test_exactly_50_percent_is_success(baseline: float, daily: tuple[float, ...]) -> None:
    review = evaluate_trial(_days(*daily), baseline_nrs=baseline)
    assert review.reduction_pct == 50.0
    assert review.verdict is Verdict.SUCCESS
    assert review.recommendation is Recommendation.PROCEED_TO_IMPLANT


def test_just_below_50_percent_is_failure() -> None:
    review = evaluate_trial(_days(3.8, 3.8, 3.8), baseline_nrs=7.5)  # 49.33 %
    assert review.reduction_pct == pytest.approx(49.333333, abs=1e-5)
    assert review.verdict is Verdict.FAILURE
    # ≥ 30 % moderate response: advise reprogramming and extending, not a plain "no"
    assert _by_name(review)["moderate_nrs_reduction"].met is True  # type: ignore[attr-defined]
    assert review.recommendation is Recommendation.EXTEND_TRIAL


def test_no_response_recommends_against_implant() -> None:
    review = evaluate_trial(_days(7, 6.5, 7), baseline_nrs=7.0)
    assert review.verdict is Verdict.FAILURE
    assert review.recommendation is Recommendation.DO_NOT_IMPLANT
    assert review.threshold_nrs == 3.5


def test_immpact_moderate_criteria_move_the_boundary() -> None:
    moderate = SuccessCriteria.named("immpact-moderate")
    assert evaluate_trial(_days(5.25, 5.25, 5.25), baseline_nrs=7.5, criteria=moderate).verdict == (
        Verdict.SUCCESS
    )  # exactly 30 %
    assert evaluate_trial(_days(5.3, 5.3, 5.3), baseline_nrs=7.5, criteria=moderate).verdict == (
        Verdict.FAILURE
    )


def test_criteria_json_file_overrides_defaults(tmp_path: Path) -> None:
    path = tmp_path / "strict.json"
    path.write_text(json.dumps({"primary_reduction_pct": 60, "min_evaluable_days": 5}))
    c = SuccessCriteria.load(str(path))
    assert (c.name, c.primary_reduction_pct, c.min_evaluable_days) == ("strict", 60, 5)
    assert c.moderate_reduction_pct == 30.0
    with pytest.raises(InputError):
        SuccessCriteria.load("lenient")


def test_two_evaluable_days_is_insufficient_data_not_a_verdict() -> None:
    review = evaluate_trial(_days(1, 1), baseline_nrs=8)
    assert review.verdict is Verdict.INSUFFICIENT_DATA
    assert review.recommendation is Recommendation.EXTEND_TRIAL
    assert "too_few_days" in [f.code for f in review.flags]
    assert evaluate_trial(_days(1, 1, 1), baseline_nrs=8).verdict is Verdict.SUCCESS


def test_no_entries_is_insufficient_data() -> None:
    review = evaluate_trial([], baseline_nrs=6)
    assert review.verdict is Verdict.INSUFFICIENT_DATA
    assert review.trial_mean_nrs is None and review.reduction_pct is None


def _trial(entries: list[DiaryEntry], **kw: object) -> Trial:
    return Trial(start_date=START, entries=tuple(entries), **kw)  # type: ignore[arg-type]


def test_days_before_first_programming_are_not_evaluated() -> None:
    # Day 1 (before programming) has high pain; counting it would drop below 50 %.
    entries = _days(8, 3, 3, 3)
    change = ProgrammingChange(date=START + timedelta(1), description="first program")
    review = evaluate_trial(_trial(entries, programming_changes=(change,)), baseline_nrs=7)
    assert review.evaluable_days == 3
    assert review.trial_mean_nrs == 3
    assert review.verdict is Verdict.SUCCESS
    flag = next(f for f in review.flags if f.code == "before_programming")
    assert flag.dates == (START,)
    naive = evaluate_trial(entries, baseline_nrs=7)
    assert naive.verdict is Verdict.FAILURE  # the rule changes the verdict


def test_missing_days_and_stimulation_off_days_are_flagged() -> None:
    entries = [e for i, e in enumerate(_days(3, 3, 3, 3, 3, 3)) if i != 2]
    entries[0] = entries[0].model_copy(update={"stim_on": False, "nrs_average": 9})
    end = START + timedelta(6)
    change = ProgrammingChange(date=START)
    review = evaluate_trial(
        _trial(entries, end_date=end, programming_changes=(change,)), baseline_nrs=7
    )
    codes = {f.code: f for f in review.flags}
    assert codes["missing_days"].dates == (START + timedelta(2), end)
    assert codes["stimulation_off"].dates == (START,)
    assert review.evaluable_days == 4
    assert review.trial_mean_nrs == 3


def test_entries_outside_the_trial_and_long_trials_are_flagged() -> None:
    entries = _days(3, 3, 3, start=START - timedelta(1))
    trial = _trial(
        entries,
        end_date=START + timedelta(30),
        programming_changes=(ProgrammingChange(date=START),),
    )
    review = evaluate_trial(trial, baseline_nrs=7)
    codes = {f.code for f in review.flags}
    assert {"outside_trial", "long_trial", "missing_days", "too_few_days"} <= codes
    assert review.verdict is Verdict.INSUFFICIENT_DATA  # 2 evaluable days


def test_implausible_worst_below_average_is_flagged() -> None:
    entries = _days(5, 5, 5)
    entries[1] = entries[1].model_copy(update={"nrs_worst": 2})
    review = evaluate_trial(entries, baseline_nrs=7)
    flag = next(f for f in review.flags if f.code == "worst_below_average")
    assert flag.dates == (START + timedelta(1),)


def test_secondary_criteria_report_their_figures() -> None:
    entries = _days(3, 3, 3)
    entries = [e.model_copy(update={"mme": 40.0, "steps": 6000, "pgic": 2}) for e in entries]
    review = evaluate_trial(
        entries, baseline_nrs=7, baseline_mme=60, baseline_steps=4000, goals_met=False
    )
    c = _by_name(review)
    assert c["medication_reduction"].met is True  # type: ignore[attr-defined]
    assert "33.3 %" in c["medication_reduction"].detail  # type: ignore[attr-defined]
    assert c["functional_gain"].met is True  # type: ignore[attr-defined]
    assert "50.0 %" in c["functional_gain"].detail  # type: ignore[attr-defined]
    assert c["pgic_improved"].met is True  # type: ignore[attr-defined]
    assert c["goals_met"].met is False  # type: ignore[attr-defined]
    assert "goals were not met" in review.recommendation_text
    unknown = _by_name(evaluate_trial(_days(3, 3, 3), baseline_nrs=7))
    assert all(
        unknown[n].met is None
        for n in ("medication_reduction", "functional_gain", "pgic_improved", "goals_met")
    )  # type: ignore[attr-defined]


@pytest.mark.parametrize("baseline", [0, -1, 10.5, float("nan")])
def test_bad_baseline_is_refused(baseline: float) -> None:
    with pytest.raises(InputError) as info:
        evaluate_trial(_days(3, 3, 3), baseline_nrs=baseline)
    assert info.value.field == "baseline_nrs"


def test_review_json_round_trip_and_contract_keys() -> None:
    review = evaluate_trial(_days(3, 4, 3), baseline_nrs=7.5)
    data = review.to_dict()
    assert {
        "verdict",
        "baseline_nrs",
        "trial_mean_nrs",
        "reduction_pct",
        "evaluable_days",
        "criteria",
        "flags",
    } <= set(data)
    assert set(data["criteria"][0]) >= {"name", "met", "detail"}
    assert type(review).model_validate(data) == review


@given(
    baseline=st.floats(min_value=0.5, max_value=10),
    daily=st.lists(st.floats(min_value=0, max_value=10), min_size=3, max_size=10),
)
def test_verdict_matches_the_50_percent_rule(baseline: float, daily: list[float]) -> None:
    review = evaluate_trial(_days(*daily), baseline_nrs=baseline)
    mean = sum(daily) / len(daily)
    expected = (baseline - mean) / baseline >= 0.5
    if abs((baseline - mean) / baseline - 0.5) > 1e-6:  # away from float ties
        assert (review.verdict is Verdict.SUCCESS) == expected

"""Trial review judges pain, function, sleep, opioids and PGIC together, and never runs
past the trial maximum. Cases are realistic trials a pain clinician would review."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest

from drgstim.clinic.review import Recommendation, SuccessCriteria, Verdict, evaluate_trial
from drgstim.clinic.trial import DiaryEntry, ProgrammingChange, Trial

START = date(2026, 3, 2)


def _diary(rows: list[dict[str, float]], start: date = START) -> list[DiaryEntry]:
    return [DiaryEntry(date=start + timedelta(i), **row) for i, row in enumerate(rows)]  # type: ignore[arg-type]


def _knee_after_tka(mme: list[float], activity: list[float]) -> list[DiaryEntry]:
    """Knee pain after total knee arthroplasty, L3 DRG trial: NRS 7 → about 3."""
    nrs = [3.0, 3.5, 3.0, 2.5, 3.0, 3.0, 3.0]
    return _diary(
        [{"nrs_average": n, "mme": m, "activity_minutes": a, "sleep_hours": 6.5, "pgic": 2}
         for n, m, a in zip(nrs, mme, activity, strict=True)]
    )  # fmt: skip


def test_pain_relief_with_rising_opioids_is_not_success() -> None:
    # Baseline 45 MME/day; the trial averages 100 (a 122 % rise) while activity falls.
    entries = _knee_after_tka([90, 95, 100, 100, 105, 105, 105], [40, 35, 30, 25, 25, 20, 20])
    review = evaluate_trial(
        entries, baseline_nrs=7, baseline_mme=45, baseline_activity_minutes=45,
        baseline_sleep_hours=6,
    )  # fmt: skip
    assert review.criteria[0].met is True  # pain criterion met …
    assert review.verdict is Verdict.NEEDS_REVIEW  # … but not a success
    assert review.recommendation is Recommendation.CLINICIAN_REVIEW
    reasons = " ".join(review.review_reasons)
    assert "opioid MME per day rose 122.2 %" in reasons and "activity minutes fell" in reasons


def test_pain_relief_with_stable_opioids_and_better_function_is_success() -> None:
    entries = _knee_after_tka([45, 45, 40, 40, 35, 35, 35], [50, 55, 60, 60, 65, 70, 70])
    review = evaluate_trial(
        entries, baseline_nrs=7, baseline_mme=45, baseline_activity_minutes=45,
        baseline_sleep_hours=6,
    )  # fmt: skip
    assert review.verdict is Verdict.SUCCESS and review.review_reasons == ()
    assert review.recommendation is Recommendation.PROCEED_TO_IMPLANT
    by = {c.name: c for c in review.criteria}
    assert by["functional_gain"].met and by["medication_reduction"].met is False
    assert by["sleep_improved"].met is False and not by["sleep_improved"].worse


def test_worse_sleep_withholds_success() -> None:
    # Groin pain after hernia repair: pain halves but the patient sleeps 3 h instead of 6.
    entries = _diary([{"nrs_average": 3, "sleep_hours": 3} for _ in range(5)])
    review = evaluate_trial(entries, baseline_nrs=7, baseline_sleep_hours=6)
    assert review.verdict is Verdict.NEEDS_REVIEW
    assert "sleep hours fell 50.0 %" in review.review_reasons[0]


@pytest.mark.parametrize(
    ("pgic", "improved", "worse"),
    [(1, True, False), (2, True, False), (3, False, False), (4, False, False),
     (5, False, True), (7, False, True)],
)  # fmt: skip
def test_pgic_one_is_very_much_improved_seven_very_much_worse(
    pgic: int, improved: bool, worse: bool
) -> None:
    entries = _diary([{"nrs_average": 3, "pgic": pgic} for _ in range(4)])
    review = evaluate_trial(entries, baseline_nrs=7)
    by = {c.name: c for c in review.criteria}
    assert by["pgic_improved"].met is improved and by["pgic_improved"].worse is worse
    assert review.verdict is (Verdict.NEEDS_REVIEW if worse else Verdict.SUCCESS)
    if pgic == 7:
        assert "very much worse" in by["pgic_improved"].detail


def test_default_maximum_is_the_trial_stimulators_30_days() -> None:
    assert SuccessCriteria.default().max_trial_days == 30


def test_never_recommends_extending_past_the_maximum() -> None:
    # Foot CRPS trial at day 30 with only two usable diary days: no extension.
    start = START
    entries = _diary([{"nrs_average": 4}, {"nrs_average": 4}], start=start + timedelta(28))
    trial = Trial(
        start_date=start, end_date=start + timedelta(29), entries=tuple(entries),
        programming_changes=(ProgrammingChange(date=start),),
    )  # fmt: skip
    review = evaluate_trial(trial, baseline_nrs=8)
    assert review.verdict is Verdict.INSUFFICIENT_DATA and review.trial_days == 30
    assert review.recommendation is Recommendation.CLINICIAN_REVIEW
    assert "do not extend" in review.recommendation_text


def test_partial_response_extension_is_bounded() -> None:
    # Day 10 of a trial, 40 % relief: extension by at most the 20 days left.
    entries = _diary([{"nrs_average": 4.2} for _ in range(10)])
    review = evaluate_trial(entries, baseline_nrs=7)
    assert review.recommendation is Recommendation.EXTEND_TRIAL
    assert "at most 20 days" in review.recommendation_text
    with pytest.raises(ValueError, match="max_trial_days"):
        SuccessCriteria.default().model_validate(
            SuccessCriteria.default().model_dump() | {"max_trial_days": 45}
        )


def test_cli_judges_function_and_sleep(tmp_path: Path) -> None:
    diary = tmp_path / "diary.csv"
    rows = ["date,nrs_average,mme,sleep_hours,activity_minutes,pgic"]
    rows += [f"2026-03-0{i + 1},3,100,6,20,2" for i in range(5)]
    diary.write_text("\n".join(rows) + "\n", encoding="utf-8")
    cmd = [sys.executable, "-c", "from drgstim.cli.main import run; run()", "trial", "evaluate",
           str(diary), "--baseline-nrs", "7", "--baseline-mme", "45",
           "--baseline-activity-minutes", "45", "--baseline-sleep-hours", "6",
           "--json"]  # fmt: skip
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=60, check=False)
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["verdict"] == "needs_review"
    names = {c["name"]: c for c in data["criteria"]}
    assert names["functional_gain"]["worse"] and names["sleep_improved"]["met"] is False
    assert any("activity minutes fell" in r for r in data["review_reasons"])

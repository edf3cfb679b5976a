"""Trial success review: configurable criteria, data completeness and a verdict.

Default primary criterion (``data/clinic/success_criteria.json``): mean average-NRS over the
trial's evaluable days at least 50 % below baseline (ACCURATE, Deer et al. 2017). Pain,
function (activity minutes or steps), sleep, opioid use (MME) and the PGIC (1 = very much
improved … 7 = very much worse) are judged together: a trial that meets the pain criterion
while opioid use, function or sleep clearly worsen, or the patient feels worse, is
``needs_review`` with the reasons, never ``success``. Fewer evaluable days than the
minimum (default 3) gives ``insufficient_data``. No recommendation runs the trial past its
configured maximum (default 30 days, the trial stimulator's labelled wear time). The
review supports a clinician; it never decides alone.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from datetime import date, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from drgstim.clinic._outcomes_data import value
from drgstim.clinic.trial import DiaryEntry, Trial
from drgstim.errors import InputError

__all__ = [
    "DECISIONS",
    "CriterionResult",
    "Flag",
    "Recommendation",
    "SuccessCriteria",
    "TrialReview",
    "Verdict",
    "evaluate_trial",
    "reduction_pct",
]

_FROZEN = ConfigDict(frozen=True, extra="forbid")
_DATA = "success_criteria"
# Reductions are compared after rounding to this many decimals, so that a mean that is
# exactly half the baseline in decimal (7.5 → 3.75) is not lost to binary rounding.
_DECIMALS = 9


class Verdict(StrEnum):
    SUCCESS = "success"
    FAILURE = "failure"
    NEEDS_REVIEW = "needs_review"
    INSUFFICIENT_DATA = "insufficient_data"


class Recommendation(StrEnum):
    PROCEED_TO_IMPLANT = "proceed_to_implant"
    DO_NOT_IMPLANT = "do_not_implant"
    EXTEND_TRIAL = "extend_trial"
    CLINICIAN_REVIEW = "clinician_review"


DECISIONS = (
    Recommendation.PROCEED_TO_IMPLANT,
    Recommendation.DO_NOT_IMPLANT,
    Recommendation.EXTEND_TRIAL,
)
"""What a clinician may decide at the trial review; ``clinician_review`` is the review's
own answer when the diary alone cannot decide, not a decision."""


class SuccessCriteria(BaseModel):
    """Thresholds of a trial review; :meth:`default` reads the cited defaults."""

    model_config = _FROZEN

    name: str = "default"
    primary_reduction_pct: float = Field(gt=0, le=100)
    moderate_reduction_pct: float = Field(gt=0, le=100)
    pgic_max_improved: int = Field(ge=1, le=7, description="1 = very much improved.")
    pgic_min_worse: int = Field(ge=1, le=7, description="7 = very much worse.")
    function_gain_pct: float = Field(gt=0, le=1000)
    function_worsening_pct: float = Field(gt=0, le=100)
    sleep_gain_pct: float = Field(gt=0, le=1000)
    sleep_worsening_pct: float = Field(gt=0, le=100)
    medication_reduction_pct: float = Field(gt=0, le=100)
    opioid_rise_pct: float = Field(gt=0, le=1000)
    min_evaluable_days: int = Field(ge=1, le=30)
    max_trial_days: int = Field(ge=1, le=30, description="The trial stimulator's 30 days.")

    @classmethod
    def default(cls) -> SuccessCriteria:
        return cls(
            name="default",
            primary_reduction_pct=value(_DATA, "primary_reduction_pct"),
            moderate_reduction_pct=value(_DATA, "moderate_reduction_pct"),
            pgic_max_improved=value(_DATA, "pgic_max_improved"),
            pgic_min_worse=value(_DATA, "pgic_min_worse"),
            function_gain_pct=value(_DATA, "function_gain_activity_pct"),
            function_worsening_pct=value(_DATA, "function_worsening_pct"),
            sleep_gain_pct=value(_DATA, "sleep_gain_pct"),
            sleep_worsening_pct=value(_DATA, "sleep_worsening_pct"),
            medication_reduction_pct=value(_DATA, "medication_reduction_pct"),
            opioid_rise_pct=value(_DATA, "opioid_rise_pct"),
            min_evaluable_days=value(_DATA, "min_evaluable_days"),
            max_trial_days=value(_DATA, "max_trial_days"),
        )

    @classmethod
    def named(cls, name: str) -> SuccessCriteria:
        """A named criteria set: ``default`` (≥ 50 %) or ``immpact-moderate`` (≥ 30 %)."""
        base = cls.default()
        if name == "default":
            return base
        if name == "immpact-moderate":
            return base.model_copy(
                update={"name": name, "primary_reduction_pct": base.moderate_reduction_pct}
            )
        raise InputError("criteria", name, "default, immpact-moderate, or a JSON file")

    @classmethod
    def load(cls, spec: str | Path) -> SuccessCriteria:
        """A named set, or a JSON file whose keys override the defaults."""
        path = Path(spec)
        if not str(spec).endswith(".json"):
            return cls.named(str(spec))
        if not path.is_file():
            raise InputError("criteria", str(spec), "an existing JSON file")
        try:
            overrides = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise InputError("criteria", str(spec), "a JSON object", reason=str(exc)) from None
        if not isinstance(overrides, dict):
            raise InputError("criteria", str(spec), "a JSON object of thresholds")
        data = cls.default().model_dump() | {"name": path.stem} | overrides
        return cls.model_validate(data)


class CriterionResult(BaseModel):
    """One criterion: ``met`` is None when the data to judge it are missing."""

    model_config = _FROZEN

    name: str
    met: bool | None
    detail: str
    primary: bool = False
    worse: bool = False
    """A clear worsening that withholds a success verdict."""


class Flag(BaseModel):
    """A data-completeness or plausibility finding the clinician should see."""

    model_config = _FROZEN

    code: str
    message: str
    dates: tuple[date, ...] = ()


class TrialReview(BaseModel):
    """The outcome of :func:`evaluate_trial`; :meth:`to_dict` is the CLI's JSON."""

    model_config = _FROZEN

    verdict: Verdict
    baseline_nrs: float
    trial_mean_nrs: float | None
    reduction_pct: float | None
    threshold_nrs: float = Field(description="The NRS at exactly the primary reduction.")
    evaluable_days: int
    evaluable_dates: tuple[date, ...]
    criteria_name: str
    criteria: tuple[CriterionResult, ...]
    flags: tuple[Flag, ...]
    recommendation: Recommendation
    recommendation_text: str
    review_reasons: tuple[str, ...] = ()
    trial_days: int | None = None
    max_trial_days: int = 30

    def to_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json")


def reduction_pct(*, baseline_nrs: float, mean_nrs: float) -> float:
    """Percent reduction of pain from baseline (positive = less pain)."""
    if not 0 < baseline_nrs <= 10:
        raise InputError("baseline_nrs", baseline_nrs, "above 0 and at most 10")
    return round((baseline_nrs - mean_nrs) / baseline_nrs * 100.0, _DECIMALS)


def _n_days(n: int) -> str:
    return f"{n} day" if n == 1 else f"{n} days"


def _dates(entries: Sequence[DiaryEntry]) -> tuple[date, ...]:
    return tuple(e.date for e in entries)


def _window_flags(
    trial: Trial, entries: list[DiaryEntry], c: SuccessCriteria
) -> tuple[list[DiaryEntry], list[Flag]]:
    """Keep entries inside the trial; flag entries outside, missing days, a long trial."""
    if not entries and trial.end_date is None:
        return entries, []
    start, end = trial.start_date, trial.end_date or max(e.date for e in entries)
    flags: list[Flag] = []
    outside = [e for e in entries if not start <= e.date <= end]
    if outside:
        text = f"{_n_days(len(outside))} outside the trial ({start} to {end}) not evaluated"
        flags.append(Flag(code="outside_trial", message=text, dates=_dates(outside)))
    inside = [e for e in entries if start <= e.date <= end]
    have = {e.date for e in inside}
    days = (end - start).days + 1
    missing = tuple(start + timedelta(d) for d in range(days) if start + timedelta(d) not in have)
    if missing:
        text = f"{_n_days(len(missing))} of {days} trial days have no diary entry"
        flags.append(Flag(code="missing_days", message=text, dates=missing))
    if days > c.max_trial_days:
        text = f"trial lasts {days} days, beyond the {c.max_trial_days}-day trial limit"
        flags.append(Flag(code="long_trial", message=text))
    return inside, flags


def _programming_flags(
    trial: Trial, entries: list[DiaryEntry]
) -> tuple[list[DiaryEntry], list[Flag]]:
    """Drop days before the first programming session (stimulation not yet set up)."""
    first = trial.first_programmed_on
    if first is None:
        text = "no programming session recorded; days counted from the trial start"
        return entries, [Flag(code="no_programming", message=text)]
    before = [e for e in entries if e.date < first]
    if not before:
        return entries, []
    text = f"{_n_days(len(before))} before the first programming ({first}) not evaluated"
    flag = Flag(code="before_programming", message=text, dates=_dates(before))
    return [e for e in entries if e.date >= first], [flag]


def _entry_flags(
    entries: list[DiaryEntry], c: SuccessCriteria
) -> tuple[list[DiaryEntry], list[Flag]]:
    """Drop stimulation-off days; flag implausible entries and too few days."""
    flags: list[Flag] = []
    off = [e for e in entries if not e.stim_on]
    if off:
        text = f"{_n_days(len(off))} with stimulation off not evaluated"
        flags.append(Flag(code="stimulation_off", message=text, dates=_dates(off)))
    usable = [e for e in entries if e.stim_on]
    odd = [e for e in usable if e.nrs_worst is not None and e.nrs_worst < e.nrs_average]
    if odd:
        text = f"{_n_days(len(odd))} report worst pain below average pain; check the diary"
        flags.append(Flag(code="worst_below_average", message=text, dates=_dates(odd)))
    if len(usable) < c.min_evaluable_days:
        text = f"{_n_days(len(usable))} evaluable; a verdict needs at least {c.min_evaluable_days}"
        flags.append(Flag(code="too_few_days", message=text))
    return usable, flags


def _completeness(
    trial: Trial | None, entries: Sequence[DiaryEntry], c: SuccessCriteria
) -> tuple[list[DiaryEntry], list[Flag]]:
    """The evaluable entries, sorted by date, and every flag on the data."""
    usable = sorted(entries, key=lambda e: e.date)
    flags: list[Flag] = []
    if trial is not None:
        usable, found = _window_flags(trial, usable, c)
        flags += found
        usable, found = _programming_flags(trial, usable)
        flags += found
    usable, found = _entry_flags(usable, c)
    return usable, flags + found


def _mean(values: Sequence[float]) -> float | None:
    return math.fsum(values) / len(values) if values else None


def _pct_change(*, baseline: float, value_: float) -> float:
    return round((value_ - baseline) / baseline * 100.0, _DECIMALS)


def _reduction_criterion(
    name: str, *, reduction: float | None, threshold_pct: float, primary: bool
) -> CriterionResult:
    if reduction is None:
        return CriterionResult(name=name, met=None, detail="no evaluable days", primary=primary)
    met = reduction >= threshold_pct
    detail = f"mean NRS reduction {reduction:.1f} % {'≥' if met else '<'} {threshold_pct:g} %"
    return CriterionResult(name=name, met=met, detail=detail, primary=primary)


def _pgic_criterion(entries: Sequence[DiaryEntry], c: SuccessCriteria) -> CriterionResult:
    reported = [e for e in entries if e.pgic is not None]
    if not reported:
        return CriterionResult(name="pgic_improved", met=None, detail="PGIC not reported")
    last = reported[-1]
    score = int(last.pgic or 0)
    met = score <= c.pgic_max_improved
    worse = score >= c.pgic_min_worse
    detail = (
        f"last PGIC {score} ({_PGIC[score]}) on {last.date}; needs ≤ {c.pgic_max_improved} "
        "(1 = very much improved … 7 = very much worse)"
    )
    return CriterionResult(name="pgic_improved", met=met, detail=detail, worse=worse)


_PGIC = {1: "very much improved", 2: "much improved", 3: "minimally improved", 4: "no change",
         5: "minimally worse", 6: "much worse", 7: "very much worse"}  # fmt: skip


def _gain_criterion(
    name: str,
    *,
    values: Sequence[float],
    baseline: float | None,
    threshold_pct: float,
    what: str,
    lower_is_better: bool,
    worse_pct: float | None = None,
) -> CriterionResult:
    trial_mean = _mean(values)
    if baseline is None or trial_mean is None:
        return CriterionResult(name=name, met=None, detail=f"no baseline or trial {what}")
    if baseline == 0:
        return CriterionResult(name=name, met=None, detail=f"baseline {what} is 0; not applicable")
    change = _pct_change(baseline=baseline, value_=trial_mean)
    gain = -change if lower_is_better else change
    met = gain >= threshold_pct
    word = "fell" if change < 0 else "rose"
    worse = worse_pct is not None and -gain >= worse_pct
    detail = (
        f"{what} {word} {abs(change):.1f} % (baseline {baseline:g}, trial mean "
        f"{trial_mean:.1f}; needs a {'fall' if lower_is_better else 'rise'} "
        f"≥ {threshold_pct:g} %)"
    )
    if worse:
        detail += f"; clearly worse (a {'rise' if lower_is_better else 'fall'} ≥ {worse_pct:g} %)"
    return CriterionResult(name=name, met=met, detail=detail, worse=worse)


def _function_criterion(
    entries: Sequence[DiaryEntry],
    c: SuccessCriteria,
    *,
    activity: float | None,
    steps: float | None,
) -> CriterionResult:
    minutes = [e.activity_minutes for e in entries if e.activity_minutes is not None]
    if activity is not None and minutes:
        return _gain_criterion(
            "functional_gain",
            values=minutes,
            baseline=activity,
            threshold_pct=c.function_gain_pct,
            what="activity minutes",
            lower_is_better=False,
            worse_pct=c.function_worsening_pct,
        )
    counts = [float(e.steps) for e in entries if e.steps is not None]
    return _gain_criterion(
        "functional_gain",
        values=counts,
        baseline=steps,
        threshold_pct=c.function_gain_pct,
        what="daily steps",
        lower_is_better=False,
        worse_pct=c.function_worsening_pct,
    )


def _goals_criterion(goals_met: bool | None) -> CriterionResult:
    if goals_met is None:
        return CriterionResult(name="goals_met", met=None, detail="not assessed by the clinician")
    text = "the patient's goals were met" if goals_met else "the patient's goals were not met"
    return CriterionResult(name="goals_met", met=goals_met, detail=text)


def _extension(trial_days: int | None, c: SuccessCriteria) -> int | None:
    """Days the trial may still run within its maximum (None: trial length unknown)."""
    return None if trial_days is None else max(c.max_trial_days - trial_days, 0)


def _recommend(
    verdict: Verdict,
    criteria: Sequence[CriterionResult],
    c: SuccessCriteria,
    trial_days: int | None,
) -> tuple[Recommendation, str]:
    by_name = {r.name: r for r in criteria}
    left = _extension(trial_days, c)
    limit = f"the {c.max_trial_days}-day trial maximum"
    if verdict is Verdict.NEEDS_REVIEW:
        worse = "; ".join(r.detail for r in criteria if r.worse)
        return (
            Recommendation.CLINICIAN_REVIEW,
            f"Pain criterion met but not a success while something clearly worsened ({worse}): "
            "review with the patient before any implant decision.",
        )
    if verdict is Verdict.INSUFFICIENT_DATA:
        if left == 0:
            return (
                Recommendation.CLINICIAN_REVIEW,
                f"Too few evaluable diary days and the trial has reached {limit}: do not "
                "extend; remove the trial leads and decide on the data there are.",
            )
        within = "" if left is None else f" by at most {_n_days(left)} (within {limit})"
        return (
            Recommendation.EXTEND_TRIAL,
            f"Too few evaluable diary days: extend the trial{within} and keep the diary daily "
            "before deciding.",
        )
    if verdict is Verdict.SUCCESS:
        text = "Trial successful: discuss permanent implant if the patient wishes."
        if by_name["goals_met"].met is False:
            text += " Note the patient's goals were not met; weigh this before implant."
        return Recommendation.PROCEED_TO_IMPLANT, text
    if by_name["moderate_nrs_reduction"].met or by_name["pgic_improved"].met:
        if left == 0:
            return (
                Recommendation.CLINICIAN_REVIEW,
                f"Below the success threshold with a partial response, and the trial has "
                f"reached {limit}: do not extend; decide with the patient.",
            )
        within = "" if left is None else f" by at most {_n_days(left)} (within {limit})"
        return (
            Recommendation.EXTEND_TRIAL,
            "Below the success threshold but a partial response: consider reprogramming "
            f"and extending the trial{within}.",
        )
    return (
        Recommendation.DO_NOT_IMPLANT,
        "Trial not successful: permanent implant is not recommended; review other options.",
    )


def _criteria(
    usable: Sequence[DiaryEntry],
    red: float | None,
    c: SuccessCriteria,
    baseline_mme: float | None,
    baseline_activity_minutes: float | None,
    baseline_steps: float | None,
    goals_met: bool | None,
    baseline_sleep_hours: float | None = None,
) -> tuple[CriterionResult, ...]:
    """Every criterion, the primary first."""
    return (
        _reduction_criterion(
            "primary_nrs_reduction",
            reduction=red,
            threshold_pct=c.primary_reduction_pct,
            primary=True,
        ),
        _reduction_criterion(
            "moderate_nrs_reduction",
            reduction=red,
            threshold_pct=c.moderate_reduction_pct,
            primary=False,
        ),
        _pgic_criterion(usable, c),
        _function_criterion(usable, c, activity=baseline_activity_minutes, steps=baseline_steps),
        _gain_criterion(
            "medication_reduction",
            values=[e.mme for e in usable if e.mme is not None],
            baseline=baseline_mme,
            threshold_pct=c.medication_reduction_pct,
            what="opioid MME per day",
            lower_is_better=True,
            worse_pct=c.opioid_rise_pct,
        ),
        _gain_criterion(
            "sleep_improved",
            values=[e.sleep_hours for e in usable if e.sleep_hours is not None],
            baseline=baseline_sleep_hours,
            threshold_pct=c.sleep_gain_pct,
            what="sleep hours",
            lower_is_better=False,
            worse_pct=c.sleep_worsening_pct,
        ),
        _goals_criterion(goals_met),
    )


def evaluate_trial(
    trial_or_entries: Trial | Sequence[DiaryEntry],
    *,
    baseline_nrs: float,
    criteria: SuccessCriteria | None = None,
    baseline_mme: float | None = None,
    baseline_activity_minutes: float | None = None,
    baseline_steps: float | None = None,
    goals_met: bool | None = None,
    baseline_sleep_hours: float | None = None,
) -> TrialReview:
    """Review a trial (or bare diary entries) against baseline and the criteria.

    Baselines of opioid use, activity, steps and sleep come from the assessment; when one
    is absent, the first evaluable diary day stands in for it (so a rise during the trial
    is still seen)."""
    c = criteria or SuccessCriteria.default()
    if isinstance(baseline_nrs, bool) or not 0 < baseline_nrs <= 10:
        raise InputError("baseline_nrs", baseline_nrs, "above 0 and at most 10 (NRS)")
    for name, given in (
        ("baseline_mme", baseline_mme),
        ("baseline_activity_minutes", baseline_activity_minutes),
        ("baseline_steps", baseline_steps),
    ):
        # NaN fails every comparison, so "not 0 <= given" also refuses it.
        if given is not None and (isinstance(given, bool) or not 0 <= given < math.inf):
            raise InputError(name, given, "a finite number ≥ 0")
    trial = trial_or_entries if isinstance(trial_or_entries, Trial) else None
    entries: list[DiaryEntry] = list(
        trial.entries if trial is not None else trial_or_entries  # type: ignore[arg-type]
    )
    usable, flags = _completeness(trial, entries, c)
    mean = _mean([e.nrs_average for e in usable])
    red = None if mean is None else reduction_pct(baseline_nrs=baseline_nrs, mean_nrs=mean)
    first = usable[0] if usable else None
    results = _criteria(
        usable,
        red,
        c,
        _or_first(baseline_mme, first, "mme"),
        _or_first(baseline_activity_minutes, first, "activity_minutes"),
        _or_first(baseline_steps, first, "steps"),
        goals_met,
        _or_first(baseline_sleep_hours, first, "sleep_hours"),
    )
    reasons = tuple(r.detail for r in results if r.worse)
    if len(usable) < c.min_evaluable_days:
        verdict = Verdict.INSUFFICIENT_DATA
    elif results[0].met:
        verdict = Verdict.NEEDS_REVIEW if reasons else Verdict.SUCCESS
    else:
        verdict = Verdict.FAILURE
    trial_days = _trial_days(trial, entries)
    rec, text = _recommend(verdict, results, c, trial_days)
    return TrialReview(
        verdict=verdict,
        baseline_nrs=baseline_nrs,
        trial_mean_nrs=None if mean is None else round(mean, _DECIMALS),
        reduction_pct=red,
        threshold_nrs=round(baseline_nrs * (1 - c.primary_reduction_pct / 100.0), _DECIMALS),
        evaluable_days=len(usable),
        evaluable_dates=tuple(e.date for e in usable),
        criteria_name=c.name,
        criteria=results,
        flags=tuple(flags),
        recommendation=rec,
        recommendation_text=text,
        review_reasons=reasons,
        trial_days=trial_days,
        max_trial_days=c.max_trial_days,
    )


def _or_first(baseline: float | None, first: DiaryEntry | None, field: str) -> float | None:
    if baseline is not None or first is None:
        return baseline
    found = getattr(first, field)
    return None if found is None else float(found)


def _trial_days(trial: Trial | None, entries: Sequence[DiaryEntry]) -> int | None:
    """Days the trial has run (start to end, or to the last diary day)."""
    if trial is None:
        if not entries:
            return None
        days = [e.date for e in entries]
        return (max(days) - min(days)).days + 1
    end = trial.end_date or max((e.date for e in trial.entries), default=trial.start_date)
    return (end - trial.start_date).days + 1

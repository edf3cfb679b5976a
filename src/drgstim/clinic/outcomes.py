"""Permanent implant, follow-up visits, programming sessions and responder status.

Outcome visits are scheduled at 1, 3, 6 and 12 months after implant, then yearly
(``data/clinic/visit_schedule.json``: ACCURATE's visit months, then yearly). A visit is a
responder when its average NRS is at least 50 % below the pre-trial baseline (the
definition of the ACCURATE trial and the pooled 12-month analysis).
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Sequence
from datetime import date
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from drgstim.clinic._outcomes_data import value
from drgstim.clinic.assessment import Assessment, OutcomeScores
from drgstim.clinic.complications import Complication
from drgstim.clinic.review import TrialReview, reduction_pct
from drgstim.clinic.trial import Trial
from drgstim.errors import InputError

__all__ = [
    "ConditionRecord",
    "Demographics",
    "DeviceInfo",
    "FollowUpVisit",
    "ImplantProcedure",
    "ImplantedLead",
    "PatientRecord",
    "ProcedureKind",
    "ProgrammingSession",
    "ResponderPoint",
    "TrialRecord",
    "add_months",
    "missed_visits",
    "responder_status",
    "visit_schedule",
    "visit_window",
]

_FROZEN = ConfigDict(frozen=True, extra="forbid")
_SCHEDULE = "visit_schedule"
# Device labelling (Axium clinician manual: up to 4 leads, spine locations T10-S2): more
# leads, or leads above T10, were not evaluated; the system warns but a clinician may
# record them.
_LABELLED_MAX_LEADS = 4
_ABOVE_T10 = {f"T{n}" for n in range(1, 10)}


class ProcedureKind(StrEnum):
    TRIAL = "trial"
    IMPLANT = "implant"
    REVISION = "revision"
    EXPLANT = "explant"


class ImplantedLead(BaseModel):
    model_config = _FROZEN

    level: str = Field(pattern=r"^(T([1-9]|1[0-2])|L[1-5]|S[1-3])$")
    side: str = Field(pattern=r"^(left|right)$")
    model: str = Field(default="", max_length=64)
    serial: str = Field(default="", max_length=64)


class ImplantProcedure(BaseModel):
    """A permanent implant (or revision / explant) with its leads and generator."""

    model_config = _FROZEN

    performed_on: date
    kind: ProcedureKind = ProcedureKind.IMPLANT
    leads: tuple[ImplantedLead, ...] = Field(default=(), max_length=8)
    generator_model: str = Field(default="", max_length=64)
    generator_serial: str = Field(default="", max_length=64)
    udi: str = Field(default="", max_length=256, description="Unique device identifier.")
    notes: str = Field(default="", max_length=5000)

    @property
    def warnings(self) -> tuple[str, ...]:
        """Outside the device's labelling: recorded, but the clinician is told."""
        out = []
        if len(self.leads) > _LABELLED_MAX_LEADS:
            out.append(f"{len(self.leads)} leads: more than 4 were not evaluated")
        high = sorted({lead.level for lead in self.leads} & _ABOVE_T10)
        if high:
            out.append(f"leads above T10 ({', '.join(high)}) were not evaluated")
        return tuple(out)

    def to_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json")


class ProgrammingSession(BaseModel):
    """A follow-up programming session, linked to entries of the device's event log."""

    model_config = _FROZEN

    date: date
    description: str = Field(default="", max_length=2000)
    device_event_ids: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json")


class FollowUpVisit(BaseModel):
    """An outcome visit with the same measures as the assessment."""

    model_config = _FROZEN

    visit_on: date
    month: int = Field(
        ge=0, le=600, strict=True, description="Scheduled month since implant (an integer)."
    )
    scores: OutcomeScores = Field(default_factory=OutcomeScores)
    notes: str = Field(default="", max_length=5000)

    def to_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json")


class ResponderPoint(BaseModel):
    """Responder status at one visit; ``responder`` is None without an NRS."""

    model_config = _FROZEN

    month: int
    visit_on: date
    nrs_average: float | None
    reduction_pct: float | None
    responder: bool | None
    odi_change_points: float | None = None


def add_months(day: date, months: int) -> date:
    """The same day ``months`` calendar months later (clamped to the month's end)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def visit_schedule(*, implanted_on: date, years: int = 5) -> list[tuple[int, date]]:
    """Scheduled outcome visits as (month, due date), through ``years`` after implant."""
    if not 1 <= years <= 50:
        raise InputError("years", years, "1–50")
    months: list[int] = list(value(_SCHEDULE, "months"))
    step: int = value(_SCHEDULE, "then_every_months")
    while months[-1] + step <= years * 12:
        months.append(months[-1] + step)
    return [(m, add_months(implanted_on, m)) for m in months if m <= years * 12]


def visit_window(*, implanted_on: date, month: int) -> tuple[date, date]:
    """The dates a visit may fall on to count as the ``month`` visit after the implant:
    the month's due date ± the schedule's window fraction of its days (at least 14 days)."""
    from datetime import timedelta

    due = add_months(implanted_on, month)
    fraction: float = value(_SCHEDULE, "window_fraction")
    slack = timedelta(days=max(14, round(fraction * (due - implanted_on).days)))
    return max(implanted_on, due - slack), due + slack


def responder_status(
    visits: Iterable[FollowUpVisit],
    *,
    baseline_nrs: float,
    baseline_odi_pct: float | None = None,
) -> list[ResponderPoint]:
    """Responder status over time, one point per visit in date order."""
    threshold: float = value(_SCHEDULE, "responder_reduction_pct")
    points = []
    for visit in sorted(visits, key=lambda v: v.visit_on):
        nrs = visit.scores.nrs.average
        red = None if nrs is None else reduction_pct(baseline_nrs=baseline_nrs, mean_nrs=nrs)
        odi = visit.scores.odi_pct
        odi_change = None if odi is None or baseline_odi_pct is None else odi - baseline_odi_pct
        points.append(
            ResponderPoint(
                month=visit.month,
                visit_on=visit.visit_on,
                nrs_average=nrs,
                reduction_pct=red,
                responder=None if red is None else red >= threshold,
                odi_change_points=odi_change,
            )
        )
    return points


def missed_visits(
    visits: Sequence[FollowUpVisit], *, implanted_on: date, today: date
) -> list[tuple[int, date]]:
    """Scheduled visits already due by ``today`` for which no visit was recorded."""
    done = {v.month for v in visits}
    years = max(1, (today - implanted_on).days // 365 + 1)
    return [
        (m, due)
        for m, due in visit_schedule(implanted_on=implanted_on, years=years)
        if due <= today and m not in done
    ]


class Demographics(BaseModel):
    """Who the record belongs to (FHIR Patient)."""

    model_config = _FROZEN

    patient_id: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9\-.]+$")
    family_name: str = Field(default="", max_length=128)
    given_names: tuple[str, ...] = ()
    birth_date: date | None = None
    sex: str = Field(default="unknown", pattern=r"^(male|female|other|unknown)$")


class ConditionRecord(BaseModel):
    """A diagnosis, e.g. CRPS I of the lower limb (ICD-10-CM G90.52x)."""

    model_config = _FROZEN

    code: str = Field(min_length=1, max_length=32)
    system: str = Field(default="http://hl7.org/fhir/sid/icd-10-cm", max_length=256)
    display: str = Field(default="", max_length=256)
    onset_date: date | None = None
    body_site: str = Field(default="", max_length=128)


class DeviceInfo(BaseModel):
    """The implanted generator and its current program, as plain data."""

    model_config = _FROZEN

    generator_model: str = Field(default="", max_length=64)
    generator_serial: str = Field(default="", max_length=64)
    udi: str = Field(default="", max_length=256)
    program: dict[str, Any] = Field(default_factory=dict)


class TrialRecord(BaseModel):
    """A trial with the baseline it was judged against and its review."""

    model_config = _FROZEN

    trial: Trial
    baseline_nrs: float = Field(gt=0, le=10)
    review: TrialReview | None = None


class PatientRecord(BaseModel):
    """A patient's whole DRG record: what the FHIR bundle and the reports carry."""

    model_config = _FROZEN

    patient: Demographics
    conditions: tuple[ConditionRecord, ...] = ()
    assessments: tuple[Assessment, ...] = ()
    trials: tuple[TrialRecord, ...] = ()
    procedures: tuple[ImplantProcedure, ...] = ()
    follow_ups: tuple[FollowUpVisit, ...] = ()
    programming_sessions: tuple[ProgrammingSession, ...] = ()
    complications: tuple[Complication, ...] = ()
    device: DeviceInfo | None = None

    @property
    def implant(self) -> ImplantProcedure | None:
        """The first permanent implant, if any."""
        return next((p for p in self.procedures if p.kind is ProcedureKind.IMPLANT), None)

    @property
    def baseline_nrs(self) -> float | None:
        """Baseline average NRS: the last trial's, else the first assessment's."""
        if self.trials:
            return self.trials[-1].baseline_nrs
        return next((a.baseline_nrs for a in self.assessments if a.baseline_nrs), None)

    def to_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json")

"""Clinic commands: ``trial evaluate`` and the ``report`` group.

Only Typer and the standard library are imported at module top; the clinic layer (pydantic,
matplotlib, reportlab) is imported inside each command so ``drgstim --help`` stays fast.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import typer

from drgstim.cli.common import (
    check_output_folder,
    emit_json,
    fail,
    format_validation_error,
    write_output,
)

__all__ = ["register"]

trial_app = typer.Typer(help="Trial diary review.", no_args_is_help=True)
report_app = typer.Typer(help="Patient and referrer reports (HTML or PDF).", no_args_is_help=True)

_CSV_HELP = "Diary CSV: header with date,nrs_average and optional nrs_worst, relief_pct, mme, "
_CSV_HELP += "sleep_hours, activity_minutes, steps, pgic, stim_on, notes."


@contextmanager
def _user_errors() -> Iterator[None]:
    """Exit 2 with a message for an InputError or pydantic ValidationError."""
    from pydantic import ValidationError

    from drgstim.errors import InputError

    try:
        yield
    except InputError as exc:
        fail(str(exc))
    except ValidationError as exc:
        inner = [e.get("ctx", {}).get("error") for e in exc.errors()]
        mine = [str(e) for e in inner if isinstance(e, InputError)]
        fail("; ".join(mine) if mine else format_validation_error(exc))


_DETAILS_HELP = (
    "JSON of the report's clinical details: patient (name, id, birth date), clinician, "
    "clinic, referring clinician, diagnosis (ICD-10-CM), leads, program, adverse events, "
    "baseline/end scores, goals, decision, plan (see docs/clinical.md)."
)
_START_HELP = "Trial start date (YYYY-MM-DD): enables the missing-day and long-trial checks."
_PROG_HELP = "Date of the first programming: earlier diary days are not evaluated."


def _trial_or_entries(
    entries: list[Any], start: str | None, end: str | None, programmed: str | None
) -> Any:
    """A Trial when dates were given (so completeness rules apply), else the entries."""
    from drgstim.clinic.trial import ProgrammingChange, Trial

    if start is None and end is None and programmed is None:
        return entries
    first = start or (min(e.date for e in entries).isoformat() if entries else None)
    if first is None:
        fail("start_date is needed when the diary is empty")
    changes = (ProgrammingChange(date=programmed),) if programmed else ()
    return Trial(
        start_date=first,
        end_date=end,
        entries=tuple(entries),
        programming_changes=changes,
    )


def _existing(path: Path, what: str) -> Path:
    if not path.is_file():
        fail(f"{what} {str(path)!r} is not an existing file")
    return path


@trial_app.command("evaluate")
def trial_evaluate(
    diary: Path = typer.Argument(..., help=_CSV_HELP),
    baseline_nrs: float = typer.Option(..., "--baseline-nrs", help="Baseline average NRS 0–10."),
    criteria: str = typer.Option(
        "default", "--criteria", help="default, immpact-moderate, or a JSON file of thresholds."
    ),
    baseline_mme: float | None = typer.Option(None, "--baseline-mme", help="Baseline MME/day."),
    baseline_activity: float | None = typer.Option(
        None, "--baseline-activity-minutes", help="Baseline active minutes per day (function)."
    ),
    baseline_steps: float | None = typer.Option(
        None, "--baseline-steps", help="Baseline steps per day (function)."
    ),
    baseline_sleep: float | None = typer.Option(
        None, "--baseline-sleep-hours", help="Baseline sleep hours per night."
    ),
    start_date: str | None = typer.Option(None, "--start-date", help=_START_HELP),
    end_date: str | None = typer.Option(None, "--end-date", help="Trial end date (YYYY-MM-DD)."),
    programmed_on: str | None = typer.Option(None, "--programmed-on", help=_PROG_HELP),
    goals_met: bool | None = typer.Option(
        None, "--goals-met/--goals-not-met", help="Clinician's judgement of the goals."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
) -> None:
    """Review a trial diary against baseline: verdict, criteria, flags, recommendation."""
    from drgstim.clinic.review import SuccessCriteria, evaluate_trial
    from drgstim.clinic.trial import read_diary_csv

    with _user_errors():
        entries = read_diary_csv(_existing(diary, "diary"))
        trial = _trial_or_entries(entries, start_date, end_date, programmed_on)
        review = evaluate_trial(
            trial,
            baseline_nrs=baseline_nrs,
            criteria=SuccessCriteria.load(criteria),
            baseline_mme=baseline_mme,
            baseline_activity_minutes=baseline_activity,
            baseline_steps=baseline_steps,
            baseline_sleep_hours=baseline_sleep,
            goals_met=goals_met,
        )
    if as_json:
        emit_json(review.to_dict())
        return
    mean = "n/a" if review.trial_mean_nrs is None else f"{review.trial_mean_nrs:.2f}"
    red = "n/a" if review.reduction_pct is None else f"{review.reduction_pct:.1f} %"
    typer.echo(f"verdict: {review.verdict}  ({review.evaluable_days} evaluable days)")
    typer.echo(f"baseline NRS {review.baseline_nrs:g}, trial mean {mean}, reduction {red}")
    for c in review.criteria:
        mark = {True: "met", False: "not met", None: "n/a"}[c.met]
        typer.echo(f"  {c.name}: {mark} — {c.detail}")
    for flag in review.flags:
        typer.echo(f"  flag {flag.code}: {flag.message}")
    for reason in review.review_reasons:
        typer.echo(f"  needs review: {reason}")
    typer.echo(f"recommendation: {review.recommendation_text}")


def _format(out: Path, fmt: str | None) -> str:
    check_output_folder(out)
    chosen = fmt or out.suffix.lstrip(".").lower()
    if chosen not in ("html", "pdf"):
        fail(f"format {chosen!r} is not allowed; allowed: html, pdf (or an .html/.pdf --out)")
    return chosen


@report_app.command("trial")
def report_trial(
    diary: Path = typer.Argument(..., help=_CSV_HELP),
    baseline_nrs: float = typer.Option(..., "--baseline-nrs", help="Baseline average NRS 0–10."),
    out: Path = typer.Option(..., "--out", "-o", help="Output file (.html or .pdf)."),
    fmt: str | None = typer.Option(None, "--format", help="html or pdf (default: from --out)."),
    patient: str = typer.Option("", "--patient", help="Patient name or id shown on the report."),
    criteria: str = typer.Option("default", "--criteria", help="Criteria name or JSON file."),
    baseline_mme: float | None = typer.Option(None, "--baseline-mme", help="Baseline MME/day."),
    baseline_activity: float | None = typer.Option(
        None, "--baseline-activity-minutes", help="Baseline active minutes per day (function)."
    ),
    baseline_steps: float | None = typer.Option(
        None, "--baseline-steps", help="Baseline steps per day (function)."
    ),
    baseline_sleep: float | None = typer.Option(
        None, "--baseline-sleep-hours", help="Baseline sleep hours per night."
    ),
    start_date: str | None = typer.Option(None, "--start-date", help=_START_HELP),
    end_date: str | None = typer.Option(None, "--end-date", help="Trial end date (YYYY-MM-DD)."),
    programmed_on: str | None = typer.Option(None, "--programmed-on", help=_PROG_HELP),
    details: Path | None = typer.Option(None, "--details", help=_DETAILS_HELP),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
) -> None:
    """Write the trial report (summary, charts, verdict, criteria and the payer sections)."""
    from drgstim.clinic.reports import ReportDetails, render_trial_report
    from drgstim.clinic.review import SuccessCriteria, evaluate_trial
    from drgstim.clinic.trial import read_diary_csv

    kind = _format(out, fmt)
    with _user_errors():
        entries = read_diary_csv(_existing(diary, "diary"))
        trial = _trial_or_entries(entries, start_date, end_date, programmed_on)
        review = evaluate_trial(
            trial,
            baseline_nrs=baseline_nrs,
            criteria=SuccessCriteria.load(criteria),
            baseline_mme=baseline_mme,
            baseline_activity_minutes=baseline_activity,
            baseline_steps=baseline_steps,
            baseline_sleep_hours=baseline_sleep,
        )
        extra = None
        if details is not None:
            extra = ReportDetails.model_validate_json(_existing(details, "details").read_text())
    data = render_trial_report(trial, review, patient=patient, fmt=kind, details=extra)
    write_output(out, data)
    result = {"path": str(out), "format": kind, "bytes": len(data), "verdict": review.verdict}
    emit_json(result) if as_json else typer.echo(f"wrote {out} ({kind}, {len(data)} bytes)")


@report_app.command("followup")
def report_followup(
    record: Path = typer.Argument(..., help="Patient record JSON (PatientRecord) or FHIR Bundle."),
    out: Path = typer.Option(..., "--out", "-o", help="Output file (.html or .pdf)."),
    fmt: str | None = typer.Option(None, "--format", help="html or pdf (default: from --out)."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
) -> None:
    """Write the follow-up report (outcomes over time, responder status, complications)."""
    from drgstim.clinic.fhir import load_record
    from drgstim.clinic.reports import render_followup_report

    kind = _format(out, fmt)
    with _user_errors():
        patient_record = load_record(_existing(record, "record"))
    data = render_followup_report(patient_record, fmt=kind)
    write_output(out, data)
    result = {"path": str(out), "format": kind, "bytes": len(data)}
    emit_json(result) if as_json else typer.echo(f"wrote {out} ({kind}, {len(data)} bytes)")


def register(app: typer.Typer) -> None:
    """Add the ``trial`` and ``report`` groups to the top-level app."""
    app.add_typer(trial_app, name="trial")
    app.add_typer(report_app, name="report")

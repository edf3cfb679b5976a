"""Trial and follow-up reports for the patient and the referrer, as HTML or PDF."""

from __future__ import annotations

from collections.abc import Sequence

from drgstim.clinic.outcomes import PatientRecord
from drgstim.clinic.reports.charts import (
    followup_chart,
    trend_rows,
    trial_nrs_chart,
    trial_trends_chart,
)
from drgstim.clinic.reports.details import ReportDetails, payer_sections
from drgstim.clinic.reports.text import followup_context, trial_context
from drgstim.clinic.review import TrialReview
from drgstim.clinic.trial import DiaryEntry, Trial
from drgstim.errors import InputError

__all__ = ["ReportDetails", "render_followup_report", "render_trial_report"]

_FORMATS = ("html", "pdf")


def _check_format(fmt: str) -> None:
    if fmt not in _FORMATS:
        raise InputError("fmt", fmt, ", ".join(_FORMATS))


def render_trial_report(
    trial_or_entries: Trial | Sequence[DiaryEntry],
    review: TrialReview,
    *,
    patient: str = "",
    fmt: str = "html",
    details: ReportDetails | None = None,
) -> bytes:
    """The trial report: plain summary, NRS chart vs baseline and 50 % line, criteria,
    diary trends (worst pain, sleep, activity, steps, opioid MME) and the payer sections
    (patient and date of birth, care team and referrer, ICD-10-CM diagnosis, trial dates,
    leads and program, adverse events, baseline vs end scores, goals, decision, plan,
    signature). HTML and PDF render the same context."""
    _check_format(fmt)
    trial = trial_or_entries if isinstance(trial_or_entries, Trial) else None
    entries: list[DiaryEntry] = list(
        trial.entries if trial is not None else trial_or_entries  # type: ignore[arg-type]
    )
    if details is not None and not patient:
        patient = details.patient_name
    ctx = trial_context(review, patient=patient)
    ctx["sections"] = payer_sections(details, review, trial=trial)
    ctx["trend_rows"] = trend_rows(entries)
    if fmt == "html":  # markup written directly: a millisecond instead of Matplotlib's 0.5 s
        from drgstim.clinic.reports.html import render_html
        from drgstim.clinic.reports.svg import trial_nrs_svg, trial_trends_svg

        chart, trends = trial_nrs_svg(entries, review), trial_trends_svg(entries)
        return render_html("trial.html.j2", ctx, chart_svg=chart, trends_svg=trends)
    from drgstim.clinic.reports.pdf import render_pdf

    trends = trial_trends_chart(entries, fmt="png")
    chart = trial_nrs_chart(entries, review, fmt="png")
    return render_pdf("trial", ctx, chart_png=chart, trends_png=trends)


_FOLLOWUP_SECTIONS = ("Patient and care team", "Diagnosis (ICD-10-CM)", "Decision and plan",
                      "Signature")  # fmt: skip


def render_followup_report(
    record: PatientRecord, *, fmt: str = "html", details: ReportDetails | None = None
) -> bytes:
    """The follow-up report: outcomes over time, responder status, complications, and the
    care-team, diagnosis, decision/plan and signature sections (HTML and PDF alike)."""
    _check_format(fmt)
    ctx = followup_context(record)
    base = details or ReportDetails()
    if not base.patient_name and not base.birth_date:
        p = record.patient
        name = " ".join((*p.given_names, p.family_name)).strip()
        base = base.model_copy(update={"patient_name": name, "patient_id": p.patient_id,
                                       "birth_date": p.birth_date})  # fmt: skip
    sections = payer_sections(base, None)
    ctx["sections"] = [x for x in sections if x["title"] in _FOLLOWUP_SECTIONS]
    chart = None
    if ctx["points"]:
        visits = sorted(record.follow_ups, key=lambda v: v.visit_on)
        odi = [(v.month, v.scores.odi_pct) for v in visits if v.scores.odi_pct is not None]
        chart = followup_chart(
            ctx["points"],
            baseline_nrs=ctx["baseline"],
            threshold_nrs=ctx["threshold"],
            odi=odi,
            fmt="svg" if fmt == "html" else "png",
        )
    if fmt == "html":
        from drgstim.clinic.reports.html import render_html

        return render_html("followup.html.j2", ctx, chart_svg=chart)
    from drgstim.clinic.reports.pdf import render_pdf

    return render_pdf("followup", ctx, chart_png=chart)

"""Trial and follow-up reports for the patient and the referrer, as HTML or PDF."""

from __future__ import annotations

from collections.abc import Sequence

from drgstim.clinic.outcomes import PatientRecord
from drgstim.clinic.reports.charts import followup_chart, trial_nrs_chart
from drgstim.clinic.reports.text import followup_context, trial_context
from drgstim.clinic.review import TrialReview
from drgstim.clinic.trial import DiaryEntry, Trial
from drgstim.errors import InputError

__all__ = ["render_followup_report", "render_trial_report"]

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
) -> bytes:
    """The trial report: plain summary, NRS chart vs baseline and 50 % line, criteria."""
    _check_format(fmt)
    entries = list(
        trial_or_entries.entries if isinstance(trial_or_entries, Trial) else trial_or_entries
    )
    ctx = trial_context(review, patient=patient)
    if fmt == "html":
        from drgstim.clinic.reports.html import render_html

        return render_html(
            "trial.html.j2", ctx, chart_svg=trial_nrs_chart(entries, review, fmt="svg")
        )
    from drgstim.clinic.reports.pdf import render_pdf

    return render_pdf("trial", ctx, chart_png=trial_nrs_chart(entries, review, fmt="png"))


def render_followup_report(record: PatientRecord, *, fmt: str = "html") -> bytes:
    """The follow-up report: outcomes over time, responder status, complications."""
    _check_format(fmt)
    ctx = followup_context(record)
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

"""Report charts drawn with Matplotlib's object API (Agg canvas per figure, no pyplot state).

Each function returns the image bytes: SVG for HTML reports, PNG for PDF reports.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from drgstim.clinic.outcomes import ResponderPoint
from drgstim.clinic.review import TrialReview
from drgstim.clinic.trial import DiaryEntry

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["TRENDS", "followup_chart", "trend_rows", "trial_nrs_chart", "trial_trends_chart"]

_BLUE, _GREY, _GREEN, _RED = "#1f5fa8", "#7a7a7a", "#2e7d32", "#b23b3b"


def _figure(width_in: float = 7.0, height_in: float = 3.2) -> Figure:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width_in, height_in), dpi=100, layout="constrained")
    FigureCanvasAgg(fig)  # the Agg canvas is set on this figure only: no global backend switch
    return fig


def _save(fig: Figure, fmt: str) -> bytes:
    """SVG for the browser; PNG at 200 dpi so the printed PDF stays sharp at A4 width."""
    if fmt not in ("svg", "png"):
        raise ValueError(f"chart format {fmt!r}; allowed: svg, png")
    buf = io.BytesIO()
    metadata = {"Date": None} if fmt == "svg" else {}
    fig.savefig(buf, format=fmt, dpi=200 if fmt == "png" else 100, metadata=metadata)
    return buf.getvalue()


# Diary trends on the trial report: (field, title, y label); each panel prints in grey
# scale too (markers and line styles differ, not only colours).
TRENDS = (
    ("nrs_worst", "Worst pain", "NRS 0-10"),
    ("sleep_hours", "Sleep", "hours"),
    ("activity_minutes", "Activity", "minutes"),
    ("steps", "Steps", "steps/day"),
    ("mme", "Opioid use", "MME/day"),
)


def trend_rows(entries: Sequence[DiaryEntry]) -> list[list[str]]:
    """Per trend: first diary value, last, and the trial mean (the table beside the chart)."""
    days = sorted(entries, key=lambda e: e.date)
    rows = []
    for name, title, unit in TRENDS:
        values = [float(getattr(e, name)) for e in days if getattr(e, name) is not None]
        if values:
            mean = sum(values) / len(values)
            rows.append([f"{title} ({unit})", f"{values[0]:g}", f"{values[-1]:g}", f"{mean:.1f}"])
        else:
            rows.append([f"{title} ({unit})", "not recorded", "not recorded", "not recorded"])
    return rows


def trial_trends_chart(entries: Sequence[DiaryEntry], *, fmt: str = "svg") -> bytes:
    """Worst pain, sleep, activity, steps and opioid MME per diary day, one panel each; a
    panel without data says so."""
    from matplotlib.dates import DateFormatter, date2num

    fig = _figure(width_in=7.0, height_in=6.4)
    days = sorted(entries, key=lambda e: e.date)
    axes = fig.subplots(len(TRENDS), 1, sharex=True)
    markers = ("o", "s", "^", "D", "v")
    for ax, (name, title, unit), marker in zip(axes, TRENDS, markers, strict=True):
        have = [e for e in days if getattr(e, name) is not None]
        if have:
            x = date2num([e.date for e in have])  # type: ignore[no-untyped-call]
            ax.plot(x, [float(getattr(e, name)) for e in have], marker=marker, color=_BLUE,
                    lw=1.2, ms=4)  # fmt: skip
        else:
            ax.text(0.5, 0.5, "not recorded", transform=ax.transAxes, ha="center",
                    va="center", color=_GREY, fontsize=9)  # fmt: skip
        ax.set_ylabel(unit, fontsize=8)
        ax.set_title(title, fontsize=9, loc="left")
        ax.tick_params(labelsize=8)
        ax.grid(True, color="#dddddd", lw=0.5)
    axes[-1].xaxis.set_major_formatter(DateFormatter("%d %b"))  # type: ignore[no-untyped-call]
    return _save(fig, fmt)


def trial_nrs_chart(
    entries: Sequence[DiaryEntry], review: TrialReview, *, fmt: str = "svg"
) -> bytes:
    """Daily average NRS over the trial, with the baseline and the success line."""
    fig = _figure()
    ax = fig.add_subplot()
    from matplotlib.dates import DateFormatter, date2num

    used = set(review.evaluable_dates)
    days = sorted(entries, key=lambda e: e.date)

    def x(items: Sequence[DiaryEntry]) -> Any:
        return date2num([e.date for e in items])  # type: ignore[no-untyped-call]

    ax.plot(x(days), [e.nrs_average for e in days], color=_BLUE, lw=1, alpha=0.5)
    ev = [e for e in days if e.date in used]
    other = [e for e in days if e.date not in used]
    ax.plot(
        x(ev),
        [e.nrs_average for e in ev],
        "o",
        color=_BLUE,
        label="daily average pain",
    )
    if other:
        ax.plot(
            x(other),
            [e.nrs_average for e in other],
            "o",
            mfc="white",
            color=_GREY,
            label="not evaluated",
        )
    ax.axhline(
        review.baseline_nrs, color=_RED, ls="--", label=f"before trial {review.baseline_nrs:g}"
    )
    ax.axhline(
        review.threshold_nrs,
        color=_GREEN,
        ls=":",
        lw=2,
        label=f"success line {review.threshold_nrs:g}",
    )
    if review.trial_mean_nrs is not None:
        ax.axhline(
            review.trial_mean_nrs,
            color=_BLUE,
            lw=0.8,
            label=f"trial mean {review.trial_mean_nrs:.1f}",
        )
    ax.set_ylim(0, 10)
    ax.set_ylabel("pain (0 = none, 10 = worst)")
    ax.set_title("Pain during the trial")
    ax.legend(loc="upper right", fontsize=8, framealpha=0.9)
    ax.xaxis.set_major_formatter(DateFormatter("%d %b"))  # type: ignore[no-untyped-call]
    fig.autofmt_xdate()
    return _save(fig, fmt)


def followup_chart(
    points: Sequence[ResponderPoint],
    *,
    baseline_nrs: float,
    threshold_nrs: float,
    odi: Sequence[tuple[int, float]] = (),
    fmt: str = "svg",
) -> bytes:
    """Average NRS (and ODI, when recorded) at each follow-up month."""
    fig = _figure(height_in=3.4)
    ax = fig.add_subplot()
    have = [p for p in points if p.nrs_average is not None]
    ax.plot(
        [p.month for p in have],
        [float(p.nrs_average or 0.0) for p in have],
        "o-",
        color=_BLUE,
        label="average pain",
    )
    ax.axhline(baseline_nrs, color=_RED, ls="--", label=f"before treatment {baseline_nrs:g}")
    ax.axhline(threshold_nrs, color=_GREEN, ls=":", lw=2, label=f"responder line {threshold_nrs:g}")
    ax.set_ylim(0, 10)
    ax.set_xticks(sorted({p.month for p in points}))
    ax.set_xlabel("months after implant")
    ax.set_ylabel("pain (0–10)")
    ax.set_title("Outcomes over time")
    if odi:
        ax2 = ax.twinx()
        ax2.plot(
            [m for m, _ in odi], [v for _, v in odi], "s--", color=_GREY, label="disability (ODI %)"
        )
        ax2.set_ylim(0, 100)
        ax2.set_ylabel("ODI % (lower is better)")
        ax2.legend(loc="lower right", fontsize=8)
    ax.legend(loc="upper right", fontsize=8, framealpha=0.9)
    return _save(fig, fmt)

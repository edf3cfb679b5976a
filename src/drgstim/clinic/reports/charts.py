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

__all__ = ["followup_chart", "trial_nrs_chart"]

_BLUE, _GREY, _GREEN, _RED = "#1f5fa8", "#7a7a7a", "#2e7d32", "#b23b3b"


def _figure(width_in: float = 7.0, height_in: float = 3.2) -> Figure:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width_in, height_in), dpi=100, layout="constrained")
    FigureCanvasAgg(fig)  # the Agg canvas is set on this figure only: no global backend switch
    return fig


def _save(fig: Figure, fmt: str) -> bytes:
    if fmt not in ("svg", "png"):
        raise ValueError(f"chart format {fmt!r}; allowed: svg, png")
    buf = io.BytesIO()
    metadata = {"Date": None} if fmt == "svg" else {}
    fig.savefig(buf, format=fmt, dpi=150 if fmt == "png" else 100, metadata=metadata)
    return buf.getvalue()


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

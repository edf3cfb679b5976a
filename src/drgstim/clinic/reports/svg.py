"""Trial report charts for HTML, written directly as SVG markup.

The same charts as :mod:`drgstim.clinic.reports.charts` draws with Matplotlib (which the
PDF report keeps, as PNG), but a few lines, dots and labels need no plotting library:
Matplotlib spent about half a second of CPU on the two charts of one trial report, which
made the report the most expensive request of the clinic service and re-rendered it after
every diary change. Writing the markup takes about a millisecond.

Text is escaped; the SVG uses presentation attributes only (no script, no style element),
so it is safe to inline in a page under a strict Content-Security-Policy.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from xml.sax.saxutils import escape, quoteattr

from drgstim.clinic.reports.charts import TRENDS
from drgstim.clinic.review import TrialReview
from drgstim.clinic.trial import DiaryEntry

__all__ = ["nice_ticks", "trial_nrs_svg", "trial_trends_svg"]

_BLUE, _GREY, _GREEN, _RED, _GRID = "#1f5fa8", "#7a7a7a", "#2e7d32", "#b23b3b", "#dddddd"
_FONT = 'font-family="DejaVu Sans, Arial, sans-serif"'
_MAX_DATE_LABELS = 8


def _num(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def nice_ticks(low: float, high: float, *, target: int = 5) -> list[float]:
    """Round tick values (1, 2 or 5 × 10^k apart) covering ``low`` … ``high``."""
    if not (math.isfinite(low) and math.isfinite(high)):
        raise ValueError(f"tick range {low!r} … {high!r} must be finite")
    if high <= low:
        low, high = low - 1.0, high + 1.0
    raw = (high - low) / max(target, 1)
    power = 10.0 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1.0, 2.0, 5.0, 10.0) if m * power >= raw)
    first = math.floor(low / step) * step
    count = round((math.ceil(high / step) * step - first) / step)
    return [round(first + i * step, 10) for i in range(count + 1)]


@dataclass(frozen=True)
class _Panel:
    """A plot area in pixels, with its data ranges (x in days since the first day)."""

    left: float
    top: float
    width: float
    height: float
    x_max: float
    y_low: float
    y_high: float

    def x(self, day: float) -> float:
        return self.left + self.width * (day + 0.5) / (self.x_max + 1.0)

    def y(self, value: float) -> float:
        span = self.y_high - self.y_low
        return self.top + self.height * (1.0 - (value - self.y_low) / span)


def _text(
    x: float,
    y: float,
    text: str,
    *,
    size: int = 11,
    anchor: str = "start",
    colour: str = "#222222",
    extra: str = "",
) -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" '
        f'fill="{colour}" {_FONT}{extra}>{escape(text)}</text>'
    )


def _frame(p: _Panel, ticks: Sequence[float], title: str, unit: str, *, size: int) -> list[str]:
    """Grid, y ticks, the box, the title (above, left) and the rotated y label."""
    out = []
    for tick in ticks:
        y = p.y(tick)
        out.append(
            f'<line x1="{p.left:.1f}" x2="{p.left + p.width:.1f}" y1="{y:.1f}" '
            f'y2="{y:.1f}" stroke="{_GRID}" stroke-width="0.5"/>'
        )
        out.append(_text(p.left - 4, y + size / 3, _num(tick), size=size - 1, anchor="end"))
    out.append(
        f'<rect x="{p.left:.1f}" y="{p.top:.1f}" width="{p.width:.1f}" '
        f'height="{p.height:.1f}" fill="none" stroke="#444444" stroke-width="0.8"/>'
    )
    out.append(_text(p.left, p.top - 5, title, size=size + 1))
    mid = p.top + p.height / 2
    out.append(
        _text(
            14,
            mid,
            unit,
            size=size - 1,
            anchor="middle",
            extra=f' transform="rotate(-90 14 {mid:.1f})"',
        )
    )
    return out


def _date_labels(p: _Panel, first: date, days: int, *, size: int) -> list[str]:
    every = max(1, math.ceil(days / _MAX_DATE_LABELS))
    out = []
    for offset in range(0, days, every):
        label = date.fromordinal(first.toordinal() + offset).strftime("%d %b")
        out.append(
            _text(p.x(offset), p.top + p.height + size + 3, label, size=size - 1, anchor="middle")
        )
    return out


def _marker(kind: str, x: float, y: float, colour: str, *, hollow: bool = False) -> str:
    fill = "#ffffff" if hollow else colour
    r = 3.5
    if kind == "o":
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r}" fill="{fill}" stroke="{colour}"/>'
    shapes: dict[str, Callable[[], str]] = {
        "s": lambda: (
            f"{x - r:.1f},{y - r:.1f} {x + r:.1f},{y - r:.1f} "
            f"{x + r:.1f},{y + r:.1f} {x - r:.1f},{y + r:.1f}"
        ),
        "^": lambda: f"{x:.1f},{y - r:.1f} {x + r:.1f},{y + r:.1f} {x - r:.1f},{y + r:.1f}",
        "v": lambda: f"{x:.1f},{y + r:.1f} {x + r:.1f},{y - r:.1f} {x - r:.1f},{y - r:.1f}",
        "D": lambda: (
            f"{x:.1f},{y - r:.1f} {x + r:.1f},{y:.1f} {x:.1f},{y + r:.1f} {x - r:.1f},{y:.1f}"
        ),
    }
    return f'<polygon points="{shapes[kind]()}" fill="{fill}" stroke="{colour}"/>'


def _polyline(
    points: Sequence[tuple[float, float]], colour: str, *, width: float = 1.2, opacity: float = 1.0
) -> str:
    coords = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
    return (
        f'<polyline points="{coords}" fill="none" stroke="{colour}" '
        f'stroke-width="{width}" stroke-opacity="{opacity}"/>'
    )


def _svg(width: int, height: int, title: str, body: list[str]) -> bytes:
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label={quoteattr(title)}>'
        f"<title>{escape(title)}</title>"
        f'<rect width="{width}" height="{height}" fill="#ffffff"/>'
    )
    return (head + "".join(body) + "</svg>").encode("utf-8")


def _days(entries: Sequence[DiaryEntry]) -> tuple[list[DiaryEntry], date, int]:
    days = sorted(entries, key=lambda e: e.date)
    first = days[0].date if days else date.today()
    span = (days[-1].date - first).days + 1 if days else 1
    return days, first, span


def trial_nrs_svg(entries: Sequence[DiaryEntry], review: TrialReview) -> bytes:
    """Daily average NRS over the trial (hollow grey: not evaluated), with the baseline,
    the success line and the trial mean."""
    days, first, span = _days(entries)
    p = _Panel(left=48, top=28, width=632, height=250, x_max=span - 1, y_low=0, y_high=10)
    body = _frame(
        p, nice_ticks(0, 10), "Pain during the trial", "pain (0 = none, 10 = worst)", size=11
    )
    body += _date_labels(p, first, span, size=11)

    def at(e: DiaryEntry) -> tuple[float, float]:
        return p.x((e.date - first).days), p.y(e.nrs_average)

    if len(days) > 1:
        body.append(_polyline([at(e) for e in days], _BLUE, width=1.0, opacity=0.5))
    lines = [
        (review.baseline_nrs, _RED, "6 4", 1.2, f"before trial {review.baseline_nrs:g}"),
        (review.threshold_nrs, _GREEN, "2 3", 2.0, f"success line {review.threshold_nrs:g}"),
    ]
    if review.trial_mean_nrs is not None:
        lines.append(
            (review.trial_mean_nrs, _BLUE, "", 0.8, f"trial mean {review.trial_mean_nrs:.1f}")
        )
    for value, colour, dash, width, _ in lines:
        y = p.y(value)
        dashes = f' stroke-dasharray="{dash}"' if dash else ""
        body.append(
            f'<line x1="{p.left:.1f}" x2="{p.left + p.width:.1f}" y1="{y:.1f}" '
            f'y2="{y:.1f}" stroke="{colour}" stroke-width="{width}"{dashes}/>'
        )
    used = set(review.evaluable_dates)
    for e in days:
        x, y = at(e)
        body.append(
            _marker("o", x, y, _BLUE if e.date in used else _GREY, hollow=e.date not in used)
        )
    legend = [("daily average pain", _BLUE, "")]
    if any(e.date not in used for e in days):
        legend.append(("not evaluated", _GREY, ""))
    legend += [(label, colour, dash) for _, colour, dash, _, label in lines]
    body += _legend(p, legend)
    return _svg(700, 310, "Pain during the trial", body)


def _legend(p: _Panel, items: Sequence[tuple[str, str, str]]) -> list[str]:
    right = p.left + p.width - 8
    box_w, row = 150, 14
    top = p.top + 6
    out = [
        f'<rect x="{right - box_w:.1f}" y="{top:.1f}" width="{box_w}" '
        f'height="{row * len(items) + 6}" fill="#ffffff" fill-opacity="0.9" '
        f'stroke="#cccccc"/>'
    ]
    for i, (label, colour, dash) in enumerate(items):
        y = top + 10 + i * row
        x0 = right - box_w + 6
        dashes = f' stroke-dasharray="{dash}"' if dash else ""
        out.append(
            f'<line x1="{x0:.1f}" x2="{x0 + 18:.1f}" y1="{y:.1f}" y2="{y:.1f}" '
            f'stroke="{colour}" stroke-width="1.5"{dashes}/>'
        )
        out.append(_text(x0 + 24, y + 3.5, label, size=9))
    return out


def trial_trends_svg(entries: Sequence[DiaryEntry]) -> bytes:
    """Worst pain, sleep, activity, steps and opioid MME per diary day, one panel each
    (shared day axis); a panel without data says "not recorded"."""
    days, first, span = _days(entries)
    body: list[str] = []
    markers = ("o", "s", "^", "D", "v")
    panel_h, gap, top = 82, 40, 22
    for i, ((name, title, unit), marker) in enumerate(zip(TRENDS, markers, strict=True)):
        have = [(e.date, float(getattr(e, name))) for e in days if getattr(e, name) is not None]
        values = [v for _, v in have] or [0.0, 1.0]
        ticks = nice_ticks(min(values), max(values), target=3)
        p = _Panel(
            left=64,
            top=top + i * (panel_h + gap),
            width=616,
            height=panel_h,
            x_max=span - 1,
            y_low=ticks[0],
            y_high=ticks[-1],
        )
        body += _frame(p, ticks, title, unit, size=9)
        if have:
            points = [(p.x((d - first).days), p.y(v)) for d, v in have]
            if len(points) > 1:
                body.append(_polyline(points, _BLUE))
            body += [_marker(marker, x, y, _BLUE) for x, y in points]
        else:
            body.append(
                _text(
                    p.left + p.width / 2,
                    p.top + p.height / 2 + 3,
                    "not recorded",
                    size=9,
                    anchor="middle",
                    colour=_GREY,
                )
            )
        if i == len(TRENDS) - 1:
            body += _date_labels(p, first, span, size=9)
    height = top + len(TRENDS) * (panel_h + gap) - gap + 24
    return _svg(700, height, "Diary trends during the trial", body)

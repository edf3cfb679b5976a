"""PDF reports with ReportLab (A4), charts as PNG, DejaVu Sans for ≥, µ and accents.

DejaVu Sans is taken from Matplotlib's bundled fonts (both are dependencies), so the PDF
needs no system font.
"""

from __future__ import annotations

import io
from functools import cache
from typing import Any

__all__ = ["render_pdf"]

_FONT, _BOLD = "DejaVuSans", "DejaVuSans-Bold"
_CHART_NOTE = (
    "Dots: each diary day's average pain. Dashed red: pain before the trial. Dotted green: "
    "the success line. Hollow dots were not counted."
)


@cache
def _fonts() -> tuple[str, str]:
    from pathlib import Path

    import matplotlib
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    ttf = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    pdfmetrics.registerFont(TTFont(_FONT, str(ttf / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont(_BOLD, str(ttf / "DejaVuSans-Bold.ttf")))
    return _FONT, _BOLD


def _styles() -> dict[str, Any]:
    from reportlab.lib.styles import ParagraphStyle

    regular, bold = _fonts()
    return {
        "title": ParagraphStyle("title", fontName=bold, fontSize=17, leading=21, spaceAfter=4),
        "h2": ParagraphStyle(
            "h2", fontName=bold, fontSize=12.5, leading=16, spaceBefore=10, spaceAfter=4
        ),
        "body": ParagraphStyle("body", fontName=regular, fontSize=10, leading=14, spaceAfter=4),
        "note": ParagraphStyle(
            "note", fontName=regular, fontSize=8.5, leading=11, textColor="#555555"
        ),
        "cell": ParagraphStyle("cell", fontName=regular, fontSize=8.5, leading=11),
        "verdict": ParagraphStyle(
            "verdict", fontName=bold, fontSize=13, leading=17, spaceBefore=4, spaceAfter=6
        ),
    }


def _esc(text: object) -> str:
    from xml.sax.saxutils import escape

    return escape(str(text))


def _table(
    header: list[str], rows: list[list[object]], widths_mm: list[float], styles: dict[str, Any]
) -> Any:
    from reportlab.lib import colors
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, Table, TableStyle

    data = [[Paragraph(f"<b>{_esc(h)}</b>", styles["cell"]) for h in header]]
    data += [[Paragraph(_esc(c), styles["cell"]) for c in row] for row in rows]
    table = Table(data, colWidths=[w * mm for w in widths_mm], repeatRows=1, hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f3f5f8")),
                ("LINEBELOW", (0, 0), (-1, -1), 0.4, colors.HexColor("#cccccc")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table


def _image(png: bytes, width_mm: float) -> Any:
    from reportlab.lib.units import mm
    from reportlab.lib.utils import ImageReader
    from reportlab.platypus import Image

    w, h = ImageReader(io.BytesIO(png)).getSize()
    return Image(io.BytesIO(png), width=width_mm * mm, height=width_mm * mm * h / w)


def _build(story: list[Any], *, title: str) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import SimpleDocTemplate

    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf,
        pagesize=A4,
        title=title,
        author="drgstim",
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=16 * mm,
        bottomMargin=16 * mm,
    )
    doc.build(story)
    return buf.getvalue()


def _sections(ctx: dict[str, Any], s: dict[str, Any]) -> list[Any]:
    """The payer sections (the same list the HTML template loops over)."""
    from reportlab.platypus import KeepTogether, Paragraph

    story: list[Any] = []
    for sec in ctx.get("sections", []):
        part: list[Any] = [Paragraph(_esc(sec["title"]), s["h2"])]
        if sec.get("rows"):
            part.append(_table(["Item", "Recorded"], sec["rows"], [55, 119], s))
        elif sec.get("table") and sec["table"]["rows"]:
            header = sec["table"]["header"]
            width = 174 / len(header)
            part.append(_table(header, sec["table"]["rows"], [width] * len(header), s))
        else:
            part.append(Paragraph(_esc(sec.get("empty", "")), s["body"]))
        story.append(KeepTogether(part))
    return story


def _trial_story(
    ctx: dict[str, Any], chart_png: bytes, s: dict[str, Any], trends_png: bytes | None = None
) -> list[Any]:
    from reportlab.platypus import Paragraph

    review = ctx["review"]
    meta = f"Criteria: {review.criteria_name} · Evaluable days: {review.evaluable_days}"
    if ctx["patient"]:
        meta = f"Patient: {ctx['patient']} · " + meta
    story = [
        Paragraph("DRG stimulation trial report", s["title"]),
        Paragraph(_esc(meta), s["note"]),
        Paragraph(_esc(ctx["title"]), s["verdict"]),
        Paragraph("Summary", s["h2"]),
    ]
    story += [Paragraph(_esc(t), s["body"]) for t in ctx["summary"]]
    story += [
        _image(chart_png, 170),
        Paragraph(
            _CHART_NOTE,
            s["note"],
        ),
    ]
    if trends_png:
        story += [
            Paragraph("Diary trends", s["h2"]),
            _image(trends_png, 165),
            Paragraph(
                "Worst pain, sleep, activity, steps and opioid use (MME/day) for each diary day.",
                s["note"],
            ),
            _table(
                ["Measure", "First day", "Last day", "Trial mean"],
                ctx["trend_rows"],
                [60, 38, 38, 38],
                s,
            ),
        ]
    story += [
        Paragraph("Criteria", s["h2"]),
        _table(
            ["Criterion", "Result", "Figures"],
            [[c["name"], c["met"], c["detail"]] for c in ctx["criteria"]],
            [45, 25, 104],
            s,
        ),
    ]
    story.append(Paragraph("Notes on the data", s["h2"]))
    story += [Paragraph("• " + _esc(f), s["body"]) for f in ctx["flags"]] or [
        Paragraph("The diary is complete for the evaluated days.", s["body"])
    ]
    review = ctx["review"]
    mean = "n/a" if review.trial_mean_nrs is None else f"{review.trial_mean_nrs:.2f}"
    red = "n/a" if review.reduction_pct is None else f"{review.reduction_pct:.1f}"
    story += [
        Paragraph("For the referring clinician", s["h2"]),
        Paragraph(
            _esc(
                f"Baseline NRS {review.baseline_nrs:g}; trial mean NRS {mean}; reduction "
                f"{red} %; verdict {ctx['verdict']}; recommendation "
                f"{review.recommendation.value}."
            ),
            s["body"],
        ),
    ]
    return story + _sections(ctx, s)


def _followup_story(ctx: dict[str, Any], chart_png: bytes | None, s: dict[str, Any]) -> list[Any]:
    from reportlab.platypus import Paragraph

    meta = f"Patient: {ctx['patient']} ({ctx['patient_id']})"
    if ctx["implant"] is not None:
        meta += f" · Implanted {ctx['implant'].performed_on} · Leads: {ctx['levels']}"
    story = [
        Paragraph("DRG stimulation follow-up report", s["title"]),
        Paragraph(_esc(meta), s["note"]),
        Paragraph("Summary", s["h2"]),
    ]
    story += [Paragraph(_esc(t), s["body"]) for t in ctx["summary"]]
    if chart_png:
        story.append(_image(chart_png, 170))
    dash = "—"
    rows = [
        [
            r["month"],
            r["date"],
            dash if r["nrs"] is None else r["nrs"],
            dash if r["reduction"] is None else f"{r['reduction']:.0f} %",
            r["responder"],
            dash if r["odi"] is None else r["odi"],
            dash if r["pgic"] is None else r["pgic"],
            dash if r["mme"] is None else r["mme"],
        ]
        for r in ctx["rows"]
    ]
    story += [
        Paragraph("Visits", s["h2"]),
        _table(
            ["Month", "Date", "Avg pain", "Reduction", "Responder", "ODI %", "PGIC", "MME/day"],
            rows,
            [14, 24, 20, 22, 22, 18, 14, 20],
            s,
        )
        if rows
        else Paragraph("No follow-up visit recorded yet.", s["body"]),
    ]
    comp = [
        [c["label"], c["date"], c["severity"], c["action"], c["resolved"]]
        for c in ctx["complications"]
    ]
    story += [
        Paragraph("Complications", s["h2"]),
        _table(["Event", "Date", "Severity", "Action", "Resolved"], comp, [50, 26, 26, 30, 30], s)
        if comp
        else Paragraph("No complications recorded.", s["body"]),
    ]
    story.append(Paragraph("Programming sessions", s["h2"]))
    story += [
        Paragraph(_esc(f"{x['date']}: {x['description']}"), s["body"]) for x in ctx["sessions"]
    ] or [Paragraph("None recorded.", s["body"])]
    return story + _sections(ctx, s)


def render_pdf(
    kind: str, ctx: dict[str, Any], *, chart_png: bytes | None, trends_png: bytes | None = None
) -> bytes:
    """Render the ``trial`` or ``followup`` report context to PDF bytes."""
    from reportlab.platypus import Paragraph, Spacer

    s = _styles()
    if kind == "trial":
        assert chart_png is not None
        story = _trial_story(ctx, chart_png, s, trends_png)
        title = "DRG stimulation trial report"
    else:
        story, title = _followup_story(ctx, chart_png, s), "DRG stimulation follow-up report"
    story += [Spacer(1, 8), Paragraph(_esc(ctx["disclaimer"]), s["note"])]
    return _build(story, title=title)

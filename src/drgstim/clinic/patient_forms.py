"""The printable pre-visit checklist (PDF, A4), from the same data as the online form.

The painful areas are the anatomy layer's body regions; the treatments, conditions and
questions are the patient guide's (``drgstim.clinic.patient_guide``). ReportLab draws the
form with empty boxes and lines to write on.
"""

from __future__ import annotations

import io
from typing import Any

from drgstim.clinic import patient_guide as guide

__all__ = ["checklist_pdf"]


def _styles() -> dict[str, Any]:
    from reportlab.lib.styles import ParagraphStyle

    from drgstim.clinic.reports.pdf import _fonts  # DejaVu Sans: has the tick box glyph

    _FONT, _BOLD = _fonts()
    return {
        "title": ParagraphStyle("title", fontName=_BOLD, fontSize=18, leading=22, spaceAfter=6),
        "h2": ParagraphStyle(
            "h2", fontName=_BOLD, fontSize=13, leading=16, spaceBefore=10, spaceAfter=4
        ),
        "body": ParagraphStyle("body", fontName=_FONT, fontSize=11, leading=15),
        "small": ParagraphStyle("small", fontName=_FONT, fontSize=9, leading=12),
    }


def _boxes(labels: list[str], columns: int, style: Any) -> Any:
    """Labels with an empty tick box each, in ``columns`` columns."""
    from reportlab.platypus import Paragraph, Table, TableStyle

    cells = [Paragraph(f"\u2610&nbsp;&nbsp;{label}", style) for label in labels]
    while len(cells) % columns:
        cells.append(Paragraph("", style))
    rows = [cells[i : i + columns] for i in range(0, len(cells), columns)]
    table = Table(rows, hAlign="LEFT")
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return table


def _lines(n: int, width: float) -> list[Any]:
    """``n`` empty lines to write on."""
    from reportlab.platypus import Table, TableStyle

    table = Table([[""] for _ in range(n)], colWidths=[width], rowHeights=[22] * n)
    table.setStyle(TableStyle([("LINEBELOW", (0, 0), (-1, -1), 0.5, (0.4, 0.4, 0.4))]))
    return [table]


def _areas() -> list[str]:
    from drgstim.anatomy import Region

    labels = []
    for region in Region:
        for side in ("Left", "Right"):
            labels.append(f"{side} {region.label.lower()}")
    return labels


def checklist_pdf() -> bytes:
    """The blank pre-visit checklist as a PDF document."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

    s = _styles()
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=16 * mm,
        bottomMargin=16 * mm,
        title="Pre-visit checklist: DRG stimulation",
        author="drgstim",
    )
    width = doc.width
    story: list[Any] = [
        Paragraph("Pre-visit checklist: DRG stimulation", s["title"]),
        Paragraph(
            "Fill this in before your first visit and bring it with you. It helps you and "
            "your care team use the visit well.",
            s["body"],
        ),
        Paragraph("Name and date of birth", s["h2"]),
        *_lines(1, width),
        Paragraph("1. Where does it hurt? Tick each painful area.", s["h2"]),
        _boxes(_areas(), 3, s["small"]),
        Paragraph("2. How many months have you had this pain?", s["h2"]),
        *_lines(1, width / 3),
        Paragraph(
            "3. Your usual pain, and your worst pain in the last week, from 0 (none) to 10 "
            "(worst you can imagine)",
            s["h2"],
        ),
        Paragraph("Usual: ____ / 10&nbsp;&nbsp;&nbsp;&nbsp;Worst: ____ / 10", s["body"]),
        Paragraph("4. What have you tried for the pain?", s["h2"]),
        _boxes(list(guide.patient_labels("treatments").values()), 2, s["body"]),
        Paragraph("5. Do any of these apply to you?", s["h2"]),
        _boxes(list(guide.patient_labels("conditions").values()), 2, s["body"]),
        Paragraph("6. Which medicines do you take? (names and how much)", s["h2"]),
        *_lines(4, width),
        Paragraph("7. What would you like to be able to do again?", s["h2"]),
        *_lines(3, width),
        Paragraph("8. Your questions for the team", s["h2"]),
    ]
    for title, items in guide.patient_questions():
        story.append(Paragraph(f"<b>{title}</b>", s["body"]))
        story.extend(Paragraph(f"\u2610&nbsp;&nbsp;{q}", s["body"]) for q in items)
        story.append(Spacer(1, 4))
    story += [
        *_lines(4, width),
        Spacer(1, 8),
        Paragraph(
            "More to read: the patient guide on the clinic's website, under Patient guide.",
            s["small"],
        ),
    ]
    doc.build(story)
    return buffer.getvalue()

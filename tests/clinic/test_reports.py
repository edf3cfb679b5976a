"""Trial and follow-up reports: HTML is self-contained, the PDF renders and reads right."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from pypdf import PdfReader

from drgstim.clinic.reports import render_followup_report, render_trial_report
from drgstim.clinic.review import evaluate_trial
from drgstim.clinic.trial import DiaryEntry
from drgstim.errors import InputError

from .outcomes_fixtures import sample_record, sample_trial


@pytest.fixture(scope="module")
def trial_pdf() -> bytes:
    record = sample_record()
    tr = record.trials[0]
    assert tr.review is not None
    return render_trial_report(tr.trial, tr.review, patient="Ana Rivera", fmt="pdf")


def _text(pdf: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


Require = Callable[[bool, str], None]


def _page_ink_fraction(pdf: bytes, tmp_path: Path, require: Require) -> float:
    """Render page 1 with pdftoppm (grey PGM) and return the fraction of non-white pixels."""
    require(shutil.which("pdftoppm") is not None, "pdftoppm (poppler-utils)")
    src = tmp_path / "report.pdf"
    src.write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-r", "40", "-gray", "-f", "1", "-l", "1", str(src), str(tmp_path / "page")],
        check=True,
        timeout=60,
    )
    (pgm,) = tmp_path.glob("page*.pgm")
    data = pgm.read_bytes()
    header = re.match(rb"P5\s+(\d+)\s+(\d+)\s+(\d+)\s", data)
    assert header is not None
    width, height = int(header.group(1)), int(header.group(2))
    pixels = data[header.end() :]
    assert len(pixels) == width * height
    return sum(1 for p in pixels if p < 200) / len(pixels)


def test_trial_pdf_renders_non_blank(trial_pdf: bytes, tmp_path: Path, require: Require) -> None:
    assert trial_pdf.startswith(b"%PDF")
    ink = _page_ink_fraction(trial_pdf, tmp_path, require)
    assert 0.01 < ink < 0.5  # text and a chart, not a blank or black page


def test_trial_pdf_text_has_verdict_figures_and_criteria(trial_pdf: bytes) -> None:
    text = _text(trial_pdf)
    for expected in (
        "DRG stimulation trial report",
        "Ana Rivera",
        "Trial successful",
        "7.5 out of 10",
        "57 % lower",
        "57.3 % ≥ 50 %",
        "Less opioid medication",
        "before the first programming",
    ):
        assert expected in text, expected


def test_trial_html_is_self_contained_with_inline_chart() -> None:
    entries = [
        DiaryEntry(date=f"2026-03-0{i}", nrs_average=v) for i, v in ((1, 6.0), (2, 6.5), (3, 7.0))
    ]  # type: ignore[arg-type]
    review = evaluate_trial(entries, baseline_nrs=7.0)
    html = render_trial_report(entries, review, patient="<Bob & Co>", fmt="html").decode()
    assert html.count("<svg") == 2 and "Pain during the trial" in html  # pain and trends
    assert "&lt;Bob &amp; Co&gt;" in html  # patient text is escaped
    assert "Trial not successful" in html and "do_not_implant" in html
    assert not re.search(r'(src|href)="(https?:)?//', html)  # nothing fetched from outside


def test_insufficient_data_report_says_so() -> None:
    entries = [DiaryEntry(date="2026-03-01", nrs_average=2.0)]  # type: ignore[arg-type]
    review = evaluate_trial(entries, baseline_nrs=7.0)
    html = render_trial_report(entries, review, fmt="html").decode()
    assert "Not enough diary data" in html and "extend the trial" in html


def test_followup_reports(tmp_path: Path, require: Require) -> None:
    record = sample_record()
    html = render_followup_report(record, fmt="html").decode()
    assert "Outcomes over time" in html and html.count("<svg") == 1
    assert "Lead migration" in html and "S1 amplitude 700 µA" in html
    pdf = render_followup_report(record, fmt="pdf")
    text = _text(pdf)
    assert "12 months after implant" in text and "53 % lower" in text and "a responder" in text
    assert "Lead migration" in text
    assert _page_ink_fraction(pdf, tmp_path, require) > 0.01


def test_unknown_format_is_refused() -> None:
    trial = sample_trial()
    review = evaluate_trial(trial, baseline_nrs=7.5)
    with pytest.raises(InputError, match="fmt"):
        render_trial_report(trial, review, fmt="docx")

"""The trial and follow-up reports carry what a payer asks for, in HTML and PDF alike; the
PDF is checked through poppler's pdftotext, section by section."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest

from drgstim.clinic.assessment import MeasurableGoal, NRSScores, OutcomeScores
from drgstim.clinic.complications import Complication
from drgstim.clinic.reports import ReportDetails, render_followup_report, render_trial_report
from drgstim.clinic.trial import LeadLevel

from .outcomes_fixtures import sample_record

DETAILS = ReportDetails(
    patient_name="Ana Rivera",
    patient_id="P-0001",
    birth_date=date(1971, 5, 17),
    clinician="Dr Maya Okafor",
    clinic="Northside Pain Clinic",
    referring_clinician="Dr Tom Lindqvist, Orthopaedics",
    diagnosis={"code": "G90.522", "display": "Complex regional pain syndrome I of left lower limb"},
    leads=(LeadLevel(level="L5", side="left"), LeadLevel(level="S1", side="left")),
    program="L5 left: 800 uA, 300 us, 20 Hz, contacts -+00",
    adverse_events=(Complication(type="lead_migration", occurred_on=date(2026, 3, 5),
                                 severity="mild", action="reprogramming"),),
    baseline=OutcomeScores(nrs=NRSScores(average=7.5), odi_pct=48, bpi_interference=7.1,
                           pgic=4, mme_per_day=30),
    end_of_trial=OutcomeScores(nrs=NRSScores(average=3.2), odi_pct=30, bpi_interference=3.4,
                               pgic=2, mme_per_day=20),
    goals=(MeasurableGoal(description="Walk the dog", target=30, unit="min", met=True),),
    decision="Proceed to permanent implant",
    plan="Implant L5 and S1 left; review at 1 month",
)  # fmt: skip

# Every section and a figure from it, as a reader of the printed PDF would look for them.
EXPECTED = {
    "Patient and care team": ["1971-05-17", "Dr Maya Okafor", "Northside Pain Clinic"],
    "Referring clinician": ["Dr Tom Lindqvist"],
    "Diagnosis (ICD-10-CM)": ["G90.522"],
    "Trial and leads": ["2026-03-02 to 2026-03-08", "L5 left, S1 left", "800 uA"],
    "Adverse events": ["Lead migration", "2026-03-05"],
    "Diary trends": ["Worst pain", "Sleep", "Activity", "Steps", "Opioid use"],
    "Baseline and end of trial": ["ODI", "BPI", "PGIC", "48 %", "30 %", "7.1", "3.4"],
    "Patient's goals": ["Walk the dog", "30 min", "met"],
    "Decision and plan": ["Proceed to permanent implant", "review at 1 month"],
    "Signature": ["______"],
    "For the referring clinician": ["recommendation"],
}


def _trial(fmt: str) -> bytes:
    tr = sample_record().trials[0]
    assert tr.review is not None
    return render_trial_report(tr.trial, tr.review, fmt=fmt, details=DETAILS)


def _pdftotext(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                         text=True, timeout=60, check=True)  # fmt: skip
    return re.sub(r"\s+", " ", out.stdout)


@pytest.fixture(scope="module")
def pdf_text(tmp_path_factory: pytest.TempPathFactory) -> str:
    if shutil.which("pdftotext") is None:
        pytest.fail("pdftotext (poppler-utils) is required for this test")
    return _pdftotext(_trial("pdf"), tmp_path_factory.mktemp("pdf"))


@pytest.mark.parametrize("section", list(EXPECTED))
def test_trial_pdf_has_each_section(pdf_text: str, section: str) -> None:
    assert section in pdf_text, section
    for needle in EXPECTED[section]:
        assert needle in pdf_text, (section, needle)


@pytest.fixture(scope="module")
def html_text() -> str:
    return re.sub(r"\s+", " ", _trial("html").decode())


@pytest.mark.parametrize("section", list(EXPECTED))
def test_trial_html_has_the_same_sections(html_text: str, section: str) -> None:
    html = html_text
    assert section.replace("'", "&#39;") in html, section
    for needle in EXPECTED[section]:
        assert needle.replace("'", "&#39;") in html, (section, needle)


def test_missing_details_show_not_recorded(tmp_path: Path) -> None:
    tr = sample_record().trials[0]
    assert tr.review is not None
    text = _pdftotext(render_trial_report(tr.trial, tr.review, fmt="pdf"), tmp_path)
    assert "Date of birth not recorded" in text and "Diagnosis not recorded" in text
    assert "Trial dates 2026-03-02 to 2026-03-08" in text  # taken from the trial itself


def test_non_billable_diagnosis_is_refused() -> None:
    with pytest.raises(ValueError, match=r"G90\.522 \(left\)"):
        ReportDetails(diagnosis={"code": "G90.52"})


def test_followup_pdf_carries_birth_date_care_team_and_signature(tmp_path: Path) -> None:
    details = DETAILS.model_copy(update={"decision": "Continue therapy"})
    text = _pdftotext(render_followup_report(sample_record(), fmt="pdf", details=details),
                      tmp_path)  # fmt: skip
    for needle in ("1971-05-17", "Dr Maya Okafor", "Dr Tom Lindqvist", "G90.522",
                   "Continue therapy", "Signature", "Complications"):  # fmt: skip
        assert needle in text, needle


def test_cli_report_trial_takes_details(tmp_path: Path) -> None:
    import json
    import sys

    diary = tmp_path / "diary.csv"
    diary.write_text("date,nrs_average,nrs_worst,mme,sleep_hours\n"
                     + "".join(f"2026-03-0{i},3,5,20,7\n" for i in range(2, 8)),
                     encoding="utf-8")  # fmt: skip
    details = tmp_path / "details.json"
    details.write_text(DETAILS.model_dump_json(), encoding="utf-8")
    out = tmp_path / "trial.pdf"
    cmd = [sys.executable, "-c", "from drgstim.cli.main import run; run()", "report", "trial",
           str(diary), "--baseline-nrs", "7.5", "--details", str(details), "--out", str(out),
           "--json"]  # fmt: skip
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["format"] == "pdf"
    text = _pdftotext(out.read_bytes(), tmp_path)
    assert "G90.522" in text and "Dr Maya Okafor" in text

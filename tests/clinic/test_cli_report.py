"""``drgstim report trial|followup`` through the real entry point."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from drgstim.clinic.fhir import export_fhir_bundle

from .outcomes_fixtures import sample_record

DRGSTIM = Path(sys.executable).parent / "drgstim"
DIARY = "date,nrs_average,stim_on\n2026-03-01,3,1\n2026-03-02,3.5,1\n2026-03-03,4,1\n"


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(DRGSTIM), *args], capture_output=True, text=True, timeout=60)


def test_report_trial_writes_pdf_and_html(tmp_path: Path) -> None:
    diary = tmp_path / "diary.csv"
    diary.write_text(DIARY)
    for suffix, magic in (("pdf", b"%PDF"), ("html", b"<!DOCTYPE html>")):
        out = tmp_path / f"trial.{suffix}"
        done = _run(
            "report", "trial", str(diary), "--baseline-nrs", "7", "--out", str(out), "--json"
        )
        assert done.returncode == 0, done.stderr
        info = json.loads(done.stdout)
        assert info == {
            "path": str(out),
            "format": suffix,
            "bytes": out.stat().st_size,
            "verdict": "success",
        }
        assert out.read_bytes().startswith(magic)


def test_report_followup_from_a_fhir_bundle(tmp_path: Path) -> None:
    bundle = tmp_path / "bundle.json"
    bundle.write_text(json.dumps(export_fhir_bundle(sample_record())))
    out = tmp_path / "followup.html"
    done = _run("report", "followup", str(bundle), "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert "Outcomes over time" in out.read_text()


def test_report_bad_inputs_exit_2(tmp_path: Path) -> None:
    diary = tmp_path / "diary.csv"
    diary.write_text(DIARY + "2026-03-04,eleven,1\n")
    done = _run(
        "report", "trial", str(diary), "--baseline-nrs", "7", "--out", str(tmp_path / "r.pdf")
    )
    assert done.returncode == 2 and "row 5" in done.stderr and "nrs_average" in done.stderr
    assert not (tmp_path / "r.pdf").exists()  # nothing half-written
    diary.write_text(DIARY)
    done = _run(
        "report", "trial", str(diary), "--baseline-nrs", "7", "--out", str(tmp_path / "r.docx")
    )
    assert done.returncode == 2 and "html, pdf" in done.stderr
    bad = tmp_path / "record.json"
    bad.write_text("{not json")
    done = _run("report", "followup", str(bad), "--out", str(tmp_path / "f.html"))
    assert done.returncode == 2 and "record" in done.stderr and "Traceback" not in done.stderr

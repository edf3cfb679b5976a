"""``drgstim trial evaluate`` through the real entry point: JSON contract and exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

DRGSTIM = Path(sys.executable).parent / "drgstim"


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(DRGSTIM), *args], capture_output=True, text=True, timeout=60)


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "diary.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_evaluate_prints_the_json_contract(tmp_path: Path) -> None:
    diary = _write(
        tmp_path,
        "date,nrs_average,nrs_worst,relief_pct,mme,sleep_hours,pgic,stim_on\n"
        "2026-03-01,4,6,45,30,6,,1\n2026-03-02,3.5,5,55,30,7,,1\n"
        "2026-03-03,3.75,5,50,20,7,2,1\n2026-03-04,8,9,0,40,5,,0\n",
    )
    out = _run("trial", "evaluate", str(diary), "--baseline-nrs", "7.5", "--json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["verdict"] == "success"
    assert data["baseline_nrs"] == 7.5
    assert data["trial_mean_nrs"] == 3.75
    assert data["reduction_pct"] == 50.0
    assert data["evaluable_days"] == 3
    assert [c["name"] for c in data["criteria"]][:2] == [
        "primary_nrs_reduction",
        "moderate_nrs_reduction",
    ]
    assert all({"name", "met", "detail"} <= set(c) for c in data["criteria"])
    assert [f["code"] for f in data["flags"]] == ["stimulation_off"]
    assert data["recommendation"] == "proceed_to_implant"


def test_evaluate_insufficient_data(tmp_path: Path) -> None:
    diary = _write(tmp_path, "date,nrs_average\n2026-03-01,2\n2026-03-02,2\n")
    out = _run("trial", "evaluate", str(diary), "--baseline-nrs", "8", "--json")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["verdict"] == "insufficient_data"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("date,nrs_average,mood\n2026-03-01,5,ok\n", ["column", "mood", "row 1"]),
        ("date,nrs_average\n2026-03-01,12\n", ["nrs_average", "12", "row 2", "0–10"]),
        ("date,nrs_average\n2026-3-1x,5\n", ["date", "row 2"]),
        ("date,nrs_average\n2026-03-01,5\n2026-03-01,5\n", ["date", "row 3", "duplicate"]),
    ],
)
def test_malformed_csv_exits_2_naming_row_and_field(
    tmp_path: Path, text: str, expected: list[str]
) -> None:
    out = _run("trial", "evaluate", str(_write(tmp_path, text)), "--baseline-nrs", "7", "--json")
    assert out.returncode == 2
    assert out.stdout == ""
    assert "Traceback" not in out.stderr
    for word in expected:
        assert word in out.stderr


def test_bad_baseline_and_missing_file_exit_2(tmp_path: Path) -> None:
    diary = _write(tmp_path, "date,nrs_average\n2026-03-01,5\n")
    out = _run("trial", "evaluate", str(diary), "--baseline-nrs", "0", "--json")
    assert out.returncode == 2 and "baseline_nrs" in out.stderr
    out = _run("trial", "evaluate", str(tmp_path / "none.csv"), "--baseline-nrs", "7")
    assert out.returncode == 2 and "none.csv" in out.stderr
    out = _run("trial", "evaluate", str(diary), "--baseline-nrs", "7", "--criteria", "loose")
    assert out.returncode == 2 and "criteria" in out.stderr


def test_human_output_names_verdict_and_recommendation(tmp_path: Path) -> None:
    diary = _write(tmp_path, "date,nrs_average\n2026-03-01,6\n2026-03-02,6\n2026-03-03,6\n")
    out = _run("trial", "evaluate", str(diary), "--baseline-nrs", "7")
    assert out.returncode == 0
    assert "verdict: failure" in out.stdout
    assert "recommendation:" in out.stdout


def test_trial_dates_apply_completeness_rules(tmp_path: Path) -> None:
    # Day 1 precedes programming (pain 8): counting it would make the mean 4.25 (< 50 %).
    diary = _write(
        tmp_path, "date,nrs_average\n2026-03-01,8\n2026-03-02,3\n2026-03-04,3\n2026-03-05,3\n"
    )
    dates = ["--start-date", "2026-03-01", "--end-date", "2026-03-06"]
    out = _run(
        "trial", "evaluate", str(diary), "--baseline-nrs", "7", *dates,
        "--programmed-on", "2026-03-02", "--json",
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert (data["verdict"], data["evaluable_days"], data["trial_mean_nrs"]) == ("success", 3, 3)
    flags = {f["code"]: f["dates"] for f in data["flags"]}
    assert flags["before_programming"] == ["2026-03-01"]
    assert flags["missing_days"] == ["2026-03-03", "2026-03-06"]
    bad = _run("trial", "evaluate", str(diary), "--baseline-nrs", "7", "--start-date", "1/3/2026")
    assert bad.returncode == 2 and "start_date" in bad.stderr and "Traceback" not in bad.stderr

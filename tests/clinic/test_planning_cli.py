"""``drgstim plan`` and ``drgstim screen`` through the real entry point (exit codes, JSON)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from .test_screening import BASE

DRGSTIM = [sys.executable, "-c", "from drgstim.cli.main import run; run()"]


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*DRGSTIM, *args], capture_output=True, text=True, timeout=60)


def test_plan_json_contract() -> None:
    out = _cli("plan", "--region", "knee:left:7", "--region", "groin:left:5", "--json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert set(data) == {"targets", "leads", "uncovered", "warnings", "rules"}
    knee = next(r for r in data["rules"] if r["id"] == "dermatome_atlas.knee")
    assert knee["action"] == "leads at L3 left" and "Martin SC" in knee["source"]
    assert data["targets"][0] == {"level": "L3", "side": "left", "score": 4.2, "regions": ["knee"]}
    assert {(x["level"], x["side"]) for x in data["leads"]} == {
        ("L3", "left"), ("L1", "left"), ("T12", "left")}  # fmt: skip
    assert data["uncovered"] == [] and data["warnings"] == []


def test_plan_unknown_region_exits_2_listing_regions() -> None:
    out = _cli("plan", "--region", "elbow:left:7", "--json")
    assert out.returncode == 2 and out.stdout == ""
    assert "elbow" in out.stderr and "foot_bottom" in out.stderr and "Traceback" not in out.stderr


def test_plan_intensity_out_of_range_exits_2() -> None:
    out = _cli("plan", "--region", "knee:left:11")
    assert out.returncode == 2 and "intensity" in out.stderr and "0–10" in out.stderr


def test_screen_json_contract(tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    path.write_text(json.dumps(BASE | {"conditions": ["anticoagulant"]}), encoding="utf-8")
    out = _cli("screen", str(path), "--json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["verdict"] == "needs_review"
    assert {"id", "outcome", "reason", "action", "before_trial", "source"} == set(data["rules"][0])
    assert "anticoagulant" in {r["id"] for r in data["rules"]}
    assert set(data) == {"verdict", "rules", "before_trial", "alternatives"}


def test_screen_text_names_rule_action_and_source(tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    case = BASE | {"anticoagulants": ["apixaban"], "phq9": 22}
    path.write_text(json.dumps(case), encoding="utf-8")
    out = _cli("screen", str(path))
    assert out.returncode == 0, out.stderr
    assert "anticoagulant" in out.stdout and "apixaban: stop 3 days before" in out.stdout
    assert "action (before any trial): psychological evaluation" in out.stdout
    assert "source: Narouze S" in out.stdout and "alternative: psychological" in out.stdout


def test_plan_text_names_rule_action_and_source() -> None:
    out = _cli("plan", "--region", "pelvis:midline:7")
    assert out.returncode == 0, out.stderr
    assert "rule dermatome_atlas.pelvis" in out.stdout
    assert "action: leads at L1 left, S2 left, L1 right, S2 right" in out.stdout
    assert "source: Hunter CW, Yang A" in out.stdout


def test_screen_malformed_file_exits_2_naming_field(tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    path.write_text(json.dumps(BASE | {"conditions": ["flu"]}), encoding="utf-8")
    out = _cli("screen", str(path), "--json")
    assert out.returncode == 2 and "conditions" in out.stderr and "Traceback" not in out.stderr
    path.write_text("{not json", encoding="utf-8")
    out = _cli("screen", str(path))
    assert out.returncode == 2 and "not valid JSON" in out.stderr
    out = _cli("screen", str(tmp_path / "missing.json"))
    assert out.returncode == 2 and "cannot read" in out.stderr

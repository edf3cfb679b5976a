"""The worked example in docs/clinical.md runs and gives the figures the page states."""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

DOC = Path(__file__).parents[2] / "docs" / "clinical.md"
DRGSTIM = Path(sys.executable).parent / "drgstim"


def _blocks(kind: str) -> list[str]:
    return re.findall(rf"```{kind}\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)


def _command(prefix: str, diary: Path, tmp_path: Path) -> list[str]:
    line = next(b for b in _blocks("console") if b.startswith(f"$ drgstim {prefix}"))
    args = shlex.split(line.removeprefix("$ drgstim ").strip())
    args = [str(diary) if a == "diary.csv" else a for a in args]
    return [str(tmp_path / a) if a.endswith((".pdf", ".html")) else a for a in args]


@pytest.fixture
def diary(tmp_path: Path) -> Path:
    path = tmp_path / "diary.csv"
    path.write_text(_blocks("csv")[0], encoding="utf-8")
    return path


def test_worked_example_gives_the_documented_json(diary: Path, tmp_path: Path) -> None:
    out = subprocess.run(
        [str(DRGSTIM), *_command("trial evaluate", diary, tmp_path)],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    documented = json.loads(_blocks("json")[0])
    assert {k: result[k] for k in documented} == documented
    assert [f["code"] for f in result["flags"]] == ["before_programming", "stimulation_off"]
    met = {c["name"]: c["met"] for c in result["criteria"]}
    assert met["moderate_nrs_reduction"] and met["pgic_improved"] and met["medication_reduction"]


def test_worked_example_report_command(diary: Path, tmp_path: Path) -> None:
    out = subprocess.run(
        [str(DRGSTIM), *_command("report trial", diary, tmp_path)],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    assert (tmp_path / "trial.pdf").read_bytes().startswith(b"%PDF")

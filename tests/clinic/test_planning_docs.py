"""docs/planning.md: the worked example is the real CLI output, the atlas table the data."""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys
from pathlib import Path

from drgstim.anatomy import Region, dermatome_weights

DOC = Path(__file__).resolve().parents[2] / "docs" / "planning.md"


def test_worked_example_matches_cli() -> None:
    text = DOC.read_text(encoding="utf-8")
    match = re.search(r"<!-- example: drgstim (.+?) -->\n```json\n(.+?)\n```", text, re.S)
    assert match, "worked example block missing"
    args = shlex.split(match.group(1))
    cmd = [sys.executable, "-c", "from drgstim.cli.main import run; run()", *args]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=60, check=True)
    assert json.loads(out.stdout) == json.loads(match.group(2))


def test_atlas_table_matches_data() -> None:
    text = DOC.read_text(encoding="utf-8")
    for region in Region:
        weights = ", ".join(f"{lvl.value} {w:.2f}" for lvl, w in dermatome_weights(region).items())
        assert f"| `{region.value}` | {region.label} | {weights} |" in text, region

"""Users have neither the project's internal spec folder nor its issue tracker: no product
file, page, report template or data file may cite them as a source."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SUFFIXES = {".py", ".json", ".md", ".j2", ".html", ".js", ".css", ".txt", ".toml"}
# A path under the internal folder, an issue number, or a bare spec citation.
FORBIDDEN = re.compile(
    r"shared/(spec|design)|\b[Ii]ssues? ?#?\d+\b|\(spec: '|spec device\.md|"
    r"spec clinical\.md|spec biophysics\.md"
)


def _product_files() -> list[Path]:
    files = [p for p in (ROOT / "src").rglob("*") if p.suffix in SUFFIXES]
    files += [p for p in (ROOT / "docs").rglob("*") if p.suffix in SUFFIXES]
    return [*files, ROOT / "README.md"]


@pytest.mark.parametrize("path", _product_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_internal_citation(path: Path) -> None:
    text = path.read_text(encoding="utf-8", errors="replace")
    hits = [
        f"line {text.count(chr(10), 0, m.start()) + 1}: {m.group(0)!r}"
        for m in FORBIDDEN.finditer(text)
    ]
    assert hits == [], f"{path.relative_to(ROOT)} cites internal material: {hits}"


def test_the_scan_catches_what_it_must() -> None:
    for bad in (
        "see shared/spec/device.md",
        "Issue 6: three days",
        "issue 15",
        "(spec device.md)",
        "(spec: 'rim')",
    ):
        assert FORBIDDEN.search(bad), bad
    assert not FORBIDDEN.search("Axium clinician manual, Appendix I; spec['min']")

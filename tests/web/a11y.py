"""Accessibility checks run inside the page: axe-core at WCAG 2.1 A/AA, and 44 px targets.

axe-core (Deque, MPL-2.0) is the copy shipped in the ``axe-playwright-python`` package; it
is evaluated through the DevTools protocol, so a strict Content-Security-Policy on the
page does not stop it.
"""

from __future__ import annotations

from functools import cache
from importlib.util import find_spec
from pathlib import Path
from typing import Any

__all__ = ["axe_violations", "small_targets"]

WCAG21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
MIN_TARGET_PX = 44  # WCAG 2.1 success criterion 2.5.5 (Target Size)


@cache
def _axe_source() -> str:
    spec = find_spec("axe_playwright_python")
    if spec is None or spec.origin is None:
        raise RuntimeError("axe-playwright-python (the axe-core copy) is not installed")
    return (Path(spec.origin).parent / "axe.min.js").read_text(encoding="utf-8")


def axe_violations(page: Any) -> list[str]:
    """axe-core's WCAG 2.1 A/AA violations on the page as "rule: target" lines."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(_axe_source())
    result = page.evaluate(
        """async (tags) => {
          const r = await axe.run(document, {runOnly: {type: 'tag', values: tags},
                                             resultTypes: ['violations']});
          return r.violations.flatMap((v) => v.nodes.map((n) =>
            `${v.id} (${v.impact}): ${n.target.join(' ')} `
            + (n.failureSummary.split('\\n')[1] || '')));
        }""",
        WCAG21_AA,
    )
    return list(result)


SMALL_TARGETS = """(min) => {
  const visible = (e) => { const r = e.getBoundingClientRect(); return r.width > 0 && r.height > 0
    && getComputedStyle(e).visibility !== 'hidden'; };
  const inText = (e) => e.tagName === 'A' && getComputedStyle(e).display === 'inline'
    && e.parentElement
    && ['P', 'LI', 'DD', 'TD', 'SPAN', 'LABEL'].includes(e.parentElement.tagName);
  const box = (e) => {
    if (e.matches('input[type=checkbox], input[type=radio]')) {
      const label = e.closest('label') || (e.id && document.querySelector(`label[for="${e.id}"]`));
      if (label) return label.getBoundingClientRect();
    }
    return e.getBoundingClientRect();
  };
  const controls = 'a[href], button, input:not([type=hidden]), select, textarea, summary, '
    + '[role=button]';
  return [...document.querySelectorAll(controls)]
    .filter((e) => visible(e) && !inText(e) && !e.closest('svg') && !e.closest('.skip'))
    .filter((e) => { const r = box(e); return r.width < min - 0.5 || r.height < min - 0.5; })
    .map((e) => { const r = box(e);
      return `${e.outerHTML.slice(0, 80)} ${Math.round(r.width)}x${Math.round(r.height)}`; });
}"""


def small_targets(page: Any) -> list[str]:
    """Controls smaller than 44 x 44 CSS px. Links inside running text are exempt, as the
    criterion allows; the body map's SVG shapes are not checked (the smaller regions, such
    as the toes, are drawn smaller than 44 px: a known limit of the picture)."""
    return list(page.evaluate(SMALL_TARGETS, MIN_TARGET_PX))

"""Reading level of the patient guide: the Flesch-Kincaid grade of a page's own words.

The grade comes from the ``readability`` package (its ``Kincaid`` measure: 0.39 x words per
sentence + 11.8 x syllables per word - 15.59, after Kincaid et al. 1975, with its own
English syllable counter). It wants one sentence per line with tokens split by spaces, so
the page's blocks (paragraphs, list items, headings) are split into sentences here.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

__all__ = ["flesch_kincaid_grade", "guide_text"]

_BLOCKS = frozenset({"p", "li", "h1", "h2", "h3", "td", "th", "dt", "dd"})
_SKIP_CLASSES = frozenset({"sources", "cite", "no-print"})
_WORD = re.compile(r"[A-Za-z]+(?:['\u2019][A-Za-z]+)*|\d+(?:[.,]\d+)*")


class _GuideText(HTMLParser):
    """The text of the page's <article> elements (or <main>), one line per block, without
    the source lists, the citation marks and the navigation."""

    def __init__(self) -> None:
        super().__init__()
        self.depth_in_article = 0
        self.skip: list[str] = []
        self.lines: list[str] = [""]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = set((dict(attrs).get("class") or "").split())
        if tag == "article":
            self.depth_in_article += 1
        if self.skip or classes & _SKIP_CLASSES or tag in {"nav", "script", "style"}:
            self.skip.append(tag)
        if tag in _BLOCKS:
            self.lines.append("")

    def handle_endtag(self, tag: str) -> None:
        if self.skip and self.skip[-1] == tag:
            self.skip.pop()
        if tag == "article":
            self.depth_in_article -= 1
        if tag in _BLOCKS:
            self.lines.append("")

    def handle_data(self, data: str) -> None:
        if self.depth_in_article and not self.skip:
            self.lines[-1] += data


def guide_text(html: str) -> str:
    """The guide's words in ``html``, each block ending as a sentence."""
    parser = _GuideText()
    parser.feed(html)
    blocks = (" ".join(line.split()) for line in parser.lines)
    return "\n".join(b if b[-1] in ".!?:" else b + "." for b in blocks if b)


def flesch_kincaid_grade(text: str) -> float:
    """The Flesch-Kincaid grade level of ``text`` (a sentence ends at . ! ? : or a block)."""
    import readability

    sentences = [s for s in re.split(r"(?<=[.!?:])\s+|\n", text) if _WORD.search(s)]
    if not sentences:
        raise ValueError("no words to grade")
    tokenized = "\n".join(" ".join(_WORD.findall(s)) + " ." for s in sentences)
    grades = readability.getmeasures(tokenized, lang="en")["readability grades"]
    return float(grades["Kincaid"])

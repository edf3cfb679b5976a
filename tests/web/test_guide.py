"""The patient guide: public, every topic covered, cited on every page, and easy to read.

HTTP-level against the real server (no login): the pages are plain server-rendered HTML.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest
from reading_level import flesch_kincaid_grade, guide_text

from drgstim.clinic import patient_guide as guide

SLUGS = [p.slug for p in guide.pages()]
# "About a 6th-8th grade level" is the ceiling health-literacy guidance asks for.
MAX_GRADE = 8.0

# Each topic the guide must cover: (page, words a reader must find there).
TOPICS = {
    "what-is-drg": ["dorsal root ganglion", "leads", "stimulator", "controller", "trial"],
    "is-it-for-me": [
        "foot",
        "knee",
        "hip",
        "groin",
        "pelvis",
        "injury",
        "CRPS",
        "6 months",
        "medicines",
        "injections",
        "spread over much of your body",
        "not been treated",
        "too risky",
        "goals",
    ],
    "pathway": ["body map", "nerve roots", "trial", "50 percent", "implant", "settings"],
    "benefits": ["out of 100", "less pain, not no pain"],
    "risks": [
        "Infection",
        "Bleeding",
        "lead moves",
        "Soreness where the device sits",
        "reprogram",
        "another operation",
        "Nerve irritation",
        "Unpleasant stimulation",
        "Loss of pain relief",
        "paralysis",
    ],
    "recovery": [
        "bending",
        "twisting",
        "lift more than 5 pounds",
        "6 weeks",
        "wound",
        "Programming visits",
        "Physical therapy",
    ],
    "living-with": [
        "MRI",
        "CT scans",
        "Diathermy",
        "Security gates",
        "Driving",
        "ID card",
        "battery",
    ],
    "alternatives": [
        "Spinal cord stimulation",
        "Peripheral nerve stimulation",
        "Nerve blocks",
        "Radiofrequency",
        "Care from a team",
        "Spine or joint care",
    ],
    "health-review": ["Blood thinners", "Diabetes", "weak immune system"],
    "questions": ["checklist", "questions"],
}


@pytest.fixture(scope="module")
def anonymous(server: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server, timeout=10) as client:
        yield client


@pytest.fixture(scope="module")
def pages(anonymous: httpx.Client) -> dict[str, str]:
    out = {}
    for slug in SLUGS:
        answer = anonymous.get(f"/learn/{slug}")
        assert answer.status_code == 200, (slug, answer.text[:500])
        out[slug] = answer.text
    return out


def test_the_guide_is_public_and_linked_from_the_login_and_start_pages(
    anonymous: httpx.Client,
) -> None:
    start = anonymous.get("/", follow_redirects=True)
    assert 'href="/learn"' in start.text  # the start page is the login page
    index = anonymous.get("/learn")
    assert index.status_code == 200
    for slug in SLUGS:
        assert f'href="/learn/{slug}"' in index.text, slug
    assert anonymous.get("/learn/all").status_code == 200
    assert anonymous.get("/learn/no-such-topic").status_code == 404


def test_every_topic_is_covered(pages: dict[str, str]) -> None:
    assert set(TOPICS) == set(SLUGS)
    for slug, words in TOPICS.items():
        text = " ".join(guide_text(pages[slug]).split())
        missing = [w for w in words if w.lower() not in text.lower()]
        assert not missing, (slug, missing)


def test_every_page_cites_its_sources_and_lists_only_what_it_cites(
    pages: dict[str, str],
) -> None:
    known = guide.sources()
    for slug, html in pages.items():
        cited = set(re.findall(rf'href="#source-{slug}-([a-z0-9_]+)"', html))
        listed = re.findall(rf'id="source-{slug}-([a-z0-9_]+)"', html)
        assert cited, f"{slug} cites nothing"
        assert cited == set(listed), (slug, cited ^ set(listed))
        for key in listed:
            assert re.search(r"(19|20)\d\d", known[key].citation), key


def test_every_page_reads_at_about_a_sixth_to_eighth_grade_level(
    pages: dict[str, str], anonymous: httpx.Client
) -> None:
    grades = {slug: flesch_kincaid_grade(guide_text(html)) for slug, html in pages.items()}
    grades["(whole guide)"] = flesch_kincaid_grade(guide_text(anonymous.get("/learn/all").text))
    too_hard = {slug: round(g, 1) for slug, g in grades.items() if g > MAX_GRADE}
    assert not too_hard, too_hard


def test_the_quoted_limits_are_the_data_files(pages: dict[str, str]) -> None:
    text = " ".join(guide_text(pages["recovery"]).split())
    assert f"lift more than {guide.fact('lift_limit_lb')} pounds" in text
    assert f"for {guide.fact('activity_limit_weeks_after_implant')} weeks after the implant" in text
    pathway = " ".join(guide_text(pages["pathway"]).split())
    figures = guide.pathway_figures()
    assert f"at most {figures['trial_max_days']} days" in pathway
    assert f"at least {figures['success_pct']} percent lower" in pathway


def test_the_whole_guide_prints_on_one_page_without_the_site_header(
    anonymous: httpx.Client,
) -> None:
    html = anonymous.get("/learn/all").text
    for slug in SLUGS:
        assert f'id="guide-{slug}"' in html
    css = anonymous.get("/static/app.css").text
    assert re.search(r"@media print\s*{[^}]*header\.top[^}]*display: none", css)


def test_static_assets_are_compressed_and_cached(anonymous: httpx.Client) -> None:
    headers = {"Accept-Encoding": "gzip"}
    with anonymous.stream("GET", "/vendor/plotly.min.js", headers=headers) as answer:
        raw = b"".join(answer.iter_raw())
        assert answer.headers["content-encoding"] == "gzip"
        assert "max-age" in answer.headers["cache-control"]
    assert len(raw) < 2_000_000, len(raw)  # 4.8 MB as shipped
    for path in ("/static/app.css", "/static/api.js", "/favicon.ico"):
        answer = anonymous.get(path, headers=headers)
        assert answer.status_code == 200, path
        assert "max-age" in answer.headers["cache-control"], path
    assert anonymous.get("/static/app.css", headers=headers).headers["content-encoding"] == "gzip"

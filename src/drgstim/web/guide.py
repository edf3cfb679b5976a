"""The patient guide: public education pages (no login), printable, each citing its sources.

The words are templates under ``templates/learn/`` (one per topic); the list of topics,
their sources and every figure they quote come from the clinic layer's patient guide data
(``drgstim.clinic.patient_guide``), so a limit such as the lifting weight is written once.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request, status
from fastapi.responses import HTMLResponse
from markupsafe import Markup

from drgstim.clinic import patient_guide as guide
from drgstim.errors import InputError
from drgstim.web.pages import OptionalUser, _render

__all__ = ["cite_function", "router"]

router = APIRouter(include_in_schema=False)


def cite_function(page: guide.GuidePage) -> Any:
    """``cite(key)`` for one page's template: a numbered link to that page's source list.

    A key the page does not list is an error, so a page cannot cite a source it does not
    show (the tests render every page)."""
    numbers = {source.key: n for n, source in enumerate(page.sources, start=1)}

    def cite(key: str) -> Markup:
        if key not in numbers:
            raise InputError("cite", key, ", ".join(numbers), reason=f"page {page.slug}")
        n = numbers[key]
        return Markup(
            '<sup class="cite"><a href="#source-{slug}-{key}" aria-label="source {n}">'
            "[{n}]</a></sup>"
        ).format(slug=page.slug, key=key, n=n)

    return cite


def _figures() -> dict[str, Any]:
    return {**guide.facts(), **guide.pathway_figures()}


def _public(response: HTMLResponse) -> HTMLResponse:
    # Public, identical for everyone except the CSRF token in the header: short caching.
    response.headers["Cache-Control"] = "private, max-age=300"
    return response


@router.get("/learn", response_class=HTMLResponse)
def guide_index(request: Request, user: OptionalUser) -> HTMLResponse:
    return _public(_render(request, "learn/index.html", user, guide_pages=guide.pages()))


@router.get("/learn/all", response_class=HTMLResponse)
def guide_all(request: Request, user: OptionalUser) -> HTMLResponse:
    pages = guide.pages()
    cites = {p.slug: cite_function(p) for p in pages}
    return _public(
        _render(request, "learn/all.html", user, guide_pages=pages, cites=cites, **_figures())
    )


@router.get("/learn/{slug}", response_class=HTMLResponse)
def guide_page(request: Request, user: OptionalUser, slug: str) -> HTMLResponse:
    try:
        page = guide.page(slug)
    except InputError:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail="There is no such page.") from None
    pages = guide.pages()
    index = [p.slug for p in pages].index(slug)
    return _public(
        _render(
            request,
            "learn/_page.html",
            user,
            guide_page=page,
            previous=pages[index - 1] if index > 0 else None,
            following=pages[index + 1] if index + 1 < len(pages) else None,
            cite=cite_function(page),
            **_figures(),
        )
    )

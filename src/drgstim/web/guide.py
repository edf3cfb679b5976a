"""The patient guide: public education pages (no login), printable, each citing its sources.

The words are templates under ``templates/learn/`` (one per topic); the list of topics,
their sources and every figure they quote come from the clinic layer's patient guide data
(``drgstim.clinic.patient_guide``), so a limit such as the lifting weight is written once.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request, status
from fastapi.responses import FileResponse, HTMLResponse, Response
from markupsafe import Markup

from drgstim.clinic import patient_guide as guide
from drgstim.errors import InputError
from drgstim.storage.models import Role
from drgstim.web.bodymap import body_map
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
    return {**guide.facts(), **guide.pathway_figures(), "questions": guide.patient_questions()}


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


@router.get("/learn/checklist", response_class=HTMLResponse)
def checklist_page(request: Request, user: OptionalUser) -> HTMLResponse:
    """The pre-visit checklist: anyone may fill it in and print it; a logged-in patient
    may also send it to their record."""
    own = ""
    if user is not None and user.role == Role.PATIENT and user.patient_id is not None:
        own = str(user.patient_id)
    treatments = guide.patient_labels("treatments")
    conditions = guide.patient_labels("conditions")
    response = _render(
        request,
        "learn/checklist.html",
        user,
        own_patient_id=own,
        body_map=body_map(),
        treatments=list(treatments.items()),
        conditions=list(conditions.items()),
        questions=guide.patient_questions(),
    )
    return response


@router.get("/learn/checklist.pdf")
def checklist_pdf() -> Response:
    from drgstim.clinic.patient_forms import checklist_pdf as build

    return Response(
        build(),
        media_type="application/pdf",
        headers={
            "Content-Disposition": 'inline; filename="pre-visit-checklist.pdf"',
            "Cache-Control": "public, max-age=3600",
        },
    )


@router.get("/favicon.ico", include_in_schema=False)
def favicon() -> FileResponse:
    """Browsers ask for /favicon.ico whatever the page says; answer with the SVG icon."""
    from importlib import resources
    from pathlib import Path

    icon = Path(str(resources.files("drgstim.web"))) / "static" / "favicon.svg"
    return FileResponse(
        icon, media_type="image/svg+xml", headers={"Cache-Control": "public, max-age=86400"}
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

"""The pages and the API docs work under the Content-Security-Policy, offline."""

from __future__ import annotations

import re
from typing import Any

from web_helpers import login


def _watch(page: Any, server_prefix: str) -> list[str]:
    """Record CSP violations; refuse every request that leaves the server (offline)."""
    problems: list[str] = []

    def on_console(msg: Any) -> None:
        # ReDoc shows its vendor's logo from the vendor's site: blocked, and harmless.
        if "Content Security Policy" in msg.text and "cdn.redoc.ly" not in msg.text:
            problems.append(msg.text)

    page.on("console", on_console)

    def only_local(route: Any) -> None:
        if route.request.url.startswith(server_prefix) or route.request.url.startswith(
            ("data:", "blob:")
        ):
            route.continue_()
        else:
            if "cdn.redoc.ly" not in route.request.url:
                problems.append(f"left the server: {route.request.url}")
            route.abort()

    page.route("**/*", only_local)
    return problems


def test_api_docs_render_offline_under_the_csp(page: Any, server: str) -> None:
    problems = _watch(page, server)
    page.set_default_timeout(60_000)  # both draw the whole schema: slow on a busy machine
    page.goto("/docs")
    page.locator(".swagger-ui .info .title").wait_for()
    page.locator(".opblock").first.wait_for()  # the operations were loaded and drawn
    page.goto("/redoc")
    page.get_by_role("heading", name=re.compile("drgstim clinic service")).first.wait_for()
    assert not problems, problems


def test_clinic_pages_run_under_the_csp(page: Any, server: str) -> None:
    problems = _watch(page, server)
    login(page, "demo-clinician")
    page.goto("/patients")
    page.get_by_role("link", name=re.compile("Diaz")).first.click()
    page.wait_for_load_state("networkidle")
    for tool in ("trial", "programmer", "timeline"):
        link = page.get_by_role("link", name=re.compile(tool, re.IGNORECASE)).first
        if link.count():
            link.click()
            page.wait_for_load_state("networkidle")
            page.go_back()
    assert not problems, problems

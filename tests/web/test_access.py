"""Who may open which page, log-in redirects, logout CSRF, and no external assets.

HTTP-level (httpx with cookies against the real server): the browser tests cover the
pages' behaviour; these cover the boundaries quickly.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from importlib import resources
from pathlib import Path

import httpx
import pytest


def login_token(client: httpx.Client) -> str:
    """The CSRF token of the login form (the login page puts it in the session)."""
    found = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text)
    assert found is not None
    return found.group(1)


def post_login(client: httpx.Client, **fields: str) -> httpx.Response:
    return client.post("/login", data={"csrf_token": login_token(client), **fields})


def client_for(server: str, username: str) -> httpx.Client:
    client = httpx.Client(base_url=server, timeout=10)
    answer = post_login(client, username=username, password="demo-password")
    assert answer.status_code == 303, answer.text
    return client


@pytest.fixture
def clinician(server: str) -> Iterator[httpx.Client]:
    client = client_for(server, "demo-clinician")
    yield client
    client.close()


@pytest.fixture
def patient(server: str) -> Iterator[httpx.Client]:
    client = client_for(server, "demo-patient")
    yield client
    client.close()


def patient_ids(clinician: httpx.Client) -> dict[str, str]:
    items = clinician.get("/api/patients", params={"limit": 500}).json()["items"]
    return {p["mrn"]: p["id"] for p in items}


def test_pages_need_a_login_and_come_back_after_it(server: str) -> None:
    with httpx.Client(base_url=server, timeout=10) as anonymous:
        answer = anonymous.get("/patients")
        assert answer.status_code == 303
        assert answer.headers["location"] == "/login?next=/patients"
        login = post_login(
            anonymous, username="demo-clinician", password="demo-password", next="/patients"
        )
        assert (login.status_code, login.headers["location"]) == (303, "/patients")


def test_login_never_redirects_off_site(server: str) -> None:
    with httpx.Client(base_url=server, timeout=10) as anonymous:
        login = post_login(
            anonymous, username="demo-clinician", password="demo-password", next="//evil.test/"
        )
        assert login.headers["location"] == "/patients"


def test_wrong_password_is_401_with_the_form_again(server: str) -> None:
    with httpx.Client(base_url=server, timeout=10) as anonymous:
        answer = post_login(anonymous, username="demo-clinician", password="nope")
        assert answer.status_code == 401
        assert "Wrong username or password" in answer.text
        assert "nope" not in answer.text  # the password is never echoed


def test_login_form_is_throttled_like_the_api(server: str) -> None:
    """Five wrong passwords pause that username (OWASP); the sixth try, even with the
    right password, is 429 with Retry-After. A username nobody else uses here."""
    with httpx.Client(base_url=server, timeout=10) as guesser:
        for _ in range(5):
            assert post_login(guesser, username="web-throttle", password="x").status_code == 401
        paused = post_login(guesser, username="web-throttle", password="x")
        assert paused.status_code == 429
        assert int(paused.headers["retry-after"]) > 0
        assert "Too many failed logins" in paused.text


def test_login_form_needs_its_csrf_token(server: str) -> None:
    with httpx.Client(base_url=server, timeout=10) as browser:
        # A form posted from another site carries no token of this browser's session.
        forged = browser.post(
            "/login",
            data={"username": "demo-clinician", "password": "demo-password", "csrf_token": "x"},
        )
        assert forged.status_code == 403
        assert browser.get("/patients").status_code == 303  # not logged in


def test_patient_sees_own_pages_only(clinician: httpx.Client, patient: httpx.Client) -> None:
    ids = patient_ids(clinician)
    own, other = ids["DEMO-003"], ids["DEMO-005"]
    assert patient.get("/patients").headers["location"] == f"/patients/{own}"
    for tool in ("", "/diary", "/trial", "/controller"):
        assert patient.get(f"/patients/{own}{tool}").status_code == 200, tool
        # Another patient's page is "not found": its existence is not revealed.
        assert patient.get(f"/patients/{other}{tool}").status_code == 404, tool
    for tool in ("/assessment", "/programmer", "/follow-up"):
        assert patient.get(f"/patients/{own}{tool}").status_code == 404, tool


def test_logout_needs_the_csrf_token(clinician: httpx.Client) -> None:
    forged = clinician.post("/logout", data={})
    assert forged.status_code == 403
    assert clinician.get("/patients").status_code == 200  # still logged in
    page = clinician.get("/patients").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token is not None
    out = clinician.post("/logout", data={"csrf_token": token.group(1)})
    assert (out.status_code, out.headers["location"]) == (303, "/login")
    assert clinician.get("/patients").status_code == 303


def test_plotly_is_served_from_the_installed_package(server: str) -> None:
    answer = httpx.get(f"{server}/vendor/plotly.min.js", timeout=10)
    assert answer.status_code == 200
    assert "javascript" in answer.headers["content-type"]
    assert len(answer.content) > 1_000_000 and b"plotly" in answer.content[:2000].lower()


def test_no_external_assets_in_templates_or_scripts() -> None:
    web = Path(str(resources.files("drgstim.web")))
    files = [*web.glob("templates/**/*.html"), *web.glob("static/**/*.*")]
    assert len(files) >= 10
    for path in files:
        text = path.read_text("utf-8")
        assert not re.search(r"(src|href)\s*=\s*[\"']?(https?:)?//", text), path.name
        assert "cdn" not in text.lower(), path.name

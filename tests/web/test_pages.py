"""Browser tests: the clinic web app driven through Debian's Chromium."""

from __future__ import annotations

import re
from typing import Any

import pytest
from web_helpers import login, shot

pytestmark = pytest.mark.browser


def test_login_rejects_wrong_password_then_lists_patients(page: Any) -> None:
    login(page, "demo-clinician", "wrong-password")
    assert page.get_by_role("alert").inner_text().startswith("Wrong username or password")
    shot(page, "01-login-refused")
    login(page, "demo-clinician")
    assert page.url.endswith("/patients")
    rows = page.locator("#patients tr")
    rows.filter(has_text="DEMO-003").wait_for()
    assert rows.count() >= 5
    shot(page, "02-patient-list")


def test_clinician_creates_patient_and_sees_timeline(page: Any) -> None:
    login(page, "demo-clinician")
    page.get_by_label("MRN", exact=True).fill("WEB-0001")
    page.get_by_label("Given name").fill("Wendy")
    page.get_by_label("Family name").fill("Browser")
    page.get_by_label("Date of birth").fill("1970-01-02")
    page.get_by_role("button", name="Create patient").click()
    page.wait_for_url(re.compile(r"/patients/[0-9a-f-]{36}$"))
    page.get_by_role("heading", name="Wendy Browser").wait_for()
    assert "MRN WEB-0001" in page.locator("#patient-meta").inner_text()
    assert page.locator("#stages li[aria-current=step]").inner_text() == "referred"
    page.get_by_text("Nothing recorded yet.").wait_for()
    shot(page, "03-new-patient-timeline")

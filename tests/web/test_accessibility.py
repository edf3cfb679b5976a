"""Every page: each form control has a label, each button a name, one h1, and it fits a
phone screen without sideways scrolling."""

from __future__ import annotations

import re
from typing import Any

import pytest
from web_helpers import NURSE, login

pytestmark = pytest.mark.browser

UNLABELLED = """() => [...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
  .filter((e) => !e.closest('[hidden]'))
  .filter((e) => !(e.labels && e.labels.length) && !e.getAttribute('aria-label'))
  .map((e) => e.outerHTML.slice(0, 120))"""
NAMELESS = """() => [...document.querySelectorAll('button, [role=button], a[href]')]
  .filter((e) => !e.closest('[hidden]') && !(e.getAttribute('aria-label') || e.textContent.trim()))
  .map((e) => e.outerHTML.slice(0, 120))"""


def check_page(page: Any, path: str) -> None:
    page.goto(path)
    page.wait_for_load_state("networkidle")
    assert page.evaluate(UNLABELLED) == [], path
    assert page.evaluate(NAMELESS) == [], path
    assert page.locator("h1").count() == 1, path
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, path


def test_clinician_pages_are_labelled_and_fit_a_phone(page: Any) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, "demo-clinician")
    check_page(page, "/patients")
    page.locator("#patients tr", has_text="DEMO-005").get_by_role("link").click()
    page.wait_for_url(re.compile(r"/patients/[0-9a-f-]{36}$"))
    base = page.url.split("127.0.0.1", 1)[1].split("/", 1)[1]
    for tool in ("", "/assessment", "/trial", "/programmer", "/follow-up"):
        check_page(page, f"/{base}{tool}")


def test_patient_pages_are_labelled_and_fit_a_phone(page: Any) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, "demo-patient")
    own = page.url.split("/patients/", 1)[1]
    for tool in ("", "/diary", "/trial", "/controller"):
        check_page(page, f"/patients/{own}{tool}")


def test_login_page_is_labelled(page: Any) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    check_page(page, "/login")


def test_nurse_sees_programs_but_cannot_change_them(page: Any) -> None:
    login(page, NURSE[0], NURSE[1])
    page.locator("#patients tr", has_text="DEMO-005").get_by_role("link").click()
    page.wait_for_url(re.compile(r"/patients/[0-9a-f-]{36}$"))
    page.goto(page.url + "/programmer")
    page.get_by_text("Your role may view programs but not change them.").wait_for()
    lead = page.get_by_role("region", name="Lead 1")
    lead.wait_for()
    assert lead.get_by_role("button", name="Lead 1 contact 1 cathode").is_disabled()
    assert lead.get_by_role("button", name="Lead 1 amplitude up").is_disabled()
    assert page.get_by_role("button", name="Save group to device").is_disabled()
    assert page.get_by_text("Register a device").count() == 0

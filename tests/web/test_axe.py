"""Every page state the roles reach, on a phone-sized screen: axe-core finds no WCAG 2.1
A/AA violation (contrast included), every control is at least 44 x 44 px, and nothing
scrolls sideways."""

from __future__ import annotations

import re
from typing import Any

import pytest
from a11y import axe_violations, small_targets
from web_helpers import NURSE, login

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PHONE = {"width": 390, "height": 844}


def check(page: Any, path: str) -> None:
    page.goto(path)
    page.wait_for_load_state("networkidle")
    assert axe_violations(page) == [], path
    assert small_targets(page) == [], path
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], path


def patient_path(page: Any, mrn: str) -> str:
    page.goto("/patients")
    page.locator("#patients tr", has_text=mrn).get_by_role("link").click()
    page.wait_for_url(re.compile(r"/patients/[0-9a-f-]{36}$"))
    return "/patients/" + page.url.rsplit("/", 1)[1]


def test_public_pages(page: Any) -> None:
    page.set_viewport_size(PHONE)
    for path in ("/login", "/learn", "/learn/what-is-drg", "/learn/risks", "/learn/checklist"):
        check(page, path)


def test_clinician_pages(page: Any) -> None:
    page.set_viewport_size(PHONE)
    login(page, "demo-clinician")
    check(page, "/patients")
    implanted = patient_path(page, "DEMO-005")
    for tool in ("", "/assessment", "/trial", "/programmer", "/follow-up", "/controller"):
        check(page, implanted + tool)
    in_trial = patient_path(page, "DEMO-003")
    for tool in ("/trial", "/diary", "/consent?procedure=implant"):
        check(page, in_trial + tool)
    assessed = patient_path(page, "DEMO-001")
    check(page, assessed + "/trial")  # the "start a trial" state


def test_patient_and_nurse_pages(page: Any) -> None:
    page.set_viewport_size(PHONE)
    login(page, "demo-patient")
    own = page.url.split("127.0.0.1", 1)[1].split("/", 1)[1]
    for tool in ("", "/diary", "/trial", "/controller", "/consent"):
        check(page, f"/{own}{tool}")
    check(page, "/learn/checklist")
    page.get_by_role("button", name="Log out").click()
    login(page, NURSE[0], NURSE[1])
    check(page, patient_path(page, "DEMO-003"))

"""Page states the other browser tests do not reach, each with axe-core at WCAG 2.1 AA.

Where each state of each page is tested (empty · loaded · error · refused · read-only ·
phone viewport; "here" is this module):

- patients: no match here · test_pages · – · – · – · test_axe
- patient page (timeline): new patient here · test_pathway_web · unknown id and another
  patient's id here · – · nurse test_axe · test_axe
- assessment: test_pages · test_pathway_web · – · – · – · test_axe
- trial dashboard: here · test_pages · – · consent missing test_pathway_web · patient
  test_pathway_web · test_axe
- diary: here · test_pages · – · duplicate day test_pages · – · test_axe
- programmer: no device here · test_programmer · – · test_programmer (unsafe) · nurse here
  and test_accessibility · test_axe
- controller: no stimulator here · test_patient_pages · no connection test_patient_pages ·
  role here (nurse, 403) · – · test_axe
- follow-up: here · test_pages · – · consent missing test_pathway_web · – · test_axe
- consent: test_patient_pages · test_patient_pages · – · – · – · test_axe
- learn pages and checklist: – · test_guide · – · – · public · test_axe
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from a11y import axe_violations
from web_helpers import NURSE, PROGRAMMER, login

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def shows(page: Any, path: str, selector: str, text: str) -> None:
    """Open ``path``; ``selector`` comes to say ``text``; no axe violation; no sideways
    scrolling on a phone."""
    page.goto(path)
    page.locator(selector, has_text=text).first.wait_for()
    assert axe_violations(page) == [], path
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], path


def test_a_new_patients_pages_say_there_is_nothing_yet_on_a_phone(page: Any) -> None:
    page.set_viewport_size(PHONE)
    login(page, "demo-clinician")
    pid = page.evaluate(
        """async () => (await drg.api("POST", "/patients", {mrn: `EMPTY-${Date.now()}`,
             given_name: "Ena", family_name: "Empty", birth_date: "1970-01-01",
             sex: "female"})).id"""
    )
    base = f"/patients/{pid}"
    shows(page, base, "#timeline", "Nothing recorded yet.")
    shows(page, f"{base}/trial", "main", "No trial recorded for this patient yet.")
    shows(page, f"{base}/diary", "main", "There is no trial to keep a diary for.")
    shows(page, f"{base}/programmer", "#device-info", "No device recorded for this patient.")
    shows(page, f"{base}/controller", "#controller-info", "No stimulator is linked")
    assert page.locator("#usage").inner_text() == "Nothing yet."
    assert page.locator("#controller").is_hidden()
    shows(page, f"{base}/follow-up", "main", "No procedure recorded.")
    page.goto("/patients")
    page.get_by_label("Search by name or MRN").fill("no-such-patient-zzz")
    page.get_by_role("button", name="Search").click()
    page.locator("#patients", has_text="No patients found.").wait_for()
    assert axe_violations(page) == []


def test_unknown_and_forbidden_pages_answer_with_a_plain_error(page: Any) -> None:
    login(page, "demo-clinician")
    unknown = "/patients/00000000-0000-4000-8000-000000000000"
    for path in (unknown, f"{unknown}/programmer", f"{unknown}/controller"):
        answer = page.goto(path)
        assert answer is not None and answer.status == 404, path
        assert page.get_by_role("alert").inner_text() == "There is no such patient."
    assert axe_violations(page) == []
    page.goto("/patients")
    page.locator("#patients tr", has_text="DEMO-005").get_by_role("link").click()
    page.wait_for_url(re.compile(r"/patients/[0-9a-f-]{36}$"))
    other = page.url.rsplit("/", 1)[1]
    page.get_by_role("button", name="Log out").click()

    # A patient asking for another patient's page learns nothing about it.
    login(page, "demo-patient")
    answer = page.goto(f"/patients/{other}")
    assert answer is not None and answer.status == 404
    assert page.get_by_role("alert").inner_text() == "There is no such page."
    page.get_by_role("button", name="Log out").click()

    # A nurse may read programs but not use a patient's controller, and cannot propose.
    login(page, NURSE[0], NURSE[1])
    answer = page.goto(f"/patients/{other}/controller")
    assert answer is not None and answer.status == 403
    assert "Your role (nurse) may not open this page" in page.get_by_role("alert").inner_text()
    page.goto(f"/patients/{other}/programmer")
    page.get_by_role("region", name="Lead 1").wait_for()
    page.get_by_role("heading", name="Proposals for this device").wait_for()
    assert page.get_by_role("button", name="Propose to the patient").count() == 0
    assert page.get_by_role("button", name="Save group to device").is_disabled()
    assert axe_violations(page) == []


@pytest.mark.parametrize(
    "account", [("demo-patient", "demo-password"), NURSE, PROGRAMMER], ids=lambda a: a[0]
)
def test_every_tool_the_patient_page_links_opens_for_that_role(page: Any, account: Any) -> None:
    refused: list[str] = []  # the page asks only for what this role may read
    page.on("response", lambda r: r.status < 400 or refused.append(f"{r.status} {r.url}"))
    login(page, *account)
    if account[0] != "demo-patient":
        page.goto("/patients")
        page.locator("#patients tr", has_text="DEMO-003").get_by_role("link").click()
    page.wait_for_url(re.compile(r"/patients/[0-9a-f-]{36}$"))
    page.wait_for_load_state("networkidle")
    assert refused == [], (account[0], refused)
    links = page.locator("nav.tools a, #papers a[href$='/consent']")
    hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
    assert hrefs, "no tool linked"
    for href in hrefs:
        assert page.request.get(href).status == 200, (account[0], href)
    if account == PROGRAMMER:  # programs and the controller, not the diary
        assert not any(h.endswith("/diary") for h in hrefs)
        assert any(h.endswith("/programmer") for h in hrefs)

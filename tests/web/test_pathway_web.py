"""Browser tests of the pathway steps done in the web app: start a trial (after consent),
the planned days running out, the clinician's review decision ending the trial, and the
patient's view of the trial dashboard."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from web_helpers import NURSE, login, shot, wait_js

pytestmark = pytest.mark.browser


def open_patient(page: Any, mrn: str) -> str:
    page.goto("/patients")
    page.locator("#patients tr", has_text=mrn).get_by_role("link").click()
    page.wait_for_url(re.compile(r"/patients/[0-9a-f-]{36}$"))
    return str(page.url.rsplit("/", 1)[1])


def sign_consent(page: Any, pid: str, procedure: str, name: str) -> None:
    page.goto(f"/patients/{pid}/consent?procedure={procedure}")
    page.get_by_label("I have read this").check()
    page.get_by_label("Full name of the person signing").fill(name)
    page.get_by_role("button", name="Sign the consent").click()
    page.wait_for_url(re.compile(r"/consent\?id="))


def test_a_trial_starts_after_consent_runs_out_and_ends_with_the_decision(page: Any) -> None:
    login(page, "demo-clinician")
    pid = open_patient(page, "DEMO-002")
    page.goto(f"/patients/{pid}/trial")
    page.get_by_text("No trial recorded for this patient yet.").wait_for()
    assert page.locator("#review-block").is_hidden()  # no "Record review" without a trial
    start = page.get_by_role("region", name="Start a trial")
    ten_days_ago = (datetime.now(UTC).date() - timedelta(days=9)).isoformat()
    start.get_by_label("First day").fill(ten_days_ago)
    start.get_by_label("Usual pain before the trial").fill("7")
    start.get_by_role("button", name="Start the trial").click()
    page.locator("#start-trial-error", has_text="consent for the trial first").wait_for()

    sign_consent(page, pid, "trial", "Ben Carter")
    page.goto(f"/patients/{pid}/trial")
    start = page.get_by_role("region", name="Start a trial")
    start.get_by_label("First day").fill(ten_days_ago)
    start.get_by_label("Usual pain before the trial").fill("7")
    start.get_by_role("button", name="Start the trial").click()
    # 7 planned days from 9 days ago: over, and said so (not "active")
    page.get_by_text("The planned trial days are over").wait_for()
    assert "the planned 7 days ended on" in page.locator("#trial-info").inner_text()
    shot(page, "30-trial-overdue")

    page.get_by_label("Decision").select_option(label="Do not implant")
    page.get_by_role("button", name="Record review").click()
    page.locator("#verdict", has_text="Decision: Do not implant").wait_for()
    page.locator("#trial-info", has_text="ended on").wait_for()
    assert "insufficient_data" not in page.locator("#verdict").inner_text()
    page.goto(f"/patients/{pid}")
    page.locator("#stages li[aria-current=step]", has_text="Trial reviewed").wait_for()


def test_the_patient_sees_their_trial_in_plain_words(page: Any) -> None:
    login(page, "demo-patient")
    page.goto(page.url + "/trial")
    page.get_by_text("Your care team looks at your diary with you").wait_for()
    text = page.locator("main").inner_text()
    assert "may not do this" not in text and "role" not in text.lower()
    info = page.locator("#trial-info").inner_text()
    found = re.search(r"Started (\d{4}-\d\d-\d\d), 7 days planned \(active, day (\d) of 7\)", info)
    assert found, info
    started = datetime.fromisoformat(found.group(1)).date()
    assert int(found.group(2)) == (datetime.now(UTC).date() - started).days + 1


def test_new_patient_to_follow_up_in_the_browser_only(page: Any) -> None:
    """The whole pathway for a new patient, every step through the pages."""
    today = datetime.now(UTC).date()
    login(page, "demo-clinician")
    page.get_by_label("MRN", exact=True).fill("E2E-0001")
    page.get_by_label("Given name").fill("Erin")
    page.get_by_label("Family name").fill("Toend")
    page.get_by_label("Date of birth").fill("1966-04-05")
    page.get_by_role("button", name="Create patient").click()
    page.wait_for_url(re.compile(r"/patients/[0-9a-f-]{36}$"))
    pid = page.url.rsplit("/", 1)[1]
    # assessment: the body map, screened and planned as it is saved
    page.get_by_role("link", name="New assessment (body map)").click()
    page.locator("#region-foot_top-left").click()
    page.get_by_label("Pain duration (months)").fill("24")
    page.locator("#plan", has_text="L5").wait_for()
    # trial: consent, start seven days ago, four diary days, the review decision
    sign_consent(page, pid, "trial", "Erin Toend")
    page.goto(f"/patients/{pid}/trial")
    start = page.get_by_role("region", name="Start a trial")
    start.get_by_label("First day").fill((today - timedelta(days=6)).isoformat())
    start.get_by_label("Usual pain before the trial").fill("8")
    start.get_by_role("button", name="Start the trial").click()
    page.locator("#trial-info", has_text="day 7 of 7").wait_for()
    page.goto(f"/patients/{pid}/diary")
    for back, nrs in ((6, "5"), (5, "4"), (4, "3"), (3, "3")):
        page.get_by_label("Day", exact=True).fill((today - timedelta(days=back)).isoformat())
        page.get_by_label(f"Average pain {nrs}", exact=True).check()
        page.get_by_role("button", name="Save today's entry").click()
        page.locator("#entries tr", has_text=(today - timedelta(days=back)).isoformat()).wait_for()
    page.goto(f"/patients/{pid}/trial")
    page.get_by_label("Decision").select_option(label="Go ahead with the implant")
    page.get_by_role("button", name="Record review").click()
    page.locator("#verdict", has_text="Decision: Go ahead with the implant").wait_for()
    # implant a month ago (consent first), then the one-month visit
    sign_consent(page, pid, "implant", "Erin Toend")
    page.goto(f"/patients/{pid}/follow-up")
    form = page.locator("#procedure-form")
    form.get_by_label("Date").fill((today - timedelta(days=30)).isoformat())
    form.get_by_label("Lead levels").fill("L5 left")
    form.get_by_role("button", name="Record the procedure").click()
    page.locator("#procedure-list", has_text="Implant").wait_for()
    page.get_by_label("Months since implant").fill("1")
    page.get_by_label("Average pain (NRS 0–10)").fill("3")
    page.get_by_role("button", name="Save visit").click()
    page.locator("#visits tr", has_text=today.isoformat()).wait_for()
    page.goto(f"/patients/{pid}")
    page.locator("#stages li[aria-current=step]", has_text="Follow-up").wait_for()
    page.locator("#recovery-plan", has_text="lift more than 5 pounds").wait_for()
    page.locator("#consents", has_text="Implant consent").wait_for()
    shot(page, "31-end-to-end-follow-up")


def test_staff_correct_resolve_edit_and_discard(page: Any) -> None:
    login(page, "demo-clinician")
    # edit the patient's details
    pid = open_patient(page, "DEMO-002")
    page.get_by_text("Edit the patient's details").click()
    family = page.get_by_label("Family name")
    wait_js(page, "document.getElementById('p-family').value !== ''")
    family.fill("Carter-Smith")
    page.get_by_role("button", name="Save the details").click()
    page.get_by_role("heading", name="Ben Carter-Smith").wait_for()
    # no implant yet: no follow-up report to offer; the FHIR export is there
    assert page.get_by_role("link", name="Follow-up report").count() == 0
    fhir = page.request.get(page.get_by_role("link", name="FHIR export").get_attribute("href"))
    assert fhir.status == 200, fhir.text()
    assert fhir.json()["resourceType"] == "Bundle"
    # discard an assessment
    page.goto(f"/patients/{pid}/assessment")
    page.locator("#region-knee-right").click()
    page.locator("#save-state", has_text=re.compile(r"^Saved")).wait_for()
    page.get_by_role("button", name="Discard this assessment").click()
    page.get_by_role("button", name="Yes, discard it").click()
    page.wait_for_url(re.compile(rf"/patients/{pid}$"))
    page.locator("#timeline li").first.wait_for()
    assert "right knee" not in page.locator("#timeline").inner_text()
    # the reports open from an implanted patient's page
    implanted = open_patient(page, "DEMO-005")
    for name in ("Follow-up report", "Trial report"):
        link = page.get_by_role("link", name=name)
        link.wait_for()
        answer = page.request.get(link.get_attribute("href"))
        assert answer.status == 200 and "text/html" in answer.headers["content-type"], name
    # resolve a complication
    page.goto(f"/patients/{implanted}/follow-up")
    page.get_by_label("Event").select_option("infection")
    page.get_by_role("button", name="Save complication").click()
    open_item = page.locator("#complications li", has_text="infection").filter(has_text="open")
    open_item.get_by_role("button", name=re.compile("Mark .* resolved")).click()
    page.locator("#complications li", has_text="infection").filter(has_text="resolved").wait_for()
    page.get_by_role("button", name="Log out").click()
    # a nurse corrects a diary entry the patient phoned in wrongly
    login(page, NURSE[0], NURSE[1])
    in_trial = open_patient(page, "DEMO-003")
    page.goto(f"/patients/{in_trial}/diary")
    first = page.locator("#entries tr").first
    day = first.locator("td").first.inner_text()
    first.get_by_role("button", name=f"Correct the entry of {day}").click()
    page.get_by_label("Average pain 2", exact=True).check()
    reason = page.get_by_label("Reason for the amendment")
    if reason.is_visible():  # an earlier review used this day: an amendment needs a reason
        reason.fill("patient phoned: wrong day's score entered")
    page.get_by_role("button", name=f"Save the correction for {day}").click()
    page.locator("#entries tr", has_text=day).filter(has_text="2.0").wait_for()

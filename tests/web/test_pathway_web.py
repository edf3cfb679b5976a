"""Browser tests of the pathway steps done in the web app: start a trial (after consent),
the planned days running out, the clinician's review decision ending the trial, and the
patient's view of the trial dashboard."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from web_helpers import login, shot

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
    page.locator("#stages li[aria-current=step]", has_text="trial reviewed").wait_for()


def test_the_patient_sees_their_trial_in_plain_words(page: Any) -> None:
    login(page, "demo-patient")
    page.goto(page.url + "/trial")
    page.get_by_text("Your care team looks at your diary with you").wait_for()
    text = page.locator("main").inner_text()
    assert "may not do this" not in text and "role" not in text.lower()
    assert "day 5 of 7" in page.locator("#trial-info").inner_text()

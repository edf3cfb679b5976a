"""Browser tests: the clinic web app driven through Debian's Chromium."""

from __future__ import annotations

import re
from importlib.util import find_spec
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
    assert page.locator("#stages li[aria-current=step]").inner_text() == "Referred"
    page.get_by_text("Nothing recorded yet.").wait_for()
    shot(page, "03-new-patient-timeline")


def clinic_planning_ready() -> bool:
    """Whether the clinic layer's screening and planning modules are in this build."""
    return find_spec("drgstim.clinic.screening") is not None and (
        find_spec("drgstim.clinic.planning") is not None
    )


def open_patient(page: Any, mrn: str) -> str:
    """From the patient list, open the patient with ``mrn``; returns the patient id."""
    page.goto("/patients")
    page.locator("#patients tr", has_text=mrn).get_by_role("link").click()
    page.wait_for_url(re.compile(r"/patients/[0-9a-f-]{36}$"))
    return str(page.url.rsplit("/", 1)[1])


def test_body_map_marks_regions_by_mouse_and_keyboard_and_saves(page: Any) -> None:
    login(page, "demo-clinician")
    pid = open_patient(page, "DEMO-001")
    page.goto(f"/patients/{pid}/assessment")
    body_map = page.locator("#bodymap")
    knee = body_map.get_by_role("button", name="Left knee")
    knee.click()
    page.get_by_label("Intensity for Left knee").fill("8")
    foot = body_map.get_by_role("button", name="Right top of foot")
    foot.focus()
    page.keyboard.press("Enter")
    page.get_by_label("Intensity for Right top of foot").fill("6")
    # The screening's inputs (clinical.md): a CRPS patient after two medication classes,
    # on a blood thinner, with expectations discussed.
    page.get_by_label("Pain duration (months)").fill("18")
    page.get_by_label("Neuropathic pain").select_option("yes")
    page.get_by_label("Medication classes tried").fill("2")
    page.get_by_label("Expectations realistic (discussed)").select_option("yes")
    page.locator("#diagnoses-choices").get_by_label("CRPS type I", exact=True).check()
    page.locator("#conditions-choices").get_by_label("anticoagulant").check()
    page.locator("#anticoagulants-choices").get_by_label("apixaban").check()
    page.get_by_text(re.compile(r"Saved \(version \d+\)")).wait_for()
    assert page.locator("#region-knee-left").get_attribute("aria-pressed") == "true"
    assert page.locator("#region-knee-right").get_attribute("aria-pressed") == "false"
    assert page.locator("#pain-list tr").all_inner_texts() == [
        "Left knee\t8 / 10",
        "Right top of foot\t6 / 10",
    ]
    # The screening and the target plan answer for the saved pain map: their results when
    # the clinic layer provides them, otherwise the service's reason naming what is missing.
    screening, plan = page.locator("#screening"), page.locator("#plan")
    page.locator("#screening-outcome, #screening .error").first.wait_for()
    page.locator("#plan-table, #plan .error").first.wait_for()
    if clinic_planning_ready():
        outcome = page.locator("#screening-outcome")
        outcome.wait_for()
        assert outcome.inner_text().startswith("Outcome:")
        # The blood thinner asks for a review, with the rule's reason and source shown.
        assert "needs review" in outcome.inner_text()
        rules_text = page.locator("#screening-rules").inner_text().lower()
        assert "anticoag" in rules_text and "apixaban: stop 3 days before" in rules_text
        assert "pns_lower_bleeding_risk" not in rules_text  # ids are not shown, labels are
        assert "peripheral nerve" in page.locator("#screening-alternatives").inner_text()
        levels = page.locator("#plan-table tbody tr").all_inner_texts()
        # clinical.md: knee → L3 (± L4); top of foot → L5, S1 (L4)
        assert any(row.startswith("L3\tleft") for row in levels), levels
        assert any(row.startswith(("L5\tright", "S1\tright")) for row in levels), levels
    else:
        assert "drgstim.clinic.screening" in screening.inner_text()
        assert "drgstim.clinic.planning" in plan.inner_text()
    shot(page, "04-assessment-body-map")
    # The saved pain map is what the API now holds (reload from the server).
    page.reload()
    page.locator("#pain-list tr", has_text="Left knee").wait_for()
    assert body_map.get_by_role("button", name="Left knee, pain 8 of 10").count() == 1


def test_patient_enters_diary_day_and_duplicate_is_refused(page: Any) -> None:
    login(page, "demo-patient")
    assert re.search(r"/patients/[0-9a-f-]{36}$", page.url)
    page.set_viewport_size({"width": 390, "height": 844})  # a phone
    page.get_by_role("link", name="My diary").click()
    page.get_by_text("Trial started").wait_for()
    # Phone-friendly: nothing wider than the screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.get_by_label("Average pain 3", exact=True).check()
    page.get_by_label("Hours of sleep (optional)").fill("7")
    page.get_by_role("button", name="Save today's entry").click()
    page.get_by_role("status").filter(has_text="Saved the entry").wait_for()
    page.locator("#entries tr", has_text=page.evaluate("drg.today()")).wait_for()
    shot(page, "05-diary")
    # The same day again is refused with the API's reason, not silently overwritten.
    page.get_by_label("Day", exact=True).fill(page.evaluate("drg.today()"))
    page.get_by_label("Average pain 2", exact=True).check()
    page.get_by_role("button", name="Save today's entry").click()
    error = page.locator("#diary-error")
    error.wait_for()
    print("duplicate diary day refused with:", error.inner_text())
    assert error.inner_text().strip() != ""
    assert page.locator("#entries tr").count() == 5  # four demo days + today, no duplicate


def test_trial_dashboard_draws_chart_against_baseline_and_success_line(page: Any) -> None:
    login(page, "demo-clinician")
    pid = open_patient(page, "DEMO-004")
    page.goto(f"/patients/{pid}/trial")
    page.locator("#nrs-chart .main-svg").first.wait_for()
    legend = page.locator("#nrs-chart .legendtext").all_text_contents()
    assert legend == ["Average NRS", "Baseline 7.0", "50 % reduction (3.5)"]
    assert page.locator("#diary-table tr").count() == 7
    shot(page, "06-trial-dashboard")


def test_trial_dashboard_shows_verdict_and_records_review(page: Any) -> None:
    login(page, "demo-clinician")
    pid = open_patient(page, "DEMO-003")
    page.goto(f"/patients/{pid}/trial")
    live = page.locator("#evaluation")
    live.wait_for()
    print("live evaluation:", live.inner_text())
    verdict = live.locator(".verdict-value").inner_text()
    assert verdict in {"Success", "Not a success", "Not enough diary days to judge"}
    assert "reduction" in live.inner_text()
    page.get_by_label("Patient's goals met?").select_option("true")
    page.get_by_role("button", name="Record review").click()
    recorded = page.locator("[id^=review-]").filter(has_text="Review recorded")
    recorded.first.wait_for()
    assert recorded.first.locator(".verdict-value").inner_text() == verdict
    shot(page, "07-trial-verdict")
    page.goto(f"/patients/{pid}")
    page.locator("#timeline li", has_text=f"Trial review: {verdict}").first.wait_for()
    assert page.locator("#stages li[aria-current=step]").inner_text() == "Trial reviewed"


def test_follow_up_visit_and_complication_are_recorded(page: Any) -> None:
    login(page, "demo-clinician")
    pid = open_patient(page, "DEMO-005")
    page.goto(f"/patients/{pid}/follow-up")
    page.locator("#complications li", has_text="lead migration").wait_for()
    assert page.locator("#visits tr").count() == 4  # demo visits at months 1, 3, 6, 12
    # the demo implant was 360 days ago: today's visit is the 12-month one, not the 24th
    page.get_by_label("Months since implant").fill("24")
    page.get_by_label("Average pain (NRS 0–10)").fill("1.5")
    page.get_by_role("button", name="Save visit").click()
    page.locator("#visit-error", has_text="month 24 after the implant").wait_for()
    page.get_by_label("Months since implant").fill("12")
    page.get_by_role("button", name="Save visit").click()
    page.locator("#visits tr", has_text="1.5").wait_for()
    page.get_by_label("Event").select_option("ipg_site_pain")
    page.get_by_label("Severity").select_option("mild")
    page.get_by_role("button", name="Save complication").click()
    page.locator("#complications li", has_text="ipg site pain").wait_for()
    shot(page, "08-follow-up")
    # The timeline lists the new records too.
    page.goto(f"/patients/{pid}")
    page.locator("#timeline li", has_text="Follow-up, month 12").filter(
        has_text="NRS 1.5"
    ).wait_for()
    page.locator("#timeline li", has_text="Complication: ipg site pain").wait_for()
    shot(page, "09-timeline-follow-up")

"""Browser tests of the patient's side: the pre-visit checklist (sent, then imported into an
assessment by the clinician), consent signed and withdrawn, the recovery plan."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from a11y import axe_violations
from web_helpers import login, shot, wait_js

pytestmark = pytest.mark.browser


def logout(page: Any) -> None:
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url(re.compile(r"/login"))


def open_patient(page: Any, mrn: str) -> str:
    page.goto("/patients")
    page.locator("#patients tr", has_text=mrn).get_by_role("link").click()
    page.wait_for_url(re.compile(r"/patients/[0-9a-f-]{36}$"))
    return str(page.url.rsplit("/", 1)[1])


def test_anyone_can_fill_in_and_print_the_checklist_without_logging_in(page: Any) -> None:
    page.goto("/login")
    page.get_by_role("link", name="pre-visit checklist").click()
    page.get_by_role("heading", name="Pre-visit checklist").wait_for()
    # the heading is parsed before the page's scripts have run: a key pressed then goes
    # to a button without its handler
    page.wait_for_load_state("load")
    assert page.get_by_role("button", name="Send to my care team").count() == 0
    knee = page.get_by_role("button", name="Left knee", exact=True)
    knee.focus()
    page.keyboard.press("Enter")
    assert knee.get_attribute("aria-pressed") == "true"
    assert page.locator("#areas-chosen").inner_text() == "Left knee"
    pdf = page.request.get("/learn/checklist.pdf")
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.body()[:5] == b"%PDF-"


def test_patient_sends_the_checklist_and_the_clinician_imports_it(page: Any) -> None:
    login(page, "demo-patient")
    page.goto("/learn/checklist")
    page.get_by_role("button", name="Right knee", exact=True).click()
    page.get_by_label("How many months have you had this pain?").fill("18")
    page.get_by_label("Your usual pain, from 0").fill("6")
    page.get_by_label("Physical therapy or exercise programs").check()
    page.get_by_label("Diabetes").check()
    page.get_by_label("What would you like to be able to do again?").fill("Garden again")
    page.get_by_role("button", name="Send to my care team").click()
    page.get_by_text("Sent. Your care team will see it on your record.").wait_for()
    shot(page, "20-checklist-sent")
    logout(page)

    login(page, "demo-clinician")
    open_patient(page, "DEMO-003")
    item = page.locator("#checklists li", has_text="usual pain 6/10").first
    item.get_by_role("button", name="Start an assessment from it").click()
    page.wait_for_url(re.compile(r"/assessment\?id="))
    page.locator("#pain-list", has_text="Right knee").wait_for()
    assert page.get_by_label("Pain duration (months)").input_value() == "18"
    assert page.locator('input[name="conditions"][value="diabetes"]').is_checked()


def test_clinician_records_a_signed_consent_and_its_withdrawal(page: Any) -> None:
    login(page, "demo-clinician")
    pid = open_patient(page, "DEMO-001")
    page.get_by_role("link", name="Read and sign a consent").click()
    page.get_by_role("link", name="Implant of a DRG stimulation system").click()
    page.get_by_role("heading", name="Consent: Implant of a DRG stimulation system").wait_for()
    risks = page.locator("article ul").first.inner_text()
    assert "Infection" in risks and "paralysis" in risks
    assert "Spinal cord stimulation" in page.locator("article ul").nth(1).inner_text()
    page.get_by_role("button", name="Sign the consent").click()  # unticked: refused by the form
    assert page.url.endswith("procedure=implant")
    page.get_by_label("I have read this").check()
    page.get_by_label("Full name of the person signing").fill("Anna Berg")
    page.get_by_role("button", name="Sign the consent").click()
    page.wait_for_url(re.compile(r"/consent\?id="))
    assert page.locator("#signed-by").inner_text() == "Anna Berg"
    page.locator("dl.signature").get_by_text("Demo clinician", exact=True).wait_for()
    shot(page, "21-consent-signed")
    page.get_by_role("button", name="Withdraw this consent").click()
    page.get_by_text("Withdrawn on").wait_for()
    page.goto(f"/patients/{pid}")
    page.locator("#consents li", has_text="Implant consent").get_by_text("withdrawn").wait_for()


def test_the_patient_sees_the_trial_recovery_plan_and_gets_a_calendar_file(page: Any) -> None:
    login(page, "demo-patient")
    plan = page.locator("#recovery-plan")
    plan.get_by_text("Fill in your pain diary today.").first.wait_for()
    assert "lift more than 5 pounds" in plan.inner_text()
    assert page.locator("#recovery-plan li.current").count() >= 3
    with page.expect_download() as download:
        page.get_by_role("link", name="Add the plan to a calendar").click()
    text = Path(download.value.path()).read_text(encoding="utf-8")
    assert text.startswith("BEGIN:VCALENDAR") and "BEGIN:VEVENT" in text
    shot(page, "22-recovery-plan")


def test_the_controller_speaks_of_body_areas_and_keeps_the_focus(page: Any) -> None:
    login(page, "demo-patient")
    page.get_by_role("link", name="My stimulator").click()
    card = page.get_by_role("region", name="Left top of foot").first
    card.wait_for()
    assert "nerve root" in card.inner_text() and "L5" in card.inner_text()
    power = card.get_by_role("button", name=re.compile(r": (on|off)$"))
    if power.get_attribute("aria-pressed") == "true":
        power.focus()
        page.keyboard.press("Enter")
        wait_js(
            page,
            "document.querySelector('[data-key=lead-1-power]')"
            ".getAttribute('aria-pressed') === 'false'",
        )
    meter = page.locator(".region-card").first.get_by_role("meter")
    assert meter.get_attribute("aria-valuenow") == "0"
    assert meter.get_attribute("aria-valuetext") == "off"
    assert page.evaluate("document.querySelector('.region-card .fill').style.width") == "0%"
    page.locator("[data-key=lead-1-power]").focus()
    page.keyboard.press("Enter")
    wait_js(
        page,
        "document.querySelector('[data-key=lead-1-power]').getAttribute('aria-pressed') === 'true'",
    )
    assert page.evaluate("document.activeElement.dataset.key") == "lead-1-power"
    page.get_by_text("Connected to your stimulator.").wait_for()
    page.locator("#usage li", has_text="Left top of foot (L5): turned on").first.wait_for()
    # Both demo leads treat the top of the foot: their nerve roots tell them apart.
    names = page.locator(".region-card h2").all_inner_texts()
    assert names == ["Left top of foot (L5)", "Left top of foot (S1)"], names


def test_a_patient_tells_the_team_coverage_changed_and_it_shows_on_their_list(
    page: Any,
) -> None:
    login(page, "demo-patient")
    page.get_by_role("link", name="My stimulator").click()
    page.get_by_label("The tingle has moved or no longer covers my pain").check()
    page.get_by_label("Anything else to say").fill("Since Tuesday")
    page.get_by_role("button", name="Send to my care team").click()
    page.get_by_text("Sent. Your care team will contact you.").wait_for()
    page.get_by_role("button", name="Log out").click()
    login(page, "demo-clinician")
    item = page.locator("#messages li", has_text="Coverage changed").filter(
        has_text="Since Tuesday"
    )
    item.wait_for()
    assert "Cara Diaz (DEMO-003)" in item.inner_text()
    item.get_by_role("button", name=re.compile("dealt with")).click()
    page.locator("#messages", has_text="Since Tuesday").wait_for(state="detached")


def test_the_clinic_proposes_changes_from_the_programmer_the_patient_accepts_and_declines(
    page: Any,
) -> None:
    login(page, "demo-clinician")
    pid = open_patient(page, "DEMO-003")
    page.goto(f"/patients/{pid}/programmer")
    send = page.get_by_role("button", name="Propose to the patient")
    verdict = page.locator("#proposal-verdict")
    verdict.filter(has_text="Safety check: safe").wait_for()  # the stored group, as checked
    group = page.get_by_label("Group name").input_value()
    lead = page.get_by_role("region", name="Lead 1")
    before = int(lead.get_by_label("Amplitude (µA)").input_value())
    lead.get_by_role("button", name="Lead 1 amplitude up").click()
    stepped = int(lead.get_by_label("Amplitude (µA)").input_value())
    assert stepped > before
    # While the device has not answered for the edited group, nothing can be sent.
    verdict.filter(has_text="Safety check: safe").wait_for()
    assert send.is_enabled()
    page.get_by_label("Note for the patient").fill("A little stronger on the foot.")
    send.click()
    page.locator("#proposal-result", has_text="waits for their answer").wait_for()
    row = page.locator("#proposals-table tbody tr", has_text="A little stronger on the foot.")
    assert "waiting for the patient" in row.inner_text()
    assert f"{stepped} µA" in row.inner_text()
    assert axe_violations(page) == []
    shot(page, "16-programmer-proposal")
    logout(page)

    login(page, "demo-patient")
    page.get_by_role("link", name="My stimulator").click()
    page.get_by_text("A little stronger on the foot.").wait_for()
    assert axe_violations(page) == []  # the controller with a change waiting
    page.get_by_role("button", name=f"Accept the change to {group}").click()
    page.get_by_text("No changes waiting.").wait_for()
    logout(page)

    login(page, "demo-clinician")
    page.goto(f"/patients/{pid}/programmer")
    row = page.locator("#proposals-table tbody tr", has_text="A little stronger on the foot.")
    assert "accepted" in row.inner_text()
    # Audited: proposed by the clinician, answered by the patient.
    audit = page.request.get(
        f"/api/audit?entity=program_proposals&entity_id={row.get_attribute('data-id')}"
    ).json()["items"]
    assert [(a["action"], a["actor"]) for a in audit[::-1]] == [
        ("create", "demo-clinician"),
        ("update", "demo-patient"),
    ], audit
    page.get_by_role("button", name=re.compile(f"^{group}")).click()
    wait_js(page, f"document.querySelector('#lead1-amplitude_uA')?.value === '{stepped}'")

    # A second proposal, declined: the group stays as accepted.
    verdict.filter(has_text="Safety check: safe").wait_for()
    page.get_by_label("Note for the patient").fill("Back down a step?")
    send.click()
    page.locator("#proposal-result", has_text="waits for their answer").wait_for()
    logout(page)
    login(page, "demo-patient")
    page.get_by_role("link", name="My stimulator").click()
    page.get_by_text("Back down a step?").wait_for()
    page.get_by_role("button", name=f"Decline the change to {group}").click()
    page.get_by_text("No changes waiting.").wait_for()
    logout(page)
    login(page, "demo-clinician")
    page.goto(f"/patients/{pid}/programmer")
    declined = page.locator("#proposals-table tbody tr", has_text="Back down a step?")
    assert "declined" in declined.inner_text()
    wait_js(page, f"document.querySelector('#lead1-amplitude_uA')?.value === '{stepped}'")


def test_the_controller_reports_battery_and_connection_in_plain_words(page: Any) -> None:
    login(page, "demo-clinician")
    pid = open_patient(page, "DEMO-005")  # an implanted generator
    page.goto(f"/patients/{pid}/controller")
    battery = page.locator("#controller-battery")
    battery.filter(has_text="Battery: good.").wait_for()
    assert re.search(r"lasts about \d+\.\d years more at these settings", battery.inner_text())
    page.locator("#controller-connection", has_text="Connected to the stimulator.").wait_for()
    # The link to the stimulator drops: the page says so and shows the settings unchanged.
    card = page.locator(".region-card").first
    power = card.get_by_role("button", name=re.compile(r": (on|off)$"))
    pressed = power.get_attribute("aria-pressed")
    page.route("**/api/devices/*/controller", lambda route: route.abort())
    power.click()
    page.locator("#controller-connection", has_text="Not connected to the stimulator").wait_for()
    assert power.get_attribute("aria-pressed") == pressed
    assert page.locator("#controller-error").is_hidden()  # said once, not as "Failed to fetch"
    assert axe_violations(page) == []
    shot(page, "23-controller-not-connected")
    # The words for a low and an empty battery, as the device would report them.
    page.unroute("**/api/devices/*/controller")

    def reporting(state: str, years: float) -> Any:
        def report(route: Any) -> None:
            answer = route.fetch()
            body = {**answer.json(), "battery": state, "battery_years_left": years}
            route.fulfill(response=answer, json=body)

        return report

    for state, years, words in (
        ("eri", 0.05, "Battery: low. The generator needs replacing soon"),
        ("eos", 0.0, "Battery: empty. Stimulation has stopped: call your clinic."),
    ):
        page.route("**/api/devices/*/controller", reporting(state, years))
        page.reload()
        battery.filter(has_text=words).wait_for()
        page.unroute("**/api/devices/*/controller")
    assert "lasts about" not in battery.inner_text()  # nothing left to promise at EOS

"""Browser tests: the clinician programmer and the patient controller."""

from __future__ import annotations

import re
import time
from importlib.util import find_spec
from pathlib import Path
from typing import Any

import pytest
from web_helpers import login, shot, wait_js

pytestmark = pytest.mark.browser


def device_layer_ready() -> bool:
    """Whether drgstim.device provides the safety check the API calls."""
    if find_spec("drgstim.device") is None:
        return False
    import drgstim.device as device

    return hasattr(device, "check_program")


def open_tool(page: Any, mrn: str, tool: str) -> str:
    page.goto("/patients")
    page.locator("#patients tr", has_text=mrn).get_by_role("link").click()
    page.wait_for_url(re.compile(r"/patients/[0-9a-f-]{36}$"))
    pid = str(page.url.rsplit("/", 1)[1])
    page.goto(f"/patients/{pid}/{tool}")
    return pid


def test_programmer_opens_the_stored_group_and_steps_on_the_grid_the_api_serves(
    page: Any,
) -> None:
    login(page, "demo-clinician")
    with page.expect_response(re.compile(r"/api/device/grid$")) as grid_call:
        open_tool(page, "DEMO-005", "programmer")
    served = grid_call.value.json()["parameters"]
    assert served["amplitude_uA"]["values"][:3] == [0, 25, 50]
    assert page.locator("#device-grid").count() == 0  # no copy of the grid in the page
    lead = page.get_by_role("region", name="Lead 1")
    lead.wait_for()
    # The demo's stored group "Awake" is shown, not a blank form.
    amplitude = lead.get_by_label("Amplitude (µA)")
    assert amplitude.input_value() == "800"
    assert lead.get_by_label("Patient maximum (µA)").input_value() == "1200"
    cathode = lead.get_by_role("button", name="Lead 1 contact 1 cathode")
    assert cathode.get_attribute("aria-pressed") == "true"
    assert "Saved group" in page.locator("#program-status").inner_text()
    up = lead.get_by_role("button", name="Lead 1 amplitude up")
    down = lead.get_by_role("button", name="Lead 1 amplitude down")
    up.click()
    assert amplitude.input_value() == "825"
    page.locator("#changes", has_text="Lead 1 amplitude: 800 → 825 µA").wait_for()
    amplitude.fill("1990")
    amplitude.press("Tab")  # snaps to the allowed value at or below: 1975
    assert amplitude.input_value() == "1975"
    # The patient's maximum can never be below the amplitude: it follows it up.
    assert lead.get_by_label("Patient maximum (µA)").input_value() == "1975"
    up.click()
    up.click()
    assert amplitude.input_value() == "2050"  # 25 µA steps to 2000, then 50 µA
    down.click()
    assert amplitude.input_value() == "2000"
    lead.get_by_role("button", name="Lead 1 pulse width up").click()
    assert lead.get_by_label("Pulse width (µs)").input_value() == "310"
    lead.get_by_role("button", name="Lead 1 frequency down").click()
    assert lead.get_by_label("Frequency (Hz)").input_value() == "18"
    # Any change of the contact configuration resets the amplitude to 0 (device rule).
    lead.get_by_role("button", name="Lead 1 contact 3 anode").click()
    assert lead.get_by_label("Amplitude (µA)").input_value() == "0"
    page.locator("#safety .error, #safety-verdict").first.wait_for()  # the live check answered
    shot(page, "10-programmer")


def _device_with_a_group(page: Any, pid: str) -> None:
    """An IPG with one measured lead and a saved group, through the API as the page."""
    page.evaluate(
        """async (pid) => {
          const d = await drg.api("POST", `/patients/${pid}/devices`, {kind: "ipg",
            serial: "WEB-HISTORY-1",
            leads: [{lead: 1, level: "L4", side: "right", impedance_ohm: 1200}]});
          await drg.api("POST", `/devices/${d.id}/programs`, {name: "Walk", settings: {leads: [
            {lead: 1, contacts: ["-", "+", "0", "0"], amplitude_uA: 800,
             patient_max_uA: 1000, pulse_width_us: 300, frequency_Hz: 20}]}});
        }""",
        pid,
    )


def test_saving_over_a_group_asks_first_and_the_history_restores_a_version(page: Any) -> None:
    login(page, "demo-clinician")
    pid = open_tool(page, "DEMO-002", "programmer")
    page.locator("#device-info").wait_for()
    _device_with_a_group(page, pid)
    page.reload()
    lead = page.get_by_role("region", name="Lead 1")
    amplitude = lead.get_by_label("Amplitude (µA)")
    wait_js(page, "document.querySelector('#lead1-amplitude_uA')?.value === '800'")
    lead.get_by_role("button", name="Lead 1 amplitude up").click()
    lead.get_by_role("button", name="Lead 1 amplitude up").click()
    assert amplitude.input_value() == "850"
    save = page.get_by_role("button", name="Save group to device")
    dialog = page.get_by_role("dialog", name='Overwrite the group "Walk"?')
    # Cancel: nothing is written.
    save.click()
    dialog.wait_for()
    assert "Lead 1 amplitude: 800 → 850 µA" in dialog.inner_text()
    shot(page, "14-programmer-confirm-overwrite")
    dialog.get_by_role("button", name="Cancel").click()
    page.locator("#save-result", has_text="Not saved.").wait_for()
    # Confirm: the group is overwritten and the history shows who, when and what.
    save.click()
    dialog.get_by_role("button", name="Yes, overwrite").click()
    page.locator("#save-result .ok").wait_for()
    rows = page.locator("#history-table tbody tr")
    wait_js(page, "document.querySelectorAll('#history-table tbody tr').length === 2")
    assert "demo-clinician" in rows.nth(0).inner_text()
    assert "850 µA" in rows.nth(0).inner_text() and "800 µA" in rows.nth(1).inner_text()
    shot(page, "15-programmer-history")
    rows.nth(1).get_by_role("button", name=re.compile("^Restore")).click()
    page.get_by_role("dialog", name=re.compile("^Restore")).get_by_role(
        "button", name="Yes, overwrite"
    ).click()
    wait_js(page, "document.querySelectorAll('#history-table tbody tr').length === 3")
    assert amplitude.input_value() == "800"
    page.reload()
    wait_js(page, "document.querySelector('#lead1-amplitude_uA')?.value === '800'")


def test_a_disabled_group_says_why(page: Any) -> None:
    login(page, "demo-clinician")
    open_tool(page, "DEMO-002", "programmer")
    lead = page.get_by_role("region", name="Lead 1")
    lead.wait_for()
    # 800 µA × 6000 Ω = 4.8 V: above the 4.6 V compliance, the stored group is disabled.
    lead.get_by_label("Impedance (Ω)").fill("6000")
    lead.get_by_role("button", name="Transfer impedance").click()
    status = page.locator("#program-status", has_text="is disabled")
    status.wait_for()
    assert "maximum output reached" in status.inner_text()
    assert "(disabled)" in page.locator("#groups-list").inner_text()


def test_unsafe_program_is_refused_with_the_reason(page: Any) -> None:
    login(page, "demo-clinician")
    open_tool(page, "DEMO-005", "programmer")
    save = page.get_by_role("button", name="Save group to device")
    page.locator("#safety-verdict", has_text="Safe").wait_for()  # the stored group
    assert save.is_enabled()
    lead = page.get_by_role("region", name="Lead 1")
    lead.get_by_role("button", name="Lead 1 contact 1 cathode").click()
    lead.get_by_role("button", name="Lead 1 contact 2 anode").click()
    # 6 mA × 1000 µs: allowed by the reference device, far above the charge limits.
    lead.get_by_label("Amplitude (µA)").fill("6000")
    lead.get_by_label("Amplitude (µA)").press("Tab")
    lead.get_by_label("Pulse width (µs)").fill("1000")
    lead.get_by_label("Pulse width (µs)").press("Tab")
    page.get_by_label("Group name").fill("Too strong")
    page.locator("#safety-verdict", has_text="Refused").wait_for()
    # Save is off while the device refuses the group, and says why.
    assert save.is_disabled()
    assert "the device refuses this group" in page.locator("#save-hint").inner_text()
    # Each refusal once, in the device's words (contacts refused by one rule together).
    errors = page.locator("#safety-errors li").all_inner_texts()
    assert len(errors) == len(set(errors)), errors
    shannon = [e for e in errors if "Shannon" in e]
    assert shannon == [
        "Lead 1: contacts E1 (cathode) and E2 (anode): refused by the Shannon (1992) k limit: "
        "k must stay below 1.85 (tissue damage seen at k >= 1.85)"
    ]
    shot(page, "11-programmer-refused")
    # The server refuses anyway (a button forced on, as a stale page could send it).
    page.evaluate("document.getElementById('save-program').disabled = false")
    save.click()
    refusal = page.locator("#save-result .refused")
    refusal.wait_for()
    text = refusal.inner_text()
    assert text.startswith("Not saved. The device refused it: Lead 1 amplitude 6000 µA:"), text
    assert "Allowed: 0–1650 µA on this lead" in text
    assert "settings.leads" not in text and "index 0" not in text and "= 6000" not in text
    assert text.count("Shannon") == 1
    # Back to a safe amplitude: the check passes and Save is on again.
    lead.get_by_label("Pulse width (µs)").fill("300")
    lead.get_by_label("Pulse width (µs)").press("Tab")
    lead.get_by_label("Patient maximum (µA)").fill("800")
    lead.get_by_label("Patient maximum (µA)").press("Tab")
    page.locator("#safety-verdict", has_text="Safe").wait_for()
    wait_js(page, "!document.getElementById('save-program').disabled")
    # Nothing unsafe was stored.
    page.reload()
    page.get_by_role("region", name="Lead 1").wait_for()
    assert "Too strong" not in page.locator("#groups-list").inner_text()


def test_impedance_is_transferred_to_the_device(page: Any) -> None:
    login(page, "demo-clinician")
    open_tool(page, "DEMO-005", "programmer")
    lead = page.get_by_role("region", name="Lead 2")
    lead.get_by_label("Impedance (Ω)").fill("1705")
    lead.get_by_role("button", name="Transfer impedance").click()
    page.get_by_role("status").filter(has_text="Impedance of lead 2 transferred").wait_for()
    page.reload()
    impedance = page.get_by_role("region", name="Lead 2").get_by_label("Impedance (Ω)")
    assert impedance.input_value() == "1705"


def test_programming_session_is_opened_and_closed(page: Any) -> None:
    login(page, "demo-clinician")
    open_tool(page, "DEMO-005", "programmer")
    page.get_by_role("button", name="Start programming session").click()
    page.get_by_text("Programming session open since").wait_for()
    page.reload()  # the open session is stored, not page state
    page.get_by_role("button", name="End programming session").click()
    page.get_by_text("No programming session open.").wait_for()
    page.reload()
    page.get_by_role("button", name="Start programming session").wait_for()


def controller_ready() -> bool:
    if find_spec("drgstim.device") is None:
        return False
    import drgstim.device as device

    return hasattr(device, "PatientController") and hasattr(device, "check_program")


def test_patient_controller_on_trial_stimulator(page: Any) -> None:
    # Cara, the demo patient in her trial, has her trial stimulator (demo data); the
    # clinician saves a group for patient use, then Cara uses her controller.
    login(page, "demo-clinician")
    open_tool(page, "DEMO-003", "programmer")
    page.get_by_role("region", name="Lead 2").wait_for()
    assert "trial stimulator DEMO-TNS-0003: 2 lead(s)" in page.locator("#device-info").inner_text()
    if controller_ready():
        lead = page.get_by_role("region", name="Lead 1")
        # The device programs a lead only once its impedance is measured.
        lead.get_by_label("Impedance (Ω)").fill("1300")
        lead.get_by_role("button", name="Transfer impedance").click()
        page.get_by_role("status").filter(has_text="Impedance of lead 1 transferred").wait_for()
        lead.get_by_role("button", name="Lead 1 contact 1 cathode").click()
        lead.get_by_role("button", name="Lead 1 contact 2 anode").click()
        lead.get_by_label("Amplitude (µA)").fill("800")
        lead.get_by_label("Amplitude (µA)").press("Tab")
        # The patient may go up to 1200 µA; a maximum below the amplitude is impossible.
        lead.get_by_label("Patient maximum (µA)").fill("1200")
        lead.get_by_label("Patient maximum (µA)").press("Tab")
        page.get_by_label("Group name").fill("Awake")
        page.get_by_role("button", name="Save group to device").click()
        page.locator("#save-result .ok").wait_for()
    page.context.clear_cookies()

    login(page, "demo-patient")
    page.get_by_role("link", name="My stimulator").click()
    page.locator("#controller-info", has_text="Stimulator DEMO-TNS-0003").wait_for()
    # named by the body area her pain map gives the lead's level, the level as a detail
    page.get_by_role("heading", name="Left top of foot").first.wait_for()
    if controller_ready():
        region = page.locator(".region-card").first
        region.wait_for()
        # the demo's "Trial" group is in use; switch to the group the clinician just saved
        page.get_by_label("Program").select_option("Awake")
        page.locator("#controller-info", has_text="program in use: Awake").wait_for()
        on_off = region.get_by_role("button", name=re.compile(r": (on|off)$"))
        if on_off.get_attribute("aria-pressed") == "false":
            on_off.click()
        meter = region.get_by_role("meter")
        assert meter.get_attribute("aria-valuemax") == "1200"
        before = float(meter.get_attribute("aria-valuenow") or 0)
        region.get_by_role("button", name=re.compile("stronger")).click()
        # Poll from Python: a string predicate would be eval'd in the page, which the
        # Content-Security-Policy (no 'unsafe-eval') forbids.
        deadline = time.monotonic() + 10
        while float(meter.get_attribute("aria-valuenow") or 0) <= before:
            assert time.monotonic() < deadline, "the amplitude did not step up"
            page.wait_for_timeout(100)
        assert float(meter.get_attribute("aria-valuenow") or 0) <= float(
            meter.get_attribute("aria-valuemax") or 0
        )
        # The clinician's group runs both leads; Cara switches the second region off, so
        # that restore (below) has a region to leave off.
        second = page.locator(".region-card").nth(1)
        second.get_by_role("button", name=re.compile(": on$")).click()
        second.get_by_role("button", name=re.compile(": off$")).wait_for()
    else:
        error = page.locator("#controller-error")
        error.wait_for()
        assert "drgstim.device" in error.inner_text()
    shot(page, "12-patient-controller")
    # All off asks first: cancel sends nothing, confirm sends the all-off action.
    calls: list[str] = []

    def record(request: Any) -> None:
        if request.url.endswith("/controller"):
            calls.append(request.post_data or "")

    page.on("request", record)
    page.get_by_role("button", name="Turn all stimulation off").click()
    dialog = page.get_by_role("dialog", name="Turn all stimulation off?")
    dialog.wait_for()
    shot(page, "13-controller-confirm-all-off")
    dialog.get_by_role("button", name="Cancel").click()
    assert not calls
    page.get_by_role("button", name="Turn all stimulation off").click()
    with page.expect_response(re.compile(r"/controller$")):
        dialog.get_by_role("button", name="Yes, turn all off").click()
    assert calls and '"all_off"' in calls[0] and '"confirm":true' in calls[0].replace(" ", "")
    if controller_ready():
        # Restore brings back the region that was on, and only it.
        restore = page.get_by_role("button", name="Turn stimulation back on")
        restore.click()
        page.get_by_role("button", name="Turn all stimulation off").wait_for()
        cards = page.locator(".region-card")
        assert cards.nth(0).get_by_role("button", name=re.compile(": on$")).count() == 1
        assert cards.nth(1).get_by_role("button", name=re.compile(": off$")).count() == 1


@pytest.mark.slow
def test_programmer_shows_predicted_coverage_on_the_body_map(
    page: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The coverage panel follows the program being edited: a job with a progress bar, then
    the body map shaded in the lead's dermatome only. The panel's default population
    (200 neurons per level) is solved cold (an empty threshold cache) in well under a
    minute; the wait allows for the solver's first compilation in a fresh checkout."""
    monkeypatch.setenv("DRGSTIM_CACHE_DIR", str(tmp_path))
    login(page, "demo-clinician")
    open_tool(page, "DEMO-005", "programmer")
    lead = page.get_by_role("region", name="Lead 1")
    lead.wait_for()
    lead.get_by_role("button", name="Lead 1 contact 2 cathode").click()
    lead.get_by_role("button", name="Lead 1 contact 3 anode").click()
    amplitude = lead.get_by_label("Amplitude (µA)")
    amplitude.fill("1000")
    amplitude.press("Tab")
    assert page.locator("#coverage-neurons").input_value() == "200"
    page.locator("#coverage-table:not([hidden])").wait_for(timeout=180_000)
    shaded = page.locator("#coverage-panel svg.bodymap .region[data-coverage]")
    assert shaded.count() >= 1
    values = [float(shaded.nth(i).get_attribute("data-coverage")) for i in range(shaded.count())]
    assert all(0.0 <= v <= 1.0 for v in values) and max(values) > 0.0
    assert "Aδ activated" in page.locator("#coverage-status").inner_text()
    shot(page, "12-programmer-coverage")

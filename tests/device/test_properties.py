"""Property tests: no sequence of clinician and patient operations yields an amplitude above
the clinician's limit, an enabled lead without both polarities, or an unsafe charge."""

from __future__ import annotations

import contextlib

from device_helpers import StepClock
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from drgstim.device import (
    ClinicianSession,
    ImplantedGenerator,
    PatientController,
    check_program,
    grid,
)
from drgstim.errors import InputError

LEADS = 2
lead_index = st.integers(0, LEADS - 1)
amplitudes = st.sampled_from([v for v in grid("amplitude_uA").values() if v <= 3000]) | st.integers(
    0, 7000
)
widths = st.sampled_from(grid("pulse_width_us").values()) | st.integers(0, 1100)
contacts = st.text(alphabet="-+0", min_size=4, max_size=4)


class DeviceMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        clock = StepClock()
        self.ipg = ImplantedGenerator("IPG-P", lead_count=LEADS)
        self.session = ClinicianSession(self.ipg, clinician="dr", clock=clock)
        self.controller = PatientController(self.ipg, clock=clock)

    @initialize(start=st.booleans())
    def program_both_leads(self, start: bool) -> None:
        # Half the runs start from a working program, so patient steps have room to act.
        if start:
            for lead in range(LEADS):
                self.session.transfer_impedance(lead, 1600)
                self.session.set_contacts(lead, "-+00")
                self.session.set_amplitude(lead, 500)
                self.session.enable_lead(lead)

    def _try(self, op: object, *args: object, **kwargs: object) -> None:
        # A refusal (InputError) is a fine answer; the invariants check what was accepted.
        assert callable(op)
        with contextlib.suppress(InputError):
            op(*args, **kwargs)

    @rule(lead=lead_index, ohm=st.sampled_from([400, 1600, 3000, 65534, 50]))
    def impedance(self, lead: int, ohm: int) -> None:
        self._try(self.session.transfer_impedance, lead, ohm)

    @rule(lead=lead_index, text=contacts)
    def set_contacts(self, lead: int, text: str) -> None:
        self._try(self.session.set_contacts, lead, text)

    @rule(lead=lead_index, value=amplitudes)
    def set_amplitude(self, lead: int, value: int) -> None:
        self._try(self.session.set_amplitude, lead, value)

    @rule(lead=lead_index, value=amplitudes)
    def set_patient_max(self, lead: int, value: int) -> None:
        self._try(self.session.set_patient_max, lead, value)

    @rule(lead=lead_index, value=widths)
    def set_pulse_width(self, lead: int, value: int) -> None:
        self._try(self.session.set_pulse_width, lead, value)

    @rule(lead=lead_index, on=st.booleans())
    def enable(self, lead: int, on: bool) -> None:
        self._try(self.session.enable_lead, lead, on)

    @rule(name=st.sampled_from(["Awake", "Sleeping"]), patient=st.booleans())
    def add_group(self, name: str, patient: bool) -> None:
        self._try(self.session.add_group, name, patient_enabled=patient)

    @rule(index=st.integers(0, 4))
    def clinician_select(self, index: int) -> None:
        self._try(self.session.select_group, index)

    @rule(lead=lead_index, up=st.booleans(), times=st.integers(1, 30))
    def patient_steps(self, lead: int, up: bool, times: int) -> None:
        for _ in range(times):
            step = self.controller.amplitude_up if up else self.controller.amplitude_down
            self._try(step, lead)

    @rule(index=st.integers(0, 4))
    def patient_select(self, index: int) -> None:
        self._try(self.controller.select_group, index)

    @rule(lead=lead_index, on=st.booleans())
    def patient_region(self, lead: int, on: bool) -> None:
        self.controller.set_region(lead, on)

    @invariant()
    def every_group_is_allowed(self) -> None:
        for group in self.ipg.groups:
            for lead, s in enumerate(group.leads):
                assert 0 <= s.amplitude_uA <= s.patient_max_uA
                if s.enabled:
                    assert s.bipolar, s
                    report = check_program(
                        amplitude_uA=s.patient_max_uA,
                        pulse_width_us=s.pulse_width_us,
                        frequency_Hz=s.frequency_Hz,
                        contacts=s.contacts,
                        impedance_ohm=self.ipg.impedance_ohm[lead],
                    )
                    assert report.errors == [], report.errors

    @invariant()
    def patient_only_in_patient_groups_or_clinician_choice(self) -> None:
        events = [e for e in self.controller.log if e.action == "select_group"]
        for e in events:
            assert self.ipg.groups[e.new].patient_enabled


DeviceMachine.TestCase.settings = settings(
    max_examples=80,
    stateful_step_count=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
TestDeviceRules = DeviceMachine.TestCase


@settings(max_examples=200, deadline=None)
@given(
    amplitude=st.floats(-100, 8000) | st.sampled_from([800.0, float("nan"), float("inf")]),
    width=st.floats(0, 1200) | st.sampled_from([300.0, float("nan")]),
    freq=st.floats(0, 100) | st.just(20.0),
    text=st.text(alphabet="-+0x", min_size=0, max_size=6),
    ohm=st.none() | st.floats(-10, 70000) | st.just(float("nan")),
    fractions=st.none() | st.lists(st.floats(allow_nan=True), min_size=4, max_size=4),
)
def test_check_program_never_raises_and_safe_means_within_limits(
    amplitude: float,
    width: float,
    freq: float,
    text: str,
    ohm: float | None,
    fractions: list[float] | None,
) -> None:
    report = check_program(
        amplitude_uA=amplitude,
        pulse_width_us=width,
        frequency_Hz=freq,
        contacts=text,
        impedance_ohm=ohm,
        current_fractions=fractions,
    )
    assert report.safe == (report.errors == [] and ohm is not None)
    assert report.needs_impedance == (ohm is None)
    if report.safe:
        assert all(c.shannon_k < 1.85 for c in report.contacts)
        dense = [c for c in report.contacts if c.charge_density_uC_per_cm2 > 30]
        assert len(dense) <= sum("30 µC/cm²" in w for w in report.warnings)
        assert grid("amplitude_uA").contains(amplitude)
        assert ohm is None or 100 <= ohm < 65534
        if fractions is not None:
            active = [f for f, c in zip(fractions, text, strict=True) if c != "0"]
            assert all(0 <= f <= 1 for f in active)

"""The service's seam to the device layer: stored rows in, ``drgstim.device`` decides, rows out.

Every device question the service answers goes through the device's own objects: the
stored device and its programs become an :class:`~drgstim.device.ImplantedGenerator` or
:class:`~drgstim.device.TrialStimulator` with one group per program; the clinician's
changes run through :class:`~drgstim.device.ClinicianSession` and the patient's through
:class:`~drgstim.device.PatientController`. This module only translates: the device's
lead index ↔ the stored channel number, the stored group ↔ the program row. It holds no
device rule of its own.

Each load rechecks every stored program at the leads' current impedances
(``ClinicianSession.transfer_impedance``), so a program the device would now refuse never
runs, whatever is stored.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from drgstim.api.schemas.devices import (
    ContactChargePublic,
    ControllerAction,
    ControllerGroup,
    ControllerLead,
    ControllerRequest,
    ControllerView,
    DeviceKind,
    LeadInfo,
    LeadProgram,
    ProgramSettings,
    SafetyReportPublic,
)
from drgstim.device import (
    ClinicianSession,
    Event,
    Generator,
    Group,
    ImplantedGenerator,
    LeadSettings,
    PatientController,
    Polarity,
    Side,
    SpineLocation,
    TrialStimulator,
    check_program,
    grid,
)
from drgstim.device.lead import contact_label
from drgstim.device.safety import charge_limits
from drgstim.device.session import require_safe
from drgstim.errors import InputError
from drgstim.storage.models import Program
from drgstim.units import years_from_seconds

__all__ = [
    "DeviceFacts",
    "DeviceModel",
    "LeadsOutcome",
    "ProgramOutcome",
    "check_settings",
    "controller_action",
    "deliverable",
    "disabled_leads",
    "load_device",
    "program_settings",
    "recheck_leads",
    "save_program",
]

SERVICE = "drgstim service"


@dataclass(frozen=True)
class DeviceFacts:
    """The stored device as typed data (the row's JSON columns, validated)."""

    serial: str
    kind: DeviceKind
    leads: tuple[LeadInfo, ...]
    state: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def of(
        cls, *, serial: str, kind: str, leads: Sequence[Any], state: Mapping[str, Any]
    ) -> DeviceFacts:
        infos = tuple(sorted((LeadInfo.model_validate(x) for x in leads), key=lambda x: x.lead))
        return cls(serial, DeviceKind(kind), infos, dict(state))

    @property
    def numbers(self) -> tuple[int, ...]:
        return tuple(info.lead for info in self.leads)

    def impedance(self, number: int) -> float | None:
        return next((x.impedance_ohm for x in self.leads if x.lead == number), None)


def program_settings(program: Program) -> ProgramSettings | None:
    """The stored settings as the typed schema (None if they no longer validate)."""
    try:
        return ProgramSettings.model_validate(program.settings)
    except ValueError:
        return None


def disabled_leads(program: Program) -> dict[str, str]:
    """Leads the device disabled in this program after an impedance change: lead → reason."""
    raw = (program.safety or {}).get("disabled", {})
    return {str(k): str(v) for k, v in raw.items()} if isinstance(raw, dict) else {}


def deliverable(program: Program) -> bool:
    """A program runs only while none of its leads is disabled and its settings are valid."""
    return not disabled_leads(program) and program_settings(program) is not None


@dataclass
class DeviceModel:
    """A generator built from the stored rows, and how its indexes map back to them."""

    facts: DeviceFacts
    generator: Generator
    programs: list[Program]
    at: datetime = field(default_factory=lambda: datetime.now(UTC))

    def index(self, number: int | None, *, field_name: str = "lead") -> int:
        """The generator's lead index of channel ``number``."""
        numbers = list(self.facts.numbers)
        if number not in numbers:
            raise InputError(field_name, number, f"one of the device's leads {numbers}")
        return numbers.index(number)

    def group_index(self, name: str | None) -> int:
        names = [p.name for p in self.programs]
        if name not in names:
            raise InputError("group", name, f"one of {names}")
        return names.index(name)


def _lead_settings(
    lead: LeadProgram | None, *, amplitude_uA: int | None, enabled: bool, contact_count: int
) -> LeadSettings:
    if lead is None:
        return LeadSettings.defaults(contact_count=contact_count)
    amplitude = lead.amplitude_uA if amplitude_uA is None else amplitude_uA
    return LeadSettings(
        contacts=tuple(lead.contacts),
        amplitude_uA=max(0, min(amplitude, lead.patient_max_uA)),
        patient_max_uA=lead.patient_max_uA,
        pulse_width_us=lead.pulse_width_us,
        frequency_Hz=lead.frequency_Hz,
        ramp_s=lead.ramp_s,
        enabled=enabled,
    )


def _stored_amplitudes(state: Mapping[str, Any], name: str) -> dict[str, int]:
    raw = state.get("amplitudes", {})
    group = raw.get(name, {}) if isinstance(raw, dict) else {}
    if not isinstance(group, dict):
        return {}
    return {str(k): v for k, v in group.items() if isinstance(v, int) and not isinstance(v, bool)}


def _group(program: Program, facts: DeviceFacts, contact_count: int) -> Group:
    settings = program_settings(program)
    per_lead = {x.lead: x for x in settings.leads} if settings else {}
    runs = settings is not None and not disabled_leads(program)
    amplitudes = _stored_amplitudes(facts.state, program.name)
    leads = tuple(
        _lead_settings(
            per_lead.get(n),
            amplitude_uA=amplitudes.get(str(n)),
            enabled=runs,
            contact_count=contact_count,
        )
        for n in facts.numbers
    )
    return Group(program.name, leads, program.for_patient_use and runs)


def _region_on(state: Mapping[str, Any], numbers: Sequence[int]) -> list[bool]:
    raw = state.get("region_on", {})
    stored = raw if isinstance(raw, dict) else {}
    return [bool(stored.get(str(n), True)) for n in numbers]


def _active(state: Mapping[str, Any], groups: Sequence[Group]) -> int:
    names = [g.name for g in groups]
    if state.get("group") in names:
        return names.index(str(state["group"]))
    return next((i for i, g in enumerate(groups) if g.patient_enabled), 0)


def load_device(facts: DeviceFacts, programs: Sequence[Program]) -> DeviceModel:
    """The stored device as a generator with one group per program, rechecked at the
    leads' present impedances (a lead the device refuses is disabled in that group)."""
    if not facts.leads:
        raise InputError("device.leads", [], "at least one lead registered on the device")
    ordered = sorted(programs, key=lambda p: p.name)
    kind = ImplantedGenerator if facts.kind == DeviceKind.IPG else TrialStimulator
    generator: Generator = kind(facts.serial, len(facts.leads))
    count = generator.lead_model.contact_count
    generator.groups = [_group(p, facts, count) for p in ordered] or generator.groups
    generator.active_group = _active(facts.state, generator.groups)
    generator.locations = [SpineLocation(x.level, Side(x.side)) for x in facts.leads]
    generator.region_on = _region_on(facts.state, facts.numbers)
    generator.stimulation_on = bool(facts.state.get("stimulation_on", True))
    session = ClinicianSession(generator, clinician=SERVICE)
    for i, info in enumerate(facts.leads):
        if info.impedance_ohm is not None:
            session.transfer_impedance(i, info.impedance_ohm)
    model = DeviceModel(facts, generator, ordered)
    if isinstance(generator, ImplantedGenerator):
        _run_battery(generator, facts.state, model.at)
    return model


def _run_battery(generator: ImplantedGenerator, state: Mapping[str, Any], now: datetime) -> None:
    """The cell as last recorded (a new cell when nothing is), run by the device from then
    until ``now`` at the settings running now (a controller press or a program saved
    records the cell, so the settings ran unchanged since the record)."""
    raw = state.get("battery")
    if not isinstance(raw, Mapping):
        return
    try:
        remaining_J = float(raw["remaining_J"])
        since = datetime.fromisoformat(str(raw["at"]))
    except (KeyError, TypeError, ValueError):
        return
    generator.remaining_J = max(0.0, remaining_J)
    if since.tzinfo is not None and now > since:
        generator.run_for(now - since)


def _battery_record(model: DeviceModel) -> dict[str, Any]:
    """The cell's energy now, to be run on from the next time the device is loaded."""
    g = model.generator
    if not isinstance(g, ImplantedGenerator):
        return {}
    return {"battery": {"remaining_J": g.remaining_J, "at": model.at.isoformat()}}


# ---- the clinician's programs ------------------------------------------------------


@dataclass(frozen=True)
class ProgramOutcome:
    """A program the device accepted: what to store, and the patient amplitudes clamped."""

    settings: dict[str, Any]
    safety: dict[str, Any]
    state: dict[str, Any]


_STEPS: tuple[tuple[str, str], ...] = (
    ("contacts", "set_contacts"),
    ("pulse_width_us", "set_pulse_width"),
    ("frequency_Hz", "set_frequency"),
    ("ramp_s", "set_ramp"),
    ("amplitude_uA", "set_amplitude"),
    ("patient_max_uA", "set_patient_max"),
)


def _largest_safe_uA(generator: Generator, index: int, settings: LeadSettings) -> int | None:
    """The highest amplitude on the grid the device accepts for this lead (None if none).

    The device's charge and compliance limits only grow with the amplitude, so the
    accepted values are a prefix of the grid: bisect it with the device's own check."""

    def accepted(value: int) -> bool:
        candidate = replace(settings, amplitude_uA=0, patient_max_uA=value, enabled=False)
        try:
            require_safe(generator, index, candidate)
        except InputError:
            return False
        return True

    values = grid("amplitude_uA").values()
    low, high = 0, len(values)  # values[:low] accepted, values[high:] refused
    while low < high:
        middle = (low + high) // 2
        if accepted(values[middle]):
            low = middle + 1
        else:
            high = middle
    return values[low - 1] if low else None


def _program_lead(model: DeviceModel, session: ClinicianSession, k: int, lead: LeadProgram) -> None:
    index = model.index(lead.lead, field_name=f"settings.leads[{k}].lead")
    for name, step in _STEPS:
        value: Any = lead.contacts_text if name == "contacts" else getattr(lead, name)
        apply: Callable[[int, Any], object] = getattr(session, step)
        try:
            apply(index, value)
        except InputError as exc:
            raise _lead_refusal(model, k, index, name, value, exc) from exc
    try:
        session.enable_lead(index)
    except InputError as exc:
        raise InputError(
            f"settings.leads[{k}].contacts", lead.contacts_text, exc.allowed, reason=exc.reason
        ) from exc


def _lead_refusal(
    model: DeviceModel, k: int, index: int, name: str, value: Any, exc: InputError
) -> InputError:
    """The device's refusal, renamed to the request's field; a charge or compliance
    refusal of an amplitude names the largest amplitude this lead accepts."""
    where = f"settings.leads[{k}].{name}"
    if name == "contacts" and exc.field == "impedance_ohm":
        number = model.facts.numbers[index]
        return InputError(
            f"device.leads[lead {number}].impedance_ohm", None, exc.allowed, reason=exc.reason
        )
    allowed = exc.allowed
    if name in {"amplitude_uA", "patient_max_uA"} and exc.reason:
        g = model.generator
        largest = _largest_safe_uA(g, index, g.lead_settings(index))
        allowed = (
            f"0–{largest} µA on this lead at its settings and impedance"
            if largest is not None
            else "no amplitude: the lead's settings are refused at any current"
        )
    reason = _merged([exc.reason])[0] if exc.reason else exc.reason
    return InputError(where, value, allowed, reason=reason)


_CONTACT_ERROR = re.compile(r"^contact (\w+) \(index \d+, (\w+)\): [^;]*; (.+)$")


def _merged(errors: Sequence[str]) -> list[str]:
    """The device's refusals, each once: contacts refused by the same rule are named
    together (their charge figures are in the report's contact table)."""
    out: list[str] = []
    contacts: dict[str, list[str]] = {}
    for error in errors:
        match = _CONTACT_ERROR.match(error)
        if match is None:
            out.append(error)
            continue
        rule = match.group(3)
        if rule not in contacts:
            contacts[rule] = []
            out.append(rule)
        contacts[rule].append(f"{match.group(1)} ({match.group(2)})")
    return [
        f"contact{'s' if len(contacts[e]) > 1 else ''} {' and '.join(contacts[e])}: {e}"
        if e in contacts
        else e
        for e in out
    ]


def _safety(model: DeviceModel, group: Group) -> SafetyReportPublic:
    """The device's check of each used lead at its amplitude and at the patient maximum."""
    k_max, density_max = charge_limits()
    report = SafetyReportPublic()
    for i, settings in enumerate(group.leads):
        if settings.contacts == (Polarity.OFF,) * len(settings.contacts):
            continue
        number = model.facts.numbers[i]
        for amplitude in sorted({settings.amplitude_uA, settings.patient_max_uA}):
            checked = check_program(
                amplitude_uA=amplitude,
                pulse_width_us=settings.pulse_width_us,
                frequency_Hz=settings.frequency_Hz,
                contacts=settings.contacts,
                impedance_ohm=model.generator.impedance_ohm[i],
                lead_model=model.generator.lead_model,
            )
            at = "" if amplitude == settings.amplitude_uA else f" (patient maximum {amplitude} µA)"
            report.errors += [f"Lead {number}{at}: {e}" for e in _merged(checked.errors)]
            report.warnings += [
                f"Lead {number}: {w}"
                for w in checked.warnings
                if amplitude == settings.amplitude_uA
            ]
            if amplitude != settings.amplitude_uA:
                continue
            for c in checked.contacts:
                k = c.shannon_k
                report.contacts.append(
                    ContactChargePublic(
                        lead=number,
                        contact=contact_label(c.index),
                        polarity=c.polarity,
                        charge_uC=c.charge_uC,
                        density_uC_per_cm2=c.charge_density_uC_per_cm2,
                        shannon_k=k if k > float("-inf") else None,
                        ok=c.charge_density_uC_per_cm2 <= density_max and k < k_max,
                    )
                )
    return report


def _programmed(
    facts: DeviceFacts,
    programs: Sequence[Program],
    *,
    editing: Program | None,
    name: str,
    for_patient_use: bool,
    settings: ProgramSettings,
    clinician: str,
) -> tuple[DeviceModel, Group]:
    """Program the group on the device through the clinician session (raises its refusal)."""
    model = load_device(facts, programs)
    g = model.generator
    session = ClinicianSession(g, clinician=clinician)
    blank = LeadSettings.defaults(contact_count=g.lead_model.contact_count)
    if editing is not None:
        index = model.programs.index(editing)
        g.groups[index] = Group(name, (blank,) * g.lead_count, for_patient_use)
    else:
        if not model.programs:
            g.groups = []  # the generator's factory default group is no stored program
        index = session.add_group(name, patient_enabled=for_patient_use)
    session.select_group(index)
    for k, lead in enumerate(settings.leads):
        _program_lead(model, session, k, lead)
    return model, g.groups[index]


def save_program(
    facts: DeviceFacts,
    programs: Sequence[Program],
    *,
    editing: Program | None,
    name: str,
    for_patient_use: bool,
    settings: ProgramSettings,
    clinician: str,
) -> ProgramOutcome:
    """The device's verdict on a program: InputError naming the field if it refuses;
    otherwise what to store, with the patient's amplitudes clamped to the new limits."""
    model, group = _programmed(
        facts,
        programs,
        editing=editing,
        name=name,
        for_patient_use=for_patient_use,
        settings=settings,
        clinician=clinician,
    )
    safety = _safety(model, group)
    state = dict(facts.state)
    amplitudes = (
        dict(state.get("amplitudes", {})) if isinstance(state.get("amplitudes"), dict) else {}
    )
    stored = _stored_amplitudes(facts.state, name)
    limits = {str(x.lead): x.patient_max_uA for x in settings.leads}
    amplitudes[name] = {n: min(v, limits[n]) for n, v in stored.items() if n in limits}
    state["amplitudes"] = amplitudes
    state |= _battery_record(model)  # the cell until now ran at the settings before this
    return ProgramOutcome(
        settings=settings.model_dump(mode="json"),
        safety=safety.model_dump(mode="json"),
        state=state,
    )


def check_settings(
    facts: DeviceFacts,
    programs: Sequence[Program],
    *,
    name: str | None,
    settings: ProgramSettings,
    clinician: str,
) -> tuple[bool, SafetyReportPublic]:
    """Dry run of :func:`save_program`: the report, with every problem the device finds."""
    editing = next((p for p in programs if p.name == name), None)
    try:
        model, group = _programmed(
            facts,
            programs,
            editing=editing,
            name=name or "check",
            for_patient_use=False,
            settings=settings,
            clinician=clinician,
        )
    except InputError as exc:
        report = _unprogrammed_report(facts, settings)
        if not report.errors:
            report.errors.append(_plain(exc))
        return False, report
    report = _safety(model, group)
    return not report.errors, report


def _plain(exc: InputError) -> str:
    """The device's refusal in words: its reason and what is allowed (no field path)."""
    if exc.reason:
        return f"{exc.reason} (allowed: {exc.allowed})"
    return f"{exc.field} = {exc.value} is not allowed; allowed: {exc.allowed}"


def _unprogrammed_report(facts: DeviceFacts, settings: ProgramSettings) -> SafetyReportPublic:
    """Every problem of the settings as the device's check sees them (for the live view)."""
    model = load_device(facts, [])
    g = model.generator
    blank = LeadSettings.defaults(contact_count=g.lead_model.contact_count)
    leads = [blank] * g.lead_count
    for lead in settings.leads:
        if lead.lead in facts.numbers:
            leads[facts.numbers.index(lead.lead)] = _lead_settings(
                lead, amplitude_uA=None, enabled=True, contact_count=len(lead.contacts)
            )
    return _safety(model, Group("check", tuple(leads)))


# ---- impedance changes, leads added or removed --------------------------------------


@dataclass(frozen=True)
class LeadsOutcome:
    """Per program whose leads the device now refuses: its new ``safety`` JSON."""

    safety: dict[Program, dict[str, Any]]


def recheck_leads(new: DeviceFacts, programs: Sequence[Program]) -> LeadsOutcome:
    """Recheck every stored program after the leads changed (impedance measured or typed,
    lead added or removed). A lead the device now refuses, a lead removed, or a lead whose
    impedance is no longer known disables the program, with the reason."""
    changed: dict[Program, dict[str, Any]] = {}
    model = load_device(new, programs) if new.leads else None
    for program in model.programs if model else programs:
        settings = program_settings(program)
        if settings is None:
            continue
        reasons = disabled_leads(program)
        for lead in settings.leads:
            key = str(lead.lead)
            if key in reasons:
                continue
            reason = _lead_reason(new, model, lead)
            if reason:
                reasons[key] = reason
        if reasons != disabled_leads(program):
            changed[program] = {**(program.safety or {}), "disabled": reasons}
    return LeadsOutcome(changed)


def _lead_reason(new: DeviceFacts, model: DeviceModel | None, lead: LeadProgram) -> str | None:
    if model is None or lead.lead not in new.numbers:
        return f"lead {lead.lead} was removed from the device"
    impedance = new.impedance(lead.lead)
    if impedance is None:
        return f"lead {lead.lead} has no impedance; measure it before this program runs"
    index = new.numbers.index(lead.lead)
    settings = _lead_settings(
        lead, amplitude_uA=None, enabled=True, contact_count=len(lead.contacts)
    )
    try:
        require_safe(model.generator, index, settings)
    except InputError as exc:
        return f"lead {lead.lead} at {impedance:g} Ω: {exc.reason}"
    return None


# ---- the patient controller --------------------------------------------------------


@dataclass(frozen=True)
class ControllerOutcome:
    view: ControllerView
    state: dict[str, Any]
    events: list[dict[str, Any]]


def _region_alone(controller: PatientController, index: int) -> None:
    """A region switched on while all stimulation is off: that region alone comes on."""
    g = controller.generator
    if not g.stimulation_on:
        for j in range(g.lead_count):
            if j != index and g.region_on[j]:
                controller.set_region(j, False)
        controller.all_on()
    controller.set_region(index, True)


def _act(model: DeviceModel, controller: PatientController, request: ControllerRequest) -> None:
    action = request.action
    if action in {ControllerAction.ON, ControllerAction.OFF}:
        index = model.index(request.lead)
        if action == ControllerAction.ON:
            _region_alone(controller, index)
        else:
            controller.set_region(index, False)
    elif action in {ControllerAction.STEP_UP, ControllerAction.STEP_DOWN}:
        index = model.index(request.lead)
        if action == ControllerAction.STEP_UP:
            controller.amplitude_up(index)
        else:
            controller.amplitude_down(index)
    elif action == ControllerAction.SELECT_GROUP:
        controller.select_group(model.group_index(request.group))
    elif action == ControllerAction.ALL_OFF:
        if not controller.all_off(confirm=request.confirm):
            raise InputError("confirm", False, "true: all stimulation off needs confirmation")
    elif action == ControllerAction.RESTORE:
        controller.all_on()


def _state(model: DeviceModel) -> dict[str, Any]:
    g = model.generator
    numbers = model.facts.numbers
    raw = model.facts.state.get("amplitudes", {})
    amplitudes: dict[str, Any] = dict(raw) if isinstance(raw, dict) else {}
    for group in g.groups:
        amplitudes[group.name] = {
            str(n): s.amplitude_uA for n, s in zip(numbers, group.leads, strict=True)
        }
    raw_regions = model.facts.state.get("region_on", {})
    region_on: dict[str, Any] = dict(raw_regions) if isinstance(raw_regions, dict) else {}
    region_on |= {str(n): on for n, on in zip(numbers, g.region_on, strict=True)}
    return {
        "group": g.group.name,
        "region_on": region_on,
        "stimulation_on": g.stimulation_on,
        "amplitudes": amplitudes,
        **_battery_record(model),
    }


def _why_not(program: Program) -> str | None:
    reasons = disabled_leads(program)
    if reasons:
        return "; ".join(reasons.values())
    if program_settings(program) is None:
        return "the stored settings are no longer valid; the clinician must save it again"
    if not program.for_patient_use:
        return "for clinic use only"
    return None


def _view(model: DeviceModel, *, connected: bool) -> ControllerView:
    g = model.generator
    program = model.programs[g.active_group]
    reason = _why_not(program) if not deliverable(program) else None
    leads = [
        ControllerLead(
            lead=info.lead,
            region=f"{info.side} {info.level}",
            switched_on=g.region_on[i],
            on=g.delivering(i),
            enabled=settings.enabled,
            amplitude_uA=settings.amplitude_uA,
            max_amplitude_uA=settings.patient_max_uA,
            disabled_reason=reason,
        )
        for i, (info, settings) in enumerate(zip(model.facts.leads, g.group.leads, strict=True))
    ]
    status = [
        ControllerGroup(name=p.name, available=group.patient_enabled, reason=_why_not(p))
        for p, group in zip(model.programs, g.groups, strict=True)
    ]
    years = (
        years_from_seconds(g.remaining_J / g.drain_W())
        if isinstance(g, ImplantedGenerator)
        else None
    )
    return ControllerView(
        serial=g.serial,
        kind=model.facts.kind,
        connected=connected,
        battery=g.battery.value,
        battery_years_left=years,
        stimulation_on=g.stimulation_on,
        group=g.group.name,
        groups=[s.name for s in status if s.available],
        group_status=status,
        leads=leads,
    )


def _event(model: DeviceModel, event: Event) -> dict[str, Any]:
    """A device event with the stored names: channel numbers and group names, not indexes."""
    names = [p.name for p in model.programs]
    lead = None if event.lead is None else model.facts.numbers[event.lead]
    group = None if event.group is None else names[event.group]
    old, new = event.old, event.new
    if event.action == "select_group":
        old, new = names[int(old)], names[int(new)]
    return {"action": event.action, "old": old, "new": new, "lead": lead, "group": group}


def controller_action(
    facts: DeviceFacts, programs: Sequence[Program], request: ControllerRequest, *, who: str
) -> ControllerOutcome:
    """One patient-controller action on the device: what it shows, the state to store and
    the device's events (empty for ``status``)."""
    if not programs:
        raise InputError("programs", [], "a program saved by the clinician for this device")
    model = load_device(facts, programs)
    controller = PatientController(model.generator, patient=who)
    _act(model, controller, request)
    events = [_event(model, e) for e in controller.log]
    view = _view(model, connected=controller.connected)
    return ControllerOutcome(view, _state(model), events)

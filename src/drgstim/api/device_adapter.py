"""Programs and the patient controller on stored devices, by ``drgstim.device``'s rules.

A stored program is ``{"leads": [{"lead": n, "contacts": ["-", "+", "off", "off"],
"amplitude_uA", "pulse_width_us", "frequency_Hz", "patient_max_uA"?}]}`` with ``lead`` the
device's lead number. A lead whose contacts are all off and whose amplitude is 0 is
unused and not checked; every other lead goes through ``drgstim.device.check_program``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from drgstim.errors import InputError
from drgstim.storage.models import Device, Program

__all__ = ["check_device_program", "run_controller"]

_OFF = {"off", "0", ""}


def _device() -> Any:
    from drgstim.api.domain import domain_module

    return domain_module("drgstim.device", "the device rules")


def _symbol(value: object) -> str:
    text = str(value)
    return "0" if text in _OFF else text


def _leads(device: Device) -> list[dict[str, Any]]:
    leads = sorted(device.leads, key=lambda lead: int(lead["lead"]))
    if not leads:
        raise InputError("device.leads", [], "at least one lead registered on the device")
    return leads


def _lead_settings(device: Device, settings: dict[str, Any]) -> dict[int, dict[str, Any]]:
    """The program's settings per device lead number, shape-checked."""
    raw = settings.get("leads")
    if not isinstance(raw, list):
        raise InputError("settings.leads", raw, "a list of per-lead settings")
    known = {int(lead["lead"]) for lead in _leads(device)}
    out: dict[int, dict[str, Any]] = {}
    for i, item in enumerate(raw):
        number = item.get("lead") if isinstance(item, dict) else None
        if not isinstance(number, int) or number not in known or number in out:
            raise InputError(f"settings.leads[{i}].lead", number, f"one of {sorted(known)}, once")
        out[number] = item
    return out


def _number(item: dict[str, Any], key: str, where: str) -> float:
    value = item.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InputError(f"{where}.{key}", value, "a number")
    return float(value)


def _in_use(item: dict[str, Any]) -> bool:
    contacts = [_symbol(c) for c in item.get("contacts", [])]
    return any(c != "0" for c in contacts) or bool(item.get("amplitude_uA"))


def _check_lead(dev: Any, device: Device, number: int, item: dict[str, Any]) -> Any:
    where = f"settings.leads[lead {number}]"
    impedance = next(
        (lead.get("impedance_ohm") for lead in device.leads if int(lead["lead"]) == number), None
    )
    contacts = item.get("contacts")
    if not isinstance(contacts, list | str):
        raise InputError(f"{where}.contacts", contacts, "a list of '-', '+' or 'off'")
    return dev.check_program(
        amplitude_uA=_number(item, "amplitude_uA", where),
        pulse_width_us=_number(item, "pulse_width_us", where),
        frequency_Hz=_number(item, "frequency_Hz", where),
        contacts="".join(_symbol(c) for c in contacts),
        impedance_ohm=impedance,
    )


def _patient_max_problem(dev: Any, item: dict[str, Any]) -> str | None:
    amplitude = item.get("amplitude_uA", 0)
    patient_max = item.get("patient_max_uA", amplitude)
    problem: str | None = dev.grid_problem("amplitude_uA", patient_max)
    if problem:
        return f"patient maximum: {problem}"
    if patient_max < amplitude:
        return f"patient maximum {patient_max} µA is below the amplitude {amplitude} µA"
    return None


def check_device_program(device: Device, settings: dict[str, Any]) -> dict[str, Any]:
    """Every used lead through the device's check; ``{"safe", "report"}`` where the report
    has ``errors`` and ``warnings`` (prefixed "Lead n: ") and per-contact charge rows."""
    dev = _device()
    k_max, density_max = dev.safety.charge_limits()
    errors: list[str] = []
    warnings: list[str] = []
    contacts: list[dict[str, Any]] = []
    leads: dict[str, Any] = {}
    per_lead = _lead_settings(device, settings)
    for number, item in sorted(per_lead.items()):
        if not _in_use(item):
            continue
        report = _check_lead(dev, device, number, item)
        problem = _patient_max_problem(dev, item)
        errors += [f"Lead {number}: {e}" for e in report.errors]
        errors += [f"Lead {number}: {problem}"] if problem else []
        warnings += [f"Lead {number}: {w}" for w in report.warnings]
        leads[str(number)] = report.to_dict()
        for c in report.contacts:
            k = c.shannon_k
            contacts.append(
                {
                    "lead": number,
                    "contact": c.index + 1,
                    "polarity": c.polarity.value,
                    "charge_uC": c.charge_uC,
                    "density_uC_per_cm2": c.charge_density_uC_per_cm2,
                    "shannon_k": k if k == k and abs(k) != float("inf") else None,
                    "ok": c.charge_density_uC_per_cm2 <= density_max and not k >= k_max,
                }
            )
    if not leads:
        errors.append("no lead is programmed: set contacts and an amplitude on at least one")
    report_out = {"errors": errors, "warnings": warnings, "contacts": contacts, "leads": leads}
    return {"safe": not errors, "report": report_out}


# ---- patient controller -------------------------------------------------------------


def _lead_settings_obj(dev: Any, item: dict[str, Any] | None, contact_count: int) -> Any:
    if item is None or not _in_use(item):
        return dev.LeadSettings.defaults(contact_count=contact_count)
    polarities = tuple(dev.Polarity(_symbol(c)) for c in item["contacts"])
    amplitude = int(item["amplitude_uA"])
    enabled = dev.Polarity.CATHODE in polarities and dev.Polarity.ANODE in polarities
    return dev.LeadSettings(
        contacts=polarities,
        amplitude_uA=amplitude,
        patient_max_uA=int(item.get("patient_max_uA", amplitude)),
        pulse_width_us=int(item["pulse_width_us"]),
        frequency_Hz=int(item["frequency_Hz"]),
        enabled=enabled,
    )


def _generator(dev: Any, device: Device, programs: Sequence[Program]) -> tuple[Any, list[str]]:
    numbers = [int(lead["lead"]) for lead in _leads(device)]
    count = dev.DEFAULT_LEAD_MODEL.contact_count
    groups, names = [], []
    for program in sorted(programs, key=lambda p: p.name):
        per_lead = {int(x["lead"]): x for x in program.settings.get("leads", [])}
        amps = device.state.get("amplitudes", {}).get(program.name, {})
        leads = []
        for n in numbers:
            item = per_lead.get(n)
            if item is not None and str(n) in amps:
                item = {**item, "amplitude_uA": amps[str(n)]}
            leads.append(_lead_settings_obj(dev, item, count))
        groups.append(dev.Group(program.name, tuple(leads), program.for_patient_use))
        names.append(program.name)
    if not groups:
        raise InputError("programs", [], "a program saved by the clinician for this device")
    state = device.state
    active = names.index(state["group"]) if state.get("group") in names else _first(groups)
    generator = dev.Generator(
        serial=device.serial,
        lead_count=len(numbers),
        groups=groups,
        active_group=active,
        region_on=list(state.get("region_on", [True] * len(numbers)))[: len(numbers)]
        or [True] * len(numbers),
        stimulation_on=bool(state.get("stimulation_on", True)),
    )
    return generator, names


def _first(groups: Sequence[Any]) -> int:
    return next((i for i, g in enumerate(groups) if g.patient_enabled), 0)


def _index(device: Device, lead: int | None) -> int:
    numbers = [int(x["lead"]) for x in _leads(device)]
    if lead not in numbers:
        raise InputError("lead", lead, f"one of the device's leads {numbers}")
    return numbers.index(lead)


def _apply(controller: Any, device: Device, names: list[str], request: dict[str, Any]) -> None:
    action = request["action"]
    if action in {"on", "off"}:
        index = _index(device, request.get("lead"))
        if action == "on" and not controller.generator.stimulation_on:
            controller.all_on()
        controller.set_region(index, action == "on")
    elif action in {"step_up", "step_down"}:
        index = _index(device, request.get("lead"))
        step = controller.amplitude_up if action == "step_up" else controller.amplitude_down
        step(index)
    elif action == "select_group":
        group = request.get("group")
        if group not in names:
            raise InputError("group", group, f"one of {names}")
        controller.select_group(names.index(group))
    elif action == "all_off":
        if not request.get("confirm"):
            raise InputError("confirm", False, "true: all stimulation off needs confirmation")
        controller.all_off(confirm=True)


def _state(generator: Any, names: list[str], device: Device) -> dict[str, Any]:
    amplitudes = dict(device.state.get("amplitudes", {}))
    numbers = [int(x["lead"]) for x in _leads(device)]
    for name, group in zip(names, generator.groups, strict=True):
        amplitudes[name] = {
            str(n): s.amplitude_uA for n, s in zip(numbers, group.leads, strict=True)
        }
    return {
        "group": names[generator.active_group],
        "region_on": list(generator.region_on),
        "stimulation_on": generator.stimulation_on,
        "amplitudes": amplitudes,
    }


def _view(generator: Any, names: list[str], device: Device) -> dict[str, Any]:
    info = _leads(device)
    leads = []
    for i, settings in enumerate(generator.group.leads):
        label = f"{info[i].get('side', '')} {info[i].get('level', '')}".strip()
        leads.append(
            {
                "lead": int(info[i]["lead"]),
                "region": label or f"Lead {info[i]['lead']}",
                "on": generator.delivering(i),
                "enabled": settings.enabled,
                "amplitude_uA": settings.amplitude_uA,
                "max_amplitude_uA": settings.patient_max_uA,
            }
        )
    groups = [names[i] for i, g in enumerate(generator.groups) if g.patient_enabled]
    return {
        "serial": device.serial,
        "stimulation_on": generator.stimulation_on,
        "group": names[generator.active_group],
        "groups": groups,
        "leads": leads,
    }


def run_controller(
    device: Device, programs: Sequence[Program], request: dict[str, Any], *, who: str
) -> tuple[dict[str, Any], dict[str, Any], list[dict[str, Any]]]:
    """Apply one controller action: (what the controller shows, state to store, events)."""
    dev = _device()
    generator, names = _generator(dev, device, programs)
    controller = dev.PatientController(generator, patient=who)
    _apply(controller, device, names, request)
    events = [
        {"action": e.action, "old": e.old, "new": e.new, "lead": e.lead, "group": e.group}
        for e in controller.log
    ]
    return _view(generator, names, device), _state(generator, names, device), events

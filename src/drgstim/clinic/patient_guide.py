"""The patient guide's reference data: sources, quoted figures, pages and the recovery plan.

Everything is read from ``data/clinic/patient_guide.json``, where each figure carries its
source and the section it comes from. The education pages (web layer) quote the figures
from here, and the recovery plan after a trial or an implant is built from the same
entries, so a limit such as the lifting weight is written once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from functools import cache
from typing import Any

from drgstim.clinic.outcomes import visit_schedule
from drgstim.datafiles import load_json
from drgstim.errors import InputError

__all__ = [
    "ConsentProcedure",
    "GuidePage",
    "PlanItem",
    "PlanProcedure",
    "Source",
    "consent_document",
    "fact",
    "facts",
    "guide_data",
    "page",
    "pages",
    "pathway_figures",
    "patient_labels",
    "patient_questions",
    "recovery_plan",
    "sources",
    "to_icalendar",
]


@cache
def guide_data() -> dict[str, Any]:
    """The patient guide file as loaded from the package data."""
    return load_json("clinic", "patient_guide.json")


@dataclass(frozen=True)
class Source:
    key: str
    short: str
    citation: str


@dataclass(frozen=True)
class GuidePage:
    slug: str
    title: str
    summary: str
    sources: tuple[Source, ...]


def sources() -> dict[str, Source]:
    """Every source the guide cites, by key."""
    return {
        key: Source(key=key, short=entry["short"], citation=entry["citation"])
        for key, entry in guide_data()["sources"].items()
    }


def fact(name: str) -> int | float:
    """One quoted figure (see the data file for its source and section)."""
    try:
        value: int | float = guide_data()["facts"][name]["value"]
    except KeyError:
        raise InputError("fact", name, ", ".join(sorted(guide_data()["facts"]))) from None
    return value


def facts() -> dict[str, int | float]:
    """Every quoted figure by name; whole numbers as ``int`` (they read as "5", not "5.0")."""
    out: dict[str, int | float] = {}
    for name in guide_data()["facts"]:
        value = fact(name)
        out[name] = int(value) if float(value).is_integer() else value
    return out


def pages() -> tuple[GuidePage, ...]:
    """The guide's pages in reading order, each with the sources it cites."""
    known = sources()
    return tuple(
        GuidePage(
            slug=entry["slug"],
            title=entry["title"],
            summary=entry["summary"],
            sources=tuple(known[key] for key in entry["sources"]),
        )
        for entry in guide_data()["pages"]
    )


def page(slug: str) -> GuidePage:
    """One page by its slug; an unknown slug is an InputError naming the known ones."""
    for candidate in pages():
        if candidate.slug == slug:
            return candidate
    raise InputError("page", slug, ", ".join(p.slug for p in pages()))


def pathway_figures() -> dict[str, int]:
    """Figures of the pathway quoted to patients, read from the models that apply them:
    the trial's success criterion and longest trial (trial review) and the screening's
    minimum pain duration and medicine classes."""
    from drgstim.clinic._screening_rules import threshold
    from drgstim.clinic.review import SuccessCriteria

    criteria = SuccessCriteria.default()
    return {
        "success_pct": round(criteria.primary_reduction_pct),
        "trial_max_days": criteria.max_trial_days,
        "min_pain_months": round(threshold("min_pain_duration_months")),
        "min_medication_classes": round(threshold("min_medication_classes")),
    }


# --- the recovery plan ------------------------------------------------------------------


class PlanProcedure(StrEnum):
    TRIAL = "trial"
    IMPLANT = "implant"


@dataclass(frozen=True)
class PlanItem:
    """One entry of a recovery plan: a restriction, wound check, visit or diary reminder."""

    id: str
    kind: str
    text: str
    starts_on: date
    ends_on: date
    sources: tuple[str, ...]


def _day(entry: dict[str, Any], key: str, *, start: date, trial_end: date | None) -> date:
    value = entry.get(key)
    if value == "trial_end":
        if trial_end is None:  # only trial items end with the trial
            raise InputError("trial_days", None, "1 or more for a trial")
        return trial_end
    if key == "end" and "end_weeks" in entry:
        return start + timedelta(weeks=fact(entry["end_weeks"]))
    if key == "end":
        return start + timedelta(days=int(entry["end_day"]))
    return start + timedelta(days=int(value or 0))


def recovery_plan(
    procedure: PlanProcedure | str,
    *,
    performed_on: date,
    trial_days: int | None = None,
    years: int = 1,
) -> list[PlanItem]:
    """The recovery plan after a trial (``trial_days`` long) or an implant, by start date.

    Restrictions carry their end dates; a daily diary item becomes one reminder per trial
    day; after an implant the outcome visits of the follow-up schedule (through ``years``)
    are added as programming and outcome visits.
    """
    kind = PlanProcedure(procedure)
    trial_end = None
    if kind == PlanProcedure.TRIAL:
        if trial_days is None or not 1 <= trial_days <= 30:
            raise InputError("trial_days", trial_days, "1–30")
        trial_end = performed_on + timedelta(days=trial_days - 1)
    values = facts()
    items: list[PlanItem] = []
    for entry in guide_data()["recovery"][kind.value]:
        start = _day(entry, "start_day", start=performed_on, trial_end=trial_end)
        end = _day(entry, "end", start=performed_on, trial_end=trial_end)
        text = entry["text"].format(**values)
        src = tuple(entry["sources"])
        if entry.get("daily"):
            for n in range((end - start).days + 1):
                day = start + timedelta(days=n)
                items.append(PlanItem(f"{entry['id']}-{n + 1}", entry["kind"], text, day, day, src))
        else:
            items.append(PlanItem(entry["id"], entry["kind"], text, start, end, src))
    if kind == PlanProcedure.IMPLANT:
        for month, due in visit_schedule(implanted_on=performed_on, years=years):
            text = (
                f"Programming and check-up visit ({month} months after the implant): "
                "the team checks your pain relief and adjusts the settings if needed."
            )
            items.append(PlanItem(f"visit-{month}m", "visit", text, due, due, ("nacc_drg",)))
    return sorted(items, key=lambda item: (item.starts_on, item.id))


_KIND_TITLES = {
    "restriction": "Recovery limit",
    "wound_check": "Wound check",
    "visit": "Visit",
    "diary": "Diary reminder",
}


def _ical_text(value: str) -> str:
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _fold(line: str) -> str:
    """RFC 5545 §3.1: lines longer than 75 octets continue on lines starting with a space."""
    out, current = [], ""
    for char in line:
        if len((current + char).encode("utf-8")) > 75:
            out.append(current)
            current = " "
        current += char
    out.append(current)
    return "\r\n".join(out)


def to_icalendar(items: list[PlanItem], *, stamp: datetime) -> str:
    """The plan as an iCalendar (RFC 5545) document of all-day events; a restriction spans
    its days (DTEND is the day after it ends, as the standard counts)."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//drgstim//recovery plan//EN",
        "CALSCALE:GREGORIAN",
    ]
    for item in items:
        summary = f"{_KIND_TITLES.get(item.kind, item.kind)}: {item.text}"
        lines += [
            "BEGIN:VEVENT",
            f"UID:{item.id}-{item.starts_on:%Y%m%d}@drgstim",
            f"DTSTAMP:{stamp:%Y%m%dT%H%M%SZ}",
            f"DTSTART;VALUE=DATE:{item.starts_on:%Y%m%d}",
            f"DTEND;VALUE=DATE:{item.ends_on + timedelta(days=1):%Y%m%d}",
            f"SUMMARY:{_ical_text(summary)}",
            f"CATEGORIES:{item.kind.upper()}",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "".join(_fold(line) + "\r\n" for line in lines)


# --- informed consent and patient-facing labels ------------------------------------------


class ConsentProcedure(StrEnum):
    TRIAL = "trial"
    IMPLANT = "implant"
    REVISION = "revision"
    EXPLANT = "explant"


def consent_document(procedure: ConsentProcedure | str) -> dict[str, Any]:
    """The consent document for ``procedure``: what is done, every risk and the
    alternatives, with the sources; stored as shown with each signed consent."""
    try:
        kind = ConsentProcedure(procedure)
    except ValueError:
        allowed = ", ".join(p.value for p in ConsentProcedure)
        raise InputError("procedure", procedure, allowed) from None
    data = guide_data()["consent"]
    entry = data["procedures"][kind.value]
    risks = [data["risks"][key] for key in entry["risks"]]
    keys = sorted({key for risk in risks for key in risk["sources"]})
    known = sources()
    return {
        "procedure": kind.value,
        "version": data["version"],
        "title": entry["title"],
        "what": entry["what"],
        "risks": [risk["text"] for risk in risks],
        "alternatives": list(data["alternatives"]),
        "sources": [known[key].citation for key in keys],
    }


def patient_labels(vocabulary: str) -> dict[str, str]:
    """Plain words for a screening vocabulary's values (``treatments`` or ``conditions``);
    only the values a patient is asked about have one."""
    labels: dict[str, str] = guide_data()["labels"][vocabulary]
    return labels


def patient_questions() -> list[tuple[str, list[str]]]:
    """Questions to bring to the visit, in groups (title, questions)."""
    return [(g["title"], list(g["items"])) for g in guide_data()["questions"]["groups"]]

"""Implant record, visit schedule, responder status and the complication taxonomy."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest

from drgstim.clinic.assessment import NRSScores, OutcomeScores
from drgstim.clinic.complications import (
    Complication,
    ComplicationAction,
    ComplicationType,
    Severity,
    summarise_complications,
)
from drgstim.clinic.outcomes import (
    FollowUpVisit,
    ImplantedLead,
    ImplantProcedure,
    add_months,
    missed_visits,
    responder_status,
    visit_schedule,
)
from drgstim.errors import InputError

DATA = Path(__file__).parents[2] / "src" / "drgstim" / "data" / "clinic"
SPEC = Path("/work/shared/spec/device.md")


def _visit(month: int, on: date, nrs: float | None, odi: float | None = None) -> FollowUpVisit:
    scores = OutcomeScores(nrs=NRSScores(average=nrs), odi_pct=odi)
    return FollowUpVisit(visit_on=on, month=month, scores=scores)


def test_schedule_is_1_3_6_12_months_then_yearly() -> None:
    schedule = visit_schedule(implanted_on=date(2026, 1, 31), years=3)
    assert [m for m, _ in schedule] == [1, 3, 6, 12, 24, 36]
    assert dict(schedule)[1] == date(2026, 2, 28)  # clamped to the month's end
    assert dict(schedule)[36] == date(2029, 1, 31)
    with pytest.raises(InputError):
        visit_schedule(implanted_on=date(2026, 1, 1), years=0)


def test_add_months_crosses_years_and_leap_days() -> None:
    assert add_months(date(2027, 11, 30), 3) == date(2028, 2, 29)
    assert add_months(date(2026, 12, 15), 1) == date(2027, 1, 15)


def test_responder_status_over_time() -> None:
    visits = [
        _visit(3, date(2026, 5, 1), 4.0, odi=40),
        _visit(1, date(2026, 3, 1), 3.0, odi=44),
        _visit(6, date(2026, 8, 1), None),
        _visit(12, date(2027, 2, 1), 3.5, odi=30),
    ]
    points = responder_status(visits, baseline_nrs=7.0, baseline_odi_pct=50)
    assert [p.month for p in points] == [1, 3, 6, 12]
    assert [p.responder for p in points] == [True, False, None, True]  # 3.5 of 7 = exactly 50 %
    assert points[1].reduction_pct == pytest.approx(42.857142857)
    assert [p.odi_change_points for p in points] == [-6, -10, None, -20]


def test_missed_visits_are_those_due_without_a_record() -> None:
    visits = [_visit(1, date(2026, 2, 2), 3)]
    missed = missed_visits(visits, implanted_on=date(2026, 1, 1), today=date(2026, 7, 15))
    assert missed == [(3, date(2026, 4, 1)), (6, date(2026, 7, 1))]


def test_implant_warns_outside_the_labelling() -> None:
    ok = ImplantProcedure(
        performed_on=date(2026, 4, 1),
        leads=(ImplantedLead(level="L5", side="left"), ImplantedLead(level="S1", side="left")),
    )
    assert ok.warnings == ()
    many = ImplantProcedure(
        performed_on=date(2026, 4, 1),
        leads=tuple(
            ImplantedLead(level=lvl, side="right") for lvl in ("T8", "L1", "L2", "L3", "L4")
        ),
    )
    assert len(many.warnings) == 2 and "T8" in many.warnings[1]
    assert ImplantProcedure.model_validate(many.to_dict()) == many


def test_complication_types_match_data_and_spec() -> None:
    data = json.loads((DATA / "complications.json").read_text())
    assert set(data["types"]) == {t.value for t in ComplicationType}
    assert set(data["action"]["values"]) == {a.value for a in ComplicationAction}
    if SPEC.exists():  # the spec's list, word for word (shared/spec is outside the package)
        text = SPEC.read_text()
        taxonomy = re.search(r"Event taxonomy: (.*?)\.", text, re.S)
        assert taxonomy is not None
        spec_items = [s.strip() for s in taxonomy.group(1).replace("\n", " ").split(",")]
        assert len(spec_items) == len(ComplicationType)


def test_complications_summary_and_validation() -> None:
    events = [
        Complication(
            type="lead_migration",
            occurred_on=date(2026, 5, 1),
            severity="moderate",
            action="revision",
            resolved_on=date(2026, 5, 20),
        ),  # type: ignore[arg-type]
        Complication(
            type="infection",
            occurred_on=date(2026, 6, 1),
            severity=Severity.SEVERE,
            action=ComplicationAction.EXPLANT,
        ),
        Complication(
            type="unwanted_stimulation",
            occurred_on=date(2026, 6, 2),
            severity="mild",
            action="reprogramming",
        ),  # type: ignore[arg-type]
    ]
    summary = summarise_complications(events)
    assert summary["total"] == 3 and summary["device_related"] == 2 and summary["open"] == 2
    assert summary["by_action"] == {"revision": 1, "explant": 1, "reprogramming": 1}
    assert events[0].label == "Lead migration"
    assert Complication.model_validate(events[0].to_dict()) == events[0]
    with pytest.raises(ValueError, match="resolved_on"):
        Complication(
            type="erosion",
            occurred_on=date(2026, 5, 2),
            severity="mild",
            resolved_on=date(2026, 5, 1),
        )  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="type"):
        Complication(type="sprain", occurred_on=date(2026, 5, 2), severity="mild")  # type: ignore[arg-type]

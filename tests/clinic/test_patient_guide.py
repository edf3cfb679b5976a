"""The patient guide's data: every figure and page cites a known source, the labels cover
exactly the vocabularies they name, and the recovery plan's dates and calendar."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from drgstim.clinic import patient_guide as guide
from drgstim.errors import InputError


def test_every_figure_and_page_cites_a_known_source() -> None:
    known = set(guide.sources())
    for name, entry in guide.guide_data()["facts"].items():
        assert entry["sources"] and set(entry["sources"]) <= known, name
        assert entry["where"], name
    for page in guide.pages():
        assert page.sources, page.slug
    for kind in ("trial", "implant"):
        for item in guide.guide_data()["recovery"][kind]:
            assert set(item["sources"]) <= known, item["id"]
    for risk in guide.guide_data()["consent"]["risks"].values():
        assert set(risk["sources"]) <= known


def test_labels_name_exactly_the_values_of_their_vocabularies() -> None:
    from drgstim.api.schemas.patients import Stage
    from drgstim.clinic.review import Recommendation, Verdict
    from drgstim.clinic.screening import Condition, Diagnosis, Treatment

    assert set(guide.patient_labels("treatments")) == {t.value for t in Treatment}
    assert set(guide.patient_labels("conditions")) <= {c.value for c in Condition}
    assert set(guide.patient_labels("decisions")) == {r.value for r in Recommendation}
    assert set(guide.patient_labels("verdicts")) == {v.value for v in Verdict}
    assert set(guide.patient_labels("stages")) == {s.value for s in Stage}
    assert set(guide.patient_labels("diagnoses")) == {d.value for d in Diagnosis}
    assert set(guide.patient_labels("clinic_conditions")) == {c.value for c in Condition}


def test_the_kilogram_figure_is_the_pound_limit_converted() -> None:
    assert guide.fact("lift_limit_kg") == pytest.approx(
        guide.fact("lift_limit_lb") * 0.4536, abs=0.05
    )


def test_a_trial_plan_ends_with_the_trial_and_reminds_every_day() -> None:
    start = date(2026, 3, 2)
    plan = guide.recovery_plan("trial", performed_on=start, trial_days=5)
    diary = [i for i in plan if i.kind == "diary"]
    assert [i.starts_on for i in diary] == [start + timedelta(days=n) for n in range(5)]
    activity = next(i for i in plan if i.id == "trial_activity")
    assert activity.ends_on == date(2026, 3, 6)
    review = next(i for i in plan if i.id == "trial_review")
    assert review.starts_on == date(2026, 3, 6)
    with pytest.raises(InputError, match="trial_days"):
        guide.recovery_plan("trial", performed_on=start, trial_days=45)


def test_an_implant_plan_has_the_six_week_limits_and_the_visits() -> None:
    start = date(2026, 1, 31)
    plan = {i.id: i for i in guide.recovery_plan("implant", performed_on=start)}
    assert plan["implant_activity"].ends_on == start + timedelta(weeks=6)
    assert plan["implant_wound_check"].starts_on == start + timedelta(days=10)
    assert plan["visit-1m"].starts_on == date(2026, 2, 28)  # clamped to the month's end
    assert plan["visit-12m"].starts_on == date(2027, 1, 31)


def test_the_calendar_escapes_text_and_folds_long_lines() -> None:
    item = guide.PlanItem(
        "x",
        "restriction",
        "Lift, bend; twist \\ stretch " + "long " * 30,
        date(2026, 1, 1),
        date(2026, 1, 3),
        ("axium_patient",),
    )
    text = guide.to_icalendar([item], stamp=datetime(2026, 1, 1, 8, tzinfo=UTC))
    lines = text.split("\r\n")
    assert all(len(line.encode()) <= 75 for line in lines)
    unfolded = text.replace("\r\n ", "")
    assert "SUMMARY:Recovery limit: Lift\\, bend\\; twist \\\\ stretch" in unfolded
    assert "DTSTART;VALUE=DATE:20260101" in unfolded and "DTEND;VALUE=DATE:20260104" in unfolded


def test_a_consent_document_for_an_unknown_procedure_names_the_choices() -> None:
    with pytest.raises(InputError, match="trial, implant, revision, explant"):
        guide.consent_document("tattoo")

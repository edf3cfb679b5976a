"""A realistic patient record used by the FHIR and report tests (not a test module)."""

from __future__ import annotations

from datetime import date, timedelta

from drgstim.clinic.assessment import (
    Assessment,
    MeasurableGoal,
    NRSScores,
    OutcomeScores,
    PainSite,
)
from drgstim.clinic.complications import Complication
from drgstim.clinic.outcomes import (
    ConditionRecord,
    Demographics,
    DeviceInfo,
    FollowUpVisit,
    ImplantedLead,
    ImplantProcedure,
    PatientRecord,
    ProgrammingSession,
    TrialRecord,
)
from drgstim.clinic.review import evaluate_trial
from drgstim.clinic.trial import DiaryEntry, LeadLevel, ProgrammingChange, Trial

TRIAL_START = date(2026, 3, 2)
DIARY_NRS = (7.5, 4.0, 3.5, 3.0, 3.5, 2.5, 3.0)


def sample_trial() -> Trial:
    entries = tuple(
        DiaryEntry(
            date=TRIAL_START + timedelta(i),
            nrs_average=nrs,
            nrs_worst=min(10.0, nrs + 2),
            relief_pct=max(0.0, 100 - nrs * 12),
            mme=30.0 if i < 3 else 20.0,
            sleep_hours=5.5 + i * 0.3,
            steps=3000 + 400 * i,
            pgic=2 if i == 6 else None,
            stim_on=i != 4,
            notes="walked to the shop" if i == 5 else "",
        )
        for i, nrs in enumerate(DIARY_NRS)
    )
    return Trial(
        start_date=TRIAL_START,
        end_date=TRIAL_START + timedelta(6),
        stimulator="TS-0042",
        lead_levels=(LeadLevel(level="L5", side="left"), LeadLevel(level="S1", side="left")),
        entries=entries,
        programming_changes=(
            ProgrammingChange(
                date=TRIAL_START + timedelta(1),
                description="L5 600 µA 300 µs 20 Hz",
                device_event_ids=("ev-1", "ev-2"),
            ),
        ),
        goals="Walk the dog for 30 minutes",
    )


def sample_record() -> PatientRecord:
    trial = sample_trial()
    review = evaluate_trial(
        trial, baseline_nrs=7.5, baseline_mme=30, baseline_steps=3000, goals_met=True
    )
    implant_day = date(2026, 4, 1)
    visits = tuple(
        FollowUpVisit(
            visit_on=implant_day + timedelta(days=30 * m),
            month=m,
            scores=OutcomeScores(
                nrs=NRSScores(average=nrs, worst=nrs + 2),
                odi_pct=odi,
                pgic=2,
                phq9=5,
                mme_per_day=mme,
            ),
        )
        for m, nrs, odi, mme in (
            (1, 3.0, 38.0, 15.0),
            (3, 2.5, 30.0, 10.0),
            (6, 4.0, 32.0, 10.0),
            (12, 3.5, 28.0, 0.0),
        )
    )
    return PatientRecord(
        patient=Demographics(
            patient_id="P-0001",
            family_name="Rivera",
            given_names=("Ana", "Maria"),
            birth_date=date(1971, 5, 17),
            sex="female",
        ),
        conditions=(
            ConditionRecord(
                code="G90.522",
                display="Complex regional pain syndrome I of left lower limb",
                onset_date=date(2023, 6, 1),
                body_site="left foot",
            ),
        ),
        assessments=(
            Assessment(
                assessed_on=date(2026, 2, 10),
                pain_map=(
                    PainSite(region="foot_dorsum", side="left", intensity=8, character="burning"),
                ),
                scores=OutcomeScores(
                    nrs=NRSScores(average=7.5, worst=9, current=7),
                    odi_pct=46,
                    bpi_interference=6.5,
                    phq9=8,
                    gad7=6,
                    pcs=22,
                    mme_per_day=30,
                    sleep_hours=5,
                    sleep_interruptions=3,
                ),
                goals="Walk the dog again",
                measurable_goals=(
                    MeasurableGoal(description="Walk 30 minutes", target=30, unit="min"),
                ),
            ),
        ),
        trials=(TrialRecord(trial=trial, baseline_nrs=7.5, review=review),),
        procedures=(
            ImplantProcedure(
                performed_on=implant_day,
                leads=(
                    ImplantedLead(level="L5", side="left", serial="LD-1"),
                    ImplantedLead(level="S1", side="left", serial="LD-2"),
                ),
                generator_model="DRG-IPG-4",
                generator_serial="IPG-123",
                udi="(01)00000000000000(21)IPG-123",
            ),
        ),
        follow_ups=visits,
        programming_sessions=(
            ProgrammingSession(
                date=date(2026, 5, 3), description="S1 amplitude 700 µA", device_event_ids=("ev-9",)
            ),
        ),
        complications=(
            Complication(
                type="lead_migration",
                occurred_on=date(2026, 9, 1),
                severity="moderate",
                action="revision",
                resolved_on=date(2026, 9, 20),
            ),
        ),  # type: ignore[arg-type]
        device=DeviceInfo(
            generator_model="DRG-IPG-4",
            generator_serial="IPG-123",
            udi="(01)00000000000000(21)IPG-123",
            program={
                "leads": [
                    {"level": "L5", "amplitude_uA": 600, "pulse_width_us": 300, "frequency_Hz": 20}
                ]
            },
        ),
    )

"""Demo data for ``drgstim serve --demo``: patients at several pathway stages, two accounts.

The accounts ``demo-clinician`` and ``demo-patient`` (password ``demo-password``) are
flagged ``demo``; :func:`drgstim.api.auth.authenticate` refuses them outside demo mode.
All figures below are invented for demonstration and describe no real person.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from drgstim.api.auth import DEMO_PASSWORD, hash_password
from drgstim.api.clinic import evaluate_trial, plan_assessment, screen_assessment
from drgstim.api.device_service import DeviceFacts, save_program
from drgstim.api.schemas.devices import ProgramSettings
from drgstim.storage import SYSTEM_ACTOR, create
from drgstim.storage.models import (
    Assessment,
    Complication,
    Consent,
    Device,
    DiaryEntry,
    FollowUp,
    Implant,
    Patient,
    Plan,
    Program,
    Role,
    Screening,
    Trial,
    TrialReview,
    User,
)

__all__ = ["DEMO_ACCOUNTS", "seed_demo"]

DEMO_ACCOUNTS = {"demo-clinician": Role.CLINICIAN, "demo-patient": Role.PATIENT}


def _patient(db: Session, mrn: str, given: str, family: str, born: date, sex: str) -> Patient:
    return create(
        db,
        Patient(mrn=mrn, given_name=given, family_name=family, birth_date=born, sex=sex),
        actor=SYSTEM_ACTOR,
    )


def _assessment(
    db: Session, patient: Patient, *, today: date, days_ago: int, pain_map: list[Any]
) -> Assessment:
    scores = {"nrs_average": 7.0, "nrs_worst": 9.0, "odi_pct": 46.0, "phq9": 8, "gad7": 6}
    history = {  # the screening inputs (drgstim.clinic.screening.ScreeningInput)
        "pain_duration_months": 26,
        "neuropathic": True,
        "diagnoses": ["crps1"],
        "failed_treatments": ["medication", "nerve_block", "physiotherapy"],
        "medication_classes_tried": 3,
        "conditions": [],
        "expectations_aligned": True,
    }
    return create(
        db,
        Assessment(
            patient_id=patient.id,
            assessed_on=today - timedelta(days=days_ago),
            pain_map=pain_map,
            scores=scores,
            history=history,
        ),
        actor=SYSTEM_ACTOR,
    )


def _trial(
    db: Session, patient: Patient, *, today: date, started_days_ago: int, nrs: list[float]
) -> Trial:
    trial = create(
        db,
        Trial(
            patient_id=patient.id,
            started_on=today - timedelta(days=started_days_ago),
            planned_days=7,
            baseline_nrs=7.0,
            goals="Walk the dog for 30 minutes; sleep through the night.",
            leads=[{"level": "L5", "side": "left"}, {"level": "S1", "side": "left"}],
        ),
        actor=SYSTEM_ACTOR,
    )
    for i, value in enumerate(nrs):
        create(
            db,
            DiaryEntry(
                trial_id=trial.id,
                day=trial.started_on + timedelta(days=i),
                nrs_average=value,
                nrs_worst=min(10.0, value + 2),
                relief_pct=round(100 * (1 - value / 7.0)),
            ),
            actor=SYSTEM_ACTOR,
        )
    return trial


FOOT = [{"region": "foot_top", "side": "left", "intensity": 8}]
KNEE = [{"region": "knee", "side": "right", "intensity": 7}]
GROIN = [{"region": "groin", "side": "left", "intensity": 6}]


def _review(db: Session, trial: Trial) -> None:
    """Review the trial by the clinic layer's rules (as a clinician would)."""
    db.flush()
    entries = list(
        db.scalars(
            select(DiaryEntry).where(DiaryEntry.trial_id == trial.id).order_by(DiaryEntry.day)
        )
    )
    result = evaluate_trial(trial, entries, goals_met=True)
    create(
        db,
        TrialReview(trial_id=trial.id, verdict=str(result["verdict"]), result=result),
        actor=SYSTEM_ACTOR,
    )
    trial.status = "ended"
    trial.ended_on = trial.started_on + timedelta(days=len(entries) - 1)


def seed_demo(db: Session, *, today: date | None = None) -> bool:
    """Add the demo accounts and patients once; returns False when already seeded."""
    if db.scalar(select(User).where(User.username == "demo-clinician")) is not None:
        return False
    today = today or datetime.now(UTC).date()
    hashed = hash_password(DEMO_PASSWORD)
    anna = _patient(db, "DEMO-001", "Anna", "Berg", date(1968, 3, 14), "female")
    _assessment(db, anna, today=today, days_ago=3, pain_map=KNEE)
    ben = _patient(db, "DEMO-002", "Ben", "Carter", date(1975, 7, 2), "male")
    assessed = _assessment(db, ben, today=today, days_ago=20, pain_map=GROIN)
    outcome, result = screen_assessment(ben, assessed)  # the clinic layer's rules
    create(
        db,
        Screening(assessment_id=assessed.id, outcome=outcome, result=result),
        actor=SYSTEM_ACTOR,
    )
    create(
        db, Plan(assessment_id=assessed.id, result=plan_assessment(assessed)), actor=SYSTEM_ACTOR
    )
    cara = _patient(db, "DEMO-003", "Cara", "Diaz", date(1981, 11, 30), "female")
    _assessment(db, cara, today=today, days_ago=40, pain_map=FOOT)
    _trial(db, cara, today=today, started_days_ago=4, nrs=[6.5, 5.0, 4.0, 3.5])
    dan = _patient(db, "DEMO-004", "Dan", "Evans", date(1959, 5, 21), "male")
    _assessment(db, dan, today=today, days_ago=60, pain_map=FOOT)
    trial = _trial(
        db, dan, today=today, started_days_ago=30, nrs=[5.0, 3.5, 3.0, 3.0, 2.5, 2.5, 3.0]
    )
    _review(db, trial)
    eve = _patient(db, "DEMO-005", "Eve", "Fischer", date(1972, 9, 9), "female")
    _seed_implanted(db, eve, today)
    stages = {anna: "assessed", ben: "planned", cara: "in_trial", dan: "trial_reviewed"}
    for patient, stage in stages.items():
        patient.stage = stage
    eve.stage = "follow_up"
    _seed_consents(db, {cara: ("trial",), dan: ("trial",), eve: ("trial", "implant")}, today)
    _seed_trial_stimulator(db, cara)
    for username, role in DEMO_ACCOUNTS.items():
        create(
            db,
            User(
                username=username,
                password_hash=hashed,
                role=role.value,
                full_name="Demo clinician" if role == Role.CLINICIAN else "Cara Diaz (demo)",
                patient_id=cara.id if role == Role.PATIENT else None,
                demo=True,
            ),
            actor=SYSTEM_ACTOR,
        )
    db.flush()
    return True


def _seed_implanted(db: Session, patient: Patient, today: date) -> None:
    _assessment(db, patient, today=today, days_ago=400, pain_map=FOOT)
    trial = _trial(
        db, patient, today=today, started_days_ago=380, nrs=[5.5, 4.0, 3.0, 3.0, 2.5, 2.5, 2.0]
    )
    _review(db, trial)
    implanted_on = today - timedelta(days=360)
    create(
        db,
        Implant(
            patient_id=patient.id,
            procedure="implant",
            performed_on=implanted_on,
            levels=[{"level": "L5", "side": "left"}, {"level": "S1", "side": "left"}],
        ),
        actor=SYSTEM_ACTOR,
    )
    device = create(
        db,
        Device(
            patient_id=patient.id,
            kind="ipg",
            serial="DEMO-IPG-0005",
            leads=[
                {"lead": 1, "level": "L5", "side": "left", "impedance_ohm": 1450},
                {"lead": 2, "level": "S1", "side": "left", "impedance_ohm": 1620},
            ],
        ),
        actor=SYSTEM_ACTOR,
    )
    settings = ProgramSettings.model_validate(
        {
            "leads": [
                {
                    "lead": 1,
                    "contacts": ["-", "+", "0", "0"],
                    "amplitude_uA": 800,
                    "patient_max_uA": 1200,
                    "pulse_width_us": 300,
                    "frequency_Hz": 20,
                },
                {
                    "lead": 2,
                    "contacts": ["0", "-", "+", "0"],
                    "amplitude_uA": 650,
                    "patient_max_uA": 1000,
                    "pulse_width_us": 300,
                    "frequency_Hz": 20,
                },
            ]
        }
    )
    _program_device(db, device, "Awake", settings)
    for month, nrs in ((1, 3.0), (3, 2.5), (6, 2.5), (12, 3.0)):
        create(
            db,
            FollowUp(
                patient_id=patient.id,
                visit_on=implanted_on + timedelta(days=30 * month),
                month=month,
                scores={"nrs_average": nrs, "pgic": 2},
            ),
            actor=SYSTEM_ACTOR,
        )
    create(
        db,
        Complication(
            patient_id=patient.id,
            occurred_on=implanted_on + timedelta(days=75),
            kind="lead_migration",
            severity="moderate",
            management="revision",
            resolved=True,
        ),
        actor=SYSTEM_ACTOR,
    )


def _seed_consents(db: Session, signed: dict[Patient, tuple[str, ...]], today: date) -> None:
    """The signed consents every recorded procedure needs (signed by the patient)."""
    from drgstim.clinic.patient_guide import consent_document

    for patient, procedures in signed.items():
        for procedure in procedures:
            create(
                db,
                Consent(
                    patient_id=patient.id,
                    procedure=procedure,
                    document=consent_document(procedure),
                    signed_by_name=f"{patient.given_name} {patient.family_name}",
                    signed_at=datetime.now(UTC) - timedelta(days=1),
                ),
                actor=SYSTEM_ACTOR,
            )


def _seed_trial_stimulator(db: Session, patient: Patient) -> None:
    """The in-trial patient's external trial stimulator with its two trial leads and the
    program the team set at the trial's start (checked by the device's rules)."""
    device = create(
        db,
        Device(
            patient_id=patient.id,
            kind="trial_stimulator",
            serial="DEMO-TNS-0003",
            leads=[
                {"lead": 1, "level": "L5", "side": "left", "impedance_ohm": 1380},
                {"lead": 2, "level": "S1", "side": "left", "impedance_ohm": 1510},
            ],
        ),
        actor=SYSTEM_ACTOR,
    )
    settings = ProgramSettings.model_validate(
        {
            "leads": [
                {
                    "lead": 1,
                    "contacts": ["-", "+", "0", "0"],
                    "amplitude_uA": 700,
                    "patient_max_uA": 1100,
                    "pulse_width_us": 300,
                    "frequency_Hz": 20,
                },
                {
                    "lead": 2,
                    "contacts": ["0", "-", "+", "0"],
                    "amplitude_uA": 600,
                    "patient_max_uA": 1000,
                    "pulse_width_us": 300,
                    "frequency_Hz": 20,
                },
            ]
        }
    )
    _program_device(db, device, "Trial", settings)


def _program_device(db: Session, device: Device, name: str, settings: ProgramSettings) -> None:
    """Programmed through the device's clinician session, as for any program (a refusal
    raises: the demo never stores a program the device would not run)."""
    facts = DeviceFacts.of(
        serial=device.serial, kind=device.kind, leads=device.leads, state=device.state
    )
    outcome = save_program(
        facts,
        [],
        editing=None,
        name=name,
        for_patient_use=True,
        settings=settings,
        clinician=SYSTEM_ACTOR.name,
    )
    create(
        db,
        Program(device_id=device.id, name=name, settings=outcome.settings, safety=outcome.safety),
        actor=SYSTEM_ACTOR,
    )

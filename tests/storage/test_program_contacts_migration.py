"""Programs stored with "off" contacts read as the device's "0" after the migration."""

from __future__ import annotations

from datetime import date

from drgstim.storage import SYSTEM_ACTOR, Database, create
from drgstim.storage.db import downgrade, migrate
from drgstim.storage.models import Device, Patient, Program


def test_off_contacts_become_the_devices_zero_and_back(database: Database) -> None:
    old = {
        "leads": [
            {"lead": 1, "contacts": ["-", "+", "off", "off"], "amplitude_uA": 800},
            {"lead": 2, "contacts": "-+00"},  # not a list: left alone
        ]
    }
    with database.session() as s:
        patient = create(
            s,
            Patient(
                mrn="MIG-1",
                given_name="A",
                family_name="B",
                birth_date=date(1970, 1, 1),
                sex="male",
            ),
            actor=SYSTEM_ACTOR,
        )
        device = create(
            s, Device(patient_id=patient.id, kind="ipg", serial="MIG"), actor=SYSTEM_ACTOR
        )
        program = create(
            s, Program(device_id=device.id, name="Awake", settings=old), actor=SYSTEM_ACTOR
        )
    downgrade(database.engine, revision="0001")
    migrate(database.engine)
    with database.session() as s:
        stored = s.get(Program, program.id)
        assert stored is not None
        settings = stored.settings
    assert settings["leads"][0]["contacts"] == ["-", "+", "0", "0"]
    assert settings["leads"][1] == old["leads"][1]
    downgrade(database.engine, revision="0001")
    with database.session() as s:
        stored = s.get(Program, program.id)
        assert stored is not None
        settings = stored.settings
    assert settings["leads"][0]["contacts"] == ["-", "+", "off", "off"]
    migrate(database.engine)

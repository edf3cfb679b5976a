"""Storage: migrations match the models, audit rows commit with their change, the audit log
is append-only, timestamps stay UTC, and concurrent or invalid writes are refused."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from drgstim.storage import (
    Actor,
    ConflictError,
    Database,
    NotFoundError,
    create,
    delete,
    get,
    page,
    update,
)
from drgstim.storage.models import AuditLog, Base, DiaryEntry, Patient, Trial

ALICE = Actor(name="alice", id=uuid.uuid4())


def _patient(mrn: str = "MRN-1") -> Patient:
    return Patient(
        mrn=mrn, given_name="Ada", family_name="Lind", birth_date=date(1970, 1, 2), sex="female"
    )


def test_migrations_build_exactly_the_models(database: Database) -> None:
    # A model changed without a migration would make a fresh install differ from the code.
    with database.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


def test_create_writes_an_audit_row_in_the_same_transaction(database: Database) -> None:
    with database.session() as s:
        patient = create(s, _patient(), actor=ALICE)
    with database.session() as s:
        rows = list(s.scalars(select(AuditLog).where(AuditLog.entity_id == patient.id)))
    assert [(r.action, r.actor, r.actor_id, r.entity) for r in rows] == [
        ("create", "alice", ALICE.id, "patients")
    ]
    assert rows[0].old is None
    assert rows[0].new is not None and rows[0].new["mrn"] == "MRN-1"


def test_a_rolled_back_change_leaves_no_audit_row(database: Database) -> None:
    with pytest.raises(RuntimeError), database.session() as s:
        create(s, _patient(), actor=ALICE)
        raise RuntimeError("crash before commit")
    with database.session() as s:
        assert s.scalar(select(func.count()).select_from(AuditLog)) == 0
        assert s.scalar(select(func.count()).select_from(Patient)) == 0


def test_update_audits_only_changed_fields_old_and_new(database: Database) -> None:
    with database.session() as s:
        patient = create(s, _patient(), actor=ALICE)
    with database.session() as s:
        update(s, get(s, Patient, patient.id), {"notes": "allergic to latex"}, actor=ALICE)
    with database.session() as s:
        row = s.scalars(select(AuditLog).where(AuditLog.action == "update")).one()
    assert row.old is not None and row.new is not None
    assert (row.old["notes"], row.new["notes"]) == ("", "allergic to latex")
    assert (row.old["version"], row.new["version"]) == (1, 2)
    assert "mrn" not in row.new


def test_delete_is_audited_with_the_old_record(database: Database) -> None:
    with database.session() as s:
        patient = create(s, _patient(), actor=ALICE)
    with database.session() as s:
        delete(s, get(s, Patient, patient.id), actor=ALICE)
    with database.session() as s:
        row = s.scalars(select(AuditLog).where(AuditLog.action == "delete")).one()
        assert row.old is not None and row.old["family_name"] == "Lind"
        with pytest.raises(NotFoundError):
            get(s, Patient, patient.id)


@pytest.mark.parametrize(
    "statement", ["UPDATE audit_log SET actor = 'mallory'", "DELETE FROM audit_log"]
)
def test_the_audit_log_refuses_update_and_delete(database: Database, statement: str) -> None:
    with database.session() as s:
        create(s, _patient(), actor=ALICE)
    with pytest.raises(DBAPIError, match="append-only"), database.engine.begin() as conn:
        conn.execute(text(statement))
    with database.session() as s:
        assert s.scalars(select(AuditLog)).one().actor == "alice"


def test_timestamps_are_timezone_aware_utc(database: Database) -> None:
    with database.session() as s:
        patient = create(s, _patient(), actor=ALICE)
    with database.session() as s:
        stored = get(s, Patient, patient.id).created_at
    assert stored.tzinfo is not None and stored.utcoffset() == timedelta(0)
    assert abs(stored - datetime.now(UTC)) < timedelta(minutes=5)


def test_a_non_utc_time_is_stored_as_the_same_instant(database: Database) -> None:
    cet = datetime(2026, 3, 1, 9, 0, tzinfo=timezone(timedelta(hours=1)))
    with database.session() as s:
        patient = create(s, _patient(), actor=ALICE)
        patient.created_at = cet
    with database.session() as s:
        assert get(s, Patient, patient.id).created_at == cet
    with pytest.raises(Exception, match="naive datetime"), database.session() as s:
        get(s, Patient, patient.id).created_at = datetime(2026, 3, 1, 9, 0)
        s.flush()


def test_a_stale_concurrent_update_is_a_conflict(database: Database) -> None:
    with database.session() as s:
        patient = create(s, _patient(), actor=ALICE)
    with database.sessions() as first, database.sessions() as second:
        a = get(first, Patient, patient.id)
        first.commit()  # a keeps version 1 in memory while someone else changes the row
        update(second, get(second, Patient, patient.id), {"notes": "second"}, actor=ALICE)
        second.commit()
        with pytest.raises(ConflictError, match="changed by someone else"):
            update(first, a, {"notes": "first"}, actor=ALICE)
    with database.session() as s:
        assert get(s, Patient, patient.id).notes == "second"


def test_an_expected_version_that_moved_on_is_a_conflict(database: Database) -> None:
    with database.session() as s:
        patient = create(s, _patient(), actor=ALICE)
        with pytest.raises(ConflictError, match="version 1, not 7"):
            update(s, patient, {"notes": "x"}, actor=ALICE, expected_version=7)


def test_foreign_keys_and_unique_days_are_enforced(database: Database) -> None:
    with pytest.raises(ConflictError), database.session() as s:
        create(
            s, DiaryEntry(trial_id=uuid.uuid4(), day=date(2026, 1, 1), nrs_average=5), actor=ALICE
        )
    with database.session() as s:
        patient = create(s, _patient(), actor=ALICE)
        trial = create(
            s,
            Trial(patient_id=patient.id, started_on=date(2026, 1, 1), baseline_nrs=7),
            actor=ALICE,
        )
        create(s, DiaryEntry(trial_id=trial.id, day=date(2026, 1, 1), nrs_average=5), actor=ALICE)
    with pytest.raises(ConflictError), database.session() as s:
        create(s, DiaryEntry(trial_id=trial.id, day=date(2026, 1, 1), nrs_average=4), actor=ALICE)
    with database.session() as s:
        assert s.scalar(select(func.count()).select_from(DiaryEntry)) == 1


def test_page_returns_the_slice_and_the_total(database: Database) -> None:
    with database.session() as s:
        for i in range(7):
            create(s, _patient(f"MRN-{i}"), actor=ALICE)
    with database.session() as s:
        result = page(s, select(Patient).order_by(Patient.mrn), limit=3, offset=5)
    assert result.total == 7
    assert [p.mrn for p in result.items] == ["MRN-5", "MRN-6"]


def test_sqlite_durability_pragmas(tmp_path: object) -> None:
    database = Database(f"sqlite:///{tmp_path}/p.sqlite3")
    with database.engine.connect() as conn:
        journal = conn.exec_driver_sql("PRAGMA journal_mode").scalar()
        foreign_keys = conn.exec_driver_sql("PRAGMA foreign_keys").scalar()
        synchronous = conn.exec_driver_sql("PRAGMA synchronous").scalar()
    database.dispose()
    assert (journal, foreign_keys, synchronous) == ("wal", 1, 2)  # 2 = FULL


def test_migrations_downgrade_to_nothing_and_up_again(database: Database) -> None:
    from drgstim.storage.db import downgrade, migrate

    downgrade(database.engine, revision="base")
    with database.engine.connect() as conn:
        tables = set(conn.dialect.get_table_names(conn))
    assert tables <= {"alembic_version"}
    migrate(database.engine)
    with database.session() as s:
        create(s, _patient(), actor=ALICE)
    with pytest.raises(DBAPIError, match="append-only"), database.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_log"))


def test_two_writers_of_one_record_at_once_both_apply_in_turn(database: Database) -> None:
    """Two requests that both read a record and then write it without naming a version
    (a patient saving the same diary day from two devices) both succeed, one after the
    other, and both changes are audited: neither gets "changed by someone else"."""
    import threading

    with database.session() as s:
        patient = create(s, _patient(), actor=ALICE)
    loaded = [threading.Event(), threading.Event()]
    errors: list[BaseException] = []

    def write(me: int, note: str) -> None:
        try:
            with database.session() as s:
                obj = get(s, Patient, patient.id)  # both read version 1 (PostgreSQL)
                loaded[me].set()
                loaded[1 - me].wait(timeout=1.0)  # SQLite: the other waits for our commit
                update(s, obj, {"notes": note}, actor=ALICE)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(i, f"note {i}")) for i in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    with database.session() as s:
        final = get(s, Patient, patient.id)
        updates = s.scalars(select(AuditLog).where(AuditLog.action == "update")).all()
    assert final.version == 3 and final.notes in ("note 0", "note 1")
    assert sorted(row.new["version"] for row in updates if row.new) == [2, 3]

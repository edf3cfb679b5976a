"""The safety invariant, driven through the HTTP API by a hypothesis state machine.

No sequence of API calls by any role makes the device deliver a pulse that the device's own
check (``drgstim.device.check_program``, as ``drgstim device check``) refuses at the lead's
current impedance, a patient amplitude above the clinician's patient maximum, or a patient
maximum the check refuses for that lead.

The clinician saves and edits programs, types and measures impedances, adds and removes
leads; the patient steps, switches regions, selects groups, all-off and restore. After every
step the invariant is checked against the stored rows and what the controller shows, and no
answer is ever a 500. One app and SQLite database for the whole run; each example gets a
fresh device.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import tempfile
import threading
import uuid
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest
from api_support import SECRET, password_hash
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import select

from drgstim.api.auth import issue_token, start_session
from drgstim.api.settings import Settings
from drgstim.device import check_program, grid
from drgstim.storage import SYSTEM_ACTOR, Database, create
from drgstim.storage.models import Device, Patient, Program, Role, User
from drgstim.web.app import create_app

pytestmark = pytest.mark.slow
# Shrinking a failure can take minutes on a loaded machine; set DRGSTIM_SHRINK=1 to shrink.
PHASES = list(Phase) if os.environ.get("DRGSTIM_SHRINK") else [Phase.explicit, Phase.generate]

EXAMPLES_PER_ROUND = 25  # rounds run until REQUIRED_STEPS steps were checked
STEPS_PER_EXAMPLE = 100
REQUIRED_STEPS = 10_000

AMPLITUDES = grid("amplitude_uA").values()
PULSE_WIDTHS = (60, 120, 200, 300, 450, 600, 1000)
FREQUENCIES = (4, 20, 40, 60, 80)
IMPEDANCES = (None, 250, 400, 800, 1200, 1600, 2200, 3000, 4500, 60_000)
CONTACTS = (
    ["-", "+", "0", "0"],
    ["0", "-", "+", "0"],
    ["-", "+", "-", "+"],
    ["+", "-", "-", "-"],
    ["-", "-", "-", "-"],  # refused: no anode
    ["0", "0", "0", "0"],  # refused: no contact
)
LEVELS = ("L4", "L5", "S1", "T12")
NAMES = ("Awake", "Sleep", "Walk", "Sit", "Extra")


class World:
    """The app, its database and the two users the machine acts as."""

    def __init__(self, tmp: Path) -> None:
        self.database = Database(f"sqlite:///{tmp / 'invariant.db'}")
        self.database.migrate()
        app = create_app(
            Settings(secret_key=SECRET, demo=False, data_dir=tmp, cookie_secure=False),
            database=self.database,
        )
        # The app runs on an event loop of its own thread, so the test works whatever loop
        # the calling thread may already run (e.g. one left by Playwright's sync API).
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.http = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app, raise_app_exceptions=False),
            base_url="http://drgstim.test",
        )
        with self.database.session() as s:
            patient = create(
                s,
                Patient(
                    mrn="INV-1",
                    given_name="In",
                    family_name="Variant",
                    birth_date=date(1970, 1, 1),
                    sex="female",
                ),
                actor=SYSTEM_ACTOR,
            )
            users = {}
            for role in (Role.CLINICIAN, Role.PATIENT):
                user = User(
                    username=f"{role.value}-inv",
                    password_hash=password_hash(),
                    role=role.value,
                    patient_id=patient.id if role == Role.PATIENT else None,
                )
                users[role] = create(s, user, actor=SYSTEM_ACTOR)
            logins = {
                role: start_session(s, user, kind="token", max_age_s=24 * 3600).id
                for role, user in users.items()
            }
        self.patient_id = patient.id
        self.clinician = self._bearer(users[Role.CLINICIAN], logins[Role.CLINICIAN])
        self.patient = self._bearer(users[Role.PATIENT], logins[Role.PATIENT])
        self.steps = 0  # state-machine steps, each followed by the invariant check
        self.calls = 0
        self.serials = itertools.count()

    @staticmethod
    def _bearer(user: User, login: Any) -> dict[str, str]:
        return {"Authorization": f"Bearer {issue_token(SECRET, user, login)}"}

    def request(self, method: str, url: str, json: Any, headers: dict[str, str]) -> Any:
        """One HTTP request to the app, in process (no server, no test-client thread)."""
        call = self.http.request(method, f"/api{url}", json=json, headers=headers)
        return asyncio.run_coroutine_threadsafe(call, self.loop).result()

    def close(self) -> None:
        asyncio.run_coroutine_threadsafe(self.http.aclose(), self.loop).result()
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join()
        self.loop.close()
        self.database.dispose()


WORLD: World | None = None


def _lead_settings() -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries(
        {
            "lead": st.integers(1, 5),
            "contacts": st.sampled_from(CONTACTS),
            "amplitude_uA": st.sampled_from(AMPLITUDES[:100]),
            "patient_max_uA": st.sampled_from(AMPLITUDES),
            "pulse_width_us": st.sampled_from(PULSE_WIDTHS),
            "frequency_Hz": st.sampled_from(FREQUENCIES),
        }
    )


class DeviceMachine(RuleBasedStateMachine):
    """A clinician and a patient using one device through the API."""

    def __init__(self) -> None:
        super().__init__()
        assert WORLD is not None
        self.world = WORLD
        self.device_id: uuid.UUID | None = None
        self.leads: list[dict[str, Any]] = []
        self.programs: dict[str, str] = {}  # name → id, as the API answered
        self.rows: tuple[dict[float, Any], list[Program]] = ({}, [])
        self.view: dict[str, Any] | None = None

    # ---- helpers ---------------------------------------------------------------

    def _call(self, method: str, url: str, body: Any, *, patient: bool = False) -> Any:
        """One API call; never a 500. Returns the JSON of an accepted call, else None."""
        headers = self.world.patient if patient else self.world.clinician
        answer = self.world.request(method, url, body, headers)
        self.world.calls += 1
        assert answer.status_code in {200, 201, 422}, answer.text
        return answer.json() if answer.status_code < 300 else None

    def _changed(self) -> None:
        """After an accepted clinician change: reread the rows and what the device delivers."""
        with self.world.database.session() as s:
            device = s.get(Device, self.device_id)
            assert device is not None
            programs = list(s.scalars(select(Program).where(Program.device_id == device.id)))
            impedance = {x["lead"]: x.get("impedance_ohm") for x in device.leads}
            self.leads = [dict(x) for x in device.leads]
            s.expunge_all()
        self.rows = (impedance, programs)
        self.view = self._call(
            "POST", f"/devices/{self.device_id}/controller", {"action": "status"}, patient=True
        )

    def _patch_leads(self, leads: list[dict[str, Any]]) -> None:
        if self._call("PATCH", f"/devices/{self.device_id}", {"leads": leads}) is not None:
            self._changed()

    # ---- setup -----------------------------------------------------------------

    @initialize(impedances=st.lists(st.sampled_from(IMPEDANCES), min_size=1, max_size=4))
    def new_device(self, impedances: list[float | None]) -> None:
        leads = [
            {"lead": i + 1, "level": LEVELS[i], "side": "left", "impedance_ohm": z}
            for i, z in enumerate(impedances)
        ]
        body = {"kind": "ipg", "serial": f"INV-{next(self.world.serials)}", "leads": leads}
        created = self._call("POST", f"/patients/{self.world.patient_id}/devices", body)
        assert created is not None
        self.device_id = uuid.UUID(created["id"])
        self._changed()

    # ---- the clinician ---------------------------------------------------------

    @rule(
        name=st.sampled_from(NAMES),
        leads=st.lists(_lead_settings(), min_size=1, max_size=3),
        for_patient=st.booleans(),
    )
    def save_program(self, name: str, leads: list[dict[str, Any]], for_patient: bool) -> None:
        body: dict[str, Any] = {"for_patient_use": for_patient, "settings": {"leads": leads}}
        if name in self.programs:
            saved = self._call("PATCH", f"/programs/{self.programs[name]}", body)
        else:
            body["name"] = name
            saved = self._call("POST", f"/devices/{self.device_id}/programs", body)
        if saved is not None:
            self.programs[name] = saved["id"]
            self._changed()

    @rule(lead=st.integers(1, 4), impedance=st.sampled_from(IMPEDANCES), measured=st.booleans())
    def change_impedance(self, lead: int, impedance: float | None, measured: bool) -> None:
        if measured:
            body = {"lead": lead, "impedance_ohm": impedance}
            if self._call("POST", f"/devices/{self.device_id}/impedance", body) is not None:
                self._changed()
            return
        leads = [{**x, "impedance_ohm": impedance} if x["lead"] == lead else x for x in self.leads]
        self._patch_leads(leads)

    @rule(impedance=st.sampled_from(IMPEDANCES))
    def add_lead(self, impedance: float | None) -> None:
        free = sorted(set(range(1, 6)) - {x["lead"] for x in self.leads})
        new = {"lead": free[0], "level": "S1", "side": "right", "impedance_ohm": impedance}
        self._patch_leads([*self.leads, new])

    @rule(data=st.data())
    def remove_lead(self, data: st.DataObject) -> None:
        numbers = [x["lead"] for x in self.leads]
        gone = data.draw(st.sampled_from(numbers)) if numbers else None
        self._patch_leads([x for x in self.leads if x["lead"] != gone])

    # ---- the patient -----------------------------------------------------------

    @rule(
        action=st.sampled_from(
            ["status", "on", "off", "step_up", "step_up", "step_up", "step_down", "restore"]
        ),
        lead=st.integers(1, 4),
    )
    def patient_acts(self, action: str, lead: int) -> None:
        self._control({"action": action, "lead": lead})

    @rule(name=st.sampled_from(NAMES))
    def select_group(self, name: str) -> None:
        self._control({"action": "select_group", "group": name})

    @rule(confirm=st.booleans())
    def all_off(self, confirm: bool) -> None:
        self._control({"action": "all_off", "confirm": confirm})

    def _control(self, body: dict[str, Any]) -> None:
        shown = self._call("POST", f"/devices/{self.device_id}/controller", body, patient=True)
        if shown is not None:
            self.view = shown

    # ---- the invariant ---------------------------------------------------------

    @invariant()
    def nothing_delivered_is_refused_by_the_device(self) -> None:
        """Checked after every step: the stored rows change only with an accepted clinician
        call (reread then), the delivery with every call that answers the controller."""
        self.world.steps += 1
        impedance, programs = self.rows
        by_name = {p.name: p for p in programs}
        for program in programs:  # every runnable program: its patient maximum is safe
            if program.safety.get("disabled"):
                continue
            for lead in program.settings["leads"]:
                if lead["lead"] in impedance:
                    self._assert_safe(lead, lead["patient_max_uA"], impedance[lead["lead"]])
        for shown in self.view["leads"] if self.view else []:
            if not shown["on"]:
                continue
            program = by_name[self.view["group"]]
            assert not program.safety.get("disabled"), program.safety
            lead = next(x for x in program.settings["leads"] if x["lead"] == shown["lead"])
            assert shown["amplitude_uA"] <= lead["patient_max_uA"]
            self._assert_safe(lead, shown["amplitude_uA"], impedance[shown["lead"]])

    @staticmethod
    def _assert_safe(lead: dict[str, Any], amplitude_uA: int, impedance: float | None) -> None:
        report = check_program(
            amplitude_uA=amplitude_uA,
            pulse_width_us=lead["pulse_width_us"],
            frequency_Hz=lead["frequency_Hz"],
            contacts="".join(lead["contacts"]),
            impedance_ohm=impedance,
        )
        assert report.safe, (lead, amplitude_uA, impedance, report.errors)


def test_no_api_sequence_makes_the_device_deliver_an_unsafe_pulse(tmp_path: Path) -> None:
    global WORLD
    # The database on a RAM disk where there is one: the run is about the device rules,
    # and ten thousand fsyncs would be most of its time.
    shm = Path("/dev/shm")
    with tempfile.TemporaryDirectory(dir=shm if shm.is_dir() else tmp_path) as tmp:
        WORLD = World(Path(tmp))
        _run(WORLD)


def _run(world: World) -> None:
    global WORLD
    rounds = settings(
        max_examples=EXAMPLES_PER_ROUND,
        stateful_step_count=STEPS_PER_EXAMPLE,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
        phases=PHASES,
    )
    try:
        # Hypothesis ends some examples early; rounds go on until enough steps were checked.
        while world.steps < REQUIRED_STEPS:
            run_state_machine_as_test(DeviceMachine, settings=rounds)
        print(f"{world.steps} steps checked, {world.calls} API calls")
    finally:
        world.close()
        WORLD = None

"""Load benchmark for the clinic service: a realistic mix of patients and clinicians.

Starts ``drgstim serve`` (one uvicorn process) on a fresh database (SQLite and/or
PostgreSQL) on a free loopback port, fills it through the API (patients with a trial, a
week of diary entries, a device and a patient account), then drives it with locust
(used as a library, headless) at several numbers of concurrent clients:

* **patients** (3 of 5 clients): write a diary entry (an audited, durably committed
  update), read their diary, ask the patient controller for its status, read their trial;
* **clinicians** (2 of 5): list patients, read one, read a trial's diary, evaluate the
  trial, download the trial report (HTML) and the FHIR bundle.

Each client waits ``--think-s`` (uniformly 0.5×–1.5×) between requests, like a person
using the pages; ``--think-s 0`` makes every client a tight loop. For each step it prints
throughput, p50, p99, and the errors split into 503 (shed load: the expected answer beyond
capacity, with ``Retry-After``), other 5xx, other 4xx and transport failures (timeouts).
A last step at the lowest client count shows that the service recovers.

    .venv/bin/python benchmarks/api_load.py --spawn sqlite --spawn postgresql \
        --clients 8,50,100,200 --duration-s 30

Only loopback servers are started; every loop is bounded.
"""

from __future__ import annotations

# locust patches the standard library for gevent on import; it must come first.
from locust import FastHttpUser, between, constant, events, task  # isort: skip
from locust.env import Environment  # isort: skip

import argparse
import itertools
import json
import os
import random
import secrets
import shlex
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import gevent
import httpx

POSTGRES_URL = os.environ.get(
    "DRGSTIM_TEST_POSTGRES_URL", "postgresql+psycopg://drgstim:drgstim@127.0.0.1:5432/drgstim_test"
)
DRGSTIM = str(Path(sys.executable).with_name("drgstim"))
PASSWORD = secrets.token_urlsafe(18)
PATIENTS = 24
DIARY_DAYS = 7
TIMEOUT_S = 30.0
# The demo's "Awake" program for one lead (within the device's charge and grid rules).
PROGRAM = {
    "name": "Awake",
    "settings": {
        "leads": [
            {
                "lead": 1,
                "contacts": ["-", "+", "0", "0"],
                "amplitude_uA": 800,
                "patient_max_uA": 1200,
                "pulse_width_us": 300,
                "frequency_Hz": 20,
            }
        ]
    },
}


@dataclass
class PatientFixture:
    headers: dict[str, str]
    patient: str
    trial: str
    entries: list[str]
    device: str


@dataclass
class World:
    clinician: dict[str, str]
    patients: list[PatientFixture]


@dataclass(frozen=True)
class Step:
    backend: str
    clients: int
    requests: int
    throughput_per_s: float
    p50_ms: float
    p99_ms: float
    server_cpu_ms_per_request: float
    shed_503: int
    other_5xx: int
    client_4xx: int
    transport: int

    @property
    def errors(self) -> int:
        return self.shed_503 + self.other_5xx + self.client_4xx + self.transport


# --- the simulated users ---------------------------------------------------------------

_WORLD: World | None = None
_PATIENT_CYCLE: Iterator[PatientFixture] | None = None


def _world() -> World:
    assert _WORLD is not None
    return _WORLD


class PatientUser(FastHttpUser):
    weight = 3
    network_timeout = TIMEOUT_S
    connection_timeout = TIMEOUT_S

    def on_start(self) -> None:
        assert _PATIENT_CYCLE is not None
        self.me = next(_PATIENT_CYCLE)

    @task(3)
    def write_diary(self) -> None:
        entry = random.choice(self.me.entries)
        body = {"nrs_average": round(random.uniform(2, 6), 1), "sleep_h": 7}
        self.client.patch(
            f"/api/diary/{entry}", json=body, headers=self.me.headers, name="patient write diary"
        )

    @task(2)
    def read_diary(self) -> None:
        self.client.get(
            f"/api/trials/{self.me.trial}/diary", headers=self.me.headers, name="patient diary"
        )

    @task(2)
    def controller(self) -> None:
        self.client.post(
            f"/api/devices/{self.me.device}/controller",
            json={"action": "status"},
            headers=self.me.headers,
            name="patient controller",
        )

    @task(1)
    def read_trial(self) -> None:
        self.client.get(
            f"/api/trials/{self.me.trial}", headers=self.me.headers, name="patient trial"
        )


class ClinicianUser(FastHttpUser):
    weight = 2
    network_timeout = TIMEOUT_S
    connection_timeout = TIMEOUT_S

    def _someone(self) -> PatientFixture:
        return random.choice(_world().patients)

    def _get(self, path: str, name: str) -> None:
        self.client.get(path, headers=_world().clinician, name=name)

    @task(3)
    def list_patients(self) -> None:
        self._get("/api/patients?limit=50", "clinician list patients")

    @task(2)
    def read_patient(self) -> None:
        self._get(f"/api/patients/{self._someone().patient}", "clinician patient")

    @task(1)
    def diary(self) -> None:
        self._get(f"/api/trials/{self._someone().trial}/diary", "clinician diary")

    @task(1)
    def evaluation(self) -> None:
        self._get(f"/api/trials/{self._someone().trial}/evaluation", "clinician evaluation")

    @task(1)
    def report(self) -> None:
        self._get(f"/api/trials/{self._someone().trial}/report", "clinician report")

    @task(1)
    def fhir(self) -> None:
        self._get(f"/api/patients/{self._someone().patient}/fhir", "clinician fhir")


# --- counting answers -------------------------------------------------------------------

_STATUS: Counter[str] = Counter()
_RETRY_AFTER_MISSING = 0


@events.request.add_listener
def _count(response: Any = None, exception: Any = None, **_: Any) -> None:
    global _RETRY_AFTER_MISSING
    code = getattr(response, "status_code", 0) or 0
    if exception is not None and not code:
        _STATUS["transport"] += 1
    elif code == 503:
        _STATUS["503"] += 1
        if not response.headers.get("retry-after"):
            _RETRY_AFTER_MISSING += 1
    elif code >= 500:
        _STATUS["5xx"] += 1
    elif code >= 400:
        _STATUS["4xx"] += 1


def _cpu_s(pid: int) -> float:
    """User + system CPU seconds of process ``pid`` (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run_step(
    url: str,
    backend: str,
    clients: int,
    duration_s: float,
    think_s: float,
    warmup_s: float,
    server_pid: int,
) -> Step:
    """``clients`` locust users for ``warmup_s`` (not counted) then ``duration_s``."""
    for user in (PatientUser, ClinicianUser):
        user.wait_time = (
            between(0.5 * think_s, 1.5 * think_s) if think_s > 0 else constant(0)  # type: ignore[assignment]
        )
    env = Environment(user_classes=[PatientUser, ClinicianUser], host=url, events=events)
    runner = env.create_local_runner()
    runner.start(clients, spawn_rate=max(clients / max(warmup_s, 1.0), 1.0))
    gevent.sleep(warmup_s)
    env.stats.reset_all()
    _STATUS.clear()
    started, cpu_before = time.monotonic(), _cpu_s(server_pid)
    gevent.sleep(duration_s)
    elapsed, cpu_used = time.monotonic() - started, _cpu_s(server_pid) - cpu_before
    total = env.stats.total
    step = Step(
        backend=backend,
        clients=clients,
        requests=total.num_requests,
        throughput_per_s=total.num_requests / elapsed,
        p50_ms=float(total.get_response_time_percentile(0.5) or 0.0),
        p99_ms=float(total.get_response_time_percentile(0.99) or 0.0),
        server_cpu_ms_per_request=1000 * cpu_used / max(total.num_requests, 1),
        shed_503=_STATUS["503"],
        other_5xx=_STATUS["5xx"],
        client_4xx=_STATUS["4xx"],
        transport=_STATUS["transport"],
    )
    if os.environ.get("DRGSTIM_BENCH_VERBOSE"):
        for entry in sorted(env.stats.entries.values(), key=lambda e: -e.avg_response_time):
            print(
                f"#   {entry.name:<28} n={entry.num_requests:<5} "
                f"p50={entry.get_response_time_percentile(0.5):.0f} "
                f"p99={entry.get_response_time_percentile(0.99):.0f} ms",
                file=sys.stderr,
            )
    errors = sorted(env.stats.errors.values(), key=lambda e: "503" in str(e.error))
    for error in errors[:5]:
        print(f"# {error.occurrences} x {error.name}: {error.error}"[:300], file=sys.stderr)
    runner.quit()
    env.runner = None
    gevent.sleep(1.0)  # let the server drain before the next step
    return step


# --- the server and its data ------------------------------------------------------------


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def _database(backend: str, tmp: Path) -> Iterator[str]:
    if backend == "sqlite":
        yield f"sqlite:///{tmp / 'bench.sqlite3'}"
        return
    import psycopg

    libpq = POSTGRES_URL.replace("postgresql+psycopg://", "postgresql://", 1)
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(libpq, autocommit=True) as admin:
        admin.execute(f'CREATE SCHEMA "{schema}"')
    try:
        yield f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"
    finally:
        with psycopg.connect(libpq, autocommit=True) as admin:
            admin.execute(f'DROP SCHEMA "{schema}" CASCADE')


def _wait_healthy(url: str, proc: subprocess.Popen[bytes], timeout_s: float = 90.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"drgstim serve exited with {proc.returncode}")
        try:
            if httpx.get(f"{url}/api/health", timeout=2.0).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"no healthy server at {url} after {timeout_s} s")


@contextmanager
def spawned_server(backend: str, drgstim: list[str]) -> Iterator[tuple[str, int]]:
    """A fresh database with an admin account, and ``drgstim serve`` on a free port."""
    with (
        tempfile.TemporaryDirectory(prefix="drgstim-bench-") as tmp,
        _database(backend, Path(tmp)) as db_url,
    ):
        env = {
            **os.environ,
            "DRGSTIM_DATABASE_URL": db_url,
            "DRGSTIM_DATA_DIR": tmp,
            "DRGSTIM_SECRET_KEY": secrets.token_urlsafe(48),
            "DRGSTIM_DEMO": "false",
        }
        subprocess.run(
            [
                *drgstim,
                "users",
                "create",
                "--username",
                "bench-admin",
                "--role",
                "admin",
                "--password-stdin",
            ],
            input=PASSWORD + "\n",
            env=env,
            check=True,
            capture_output=True,
            text=True,
            timeout=120,
        )
        port = _free_port()
        proc = subprocess.Popen(
            [*drgstim, "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            stdout=subprocess.DEVNULL,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            _wait_healthy(url, proc)
            yield url, proc.pid
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=60)


def _ok(answer: httpx.Response) -> dict[str, Any]:
    if answer.is_error:
        raise RuntimeError(f"{answer.request.method} {answer.request.url}: {answer.text}")
    data: dict[str, Any] = answer.json() if answer.content else {}
    return data


def _token(http: httpx.Client, username: str) -> dict[str, str]:
    data = _ok(http.post("/api/auth/token", data={"username": username, "password": PASSWORD}))
    return {"Authorization": f"Bearer {data['access_token']}"}


def populate(url: str) -> World:
    """Accounts, patients, trials with a week of diary, devices: all through the API."""
    today = datetime.now(UTC).date()
    with httpx.Client(base_url=url, timeout=60.0) as http:
        admin = _token(http, "bench-admin")
        account = {"username": "bench-clinician", "password": PASSWORD, "role": "clinician"}
        _ok(http.post("/api/users", json=account, headers=admin))
        clinician = _token(http, "bench-clinician")
        patients = []
        for i in range(PATIENTS):
            person = {
                "mrn": f"BENCH-{i:04d}",
                "given_name": "Bench",
                "family_name": f"Patient {i}",
                "birth_date": "1970-01-01",
                "sex": "female",
            }
            pid = _ok(http.post("/api/patients", json=person, headers=clinician))["id"]
            started = today - timedelta(days=DIARY_DAYS)
            trial = {"started_on": started.isoformat(), "planned_days": 14, "baseline_nrs": 7}
            consent = {"procedure": "trial", "signed_by_name": "Bench Patient"}  # before a trial
            _ok(http.post(f"/api/patients/{pid}/consents", json=consent, headers=clinician))
            tid = _ok(http.post(f"/api/patients/{pid}/trials", json=trial, headers=clinician))["id"]
            entries = [
                _ok(
                    http.post(
                        f"/api/trials/{tid}/diary",
                        json={"day": (started + timedelta(days=d)).isoformat(), "nrs_average": 4},
                        headers=clinician,
                    )
                )["id"]
                for d in range(DIARY_DAYS)
            ]
            device = {
                "kind": "ipg",
                "serial": f"BENCH-IPG-{i:04d}",
                "leads": [{"lead": 1, "level": "L5", "side": "left", "impedance_ohm": 1450}],
            }
            did = _ok(http.post(f"/api/patients/{pid}/devices", json=device, headers=clinician))[
                "id"
            ]
            _ok(http.post(f"/api/devices/{did}/programs", json=PROGRAM, headers=clinician))
            user = {
                "username": f"bench-patient-{i}",
                "password": PASSWORD,
                "role": "patient",
                "patient_id": pid,
            }
            _ok(http.post("/api/users", json=user, headers=admin))
            patients.append(PatientFixture(_token(http, user["username"]), pid, tid, entries, did))
    return World(clinician=clinician, patients=patients)


def _print(steps: list[Step]) -> None:
    print(
        f"{'backend':<11} {'clients':>7} {'requests':>8} {'req/s':>7} {'p50 ms':>7} "
        f"{'p99 ms':>7} {'cpu ms/req':>10} {'503':>5} {'5xx':>4} {'4xx':>4} {'transport':>9}"
    )
    for s in steps:
        print(
            f"{s.backend:<11} {s.clients:>7} {s.requests:>8} {s.throughput_per_s:>7.1f} "
            f"{s.p50_ms:>7.0f} {s.p99_ms:>7.0f} {s.server_cpu_ms_per_request:>10.1f} "
            f"{s.shed_503:>5} {s.other_5xx:>4} "
            f"{s.client_4xx:>4} {s.transport:>9}"
        )


def main(argv: list[str] | None = None) -> int:
    global _WORLD, _PATIENT_CYCLE
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument(
        "--spawn", action="append", choices=["sqlite", "postgresql"], default=[],
        help="start a server on a fresh database of this kind (repeatable; default sqlite)",
    )  # fmt: skip
    parser.add_argument("--clients", default="8,50,100,200", help="client counts, comma-separated")
    parser.add_argument("--duration-s", type=float, default=30.0, help="measured time per step")
    parser.add_argument("--warmup-s", type=float, default=8.0, help="ramp-up, not measured")
    parser.add_argument("--think-s", type=float, default=2.0, help="mean wait between requests")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument(
        "--drgstim",
        default=DRGSTIM,
        help="command that runs drgstim (to compare another version: "
        "'env PYTHONPATH=OTHER/src python -m drgstim.cli.main')",
    )
    args = parser.parse_args(argv)
    counts = [int(c) for c in args.clients.split(",") if c.strip()]
    if not counts or not all(1 <= c <= 1000 for c in counts):
        parser.error("--clients: 1–1000 each")
    if not (1 <= args.duration_s <= 600 and 0 <= args.think_s <= 60):
        parser.error("--duration-s must be 1–600 and --think-s 0–60")
    steps: list[Step] = []
    for backend in args.spawn or ["sqlite"]:
        with spawned_server(backend, shlex.split(args.drgstim)) as (url, pid):
            _WORLD = populate(url)
            _PATIENT_CYCLE = itertools.cycle(_WORLD.patients)
            for clients in [*counts, counts[0]]:  # the last step: does it recover?
                steps.append(
                    run_step(
                        url, backend, clients, args.duration_s, args.think_s, args.warmup_s, pid
                    )
                )
                print(f"# {backend} {clients} clients done", file=sys.stderr, flush=True)
    if args.json:
        print(json.dumps([asdict(s) for s in steps], indent=2))
    else:
        _print(steps)
    if _RETRY_AFTER_MISSING:
        print(f"{_RETRY_AFTER_MISSING} answers 503 without Retry-After", file=sys.stderr)
    return 1 if any(s.other_5xx or s.transport for s in steps) or _RETRY_AFTER_MISSING else 0


if __name__ == "__main__":
    raise SystemExit(main())

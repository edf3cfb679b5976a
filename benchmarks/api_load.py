"""Load benchmark for the clinic service: read and diary-write latency and throughput.

Drives a ``drgstim serve`` on loopback with concurrent HTTP clients and prints p50/p95/p99
latency and throughput for reads (a patient record, a trial's diary page) and for diary
writes (each write a committed, audited transaction).

Either point it at a running server::

    .venv/bin/python benchmarks/api_load.py --url http://127.0.0.1:8000 \
        --username NAME --password-env DRGSTIM_BENCH_PASSWORD

(the account must be allowed to create patients and trials: clinician or nurse), or let it
start its own servers on fresh databases, SQLite and PostgreSQL::

    .venv/bin/python benchmarks/api_load.py --spawn sqlite --spawn postgresql

Only loopback addresses are accepted; every loop is bounded.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlparse

import httpx

POSTGRES_URL = os.environ.get(
    "DRGSTIM_TEST_POSTGRES_URL", "postgresql+psycopg://drgstim:drgstim@127.0.0.1:5432/drgstim_test"
)
DRGSTIM = str(Path(sys.executable).with_name("drgstim"))
DAYS_PER_TRIAL = 30
LOOPBACK = {"127.0.0.1", "localhost", "::1"}


@dataclass(frozen=True)
class Result:
    backend: str
    kind: str
    requests: int
    errors: int
    p50_ms: float
    p95_ms: float
    p99_ms: float
    throughput_per_s: float


def _percentile(sorted_ms: list[float], q: float) -> float:
    if not sorted_ms:
        return float("nan")
    index = min(len(sorted_ms) - 1, round(q / 100 * (len(sorted_ms) - 1)))
    return sorted_ms[index]


def _run_clients(
    url: str, headers: dict[str, str], jobs: list[list[Callable[[httpx.Client], int]]]
) -> tuple[list[float], int, float]:
    """Run each client's job list in its own thread; (latencies ms, errors, wall s)."""
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    gate = threading.Event()

    def client(work: list[Callable[[httpx.Client], int]]) -> None:
        nonlocal errors
        mine: list[float] = []
        bad = 0
        with httpx.Client(base_url=url, headers=headers, timeout=30.0) as http:
            gate.wait(timeout=30)
            for job in work:
                t0 = time.perf_counter()
                try:
                    status = job(http)
                except httpx.TransportError:
                    status = 0
                mine.append((time.perf_counter() - t0) * 1000)
                bad += status >= 400 or status == 0
        with lock:
            latencies.extend(mine)
            errors += bad

    threads = [threading.Thread(target=client, args=(w,), daemon=True) for w in jobs]
    for t in threads:
        t.start()
    start = time.perf_counter()
    gate.set()
    for t in threads:
        t.join(timeout=600)
    return latencies, errors, time.perf_counter() - start


def _summarise(
    backend: str, kind: str, latencies: list[float], errors: int, wall_s: float
) -> Result:
    ordered = sorted(latencies)
    return Result(
        backend=backend,
        kind=kind,
        requests=len(ordered),
        errors=errors,
        p50_ms=round(statistics.median(ordered), 2) if ordered else float("nan"),
        p95_ms=round(_percentile(ordered, 95), 2),
        p99_ms=round(_percentile(ordered, 99), 2),
        throughput_per_s=round(len(ordered) / wall_s, 1) if wall_s > 0 else float("nan"),
    )


def _setup(http: httpx.Client, trials_needed: int) -> tuple[str, list[str]]:
    """A patient and ``trials_needed`` trials that started 29 days ago (30 diary days each)."""
    mrn = f"BENCH-{uuid.uuid4().hex[:8]}"
    patient = http.post(
        "/api/patients",
        json={"mrn": mrn, "given_name": "Bench", "family_name": "Mark", "birth_date": "1970-01-01"},
    )
    patient.raise_for_status()
    pid = str(patient.json()["id"])
    started = (datetime.now(UTC).date() - timedelta(days=DAYS_PER_TRIAL - 1)).isoformat()
    consent = {"procedure": "trial", "signed_by_name": "Bench Mark"}  # needed before a trial
    http.post(f"/api/patients/{pid}/consents", json=consent).raise_for_status()
    trials = []
    for _ in range(trials_needed):
        trial = http.post(
            f"/api/patients/{pid}/trials",
            json={"started_on": started, "baseline_nrs": 7, "planned_days": DAYS_PER_TRIAL},
        )
        trial.raise_for_status()
        trials.append(str(trial.json()["id"]))
    return pid, trials


def benchmark(
    url: str, headers: dict[str, str], backend: str, clients: int, per_client: int
) -> list[Result]:
    """Reads, then diary writes, each ``clients`` × ``per_client`` requests."""
    trials_per_client = -(-per_client // DAYS_PER_TRIAL)
    with httpx.Client(base_url=url, headers=headers, timeout=30.0) as http:
        pid, trials = _setup(http, clients * trials_per_client)
    first_day = datetime.now(UTC).date() - timedelta(days=DAYS_PER_TRIAL - 1)

    def read_job(i: int) -> Callable[[httpx.Client], int]:
        path = f"/api/patients/{pid}" if i % 2 == 0 else f"/api/trials/{trials[0]}/diary"
        return lambda http: http.get(path).status_code

    def write_job(trial: str, day: int) -> Callable[[httpx.Client], int]:
        body = {"day": (first_day + timedelta(days=day)).isoformat(), "nrs_average": 4.0}
        return lambda http: http.post(f"/api/trials/{trial}/diary", json=body).status_code

    # a few diary days so the diary read returns a page
    with httpx.Client(base_url=url, headers=headers, timeout=30.0) as http:
        for day in range(5):
            write_job(trials[0], DAYS_PER_TRIAL - 1 - day)(http)
    reads = [[read_job(i) for i in range(per_client)] for _ in range(clients)]
    results = [_summarise(backend, "read", *_run_clients(url, headers, reads))]
    writes = []
    for c in range(clients):
        own = trials[c * trials_per_client : (c + 1) * trials_per_client]
        writes.append(
            [write_job(own[i // DAYS_PER_TRIAL], i % DAYS_PER_TRIAL) for i in range(per_client)]
        )
    # trial 0's last five days were used above; client 0 writes its trial's first days only
    writes[0] = writes[0][: min(per_client, DAYS_PER_TRIAL - 5)] + writes[0][DAYS_PER_TRIAL:]
    results.append(_summarise(backend, "diary write", *_run_clients(url, headers, writes)))
    return results


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def spawned_server(backend: str) -> Iterator[tuple[str, dict[str, str]]]:
    """A fresh database, an account and a ``drgstim serve`` on a free loopback port."""
    with (
        tempfile.TemporaryDirectory(prefix="drgstim-bench-") as tmp,
        _database(backend, Path(tmp)) as db_url,
    ):
        password = secrets.token_urlsafe(16)
        env = {
            **os.environ,
            "DRGSTIM_DATABASE_URL": db_url,
            "DRGSTIM_DATA_DIR": tmp,
            "DRGSTIM_SECRET_KEY": secrets.token_urlsafe(48),
            "DRGSTIM_DEMO": "false",
        }
        subprocess.run(
            [
                DRGSTIM,
                "users",
                "create",
                "--username",
                "bench",
                "--role",
                "nurse",
                "--password-stdin",
            ],
            input=password + "\n",
            env=env,
            check=True,
            capture_output=True,
            text=True,
            timeout=60,
        )
        port = _free_port()
        proc = subprocess.Popen(
            [DRGSTIM, "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=None,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            _wait_healthy(url, proc)
            yield url, _login(url, "bench", password)
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=30)


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


def _wait_healthy(url: str, proc: subprocess.Popen[bytes], timeout_s: float = 60.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"drgstim serve exited with {proc.returncode}")
        try:
            if httpx.get(f"{url}/api/health", timeout=1.0).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"no healthy server at {url} after {timeout_s} s")


def _login(url: str, username: str, password: str) -> dict[str, str]:
    answer = httpx.post(f"{url}/api/auth/token", data={"username": username, "password": password})
    answer.raise_for_status()
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


def _print(results: list[Result]) -> None:
    heads = ("p50 ms", "p95 ms", "p99 ms", "req/s")
    print(f"{'backend':<11} {'kind':<12} {'n':>6} {'err':>4} " + " ".join(f"{h:>8}" for h in heads))
    for r in results:
        print(
            f"{r.backend:<11} {r.kind:<12} {r.requests:>6} {r.errors:>4} {r.p50_ms:>8.2f} "
            f"{r.p95_ms:>8.2f} {r.p99_ms:>8.2f} {r.throughput_per_s:>8.1f}"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", help="a running server on loopback, e.g. http://127.0.0.1:8000")
    parser.add_argument("--username", help="account on --url (clinician or nurse)")
    parser.add_argument(
        "--password-env",
        default="DRGSTIM_BENCH_PASSWORD",
        help="environment variable holding the password for --url",
    )
    parser.add_argument(
        "--spawn",
        action="append",
        choices=["sqlite", "postgresql"],
        default=[],
        help="start a server on a fresh database of this kind (repeatable)",
    )
    parser.add_argument("--clients", type=int, default=8, help="concurrent HTTP clients")
    parser.add_argument("--requests", type=int, default=150, help="requests per client per kind")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    args = parser.parse_args(argv)
    if not (1 <= args.clients <= 64 and 1 <= args.requests <= 10_000):
        parser.error("--clients must be 1–64 and --requests 1–10000")
    results: list[Result] = []
    if args.url:
        host = urlparse(args.url).hostname or ""
        if host not in LOOPBACK:
            parser.error(f"--url must be a loopback address, not {host!r}")
        if not args.username or args.password_env not in os.environ:
            parser.error("--url needs --username and the password in $" + args.password_env)
        headers = _login(args.url, args.username, os.environ[args.password_env])
        results += benchmark(args.url, headers, "running", args.clients, args.requests)
    for backend in args.spawn or ([] if args.url else ["sqlite"]):
        with spawned_server(backend) as (url, headers):
            results += benchmark(url, headers, backend, args.clients, args.requests)
    if args.json:
        print(json.dumps([r.__dict__ for r in results], indent=2))
    else:
        _print(results)
    return 1 if any(r.errors for r in results) else 0


if __name__ == "__main__":
    raise SystemExit(main())

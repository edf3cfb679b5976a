"""Run a real ``drgstim serve`` in a subprocess on a free loopback port (tests only)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

__all__ = ["SECRET", "Server", "create_user", "free_port", "start_server"]

SECRET = "durability-secret-key-0123456789-abcdefghij"
DRGSTIM = str(Path(sys.executable).with_name("drgstim"))
START_TIMEOUT_S = 60.0


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _env(database_url: str, data_dir: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DRGSTIM_DATABASE_URL=database_url,
        DRGSTIM_SECRET_KEY=SECRET,
        DRGSTIM_DATA_DIR=str(data_dir),
        DRGSTIM_DEMO="false",
    )
    return env


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    url: str

    def kill(self) -> None:
        """SIGKILL: no shutdown hooks, no flush, like a power-cut of the process."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()


def start_server(database_url: str, data_dir: Path) -> Server:
    """Start ``drgstim serve`` and wait until /api/health answers."""
    port = free_port()
    process = subprocess.Popen(
        [DRGSTIM, "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=_env(database_url, data_dir),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            err = process.stderr.read().decode() if process.stderr else ""
            raise RuntimeError(f"drgstim serve exited with {process.returncode}: {err}")
        try:
            if httpx.get(f"{url}/api/health", timeout=1.0).status_code == 200:
                return Server(process=process, url=url)
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    process.kill()
    raise RuntimeError(f"drgstim serve did not answer on {url} within {START_TIMEOUT_S} s")


def create_user(
    database_url: str, data_dir: Path, *, username: str, role: str, password: str
) -> subprocess.CompletedProcess[str]:
    """``drgstim users create … --password-stdin`` against ``database_url``."""
    return subprocess.run(
        [
            DRGSTIM,
            "users",
            "create",
            "--username",
            username,
            "--role",
            role,
            "--password-stdin",
            "--json",
        ],
        input=password + "\n",
        env=_env(database_url, data_dir),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

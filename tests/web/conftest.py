"""A real clinic server (demo data, temp SQLite) on a loopback port, and a headless Chromium."""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from web_helpers import NURSE, PROGRAMMER

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _add_nurse(database: Any) -> None:
    """A nurse and a programmer account (demo mode has only a clinician and a patient)."""
    from drgstim.api.accounts import create_account
    from drgstim.storage import SYSTEM_ACTOR, commit

    with database.session() as db:
        create_account(db, username=NURSE[0], password=NURSE[1], role="nurse", actor=SYSTEM_ACTOR)
        create_account(
            db,
            username=PROGRAMMER[0],
            password=PROGRAMMER[1],
            role="programmer",
            actor=SYSTEM_ACTOR,
        )
        commit(db)


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``create_app`` in demo mode under uvicorn in a thread; yields the base URL."""
    import uvicorn

    from drgstim.api.settings import Settings
    from drgstim.web.app import create_app

    data_dir = tmp_path_factory.mktemp("web-db")
    settings = Settings(
        demo=True, data_dir=data_dir, database_url=f"sqlite:///{data_dir / 'web.sqlite3'}"
    )
    app = create_app(settings)
    _add_nurse(app.state.database)
    port = _free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)
    uv = uvicorn.Server(config)
    thread = threading.Thread(target=uv.run, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/api/health", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.05)
    else:
        raise RuntimeError("the clinic server did not start within 20 s")
    yield base
    uv.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(
    request: pytest.FixtureRequest, server: str, require: Callable[[bool, str], None]
) -> Iterator[Any]:
    """A fresh browser context (no cookies) whose page errors fail the test."""
    require(os.path.exists(CHROMIUM), "Chromium at /usr/bin/chromium")
    browser = request.getfixturevalue("browser")
    context = browser.new_context(base_url=server, viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda exc: errors.append(str(exc)))
    tab.set_default_timeout(10_000)
    yield tab
    context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"

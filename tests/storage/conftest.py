"""Fixtures: ``database`` runs each storage test on SQLite and on PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from backends import BACKENDS, POSTGRES_URL, fresh_database, postgres_available

from drgstim.storage import Database


@pytest.fixture(params=BACKENDS)
def database(
    request: pytest.FixtureRequest, tmp_path: Path, require: Callable[[bool, str], None]
) -> Iterator[Database]:
    """A fresh, migrated database; parametrised over SQLite and PostgreSQL."""
    if request.param == "postgresql":
        require(postgres_available(), f"PostgreSQL at {POSTGRES_URL}")
    with fresh_database(request.param, tmp_path) as db:
        yield db

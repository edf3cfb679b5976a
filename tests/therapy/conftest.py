"""Shared, cached level populations for the therapy tests.

Thresholds are cached on disk by input hash; the whole session shares one temporary
cache directory so each (placement, configuration, pulse width) is solved once.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture(scope="session", autouse=True)
def therapy_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    path = tmp_path_factory.mktemp("therapy-cache")
    old = os.environ.get("DRGSTIM_CACHE_DIR")
    os.environ["DRGSTIM_CACHE_DIR"] = str(path)
    yield path
    if old is None:
        os.environ.pop("DRGSTIM_CACHE_DIR", None)
    else:
        os.environ["DRGSTIM_CACHE_DIR"] = old

"""The one reader of the package's cited reference data (``drgstim/data/**.json``).

Every layer reads its data files through :func:`load_json`, each file once per process.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

__all__ = ["load_json"]


@cache
def load_json(*parts: str) -> dict[str, Any]:
    """The JSON document ``drgstim/data/<parts…>``, e.g. ``load_json("device", "device.json")``.

    Cached: callers must not change what they get.
    """
    text = resources.files("drgstim").joinpath("data", *parts).read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data

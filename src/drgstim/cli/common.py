"""Helpers every CLI command uses: JSON output and user-error reporting.

Only the standard library and Typer/Rich are imported here; commands import the heavy
layers (NumPy, Numba, FastAPI) inside their function bodies so ``drgstim --help`` stays fast.
"""

from __future__ import annotations

import json
import sys
from typing import Any, NoReturn

from drgstim.errors import InputError

__all__ = [
    "EXIT_REFUSED",
    "EXIT_USAGE",
    "emit_json",
    "fail",
    "format_validation_error",
    "user_error_message",
]

EXIT_REFUSED = 1  # a valid request whose answer is "no" (e.g. an unsafe program)
EXIT_USAGE = 2  # malformed input: bad argument, bad file


def _default(obj: Any) -> Any:
    if hasattr(obj, "model_dump"):
        return obj.model_dump(mode="json")
    if hasattr(obj, "tolist"):
        return obj.tolist()
    if hasattr(obj, "isoformat"):
        return obj.isoformat()
    if isinstance(obj, set | frozenset | tuple):
        return list(obj)
    return str(obj)


def emit_json(data: Any) -> None:
    """Print one JSON document on stdout (the machine-readable contract)."""
    sys.stdout.write(json.dumps(data, default=_default, ensure_ascii=False, indent=2) + "\n")


def fail(message: str, *, code: int = EXIT_USAGE) -> NoReturn:
    """Report a user error on stderr and exit with ``code``, without a traceback.

    ``SystemExit`` rather than ``typer.Exit``: it keeps its status both under the
    ``drgstim`` entry point and under Typer's test runner."""
    sys.stderr.write(f"error: {message}\n")
    raise SystemExit(code)


def format_validation_error(exc: Any) -> str:
    """A pydantic ValidationError as one line per field: ``field = value: message``."""
    lines = []
    for err in exc.errors():
        loc = ".".join(str(p) for p in err.get("loc", ())) or "input"
        value = err.get("input")
        lines.append(f"{loc} = {value!r}: {err.get('msg')}")
    return "; ".join(lines)


def user_error_message(exc: BaseException) -> str | None:
    """The message for a user error raised by a library, or None for anything else."""
    if isinstance(exc, InputError):
        return str(exc)
    if type(exc).__name__ == "ValidationError" and hasattr(exc, "errors"):
        return format_validation_error(exc)
    return None

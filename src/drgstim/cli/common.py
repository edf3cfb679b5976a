"""Helpers every CLI command uses: JSON output and user-error reporting.

Only the standard library and Typer/Rich are imported here; commands import the heavy
layers (NumPy, Numba, FastAPI) inside their function bodies so ``drgstim --help`` stays fast.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any, NoReturn

from drgstim.errors import InputError

__all__ = [
    "EXIT_REFUSED",
    "EXIT_USAGE",
    "check_output_folder",
    "emit_json",
    "fail",
    "format_validation_error",
    "user_error_message",
    "write_output",
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
    if isinstance(exc, UnicodeDecodeError):
        return f"input file is not UTF-8 text (byte {exc.start}: {exc.reason}); allowed: UTF-8"
    if isinstance(exc, RecursionError):
        return "input is nested too deeply; allowed: JSON nested a few hundred levels at most"
    if isinstance(exc, json.JSONDecodeError):
        return f"input is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
    if isinstance(exc, OSError) and exc.filename is not None:
        return f"file {str(exc.filename)!r}: {exc.strerror or exc}"
    if type(exc).__name__ == "ArgumentError" and type(exc).__module__.startswith("sqlalchemy"):
        return (
            f"database URL is not usable ({exc}); allowed: sqlite:///PATH or postgresql+psycopg://…"
        )
    return None


def check_output_folder(out: Path) -> None:
    """Fail (exit 2) before any work when ``--out`` cannot be written."""
    folder = out.parent if str(out.parent) else Path(".")
    if not folder.is_dir():
        fail(f"--out = {str(out)!r} is not allowed; allowed: a file in an existing folder")
    if out.is_dir():
        fail(f"--out = {str(out)!r} is a folder; allowed: a file name")


def write_output(out: Path, data: bytes) -> None:
    """Write ``data`` to ``out`` all or nothing: a temporary file in the same folder,
    renamed over ``out`` only when complete (a failure leaves no partial file)."""
    check_output_folder(out)
    handle, tmp = tempfile.mkstemp(prefix=f".{out.name}.", dir=out.parent or ".")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise

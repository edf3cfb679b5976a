"""Every CLI command, fuzzed: options and input files a careless user could give.

Whatever the input: no traceback (an unexpected exception fails the test), the exit
status is 0, 1 (a valid request refused) or 2 (bad input, with a message), and a
failed run leaves nothing at ``--out``. The simulation commands get only values that
must be refused at parse time (nan, inf, text), so a run never starts a long simulation.
The bad inputs once accepted are pinned as explicit cases below.
"""

from __future__ import annotations

import io
import json
import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, redirect_stderr, redirect_stdout
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from drgstim.cli.main import command, run

pytestmark = [pytest.mark.slow]
_TMP = tempfile.TemporaryDirectory(prefix="drgstim-cli-fuzz-")
FILES = Path(_TMP.name)
DIARY = "date,nrs_average\n" + "".join(f"2026-01-{d:02d},{3 + d % 3}\n" for d in range(1, 9))


def _make_files() -> dict[str, Path]:
    files = {
        "diary": FILES / "diary.csv",
        "latin1": FILES / "latin1.csv",
        "nested": FILES / "nested.json",
        "empty": FILES / "empty.json",
        "garbage": FILES / "garbage.bin",
        "record": FILES / "record.json",
        "missing": FILES / "missing.csv",
        "folder": FILES,
    }
    files["diary"].write_text(DIARY, encoding="utf-8")
    files["latin1"].write_bytes(
        "date,nrs_average,notes\n2026-01-01,5,Müdigkeit\n".encode("latin-1")
    )
    files["nested"].write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    files["empty"].write_text("", encoding="utf-8")
    files["garbage"].write_bytes(bytes(range(256)) * 4)
    files["record"].write_text(
        json.dumps({"follow_ups": [{"visit_on": "2026-02-01", "month": True}]}), encoding="utf-8"
    )
    return files


INPUTS = _make_files()
HEAVY = {"threshold", "velocity", "recruitment", "transmission"}
SKIP = {"serve"}  # starts a server; its options are Click ranges (tested elsewhere)
PARSE_REFUSED = ["nan", "inf", "-inf", "NaN", "abc", ""]
NUMBERS = [*PARSE_REFUSED, "-5", "0", "1", "7.5", "1e308", "true", "3"]
TEXT = st.one_of(
    st.sampled_from(["", "x" * 300, "a\r\nb", "Ñúñez-李", "-", "--json", "0", "l5:left:7"]),
    st.text(max_size=20),
)


def _commands(cmd: Any, prefix: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Any]]:
    subs = getattr(cmd, "commands", {})
    if not subs:
        yield prefix, cmd
    for name, sub in subs.items():
        yield from _commands(sub, (*prefix, name))


COMMANDS = [(path, cmd) for path, cmd in _commands(command()) if path[0] not in SKIP]


def _annotation(param: Any) -> Any:
    return getattr(getattr(param, "type_descriptor", None), "annotation", None)


def _value(data: st.DataObject, param: Any, heavy: bool) -> str:
    kind = _annotation(param)
    if param.name == "out":
        return str(data.draw(st.sampled_from(["out.html", "out.pdf", "nowhere/out.pdf", "out"])))
    if kind is Path:
        return str(data.draw(st.sampled_from(sorted(INPUTS.values()))))
    if kind in (float, int):
        return str(data.draw(st.sampled_from(PARSE_REFUSED if heavy else NUMBERS)))
    if heavy:
        return str(data.draw(st.sampled_from(PARSE_REFUSED)))
    return str(data.draw(TEXT))


def _argv(data: st.DataObject, path: tuple[str, ...], cmd: Any, out_dir: Path) -> list[str]:
    heavy = path[0] in HEAVY
    argv = list(path)
    params = [p for p in cmd.params if p.name not in ("password_stdin",)]
    chosen = data.draw(st.lists(st.sampled_from(params), unique_by=id)) if params else []
    if heavy and not any(_annotation(p) in (float, int) for p in chosen):
        numeric = [p for p in params if _annotation(p) in (float, int)]
        chosen.append(data.draw(st.sampled_from(numeric)))
    for param in chosen:
        if param.param_type_name == "argument":
            argv.append(_value(data, param, heavy))
        elif getattr(param, "is_flag", False) or _annotation(param) is bool:
            argv.append(param.opts[0])
        else:
            value = _value(data, param, heavy)
            if param.name == "out":
                value = str(out_dir / value)
            argv += [param.opts[0], value]
    if path[0] == "users" and path[-1] in ("create", "set-password"):
        argv.append("--password-stdin")
    return argv


@contextmanager
def _environment(folder: Path) -> Iterator[None]:
    saved = dict(os.environ)
    os.environ.update(
        DRGSTIM_DATA_DIR=str(folder),
        DRGSTIM_DATABASE_URL=f"sqlite:///{folder / 'fuzz.sqlite3'}",
        DRGSTIM_SECRET_KEY="fuzz-secret-" + "x" * 40,
    )
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def invoke(argv: list[str], stdin: str = "a long enough password\n") -> tuple[int, str, str]:
    """Run the real entry point; (exit status, stdout, stderr). An exception other than
    SystemExit escapes: that is a traceback a user would see."""
    out, err = io.StringIO(), io.StringIO()
    saved_stdin = sys.stdin
    sys.stdin = io.StringIO(stdin)
    try:
        with redirect_stdout(out), redirect_stderr(err):
            run(argv)
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    finally:
        sys.stdin = saved_stdin
    return code, out.getvalue(), err.getvalue()


@settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(data=st.data())
def test_no_command_crashes_or_leaves_a_partial_output(data: st.DataObject) -> None:
    path, cmd = data.draw(st.sampled_from(COMMANDS))
    with tempfile.TemporaryDirectory() as tmp, _environment(Path(tmp)):
        argv = _argv(data, path, cmd, Path(tmp))
        code, _out, err = invoke(argv)
        assert code in (0, 1, 2), (argv, code, err)
        if code == 2:
            assert err.strip(), f"exit 2 without a message: {argv}"
        if code != 0 and "--out" in argv:
            out = Path(argv[argv.index("--out") + 1])
            assert not out.is_file(), f"{out} left behind by a failed run: {argv}"
            leftovers = (
                [p.name for p in out.parent.glob(f".{out.name}.*")] if out.parent.is_dir() else []
            )
            assert not leftovers


# --- the bad inputs that used to be accepted or crash --------------------------------

HH = ["threshold", "--model", "hh", "--pulse-width-us", "100"]


@pytest.mark.parametrize(
    ("argv", "names"),
    [
        (["trial", "evaluate", "{diary}", "--baseline-nrs", "7", "--baseline-mme", "-5"],
         "baseline_mme"),
        (["trial", "evaluate", "{diary}", "--baseline-nrs", "7", "--baseline-mme", "nan"],
         "--baseline-mme"),
        (["report", "followup", "{record}", "--out", "{tmp}/f.html"], "month"),
        ([*HH, "--diameter-um", "10", "--distance-um", "0"], "distance_um"),
        ([*HH, "--diameter-um", "10", "--distance-um", "inf"], "--distance-um"),
        ([*HH, "--diameter-um", "nan"], "--diameter-um"),
        (["transmission", "--duration-s", "0.5", "--window-s", "1"], "window_s"),
        (["trial", "evaluate", "{latin1}", "--baseline-nrs", "7"], "UTF-8"),
        (["screen", "{nested}"], "nested"),
        (["report", "followup", "{nested}", "--out", "{tmp}/n.html"], "nested"),
        (["report", "trial", "{diary}", "--baseline-nrs", "7", "--out", "{tmp}/no/r.pdf"],
         "--out"),
    ],
)  # fmt: skip
def test_once_accepted_bad_inputs_exit_2_naming_the_field(
    argv: list[str], names: str, tmp_path: Path
) -> None:
    files = {key: str(path) for key, path in INPUTS.items()}
    filled = [a.format(tmp=tmp_path, **files) for a in argv]
    code, out, err = invoke(filled)
    assert code == 2, (filled, out, err)
    assert names in err, err
    assert "Traceback" not in err
    assert not list(tmp_path.glob("*.html")) and not list(tmp_path.glob("*.pdf"))


def test_db_upgrade_with_a_garbage_url_exits_2(tmp_path: Path) -> None:
    with _environment(tmp_path):
        os.environ["DRGSTIM_DATABASE_URL"] = "not a url::/"
        code, _out, err = invoke(["db", "upgrade"])
    assert code == 2
    assert "database URL" in err

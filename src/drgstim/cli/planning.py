"""Planning commands: ``plan`` (DRG targets for a pain map) and ``screen`` (candidacy).

Only Typer and the standard library at module top; the domain code is imported inside
each command so ``drgstim --help`` stays fast.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer

from drgstim.cli.common import emit_json, fail

__all__ = ["register"]

_REGION_HELP = "Painful region as region:side:intensity[:character], e.g. knee:left:7 (repeat)."


def _validation_message(exc: Any) -> str:
    """One line per bad field, naming it; an InputError's own text (it lists the allowed
    values) where the anatomy layer raised one."""
    from drgstim.errors import InputError

    lines = []
    for err in exc.errors():
        field = ".".join(str(p) for p in err.get("loc", ())) or "assessment"
        inner = err.get("ctx", {}).get("error")
        if isinstance(inner, InputError):
            lines.append(f"{field}: {inner}")
        elif err.get("type") == "missing":
            lines.append(f"{field}: required field is missing")
        else:
            lines.append(f"{field} = {err.get('input')!r}: {err.get('msg')}")
    return "; ".join(lines)


def plan(
    region: list[str] = typer.Option(..., "--region", "-r", help=_REGION_HELP),
    max_leads: int = typer.Option(4, "--max-leads", help="Most leads (1–4)."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
) -> None:
    """Rank DRG levels and sides for a pain map and propose a lead plan (≤ 4 leads)."""
    from drgstim.anatomy import PainMap, parse_region_arg
    from drgstim.clinic.planning import plan_targets
    from drgstim.errors import InputError

    try:
        result = plan_targets(PainMap(parse_region_arg(r) for r in region), max_leads=max_leads)
    except InputError as exc:
        fail(str(exc))
    data = result.to_dict()
    if as_json:
        emit_json(data)
        return
    for t in data["targets"][:8]:
        typer.echo(f"{t['level']:>4} {t['side']:<6} score {t['score']:.2f}")
    for lead in data["leads"]:
        typer.echo(f"lead {lead['level']} {lead['side']}: covers {', '.join(lead['covers'])}")
    for site in data["uncovered"]:
        typer.echo(f"uncovered: {site['region']} {site['side']}")
    for w in data["warnings"]:
        typer.echo(f"warning: {w}")
    for rule in data["rules"]:
        typer.echo(f"rule {rule['id']}: {rule['reason']}")
        typer.echo(f"  action: {rule['action']}")
        typer.echo(f"  source: {rule['source']}")


def screen(
    assessment: Path = typer.Argument(..., help="Assessment JSON file (see docs/planning.md)."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
) -> None:
    """Candidacy screening: eligible / not eligible / needs review, with every fired rule."""
    from pydantic import ValidationError

    from drgstim.clinic.screening import ScreeningInput, screen

    try:
        raw = json.loads(assessment.read_text(encoding="utf-8"))
    except OSError as exc:
        fail(f"assessment = {str(assessment)!r}: cannot read ({exc.strerror})")
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        fail(f"assessment = {str(assessment)!r}: not valid JSON ({exc})")
    if not isinstance(raw, dict):
        fail(f"assessment = {str(assessment)!r}: must hold one JSON object")
    try:
        result = screen(ScreeningInput.model_validate(raw))
    except ValidationError as exc:
        fail(_validation_message(exc))
    data = result.to_dict()
    if as_json:
        emit_json(data)
        return
    typer.echo(f"verdict: {data['verdict']} (supports the clinician; never decides alone)")
    for rule in data["rules"]:
        typer.echo(f"- [{rule['outcome']}] {rule['id']}: {rule['reason']}")
        if rule["action"]:
            before = " (before any trial)" if rule["before_trial"] else ""
            typer.echo(f"  action{before}: {rule['action']}")
        typer.echo(f"  source: {rule['source']}")
    for alt in data["alternatives"]:
        typer.echo(f"alternative: {alt['label']} — because {alt['reason']}")
        typer.echo(f"  source: {alt['source']}")


def register(app: typer.Typer) -> None:
    """Add ``plan`` and ``screen`` to the top-level app."""
    app.command("plan")(plan)
    app.command("screen")(screen)

"""``drgstim serve``, ``drgstim users create`` and ``drgstim db upgrade``.

Only Typer and the standard library are imported at module top; FastAPI, SQLAlchemy and
uvicorn are imported inside the commands so ``drgstim --help`` stays fast.
"""

from __future__ import annotations

import getpass
import sys

import typer

from drgstim.cli.common import EXIT_REFUSED, EXIT_USAGE, emit_json, fail
from drgstim.errors import InputError

__all__ = ["register"]

users_app = typer.Typer(help="Manage user accounts (for administrators).", no_args_is_help=True)
db_app = typer.Typer(help="Database maintenance.", no_args_is_help=True)

_LOOPBACK = ("127.0.0.1", "localhost", "::1")


def serve(
    host: str = typer.Option("127.0.0.1", help="Address to listen on."),
    port: int = typer.Option(8000, min=1, max=65535, help="TCP port."),
    demo: bool = typer.Option(
        False,
        "--demo",
        help="Demo mode: demo.sqlite3 in the data directory (DRGSTIM_DATA_DIR), filled with "
        "demo patients and accounts on first start and kept between starts.",
    ),
    fresh: bool = typer.Option(
        False, "--fresh", help="With --demo: delete the demo database first and start anew."
    ),
) -> None:
    """Run the clinic web app and REST API (web login at /login, API docs at /docs)."""
    import uvicorn

    from drgstim.api.auth import DEMO_PASSWORD
    from drgstim.api.demo import DEMO_ACCOUNTS
    from drgstim.api.settings import Settings
    from drgstim.web.app import create_app

    if fresh and not demo:
        fail("--fresh is only allowed with --demo (it deletes the demo database)", code=EXIT_USAGE)
    if demo:
        settings = Settings(demo=True)
        if not settings.database_url:
            # Its own file, so demo accounts and patients never mix with real records.
            path = settings.data_dir / "demo.sqlite3"
            if fresh:
                for leftover in path.parent.glob(f"{path.name}*"):  # -wal and -shm too
                    leftover.unlink()
            path.parent.mkdir(parents=True, exist_ok=True)
            settings = Settings(demo=True, database_url=f"sqlite:///{path}")
        if host not in _LOOPBACK:
            sys.stderr.write("warning: demo mode on a non-loopback address\n")
    else:
        settings = Settings(demo=False)
    try:
        app = create_app(settings)
    except InputError as exc:
        fail(str(exc), code=EXIT_USAGE)
    shown = f"[{host}]" if ":" in host else host
    typer.echo(f"drgstim clinic service on http://{shown}:{port}/login  (API docs: /docs)")
    typer.echo(f"database: {settings.resolved_database_url()}")
    if demo:
        for username, role in DEMO_ACCOUNTS.items():
            typer.echo(f"demo account: {username} / {DEMO_PASSWORD}  ({role.value})")
    sys.stdout.flush()
    _warm_up()
    uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False)


def _warm_up() -> None:
    """Import what requests load lazily before the port opens: the FHIR resource models
    take about a second to import, which the first FHIR download would otherwise wait."""
    import fhir.resources.R4B.bundle  # noqa: F401


@users_app.command("create")
def users_create(
    username: str = typer.Option(..., help="Login name."),
    role: str = typer.Option(..., help="admin, clinician, nurse, programmer or patient."),
    password_stdin: bool = typer.Option(
        False, "--password-stdin", help="Read the password from standard input."
    ),
    patient_id: str = typer.Option("", help="For a patient account: the patient's id."),
    full_name: str = typer.Option("", help="Display name."),
    json_out: bool = typer.Option(False, "--json", help="Print the new account as JSON."),
) -> None:
    """Create a user account in the configured database (DRGSTIM_DATABASE_URL)."""
    from drgstim.api.accounts import create_account
    from drgstim.api.settings import Settings
    from drgstim.storage import Actor, Database

    password = _read_password(password_stdin)
    settings = Settings()
    database = Database(settings.resolved_database_url())
    database.migrate()
    actor = Actor(name=f"cli:{getpass.getuser()}")
    try:
        with database.session() as session:
            user = create_account(
                session,
                username=username,
                password=password,
                role=role,
                patient_id=patient_id or None,
                full_name=full_name,
                actor=actor,
            )
            data = {"id": str(user.id), "username": user.username, "role": user.role}
    except (InputError, LookupError) as exc:
        fail(str(exc), code=EXIT_USAGE)
    except RuntimeError as exc:  # ConflictError: the username is taken
        fail(str(exc), code=EXIT_REFUSED)
    finally:
        database.dispose()
    if json_out:
        emit_json(data)
    else:
        typer.echo(f"created {data['role']} account {data['username']} ({data['id']})")


def _read_password(password_stdin: bool) -> str:
    if password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return str(typer.prompt("password", hide_input=True, confirmation_prompt=True))


def _change(username: str, change: str, value: object) -> dict[str, object]:
    """Apply one account change in the configured database; exit 2 on bad input."""
    from drgstim.api.accounts import set_active, set_password
    from drgstim.api.settings import Settings
    from drgstim.storage import Actor, Database

    database = Database(Settings().resolved_database_url())
    database.migrate()
    actor = Actor(name=f"cli:{getpass.getuser()}")
    try:
        with database.session() as session:
            if change == "password":
                user = set_password(session, username, str(value), actor=actor)
            else:
                user = set_active(session, username, bool(value), actor=actor)
            return {"username": user.username, "role": user.role, "active": user.active}
    except InputError as exc:
        fail(str(exc), code=EXIT_USAGE)
    finally:
        database.dispose()


@users_app.command("set-password")
def users_set_password(
    username: str = typer.Option(..., help="Login name."),
    password_stdin: bool = typer.Option(
        False, "--password-stdin", help="Read the new password from standard input."
    ),
) -> None:
    """Give an account a new password (audited)."""
    data = _change(username, "password", _read_password(password_stdin))
    typer.echo(f"new password set for {data['username']}")


@users_app.command("disable")
def users_disable(username: str = typer.Option(..., help="Login name.")) -> None:
    """Disable an account: it can no longer log in and its sessions stop working."""
    _change(username, "active", False)
    typer.echo(f"disabled {username}")


@users_app.command("enable")
def users_enable(username: str = typer.Option(..., help="Login name.")) -> None:
    """Enable a disabled account again."""
    _change(username, "active", True)
    typer.echo(f"enabled {username}")


@users_app.command("list")
def users_list(
    json_out: bool = typer.Option(False, "--json", help="Print the accounts as JSON."),
) -> None:
    """List the accounts (username, role, active) of the configured database."""
    from drgstim.api.accounts import list_accounts
    from drgstim.api.settings import Settings
    from drgstim.storage import Database

    database = Database(Settings().resolved_database_url())
    database.migrate()
    with database.session(write=False) as session:
        rows = [
            {"username": u.username, "role": u.role, "active": u.active, "demo": u.demo}
            for u in list_accounts(session)
        ]
    database.dispose()
    if json_out:
        emit_json({"users": rows})
        return
    for row in rows:
        state = "active" if row["active"] else "disabled"
        typer.echo(f"{row['username']:<24} {row['role']:<11} {state}")


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply all database migrations to the configured database."""
    from drgstim.api.settings import Settings
    from drgstim.storage import Database

    settings = Settings()
    database = Database(settings.resolved_database_url())
    database.migrate()
    database.dispose()
    typer.echo(f"database at head: {settings.resolved_database_url()}")


def register(app: typer.Typer) -> None:
    """Add this module's commands to the top-level app."""
    app.command("serve")(serve)
    app.add_typer(users_app, name="users")
    app.add_typer(db_app, name="db")

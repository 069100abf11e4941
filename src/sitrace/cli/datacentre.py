"""Commands of the data centre: ``serve``, ``ledger verify``, ``ledger key``, ``db upgrade``,
``user create``.

Each command opens the data centre from the environment (see :mod:`sitrace.config`),
calls one service and renders its result; errors are printed in words with exit code 2.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from ..config import Settings
from ..errors import SitraceError

console = Console(stderr=True)

DatabaseOption = Annotated[
    str | None,
    typer.Option(
        "--database",
        envvar="SITRACE_DATABASE_URL",
        help="SQLAlchemy URL (default sqlite:///sitrace.db; PostgreSQL: postgresql://…).",
        show_default=False,
    ),
]

ledger_app = typer.Typer(
    help="The tamper-evident ledger: verify it, show its public key.", no_args_is_help=True
)
db_app = typer.Typer(help="Database administration.", no_args_is_help=True)
user_app = typer.Typer(help="Users and their bearer tokens.", no_args_is_help=True)
org_app = typer.Typer(help="Organisations (tenants).", no_args_is_help=True)


def _fail(error: SitraceError) -> typer.Exit:
    console.print(f"[red]error:[/red] {error}")
    return typer.Exit(2)


def _open(database: str | None, *, migrate: bool = True):
    from ..services import open_data_centre

    return open_data_centre(Settings.from_env(database_url=database), migrate=migrate)


DEMO_URL = "sqlite:///sitrace-demo.sitrace.db"


def serve(
    demo: Annotated[
        bool,
        typer.Option("--demo", help="Start on a fresh demo database (seeded, see docs/demo.md)."),
    ] = False,
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    database: DatabaseOption = None,
    instruments: Annotated[
        int, typer.Option(help="Instruments in service seeded by --demo.", min=1)
    ] = 200,
) -> None:
    """Start the REST API and its docs (http://HOST:PORT/docs)."""
    import uvicorn

    from ..api import create_app
    from ..services.demo import seed_demo

    try:
        if demo:
            url = database or DEMO_URL
            if database is None:
                for suffix in ("", "-wal", "-shm"):
                    Path(f"sitrace-demo.sitrace.db{suffix}").unlink(missing_ok=True)
                Path("sitrace-demo.sitrace.ledger-key").unlink(missing_ok=True)
                Path("sitrace-demo.sitrace.dcc.pem").unlink(missing_ok=True)
            dc = _open(url)
            with console.status("seeding the demo data centre…") as status:
                summary = seed_demo(
                    dc,
                    dt.date.today(),
                    instruments=instruments,
                    progress=lambda message: status.update(f"seeding: {message}…"),
                )
            _print_demo(summary, host, port)
        else:
            dc = _open(database)
    except SitraceError as error:
        raise _fail(error) from None
    console.print(f"API docs: [bold]http://{host}:{port}/docs[/bold]  (Ctrl+C to stop)")
    uvicorn.run(create_app(datacentre=dc), host=host, port=port, log_level="info")


def _print_demo(summary, host: str, port: int) -> None:
    table = Table(title="demo users (tokens are shown once; use them as Bearer tokens)")
    table.add_column("user")
    table.add_column("token")
    for name, token in summary.tokens.items():
        table.add_row(name, token)
    console.print(table)
    console.print(
        f"seeded {len(summary.organisations)} organisations, {len(summary.standards)} standards, "
        f"{len(summary.instruments)} instruments, {summary.calibrations} calibrations"
    )
    base = f"http://{host}:{port}/api/v1"
    console.print(f"broken chain:  {base}/instruments/{summary.broken_chain_instrument}/chain")
    console.print(
        f"recall list:   {base}/standards/{summary.out_of_tolerance_standard}/recall "
        f"({len(summary.recalled_items)} items)"
    )
    if summary.comparisons:
        key, pt = summary.comparisons[:2]
        console.print(
            f"comparisons:   {base}/comparisons/{key}/report, {base}/comparisons/{pt}/report; "
            f"CMC flags: {base}/comparisons/cmc-flags"
        )
    if summary.certificates:
        first = summary.certificates[0]
        console.print(
            f"signed DCCs:   {base}/certificates ({len(summary.certificates)} issued; "
            f"{base}/certificates/{first}/xml, …/{first}/html)"
        )


@ledger_app.command("verify")
def ledger_verify(
    database: DatabaseOption = None,
    checkpoint: Annotated[
        Path | None,
        typer.Option(
            "--checkpoint",
            help="A signed tree head saved earlier (C2SP note): check the log only grew since.",
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
) -> None:
    """Recompute the Merkle tree from the database and check every record against it."""
    from ..services import ledger

    try:
        dc = _open(database, migrate=False)
        saved = checkpoint.read_text() if checkpoint else None
        with dc.reading() as session:
            report = ledger.verify(session, dc.verifier, saved_checkpoint=saved)
    except (SitraceError, OSError) as error:
        raise _fail(
            error if isinstance(error, SitraceError) else SitraceError(str(error))
        ) from None
    if as_json:
        typer.echo(json.dumps(report.to_dict(), indent=2))
    else:
        _print_report(report)
    raise typer.Exit(0 if report.ok else 1)


def _print_report(report) -> None:
    out = Console()
    out.print(f"tree size {report.size}, root {report.root.hex()}")
    out.print(f"{report.records_checked} records checked against their latest ledger entry")
    sections = [
        ("entries whose bytes no longer match their leaf hash", report.tampered_entries),
        ("missing entries (gaps in the log)", report.missing_entries),
        ("stored tree nodes that differ from the recomputed tree", report.tampered_nodes),
        ("records changed without a ledger entry", report.tampered_records),
        ("records never logged", report.unlogged_records),
        ("problems", report.problems),
    ]
    for title, values in sections:
        if values:
            out.print(f"[red]{title}:[/red]")
            for value in values[:100]:
                out.print(f"  {value}")
            if len(values) > 100:
                out.print(f"  … and {len(values) - 100} more")
    out.print("[green]ledger OK[/green]" if report.ok else "[red]ledger NOT OK[/red]")


@ledger_app.command("key")
def ledger_key(database: DatabaseOption = None) -> None:
    """Print the ledger's public verifier key (give it to whoever verifies receipts)."""
    try:
        dc = _open(database, migrate=False)
    except SitraceError as error:
        raise _fail(error) from None
    typer.echo(dc.verifier.key)


@ledger_app.command("checkpoint")
def ledger_checkpoint(database: DatabaseOption = None) -> None:
    """Print the latest signed checkpoint (save it; verify later with --checkpoint)."""
    from ..services import ledger

    try:
        dc = _open(database, migrate=False)
        with dc.reading() as session:
            typer.echo(ledger.checkpoint(session).note, nl=False)
    except SitraceError as error:
        raise _fail(error) from None


@db_app.command("upgrade")
def db_upgrade(database: DatabaseOption = None) -> None:
    """Create or migrate the database schema to the newest revision (Alembic)."""
    try:
        dc = _open(database)
    except SitraceError as error:
        raise _fail(error) from None
    console.print(f"database at the newest schema ({dc.database.dialect})")


@org_app.command("create")
def org_create(
    code: Annotated[str, typer.Argument(help="Short unique code, e.g. NIM.")],
    name: Annotated[str, typer.Argument(help="Full name.")],
    kind: Annotated[
        str, typer.Option(help="nmi, calibration_lab, owner, regulator or platform.")
    ] = "platform",
    database: DatabaseOption = None,
) -> None:
    """Create an organisation and print its id (first step on an empty data centre)."""
    from pydantic import ValidationError

    from ..services import SYSTEM
    from ..services.registry import create_organisation
    from ..services.schemas import OrganisationCreate, input_error

    try:
        data = OrganisationCreate(code=code, name=name, kind=kind)
    except ValidationError as error:
        raise _fail(input_error(error)) from None
    try:
        written = create_organisation(_open(database), SYSTEM, data)
    except SitraceError as error:
        raise _fail(error) from None
    typer.echo(written.record["id"])


@user_app.command("create")
def user_create(
    name: Annotated[str, typer.Argument(help="User name (unique).")],
    role: Annotated[str, typer.Option(help="admin, lab, owner, regulator or auditor.")],
    organisation: Annotated[int, typer.Option(help="Organisation id.")],
    database: DatabaseOption = None,
) -> None:
    """Create a user and print its bearer token (shown once, stored hashed)."""
    from pydantic import ValidationError

    from ..services import SYSTEM
    from ..services.registry import create_user
    from ..services.schemas import UserCreate, input_error

    try:
        data = UserCreate(name=name, role=role, organisation=organisation)
    except ValidationError as error:
        raise _fail(input_error(error)) from None
    try:
        written = create_user(_open(database), SYSTEM, data)
    except SitraceError as error:
        raise _fail(error) from None
    typer.echo(written.token)

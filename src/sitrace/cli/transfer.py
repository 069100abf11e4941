"""``sitrace import FILE`` and ``sitrace export``: instruments and calibrations as CSV or JSON.

An import is all or nothing: every row is checked, every error is printed with
its file, line and field, and nothing is written unless every record is good.
The records and their ledger entries are written in one transaction, under one
signed checkpoint.

Who acts: a user's bearer token (``--token`` or ``SITRACE_TOKEN``), or, for
local administration of the data centre, ``--as-admin`` (the data centre itself).
"""

from __future__ import annotations

import csv
import enum
import io
import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from ..config import Settings
from ..errors import InputError, SitraceError

__all__ = ["export_command", "import_command"]

PROGRESS_FROM = 200
"""Show a progress bar for files of at least this many records (on a terminal)."""


class Kind(enum.StrEnum):
    instruments = "instruments"
    calibrations = "calibrations"


class Format(enum.StrEnum):
    csv = "csv"
    json = "json"


KindOption = Annotated[
    Kind,
    typer.Option(
        "--kind", help="What the file holds: instruments (standards too) or calibrations."
    ),
]
TokenOption = Annotated[
    str | None,
    typer.Option(
        "--token",
        envvar="SITRACE_TOKEN",
        help="Bearer token of the user who acts (default: $SITRACE_TOKEN).",
        show_default=False,
    ),
]
AdminOption = Annotated[
    bool,
    typer.Option(
        "--as-admin",
        help="Act as the data centre itself (local administration; no token).",
    ),
]
DatabaseOption = Annotated[
    str | None,
    typer.Option(
        "--database",
        envvar="SITRACE_DATABASE_URL",
        help="SQLAlchemy URL (default sqlite:///sitrace.db; PostgreSQL: postgresql://…).",
        show_default=False,
    ),
]


def _open(database: str | None):
    from ..services import open_data_centre

    return open_data_centre(Settings.from_env(database_url=database))


def _actor(dc, token: str | None, as_admin: bool):
    from ..services import SYSTEM
    from ..services.registry import authenticate

    if as_admin and token:
        raise InputError("give --token or --as-admin, not both", where="options")
    if as_admin:
        return SYSTEM
    if not token:
        raise InputError(
            "who acts? give --token (or set SITRACE_TOKEN), or --as-admin for local administration",
            where="options",
        )
    with dc.reading() as session:
        actor = authenticate(session, token)
    if actor is None:
        raise InputError("unknown or inactive token", where="--token")
    return actor


def _print_errors(err: Console, error: SitraceError, *, imported: bool) -> None:
    lines = str(error).splitlines()
    err.print(f"[bold red]error:[/bold red] {lines[0]}", highlight=False, soft_wrap=True)
    for line in lines[1:]:
        err.print(f"  {line}", highlight=False, soft_wrap=True)
    if imported:
        err.print("[bold]nothing was imported[/bold]")


def import_command(
    file: Annotated[
        Path,
        typer.Argument(
            help="CSV or JSON file (layouts: see examples/import/).",
            show_default=False,
            dir_okay=False,
        ),
    ],
    kind: KindOption,
    format: Annotated[
        Format | None,
        typer.Option("--format", help="csv or json (default: from the file's suffix)."),
    ] = None,
    token: TokenOption = None,
    as_admin: AdminOption = False,
    database: DatabaseOption = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print one JSON object instead of a table.")
    ] = False,
) -> None:
    """Import instruments or calibrations from a CSV or JSON file, all or nothing.

    Every row is checked first and every error is printed with its line and
    field; nothing is written unless every record is good. The records are
    logged in the ledger under one signed checkpoint.

    Example:
    [bold]sitrace import examples/import/instruments.csv --kind instruments --as-admin[/bold]
    """
    from ..services.transfer import import_records, read_records

    err = Console(stderr=True)
    dc = None
    try:
        batch = read_records(
            file, kind=kind.value, format=format.value if format is not None else None
        )
        dc = _open(database)
        actor = _actor(dc, token, as_admin)
        show = not as_json and sys.stderr.isatty() and len(batch) >= PROGRESS_FROM
        with Progress(
            TextColumn(f"checking {kind.value}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            console=err,
            disable=not show,
            transient=True,
        ) as bar:
            task = bar.add_task("import", total=len(batch))
            report = import_records(
                dc,
                actor,
                batch,
                progress=lambda done, total: bar.update(task, completed=done, total=total),
            )
    except SitraceError as error:
        _print_errors(err, error, imported=True)
        raise typer.Exit(code=2) from None
    finally:
        if dc is not None:
            dc.database.dispose()
    if as_json:
        typer.echo(json.dumps(report.to_dict(), indent=2))
        return
    out = Console() if sys.stdout.isatty() else Console(width=120)
    table = Table(title=f"imported {file.name}", show_header=False)
    table.add_column("what")
    table.add_column("value")
    table.add_row(kind.value, f"{report.created} created")
    ids = [r["id"] for r in report.records]
    table.add_row("ids", f"{ids[0]}–{ids[-1]}" if len(ids) > 1 else str(ids[0]))
    table.add_row(
        "ledger entries",
        f"{report.ledger_from}–{report.ledger_to - 1} (checkpoint at tree size {report.ledger_to})",
    )
    out.print(table)


def export_command(
    kind: KindOption,
    format: Annotated[
        Format | None,
        typer.Option("--format", help="csv or json (default: from -o's suffix, else csv)."),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "-o", "--output", help="File to write (default: standard output).", dir_okay=False
        ),
    ] = None,
    token: TokenOption = None,
    as_admin: AdminOption = False,
    database: DatabaseOption = None,
) -> None:
    """Export the instruments or calibrations you may see, in the layout import reads.

    Items name their owner, and calibrations their item, laboratory and
    standards, by organisation code and serial number, so the file imports
    into another data centre holding the same organisations and standards.

    Example:
    [bold]sitrace export --kind calibrations --format json -o calibrations.json --as-admin[/bold]
    """
    from ..services.transfer import export_records

    err = Console(stderr=True)
    if format is None:
        suffix = output.suffix.lower().lstrip(".") if output is not None else ""
        format = Format(suffix) if suffix in ("csv", "json") else Format.csv
    dc = None
    try:
        dc = _open(database)
        actor = _actor(dc, token, as_admin)
        with dc.reading() as session:
            text = export_records(session, actor, kind=kind.value, format=format.value)
        if output is not None:
            try:
                with output.open("w", encoding="utf-8", newline="") as handle:
                    handle.write(text)
            except OSError as error:
                raise InputError(f"cannot write: {error.strerror}", where=str(output)) from None
    except SitraceError as error:
        _print_errors(err, error, imported=False)
        raise typer.Exit(code=2) from None
    finally:
        if dc is not None:
            dc.database.dispose()
    if output is None:
        typer.echo(text, nl=False)
    else:
        count = _count(text, kind.value, format.value)
        err.print(f"wrote {count} {kind.value} to {output}", highlight=False)


def _count(text: str, kind: str, format: str) -> int:
    """How many records an exported text holds (calibrations: certificates, not points)."""
    if format == "json":
        return len(json.loads(text)[kind])
    rows = list(csv.reader(io.StringIO(text, newline="")))[1:]
    return len(rows) if kind == "instruments" else len({row[0] for row in rows})

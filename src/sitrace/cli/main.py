"""Entry point of the ``sitrace`` command."""

from __future__ import annotations

import typer

from .. import __version__
from .compare import compare
from .comparison import comparison_app
from .conformity import conformity_app
from .datacentre import db_app, ledger_app, org_app, serve, user_app
from .dcc import dcc_app
from .interval import interval_app
from .meters import meters_app
from .transfer import export_command, import_command
from .uncertainty import uncertainty

app = typer.Typer(
    name="sitrace",
    help=(
        "sitrace: measurement results with their uncertainty and their chain of "
        "calibrations to the SI."
    ),
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
)
app.command(name="uncertainty", no_args_is_help=True)(uncertainty)
app.command(name="serve")(serve)
app.command(name="compare", no_args_is_help=True)(compare)
app.command(name="import", no_args_is_help=True)(import_command)
app.command(name="export", no_args_is_help=True)(export_command)
app.add_typer(ledger_app, name="ledger")
app.add_typer(db_app, name="db")
app.add_typer(org_app, name="org")
app.add_typer(user_app, name="user")
app.add_typer(dcc_app, name="dcc")
app.add_typer(comparison_app, name="comparison")
app.add_typer(meters_app, name="meters")
app.add_typer(conformity_app, name="conformity")
app.add_typer(interval_app, name="interval")


def _version(value: bool) -> None:
    if value:
        typer.echo(f"sitrace {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: bool = typer.Option(
        False, "--version", help="Print the version and exit.", callback=_version, is_eager=True
    ),
) -> None:
    """sitrace: measurement results with their uncertainty and their chain to the SI."""

"""`sitrace import` and `sitrace export`: a summary for people, every error in words, exit 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from sitrace.cli.transfer import export_command, import_command
from sitrace.config import Settings
from sitrace.services import SYSTEM, open_data_centre, registry
from sitrace.services.schemas import ItemCreate, OrganisationCreate, UserCreate

EXAMPLES = Path(__file__).parents[2] / "examples" / "import"
runner = CliRunner()
ENV = {"SITRACE_TOKEN": None, "SITRACE_LEDGER_KEY": None, "SITRACE_KEY_FILE": None}

# The lead registers the commands in sitrace.cli.main; the tests build the same app.
app = typer.Typer()
app.command(name="import", no_args_is_help=True)(import_command)
app.command(name="export")(export_command)


@pytest.fixture
def centre(tmp_path):
    """A SQLite data centre with the demo's organisations and two standards; its URL and tokens."""
    url = f"sqlite:///{tmp_path / 'centre.db'}"
    dc = open_data_centre(Settings(database_url=url))
    orgs = {}
    for code, kind in [
        ("NIM", "nmi"),
        ("RLAB", "calibration_lab"),
        ("ELAB", "calibration_lab"),
        ("ACME", "owner"),
    ]:
        written = registry.create_organisation(
            dc, SYSTEM, OrganisationCreate(code=code, name=code, kind=kind)
        )
        orgs[code] = written.record["id"]
    tokens = {}
    for name, role, code in [("acme", "owner", "ACME"), ("elab", "lab", "ELAB")]:
        written = registry.create_user(
            dc, SYSTEM, UserCreate(name=name, role=role, organisation=orgs[code])
        )
        tokens[name] = written.token
    for serial, owner, unit, level in [
        ("DPC-1", "ELAB", r"\mega\pascal", "working"),
        ("F1-SET-A", "ELAB", r"\kilogram", "working"),
        ("F1-SET-B", "ELAB", r"\kilogram", "working"),
        ("PB-N1", "NIM", r"\pascal", "national_primary"),
    ]:
        registry.create_item(
            dc,
            SYSTEM,
            ItemCreate(
                kind="standard",
                level=level,
                name=serial,
                serial=serial,
                quantity="mass" if "kilogram" in unit else "pressure",
                unit=unit,
                owner=orgs[owner],
            ),
        )
    dc.database.dispose()
    return url, tokens


def invoke(*args: str):
    return runner.invoke(app, list(args), env=ENV)


def test_the_examples_import_as_admin_with_a_summary(centre):
    url, _tokens = centre
    result = invoke(
        "import", str(EXAMPLES / "instruments.csv"), "--kind", "instruments", "--as-admin",
        "--database", url,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "imported instruments.csv" in result.stdout
    assert "6 created" in result.stdout
    for name in ("calibrations.csv", "calibrations.json"):
        result = invoke(
            "import", str(EXAMPLES / name), "--kind", "calibrations", "--as-admin",
            "--database", url, "--json",
        )  # fmt: skip
        assert result.exit_code == 0, result.output
        report = json.loads(result.stdout)
        assert report["kind"] == "calibrations" and report["created"] in (2, 3)
        assert report["ledger_to"] - report["ledger_from"] == report["created"]


def test_an_owner_imports_with_its_token_from_the_environment(centre, tmp_path):
    url, tokens = centre
    path = tmp_path / "fleet.csv"
    path.write_text(
        "name,serial,quantity,unit,mpe\n"
        "Scale,S-1,mass,\\kilogram,0.03\n"
        "Scale,S-2,mass,\\kilogram,3e-2\n"
    )
    result = runner.invoke(
        app,
        ["import", str(path), "--kind", "instruments", "--database", url, "--json"],
        env={**ENV, "SITRACE_TOKEN": tokens["acme"]},
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["created"] == 2


def test_errors_are_printed_one_per_line_and_nothing_is_imported(centre, tmp_path):
    url, tokens = centre
    path = tmp_path / "fleet.csv"
    path.write_text(
        "name,serial,quantity,unit,mpe\n"
        'Scale,S-1,mass,\\kilogram,"0,03"\n'
        "Scale,S-2,mass,\\kilogram,-1\n"
        "Scale,S-3,mass,\\kilogramm,0.03\n"
    )
    result = invoke("import", str(path), "--kind", "instruments", "--token", tokens["acme"],
                    "--database", url)  # fmt: skip
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert lines[0] == "error: 3 errors in fleet.csv:"
    assert lines[1].startswith("  fleet.csv line 2, field 'mpe': must use a decimal point")
    assert lines[2].startswith("  fleet.csv line 3, field 'mpe': must be a finite number >= 0")
    assert lines[3].startswith("  fleet.csv line 4, field 'unit': unknown unit")
    assert lines[-1] == "nothing was imported"
    exported = invoke("export", "--kind", "instruments", "--as-admin", "--database", url)
    assert "S-1" not in exported.stdout


def test_an_owner_may_not_import_calibrations(centre):
    url, tokens = centre
    result = invoke(
        "import", str(EXAMPLES / "calibrations.csv"), "--kind", "calibrations",
        "--token", tokens["acme"], "--database", url,
    )  # fmt: skip
    assert result.exit_code == 2
    assert "role 'owner' may not record calibrations (allowed: admin, lab)" in result.stderr
    assert "nothing was imported" in result.stderr


def test_someone_must_act(centre):
    url, _tokens = centre
    path = str(EXAMPLES / "instruments.csv")
    result = invoke("import", path, "--kind", "instruments", "--database", url)
    assert result.exit_code == 2
    assert "who acts? give --token (or set SITRACE_TOKEN), or --as-admin" in result.stderr
    result = invoke("import", path, "--kind", "instruments", "--token", "nope", "--database", url)
    assert result.exit_code == 2
    assert "--token: unknown or inactive token" in result.stderr


def test_export_writes_the_file_that_import_reads(centre, tmp_path):
    url, _tokens = centre
    invoke("import", str(EXAMPLES / "instruments.csv"), "--kind", "instruments", "--as-admin",
           "--database", url)  # fmt: skip
    invoke("import", str(EXAMPLES / "calibrations.csv"), "--kind", "calibrations", "--as-admin",
           "--database", url)  # fmt: skip
    out = tmp_path / "calibrations.json"
    result = invoke("export", "--kind", "calibrations", "-o", str(out), "--as-admin",
                    "--database", url)  # fmt: skip
    assert result.exit_code == 0, result.output
    assert f"wrote 3 calibrations to {out}" in result.stderr.replace("\n", "")
    exported = json.loads(out.read_text())["calibrations"]
    assert [c["certificate"] for c in exported] == [
        "ELAB-2026-30001",
        "ELAB-2026-30002",
        "ELAB-2026-30003",
    ]
    assert exported[0]["standards"] == ["ELAB:DPC-1"]
    result = invoke("import", str(out), "--kind", "calibrations", "--as-admin", "--database", url)
    assert result.exit_code == 2
    assert "certificate 'ELAB-2026-30001' is already recorded" in result.stderr


def test_export_to_standard_output_is_csv_by_default(centre):
    url, tokens = centre
    result = invoke("export", "--kind", "instruments", "--token", tokens["elab"], "--database", url)
    assert result.exit_code == 0, result.output
    header, *rows = result.stdout.strip().split("\n")
    assert header.startswith("kind,level,name,serial,owner,")
    assert [row.split(",")[3] for row in rows] == ["DPC-1", "F1-SET-A", "F1-SET-B"]

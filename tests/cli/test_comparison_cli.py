"""`sitrace comparison`: a pilot runs a comparison in the data centre from a terminal."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from sitrace.cli.main import app
from sitrace.comparisons import participants, procedure_a
from sitrace.config import Settings
from sitrace.services import open_data_centre

runner = CliRunner()

CSV = "lab,value,uncertainty\nNMI,10.0000001,5e-8\nLABA,10.0000004,4e-7\nLABB,10.00002,4e-6\n"


@pytest.fixture
def centre(tmp_path):
    """A SQLite data centre with the API tests' world: its environment and tokens."""
    from tests.api.conftest import seed

    url = f"sqlite:///{tmp_path / 'centre.db'}"
    dc = open_data_centre(Settings(database_url=url))
    world = seed(dc)
    dc.database.dispose()
    return {"SITRACE_DATABASE_URL": url}, world


def run(env, *args, token=None):
    env = {**env, "SITRACE_TOKEN": token} if token else env
    return runner.invoke(app, ["comparison", *args], env=env)


def _register(env, world, tmp_path):
    result = run(
        env, "create", "--code", "K-10V", "--title", "10 V", "--quantity", "voltage",
        "--unit", "\\volt", "--nominal", "10", "--method", "procedure-a",
        token=world.tokens["nmi"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    results = tmp_path / "results.csv"
    results.write_text(CSV)
    result = run(env, "submit", "1", str(results), "--unit", "\\volt", token=world.tokens["nmi"])
    assert result.exit_code == 0, result.output
    assert "submitted 3 result(s)" in result.output


def test_the_pilot_registers_enters_and_evaluates_a_comparison(centre, tmp_path):
    env, world = centre
    _register(env, world, tmp_path)
    result = run(env, "evaluate", "1", "--json", token=world.tokens["nmi"])
    assert result.exit_code == 0, result.output
    detail = json.loads(result.stdout)
    expected = procedure_a(
        participants(
            ["NMI", "LABA", "LABB"], [10.0000001, 10.0000004, 10.00002], [5e-8, 4e-7, 4e-6]
        )
    )
    assert detail["outcome"]["reference_value"] == pytest.approx(expected.reference_value)
    shown = run(env, "show", "1", token=world.tokens["lab_a"])
    assert shown.exit_code == 0, shown.output
    assert "FLAGGED" in shown.output and "warning" in shown.output
    flags = run(env, "flags", "--lab", "LABB", "--json", "--as-admin")
    assert [f["cmc"]["reasons"] for f in json.loads(flags.stdout)] == [
        ["the result is not equivalent: |En| = 2.49 > 1"]
    ]
    listed = run(env, "list", "--json", token=world.tokens["lab_b"])
    assert [c["code"] for c in json.loads(listed.stdout)] == ["K-10V"]
    page = tmp_path / "report.html"
    result = run(env, "report", "1", "-o", str(page), "--as-admin")
    assert result.exit_code == 0, result.output
    assert "<svg" in page.read_text()


def test_lcs_by_another_method_and_an_exclusion_by_code(centre, tmp_path):
    env, world = centre
    _register(env, world, tmp_path)
    result = run(env, "evaluate", "1", "--method", "median", "--exclude", "LABB", "--json",
                 token=world.tokens["nmi"])  # fmt: skip
    assert result.exit_code == 0, result.output
    outcome = json.loads(result.stdout)["outcome"]
    assert outcome["method"] == "median" and outcome["excluded_by_pilot"] == ["LABB"]


def test_an_unknown_laboratory_code_in_the_csv_is_named(centre, tmp_path):
    env, world = centre
    _register(env, world, tmp_path)
    bad = tmp_path / "bad.csv"
    bad.write_text("lab,value,uncertainty\nNOPE,1,0.1\n")
    result = run(env, "submit", "1", str(bad), "--unit", "\\volt", token=world.tokens["nmi"])
    assert result.exit_code == 2
    assert "no organisation with code NOPE" in result.output


def test_a_second_result_from_a_lab_is_refused_with_its_row(centre, tmp_path):
    env, world = centre
    _register(env, world, tmp_path)
    again = tmp_path / "again.csv"
    again.write_text("lab,value,uncertainty\nLABA,10.0,1e-6\n")
    result = run(env, "submit", "1", str(again), "--unit", "\\volt", token=world.tokens["nmi"])
    assert result.exit_code == 2
    assert "lab 'LABA'" in result.output and "reports once" in result.output


def test_only_the_pilot_evaluates_and_a_bad_method_is_refused(centre, tmp_path):
    env, world = centre
    _register(env, world, tmp_path)
    result = run(env, "evaluate", "1", token=world.tokens["lab_a"])
    assert result.exit_code == 2 and "only its pilot" in result.output
    result = run(env, "evaluate", "1", "--method", "magic", token=world.tokens["nmi"])
    assert result.exit_code == 2 and "field 'method'" in result.output

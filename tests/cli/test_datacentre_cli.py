"""Administration from the command line: an empty data centre gets its first admin."""

from __future__ import annotations

from typer.testing import CliRunner

from sitrace.cli.main import app
from sitrace.services.registry import authenticate
from sitrace.store import connect


def test_an_empty_data_centre_gets_an_organisation_and_an_admin_token(tmp_path):
    url = f"sqlite:///{tmp_path / 'dc.db'}"
    env = {"SITRACE_KEY_FILE": str(tmp_path / "key")}
    runner = CliRunner()
    org = runner.invoke(
        app, ["org", "create", "PLATFORM", "Data centre", "--database", url], env=env
    )
    assert org.exit_code == 0, org.output
    user = runner.invoke(
        app,
        ["user", "create", "root", "--role", "admin", "--organisation", org.output.strip(),
         "--database", url],
        env=env,
    )  # fmt: skip
    assert user.exit_code == 0, user.output
    token = user.output.strip()
    database = connect(url)
    with database.session() as session:
        actor = authenticate(session, token)
    assert actor is not None and actor.role == "admin"
    assert (tmp_path / "key").stat().st_mode & 0o777 == 0o600  # the key was created private
    verify = runner.invoke(app, ["ledger", "verify", "--database", url], env=env)
    assert verify.exit_code == 0, verify.output


def test_a_bad_role_is_refused_in_words(tmp_path):
    url = f"sqlite:///{tmp_path / 'dc.db'}"
    env = {"SITRACE_KEY_FILE": str(tmp_path / "key")}
    result = CliRunner().invoke(
        app,
        ["user", "create", "x", "--role", "boss", "--organisation", "1", "--database", url],
        env=env,
    )
    assert result.exit_code == 2
    assert "field 'role'" in result.output

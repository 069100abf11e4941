"""Shared test helpers: published reference data live in tests/reference/."""

from __future__ import annotations

import json
import os
import uuid
from contextlib import contextmanager
from pathlib import Path

import pytest

REFERENCE = Path(__file__).parent / "reference"


def load_reference(relative: str) -> dict:
    """Load a published data set from tests/reference/ (see its README for sources)."""
    return json.loads((REFERENCE / relative).read_text(encoding="utf-8"))


@pytest.fixture
def reference():
    return load_reference


# --- the DCC schemas and certificates of ../shared/dcc ---------------------------------

SHARED_DCC = Path(
    os.environ.get("SITRACE_SHARED_DCC", Path(__file__).resolve().parents[2] / "shared" / "dcc")
)


@pytest.fixture(scope="session")
def shared_dcc() -> Path:
    """The folder of PTB's DCC schemas and example certificates (never copied into the repo).

    Skipped with a message where it is absent (a user's clone); under CI=true it must exist.
    """
    if not (SHARED_DCC / "schema" / "catalog.xml").is_file():
        message = f"DCC schemas and examples not found at {SHARED_DCC} (set SITRACE_SHARED_DCC)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    return SHARED_DCC


@pytest.fixture(scope="session")
def dcc_schemas(shared_dcc):
    """The offline schema catalog of ../shared/dcc/schema."""
    from sitrace.dcc.schemas import find_schemas

    return find_schemas(shared_dcc / "schema")


@pytest.fixture(scope="session")
def dcc_examples(shared_dcc) -> dict[str, Path]:
    """The example certificates by file stem."""
    return {path.stem: path for path in sorted((shared_dcc / "examples").glob("*.xml"))}


# --- the data centre on both databases -------------------------------------------------

POSTGRES_URL = os.environ.get(
    "SITRACE_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)


def _postgres_reachable() -> str | None:
    """None when the test server answers, else the reason it does not."""
    import psycopg

    try:
        with psycopg.connect(POSTGRES_URL.replace("+psycopg", ""), connect_timeout=3):
            return None
    except psycopg.Error as error:
        return str(error).strip().splitlines()[0]


@pytest.fixture(scope="session")
def postgres_server():
    reason = _postgres_reachable()
    if reason is not None:
        message = f"PostgreSQL at {POSTGRES_URL} is unreachable: {reason}"
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(message + " (CI must test the store on PostgreSQL)")
        pytest.skip(message)
    return POSTGRES_URL


@contextmanager
def postgres_schema(server_url: str):
    """A fresh, empty PostgreSQL schema for one test; dropped afterwards."""
    import psycopg

    schema = f"t_{uuid.uuid4().hex[:12]}"
    plain = server_url.replace("+psycopg", "")
    with psycopg.connect(plain, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    separator = "&" if "?" in server_url else "?"
    try:
        yield f"{server_url}{separator}options=-csearch_path%3D{schema}"
    finally:
        with psycopg.connect(plain, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request, tmp_path):
    """A migrated, empty database URL: a SQLite file, or a fresh PostgreSQL schema."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'store.db'}"
        return
    server = request.getfixturevalue("postgres_server")
    with postgres_schema(server) as url:
        yield url


@pytest.fixture
def datacentre(database_url):
    """An open data centre on an empty database with a fresh ledger key."""
    from sitrace.ledger import generate_signer
    from sitrace.services import DataCentre
    from sitrace.store import connect

    database = connect(database_url)
    dc = DataCentre(database, generate_signer("test.sitrace/ledger"), "test.sitrace/ledger")
    yield dc
    database.dispose()

"""Killing a process in the middle of an import loses no acknowledged record and
leaves no half import: the import is one transaction, and so is its ledger batch."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psycopg
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from sitrace.ledger import Receipt, verify_receipt
from sitrace.services import SYSTEM, ledger
from sitrace.services.registry import create_item, create_organisation
from sitrace.services.schemas import ItemCreate, OrganisationCreate
from sitrace.store import models as m

ROWS = 10_000


def _big_file(folder: Path) -> Path:
    path = folder / "instruments.csv"
    lines = ["name,serial,owner,quantity,unit,range_low,range_high,mpe"]
    lines += [f"scale {k},K-{k},OWN,mass,\\kilogram,0,60,0.03" for k in range(ROWS)]
    path.write_text("\n".join(lines) + "\n")
    return path


def _writing(url: str, started: float) -> bool:
    """True once the import's transaction has written (best effort; else after 4 s)."""
    if time.monotonic() - started > 4:
        return True
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        wal = Path(f"{parsed.database}-wal")
        return wal.exists() and wal.stat().st_size > 512 * 1024
    with psycopg.connect(url.split("?")[0].replace("+psycopg", ""), autocommit=True) as conn:
        row = conn.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE backend_xid IS NOT NULL AND pid <> pg_backend_pid() "
            "AND query ILIKE '%%item%%'"
        ).fetchone()
    return row[0] > 0


def _counts(dc) -> tuple[int, int]:
    with dc.reading() as session:
        items = session.execute(select(func.count()).select_from(m.Item)).scalar_one()
        entries = session.execute(select(func.count()).select_from(m.LedgerEntry)).scalar_one()
    return items, entries


def test_a_killed_import_leaves_nothing_half_done_and_loses_no_acknowledged_record(
    datacentre, database_url, tmp_path
):
    dc = datacentre
    owner = create_organisation(
        dc, SYSTEM, OrganisationCreate(code="OWN", name="Owner", kind="owner")
    ).record["id"]
    acknowledged = [
        create_item(
            dc, SYSTEM,
            ItemCreate(kind="instrument", level="instrument", name=f"kept {k}",
                       serial=f"KEPT-{k}", quantity="mass", unit="\\kilogram", owner=owner),
        )
        for k in range(5)
    ]  # fmt: skip
    before = _counts(dc)
    path = _big_file(tmp_path)
    env = dict(os.environ, SITRACE_LEDGER_KEY=dc.signer.key, SITRACE_ORIGIN=dc.origin)
    command = [
        sys.executable, "-c", "from sitrace.cli.main import app; app()", "import", str(path),
        "--kind", "instruments", "--as-admin", "--database", database_url,
    ]  # fmt: skip
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    started = time.monotonic()
    while process.poll() is None and not _writing(database_url, started):
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL, "the import finished before it was killed"

    items, entries = _counts(dc)
    assert (items, entries) == before  # no half import: not one row, not one ledger entry
    with dc.reading() as session:
        report = ledger.verify(session, dc.verifier)
    assert report.ok, report.to_dict()
    for written in acknowledged:
        assert verify_receipt(Receipt.from_dict(written.receipt.to_dict()), dc.verifier).ok

    # The same file imports completely afterwards: the killed run left no lock or debris.
    finished = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)
    assert finished.returncode == 0, finished.stderr
    assert _counts(dc) == (before[0] + ROWS, before[1] + ROWS)

"""The ledger over the store: one sequence, receipts, and an audit that finds tampering."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import delete, update
from typer.testing import CliRunner

from sitrace.cli.main import app
from sitrace.ledger import Receipt, merkle, open_checkpoint, verify_receipt
from sitrace.services import SYSTEM, ledger
from sitrace.services.registry import (
    create_item,
    create_organisation,
    update_item,
    withdraw_item,
)
from sitrace.services.schemas import ItemCreate, ItemUpdate, OrganisationCreate
from sitrace.store import models as m


@pytest.fixture
def logged(datacentre):
    """An organisation and three instruments, one corrected and one withdrawn."""
    dc = datacentre
    owner = create_organisation(
        dc, SYSTEM, OrganisationCreate(code="OWN", name="Owner", kind="owner")
    ).record["id"]
    writes = [
        create_item(
            dc, SYSTEM,
            ItemCreate(kind="instrument", level="instrument", name=f"scale {k}",
                       serial=f"S-{k}", quantity="mass", unit="\\kilogram", owner=owner,
                       mpe=0.03),
        )
        for k in range(3)
    ]  # fmt: skip
    first = writes[0].record["id"]
    writes.append(update_item(dc, SYSTEM, first, ItemUpdate(location="hall 2"), version=1))
    writes.append(withdraw_item(dc, SYSTEM, writes[1].record["id"], dt.date(2026, 1, 5)))
    return dc, writes


def _verify(dc, **options):
    with dc.reading() as session:
        return ledger.verify(session, dc.verifier, **options)


def test_every_write_gets_the_next_leaf_and_a_receipt_that_verifies_offline(logged):
    dc, writes = logged
    assert [w.receipt.leaf_index for w in writes] == [1, 2, 3, 4, 5]
    for written in writes:
        receipt = Receipt.from_dict(json.loads(json.dumps(written.receipt.to_dict())))
        assert verify_receipt(receipt, dc.verifier.key).ok
        assert json.loads(receipt.entry)["record"]["data"] == written.record


def test_a_correction_is_a_new_entry_that_points_at_the_one_it_corrects(logged):
    _dc, writes = logged
    created, corrected = json.loads(writes[0].receipt.entry), json.loads(writes[3].receipt.entry)
    assert created["previous"] is None
    assert corrected["action"] == "item.correct"
    assert corrected["previous"] == {
        "index": writes[0].receipt.leaf_index,
        "leaf_hash": writes[0].receipt.leaf_hash.hex(),
    }
    assert corrected["record"]["data"]["version"] == 2


def test_the_tree_in_the_store_is_the_rfc6962_tree_of_its_entries(logged):
    dc, _writes = logged
    with dc.reading() as session:
        entries = [e.entry for e in session.query(m.LedgerEntry).order_by(m.LedgerEntry.index)]
        head = open_checkpoint(ledger.checkpoint(session).note, dc.verifier)
        proof = ledger.consistency(session, 2, len(entries))
    assert head.size == len(entries) == 6
    assert head.root == merkle.root(entries)
    assert merkle.verify_consistency(2, 6, merkle.root(entries[:2]), head.root, proof)


def test_an_untouched_ledger_verifies(logged):
    report = _verify(logged[0])
    assert report.ok, report.to_dict()
    assert report.size == 6 and report.records_checked == 4


def test_verify_names_a_record_changed_behind_the_ledgers_back(logged):
    dc, writes = logged
    item = writes[2].record["id"]
    with dc.transaction() as session:
        session.execute(update(m.Item).where(m.Item.id == item).values(mpe=0.3))
    report = _verify(dc)
    assert not report.ok
    assert report.tampered_records == [("item", item)]


def test_verify_names_an_entry_whose_bytes_were_changed(logged):
    dc, _writes = logged
    with dc.transaction() as session:
        row = session.get(m.LedgerEntry, 2)
        row.entry = row.entry.replace(b"scale 1", b"scale 9")
    report = _verify(dc)
    assert report.tampered_entries == [2]


def test_verify_names_a_missing_entry_and_a_record_never_logged(logged):
    dc, writes = logged
    with dc.transaction() as session:
        session.execute(delete(m.LedgerEntry).where(m.LedgerEntry.index == 3))
    report = _verify(dc)
    assert report.missing_entries == [3]
    assert ("item", writes[2].record["id"]) in report.unlogged_records


def test_verify_names_a_stored_node_that_was_changed(logged):
    dc, _writes = logged
    with dc.transaction() as session:
        session.execute(
            update(m.LedgerNode)
            .where(m.LedgerNode.level == 1, m.LedgerNode.index == 0)
            .values(hash=b"\x00" * 32)
        )
    report = _verify(dc)
    assert report.tampered_nodes == [(1, 0)]


def test_a_saved_checkpoint_proves_the_log_only_grew(logged):
    dc, _writes = logged
    with dc.reading() as session:
        saved = ledger.checkpoint(session, 3).note
    assert _verify(dc, saved_checkpoint=saved).ok


def test_a_rewritten_log_is_inconsistent_with_a_saved_checkpoint(logged):
    dc, _writes = logged
    with dc.reading() as session:
        saved = ledger.checkpoint(session, 3).note
    with dc.transaction() as session:  # rewrite history: change an entry and its hash
        row = session.get(m.LedgerEntry, 1)
        row.entry = row.entry.replace(b"scale 0", b"scale X")
        row.leaf_hash = merkle.leaf_hash(row.entry)
    report = _verify(dc, saved_checkpoint=saved)
    assert not report.ok
    assert any("not consistent" in p for p in report.problems)


def test_the_ledger_verify_command_exits_1_and_lists_what_is_wrong(logged, database_url):
    dc, writes = logged
    item = writes[2].record["id"]
    env = {"SITRACE_LEDGER_KEY": dc.signer.key}
    runner = CliRunner()
    ok = runner.invoke(app, ["ledger", "verify", "--database", database_url], env=env)
    assert ok.exit_code == 0, ok.output
    assert "ledger OK" in ok.output
    with dc.transaction() as session:
        session.execute(update(m.Item).where(m.Item.id == item).values(name="renamed"))
    bad = runner.invoke(app, ["ledger", "verify", "--database", database_url, "--json"], env=env)
    assert bad.exit_code == 1
    assert json.loads(bad.output)["tampered_records"] == [["item", item]]

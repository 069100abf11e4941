"""Two writer processes at once never fork the ledger and never lose an update."""

from __future__ import annotations

import multiprocessing

from sitrace.errors import ConflictError
from sitrace.ledger import Signer
from sitrace.services import SYSTEM, DataCentre, ledger
from sitrace.services.registry import create_item, create_organisation, get_item, update_item
from sitrace.services.schemas import ItemCreate, ItemUpdate, OrganisationCreate
from sitrace.store import connect
from sitrace.store import models as m

ITEMS_PER_WRITER = 25
ROUNDS_PER_WRITER = 15


def _instrument(owner: int, serial: str) -> ItemCreate:
    return ItemCreate(
        kind="instrument", level="instrument", name=f"scale {serial}", serial=serial,
        quantity="mass", unit="\\kilogram", owner=owner,
    )  # fmt: skip


def _writer(url: str, key: str, origin: str, name: str, owner: int, shared: int) -> list[int]:
    """Create items and, with optimistic retries, update one shared item."""
    dc = DataCentre(connect(url, migrate=False), Signer.from_key(key), origin)
    indexes = []
    for k in range(ITEMS_PER_WRITER):
        written = create_item(dc, SYSTEM, _instrument(owner, f"{name}-{k}"))
        indexes.append(written.receipt.leaf_index)
        for _attempt in range(1000):
            with dc.reading() as session:
                version = get_item(session, SYSTEM, shared).version
            try:
                if k < ROUNDS_PER_WRITER:
                    update_item(
                        dc, SYSTEM, shared, ItemUpdate(location=f"{name} {k}"), version=version
                    )
                break
            except ConflictError:
                continue
    dc.database.dispose()
    return indexes


def test_two_writer_processes_share_one_log_and_lose_no_update(datacentre, database_url):
    dc = datacentre
    owner = create_organisation(
        dc, SYSTEM, OrganisationCreate(code="OWN", name="Owner", kind="owner")
    ).record["id"]
    shared = create_item(dc, SYSTEM, _instrument(owner, "shared")).record["id"]
    size_before = 2
    context = multiprocessing.get_context("spawn")
    with context.Pool(2) as pool:
        results = pool.starmap(
            _writer,
            [(database_url, dc.signer.key, dc.origin, name, owner, shared) for name in ("A", "B")],
        )
    created = ITEMS_PER_WRITER * 2
    updates = ROUNDS_PER_WRITER * 2
    with dc.reading() as session:
        report = ledger.verify(session, dc.verifier)
        version = session.get(m.Item, shared).version
        count = session.query(m.Item).count()
    assert report.ok, report.to_dict()
    assert report.size == size_before + created + updates
    assert count == 1 + created
    assert version == 1 + updates  # every update was applied once, none lost
    indexes = sorted(results[0] + results[1])
    assert len(set(indexes)) == created  # no two writes share a leaf: the log never forked

"""The ledger's sequencer and auditor, over the store.

Every write that matters calls :func:`log` inside the transaction that makes
it: the record and its ledger entry commit together or not at all. All
writers go through the one ``ledger_state`` row, locked for the rest of the
transaction (``SELECT … FOR UPDATE`` on PostgreSQL, ``BEGIN IMMEDIATE`` on
SQLite), so the log has one sequence and never forks.

An entry is the RFC 8785 canonical JSON of ``{action, actor, logged_at,
previous, record: {type, id, data}}``; a correction names the previous entry
of the same record (index and leaf hash), so nothing changes without a trace.

References: RFC 6962 (2.1) and RFC 9162 (2.1) for the tree and proofs;
C2SP signed-note and tlog-checkpoint for signed tree heads.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import and_, func, insert, or_, select, tuple_
from sqlalchemy.orm import Session

from .. import ledger as core
from ..errors import LedgerError, NotFoundError
from ..store import models as m
from . import records
from .access import Actor

__all__ = [
    "Logged",
    "Pending",
    "VerifyReport",
    "as_pending",
    "checkpoint",
    "consistency",
    "log",
    "receipt",
    "receipts",
    "verify",
]


@dataclass(frozen=True, slots=True)
class Logged:
    """A ledger entry just appended: its index and leaf hash."""

    index: int
    leaf_hash: bytes
    record_type: str
    record_id: int | None


@dataclass(frozen=True, slots=True)
class Pending:
    action: str
    record_type: str
    record_id: int | None
    organisation_id: int | None
    actor: Actor
    data: dict[str, Any]
    note: str | None = None


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _state(session: Session) -> m.LedgerState:
    state = session.execute(
        select(m.LedgerState)
        .where(m.LedgerState.id == 1)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one_or_none()
    if state is None:
        raise LedgerError("the ledger has no state row: run the migrations (sitrace db upgrade)")
    return state


def _previous(session: Session, keys: set[tuple[str, int]]) -> dict[tuple[str, int], dict]:
    """The latest entry (index, leaf hash) of each record in ``keys``: one query."""
    latest: dict[tuple[str, int], dict] = {}
    keys = sorted(keys)
    for start in range(0, len(keys), 500):
        rows = session.execute(
            select(
                m.LedgerEntry.record_type,
                m.LedgerEntry.record_id,
                m.LedgerEntry.index,
                m.LedgerEntry.leaf_hash,
            ).where(
                tuple_(m.LedgerEntry.record_type, m.LedgerEntry.record_id).in_(
                    keys[start : start + 500]
                )
            )
        )
        for row in rows:
            key = (row.record_type, row.record_id)
            if key not in latest or latest[key]["index"] < row.index:
                latest[key] = {"index": row.index, "leaf_hash": row.leaf_hash.hex()}
    return latest


def log(
    session: Session,
    signer: core.Signer,
    writes: Iterable[tuple[str, Any] | Pending],
    *,
    actor: Actor,
    origin: str,
    note: str | None = None,
) -> list[Logged]:
    """Append one entry per write to the ledger, in the caller's transaction.

    Parameters
    ----------
    session : Session
        A session inside the transaction that wrote the records (flushed here).
    signer : Signer
        The data centre's checkpoint key; the new tree head is signed once per call.
    writes : iterable of (action, row)
        ``action`` is a verb such as ``"create"``, ``"correct"``, ``"withdraw"``;
        ``row`` a stored record, logged as :func:`sitrace.services.records.record_dict`.
    actor, origin, note
        Who wrote, the log's origin line, and an optional remark logged with each entry.
    """
    session.flush()
    pending = [as_pending(w, actor, note) for w in writes]
    state = _state(session)
    compact = core.CompactRange.from_dict(state.compact)
    logged_at = _now()
    stamp = logged_at.isoformat().replace("+00:00", "Z")
    previous = _previous(
        session,
        {
            (p.record_type, p.record_id)
            for p in pending
            if p.record_id is not None and p.action != "create"  # a new record has no past
        },
    )
    entries, nodes, done = [], [], []
    for item in pending:
        key = (item.record_type, item.record_id)
        content = {
            "action": f"{item.record_type}.{item.action}",
            "actor": item.actor.to_dict(),
            "logged_at": stamp,
            "previous": previous.get(key),
            "record": {"type": item.record_type, "id": item.record_id, "data": item.data},
        }
        if item.note:
            content["note"] = item.note
        entry = core.canonical_json(content)
        leaf = core.leaf_hash(entry)
        index = compact.size
        compact, new_nodes = compact.append(leaf)
        nodes.extend({"level": n.level, "index": n.index, "hash": h} for n, h in new_nodes)
        entries.append(
            {
                "index": index,
                "leaf_hash": leaf,
                "entry": entry,
                "action": content["action"],
                "record_type": item.record_type,
                "record_id": item.record_id,
                "actor_id": item.actor.user_id,
                "organisation_id": item.organisation_id,
                "logged_at": logged_at,
            }
        )
        done.append(Logged(index, leaf, item.record_type, item.record_id))
        if item.record_id is not None:
            previous[key] = {"index": index, "leaf_hash": leaf.hex()}
    if not entries:
        return []
    session.execute(insert(m.LedgerEntry), entries)
    session.execute(insert(m.LedgerNode), nodes)
    root = compact.root()
    state.size = compact.size
    state.compact = compact.to_dict()
    state.root = root
    state.updated_at = logged_at
    note_text = core.sign_checkpoint(core.Checkpoint(origin, compact.size, root), signer)
    session.add(m.LedgerCheckpoint(size=compact.size, root=root, note=note_text))
    session.flush()
    return done


def as_pending(write, actor: Actor, note: str | None = None) -> Pending:
    """An (action, row) write as the entry :func:`log` will append (``Pending`` passes through)."""
    if isinstance(write, Pending):
        return write
    action, row = write
    return Pending(
        action=action,
        record_type=records.record_type(row),
        record_id=row.id,
        organisation_id=_tenant(row),
        actor=actor,
        data=records.record_dict(row),
        note=note,
    )


def _tenant(row: Any) -> int | None:
    """The organisation whose audit trail holds the row's entries.

    The owner's, where a record has both an owner and a laboratory: a work order is
    the owner's, who opens and cancels it; the laboratory's own record of it is its
    calibration.
    """
    for name in ("owner_id", "laboratory_id", "organisation_id"):
        value = getattr(row, name, None)
        if value is not None:
            return value
    return row.id if isinstance(row, m.Organisation) else None


def _node_hashes(session: Session, keys) -> dict[tuple[int, int], bytes]:
    """Stored node hashes for (level, index) keys: one indexed query per 500 keys."""
    keys = list(keys)
    found = {}
    for start in range(0, len(keys), 500):
        by_level: dict[int, list[int]] = {}
        for level, index in keys[start : start + 500]:
            by_level.setdefault(level, []).append(index)
        condition = or_(
            *(
                and_(m.LedgerNode.level == level, m.LedgerNode.index.in_(indexes))
                for level, indexes in by_level.items()
            )
        )
        rows = session.execute(
            select(m.LedgerNode.level, m.LedgerNode.index, m.LedgerNode.hash).where(condition)
        )
        found.update(((r.level, r.index), r.hash) for r in rows)
    return found


def _fetch(session: Session, ids: Sequence[core.NodeID]) -> list[bytes]:
    if not ids:
        return []
    keys = [(n.level, n.index) for n in ids]
    found = _node_hashes(session, keys)
    missing = [k for k in keys if k not in found]
    if missing:
        raise LedgerError(f"ledger nodes missing from the store: {missing[:5]}")
    return [found[k] for k in keys]


def checkpoint(session: Session, size: int | None = None) -> m.LedgerCheckpoint:
    """The signed checkpoint for ``size`` (default: the latest)."""
    query = select(m.LedgerCheckpoint)
    if size is None:
        query = query.order_by(m.LedgerCheckpoint.size.desc()).limit(1)
    else:
        query = query.where(m.LedgerCheckpoint.size == size)
    row = session.execute(query).scalar_one_or_none()
    if row is None:
        raise NotFoundError(
            "no signed checkpoint" + ("" if size is None else f" for tree size {size}"),
            where="ledger",
        )
    return row


def inclusion(session: Session, index: int, size: int) -> list[bytes]:
    """The RFC 6962 inclusion proof of leaf ``index`` in the tree of ``size``: O(log n) reads."""
    nodes = core.inclusion_nodes(index, size)
    return nodes.rehash(_fetch(session, nodes.ids))


def consistency(session: Session, old_size: int, new_size: int) -> list[bytes]:
    """The RFC 6962 consistency proof between two tree sizes: O(log n) reads."""
    nodes = core.consistency_nodes(old_size, new_size)
    return nodes.rehash(_fetch(session, nodes.ids))


def receipts(session: Session, indexes: Sequence[int], size: int) -> tuple[core.Receipt, ...]:
    """Receipts of many entries under the checkpoint of ``size``, verifiable offline.

    A few queries for all of them: the entries, then every node their proofs need.
    """
    head = checkpoint(session, size)
    entries: dict[int, bytes] = {}
    wanted = sorted(set(indexes))
    for start in range(0, len(wanted), 500):
        rows = session.execute(
            select(m.LedgerEntry.index, m.LedgerEntry.entry).where(
                m.LedgerEntry.index.in_(wanted[start : start + 500])
            )
        )
        entries.update((row.index, row.entry) for row in rows)
    missing = [index for index in wanted if index not in entries]
    if missing:
        raise NotFoundError(f"no ledger entry {missing[0]}", where="ledger")
    plans = {index: core.inclusion_nodes(index, head.size) for index in indexes}
    hashes = _node_hashes(session, {(n.level, n.index) for p in plans.values() for n in p.ids})
    result = []
    for index, plan in plans.items():
        keys = [(n.level, n.index) for n in plan.ids]
        if any(key not in hashes for key in keys):
            raise LedgerError(f"ledger nodes missing from the store for entry {index}")
        result.append(
            core.Receipt(
                entry=entries[index],
                leaf_index=index,
                tree_size=head.size,
                proof=tuple(plan.rehash([hashes[key] for key in keys])),
                checkpoint=head.note,
            )
        )
    return tuple(result)


def receipt(session: Session, index: int, *, size: int | None = None) -> core.Receipt:
    """A receipt for entry ``index``, verifiable offline with the log's public key.

    The tree size is the smallest checkpointed size that includes the entry
    (the checkpoint signed by the write that logged it) unless ``size`` is given.
    """
    if size is None:
        size = session.execute(
            select(func.min(m.LedgerCheckpoint.size)).where(m.LedgerCheckpoint.size > index)
        ).scalar_one()
        if size is None:
            raise NotFoundError(f"no ledger entry {index}", where="ledger")
    return receipts(session, [index], size)[0]


@dataclass(slots=True)
class VerifyReport:
    """What ``sitrace ledger verify`` found. ``ok`` when every list is empty."""

    size: int = 0
    root: bytes = b""
    records_checked: int = 0
    tampered_entries: list[int] = field(default_factory=list)
    missing_entries: list[int] = field(default_factory=list)
    tampered_nodes: list[tuple[int, int]] = field(default_factory=list)
    tampered_records: list[tuple[str, int]] = field(default_factory=list)
    unlogged_records: list[tuple[str, int]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (
            self.tampered_entries
            or self.missing_entries
            or self.tampered_nodes
            or self.tampered_records
            or self.unlogged_records
            or self.problems
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "size": self.size,
            "root": self.root.hex(),
            "records_checked": self.records_checked,
            "tampered_entries": self.tampered_entries,
            "missing_entries": self.missing_entries,
            "tampered_nodes": [list(n) for n in self.tampered_nodes],
            "tampered_records": [list(r) for r in self.tampered_records],
            "unlogged_records": [list(r) for r in self.unlogged_records],
            "problems": self.problems,
        }


def verify(
    session: Session,
    verifier: core.Verifier,
    *,
    saved_checkpoint: str | None = None,
    batch: int = 10_000,
) -> VerifyReport:
    """Recompute the tree from the database and compare everything stored against it.

    Reports every entry whose bytes no longer hash to its leaf, every missing
    index, every stored node that differs from the recomputed one, every record
    whose current content is not what its latest entry logged (or that was never
    logged), every checkpoint whose root or signature is wrong, and whether
    ``saved_checkpoint`` (a signed note kept by a witness) is consistent with
    the current tree.
    """
    report = VerifyReport()
    checkpoints = set(session.execute(select(m.LedgerCheckpoint.size)).scalars())
    roots: dict[int, bytes] = {}
    compact = core.CompactRange.empty()
    latest: dict[tuple[str, int], bytes] = {}
    expected_nodes: dict[tuple[int, int], bytes] = {}
    last = -1
    query = select(m.LedgerEntry).order_by(m.LedgerEntry.index).execution_options(yield_per=batch)
    for row in session.execute(query).scalars():
        for missing in range(last + 1, row.index):
            report.missing_entries.append(missing)
        last = row.index
        leaf = core.leaf_hash(row.entry)
        if leaf != row.leaf_hash:
            report.tampered_entries.append(row.index)
        compact, new_nodes = compact.append(row.leaf_hash)
        for node, value in new_nodes:
            expected_nodes[(node.level, node.index)] = value
        if compact.size in checkpoints:
            roots[compact.size] = compact.root()
        if row.record_id is not None:
            latest[(row.record_type, row.record_id)] = row.entry
        if len(expected_nodes) >= batch:
            _check_nodes(session, expected_nodes, report)
    _check_nodes(session, expected_nodes, report)
    report.size = compact.size
    report.root = compact.root()
    state = session.get(m.LedgerState, 1)
    if state is None or state.size != compact.size or state.root != report.root:
        report.problems.append(
            f"the sequencer state (size {state.size if state else '?'}) does not match the "
            f"recomputed tree (size {compact.size}, root {report.root.hex()})"
        )
    heads = (
        select(m.LedgerCheckpoint)
        .order_by(m.LedgerCheckpoint.size)
        .execution_options(yield_per=batch)
    )
    for row in session.execute(heads).scalars():
        size = row.size
        try:
            head = core.open_checkpoint(row.note, verifier)
        except LedgerError as error:
            report.problems.append(f"checkpoint at size {size}: {error}")
            continue
        if head.size != size or head.root != roots.get(size) or row.root != head.root:
            report.problems.append(
                f"checkpoint at size {size}: its root does not match the recomputed tree"
            )
    if saved_checkpoint is not None:
        _check_saved(session, verifier, saved_checkpoint, report)
    _check_records(session, latest, report)
    return report


def _check_nodes(session: Session, expected: dict, report: VerifyReport) -> None:
    stored = _node_hashes(session, list(expected))
    report.tampered_nodes.extend(k for k, v in expected.items() if stored.get(k) != v)
    expected.clear()


def _check_saved(session: Session, verifier, note: str, report: VerifyReport) -> None:
    try:
        saved = core.open_checkpoint(note, verifier)
    except LedgerError as error:
        report.problems.append(f"saved checkpoint: {error}")
        return
    if saved.size > report.size:
        report.problems.append(
            f"saved checkpoint has size {saved.size}, larger than the current tree "
            f"({report.size}): entries were removed"
        )
        return
    proof = consistency(session, saved.size, report.size) if saved.size else []
    if not core.verify_consistency(saved.size, report.size, saved.root, report.root, proof):
        report.problems.append(
            f"saved checkpoint (size {saved.size}) is not consistent with the current tree "
            f"(size {report.size}): the log was rewritten"
        )


def _check_records(session: Session, latest: dict, report: VerifyReport) -> None:
    for name, (cls, view) in records.RECORD_TYPES.items():
        for row in session.execute(select(cls)).scalars():
            report.records_checked += 1
            entry = latest.get((name, row.id))
            if entry is None:
                report.unlogged_records.append((name, row.id))
                continue
            logged = json.loads(entry)["record"]["data"]
            if core.canonical_json(logged) != core.canonical_json(view(row)):
                report.tampered_records.append((name, row.id))

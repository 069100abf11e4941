"""The ledger: signed checkpoints, the public key, entries, receipts and Merkle proofs.

What a caller needs to check the log offline (RFC 6962 / RFC 9162 proofs, C2SP
signed checkpoints): the verifier key (public), the latest checkpoint, a
receipt for an entry, inclusion and consistency proofs between tree sizes.
An entry's content is shown only to callers who may read its organisation's
records (:func:`sitrace.services.access.visible_ledger`); hashes and proofs
reveal no content.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import PlainTextResponse
from sqlalchemy import select

from ...errors import InputError, NotFoundError
from ...services import ledger
from ...services.access import Actor, visible_ledger
from ...store import models as m
from ..deps import MAX_ID, CurrentActor, DataCentreDep, SessionDep
from ..schemas import CheckpointOut, ConsistencyProofOut, InclusionProofOut, LedgerEntryOut
from ._common import encode_hash

router = APIRouter(prefix="/ledger", tags=["ledger"])

EntryIndex = Annotated[int, Path(ge=0, le=MAX_ID, description="the entry's index")]
TreeSize = Annotated[int | None, Query(ge=1, le=MAX_ID, description="a tree size")]
CHECKPOINT_TEXT = {"text/plain": {"schema": {"type": "string"}}}


def tree_size(session) -> int:
    """The current number of entries in the log."""
    state = session.get(m.LedgerState, 1)
    return 0 if state is None else state.size


def _visible_entry(session, actor: Actor, index: int) -> m.LedgerEntry:
    row = session.execute(
        select(m.LedgerEntry).where(m.LedgerEntry.index == index, visible_ledger(actor))
    ).scalar_one_or_none()
    if row is None:
        raise NotFoundError(f"no ledger entry {index}", where="ledger")
    return row


def _root(session, size: int) -> bytes | None:
    row = session.get(m.LedgerCheckpoint, size)
    return None if row is None else row.root


def _wants_json(request: Request, format_: str | None) -> bool:
    if format_ is not None:
        return format_ == "json"
    accept = request.headers.get("accept", "")
    return "application/json" in accept and "text/plain" not in accept


@router.get(
    "/checkpoint",
    response_model=CheckpointOut,
    responses={200: {"content": CHECKPOINT_TEXT}},
)
def latest_checkpoint(
    request: Request,
    session: SessionDep,
    datacentre: DataCentreDep,
    actor: CurrentActor,
    size: TreeSize = None,
    format_: Annotated[str | None, Query(alias="format", pattern="^(text|json)$")] = None,
) -> Any:
    """The latest signed checkpoint (or that of ``size``).

    A C2SP signed note as ``text/plain`` by default; as JSON (origin, size, root
    in hex, note) with ``Accept: application/json`` or ``?format=json``.
    """
    row = ledger.checkpoint(session, size)
    if not _wants_json(request, format_):
        return PlainTextResponse(row.note)
    return {
        "origin": datacentre.origin,
        "size": row.size,
        "root": encode_hash(row.root),
        "note": row.note,
        "created_at": row.created_at,
    }


@router.get("/key", response_class=PlainTextResponse, responses={200: {"content": CHECKPOINT_TEXT}})
def verifier_key(datacentre: DataCentreDep) -> str:
    """The public verifier key of the log's checkpoints (``<name>+<key id>+<base64 key>``)."""
    return datacentre.verifier.key


@router.get("/entries/{index}", response_model=LedgerEntryOut)
def ledger_entry(index: EntryIndex, session: SessionDep, actor: CurrentActor) -> dict[str, Any]:
    """One entry of the log: what was logged (RFC 8785 JSON) and its leaf hash."""
    row = _visible_entry(session, actor, index)
    return {
        "index": row.index,
        "leaf_hash": encode_hash(row.leaf_hash),
        "action": row.action,
        "record_type": row.record_type,
        "record_id": row.record_id,
        "actor": row.actor_id,
        "organisation": row.organisation_id,
        "logged_at": row.logged_at,
        "entry": json.loads(row.entry),
    }


@router.get("/entries/{index}/receipt", response_model=dict[str, Any])
def ledger_receipt(
    index: EntryIndex,
    session: SessionDep,
    actor: CurrentActor,
    size: TreeSize = None,
) -> dict[str, Any]:
    """A receipt for an entry (the entry, its inclusion proof and a signed checkpoint),
    verifiable offline with ``sitrace.ledger.verify_receipt`` and the key of ``/ledger/key``."""
    _visible_entry(session, actor, index)
    if size is not None and size <= index:
        raise InputError(f"tree size {size} does not include entry {index}", where="size")
    return ledger.receipt(session, index, size=size).to_dict()


@router.get("/proof/inclusion", response_model=InclusionProofOut)
def inclusion_proof(
    session: SessionDep,
    actor: CurrentActor,
    index: Annotated[int, Query(ge=0, le=MAX_ID, description="the leaf index")],
    size: TreeSize = None,
) -> dict[str, Any]:
    """The RFC 6962 inclusion proof of leaf ``index`` in the tree of ``size`` leaves."""
    current = tree_size(session)
    size = current if size is None else size
    if size > current:
        raise InputError(f"tree size {size} is larger than the log ({current})", where="size")
    if index >= size:
        raise InputError(f"leaf {index} is not in a tree of size {size}", where="index")
    visible = session.execute(
        select(m.LedgerEntry.leaf_hash).where(m.LedgerEntry.index == index, visible_ledger(actor))
    ).scalar_one_or_none()
    root = _root(session, size)
    return {
        "index": index,
        "size": size,
        "leaf_hash": None if visible is None else encode_hash(visible),
        "root": None if root is None else encode_hash(root),
        "proof": [encode_hash(h) for h in ledger.inclusion(session, index, size)],
    }


@router.get("/proof/consistency", response_model=ConsistencyProofOut)
def consistency_proof(
    session: SessionDep,
    actor: CurrentActor,
    old: Annotated[int, Query(ge=1, le=MAX_ID, description="the older tree size")],
    new: TreeSize = None,
) -> dict[str, Any]:
    """The RFC 6962 consistency proof that the tree of ``new`` leaves extends that of ``old``."""
    current = tree_size(session)
    new = current if new is None else new
    if new > current:
        raise InputError(f"tree size {new} is larger than the log ({current})", where="new")
    if old > new:
        raise InputError(f"old size {old} is larger than new size {new}", where="old")
    old_root, new_root = _root(session, old), _root(session, new)
    return {
        "old": old,
        "new": new,
        "old_root": None if old_root is None else encode_hash(old_root),
        "new_root": None if new_root is None else encode_hash(new_root),
        "proof": [encode_hash(h) for h in ledger.consistency(session, old, new)],
    }

"""Use cases of the registry: organisations, scopes, users, items, materials, shares.

Each public function takes the :class:`DataCentre`, the :class:`Actor` and the
input, checks the actor's rights, writes the record and its ledger entry in
one transaction, and returns a :class:`Written` (the record and its receipt).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from .. import ledger as core
from ..errors import (
    ConflictError,
    InputError,
    NotFoundError,
    PermissionDeniedError,
    StaleVersionError,
)
from ..store import models as m
from ..units import parse_unit
from . import ledger, records
from .access import Actor, require, require_tenant, visible_items
from .datacentre import DataCentre
from .schemas import (
    AccreditationCreate,
    ItemCreate,
    ItemUpdate,
    MaterialCreate,
    OrganisationCreate,
    UserCreate,
)

__all__ = [
    "Written",
    "add_accreditation",
    "authenticate",
    "create_item",
    "create_material",
    "create_organisation",
    "create_user",
    "get_item",
    "hash_token",
    "log_writes",
    "share_item",
    "update_item",
    "withdraw_item",
]


@dataclass(frozen=True, slots=True)
class Written:
    """A record as stored, and the ledger receipt of the write."""

    record: dict[str, Any]
    receipt: core.Receipt
    token: str | None = None


def hash_token(token: str) -> str:
    """SHA-256 of a bearer token: the only form in which tokens are stored."""
    return hashlib.sha256(token.encode()).hexdigest()


def authenticate(session: Session, token: str) -> Actor | None:
    """The actor owning ``token``, or None for an unknown or inactive token."""
    user = session.execute(
        select(m.User).where(m.User.token_hash == hash_token(token))
    ).scalar_one_or_none()
    if user is None or not user.active:
        return None
    return Actor(user.id, user.organisation_id, user.role, user.name)


def _unit(text: str, field: str) -> str:
    parse_unit(text, where=f"field '{field}'")
    return text


def log_writes(
    dc: DataCentre, session: Session, actor: Actor, writes, record: dict[str, Any], *, note=None
) -> Written:
    """Log ``writes`` in the ledger; ``record`` with the receipt of the first entry."""
    logged = dc.log(session, writes, actor=actor, note=note)
    return Written(record, ledger.receipt(session, logged[0].index))


def _finish(dc: DataCentre, session: Session, actor: Actor, action: str, row, note=None):
    session.flush()  # the row's id, before its view is taken
    return log_writes(dc, session, actor, [(action, row)], records.record_dict(row), note=note)


def _integrity(error: IntegrityError, what: str) -> ConflictError:
    return ConflictError(f"{what} already exists or refers to a missing record", where=what)


def create_organisation(dc: DataCentre, actor: Actor, data: OrganisationCreate) -> Written:
    require(actor, {"admin"}, "create organisations")
    with dc.transaction() as session:
        if session.execute(
            select(m.Organisation.id).where(m.Organisation.code == data.code)
        ).first():
            raise ConflictError(f"organisation code '{data.code}' is already taken", where="code")
        row = m.Organisation(**data.model_dump())
        session.add(row)
        return _finish(dc, session, actor, "create", row)


def add_accreditation(
    dc: DataCentre, actor: Actor, laboratory: int, data: AccreditationCreate
) -> Written:
    """Add a scope line (quantity, range, CMC) to a laboratory's accreditation."""
    require(actor, {"admin"}, "change accreditation scopes")
    _unit(data.unit, "unit")
    with dc.transaction() as session:
        lab = session.get(m.Organisation, laboratory)
        if lab is None or lab.kind not in ("nmi", "calibration_lab"):
            raise NotFoundError(f"no laboratory with id {laboratory}", where="laboratory")
        row = m.Accreditation(laboratory_id=laboratory, **data.model_dump())
        session.add(row)
        return _finish(dc, session, actor, "create", row)


def create_user(dc: DataCentre, actor: Actor, data: UserCreate) -> Written:
    """Create a user and its bearer token. The token is returned once and stored hashed."""
    require(actor, {"admin"}, "create users")
    token = secrets.token_urlsafe(32)
    with dc.transaction() as session:
        if session.get(m.Organisation, data.organisation) is None:
            raise NotFoundError(
                f"no organisation with id {data.organisation}", where="organisation"
            )
        if session.execute(select(m.User.id).where(m.User.name == data.name)).first():
            raise ConflictError(f"user name '{data.name}' is already taken", where="name")
        row = m.User(
            name=data.name,
            role=data.role,
            organisation_id=data.organisation,
            token_hash=hash_token(token),
        )
        session.add(row)
        written = _finish(dc, session, actor, "create", row)
    return Written(written.record, written.receipt, token)


def set_role(dc: DataCentre, actor: Actor, user_id: int, role: str, *, active: bool = True):
    """Change a user's role or deactivate the user (logged: a user's role changed)."""
    require(actor, {"admin"}, "change roles")
    if role not in m.ROLES:
        raise InputError(f"role must be one of {', '.join(m.ROLES)}, got {role!r}", where="role")
    with dc.transaction() as session:
        row = session.get(m.User, user_id)
        if row is None:
            raise NotFoundError(f"no user with id {user_id}", where="user")
        row.role, row.active, row.version = role, active, row.version + 1
        return _finish(dc, session, actor, "role", row)


def _owner_for(actor: Actor, requested: int | None) -> int:
    if actor.role == "admin" and requested is not None:
        return requested
    if requested is not None and requested != actor.organisation_id:
        raise PermissionDeniedError(
            "may only register records owned by its own organisation",
            where=f"user '{actor.name}'",
        )
    if actor.organisation_id is None:
        raise InputError("the owner organisation must be given", where="owner")
    return actor.organisation_id


def create_item(dc: DataCentre, actor: Actor, data: ItemCreate) -> Written:
    """Register a measurement standard (labs) or an instrument in service (labs, owners)."""
    with dc.transaction() as session:
        row = _create_item(session, actor, data)
        return _finish(dc, session, actor, "create", row)


def _create_item(session: Session, actor: Actor, data: ItemCreate) -> m.Item:
    """Check and add an item in the caller's transaction (not logged: the caller logs it)."""
    allowed = {"admin", "lab"} if data.kind == "standard" else {"admin", "lab", "owner"}
    require(actor, allowed, f"register {data.kind}s")
    _unit(data.unit, "unit")
    owner = _owner_for(actor, data.owner)
    if session.get(m.Organisation, owner) is None:
        raise NotFoundError(f"no organisation with id {owner}", where="owner")
    duplicate = session.execute(
        select(m.Item.id).where(m.Item.owner_id == owner, m.Item.serial == data.serial)
    ).first()
    if duplicate:
        raise ConflictError(
            f"serial '{data.serial}' is already registered by this owner (item {duplicate[0]})",
            where="serial",
        )
    row = m.Item(owner_id=owner, **data.model_dump(exclude={"owner"}))
    session.add(row)
    return row


def get_item(session: Session, actor: Actor, item_id: int) -> m.Item:
    row = session.execute(
        select(m.Item).where(m.Item.id == item_id, visible_items(actor))
    ).scalar_one_or_none()
    if row is None:
        raise NotFoundError(f"no item with id {item_id}", where="item")
    return row


def _check_version(row, expected: int | None) -> None:
    if expected is not None and row.version != expected:
        raise StaleVersionError(
            f"the record is at version {row.version}, the change was made to version {expected}: "
            "read it again and retry",
            where=f"{records.record_type(row)} {row.id}",
        )


def update_item(
    dc: DataCentre, actor: Actor, item_id: int, data: ItemUpdate, *, version: int | None = None
) -> Written:
    """Correct an item's description; the previous content stays in the ledger."""
    require(actor, {"admin", "lab", "owner"}, "change items")
    with dc.transaction() as session:
        row = get_item(session, actor, item_id)
        require_tenant(actor, row.owner_id, "change this item")
        _check_version(row, version)
        changes = data.model_dump(exclude_unset=True)
        for name, value in changes.items():
            setattr(row, name, value)
        low, high = row.range_low, row.range_high
        if low is not None and high is not None and low > high:
            raise InputError("range_low must be <= range_high", where="range_low")
        row.version += 1
        return _finish(dc, session, actor, "correct", row)


def withdraw_item(
    dc: DataCentre, actor: Actor, item_id: int, on: dt.date, *, version: int | None = None
) -> Written:
    require(actor, {"admin", "lab", "owner"}, "withdraw items")
    with dc.transaction() as session:
        row = get_item(session, actor, item_id)
        require_tenant(actor, row.owner_id, "withdraw this item")
        _check_version(row, version)
        row.status, row.withdrawn_since, row.version = "withdrawn", on, row.version + 1
        return _finish(dc, session, actor, "withdraw", row)


def share_item(dc: DataCentre, actor: Actor, item_id: int, organisation: int) -> Written:
    """Share an item and its calibrations with another organisation (e.g. its calibration lab)."""
    require(actor, {"admin", "lab", "owner"}, "share items")
    with dc.transaction() as session:
        row = get_item(session, actor, item_id)
        require_tenant(actor, row.owner_id, "share this item")
        if session.get(m.Organisation, organisation) is None:
            raise NotFoundError(f"no organisation with id {organisation}", where="organisation")
        exists = session.execute(
            select(m.Share.id).where(
                m.Share.item_id == item_id, m.Share.organisation_id == organisation
            )
        ).first()
        if exists:
            raise ConflictError("the item is already shared with this organisation", where="share")
        share = m.Share(item_id=item_id, organisation_id=organisation)
        session.add(share)
        session.flush()
        logged = dc.log(session, [("create", share)], actor=actor)
        return Written(records.share(share), ledger.receipt(session, logged[0].index))


def create_material(dc: DataCentre, actor: Actor, data: MaterialCreate) -> Written:
    require(actor, {"admin", "lab"}, "register reference materials")
    _unit(data.unit, "unit")
    owner = _owner_for(actor, data.owner)
    with dc.transaction() as session:
        duplicate = session.execute(
            select(m.ReferenceMaterial.id).where(
                m.ReferenceMaterial.producer == data.producer,
                m.ReferenceMaterial.lot == data.lot,
                m.ReferenceMaterial.property == data.property,
            )
        ).first()
        if duplicate:
            raise ConflictError(
                f"lot '{data.lot}' of {data.producer} ({data.property}) is already registered",
                where="lot",
            )
        if session.get(m.Organisation, owner) is None:
            raise NotFoundError(f"no organisation with id {owner}", where="owner")
        row = m.ReferenceMaterial(owner_id=owner, **data.model_dump(exclude={"owner"}))
        session.add(row)
        return _finish(dc, session, actor, "create", row)

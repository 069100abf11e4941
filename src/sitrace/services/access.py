"""Who may see and do what: roles, tenants and shares, as SQL filters.

Roles (one per user):

- ``admin``: runs the platform: organisations, users, scopes; reads everything.
- ``lab``: a calibration laboratory (or NMI): its standards and instruments,
  the calibrations it performs, its reference materials.
- ``owner``: an instrument owner: its instruments and their shares.
- ``regulator``: reads instruments under legal control and their calibrations.
- ``auditor``: reads everything and writes nothing.

An organisation sees its own records and those shared with it; a laboratory
also sees the items it has calibrated and the calibrations it performed.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, exists, false, or_, select, true

from ..errors import PermissionDeniedError
from ..store import models as m

__all__ = ["SYSTEM", "Actor", "can_read_all", "require", "visible_calibrations", "visible_items"]

READ_ALL = frozenset({"admin", "auditor"})


@dataclass(frozen=True, slots=True)
class Actor:
    """The authenticated caller of a service: a user of an organisation with one role."""

    user_id: int | None
    organisation_id: int | None
    role: str
    name: str

    def to_dict(self) -> dict:
        return {"user": self.user_id, "organisation": self.organisation_id, "role": self.role}


SYSTEM = Actor(None, None, "admin", "system")
"""The data centre itself (migrations, demo seeding, command-line administration)."""


def can_read_all(actor: Actor) -> bool:
    return actor.role in READ_ALL


def require(actor: Actor, allowed: set[str] | frozenset[str], action: str) -> None:
    """Refuse ``action`` unless the actor's role is one of ``allowed``."""
    if actor.role not in allowed:
        raise PermissionDeniedError(
            f"role '{actor.role}' may not {action} (allowed: {', '.join(sorted(allowed))})",
            where=f"user '{actor.name}'",
        )


def require_tenant(actor: Actor, organisation_id: int | None, action: str) -> None:
    """Refuse ``action`` on another organisation's record (admins excepted)."""
    if actor.role != "admin" and organisation_id != actor.organisation_id:
        raise PermissionDeniedError(
            f"may not {action}: the record belongs to another organisation",
            where=f"user '{actor.name}'",
        )


def visible_items(actor: Actor) -> ColumnElement[bool]:
    """SQL condition on :class:`~sitrace.store.models.Item` rows the actor may read."""
    if can_read_all(actor):
        return true()
    if actor.role == "regulator":
        return m.Item.legal_control.is_(True)
    if actor.organisation_id is None:
        return false()
    shared = exists().where(
        m.Share.item_id == m.Item.id, m.Share.organisation_id == actor.organisation_id
    )
    conditions = [m.Item.owner_id == actor.organisation_id, shared]
    if actor.role == "lab":
        conditions.append(
            exists().where(
                m.Calibration.item_id == m.Item.id,
                m.Calibration.laboratory_id == actor.organisation_id,
            )
        )
    return or_(*conditions)


def visible_calibrations(actor: Actor) -> ColumnElement[bool]:
    """SQL condition on :class:`~sitrace.store.models.Calibration` rows the actor may read."""
    if can_read_all(actor):
        return true()
    items = select(m.Item.id).where(visible_items(actor))
    if actor.role == "regulator":
        return m.Calibration.item_id.in_(items)
    return or_(
        m.Calibration.laboratory_id == actor.organisation_id, m.Calibration.item_id.in_(items)
    )


def visible_ledger(actor: Actor) -> ColumnElement[bool]:
    """Ledger entries (the audit trail) the actor may read: its own organisation's."""
    if can_read_all(actor):
        return true()
    return m.LedgerEntry.organisation_id == actor.organisation_id

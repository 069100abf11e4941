"""Traceability over the store: fetch the part of the calibration graph a question needs,
then let the pure :mod:`sitrace.traceability` answer it.

A chain is found with one recursive SQL query (the latest valid calibration of
each item on or before its date of use, then the standards it used, up to the
SI), followed by one query for those items, one for their calibrations and one
for their laboratories' scopes: a handful of indexed reads whatever the size of
the registry. Numbers reach the core in the units they were stored in (each
item's own unit; each scope line's own unit): the core converts where it compares.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from functools import cache
from typing import Any

from sqlalchemy import Date, Integer, bindparam, literal, select
from sqlalchemy.orm import Session

from .. import traceability as core
from ..errors import InputError, NotFoundError
from ..store import models as m
from .access import Actor, require
from .datacentre import DataCentre
from .registry import Written, _finish, get_item

__all__ = ["chain", "chain_item_ids", "mark_out_of_tolerance", "recall", "registry_for"]


@cache
def _chain_query():
    """The recursive chain query, built once (its parameters are bound per call)."""
    c = m.Calibration.__table__.alias("c")
    c2 = m.Calibration.__table__.alias("c2")
    cs = m.CalibrationStandard.__table__.alias("cs")
    anchor = select(
        bindparam("item_id", type_=m.Item.id.type).label("item_id"),
        bindparam("at", type_=Date).label("used_at"),
        literal(0, Integer).label("depth"),
    ).cte("chain", recursive=True)
    latest = (
        select(c2.c.id)
        .where(
            c2.c.item_id == anchor.c.item_id,
            c2.c.performed <= anchor.c.used_at,
            c2.c.status == "valid",
        )
        .order_by(c2.c.performed.desc(), c2.c.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    step = (
        select(cs.c.item_id, c.c.performed, anchor.c.depth + 1)
        .select_from(anchor)
        .join(c, c.c.id == latest)
        .join(cs, cs.c.calibration_id == c.c.id)
        .where(anchor.c.depth < bindparam("max_depth", type_=Integer))
    )
    tree = anchor.union(step)
    return select(tree.c.item_id).distinct()


@cache
def _registry_queries():
    item, cal = m.Item.__table__, m.Calibration.__table__
    link, scope = m.CalibrationStandard.__table__, m.Accreditation.__table__
    ids = bindparam("ids", expanding=True)
    return {
        "items": select(item).where(item.c.id.in_(ids)),
        "calibrations": select(cal, link.c.item_id.label("standard_id"))
        .outerjoin(link, link.c.calibration_id == cal.c.id)
        .where(cal.c.item_id.in_(ids), cal.c.status == "valid"),
        "scopes": select(scope).where(scope.c.laboratory_id.in_(ids)),
    }


def chain_item_ids(session: Session, item_id: int, at: dt.date, *, max_depth: int = 20) -> set:
    """Ids of every item on the chain of ``item_id`` at ``at`` (one recursive query)."""
    rows = session.connection().execute(
        _chain_query(), {"item_id": item_id, "at": at, "max_depth": max_depth}
    )
    return set(rows.scalars())


def _core_item(row) -> core.Item:
    return core.Item(
        id=str(row.id),
        name=row.name,
        level=row.level,
        quantity=row.quantity,
        unit=row.unit,
        owner=str(row.owner_id),
        tolerance=row.mpe or None,
        out_of_tolerance_since=row.out_of_tolerance_since,
        withdrawn_since=row.withdrawn_since,
    )


def _core_calibration(row, standards: tuple[str, ...]):
    return core.Calibration(
        id=str(row.id),
        item=str(row.item_id),
        laboratory=str(row.laboratory_id),
        performed=row.performed,
        valid_until=row.valid_until,
        standards=standards,
        expanded_uncertainty=row.expanded_uncertainty,
        relative_uncertainty=row.relative_uncertainty,
        low=row.low,
        high=row.high,
        conforming=None if row.conformity is None else row.conformity == "pass",
    )


def _core_scope(row) -> core.Accreditation:
    return core.Accreditation(
        laboratory=str(row.laboratory_id),
        quantity=row.quantity,
        unit=row.unit,
        low=row.low,
        high=row.high,
        cmc=row.cmc,
        valid_from=row.valid_from,
        valid_until=row.valid_until,
    )


def registry_for(
    session: Session, item_ids: Iterable[int], *, until: dt.date | None = None
) -> core.Registry:
    """A core registry of these items, their valid calibrations and their labs' scopes.

    Three indexed queries on the tables (no ORM objects: this is the hot path of
    every chain). With ``until``, only calibrations performed on or before it
    (all a chain at that date can use); without it, the standards those
    calibrations used are fetched too (a recall follows them).
    """
    queries = _registry_queries()
    connection = session.connection()
    ids = sorted(set(item_ids))
    items = {row.id: row for row in connection.execute(queries["items"], {"ids": ids})}
    calibrations: dict[int, Any] = {}
    links: dict[int, list[str]] = {}
    query = queries["calibrations"]
    if until is not None:
        query = query.where(m.Calibration.__table__.c.performed <= until)
    for row in connection.execute(query, {"ids": ids}):
        calibrations[row.id] = row
        if row.standard_id is not None:
            links.setdefault(row.id, []).append(str(row.standard_id))
    missing = sorted({int(s) for values in links.values() for s in values} - set(items))
    if missing and until is None:
        for row in connection.execute(queries["items"], {"ids": missing}):
            items[row.id] = row
    labs = sorted({c.laboratory_id for c in calibrations.values()})
    scopes = connection.execute(queries["scopes"], {"ids": labs}) if labs else []
    return core.Registry(
        [_core_item(row) for row in items.values()],
        [_core_calibration(c, tuple(sorted(links.get(c.id, ())))) for c in calibrations.values()],
        [_core_scope(s) for s in scopes],
    )


def chain(
    session: Session,
    actor: Actor,
    item_id: int,
    at: dt.date,
    *,
    tur_warning: float = 4.0,
) -> core.Chain:
    """The traceability chain of an item visible to the actor, at a date of use.

    The chain's upper links (other organisations' standards and calibrations) are
    shown as summaries: traceability evidence is shared along the chain.
    """
    get_item(session, actor, item_id)
    ids = chain_item_ids(session, item_id, at)
    return core.resolve_chain(
        registry_for(session, ids, until=at), str(item_id), at, tur_warning=tur_warning
    )


def _downstream(session: Session, standard_id: int, since: dt.date, depth: int = 20) -> set:
    seen, frontier = {standard_id}, {standard_id}
    for _ in range(depth):
        if not frontier:
            break
        rows = session.execute(
            select(m.Calibration.item_id)
            .join(m.CalibrationStandard, m.CalibrationStandard.calibration_id == m.Calibration.id)
            .where(m.CalibrationStandard.item_id.in_(frontier), m.Calibration.performed >= since)
            .distinct()
        ).scalars()
        frontier = set(rows) - seen
        seen |= frontier
    return seen


def recall(
    session: Session, actor: Actor, standard_id: int, found: dt.date | None = None
) -> core.Recall:
    """Every calibration and item downstream of a standard found out of tolerance on ``found``.

    ``found`` defaults to the date of the standard's recorded finding. The window
    starts at the standard's last good calibration before ``found`` (see
    :func:`sitrace.traceability.recall`).
    """
    item = get_item(session, actor, standard_id)
    if item.kind != "standard":
        raise InputError(f"item {standard_id} is not a standard", where="standard")
    if found is None:
        found = item.out_of_tolerance_since
    if found is None:
        raise InputError(
            f"standard {standard_id} has no out-of-tolerance finding: give the date found",
            where="found",
        )
    first = session.execute(
        select(m.Calibration.performed)
        .where(m.Calibration.item_id == standard_id, m.Calibration.performed <= found)
        .order_by(m.Calibration.performed)
        .limit(1)
    ).scalar_one_or_none()
    since = first or dt.date.min
    ids = _downstream(session, standard_id, since)
    return core.recall(registry_for(session, ids), str(standard_id), found)


def mark_out_of_tolerance(
    dc: DataCentre, actor: Actor, standard_id: int, found: dt.date, *, reason: str
) -> tuple[Written, core.Recall]:
    """Record that a standard was found out of tolerance, and return its recall list."""
    require(actor, {"admin", "lab"}, "report a standard out of tolerance")
    if not reason.strip():
        raise InputError("a finding needs a reason", where="reason")
    with dc.transaction() as session:
        row = get_item(session, actor, standard_id)
        if actor.role != "admin" and row.owner_id != actor.organisation_id:
            raise NotFoundError(f"no standard with id {standard_id} of yours", where="standard")
        row.status, row.out_of_tolerance_since = "out_of_tolerance", found
        row.version += 1
        written = _finish(dc, session, actor, "out_of_tolerance", row, note=reason)
        result = recall(session, actor, standard_id, found)
    return written, result

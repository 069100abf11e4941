"""Use cases of calibrations: record, correct and withdraw, each logged in the ledger.

Recording a calibration checks the metrology before anything is written: units
are D-SI and of the item's dimension, uncertainties finite and >= 0, standards
and materials exist; when a point gives a measurement model it is evaluated
with :func:`sitrace.uncertainty.gum` (JCGM 100) and its budget kept.

Validity rules never block the action that restores validity: an item that is
expired, out of tolerance or never calibrated can always be calibrated. Such a
calibration is allowed and its ledger entry says so (``note``), so the path is
audited.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import traceability
from ..errors import ConflictError, InputError, NotFoundError, SitraceError
from ..store import models as m
from ..uncertainty import gum
from ..uncertainty.modelfile import model_from_dict
from ..units import conversion_factor, convert, is_compatible, parse_unit
from . import records
from .access import Actor, require, require_tenant, visible_calibrations
from .chains import registry_for
from .conformity import IN_TOLERANCE, decide_points
from .datacentre import DataCentre
from .intervals import policy_for, propose
from .ledger import receipt
from .registry import Written, _check_version, get_item
from .schemas import CalibrationCreate, CalibrationUpdate, DecisionRequest, PointCreate

__all__ = ["correct_calibration", "get_calibration", "record_calibration", "withdraw_calibration"]


def _evaluate(point: PointCreate, where: str) -> dict[str, Any]:
    """Value, u, k, U, dof and budget of one point (given, or by GUM from its model)."""
    if point.model is None:
        k = point.coverage_factor if point.coverage_factor is not None else 2.0
        return {
            "value": point.value,
            "uncertainty": point.uncertainty,
            "coverage_factor": k,
            "expanded_uncertainty": k * point.uncertainty,
            "dof": point.dof,
            "model": None,
            "budget": None,
        }
    try:
        parsed = model_from_dict(point.model, source=f"{where}.model")
        result = gum(parsed.model, p=point.p)
    except SitraceError as error:
        if (error.where or "").startswith(where):
            raise
        raise error.located(where) from None
    if len(result.outputs) != 1:
        raise InputError("a point's model must have one output", where=f"{where}.model")
    output = next(iter(result.outputs.values()))
    return {
        "value": output.estimate,
        "uncertainty": output.standard_uncertainty,
        "coverage_factor": output.coverage_factor,
        "expanded_uncertainty": output.expanded_uncertainty,
        "dof": output.dof if math.isfinite(output.dof) else None,
        "model": dict(point.model),
        "budget": output.budget.to_dict(),
    }


def _points(item: m.Item, points: list[PointCreate]) -> list[m.CalibrationPoint]:
    rows = []
    for position, point in enumerate(points):
        where = f"points[{position}]"
        unit = parse_unit(point.unit, where=f"{where}.unit")
        if not is_compatible(unit, parse_unit(item.unit)):
            raise InputError(
                f"unit {point.unit} is not of the item's quantity ({item.quantity}, {item.unit})",
                where=f"{where}.unit",
            )
        result = _evaluate(point, where)
        rows.append(
            m.CalibrationPoint(
                position=position,
                quantity=point.quantity or item.quantity,
                nominal=point.nominal,
                unit=point.unit,
                **result,
            )
        )
    return rows


def _summary(item: m.Item, points: list[m.CalibrationPoint]) -> dict[str, Any]:
    """Largest U, largest U/|x| and the calibrated range, in the item's unit.

    ``x`` is the point's nominal value when given (the load or setting applied:
    for an instrument the value may be its error of indication), else its value.
    """
    target = parse_unit(item.unit)
    magnitudes, expanded, relative = [], [], []
    for p in points:
        unit = parse_unit(p.unit)
        x = p.nominal if p.nominal is not None else p.value
        magnitudes.append(float(convert(x, unit, target)))
        expanded.append(
            p.expanded_uncertainty * float(conversion_factor(unit, target, difference=True))
        )
        if x != 0:
            relative.append(p.expanded_uncertainty / abs(x))
    return {
        "expanded_uncertainty": max(expanded),
        "relative_uncertainty": max(relative) if relative else None,
        "low": min(magnitudes),
        "high": max(magnitudes),
    }


def _restores_validity(session: Session, item: m.Item, on: dt.date) -> str | None:
    """The audit note of a calibration that restores the item's validity, else None.

    The rule is :func:`sitrace.traceability.restores_validity`, on the item's
    stored calibrations up to ``on``.
    """
    registry = registry_for(session, [item.id], until=on)
    if not traceability.restores_validity(registry, str(item.id), on):
        return None
    codes = {p.code: p for p in traceability.validity_problems(registry, str(item.id), on)}
    if "out_of_tolerance" in codes:
        since = item.out_of_tolerance_since
        return f"restores validity: item was found out of tolerance on {since}"
    if "expired" in codes:
        latest = registry.calibration_at(str(item.id), on)
        return f"restores validity: the previous calibration expired on {latest.valid_until}"
    return "first calibration of the item"


def record_calibration(dc: DataCentre, actor: Actor, data: CalibrationCreate) -> Written:
    """Record a calibration performed by the actor's laboratory."""
    with dc.transaction() as session:
        row, writes, note = _record_calibration(session, actor, data)
        logged = dc.log(session, writes, actor=actor, note=note)
        return Written(records.calibration(row), receipt(session, logged[0].index))


def _record_calibration(
    session: Session, actor: Actor, data: CalibrationCreate
) -> tuple[m.Calibration, list[tuple[str, Any]], str | None]:
    """Check and add a calibration in the caller's transaction (flushed, not logged).

    Returns the row, the writes to log (the calibration, and the item when the
    calibration restores it to service) and the note to log them with.
    """
    require(actor, {"admin", "lab"}, "record calibrations")
    laboratory = data.laboratory if actor.role == "admin" else actor.organisation_id
    if data.laboratory is not None and data.laboratory != laboratory:
        raise InputError("a laboratory records only its own calibrations", where="laboratory")
    if laboratory is None:
        raise InputError("the laboratory must be given", where="laboratory")
    item = get_item(session, actor, data.item)
    if item.status == "withdrawn":
        raise InputError(f"item {item.id} was withdrawn on {item.withdrawn_since}", where="item")
    lab = session.get(m.Organisation, laboratory)
    if lab is None or lab.kind not in ("nmi", "calibration_lab"):
        raise InputError(f"organisation {laboratory} is not a laboratory", where="laboratory")
    if session.execute(
        select(m.Calibration.id).where(m.Calibration.certificate == data.certificate)
    ).first():
        raise ConflictError(
            f"certificate '{data.certificate}' is already recorded", where="certificate"
        )
    for position, standard_id in enumerate(data.standards):
        standard = session.get(m.Item, standard_id)
        if standard is None or standard.kind != "standard":
            raise NotFoundError(
                f"no standard with id {standard_id}", where=f"standards[{position}]"
            )
        if standard_id == item.id:
            raise InputError("an item cannot calibrate itself", where=f"standards[{position}]")
    for position, material_id in enumerate(data.materials):
        if session.get(m.ReferenceMaterial, material_id) is None:
            raise NotFoundError(
                f"no reference material with id {material_id}", where=f"materials[{position}]"
            )
    points = _points(item, data.points)
    statement, sentence, decision = data.conformity, data.conformity_statement, None
    if data.decision is not None:
        statement, text, decision = decide_points(item, points, data.decision)
        sentence = sentence or text
    note = _restores_validity(session, item, data.performed)
    row = m.Calibration(
        item_id=item.id,
        laboratory_id=laboratory,
        certificate=data.certificate,
        kind=data.kind,
        performed=data.performed,
        valid_until=data.valid_until,
        operator=data.operator,
        environment=data.environment,
        conformity=statement,
        conformity_statement=sentence,
        decision=decision,
        points=points,
        standards=[m.CalibrationStandard(item_id=s) for s in data.standards],
        materials=[m.CalibrationMaterial(material_id=x) for x in data.materials],
        **_summary(item, points),
    )
    session.add(row)
    writes: list[tuple[str, Any]] = [("create", row)]
    if item.status == "out_of_tolerance" and (statement is None or statement in IN_TOLERANCE):
        item.status, item.out_of_tolerance_since = "in_service", None
        item.version += 1
        writes.append(("restore", item))
    session.flush()
    policy = policy_for(session, item)
    if policy is not None:
        # the next due date by the category's interval method (issue 8)
        row.interval = propose(session, item, policy)
        row.next_due = row.performed + dt.timedelta(days=row.interval["days"])
        session.flush()
    return row, writes, note


def get_calibration(session: Session, actor: Actor, calibration_id: int) -> m.Calibration:
    row = session.execute(
        select(m.Calibration).where(m.Calibration.id == calibration_id, visible_calibrations(actor))
    ).scalar_one_or_none()
    if row is None:
        raise NotFoundError(f"no calibration with id {calibration_id}", where="calibration")
    return row


def correct_calibration(
    dc: DataCentre,
    actor: Actor,
    calibration_id: int,
    data: CalibrationUpdate,
    *,
    version: int | None = None,
) -> Written:
    """Correct a calibration: a new ledger entry referencing the previous one, with the reason."""
    require(actor, {"admin", "lab"}, "correct calibrations")
    with dc.transaction() as session:
        row = get_calibration(session, actor, calibration_id)
        require_tenant(actor, row.laboratory_id, "correct this calibration")
        _check_version(row, version)
        if row.status == "withdrawn":
            raise ConflictError("a withdrawn calibration cannot be corrected", where="status")
        changes = data.model_dump(exclude_unset=True, exclude={"reason", "points"})
        for name, value in changes.items():
            setattr(row, name, value)
        if row.valid_until < row.performed:
            raise InputError("valid_until is before performed", where="valid_until")
        if data.points is not None:
            points = _points(row.item, data.points)
            row.points = []  # delete the old points first: (calibration, position) is unique
            session.flush()
            row.points = points
            session.flush()
            for name, value in _summary(row.item, row.points).items():
                setattr(row, name, value)
            if row.decision is not None and "conformity" not in changes:
                # the agreed rule decides the corrected points again
                request = DecisionRequest(**row.decision["request"])
                row.conformity, text, row.decision = decide_points(row.item, row.points, request)
                if "conformity_statement" not in changes:
                    row.conformity_statement = text
        row.version += 1
        session.flush()
        logged = dc.log(session, [("correct", row)], actor=actor, note=data.reason)
        return Written(records.calibration(row), receipt(session, logged[0].index))


def withdraw_calibration(
    dc: DataCentre, actor: Actor, calibration_id: int, reason: str, *, version: int | None = None
) -> Written:
    require(actor, {"admin", "lab"}, "withdraw calibrations")
    if not reason.strip():
        raise InputError("a withdrawal needs a reason", where="reason")
    with dc.transaction() as session:
        row = get_calibration(session, actor, calibration_id)
        require_tenant(actor, row.laboratory_id, "withdraw this calibration")
        _check_version(row, version)
        row.status, row.version = "withdrawn", row.version + 1
        session.flush()
        logged = dc.log(session, [("withdraw", row)], actor=actor, note=reason)
        return Written(records.calibration(row), receipt(session, logged[0].index))

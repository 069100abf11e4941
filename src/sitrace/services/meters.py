"""Use cases of meters in service: alerts, work orders, verifications, lots (issue 6).

The replace-when-inaccurate loop: remote error estimates (the estimates file of
:mod:`sitrace.meters`) are recorded as alerts, one per flagged meter and one per
area whose balance is anomalous (:func:`record_estimates`); the owner opens a
work order naming the laboratory that will verify the removed meter
(:func:`open_work_order`); the laboratory records the verification as a
calibration of the meter's item, with a point whose value is the meter's error
in percent (``\\percent``) and its standard uncertainty, then links it to the
work order (:func:`record_verification`), which compares the remote estimate
with the laboratory's result. That comparison is the estimator's own
validation (:func:`validation_summary`). Lots of meters are decided on an
inspected sample by ISO 2859-1 single sampling and the 95 % rule
(:func:`decide_lot`).

Who sees what: an owner reads and writes its own alerts, work orders and lots;
a laboratory reads the work orders assigned to it and their alerts, and records
their verifications; a regulator reads every alert, work order and lot
(supervision by data) and writes nothing; an admin does everything; an auditor
reads everything. Every write is one transaction with its ledger entries.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from numbers import Integral, Real
from typing import Any

from sqlalchemy import ColumnElement, exists, false, select, true
from sqlalchemy.orm import Session

from .. import ledger as core
from ..errors import ConflictError, InputError, NotFoundError
from ..meters.decide import DEFAULT_MPE_PERCENT
from ..meters.sampling import lot_conformity, lot_decision, single_plan
from ..store import models as m
from . import ledger, records
from .access import Actor, can_read_all, require, require_tenant, visible_calibrations
from .datacentre import DataCentre
from .registry import Written, log_writes

__all__ = [
    "DEFAULT_MPE_PERCENT",
    "EstimatesRecorded",
    "alert_detail",
    "alerts_query",
    "decide_lot",
    "get_alert",
    "get_work_order",
    "lots_query",
    "open_work_order",
    "record_estimates",
    "record_verification",
    "validation_summary",
    "visible_alerts",
    "visible_lots",
    "visible_work_orders",
    "work_orders_query",
]


ESTIMATE_STATUSES = ("ok", "flagged", "not_estimable")
LABORATORY_KINDS = ("nmi", "calibration_lab")
PERCENT = r"\percent"
AGREEMENT_LIMIT = 2.0
"""|normalized difference| <= 2: the estimate agrees with the laboratory (about 95 %)."""
_ACTIVE = ("open", "work_order")


# --------------------------------------------------------------------------- access


def visible_alerts(actor: Actor) -> ColumnElement[bool]:
    """SQL condition on :class:`~sitrace.store.models.MeterAlert` rows the actor may read."""
    if can_read_all(actor) or actor.role == "regulator":
        return true()
    if actor.organisation_id is None:
        return false()
    if actor.role == "owner":
        return m.MeterAlert.owner_id == actor.organisation_id
    if actor.role == "lab":
        return exists().where(
            m.WorkOrder.alert_id == m.MeterAlert.id,
            m.WorkOrder.laboratory_id == actor.organisation_id,
        )
    return false()


def visible_work_orders(actor: Actor) -> ColumnElement[bool]:
    """SQL condition on :class:`~sitrace.store.models.WorkOrder` rows the actor may read."""
    if can_read_all(actor) or actor.role == "regulator":
        return true()
    if actor.organisation_id is None:
        return false()
    if actor.role == "owner":
        return m.WorkOrder.owner_id == actor.organisation_id
    if actor.role == "lab":
        return m.WorkOrder.laboratory_id == actor.organisation_id
    return false()


def visible_lots(actor: Actor) -> ColumnElement[bool]:
    """SQL condition on :class:`~sitrace.store.models.MeterLot` rows the actor may read."""
    if can_read_all(actor) or actor.role == "regulator":
        return true()
    if actor.role == "owner" and actor.organisation_id is not None:
        return m.MeterLot.owner_id == actor.organisation_id
    return false()


def get_alert(session: Session, actor: Actor, alert_id: int) -> m.MeterAlert:
    row = session.execute(
        select(m.MeterAlert).where(m.MeterAlert.id == alert_id, visible_alerts(actor))
    ).scalar_one_or_none()
    if row is None:
        raise NotFoundError(f"no meter alert with id {alert_id}", where="alert")
    return row


def get_work_order(session: Session, actor: Actor, work_order_id: int) -> m.WorkOrder:
    row = session.execute(
        select(m.WorkOrder).where(m.WorkOrder.id == work_order_id, visible_work_orders(actor))
    ).scalar_one_or_none()
    if row is None:
        raise NotFoundError(f"no work order with id {work_order_id}", where="work order")
    return row


def alerts_query(
    actor: Actor,
    *,
    status: str | None = None,
    kind: str | None = None,
    area: str | None = None,
    owner: int | None = None,
):
    """The alerts the actor may see, newest first (a query to page through)."""
    query = select(m.MeterAlert).where(visible_alerts(actor))
    if status is not None:
        query = query.where(m.MeterAlert.status == status)
    if kind is not None:
        query = query.where(m.MeterAlert.kind == kind)
    if area is not None:
        query = query.where(m.MeterAlert.area == area)
    if owner is not None:
        query = query.where(m.MeterAlert.owner_id == owner)
    return query.order_by(m.MeterAlert.id.desc())


def work_orders_query(actor: Actor, *, status: str | None = None):
    """The work orders the actor may see, newest first."""
    query = select(m.WorkOrder).where(visible_work_orders(actor))
    if status is not None:
        query = query.where(m.WorkOrder.status == status)
    return query.order_by(m.WorkOrder.id.desc())


def lots_query(actor: Actor, *, status: str | None = None):
    """The lot decisions the actor may see, newest first."""
    query = select(m.MeterLot).where(visible_lots(actor))
    if status is not None:
        query = query.where(m.MeterLot.status == status)
    return query.order_by(m.MeterLot.id.desc())


def alert_detail(session: Session, actor: Actor, row: m.MeterAlert) -> dict[str, Any]:
    """The alert's record with the work orders the actor may read."""
    orders = session.execute(
        select(m.WorkOrder)
        .where(m.WorkOrder.alert_id == row.id, visible_work_orders(actor))
        .order_by(m.WorkOrder.id)
    ).scalars()
    return {**records.meter_alert(row), "work_orders": [records.work_order(o) for o in orders]}


# --------------------------------------------------------------------------- input checks


def _owner_for(session: Session, actor: Actor, requested: int | None) -> int:
    """The owner organisation a write is for: the actor's own, or the one an admin names."""
    if actor.role == "admin":
        if requested is None:
            raise InputError("an admin writing for an owner must name the owner", where="owner")
        owner = requested
    else:
        if requested is not None and requested != actor.organisation_id:
            raise InputError(
                "an owner writes only its own meters' records: leave out owner", where="owner"
            )
        owner = actor.organisation_id
    org = session.get(m.Organisation, owner) if owner is not None else None
    if org is None or org.kind != "owner":
        raise NotFoundError(f"no instrument owner with id {owner}", where="owner")
    return owner


def _rows(table: Any, name: str) -> list[Mapping[str, Any]]:
    """Rows of a DataFrame or a sequence of mappings / pydantic models, as mappings."""
    if hasattr(table, "to_dict") and hasattr(table, "columns"):
        return list(table.to_dict("records"))
    if isinstance(table, (str, bytes)) or not isinstance(table, Sequence):
        raise InputError(
            f"must be a table (a DataFrame or a list of rows), got {type(table).__name__}",
            where=name,
        )
    out = []
    for position, row in enumerate(table):
        if hasattr(row, "model_dump"):
            row = row.model_dump()
        if not isinstance(row, Mapping):
            raise InputError(
                f"must be a mapping of column -> value, got {type(row).__name__}",
                where=f"{name} row {position}",
            )
        out.append(row)
    return out


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _text(row: Mapping[str, Any], field: str, where: str) -> str:
    value = row.get(field)
    if _missing(value) or not str(value).strip():
        raise InputError(f"field '{field}' is required, got {value!r}", where=where)
    text = str(value).strip()
    if len(text) > 100:
        raise InputError(f"field '{field}' is longer than 100 characters", where=where)
    return text


def _number(
    row: Mapping[str, Any], field: str, where: str, *, required: bool, non_negative: bool = False
) -> float | None:
    value = row.get(field)
    if _missing(value):
        if required:
            raise InputError(f"field '{field}' must be a finite number, got {value!r}", where=where)
        return None
    if isinstance(value, bool) or not isinstance(value, Real):
        raise InputError(f"field '{field}' must be a number, got {value!r}", where=where)
    number = float(value)
    if not math.isfinite(number):
        raise InputError(f"field '{field}' must be a finite number, got {number}", where=where)
    if non_negative and number < 0:
        raise InputError(f"field '{field}' must be >= 0, got {number}", where=where)
    return number


@dataclass(frozen=True, slots=True)
class _Estimate:
    area: str
    meter: str
    error_percent: float
    u_percent: float
    relative_error_percent: float | None
    intervals_used: int | None
    reason: str | None


def _flagged(estimates: Any) -> list[_Estimate]:
    """Check every row of the estimates table; return its flagged meters.

    ``ok`` and ``flagged`` rows need finite numbers (u >= 0); a ``not_estimable`` row may
    leave them out. A meter appears once.
    """
    flagged, seen = [], {}
    for position, row in enumerate(_rows(estimates, "estimates")):
        meter = row.get("meter")
        where = f"estimates row {position}" + (f" (meter {meter!r})" if meter else "")
        area = _text(row, "area", where)
        meter = _text(row, "meter", where)
        status = row.get("status")
        if status not in ESTIMATE_STATUSES:
            raise InputError(
                f"field 'status' must be one of {', '.join(ESTIMATE_STATUSES)}, got {status!r}",
                where=where,
            )
        if meter in seen:
            raise InputError(
                f"meter {meter!r} appears twice (rows {seen[meter]} and {position})", where=where
            )
        seen[meter] = position
        needed = status != "not_estimable"
        error = _number(row, "error_percent", where, required=needed)
        u = _number(row, "u_percent", where, required=needed, non_negative=True)
        relative = _number(row, "relative_error_percent", where, required=False)
        used = row.get("intervals_used")
        if _missing(used):
            used = None
        elif (
            isinstance(used, bool)
            or not isinstance(used, Real)
            or not float(used).is_integer()
            or used < 0
        ):
            raise InputError(
                f"field 'intervals_used' must be an integer >= 0, got {used!r}", where=where
            )
        else:
            used = int(used)
        if status == "flagged":
            reason = row.get("reason")
            flagged.append(
                _Estimate(
                    area,
                    meter,
                    error,
                    u,
                    relative,
                    used,
                    None if _missing(reason) or not str(reason).strip() else str(reason),
                )
            )
    return flagged


def _anomalies(areas: Any) -> list[tuple[str, str | None]]:
    """Check the areas table; return (area, reason) of each balance anomaly."""
    if areas is None:
        return []
    out, seen = [], set()
    for position, row in enumerate(_rows(areas, "areas")):
        area = row.get("area")
        where = f"areas row {position}" + (f" (area {area!r})" if area else "")
        area = _text(row, "area", where)
        if area in seen:
            raise InputError(f"area {area!r} appears twice", where=where)
        seen.add(area)
        anomaly = row.get("balance_anomaly")
        if hasattr(anomaly, "item") and not isinstance(anomaly, bool):
            anomaly = anomaly.item()  # numpy bool from a DataFrame
        if not isinstance(anomaly, bool):
            raise InputError(
                f"field 'balance_anomaly' must be true or false, got {anomaly!r}", where=where
            )
        if anomaly:
            reason = row.get("anomaly_reason")
            out.append((area, None if _missing(reason) or not str(reason) else str(reason)))
    return out


def _mpe_of(mpe_percent: float | Mapping[str, float]):
    """meter -> MPE in percent, checked (> 0, finite)."""

    def check(value: Any, where: str) -> float:
        if isinstance(value, bool) or not isinstance(value, Real) or not math.isfinite(value):
            raise InputError(f"must be a finite number > 0, got {value!r}", where=where)
        if value <= 0:
            raise InputError(f"must be a finite number > 0, got {value!r}", where=where)
        return float(value)

    if isinstance(mpe_percent, Mapping):
        table = {str(k): check(v, f"mpe_percent[{k!r}]") for k, v in mpe_percent.items()}
        return lambda meter: table.get(meter, DEFAULT_MPE_PERCENT)
    value = check(mpe_percent, "mpe_percent")
    return lambda meter: value


def _flag_reason(estimate: _Estimate, mpe: float) -> str:
    if estimate.reason:
        return estimate.reason
    return (
        f"error {estimate.error_percent:+.3g} % (u = {estimate.u_percent:.2g} %) outside the "
        f"MPE ±{mpe:g} % with the confidence of the estimates file"
    )


# --------------------------------------------------------------------------- writes


@dataclass(frozen=True, slots=True)
class EstimatesRecorded:
    """What recording an estimates table did, alert by alert.

    ``created``: new alerts. ``updated``: open alerts of the same meter (or area) given
    the newer window's estimate. ``unchanged``: alerts left as they were, each with why
    (an older or equal window; a meter already under a work order, whose estimate is the
    one the laboratory's result will be compared with). ``receipt``: the ledger receipt
    of the first entry written (None when nothing was written).
    """

    created: tuple[dict[str, Any], ...]
    updated: tuple[dict[str, Any], ...]
    unchanged: tuple[dict[str, Any], ...]
    receipt: core.Receipt | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "created": list(self.created),
            "updated": list(self.updated),
            "unchanged": list(self.unchanged),
            "receipt": None if self.receipt is None else self.receipt.to_dict(),
        }


def record_estimates(
    dc: DataCentre,
    actor: Actor,
    owner: int | None,
    estimates: Any,
    areas: Any = None,
    *,
    window_end: dt.date,
    mpe_percent: float | Mapping[str, float] = DEFAULT_MPE_PERCENT,
) -> EstimatesRecorded:
    """Record an owner's remote error estimates as alerts, in one transaction.

    One ``meter`` alert per ``flagged`` row of ``estimates`` (the issue 6 estimates file:
    area, meter, error_percent, u_percent, relative_error_percent, status, intervals_used;
    a DataFrame or a list of rows), linked to the owner's instrument whose serial is the
    meter id when there is one; one ``area`` alert per row of ``areas`` (area,
    balance_anomaly, anomaly_reason) with a balance anomaly. The flag itself is the
    estimates file's (:func:`sitrace.meters.decide.flag_meters`); ``mpe_percent`` (one
    value, or meter -> value; default 1 %) is stored with the alert.

    A meter (or an area) has at most one active alert: an ``open`` one is updated with
    the estimate of a later window, and left unchanged otherwise; one under a work order
    is left unchanged (the meter is with the laboratory). Every row is checked before
    anything is written; a bad row is refused by its position and meter.
    """
    require(actor, {"admin", "owner"}, "record meter estimates")
    if not isinstance(window_end, dt.date) or isinstance(window_end, dt.datetime):
        raise InputError(f"must be a date, got {window_end!r}", where="window_end")
    mpe_of = _mpe_of(mpe_percent)
    flagged = _flagged(estimates)
    anomalies = _anomalies(areas)
    with dc.transaction() as session:
        owner_id = _owner_for(session, actor, owner)
        created: list[m.MeterAlert] = []
        updated: list[m.MeterAlert] = []
        unchanged: list[dict[str, Any]] = []
        active = {
            (row.kind, row.meter if row.kind == "meter" else row.area): row
            for row in session.execute(
                select(m.MeterAlert).where(
                    m.MeterAlert.owner_id == owner_id, m.MeterAlert.status.in_(_ACTIVE)
                )
            ).scalars()
        }
        items = dict(
            session.execute(
                select(m.Item.serial, m.Item.id).where(
                    m.Item.owner_id == owner_id,
                    m.Item.kind == "instrument",
                    m.Item.serial.in_([e.meter for e in flagged]),
                )
            ).all()
        )

        def keep(row: m.MeterAlert, why: str) -> None:
            unchanged.append({"alert": row.id, "meter": row.meter, "area": row.area, "why": why})

        for estimate in flagged:
            mpe = mpe_of(estimate.meter)
            values = {
                "area": estimate.area,
                "error_percent": estimate.error_percent,
                "u_percent": estimate.u_percent,
                "relative_error_percent": estimate.relative_error_percent,
                "mpe_percent": mpe,
                "intervals_used": estimate.intervals_used,
                "window_end": window_end,
                "reason": _flag_reason(estimate, mpe),
            }
            row = active.get(("meter", estimate.meter))
            if row is None:
                row = m.MeterAlert(
                    owner_id=owner_id,
                    meter=estimate.meter,
                    item_id=items.get(estimate.meter),
                    kind="meter",
                    status="open",
                    **values,
                )
                session.add(row)
                created.append(row)
            elif row.status == "work_order":
                keep(row, "the meter is under a work order: its estimate stays as ordered")
            elif window_end <= row.window_end:
                keep(row, f"already open with the estimate of the window ending {row.window_end}")
            else:
                for name, value in values.items():
                    setattr(row, name, value)
                if row.item_id is None:
                    row.item_id = items.get(estimate.meter)
                row.version += 1
                updated.append(row)
        for area, reason in anomalies:
            values = {"window_end": window_end, "reason": reason or "balance anomaly"}
            row = active.get(("area", area))
            if row is None:
                row = m.MeterAlert(
                    owner_id=owner_id, area=area, kind="area", status="open", **values
                )
                session.add(row)
                created.append(row)
            elif window_end <= row.window_end:
                keep(row, f"already open with the balance of the window ending {row.window_end}")
            else:
                for name, value in values.items():
                    setattr(row, name, value)
                row.version += 1
                updated.append(row)
        session.flush()
        writes = [("create", row) for row in created] + [("update", row) for row in updated]
        receipt = None
        if writes:
            logged = dc.log(session, writes, actor=actor, note=f"estimates to {window_end}")
            receipt = ledger.receipt(session, logged[0].index)
        return EstimatesRecorded(
            tuple(records.meter_alert(r) for r in created),
            tuple(records.meter_alert(r) for r in updated),
            tuple(unchanged),
            receipt,
        )


def open_work_order(dc: DataCentre, actor: Actor, alert_id: int, laboratory: int) -> Written:
    """Order the flagged meter removed and verified by ``laboratory`` (owner or admin).

    The meter must be registered as an instrument of the owner (serial = meter id): the
    verification is stored as a calibration of that item. The item is shared with the
    laboratory (so that it can record the calibration), and the alert moves to
    ``work_order``; all logged together.
    """
    require(actor, {"admin", "owner"}, "open work orders")
    with dc.transaction() as session:
        alert = get_alert(session, actor, alert_id)
        require_tenant(actor, alert.owner_id, "open a work order for this alert")
        where = f"alert {alert.id}"
        if alert.kind != "meter":
            raise InputError(
                f"alert {alert.id} is a balance anomaly of area {alert.area!r}: it points to "
                "theft or topology, not to a meter, so there is no meter to verify",
                where=where,
            )
        if alert.status != "open":
            raise ConflictError(
                f"alert {alert.id} is '{alert.status}': only an open alert takes a work order",
                where=where,
            )
        lab = session.get(m.Organisation, laboratory)
        if lab is None or lab.kind not in LABORATORY_KINDS:
            raise NotFoundError(f"no laboratory with id {laboratory}", where="laboratory")
        writes: list[tuple[str, Any]] = []
        if alert.item_id is None:
            item_id = session.execute(
                select(m.Item.id).where(
                    m.Item.owner_id == alert.owner_id,
                    m.Item.kind == "instrument",
                    m.Item.serial == alert.meter,
                )
            ).scalar_one_or_none()
            if item_id is None:
                raise InputError(
                    f"meter {alert.meter!r} is not registered as an instrument of its owner "
                    "(serial = meter id): register it first, its verification is stored as "
                    "a calibration of it",
                    where=where,
                )
            alert.item_id = item_id
        shared = session.execute(
            select(m.Share.id).where(
                m.Share.item_id == alert.item_id, m.Share.organisation_id == laboratory
            )
        ).first()
        if not shared:
            share = m.Share(item_id=alert.item_id, organisation_id=laboratory)
            session.add(share)
            writes.append(("create", share))
        order = m.WorkOrder(
            alert_id=alert.id,
            owner_id=alert.owner_id,
            laboratory_id=laboratory,
            item_id=alert.item_id,
            status="open",
        )
        session.add(order)
        alert.status = "work_order"
        alert.version += 1
        session.flush()
        writes = [("create", order), ("work_order", alert), *writes]
        return log_writes(dc, session, actor, writes, records.work_order(order))


def dismiss_alert(dc: DataCentre, actor: Actor, alert_id: int, reason: str) -> Written:
    """Close an open alert without a work order (owner or admin), with the reason logged:
    e.g. the meter was already replaced, or the area's topology was corrected."""
    require(actor, {"admin", "owner"}, "dismiss meter alerts")
    with dc.transaction() as session:
        alert = get_alert(session, actor, alert_id)
        require_tenant(actor, alert.owner_id, "dismiss this alert")
        if alert.status != "open":
            raise ConflictError(
                f"alert {alert.id} is '{alert.status}': only an open alert can be dismissed",
                where=f"alert {alert.id}",
            )
        alert.status = "dismissed"
        alert.version += 1
        session.flush()
        detail = alert_detail(session, actor, alert)
        return log_writes(dc, session, actor, [("dismiss", alert)], detail, note=reason)


def cancel_work_order(dc: DataCentre, actor: Actor, work_order_id: int, reason: str) -> Written:
    """Cancel an open work order (owner or admin); its alert is open again, the reason logged."""
    require(actor, {"admin", "owner"}, "cancel work orders")
    with dc.transaction() as session:
        order = get_work_order(session, actor, work_order_id)
        require_tenant(actor, order.owner_id, "cancel this work order")
        if order.status != "open":
            raise ConflictError(
                f"work order {order.id} is '{order.status}': only an open order can be cancelled",
                where=f"work order {order.id}",
            )
        alert = session.get(m.MeterAlert, order.alert_id)
        order.status = "cancelled"
        order.version += 1
        alert.status = "open"
        alert.version += 1
        session.flush()
        writes = [("cancel", order), ("reopen", alert)]
        return log_writes(dc, session, actor, writes, records.work_order(order), note=reason)


def _percent_point(calibration: m.Calibration, point: int | None) -> m.CalibrationPoint:
    where = f"calibration {calibration.id}"
    percent = [p for p in calibration.points if p.unit == PERCENT]
    if point is not None:
        chosen = [p for p in calibration.points if p.position == point]
        if not chosen:
            raise InputError(f"has no point at position {point}", where=where)
        if chosen[0].unit != PERCENT:
            raise InputError(
                f"point {point} is in {chosen[0].unit}, not in {PERCENT}: the meter's error "
                "is compared in percent",
                where=where,
            )
        return chosen[0]
    if not percent:
        raise InputError(
            f"has no point in {PERCENT}: record the meter's error in percent (value) with its "
            "standard uncertainty",
            where=where,
        )
    if len(percent) > 1:
        positions = ", ".join(str(p.position) for p in percent)
        raise InputError(
            f"has {len(percent)} points in {PERCENT} (positions {positions}): name the one "
            "to compare (point)",
            where=where,
        )
    return percent[0]


def _validation(alert: m.MeterAlert, lab: m.CalibrationPoint, calibration_id: int) -> dict:
    """The remote estimate against the laboratory's result (both in percent, standard u)."""
    estimate, u_estimate = alert.error_percent, alert.u_percent
    difference = estimate - lab.value
    combined = math.hypot(u_estimate, lab.uncertainty)
    normalized = difference / combined if combined > 0 else None
    return {
        "calibration": calibration_id,
        "point": lab.position,
        "error_estimate": estimate,
        "u_estimate": u_estimate,
        "error_lab": lab.value,
        "u_lab": lab.uncertainty,
        "difference": difference,
        "normalized": normalized,
        "agrees": normalized is not None and abs(normalized) <= AGREEMENT_LIMIT,
    }


def record_verification(
    dc: DataCentre,
    actor: Actor,
    work_order_id: int,
    calibration_id: int,
    *,
    point: int | None = None,
) -> Written:
    """Link the laboratory's verification of the removed meter to its work order.

    The assigned laboratory (or an admin) names the calibration in which it recorded the
    verification (:func:`sitrace.services.calibrations.record_calibration`): of the work
    order's item, by the assigned laboratory, valid, with a point in ``\\percent`` whose
    value is the meter's error and whose uncertainty is its standard uncertainty
    (``point`` picks it when there are several). The estimate is compared with it:

    difference = ε̂ − ε_lab, normalized = difference / √(u(ε̂)² + u(ε_lab)²),
    agrees when |normalized| <= 2.

    The comparison is stored on the alert (``verified``) and the work order is verified.
    """
    require(actor, {"admin", "lab"}, "record meter verifications")
    with dc.transaction() as session:
        order = get_work_order(session, actor, work_order_id)
        where = f"work order {order.id}"
        if order.status != "open":
            raise ConflictError(
                f"work order {order.id} is '{order.status}': only an open order is verified",
                where=where,
            )
        calibration = session.execute(
            select(m.Calibration).where(
                m.Calibration.id == calibration_id, visible_calibrations(actor)
            )
        ).scalar_one_or_none()
        if calibration is None:
            raise NotFoundError(f"no calibration with id {calibration_id}", where="calibration")
        if calibration.item_id != order.item_id:
            raise InputError(
                f"calibration {calibration.id} is of item {calibration.item_id}, the work "
                f"order's meter is item {order.item_id}",
                where="calibration",
            )
        if calibration.laboratory_id != order.laboratory_id:
            raise InputError(
                f"calibration {calibration.id} was performed by another laboratory than the "
                f"one the work order is assigned to (organisation {order.laboratory_id})",
                where="calibration",
            )
        if calibration.status != "valid":
            raise InputError(
                f"calibration {calibration.id} is {calibration.status}", where="calibration"
            )
        lab_point = _percent_point(calibration, point)
        alert = order.alert
        alert.validation = _validation(alert, lab_point, calibration.id)
        alert.status = "verified"
        alert.version += 1
        order.status, order.calibration_id = "verified", calibration.id
        order.version += 1
        session.flush()
        writes = [("verify", order), ("verify", alert)]
        return log_writes(dc, session, actor, writes, alert_detail(session, actor, alert))


def decide_lot(
    dc: DataCentre,
    actor: Actor,
    owner: int | None,
    *,
    manufacturer: str,
    model: str,
    year: int,
    size: int,
    aql: float | str = "1.0",
    level: str = "II",
    sample_results: Mapping[str, bool],
    decided_on: dt.date | None = None,
) -> Written:
    """Decide a lot of meters on its inspected sample, and store the decision.

    The plan is ISO 2859-1 single sampling for normal inspection
    (:func:`sitrace.meters.sampling.single_plan`); ``sample_results`` gives, per inspected
    meter, True when it was found within limits, exactly the plan's sample size of them.
    The lot's status:

    - ``withdrawn`` when the plan rejects the lot (nonconforming >= Re), or when the 95 %
      rule (:func:`~sitrace.meters.sampling.lot_conformity`: at least 95 % of the lot
      within limits, 95 % one-sided confidence) shows it nonconforming;
    - ``in_service`` when the plan accepts it and the 95 % rule shows it conforming;
    - ``inconclusive`` when the plan accepts it but the sample neither shows nor refutes
      the 95 % rule: the lot stays in service only while its conformity is shown (issue 6),
      so more meters need checking.
    """
    require(actor, {"admin", "owner"}, "decide meter lots")
    where = "sample_results"
    if not isinstance(sample_results, Mapping):
        raise InputError(
            f"must be a mapping meter -> bool, got {type(sample_results).__name__}", where=where
        )
    for name, value in (("manufacturer", manufacturer), ("model", model)):
        if not isinstance(value, str) or not value.strip() or len(value) > 100:
            raise InputError(f"must be a text of 1 to 100 characters, got {value!r}", where=name)
    if isinstance(year, bool) or not isinstance(year, Integral):
        raise InputError(f"must be an integer, got {year!r}", where="year")
    plan = single_plan(size, aql, level)
    decision = lot_decision(sample_results, plan)
    conformity = lot_conformity(
        decision.n_inspected - decision.n_nonconforming,
        decision.n_inspected,
        lot_size=plan.lot_size,
    )
    if not decision.accepted or conformity.verdict == "nonconforming":
        status = "withdrawn"
    elif conformity.verdict == "conforming":
        status = "in_service"
    else:
        status = "inconclusive"
    with dc.transaction() as session:
        owner_id = _owner_for(session, actor, owner)
        row = m.MeterLot(
            owner_id=owner_id,
            manufacturer=manufacturer.strip(),
            model=model.strip(),
            year=int(year),
            size=plan.lot_size,
            plan=dataclasses.asdict(plan),
            sample={str(k): bool(v) for k, v in sample_results.items()},
            decision={
                "accepted": decision.accepted,
                "n_inspected": decision.n_inspected,
                "n_nonconforming": decision.n_nonconforming,
                "acceptance": decision.acceptance,
                "rejection": decision.rejection,
                "conformity": dataclasses.asdict(conformity),
            },
            status=status,
            decided_on=decided_on or dt.datetime.now(dt.UTC).date(),
        )
        session.add(row)
        session.flush()
        return log_writes(dc, session, actor, [("decide", row)], records.meter_lot(row))


# --------------------------------------------------------------------------- reports


def validation_summary(session: Session, actor: Actor) -> dict[str, Any]:
    """How the remote estimator fared against the laboratories (the alerts the actor sees).

    Over the verified alerts: their number, how many agree (|normalized| <= 2) and the
    share, the mean difference ε̂ − ε_lab and the mean |difference| (percentage points),
    and the root mean square of the normalized differences (about 1 when the stated
    uncertainties are honest).
    """
    rows = session.execute(
        select(m.MeterAlert.validation).where(
            m.MeterAlert.status == "verified", visible_alerts(actor)
        )
    ).scalars()
    checks = [v for v in rows if v is not None]
    n = len(checks)
    agreeing = sum(1 for v in checks if v["agrees"])
    differences = [v["difference"] for v in checks]
    normalized = [v["normalized"] for v in checks if v["normalized"] is not None]
    return {
        "count": n,
        "agreeing": agreeing,
        "share_agreeing": agreeing / n if n else None,
        "mean_difference_percent": sum(differences) / n if n else None,
        "mean_abs_difference_percent": sum(abs(d) for d in differences) / n if n else None,
        "rms_normalized": (
            math.sqrt(sum(z * z for z in normalized) / len(normalized)) if normalized else None
        ),
        "agreement_limit": AGREEMENT_LIMIT,
    }

"""Plain-dict views of stored records: what the ledger logs and what ``verify`` recomputes.

One function per table. The dicts hold only JSON values (ISO dates, floats,
ints, strings), never timestamps of the data centre's own writes (those are in
the ledger entry), never secrets (a user's token hash is left out), so that the
canonical JSON (RFC 8785) of a record is a pure function of its stored content.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from ..store import models as m

__all__ = ["RECORD_TYPES", "record_dict"]


def _date(value: dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _utc(value: dt.datetime) -> str:
    """ISO 8601 in UTC; SQLite returns stored UTC times without their zone."""
    value = value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)
    return value.isoformat().replace("+00:00", "Z")


def organisation(row: m.Organisation) -> dict[str, Any]:
    return {
        "id": row.id,
        "code": row.code,
        "name": row.name,
        "kind": row.kind,
        "country": row.country,
        "accreditation_body": row.accreditation_body,
        "accreditation_number": row.accreditation_number,
        "version": row.version,
    }


def accreditation(row: m.Accreditation) -> dict[str, Any]:
    return {
        "id": row.id,
        "laboratory": row.laboratory_id,
        "quantity": row.quantity,
        "unit": row.unit,
        "low": row.low,
        "high": row.high,
        "cmc": row.cmc,
        "valid_from": _date(row.valid_from),
        "valid_until": _date(row.valid_until),
    }


def user(row: m.User) -> dict[str, Any]:
    return {
        "id": row.id,
        "organisation": row.organisation_id,
        "name": row.name,
        "role": row.role,
        "active": row.active,
        "version": row.version,
    }


ITEM_FIELDS = (
    "kind", "name", "serial", "level", "tier", "type", "manufacturer", "model", "quantity",
    "unit", "range_low", "range_high", "best_uncertainty", "mpe", "accuracy_class",
    "location", "legal_control", "status",
)  # fmt: skip


def item(row: m.Item) -> dict[str, Any]:
    data: dict[str, Any] = {"id": row.id, "owner": row.owner_id}
    data.update({name: getattr(row, name) for name in ITEM_FIELDS})
    data["out_of_tolerance_since"] = _date(row.out_of_tolerance_since)
    data["withdrawn_since"] = _date(row.withdrawn_since)
    data["version"] = row.version
    return data


def material(row: m.ReferenceMaterial) -> dict[str, Any]:
    return {
        "id": row.id,
        "owner": row.owner_id,
        "name": row.name,
        "property": row.property,
        "certified_value": row.certified_value,
        "uncertainty": row.uncertainty,
        "coverage_factor": row.coverage_factor,
        "unit": row.unit,
        "producer": row.producer,
        "lot": row.lot,
        "expiry": _date(row.expiry),
        "version": row.version,
    }


def point(row: m.CalibrationPoint) -> dict[str, Any]:
    return {
        "quantity": row.quantity,
        "nominal": row.nominal,
        "value": row.value,
        "unit": row.unit,
        "uncertainty": row.uncertainty,
        "coverage_factor": row.coverage_factor,
        "expanded_uncertainty": row.expanded_uncertainty,
        "dof": row.dof,
        "model": row.model,
        "budget": row.budget,
    }


def calibration(row: m.Calibration) -> dict[str, Any]:
    """A calibration; ``decision``, ``next_due`` and ``interval`` only when set, so that
    the records logged before they existed (migration 0005) keep their content."""
    out = _calibration(row)
    for name, value in (
        ("decision", row.decision),
        ("next_due", _date(row.next_due)),
        ("interval", row.interval),
    ):
        if value is not None:
            out[name] = value
    return out


def _calibration(row: m.Calibration) -> dict[str, Any]:
    return {
        "id": row.id,
        "item": row.item_id,
        "laboratory": row.laboratory_id,
        "certificate": row.certificate,
        "kind": row.kind,
        "performed": _date(row.performed),
        "valid_until": _date(row.valid_until),
        "operator": row.operator,
        "environment": row.environment,
        "conformity": row.conformity,
        "conformity_statement": row.conformity_statement,
        "status": row.status,
        "standards": sorted(link.item_id for link in row.standards),
        "materials": sorted(link.material_id for link in row.materials),
        "points": [point(p) for p in row.points],
        "expanded_uncertainty": row.expanded_uncertainty,
        "relative_uncertainty": row.relative_uncertainty,
        "low": row.low,
        "high": row.high,
        "version": row.version,
    }


def share(row: m.Share) -> dict[str, Any]:
    return {"id": row.id, "item": row.item_id, "organisation": row.organisation_id}


def certificate(row: m.IssuedCertificate) -> dict[str, Any]:
    """An issued DCC: its digests are recomputed from the archived bytes, so ``verify`` sees
    any change to the file kept."""
    return {
        "id": row.id,
        "calibration": row.calibration_id,
        "laboratory": row.laboratory_id,
        "unique_identifier": row.unique_identifier,
        "schema_version": row.schema_version,
        "validated": row.validated,
        "digest": row.digest,
        "file_sha256": hashlib.sha256(row.xml).hexdigest(),
        "signer": row.signer,
        "signed_at": _utc(row.signed_at),
    }


COMPARISON_FIELDS = (
    "code", "title", "kind", "quantity", "unit", "nominal", "method", "alpha",
    "coverage_factor", "assigned_value", "assigned_uncertainty", "sigma_pt", "status",
)  # fmt: skip


def comparison(row: m.Comparison) -> dict[str, Any]:
    data: dict[str, Any] = {"id": row.id, "pilot": row.pilot_id}
    data.update({name: getattr(row, name) for name in COMPARISON_FIELDS})
    data["evaluated_on"] = _date(row.evaluated_on)
    data["outcome"] = row.outcome
    data["version"] = row.version
    return data


def comparison_result(row: m.ComparisonResult) -> dict[str, Any]:
    return {
        "id": row.id,
        "comparison": row.comparison_id,
        "laboratory": row.laboratory_id,
        "value": row.value,
        "uncertainty": row.uncertainty,
        "dof": row.dof,
        "include": row.include,
        "reported": row.reported,
        "evaluation": row.evaluation,
        "scores": row.scores,
        "cmc": row.cmc,
        "cmc_supported": row.cmc_supported,
        "version": row.version,
    }


METER_ALERT_FIELDS = (
    "area", "meter", "kind", "error_percent", "u_percent", "relative_error_percent",
    "mpe_percent", "intervals_used", "reason", "status",
)  # fmt: skip


def meter_alert(row: m.MeterAlert) -> dict[str, Any]:
    data: dict[str, Any] = {"id": row.id, "owner": row.owner_id, "item": row.item_id}
    data.update({name: getattr(row, name) for name in METER_ALERT_FIELDS})
    data["window_end"] = _date(row.window_end)
    data["validation"] = row.validation
    data["version"] = row.version
    return data


def work_order(row: m.WorkOrder) -> dict[str, Any]:
    return {
        "id": row.id,
        "alert": row.alert_id,
        "owner": row.owner_id,
        "laboratory": row.laboratory_id,
        "item": row.item_id,
        "status": row.status,
        "calibration": row.calibration_id,
        "version": row.version,
    }


def meter_lot(row: m.MeterLot) -> dict[str, Any]:
    return {
        "id": row.id,
        "owner": row.owner_id,
        "manufacturer": row.manufacturer,
        "model": row.model,
        "year": row.year,
        "size": row.size,
        "plan": row.plan,
        "sample": row.sample,
        "decision": row.decision,
        "status": row.status,
        "decided_on": _date(row.decided_on),
        "version": row.version,
    }


def interval_policy(row: m.IntervalPolicy) -> dict[str, Any]:
    return {
        "id": row.id,
        "owner": row.owner_id,
        "category": row.category,
        "method": row.method,
        "initial_days": row.initial_days,
        "parameters": row.parameters,
        "version": row.version,
    }


RECORD_TYPES: dict[str, tuple[type, Any]] = {
    "organisation": (m.Organisation, organisation),
    "accreditation": (m.Accreditation, accreditation),
    "user": (m.User, user),
    "item": (m.Item, item),
    "material": (m.ReferenceMaterial, material),
    "calibration": (m.Calibration, calibration),
    "share": (m.Share, share),
    "certificate": (m.IssuedCertificate, certificate),
    "comparison": (m.Comparison, comparison),
    "comparison_result": (m.ComparisonResult, comparison_result),
    "meter_alert": (m.MeterAlert, meter_alert),
    "work_order": (m.WorkOrder, work_order),
    "interval_policy": (m.IntervalPolicy, interval_policy),
    "meter_lot": (m.MeterLot, meter_lot),
}
_BY_CLASS = {cls: view for cls, view in RECORD_TYPES.values()}
_TYPE_OF = {cls: name for name, (cls, _view) in RECORD_TYPES.items()}


def record_type(row: Any) -> str:
    """The ledger's name for the table of ``row``."""
    return _TYPE_OF[type(row)]


def record_dict(row: Any) -> dict[str, Any]:
    """The canonical content of a stored record, as logged in the ledger."""
    return _BY_CLASS[type(row)](row)

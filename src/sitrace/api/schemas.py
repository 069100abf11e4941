"""Shapes of the API's bodies: what comes in and what goes out.

Inputs reuse the services' schemas (:mod:`sitrace.services.schemas`) and add
the few the routes need; outputs mirror the record views of
:mod:`sitrace.services.records` (what the ledger logs), so what a caller reads
is what was logged. None of them is a SQLAlchemy model, and none carries a
secret except :class:`UserCreated`, whose token is shown once.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from ..services.schemas import ItemCreate

__all__ = [
    "AccreditationOut",
    "AuditEntryOut",
    "CalibrationOut",
    "CalibrationWithdraw",
    "CheckpointOut",
    "ConsistencyProofOut",
    "HealthOut",
    "InclusionProofOut",
    "InstrumentCreate",
    "ItemOut",
    "ItemWithdraw",
    "LedgerEntryOut",
    "MaterialOut",
    "OrganisationDetail",
    "OrganisationOut",
    "OutOfTolerance",
    "OutOfToleranceOut",
    "Paged",
    "PointOut",
    "RoleChange",
    "ShareCreate",
    "ShareOut",
    "StandardCreate",
    "UserCreated",
    "UserOut",
    "Written",
]

T = TypeVar("T")

Receipt = dict[str, Any]
"""A ledger receipt (``sitrace.ledger.Receipt.to_dict()``): entry, leaf index,
tree size, inclusion proof and the signed checkpoint; verifiable offline."""


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Out(BaseModel):
    """An output body. Fields a newer record view adds pass through."""

    model_config = ConfigDict(extra="allow")


# --- inputs ------------------------------------------------------------------------


class StandardCreate(ItemCreate):
    """A measurement standard: ``kind`` is ``standard`` (and may be left out)."""

    kind: Literal["standard"] = "standard"
    level: Literal["si_realization", "national_primary", "reference", "working"]


class InstrumentCreate(ItemCreate):
    """An instrument in service: ``kind`` and ``level`` are ``instrument`` (and may be left out)."""

    kind: Literal["instrument"] = "instrument"
    level: Literal["instrument"] = "instrument"


class ItemWithdraw(Strict):
    on: dt.date | None = Field(None, description="date of withdrawal; default today (UTC)")


class ShareCreate(Strict):
    organisation: int = Field(ge=1, le=2**63 - 1, description="the organisation to share with")


class CalibrationWithdraw(Strict):
    reason: str = Field(min_length=1, max_length=2000)


class OutOfTolerance(Strict):
    found: dt.date = Field(description="the date the standard was found out of tolerance")
    reason: str = Field(min_length=1, max_length=2000)


class RoleChange(Strict):
    role: Literal["admin", "lab", "owner", "regulator", "auditor"]
    active: bool = True


# --- outputs -----------------------------------------------------------------------


class OrganisationOut(Out):
    id: int
    code: str
    name: str
    kind: str
    country: str | None
    accreditation_body: str | None
    accreditation_number: str | None
    version: int


class AccreditationOut(Out):
    id: int
    laboratory: int
    quantity: str
    unit: str
    low: float
    high: float
    cmc: float
    valid_from: dt.date
    valid_until: dt.date | None


class OrganisationDetail(OrganisationOut):
    scope: list[AccreditationOut]


class UserOut(Out):
    id: int
    organisation: int
    name: str
    role: str
    active: bool
    version: int


class ItemOut(Out):
    id: int
    owner: int
    kind: str
    name: str
    serial: str
    level: str
    tier: str | None
    type: str | None
    manufacturer: str | None
    model: str | None
    quantity: str
    unit: str
    range_low: float | None
    range_high: float | None
    best_uncertainty: float | None
    mpe: float | None
    accuracy_class: str | None
    location: str | None
    legal_control: bool
    status: str
    out_of_tolerance_since: dt.date | None
    withdrawn_since: dt.date | None
    version: int


class MaterialOut(Out):
    id: int
    owner: int | None
    name: str
    property: str
    certified_value: float
    uncertainty: float
    coverage_factor: float
    unit: str
    producer: str
    lot: str
    expiry: dt.date | None
    version: int


class PointOut(Out):
    quantity: str
    nominal: float | None
    value: float
    unit: str
    uncertainty: float
    coverage_factor: float
    expanded_uncertainty: float
    dof: float | None
    model: dict[str, Any] | None
    budget: dict[str, Any] | None


class CalibrationOut(Out):
    id: int
    item: int
    laboratory: int
    certificate: str
    kind: str
    performed: dt.date
    valid_until: dt.date
    operator: str | None
    environment: dict[str, Any] | None
    conformity: str | None
    conformity_statement: str | None
    status: str
    standards: list[int]
    materials: list[int]
    points: list[PointOut]
    expanded_uncertainty: float
    relative_uncertainty: float | None
    low: float
    high: float
    version: int
    decision: dict[str, Any] | None = Field(
        None, description="the decision rule, its clause, and each point's statement and risk"
    )
    next_due: dt.date | None = Field(None, description="by the category's interval policy")
    interval: dict[str, Any] | None = Field(
        None, description="the interval policy's proposal: method, days, basis"
    )


class ShareOut(Out):
    id: int
    item: int
    organisation: int


class Written(BaseModel, Generic[T]):
    """A record as stored by a write, and the ledger receipt of that write."""

    data: T
    receipt: Receipt


class UserCreated(Written[UserOut]):
    token: str = Field(description="the user's bearer token: shown once, stored only hashed")


class OutOfToleranceOut(Written[ItemOut]):
    recall: dict[str, Any] = Field(
        description="calibrations and items downstream of the standard (Recall.to_dict())"
    )


class Paged(BaseModel, Generic[T]):
    """One page of a list: the records, how many match in all, and the page asked for."""

    data: list[T]
    count: int
    offset: int
    limit: int


class CheckpointOut(BaseModel):
    origin: str
    size: int
    root: str
    note: str = Field(description="the signed note (C2SP tlog-checkpoint)")
    created_at: dt.datetime


class LedgerEntryOut(BaseModel):
    index: int
    leaf_hash: str
    action: str
    record_type: str
    record_id: int | None
    actor: int | None
    organisation: int | None
    logged_at: dt.datetime
    entry: dict[str, Any] = Field(description="the logged content (its RFC 8785 form is hashed)")


class AuditEntryOut(BaseModel):
    index: int
    action: str
    record_type: str
    record_id: int | None
    actor: int | None
    organisation: int | None
    logged_at: dt.datetime


class InclusionProofOut(BaseModel):
    index: int
    size: int
    leaf_hash: str | None = Field(description="the leaf's hash, when the caller may see it")
    root: str | None = Field(description="the root of the tree of this size, when checkpointed")
    proof: list[str]


class ConsistencyProofOut(BaseModel):
    old: int
    new: int
    old_root: str | None
    new_root: str | None
    proof: list[str]


class HealthOut(BaseModel):
    status: str
    database: str
    ledger_size: int

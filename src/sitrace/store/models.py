"""Tables of the data centre (SQLAlchemy 2 declarative, ``Mapped[]`` columns).

Stored shapes only: the API's pydantic schemas live apart (``sitrace.api.schemas``)
and the metrology lives in the pure core packages. Every row carries UTC
timestamps of when the data centre wrote it (``created_at``/``updated_at``),
kept apart from what the record says happened (``performed``, ``valid_until``).
Rows that matter carry a ``version`` used for optimistic concurrency (ETag) and
are logged in the ledger on every change.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column, relationship

__all__ = [
    "COMPARISON_KINDS",
    "COMPARISON_METHODS",
    "ORGANISATION_KINDS",
    "ROLES",
    "STANDARD_LEVELS",
    "STATUSES",
    "Accreditation",
    "Base",
    "Calibration",
    "CalibrationMaterial",
    "CalibrationPoint",
    "CalibrationStandard",
    "Comparison",
    "ComparisonResult",
    "IssuedCertificate",
    "Item",
    "LedgerCheckpoint",
    "LedgerEntry",
    "LedgerNode",
    "LedgerState",
    "MeterAlert",
    "MeterLot",
    "Organisation",
    "ReferenceMaterial",
    "Share",
    "User",
    "WorkOrder",
]

ORGANISATION_KINDS = ("nmi", "calibration_lab", "owner", "regulator", "platform")
ROLES = ("admin", "lab", "owner", "regulator", "auditor")
STANDARD_LEVELS = ("si_realization", "national_primary", "reference", "working")
STATUSES = ("in_service", "out_of_tolerance", "withdrawn")
COMPARISON_KINDS = ("key", "supplementary", "proficiency")
COMPARISON_METHODS = (
    "procedure-a", "lcs", "median", "dl", "algorithm-a", "reference", "formulation",
)  # fmt: skip

Id = BigInteger().with_variant(Integer, "sqlite")

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar = {dict[str, Any]: JSON, int: Id}


class Timestamped:
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), default=_utcnow, onupdate=_utcnow
    )
    version: Mapped[int] = mapped_column(Integer, default=1)

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:  # noqa: N805
        # UPDATE … WHERE version = <as read>: a concurrent change makes the write fail
        # (StaleDataError) instead of being silently overwritten; services set the new version.
        return {"version_id_col": cls.version, "version_id_generator": False}


class Organisation(Timestamped, Base):
    """A tenant: NMI, calibration laboratory, instrument owner or regulator."""

    __tablename__ = "organisation"
    __table_args__ = (CheckConstraint(f"kind IN {ORGANISATION_KINDS}", name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(32))
    country: Mapped[str | None] = mapped_column(String(2))
    accreditation_body: Mapped[str | None] = mapped_column(String(100))
    accreditation_number: Mapped[str | None] = mapped_column(String(100))

    scope: Mapped[list[Accreditation]] = relationship(
        back_populates="laboratory", order_by="Accreditation.id"
    )


class Accreditation(Base):
    """One line of a laboratory's scope: quantity, range and CMC (ISO/IEC 17025; CIPM MRA)."""

    __tablename__ = "accreditation"

    id: Mapped[int] = mapped_column(primary_key=True)
    laboratory_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    quantity: Mapped[str] = mapped_column(String(64))
    unit: Mapped[str] = mapped_column(String(100))
    low: Mapped[float] = mapped_column(Float)
    high: Mapped[float] = mapped_column(Float)
    cmc: Mapped[float] = mapped_column(Float)
    valid_from: Mapped[dt.date] = mapped_column(Date)
    valid_until: Mapped[dt.date | None] = mapped_column(Date)

    laboratory: Mapped[Organisation] = relationship(back_populates="scope")


class User(Base):
    """A person or a machine with a bearer token (only its SHA-256 is stored)."""

    __tablename__ = "app_user"
    __table_args__ = (CheckConstraint(f"role IN {ROLES}", name="role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    organisation: Mapped[Organisation] = relationship()

    __mapper_args__: ClassVar = {"version_id_col": version, "version_id_generator": False}


class Item(Timestamped, Base):
    """A measurement standard or an instrument in service.

    Standards and instruments share one table because both are calibrated and
    both can be used as the standard of another calibration; ``kind`` tells
    them apart and ``level`` places a standard in the hierarchy (``instrument``
    for instruments in service).
    """

    __tablename__ = "item"
    __table_args__ = (
        UniqueConstraint("owner_id", "serial", name="owner_serial"),
        CheckConstraint("kind IN ('standard', 'instrument')", name="kind"),
        CheckConstraint(f"status IN {STATUSES}", name="status"),
        Index("ix_item_legal", "legal_control", "kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    owner_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    serial: Mapped[str] = mapped_column(String(100))
    level: Mapped[str] = mapped_column(String(32))
    tier: Mapped[str | None] = mapped_column(String(32))
    type: Mapped[str | None] = mapped_column(String(100))
    manufacturer: Mapped[str | None] = mapped_column(String(100))
    model: Mapped[str | None] = mapped_column(String(100))
    quantity: Mapped[str] = mapped_column(String(64))
    unit: Mapped[str] = mapped_column(String(100))
    range_low: Mapped[float | None] = mapped_column(Float)
    range_high: Mapped[float | None] = mapped_column(Float)
    best_uncertainty: Mapped[float | None] = mapped_column(Float)
    mpe: Mapped[float | None] = mapped_column(Float)
    accuracy_class: Mapped[str | None] = mapped_column(String(32))
    location: Mapped[str | None] = mapped_column(String(200))
    legal_control: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(32), default="in_service")
    out_of_tolerance_since: Mapped[dt.date | None] = mapped_column(Date)
    withdrawn_since: Mapped[dt.date | None] = mapped_column(Date)

    owner: Mapped[Organisation] = relationship()


class ReferenceMaterial(Timestamped, Base):
    """A certified reference material (ISO 17034): one certified property value."""

    __tablename__ = "reference_material"
    __table_args__ = (UniqueConstraint("producer", "lot", "property", name="lot"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    property: Mapped[str] = mapped_column(String(100))
    certified_value: Mapped[float] = mapped_column(Float)
    uncertainty: Mapped[float] = mapped_column(Float)
    coverage_factor: Mapped[float] = mapped_column(Float, default=2.0)
    unit: Mapped[str] = mapped_column(String(100))
    producer: Mapped[str] = mapped_column(String(200))
    lot: Mapped[str] = mapped_column(String(100))
    expiry: Mapped[dt.date | None] = mapped_column(Date)


class Calibration(Timestamped, Base):
    """A calibration or verification of an item by a laboratory."""

    __tablename__ = "calibration"
    __table_args__ = (
        CheckConstraint("valid_until >= performed", name="dates"),
        CheckConstraint("kind IN ('calibration', 'verification')", name="kind"),
        Index("ix_calibration_item_performed", "item_id", "performed"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id"))
    laboratory_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    certificate: Mapped[str] = mapped_column(String(100), unique=True)
    kind: Mapped[str] = mapped_column(String(16), default="calibration")
    performed: Mapped[dt.date] = mapped_column(Date)
    valid_until: Mapped[dt.date] = mapped_column(Date)
    operator: Mapped[str | None] = mapped_column(String(100))
    environment: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    conformity: Mapped[str | None] = mapped_column(String(16))
    conformity_statement: Mapped[str | None] = mapped_column(Text)
    decision: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    next_due: Mapped[dt.date | None] = mapped_column(Date)
    interval: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16), default="valid")
    expanded_uncertainty: Mapped[float] = mapped_column(Float)
    relative_uncertainty: Mapped[float | None] = mapped_column(Float)
    low: Mapped[float] = mapped_column(Float)
    high: Mapped[float] = mapped_column(Float)

    item: Mapped[Item] = relationship()
    laboratory: Mapped[Organisation] = relationship()
    points: Mapped[list[CalibrationPoint]] = relationship(
        order_by="CalibrationPoint.position", cascade="all, delete-orphan"
    )
    standards: Mapped[list[CalibrationStandard]] = relationship(
        order_by="CalibrationStandard.item_id", cascade="all, delete-orphan"
    )
    materials: Mapped[list[CalibrationMaterial]] = relationship(
        order_by="CalibrationMaterial.material_id", cascade="all, delete-orphan"
    )


class CalibrationPoint(Base):
    """One measured point: result, unit, standard uncertainty, k, U and the budget kept."""

    __tablename__ = "calibration_point"
    __table_args__ = (UniqueConstraint("calibration_id", "position", name="position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    calibration_id: Mapped[int] = mapped_column(ForeignKey("calibration.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    quantity: Mapped[str] = mapped_column(String(64))
    nominal: Mapped[float | None] = mapped_column(Float)
    value: Mapped[float] = mapped_column(Float)
    unit: Mapped[str] = mapped_column(String(100))
    uncertainty: Mapped[float] = mapped_column(Float)
    coverage_factor: Mapped[float] = mapped_column(Float)
    expanded_uncertainty: Mapped[float] = mapped_column(Float)
    dof: Mapped[float | None] = mapped_column(Float)
    model: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    budget: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class CalibrationStandard(Base):
    """A standard used by a calibration (the link up the traceability chain)."""

    __tablename__ = "calibration_standard"
    __table_args__ = (Index("ix_calibration_standard_item", "item_id"),)

    calibration_id: Mapped[int] = mapped_column(
        ForeignKey("calibration.id", ondelete="CASCADE"), primary_key=True
    )
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id"), primary_key=True)


class CalibrationMaterial(Base):
    """A certified reference material used by a calibration."""

    __tablename__ = "calibration_material"

    calibration_id: Mapped[int] = mapped_column(
        ForeignKey("calibration.id", ondelete="CASCADE"), primary_key=True
    )
    material_id: Mapped[int] = mapped_column(ForeignKey("reference_material.id"), primary_key=True)


class IssuedCertificate(Base):
    """A Digital Calibration Certificate issued from a calibration, archived as signed.

    ``xml`` holds the signed bytes exactly as issued; they are never rewritten.
    ``digest`` is the SHA-256 of its exclusive canonical form (the hash logged
    in the ledger and printed in the QR code); the ledger entry of this row lets
    anyone holding the file check that the data centre issued it.
    """

    __tablename__ = "issued_certificate"

    id: Mapped[int] = mapped_column(primary_key=True)
    calibration_id: Mapped[int] = mapped_column(ForeignKey("calibration.id"), index=True)
    laboratory_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    unique_identifier: Mapped[str] = mapped_column(String(200), unique=True)
    schema_version: Mapped[str] = mapped_column(String(16))
    validated: Mapped[bool] = mapped_column(Boolean)
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    signer: Mapped[str] = mapped_column(String(500))
    signed_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    xml: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_utcnow)

    calibration: Mapped[Calibration] = relationship()


class Comparison(Timestamped, Base):
    """An interlaboratory comparison: a key or supplementary comparison, or a PT round.

    The pilot (or PT provider) creates it with the measurand (quantity, unit,
    nominal value) and how it will be evaluated; participants submit results;
    the pilot evaluates it, which stores the ``outcome`` (reference or assigned
    value, its uncertainty, the consistency check) and scores every result.
    """

    __tablename__ = "comparison"
    __table_args__ = (
        CheckConstraint(f"kind IN {COMPARISON_KINDS}", name="kind"),
        CheckConstraint(f"method IN {COMPARISON_METHODS}", name="method"),
        CheckConstraint("status IN ('open', 'evaluated')", name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(100), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(16))
    pilot_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    quantity: Mapped[str] = mapped_column(String(64))
    unit: Mapped[str] = mapped_column(String(100))
    nominal: Mapped[float | None] = mapped_column(Float)
    method: Mapped[str] = mapped_column(String(16))
    alpha: Mapped[float] = mapped_column(Float, default=0.05)
    coverage_factor: Mapped[float] = mapped_column(Float, default=2.0)
    assigned_value: Mapped[float | None] = mapped_column(Float)
    assigned_uncertainty: Mapped[float | None] = mapped_column(Float)
    sigma_pt: Mapped[float | None] = mapped_column(Float)
    status: Mapped[str] = mapped_column(String(16), default="open")
    evaluated_on: Mapped[dt.date | None] = mapped_column(Date)
    outcome: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    pilot: Mapped[Organisation] = relationship()
    results: Mapped[list[ComparisonResult]] = relationship(
        back_populates="comparison", order_by="ComparisonResult.id"
    )


class ComparisonResult(Timestamped, Base):
    """One laboratory's result in a comparison, and after evaluation its scores.

    ``value`` and ``uncertainty`` (standard) are in the comparison's unit; a
    result reported in another unit keeps what was reported in ``reported``.
    ``scores`` holds the degree of equivalence (key comparisons) or the z, z',
    zeta and En scores (PT); ``cmc`` whether the result supports the
    laboratory's CMC for the measurand, and ``cmc_supported`` its verdict (None
    when no scope line covers the measurand) for queries.
    """

    __tablename__ = "comparison_result"
    __table_args__ = (UniqueConstraint("comparison_id", "laboratory_id", name="participant"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    comparison_id: Mapped[int] = mapped_column(ForeignKey("comparison.id"), index=True)
    laboratory_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    value: Mapped[float] = mapped_column(Float)
    uncertainty: Mapped[float] = mapped_column(Float)
    dof: Mapped[float | None] = mapped_column(Float)
    include: Mapped[bool] = mapped_column(Boolean, default=True)
    reported: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    evaluation: Mapped[str | None] = mapped_column(String(32))
    scores: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    cmc: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    cmc_supported: Mapped[bool | None] = mapped_column(Boolean)

    comparison: Mapped[Comparison] = relationship(back_populates="results")
    laboratory: Mapped[Organisation] = relationship()


class Share(Base):
    """An item (and its calibrations) shared by its owner with another organisation."""

    __tablename__ = "share"
    __table_args__ = (UniqueConstraint("item_id", "organisation_id", name="pair"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_utcnow)


class LedgerEntry(Base):
    """One leaf of the Merkle log: the canonical JSON that was logged, and its hash.

    ``logged_at`` is when the data centre logged it; the entry itself names the
    actor, the action and the record. Rows are never updated or deleted.
    """

    __tablename__ = "ledger_entry"
    __table_args__ = (Index("ix_ledger_entry_record", "record_type", "record_id", "index"),)

    index: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=False)
    leaf_hash: Mapped[bytes] = mapped_column(LargeBinary(32))
    entry: Mapped[bytes] = mapped_column(LargeBinary)
    action: Mapped[str] = mapped_column(String(64))
    record_type: Mapped[str] = mapped_column(String(32))
    record_id: Mapped[int | None] = mapped_column(Id)
    actor_id: Mapped[int | None] = mapped_column(Id)
    organisation_id: Mapped[int | None] = mapped_column(Id, index=True)
    logged_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class LedgerNode(Base):
    """A perfect subtree hash (RFC 6962 node) kept so proofs cost O(log n) reads."""

    __tablename__ = "ledger_node"

    level: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    index: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=False)
    hash: Mapped[bytes] = mapped_column(LargeBinary(32))


class LedgerState(Base):
    """The single sequencer row: the tree size and its compact range (right border)."""

    __tablename__ = "ledger_state"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    size: Mapped[int] = mapped_column(Id, default=0)
    compact: Mapped[dict[str, Any]] = mapped_column(JSON)
    root: Mapped[bytes] = mapped_column(LargeBinary(32))
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_utcnow)


class LedgerCheckpoint(Base):
    """A signed tree head (C2SP signed note) for a tree size."""

    __tablename__ = "ledger_checkpoint"

    size: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=False)
    root: Mapped[bytes] = mapped_column(LargeBinary(32))
    note: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_utcnow)


METER_ALERT_KINDS = ("meter", "area")
METER_ALERT_STATUSES = ("open", "work_order", "verified", "dismissed")
WORK_ORDER_STATUSES = ("open", "verified", "cancelled")
LOT_STATUSES = ("in_service", "withdrawn", "inconclusive")


class MeterAlert(Timestamped, Base):
    """A meter flagged by its remote error estimate, or an area whose balance is anomalous.

    ``meter`` and ``area`` are the ids of the estimates file (issue 6 file contract);
    ``item_id`` links the instrument registered for the owner with that serial, when
    there is one. ``kind`` is ``meter`` (error outside the MPE with the stated
    confidence) or ``area`` (a balance anomaly: theft or topology, not a meter; no
    meter, no error). ``window_end`` is the last day of the estimation window. Once the
    removed meter is verified in a laboratory, ``validation`` holds the comparison of
    the estimate with the laboratory's result.
    """

    __tablename__ = "meter_alert"
    __table_args__ = (
        CheckConstraint(f"kind IN {METER_ALERT_KINDS}", name="kind"),
        CheckConstraint(f"status IN {METER_ALERT_STATUSES}", name="status"),
        Index("ix_meter_alert_owner_meter", "owner_id", "kind", "meter", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    area: Mapped[str] = mapped_column(String(100))
    meter: Mapped[str | None] = mapped_column(String(100))
    item_id: Mapped[int | None] = mapped_column(ForeignKey("item.id"), index=True)
    kind: Mapped[str] = mapped_column(String(8))
    error_percent: Mapped[float | None] = mapped_column(Float)
    u_percent: Mapped[float | None] = mapped_column(Float)
    relative_error_percent: Mapped[float | None] = mapped_column(Float)
    mpe_percent: Mapped[float | None] = mapped_column(Float)
    intervals_used: Mapped[int | None] = mapped_column(Integer)
    window_end: Mapped[dt.date] = mapped_column(Date)
    reason: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="open")
    validation: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class WorkOrder(Timestamped, Base):
    """An order to remove a flagged meter and have it verified by a laboratory.

    The laboratory records the verification as a calibration of the meter's item;
    ``calibration_id`` links it once the order is verified.
    """

    __tablename__ = "work_order"
    __table_args__ = (CheckConstraint(f"status IN {WORK_ORDER_STATUSES}", name="status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    alert_id: Mapped[int] = mapped_column(ForeignKey("meter_alert.id"), index=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    laboratory_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id"), index=True)
    status: Mapped[str] = mapped_column(String(16), default="open")
    calibration_id: Mapped[int | None] = mapped_column(ForeignKey("calibration.id"))

    alert: Mapped[MeterAlert] = relationship()


class MeterLot(Timestamped, Base):
    """A lot of meters (manufacturer, model, year) and the decision on its inspected sample.

    ``plan`` is the ISO 2859-1 single sampling plan used
    (:func:`sitrace.meters.sampling.single_plan`), ``sample`` the laboratory verdict per
    inspected meter (True: within limits), ``decision`` the plan's accept/reject and the
    95 % rule; ``status`` what follows for the lot.
    """

    __tablename__ = "meter_lot"
    __table_args__ = (
        CheckConstraint(f"status IN {LOT_STATUSES}", name="status"),
        Index("ix_meter_lot_key", "owner_id", "manufacturer", "model", "year"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    manufacturer: Mapped[str] = mapped_column(String(100))
    model: Mapped[str] = mapped_column(String(100))
    year: Mapped[int] = mapped_column(Integer)
    size: Mapped[int] = mapped_column(Integer)
    plan: Mapped[dict[str, Any]] = mapped_column(JSON)
    sample: Mapped[dict[str, Any]] = mapped_column(JSON)
    decision: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16))
    decided_on: Mapped[dt.date] = mapped_column(Date)


INTERVAL_METHODS = ("fixed", "staircase", "a3", "s2")


class IntervalPolicy(Timestamped, Base):
    """How the next due date of a category of instruments is set (issue 8).

    ``category`` is matched against an item's ``type``; ``owner_id`` NULL makes the
    policy the default for every owner (set by a regulator or an admin), an owner's
    own policy for the category comes first. ``method`` is one of
    :data:`INTERVAL_METHODS` (:mod:`sitrace.intervals`), ``initial_days`` the interval
    before any history and ``parameters`` the method's options.
    """

    __tablename__ = "interval_policy"
    __table_args__ = (
        UniqueConstraint("owner_id", "category", name="owner_category"),
        CheckConstraint(f"method IN {INTERVAL_METHODS}", name="method"),
        CheckConstraint("initial_days > 0", name="initial_days"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    category: Mapped[str] = mapped_column(String(100))
    method: Mapped[str] = mapped_column(String(16))
    initial_days: Mapped[int] = mapped_column(Integer)
    parameters: Mapped[dict[str, Any]] = mapped_column(JSON)

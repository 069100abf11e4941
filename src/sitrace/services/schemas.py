"""Shapes of the records a caller writes (pydantic), shared by the API and the importer.

``*Create`` holds what a new record needs; ``*Update`` only optional fields
(a correction changes what it names). Values are checked here for shape and
range (finite numbers, uncertainties >= 0, known roles and levels); unit
strings and the metrology are checked by the services with the core packages.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StrictBool, model_validator

from ..errors import InputError

__all__ = [
    "AccreditationCreate",
    "CalibrationCreate",
    "CalibrationUpdate",
    "ComparisonCreate",
    "ComparisonEvaluate",
    "ComparisonResultCreate",
    "EstimatesCreate",
    "ItemCreate",
    "ItemUpdate",
    "LotCreate",
    "MaterialCreate",
    "OrganisationCreate",
    "PointCreate",
    "UserCreate",
    "VerificationCreate",
    "WorkOrderCreate",
    "input_error",
]


def _finite(value: float | None) -> float | None:
    if value is not None and not math.isfinite(value):
        raise ValueError(f"must be a finite number, got {value}")
    return value


def _non_negative(value: float) -> float:
    if not math.isfinite(value) or value < 0:
        raise ValueError(f"must be a finite number >= 0, got {value}")
    return value


def _positive(value: float) -> float:
    if not math.isfinite(value) or value <= 0:
        raise ValueError(f"must be a finite number > 0, got {value}")
    return value


Finite = Annotated[float, AfterValidator(_finite)]
RecordId = Annotated[int, Field(ge=-(2**63), le=2**63 - 1)]  # what a database integer holds
NonNegative = Annotated[float, AfterValidator(_non_negative)]
Positive = Annotated[float, Field(gt=0), AfterValidator(_finite)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class OrganisationCreate(Strict):
    code: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._-]+$")
    name: str = Field(min_length=1, max_length=200)
    kind: Literal["nmi", "calibration_lab", "owner", "regulator", "platform"]
    country: str | None = Field(None, min_length=2, max_length=2)
    accreditation_body: str | None = None
    accreditation_number: str | None = None


class AccreditationCreate(Strict):
    quantity: str = Field(min_length=1, max_length=64)
    unit: str
    low: Finite
    high: Finite
    cmc: NonNegative
    valid_from: dt.date
    valid_until: dt.date | None = None

    @model_validator(mode="after")
    def _ordered(self):
        if self.low > self.high:
            raise ValueError(f"low ({self.low}) must be <= high ({self.high})")
        if self.valid_until is not None and self.valid_until < self.valid_from:
            raise ValueError("valid_until must not be before valid_from")
        return self


class UserCreate(Strict):
    name: str = Field(min_length=1, max_length=100)
    role: Literal["admin", "lab", "owner", "regulator", "auditor"]
    organisation: RecordId


class ItemCreate(Strict):
    kind: Literal["standard", "instrument"]
    name: str = Field(min_length=1, max_length=200)
    serial: str = Field(min_length=1, max_length=100)
    level: Literal["si_realization", "national_primary", "reference", "working", "instrument"]
    tier: Literal["public", "departmental", "enterprise"] | None = None
    type: str | None = None
    manufacturer: str | None = None
    model: str | None = None
    quantity: str = Field(min_length=1, max_length=64)
    unit: str
    range_low: Finite | None = None
    range_high: Finite | None = None
    best_uncertainty: NonNegative | None = None
    mpe: NonNegative | None = None
    accuracy_class: str | None = None
    location: str | None = None
    legal_control: bool = False
    owner: RecordId | None = None

    @model_validator(mode="after")
    def _consistent(self):
        if (self.kind == "instrument") != (self.level == "instrument"):
            raise ValueError("an instrument has level 'instrument'; a standard has another level")
        if (
            self.range_low is not None
            and self.range_high is not None
            and self.range_low > self.range_high
        ):
            raise ValueError(f"range_low ({self.range_low}) must be <= range_high")
        return self


class ItemUpdate(Strict):
    name: str | None = None
    tier: Literal["public", "departmental", "enterprise"] | None = None
    type: str | None = None
    manufacturer: str | None = None
    model: str | None = None
    range_low: Finite | None = None
    range_high: Finite | None = None
    best_uncertainty: NonNegative | None = None
    mpe: NonNegative | None = None
    accuracy_class: str | None = None
    location: str | None = None
    legal_control: bool | None = None


class MaterialCreate(Strict):
    name: str = Field(min_length=1, max_length=200)
    property: str = Field(min_length=1, max_length=100)
    certified_value: Finite
    uncertainty: NonNegative
    coverage_factor: Positive = 2.0
    unit: str
    producer: str
    lot: str
    expiry: dt.date | None = None
    owner: int | None = None


class PointCreate(Strict):
    quantity: str | None = None
    nominal: Finite | None = None
    value: Finite | None = None
    unit: str
    uncertainty: NonNegative | None = None
    coverage_factor: Positive | None = None
    dof: Positive | None = None
    model: dict[str, Any] | None = Field(
        None, description="a model file's content (see docs/model-files.md), evaluated by GUM"
    )
    p: float = Field(0.95, gt=0, lt=1, description="coverage probability when a model is given")

    @model_validator(mode="after")
    def _result_given(self):
        if self.model is None and (self.value is None or self.uncertainty is None):
            raise ValueError("a point needs value and uncertainty, or a model to evaluate")
        return self


DECISION_RULES = ("simple", "guarded", "guarded-rejection", "nonbinary", "pc", "risk")


class DecisionRequest(Strict):
    """The decision rule agreed with the customer (ISO/IEC 17025 7.1.3), applied to every point.

    The tolerance of a point is ``lower``/``upper`` when given (in the points' unit);
    otherwise the item's MPE about the point's nominal value (``measurand="value"``:
    the point's value is the measured value; about zero when it has no nominal value)
    or about zero (``measurand="error"``: the point's value is the error of indication
    at its nominal load or setting). ``r`` sets the guard band w = r U (guarded rules,
    non-binary); ``p`` the required conformance probability (``pc``) or the largest
    specific risk (``risk``).
    """

    rule: Literal["simple", "guarded", "guarded-rejection", "nonbinary", "pc", "risk"]
    measurand: Literal["value", "error"] = "value"
    r: Positive = 1.0
    p: float | None = Field(None, gt=0, lt=1)
    lower: Finite | None = None
    upper: Finite | None = None

    @model_validator(mode="after")
    def _consistent(self):
        if self.rule in ("pc", "risk") and self.p is None:
            raise ValueError(f"rule '{self.rule}' needs p")
        if self.lower is not None and self.upper is not None and self.lower >= self.upper:
            raise ValueError(f"lower ({self.lower}) must be below upper ({self.upper})")
        return self


class IntervalPolicyCreate(Strict):
    """How the next due date of a category of instruments (an item's ``type``) is set.

    ``method``: ``fixed`` (always ``initial_days``), ``staircase`` (ILAC-G24 Method 1 on
    the as-found error / MPE of each calibration; parameters ``extend_below``,
    ``extend_factor``, ``shorten_factor``, optional ``shorten_above``,
    ``min_interval``, ``max_interval``), ``a3`` (NCSLI RP-1 A3 on the item's
    in-tolerance history; parameters ``target``, optional ``confidence``,
    ``max_change``, ``min_interval``, ``max_interval``) or ``s2`` (NCSLI RP-1 S2 on the
    category's grouped results, every item of the owner's category; parameters
    ``target``, optional ``bin_days`` (default 30)). ``owner``: the owner the policy
    is for; left out by a regulator or admin, the default for every owner.
    """

    category: str = Field(min_length=1, max_length=100)
    method: Literal["fixed", "staircase", "a3", "s2"]
    initial_days: int = Field(gt=0, le=36500)
    parameters: dict[str, Any] = Field(default_factory=dict)
    owner: RecordId | None = None


class CalibrationCreate(Strict):
    item: RecordId
    certificate: str = Field(min_length=1, max_length=100)
    kind: Literal["calibration", "verification"] = "calibration"
    performed: dt.date
    valid_until: dt.date
    standards: list[RecordId] = Field(default_factory=list)
    materials: list[RecordId] = Field(default_factory=list)
    operator: str | None = None
    environment: dict[str, Any] | None = None
    conformity: Literal["pass", "fail"] | None = None
    conformity_statement: str | None = None
    decision: DecisionRequest | None = Field(
        None, description="decide conformity by this rule (sitrace.conformity) instead"
    )
    points: list[PointCreate] = Field(min_length=1)
    laboratory: RecordId | None = None

    @model_validator(mode="after")
    def _dates(self):
        if self.valid_until < self.performed:
            raise ValueError(
                f"valid_until ({self.valid_until}) is before performed ({self.performed})"
            )
        if len(set(self.standards)) != len(self.standards):
            raise ValueError("a standard is listed twice")
        if self.decision is not None and self.conformity is not None:
            raise ValueError("give conformity or a decision rule, not both")
        return self


class CalibrationUpdate(Strict):
    """A correction: the fields it changes and the reason (logged in the ledger)."""

    reason: str = Field(min_length=1)
    valid_until: dt.date | None = None
    operator: str | None = None
    environment: dict[str, Any] | None = None
    conformity: Literal["pass", "fail"] | None = None
    conformity_statement: str | None = None
    points: list[PointCreate] | None = None


def input_error(error, *, where: str | None = None) -> InputError:
    """Turn a pydantic ValidationError into an InputError naming each field and reason."""
    parts = []
    for item in error.errors():
        field = ".".join(str(p) for p in item["loc"]) or "record"
        message = item["msg"].removeprefix("Value error, ")
        parts.append(f"field '{field}': {message}")
    return InputError("; ".join(parts), where=where)


KEY_METHODS = ("procedure-a", "lcs", "median", "dl")
PT_METHODS = ("algorithm-a", "reference", "formulation")


class ComparisonCreate(Strict):
    """A comparison as its pilot (or PT provider) registers it.

    Key and supplementary comparisons are evaluated by ``procedure-a`` (weighted
    mean, Cox 2002), ``lcs`` (largest consistent subset, Cox 2007), ``median`` or
    ``dl`` (DerSimonian-Laird). Proficiency tests are scored against a consensus
    (``algorithm-a``, ISO 13528 C.3) or an assigned value known beforehand
    (``reference``: a reference laboratory or CRM; ``formulation``), which is
    then required with its standard uncertainty.
    """

    code: str = Field(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9._/()-]+$")
    title: str = Field(min_length=1, max_length=300)
    kind: Literal["key", "supplementary", "proficiency"]
    quantity: str = Field(min_length=1, max_length=64)
    unit: str = Field(min_length=1, max_length=100)
    nominal: Finite | None = Field(
        None, description="the measurand's nominal value: matches it to the labs' CMC lines"
    )
    method: Literal["procedure-a", "lcs", "median", "dl", "algorithm-a", "reference", "formulation"]
    alpha: float = Field(0.05, gt=0, lt=1, description="significance of the chi-squared test")
    coverage_factor: Positive = 2.0
    assigned_value: Finite | None = None
    assigned_uncertainty: NonNegative | None = Field(None, description="standard uncertainty")
    sigma_pt: Positive | None = Field(
        None, description="standard deviation for proficiency assessment (PT; default s*)"
    )
    pilot: RecordId | None = None

    @model_validator(mode="after")
    def _method_fits(self):
        proficiency = self.kind == "proficiency"
        if proficiency and self.method not in PT_METHODS:
            raise ValueError(f"a proficiency test is evaluated by one of {', '.join(PT_METHODS)}")
        if not proficiency and self.method not in KEY_METHODS:
            raise ValueError(
                f"a {self.kind} comparison is evaluated by one of {', '.join(KEY_METHODS)}"
            )
        given = self.method in ("reference", "formulation")
        if given and (self.assigned_value is None or self.assigned_uncertainty is None):
            raise ValueError(
                f"method '{self.method}' needs assigned_value and assigned_uncertainty"
            )
        if not given and (self.assigned_value is not None or self.assigned_uncertainty is not None):
            raise ValueError(
                f"method '{self.method}' computes the reference value: leave out assigned_value"
            )
        if given and self.sigma_pt is None:
            raise ValueError(f"method '{self.method}' needs sigma_pt")
        if not proficiency and self.sigma_pt is not None:
            raise ValueError("sigma_pt belongs to proficiency tests")
        return self


class ComparisonResultCreate(Strict):
    """One laboratory's result: value, standard uncertainty and unit (all required)."""

    value: Finite
    uncertainty: Annotated[float, AfterValidator(_positive)] = Field(
        description="standard uncertainty u(x), > 0"
    )
    unit: str = Field(min_length=1, max_length=100)
    dof: Positive | None = None
    include: bool = Field(True, description="whether the result enters the reference value")
    laboratory: RecordId | None = Field(
        None, description="the participant (a pilot or admin entering a result for a lab)"
    )


class ComparisonEvaluate(Strict):
    """Evaluate now, optionally by another method than registered (e.g. LCS after a failed
    chi-squared check) and excluding results from the reference value."""

    method: (
        Literal["procedure-a", "lcs", "median", "dl", "algorithm-a", "reference", "formulation"]
        | None
    ) = None
    exclude: list[RecordId] = Field(
        default_factory=list, description="laboratories left out of the reference value"
    )
    evaluated_on: dt.date | None = None


class EstimateRow(BaseModel):
    """One row of the estimates file contract (issue 6). Numbers and status are checked by
    :func:`sitrace.services.meters.record_estimates`, whose messages name the row and meter;
    columns beyond the contract are ignored."""

    model_config = ConfigDict(str_strip_whitespace=True)

    area: str
    meter: str
    error_percent: float | None = None
    u_percent: float | None = None
    relative_error_percent: float | None = None
    status: str
    intervals_used: int | None = None
    reason: str | None = None


class AreaRow(BaseModel):
    """One row of the areas table: whether the area's balance is anomalous, and why."""

    model_config = ConfigDict(str_strip_whitespace=True)

    area: str
    balance_anomaly: StrictBool
    anomaly_reason: str | None = None


class EstimatesCreate(Strict):
    """Remote error estimates of one owner's meters for a window ending on ``window_end``.

    ``mpe_percent`` is the MPE of every meter (default 1 %: class 1 / B), or per meter id
    (meters not named take 1 %)."""

    owner: RecordId | None = Field(None, description="the owner (an admin must name it)")
    window_end: dt.date
    mpe_percent: Positive | dict[str, Positive] = 1.0
    rows: list[EstimateRow]
    areas: list[AreaRow] = Field(default_factory=list)


class WorkOrderCreate(Strict):
    """The laboratory that will verify the removed meter."""

    laboratory: RecordId


class Reason(Strict):
    """Why an alert is dismissed or a work order cancelled (logged in the ledger)."""

    reason: str = Field(min_length=1, max_length=500)


class VerificationCreate(Strict):
    """The calibration in which the assigned laboratory recorded the removed meter's
    verification; ``point`` picks its ``\\percent`` point when it has several."""

    calibration: RecordId
    point: int | None = Field(None, ge=0, description="position of the point to compare")


class LotCreate(Strict):
    """A lot (manufacturer, model, year, size) and the verdict of each inspected meter."""

    owner: RecordId | None = Field(None, description="the owner (an admin must name it)")
    manufacturer: str = Field(min_length=1, max_length=100)
    model: str = Field(min_length=1, max_length=100)
    year: int = Field(ge=1900, le=2200)
    size: int = Field(ge=2, le=2**31 - 1)
    aql: str = Field("1.0", description="ISO 2859-1 Table 2-A column, e.g. '1.0'")
    level: str = Field("II", description="inspection level: I, II, III, S-1 .. S-4")
    sample_results: dict[str, StrictBool] = Field(
        description="meter id -> True when found within limits"
    )
    decided_on: dt.date | None = None

"""Use cases of Digital Calibration Certificates: issue from a calibration, fetch, verify.

Issuing builds the certificate from the stored calibration (its points, their
uncertainties and coverage factors, the standards used, the environment),
writes DCC XML, validates it against the offline XSD and rules when the data
centre has a schema catalog, signs it (enveloped XAdES-B) with the data
centre's signing identity, archives the signed bytes unchanged and logs their
digest in the ledger, all in one transaction. Anyone holding the file can then
check three things: the signature, that the data centre logged exactly this
certificate (ledger inclusion proof), and the chain of the standards used.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from dataclasses import dataclass
from typing import Any

from scipy import stats
from sqlalchemy import select

from .. import __version__
from .. import ledger as core
from ..dcc import model as dcc
from ..dcc.signature import VerificationReport, canonical_digest, sign, verify
from ..dcc.validate import validate
from ..dcc.write import write_certificate
from ..errors import ConflictError, DccValidationError, InputError, NotFoundError
from ..store import models as m
from . import records
from .access import Actor, require, require_tenant, visible_calibrations
from .calibrations import get_calibration
from .datacentre import DataCentre
from .ledger import checkpoint, receipt
from .registry import Written

__all__ = [
    "LedgerCheck",
    "certificate_from_calibration",
    "certificates_query",
    "coverage_probability",
    "get_certificate",
    "issue_certificate",
    "verify_certificate",
]

SCHEMA_VERSION = "3.3.0"


def coverage_probability(k: float, dof: float | None = None) -> float:
    """The coverage probability of the interval y ± k·u, to four decimals.

    Normal when ``dof`` is None or infinite, else Student's t with ``dof``
    degrees of freedom (the effective ones of Welch–Satterthwaite).

    References
    ----------
    JCGM 100:2008, G.2 (normal) and G.3, G.4 (t-distribution, effective degrees of freedom).

    >>> coverage_probability(2.0)
    0.9545
    """
    if dof is None or not math.isfinite(dof):
        p = 2.0 * stats.norm.cdf(k) - 1.0
    else:
        p = 2.0 * stats.t.cdf(k, dof) - 1.0
    return round(float(p), 4)


def _text(value: str) -> dcc.Text:
    return dcc.Text.of(en=value)


def _same_or_all(values: list[Any]) -> tuple[Any, ...]:
    """One entry when every entry is equal (D-SI "1 or N"), else all of them."""
    return (values[0],) if all(v == values[0] for v in values) else tuple(values)


def _identifications(item: m.Item) -> tuple[dcc.Identification, ...]:
    found = [
        dcc.Identification(issuer="manufacturer", value=item.serial, name=_text("Serial number")),
        dcc.Identification(
            issuer="calibrationLaboratory",
            value=f"sitrace item {item.id}",
            name=_text("Record in the data centre"),
        ),
    ]
    return tuple(found)


def _contact(organisation: m.Organisation) -> dcc.Contact:
    return dcc.Contact(
        name=_text(organisation.name),
        location=dcc.Address(country_code=organisation.country) if organisation.country else None,
    )


def _results(row: m.Calibration) -> dcc.Result:
    points = list(row.points)
    units = [p.unit for p in points]
    ks = [p.coverage_factor for p in points]
    ps = [coverage_probability(p.coverage_factor, p.dof) for p in points]
    quantity = points[0].quantity
    data: list[dcc.Quantity] = []
    if all(p.nominal is not None for p in points):
        data.append(
            dcc.Quantity(
                name=_text("Nominal value"),
                value=dcc.SiList(
                    values=tuple(p.nominal for p in points), units=_same_or_all(units)
                ),
            )
        )
    data.append(
        dcc.Quantity(
            name=_text(f"Measured value ({quantity})" if quantity else "Measured value"),
            ref_type="basic_measuredValue",
            value=dcc.SiList(
                values=tuple(p.value for p in points),
                units=_same_or_all(units),
                uncertainty=dcc.Uncertainty(
                    kind="expandedMU",
                    value=tuple(p.expanded_uncertainty for p in points),
                    coverage_factor=_same_or_all(ks),
                    coverage_probability=_same_or_all(ps),
                ),
            ),
        )
    )
    return dcc.Result(name=_text("Calibration results"), data=tuple(data))


def _conditions(environment: dict[str, Any] | None) -> tuple[dcc.InfluenceCondition, ...]:
    found = []
    for key, entry in sorted((environment or {}).items()):
        if not (isinstance(entry, dict) and isinstance(entry.get("value"), int | float)):
            continue
        if not isinstance(entry.get("unit"), str):
            continue
        name = _text(key.replace("_", " ").capitalize())
        found.append(
            dcc.InfluenceCondition(
                name=name,
                data=(
                    dcc.Quantity(
                        name=name,
                        value=dcc.SiReal(value=float(entry["value"]), unit=entry["unit"]),
                    ),
                ),
            )
        )
    return tuple(found)


def _equipment(standard: m.Item, certificate: str | None) -> dcc.MeasuringEquipment:
    identifications = list(_identifications(standard))
    if certificate:
        identifications.append(
            dcc.Identification(
                issuer="calibrationLaboratory",
                value=certificate,
                name=_text("Calibration certificate of the standard"),
            )
        )
    return dcc.MeasuringEquipment(
        name=_text(standard.name),
        identifications=tuple(identifications),
        manufacturer=dcc.Contact(name=_text(standard.manufacturer))
        if standard.manufacturer
        else None,
        model=standard.model,
        ref_type="basic_normalUsed",
    )


def certificate_from_calibration(
    row: m.Calibration,
    *,
    standards: list[tuple[m.Item, str | None]],
    responsible: str,
    schema_version: str = SCHEMA_VERSION,
) -> dcc.Certificate:
    """The DCC of a stored calibration, in English.

    Each point becomes one entry of a D-SI list: the nominal value when every
    point has one, and the measured value with its expanded uncertainty
    U = k·u, k and the coverage probability p of :func:`coverage_probability`
    (``si:measurementUncertaintyUnivariate``/``expandedMU``, D-SI 2.x). The
    standards used are the measuring equipment, with the certificate of the
    calibration that was valid for each on the day; the environment becomes
    influence conditions.

    Parameters
    ----------
    row : Calibration
        The calibration with its item, laboratory and points.
    standards : list of (Item, certificate number or None)
        The standards used and the certificate valid for each on the day.
    responsible : str
        The person named as main signer when the calibration names no operator.
    """
    lab, item, owner = row.laboratory, row.item, row.item.owner
    if not lab.country:
        raise InputError(
            f"laboratory {lab.code} has no country: a DCC needs its ISO 3166-1 code",
            where="laboratory.country",
        )
    statements = [
        dcc.Statement(
            declaration=_text(
                "The expanded uncertainty is the standard uncertainty multiplied by the "
                "coverage factor k; the coverage probability p is that of a normal or, "
                "with finite effective degrees of freedom, a t-distribution (JCGM 100:2008)."
            ),
            norms=("JCGM 100:2008",),
        ),
        dcc.Statement(
            declaration=_text("Recalibration is due by this date."),
            date=row.valid_until,
            ref_type="basic_recalibration",
        ),
    ]
    if row.conformity is not None:
        statements.append(
            dcc.Statement(
                declaration=_text(
                    row.conformity_statement or "Conformity with the specification of the item."
                ),
                conformity=row.conformity,
                ref_type="basic_conformity",
            )
        )
    method = dcc.UsedMethod(
        name=_text("Evaluation of measurement uncertainty (GUM)"),
        norms=("JCGM 100:2008",),
        ref_type="basic_uncertainty",
    )
    measurement = dcc.MeasurementResult(
        name=_text(f"{row.kind.capitalize()} of {item.name}"),
        results=(_results(row),),
        used_methods=(method,),
        measuring_equipments=tuple(_equipment(s, c) for s, c in standards),
        influence_conditions=_conditions(row.environment),
    )
    return dcc.Certificate(
        schema_version=schema_version,
        software=(
            dcc.Software(name=dcc.Text.of("sitrace"), release=__version__, type="application"),
        ),
        core_data=dcc.CoreData(
            country_code=lab.country,
            used_languages=("en",),
            mandatory_languages=("en",),
            unique_identifier=row.certificate,
            identifications=(
                dcc.Identification(
                    issuer="calibrationLaboratory",
                    value=f"sitrace calibration {row.id}",
                    name=_text("Calibration record in the data centre"),
                ),
            ),
            begin_performance_date=row.performed,
            end_performance_date=row.performed,
            performance_location="laboratory",
        ),
        items=(
            dcc.Item(
                name=_text(item.name),
                identifications=_identifications(item),
                manufacturer=dcc.Contact(name=_text(item.manufacturer))
                if item.manufacturer
                else None,
                model=item.model,
            ),
        ),
        calibration_laboratory=_contact(lab),
        resp_persons=(
            dcc.RespPerson(
                person=dcc.Contact(name=dcc.Text.of(row.operator or responsible)), main_signer=True
            ),
        ),
        customer=_contact(owner),
        statements=tuple(statements),
        measurement_results=(measurement,),
    )


def _standard_certificates(session, row: m.Calibration) -> list[tuple[m.Item, str | None]]:
    found = []
    for link in row.standards:
        standard = session.get(m.Item, link.item_id)
        certificate = session.execute(
            select(m.Calibration.certificate)
            .where(
                m.Calibration.item_id == standard.id,
                m.Calibration.performed <= row.performed,
                m.Calibration.status != "withdrawn",
            )
            .order_by(m.Calibration.performed.desc(), m.Calibration.id.desc())
            .limit(1)
        ).scalar_one_or_none()
        found.append((standard, certificate))
    return found


def issue_certificate(
    dc: DataCentre,
    actor: Actor,
    calibration_id: int,
    *,
    now: dt.datetime | None = None,
) -> Written:
    """Issue, sign, archive and log the DCC of a calibration (once per calibration).

    Raises
    ------
    DccValidationError
        The written certificate does not validate (XSD or rules): nothing is stored.
    ConflictError
        The calibration is withdrawn, or its certificate was already issued.
    """
    require(actor, {"admin", "lab"}, "issue certificates")
    if dc.dcc_identity is None:
        raise InputError("the data centre has no DCC signing identity", where="SITRACE_DCC_KEY")
    now = (dt.datetime.now(dt.UTC) if now is None else now).replace(microsecond=0)
    with dc.transaction() as session:
        row = get_calibration(session, actor, calibration_id)
        require_tenant(actor, row.laboratory_id, "issue this laboratory's certificates")
        if row.status == "withdrawn":
            raise ConflictError(
                f"calibration {row.id} was withdrawn: no certificate can be issued",
                where="calibration",
            )
        if session.execute(
            select(m.IssuedCertificate.id).where(m.IssuedCertificate.calibration_id == row.id)
        ).first():
            raise ConflictError(
                f"the certificate of calibration {row.id} was already issued", where="calibration"
            )
        model = certificate_from_calibration(
            row, standards=_standard_certificates(session, row), responsible=actor.name
        )
        xml = write_certificate(model)
        validated = False
        if dc.dcc_schemas is not None:
            report = validate(xml, schemas=dc.dcc_schemas)
            if not report.valid:
                first = [p for p in report.problems if p.severity == "error"][:3]
                raise DccValidationError(
                    "the certificate written does not validate: "
                    + "; ".join(f"{p.rule} at {p.path}: {p.message}" for p in first),
                    where=f"calibration {row.id}",
                )
            validated = True
        signed = sign(
            xml,
            key=dc.dcc_identity.key,
            certificates=dc.dcc_identity.certificates,
            signing_time=now,
        )
        issued = m.IssuedCertificate(
            calibration_id=row.id,
            laboratory_id=row.laboratory_id,
            unique_identifier=model.core_data.unique_identifier,
            schema_version=model.schema_version,
            validated=validated,
            digest=canonical_digest(signed).hex(),
            signer=dc.dcc_identity.subject,
            signed_at=now,
            xml=signed,
        )
        session.add(issued)
        session.flush()
        logged = dc.log(session, [("issue", issued)], actor=actor)
        return Written(records.certificate(issued), receipt(session, logged[0].index))


def _visible(actor: Actor):
    return m.IssuedCertificate.calibration_id.in_(
        select(m.Calibration.id).where(visible_calibrations(actor))
    )


def get_certificate(session, actor: Actor, certificate_id: int) -> m.IssuedCertificate:
    """An issued certificate the actor may see (its calibration is visible to them)."""
    row = session.execute(
        select(m.IssuedCertificate).where(m.IssuedCertificate.id == certificate_id, _visible(actor))
    ).scalar_one_or_none()
    if row is None:
        raise NotFoundError(f"no certificate with id {certificate_id}", where="certificate")
    return row


def certificates_query(actor: Actor, *, calibration: int | None = None):
    """The issued certificates the actor may see, oldest first (a query to page through)."""
    query = select(m.IssuedCertificate).where(_visible(actor))
    if calibration is not None:
        query = query.where(m.IssuedCertificate.calibration_id == calibration)
    return query.order_by(m.IssuedCertificate.id)


@dataclass(frozen=True, slots=True)
class LedgerCheck:
    """Whether the data centre logged exactly this certificate, with the receipt proving it."""

    logged: bool
    certificate_id: int | None = None
    receipt: core.Receipt | None = None
    problems: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "logged": self.logged,
            "certificate": self.certificate_id,
            "receipt": self.receipt.to_dict() if self.receipt else None,
            "problems": list(self.problems),
        }


def ledger_check(dc: DataCentre, digest: bytes) -> LedgerCheck:
    """Find the certificate with ``digest`` in the ledger and check its inclusion proof.

    Any party may ask: the answer reveals only whether a certificate with this
    hash was issued, which whoever holds the file may know.
    """
    with dc.reading() as session:
        row = session.execute(
            select(m.IssuedCertificate).where(m.IssuedCertificate.digest == digest.hex())
        ).scalar_one_or_none()
        if row is None:
            return LedgerCheck(False, problems=("no certificate with this digest was issued here",))
        entry = session.execute(
            select(m.LedgerEntry.index)
            .where(m.LedgerEntry.record_type == "certificate", m.LedgerEntry.record_id == row.id)
            .order_by(m.LedgerEntry.index.desc())
            .limit(1)
        ).scalar_one_or_none()
        if entry is None:
            return LedgerCheck(False, row.id, problems=("the certificate was never logged",))
        proof = receipt(session, entry, size=checkpoint(session).size)
        certificate_id = row.id
    check = core.verify_receipt(proof, dc.verifier)
    problems = list(check.problems)
    logged = json.loads(proof.entry)["record"]["data"]
    if logged.get("digest") != digest.hex():
        problems.append("the logged digest differs from the certificate's")
    return LedgerCheck(not problems, certificate_id, proof, tuple(problems))


def verify_certificate(
    dc: DataCentre, data: bytes, *, trusted_roots=(), at: dt.datetime | None = None
) -> tuple[VerificationReport, LedgerCheck]:
    """Check a DCC's signature and, when this data centre issued it, its ledger inclusion."""
    report = verify(data, trusted_roots=trusted_roots or dc.dcc_identity.roots, at=at)
    return report, ledger_check(dc, canonical_digest(data))

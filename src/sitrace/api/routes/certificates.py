"""Digital Calibration Certificates: issue from a calibration, list, download, verify, validate.

The XML is served exactly as it was signed and archived (``application/xml``);
``/certificates/verify`` checks an uploaded file's XAdES signature and, when this
data centre issued it, the ledger inclusion of its digest.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel, Field

from ...dcc import parsing
from ...dcc.read import read_certificate
from ...dcc.render import render_html
from ...dcc.signature import canonical_digest
from ...dcc.validate import validate
from ...errors import DccParseError, DccSchemaError
from ...services import certificates, records
from ..deps import MAX_ID, CurrentActor, DataCentreDep, PageDep, RecordId, SessionDep
from ._common import page_of, write_response

router = APIRouter(prefix="/certificates", tags=["certificates"])

XML = "application/xml"


class CertificateIssue(BaseModel):
    calibration: int = Field(ge=1, le=MAX_ID, description="the calibration to certify")


async def _upload(request: Request) -> bytes:
    """The request body, refused past the DCC size limit before it is all read."""
    limit = parsing.DEFAULT_MAX_BYTES
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise DccParseError(
                f"over the limit of {limit:,} bytes for a DCC", where="request body"
            )
        chunks.append(chunk)
    return b"".join(chunks)


_XML_BODY = {"requestBody": {"content": {XML: {"schema": {"type": "string"}}}, "required": True}}


@router.post("", status_code=201)
def issue(
    body: CertificateIssue, datacentre: DataCentreDep, actor: CurrentActor, response: Response
) -> dict[str, Any]:
    """Issue the DCC of a calibration of the caller's laboratory: written as DCC 3.3.0,
    validated offline when the data centre has the schemas, signed (XAdES-B), archived and
    logged in the ledger. Returns the record and the ledger receipt of its digest."""
    written = certificates.issue_certificate(datacentre, actor, body.calibration)
    return write_response(written, response, location=f"/certificates/{written.record['id']}")


@router.get("")
def list_certificates(
    session: SessionDep,
    actor: CurrentActor,
    page: PageDep,
    calibration: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
) -> dict[str, Any]:
    """The issued certificates the caller may see (those of visible calibrations)."""
    query = certificates.certificates_query(actor, calibration=calibration)
    return page_of(session, query, page, records.certificate)


@router.get("/{certificate_id}")
def get_certificate(
    certificate_id: RecordId, session: SessionDep, actor: CurrentActor
) -> dict[str, Any]:
    """An issued certificate's record (identifier, digest, signer, signing time)."""
    return records.certificate(certificates.get_certificate(session, actor, certificate_id))


@router.get("/{certificate_id}/xml", response_class=Response)
def get_certificate_xml(
    certificate_id: RecordId, session: SessionDep, actor: CurrentActor
) -> Response:
    """The signed DCC, byte for byte as issued."""
    row = certificates.get_certificate(session, actor, certificate_id)
    name = "".join(c if c.isalnum() or c in "-_." else "_" for c in row.unique_identifier)
    return Response(
        row.xml,
        media_type=XML,
        headers={"Content-Disposition": f'attachment; filename="{name}.xml"'},
    )


@router.get("/{certificate_id}/html", response_class=Response)
def get_certificate_html(
    certificate_id: RecordId,
    session: SessionDep,
    actor: CurrentActor,
    lang: Annotated[str | None, Query(min_length=2, max_length=2)] = None,
) -> Response:
    """The certificate rendered for people (the XML stays the certificate)."""
    row = certificates.get_certificate(session, actor, certificate_id)
    html = render_html(read_certificate(row.xml), lang=lang, digest=bytes.fromhex(row.digest))
    return Response(html, media_type="text/html")


@router.post("/verify", openapi_extra=_XML_BODY)
async def verify(request: Request, datacentre: DataCentreDep, actor: CurrentActor) -> dict:
    """Verify an uploaded DCC: signature integrity, signer, signing time, certificate
    validity at signing, trust; and, when this data centre issued it, the ledger
    inclusion proof of its digest."""
    data = await _upload(request)
    report, ledger = certificates.verify_certificate(datacentre, data)
    return {
        "digest": canonical_digest(data).hex(),
        "signature": report.to_dict(),
        "ledger": ledger.to_dict(),
    }


@router.post("/validate", openapi_extra=_XML_BODY)
async def validate_upload(
    request: Request,
    datacentre: DataCentreDep,
    actor: CurrentActor,
    as_version: Annotated[str | None, Query(pattern=r"^\d+\.\d+\.\d+$")] = None,
) -> dict:
    """Validate an uploaded DCC offline: the XSD of its @schemaVersion, then the rules
    (D-SI units, list lengths, k and p, references, languages, dates, codes)."""
    if datacentre.dcc_schemas is None:
        raise DccSchemaError("this data centre has no DCC schemas (SITRACE_DCC_SCHEMAS)")
    data = await _upload(request)
    return validate(data, schemas=datacentre.dcc_schemas, as_version=as_version).to_dict()


@router.post("/{certificate_id}/verify")
def verify_issued(
    certificate_id: RecordId, datacentre: DataCentreDep, session: SessionDep, actor: CurrentActor
) -> dict:
    """Verify an archived certificate as a holder of the file would."""
    row = certificates.get_certificate(session, actor, certificate_id)
    report, ledger = certificates.verify_certificate(datacentre, row.xml)
    return {"digest": row.digest, "signature": report.to_dict(), "ledger": ledger.to_dict()}

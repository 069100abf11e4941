"""Every error the API answers, as RFC 9457 ``application/problem+json``, mapped in one place.

==============================  ======  ==============================================
exception                       status  when
==============================  ======  ==============================================
``InputError``, ``UnitError``   422     a value, a unit or a model is wrong
``DccError`` and its families   422     a DCC cannot be read, validated or signed
``NotFoundError``               404     no such record, or not visible to the caller
``StaleVersionError``           412     ``If-Match`` names a version that is not current
``ConflictError``               409     a duplicate serial, certificate, code or share
``PermissionDeniedError``       403     the caller's role or tenant forbids the action
``LedgerError``                 500     the ledger is inconsistent (a server fault)
``RequestValidationError``      422     the request's shape is wrong (400: bad JSON)
``DataError`` (database)        422     a value the database cannot store (NUL, too long)
``IntegrityError`` (database)   409     a duplicate found by a unique constraint
``HTTPException``               its own the framework's 401, 404, 405, 428 …
any other exception             500     logged with its trace; the body says nothing more
==============================  ======  ==============================================

A problem body is ``{type, title, status, detail, instance}``; a validation
problem adds ``errors``, one ``{field, message, type}`` per wrong field.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DataError, IntegrityError, OperationalError, SQLAlchemyError
from starlette.exceptions import HTTPException

from ..errors import (
    ConflictError,
    ConvergenceError,
    DccError,
    DccParseError,
    DccSchemaError,
    DccValidationError,
    InputError,
    LedgerError,
    NotFoundError,
    PermissionDeniedError,
    SitraceError,
    StaleVersionError,
    StoreError,
    UnitError,
)

__all__ = [
    "PROBLEM_JSON",
    "StaleVersionError",
    "handle_error",
    "install_error_handlers",
    "problem",
]

log = logging.getLogger("sitrace.api")

PROBLEM_JSON = "application/problem+json"
PROBLEM_BASE = "urn:sitrace:problem:"


# (family, status, type slug, title): the first family an error belongs to wins.
FAMILIES: tuple[tuple[type[SitraceError], int, str, str], ...] = (
    (StaleVersionError, 412, "stale-version", "The record changed since it was read"),
    (NotFoundError, 404, "not-found", "No such record"),
    (ConflictError, 409, "conflict", "The write conflicts with the stored state"),
    (StoreError, 409, "conflict", "The write conflicts with the stored state"),
    (PermissionDeniedError, 403, "permission-denied", "Not allowed"),
    (UnitError, 422, "unit", "Invalid unit"),
    (DccParseError, 422, "dcc-parse", "The certificate cannot be read"),
    (DccValidationError, 422, "dcc-invalid", "The certificate does not validate"),
    (DccSchemaError, 422, "dcc-schema", "No schema for the certificate"),
    (DccError, 422, "dcc", "Certificate error"),
    (InputError, 422, "input", "Invalid input"),
    (ConvergenceError, 422, "convergence", "The computation did not converge"),
    (LedgerError, 500, "ledger", "Ledger error"),
    (SitraceError, 400, "bad-request", "Bad request"),
)


def _finite(value: Any) -> Any:
    """``value`` with every non-finite float replaced by None (JSON has no NaN or infinity)."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    return value


class SafeJSONResponse(JSONResponse):
    """JSON that never fails on a non-finite float: those are written as ``null``."""

    def render(self, content: Any) -> bytes:
        try:
            return super().render(content)
        except ValueError:
            return super().render(_finite(content))


def problem(
    request: Request,
    status: int,
    detail: str,
    *,
    type_: str | None = None,
    title: str | None = None,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> JSONResponse:
    """An ``application/problem+json`` response (RFC 9457, section 3)."""
    body = {
        "type": type_ or "about:blank",
        "title": title or _phrase(status),
        "status": status,
        "detail": detail,
        "instance": request.url.path,
        **extra,
    }
    return SafeJSONResponse(body, status_code=status, headers=headers, media_type=PROBLEM_JSON)


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def _field(loc: tuple | list) -> str:
    parts = [str(p) for p in loc]
    if parts and parts[0] in ("body", "query", "path", "header", "cookie"):
        where, rest = parts[0], parts[1:]
        return ".".join(rest) if where == "body" and rest else ".".join([where, *rest])
    return ".".join(parts)


def _validation(error: RequestValidationError) -> Problem:
    errors = []
    malformed = False
    for item in error.errors():
        kind = str(item.get("type", "value_error"))
        message = str(item.get("msg", "invalid")).removeprefix("Value error, ")
        if kind == "json_invalid":
            malformed = True
            reason = (item.get("ctx") or {}).get("error")
            message = f"JSON decode error: {reason}" if reason else "JSON decode error"
        errors.append({"field": _field(item.get("loc", ())), "message": message, "type": kind})
    detail = "; ".join(f"field '{e['field']}': {e['message']}" for e in errors)
    if malformed:
        return Problem(400, "malformed-json", "Malformed JSON body", detail, {"errors": errors})
    return Problem(
        422, "validation", "Invalid request", detail or "invalid request", {"errors": errors}
    )


@dataclass(frozen=True, slots=True)
class Problem:
    status: int
    slug: str | None
    title: str | None
    detail: str
    extra: dict[str, Any] = field(default_factory=dict)
    headers: dict[str, str] | None = None


def to_problem(error: Exception) -> Problem:
    """The problem an exception is answered with (status, type, title, detail)."""
    if isinstance(error, SitraceError):
        for family, status, slug, title in FAMILIES:
            if isinstance(error, family):
                return Problem(status, slug, title, str(error))
    if isinstance(error, RequestValidationError):
        return _validation(error)
    if isinstance(error, HTTPException):
        detail = error.detail if isinstance(error.detail, str) else _phrase(error.status_code)
        return Problem(error.status_code, None, None, detail, headers=dict(error.headers or {}))
    if isinstance(error, IntegrityError):
        return Problem(
            409,
            "conflict",
            "The write conflicts with the stored state",
            "the write conflicts with a stored record (a duplicate or a missing reference)",
        )
    if isinstance(error, DataError):
        return Problem(
            422,
            "input",
            "Invalid input",
            "a value cannot be stored: too long, out of range, or with a NUL character",
        )
    if isinstance(error, OperationalError):
        return Problem(
            503,
            "unavailable",
            None,
            "the database is busy or unavailable: retry later",
            headers={"Retry-After": "1"},
        )
    return Problem(500, "internal", None, "an unexpected error occurred; it was logged")


async def handle_error(request: Request, error: Exception) -> JSONResponse:
    """The API's one exception handler: map ``error`` by family to a problem response."""
    answer = to_problem(error)
    if answer.status >= 500:
        log.error("%s %s failed: %r", request.method, request.url.path, error, exc_info=error)
    elif isinstance(error, SQLAlchemyError):
        log.warning("%s %s refused by the database: %s", request.method, request.url.path, error)
    return problem(
        request,
        answer.status,
        answer.detail,
        type_=None if answer.slug is None else PROBLEM_BASE + answer.slug,
        title=answer.title,
        headers=answer.headers,
        **answer.extra,
    )


def install_error_handlers(app: FastAPI) -> None:
    """Send every exception ``app`` can meet to :func:`handle_error`."""
    for kind in (SitraceError, RequestValidationError, HTTPException, SQLAlchemyError, Exception):
        app.add_exception_handler(kind, handle_error)

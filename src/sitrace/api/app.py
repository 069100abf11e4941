"""The FastAPI application of the data centre, built by :func:`create_app`.

Nothing is opened at import: the data centre (database and ledger key) is
opened by the app's lifespan from the settings, or handed in (tests, scripts),
and kept on ``app.state.datacentre``. Run it with
``uvicorn --factory sitrace.api:create_app``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.routing import APIRoute
from starlette.concurrency import run_in_threadpool

from .. import __version__
from ..config import Settings
from ..services import DataCentre, open_data_centre
from .errors import SafeJSONResponse, install_error_handlers
from .routes import api_router

__all__ = ["create_app", "operation_id"]

DESCRIPTION = """\
The sitrace data centre: measurement standards, instruments, calibrations with
their uncertainty budgets, traceability chains to the SI, and a tamper-evident
ledger (RFC 6962 Merkle log with signed checkpoints) of every write.

Authenticate with `Authorization: Bearer <token>`. Errors are
`application/problem+json` (RFC 9457). Writes return the record and the
ledger `receipt` of the write, verifiable offline with the key of `/api/v1/ledger/key`.
"""


def operation_id(route: APIRoute) -> str:
    """A stable OpenAPI operation id: ``<tag>-<route name>``."""
    tag = route.tags[0] if route.tags else "default"
    return f"{tag}-{route.name}"


def create_app(
    settings: Settings | None = None, *, datacentre: DataCentre | None = None
) -> FastAPI:
    """The API application.

    Parameters
    ----------
    settings : Settings, optional
        Where the data centre is (read from the environment at startup when not given).
    datacentre : DataCentre, optional
        An open data centre to serve (the caller keeps it open and closes it);
        when given, ``settings`` is not used.
    """

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        opened = None
        if app.state.datacentre is None:
            chosen = settings if settings is not None else Settings.from_env()
            opened = await run_in_threadpool(open_data_centre, chosen)
            app.state.datacentre = opened
        try:
            yield
        finally:
            if opened is not None:
                app.state.datacentre = None
                opened.database.dispose()

    app = FastAPI(
        title="sitrace data centre",
        version=__version__,
        description=DESCRIPTION,
        docs_url="/docs",
        redoc_url=None,
        openapi_url="/openapi.json",
        generate_unique_id_function=operation_id,
        default_response_class=SafeJSONResponse,
        lifespan=lifespan,
    )
    app.state.datacentre = datacentre
    install_error_handlers(app)
    app.include_router(api_router)
    return app

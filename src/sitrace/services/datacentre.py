"""The data centre: a database, the ledger's signing key and the settings, together.

Services take a :class:`DataCentre` and own their transaction
(:meth:`DataCentre.transaction`), so a record and its ledger entry are written
together or not at all.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from .. import ledger as core
from ..config import Settings
from ..dcc.schemas import SchemaCatalog, find_schemas
from ..errors import DccSchemaError, InputError, SignatureError, StaleVersionError
from ..store import Database, connect
from . import ledger
from .access import Actor

__all__ = ["DataCentre", "load_schemas", "load_signer", "open_data_centre"]


@dataclass(frozen=True)
class DataCentre:
    database: Database
    signer: core.Signer
    origin: str = "sitrace.local/ledger"
    tur_warning: float = 4.0
    dcc_identity: Any = None
    """The :class:`~sitrace.services.identity.SigningIdentity` that signs issued DCCs."""
    dcc_schemas: SchemaCatalog | None = None
    """The offline XSDs issued DCCs are validated against (None: issued unvalidated)."""

    @property
    def verifier(self) -> core.Verifier:
        return self.signer.verifier

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session in one transaction: committed on success, rolled back on any error."""
        session = self.database.session()
        try:
            with session.begin():
                yield session
        except StaleDataError as error:
            raise StaleVersionError(
                "the record was changed by someone else while this change was being made: "
                "read it again and retry"
            ) from error
        finally:
            session.close()

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A session for reads (nothing is committed; on SQLite it takes no write lock)."""
        session = self.database.reader()
        try:
            yield session
        finally:
            session.rollback()
            session.close()

    def log(
        self,
        session: Session,
        writes: Iterable[tuple[str, Any]],
        *,
        actor: Actor,
        note: str | None = None,
    ) -> list[ledger.Logged]:
        return ledger.log(session, self.signer, writes, actor=actor, origin=self.origin, note=note)


def load_signer(settings: Settings, *, create: bool = True) -> core.Signer:
    """The ledger key from the settings, or from the key file (created on first use)."""
    if settings.ledger_key:
        try:
            return core.Signer.from_key(settings.ledger_key)
        except (SignatureError, InputError, ValueError) as error:
            raise InputError(f"not a signer key: {error}", where="SITRACE_LEDGER_KEY") from error
    path = settings.default_key_file()
    if path.exists():
        try:
            return core.Signer.from_key(path.read_text().strip())
        except (SignatureError, InputError, ValueError) as error:
            raise InputError(f"not a signer key: {error}", where=str(path)) from error
    if not create:
        raise InputError("no ledger key: set SITRACE_LEDGER_KEY", where=str(path))
    signer = core.generate_signer(settings.origin)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process created it first: use that one
        return load_signer(settings, create=False)
    with os.fdopen(descriptor, "w") as handle:
        handle.write(signer.key + "\n")
    return signer


def load_schemas(settings: Settings) -> SchemaCatalog | None:
    """The configured schema catalog, else the user's one if present, else None."""
    if settings.dcc_schemas is not None:
        return find_schemas(settings.dcc_schemas)
    try:
        return find_schemas()
    except DccSchemaError:
        return None


def open_data_centre(settings: Settings | None = None, *, migrate: bool = True) -> DataCentre:
    from .identity import load_identity

    settings = Settings.from_env() if settings is None else settings
    database = connect(settings.database_url, migrate=migrate)
    return DataCentre(
        database,
        load_signer(settings),
        settings.origin,
        settings.tur_warning,
        dcc_identity=load_identity(settings),
        dcc_schemas=load_schemas(settings),
    )

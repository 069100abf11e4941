"""Settings of the data centre, read from the environment (never from the repository).

========================  =====================================================
``SITRACE_DATABASE_URL``  SQLAlchemy URL; default ``sqlite:///sitrace.db``
``SITRACE_LEDGER_KEY``    the checkpoint signing key (C2SP ``PRIVATE+KEY+…``)
``SITRACE_KEY_FILE``      file holding that key; default ``<database>.ledger-key``
                          next to a SQLite file, else ``~/.config/sitrace/…``
``SITRACE_ORIGIN``        the log's origin line; default ``sitrace.local/ledger``
``SITRACE_TUR_WARNING``   TUR below which a chain link is flagged; default 4
``SITRACE_DCC_SCHEMAS``   folder with the DCC/D-SI XSDs and ``catalog.xml``;
                          without it certificates are issued unvalidated (and say so)
``SITRACE_DCC_KEY``       PEM private key that signs issued DCCs (XAdES)
``SITRACE_DCC_CERT``      PEM certificate chain of that key, signer first
``SITRACE_DCC_ROOTS``     PEM roots trusted when verifying DCCs
========================  =====================================================

Without ``SITRACE_DCC_KEY``, a data centre signs with its own self-signed
identity, created on first use next to the ledger key (``<database>.dcc.pem``):
enough for a demo and for checking integrity, trusted by nobody else.

When no key is given and the key file does not exist, a new Ed25519 key is
generated and written there with mode 0600: each data centre has its own key
and no secret is ever part of the source tree.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url

from .errors import InputError
from .store import DEFAULT_URL

__all__ = ["Settings"]


@dataclass(frozen=True, slots=True)
class Settings:
    database_url: str = DEFAULT_URL
    ledger_key: str | None = None
    key_file: Path | None = None
    origin: str = "sitrace.local/ledger"
    tur_warning: float = 4.0
    dcc_schemas: Path | None = None
    dcc_key: Path | None = None
    dcc_cert: Path | None = None
    dcc_roots: Path | None = None

    def __repr__(self) -> str:
        key = "<set>" if self.ledger_key else None
        return (
            f"Settings(database_url={self.database_url!r}, ledger_key={key}, "
            f"key_file={self.key_file!r}, origin={self.origin!r})"
        )

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides) -> Settings:
        env = os.environ if env is None else env
        values = {
            "database_url": env.get("SITRACE_DATABASE_URL", DEFAULT_URL),
            "ledger_key": env.get("SITRACE_LEDGER_KEY") or None,
            "key_file": Path(env["SITRACE_KEY_FILE"]) if env.get("SITRACE_KEY_FILE") else None,
            "origin": env.get("SITRACE_ORIGIN", "sitrace.local/ledger"),
        }
        for name in ("dcc_schemas", "dcc_key", "dcc_cert", "dcc_roots"):
            value = env.get(f"SITRACE_{name.upper()}")
            values[name] = Path(value) if value else None
        if env.get("SITRACE_TUR_WARNING"):
            try:
                values["tur_warning"] = float(env["SITRACE_TUR_WARNING"])
            except ValueError as error:
                raise InputError(
                    f"must be a number, got {env['SITRACE_TUR_WARNING']!r}",
                    where="SITRACE_TUR_WARNING",
                ) from error
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)

    def default_dcc_identity_file(self) -> Path:
        """Where the self-signed DCC identity is kept when no key is configured."""
        ledger_key = self.default_key_file()
        return ledger_key.with_name(ledger_key.name.removesuffix(".ledger-key") + ".dcc.pem")

    def default_key_file(self) -> Path:
        if self.key_file is not None:
            return self.key_file
        url = make_url(self.database_url)
        if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
            return Path(url.database).with_suffix(".ledger-key")
        name = (url.database or "sitrace").replace("/", "_")
        return Path.home() / ".config" / "sitrace" / f"{url.host or 'local'}-{name}.ledger-key"

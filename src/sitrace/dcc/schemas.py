"""The DCC and D-SI XML schemas, found on disk and never fetched from the network.

The XSDs are PTB's (LGPL-3.0) and are not shipped inside sitrace: a folder
holding them and an OASIS XML catalog (``catalog.xml``) mapping each schema's
official URL to its local copy is found, in this order, from

1. the ``folder`` argument (``--schemas`` on the command line);
2. the ``SITRACE_DCC_SCHEMAS`` environment variable;
3. ``$XDG_DATA_HOME/sitrace/dcc-schemas`` (``~/.local/share/sitrace/dcc-schemas``).

Every import the schemas make is resolved through the catalog; a URL missing
from it is an error, not a download.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from ..errors import DccSchemaError
from .parsing import safe_parser

__all__ = ["SchemaCatalog", "default_schema_folder", "find_schemas"]

_CATALOG_NS = "urn:oasis:names:tc:entity:xmlns:xml:catalog"
_DCC_XSD = re.compile(r"/dcc/v(\d+\.\d+\.\d+)/dcc\.xsd$")


def default_schema_folder(env: Mapping[str, str] | None = None) -> Path:
    """``$XDG_DATA_HOME/sitrace/dcc-schemas``: where schemas are looked for last."""
    env = os.environ if env is None else env
    data_home = env.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(data_home) / "sitrace" / "dcc-schemas"


def find_schemas(
    folder: str | Path | None = None, *, env: Mapping[str, str] | None = None
) -> SchemaCatalog:
    """The schema catalog in ``folder``, ``$SITRACE_DCC_SCHEMAS`` or the user data folder.

    Raises
    ------
    DccSchemaError
        No folder with a ``catalog.xml`` was found; the message says where it looked.
    """
    env = os.environ if env is None else env
    if folder is not None:
        candidates = [("the folder given", Path(folder))]
    elif env.get("SITRACE_DCC_SCHEMAS"):
        candidates = [("SITRACE_DCC_SCHEMAS", Path(env["SITRACE_DCC_SCHEMAS"]))]
    else:
        candidates = [("the user data folder", default_schema_folder(env))]
    source, path = candidates[0]
    catalog = path / "catalog.xml" if path.is_dir() else path
    if not catalog.is_file():
        raise DccSchemaError(
            f"no DCC schema catalog at {catalog} ({source}). sitrace never downloads "
            "schemas: put PTB's DCC and D-SI XSDs with an OASIS catalog.xml in a folder "
            "and set SITRACE_DCC_SCHEMAS to it (or pass --schemas)"
        )
    return SchemaCatalog.load(catalog)


@dataclass(frozen=True, eq=False)
class SchemaCatalog:
    """Schema URLs mapped to local files, and the DCC versions they provide.

    Attributes
    ----------
    catalog : Path
        The ``catalog.xml`` read.
    uris : dict[str, Path]
        Official schema URL -> local file.
    """

    catalog: Path
    uris: dict[str, Path]
    _compiled: dict[str, etree.XMLSchema] = field(default_factory=dict, repr=False)

    @classmethod
    def load(cls, catalog: str | Path) -> SchemaCatalog:
        """Read an OASIS XML catalog (``uri`` and ``system`` entries)."""
        catalog = Path(catalog)
        try:
            tree = etree.parse(str(catalog), safe_parser())
        except (OSError, etree.XMLSyntaxError) as error:
            raise DccSchemaError(
                f"cannot read the schema catalog: {error}", where=str(catalog)
            ) from error
        uris: dict[str, Path] = {}
        for entry in tree.getroot():
            if not isinstance(entry.tag, str) or etree.QName(entry).namespace != _CATALOG_NS:
                continue
            name = entry.get("name") or entry.get("systemId")
            target = entry.get("uri")
            if name and target:
                local = (catalog.parent / target).resolve()
                if not local.is_file():
                    raise DccSchemaError(
                        f"catalog entry {name} points to {local}, which does not exist",
                        where=str(catalog),
                    )
                uris[name] = local
        return cls(catalog=catalog, uris=uris)

    @property
    def versions(self) -> dict[str, Path]:
        """DCC schema version -> its ``dcc.xsd``, e.g. ``{"3.3.0": Path(...)}``."""
        found: dict[str, Path] = {}
        for url, path in self.uris.items():
            match = _DCC_XSD.search(url)
            if match:
                found[match.group(1)] = path
        return dict(sorted(found.items(), key=lambda item: _version_key(item[0])))

    @property
    def latest(self) -> str:
        """The newest DCC version in the catalog."""
        versions = list(self.versions)
        if not versions:
            raise DccSchemaError("the catalog lists no DCC schema", where=str(self.catalog))
        return versions[-1]

    def xsd(self, version: str) -> etree.XMLSchema:
        """The compiled XSD of DCC ``version`` (compiled once per catalog).

        Raises
        ------
        DccSchemaError
            ``version`` is not in the catalog (the message lists those that are).
        """
        if version not in self._compiled:
            path = self.versions.get(version)
            if path is None:
                known = ", ".join(self.versions) or "none"
                raise DccSchemaError(
                    f"no schema for DCC schemaVersion {version!r} in the offline catalog "
                    f"(known: {known}); validate against a known release with "
                    "as_version= (--as on the command line)",
                    where=str(self.catalog),
                )
            parser = safe_parser()
            parser.resolvers.add(_CatalogResolver(self.uris))
            try:
                document = etree.parse(str(path), parser)
                self._compiled[version] = etree.XMLSchema(document)
            except (etree.XMLSchemaParseError, etree.XMLSyntaxError) as error:
                raise DccSchemaError(
                    f"cannot compile the schema: {error}", where=str(path)
                ) from error
        return self._compiled[version]


class _CatalogResolver(etree.Resolver):
    """Resolves schema imports from the catalog; refuses anything remote."""

    def __init__(self, uris: Mapping[str, Path]) -> None:
        super().__init__()
        self._uris = uris

    def resolve(self, url, public_id, context):
        if url in self._uris:
            return self.resolve_filename(str(self._uris[url]), context)
        if url.startswith(("http://", "https://", "ftp://")):
            raise DccSchemaError(f"schema import {url} is not in the offline catalog")
        return None


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))

"""``sitrace dcc``: read, validate, sign, verify and render Digital Calibration Certificates.

Every command works offline on files; ``dcc issue`` asks the data centre for the
certificate of a stored calibration. Exit codes: 0 all good, 1 a file is
invalid or does not verify, 2 an error (unreadable file, missing schemas, bad
option), printed in words.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from ..errors import InputError, SitraceError

__all__ = ["dcc_app"]

dcc_app = typer.Typer(
    help=(
        "Digital Calibration Certificates (PTB DCC, D-SI): validate offline, show, flatten "
        "results to a table, sign and verify (XAdES), render to HTML/PDF, issue from the "
        "data centre."
    ),
    no_args_is_help=True,
)

err = Console(stderr=True)
out = Console(highlight=False, soft_wrap=True)

Files = Annotated[
    list[Path],
    typer.Argument(help="DCC XML files.", show_default=False, dir_okay=False),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON (one object per file).")]
MaxBytes = Annotated[
    int,
    typer.Option(
        "--max-bytes",
        envvar="SITRACE_DCC_MAX_BYTES",
        help="Refuse larger files (bytes).",
    ),
]
DEFAULT_MAX = 64 * 2**20


def _fail(error: SitraceError) -> typer.Exit:
    err.print(f"[bold red]error:[/bold red] {error}", highlight=False, soft_wrap=True)
    return typer.Exit(2)


@dcc_app.command("validate", no_args_is_help=True)
def validate_command(
    files: Files,
    as_json: JsonOption = False,
    as_version: Annotated[
        str | None,
        typer.Option(
            "--as",
            help="Validate against this DCC release when the file's @schemaVersion has no "
            "schema (e.g. 3.3.0 for a 3.2.1 file); the report says so.",
        ),
    ] = None,
    schemas: Annotated[
        Path | None,
        typer.Option(
            "--schemas",
            envvar="SITRACE_DCC_SCHEMAS",
            help="Folder with the XSDs and catalog.xml (never downloaded).",
            file_okay=False,
        ),
    ] = None,
    max_bytes: MaxBytes = DEFAULT_MAX,
) -> None:
    """Validate DCC files offline: the XSD of their @schemaVersion, then the rules the
    schema cannot express (D-SI units, list lengths, k and p, id/refId, languages,
    dates, ISO codes, uncertainties, si:hybrid consistency), each with its line and path."""
    from ..dcc.schemas import find_schemas
    from ..dcc.validate import validate

    try:
        catalog = find_schemas(schemas)
    except SitraceError as error:
        raise _fail(error) from None
    all_valid = True
    for file in files:
        try:
            report = validate(file, schemas=catalog, as_version=as_version, max_bytes=max_bytes)
        except SitraceError as error:
            raise _fail(error) from None
        all_valid &= report.valid
        if as_json:
            out.print(json.dumps(report.to_dict(), ensure_ascii=False))
            continue
        verdict = "[green]valid[/green]" if report.valid else "[red]INVALID[/red]"
        out.print(f"{file}: {verdict} (DCC {report.schema_version})")
        for problem in report.problems:
            colour = "red" if problem.severity == "error" else "yellow"
            out.print(
                f"  [{colour}]{problem.severity}[/{colour}] {problem.rule} line {problem.line} "
                f"{problem.path}\n      {problem.message}"
            )
    raise typer.Exit(0 if all_valid else 1)


@dcc_app.command("show", no_args_is_help=True)
def show_command(files: Files, max_bytes: MaxBytes = DEFAULT_MAX) -> None:
    """Show a certificate's administrative data and what its results hold."""
    from ..dcc.parsing import DS_NS
    from ..dcc.read import read_certificate
    from ..dcc.signature import canonical_digest

    for file in files:
        try:
            document = _parse(file, max_bytes)
            cert = read_certificate(document)
            digest = canonical_digest(document)
        except SitraceError as error:
            raise _fail(error) from None
        core = cert.core_data
        table = Table(title=f"{file}", show_header=False, title_justify="left")
        table.add_column(style="bold")
        table.add_column()
        lang = (core.mandatory_languages or core.used_languages or (None,))[0]
        rows = [
            ("identifier", core.unique_identifier),
            ("schema version", cert.schema_version),
            ("laboratory", cert.calibration_laboratory.name.get(lang) or ""),
            ("customer", cert.customer.name.get(lang) or ""),
            ("items", "; ".join(i.name.get(lang) or "" for i in cert.items)),
            ("performed", f"{core.begin_performance_date} to {core.end_performance_date}"),
            ("location", str(core.performance_location)),
            (
                "languages",
                f"used {', '.join(core.used_languages)}; "
                f"mandatory {', '.join(core.mandatory_languages)}",
            ),
            ("results", _count_results(cert)),
            ("signatures", str(len(document.root.findall(f"{{{DS_NS}}}Signature")))),
            ("digest (SHA-256, exc-c14n)", digest.hex()),
        ]
        if cert.document is not None:
            rows.append(
                (
                    "embedded document",
                    f"{cert.document_name} ({len(cert.document):,} "
                    "bytes; not verified against the XML)",
                )
            )
        for name, value in rows:
            table.add_row(name, value)
        out.print(table)


def _count_results(cert) -> str:
    results = sum(len(m.results) for m in cert.measurement_results)
    quantities = sum(len(r.data) for m in cert.measurement_results for r in m.results)
    return (
        f"{len(cert.measurement_results)} measurement result(s), {results} result(s), "
        f"{quantities} quantities"
    )


def _parse(file: Path, max_bytes: int):
    from ..dcc.parsing import parse

    return parse(file, max_bytes=max_bytes)


@dcc_app.command("table", no_args_is_help=True)
def table_command(
    file: Annotated[Path, typer.Argument(help="A DCC XML file.", dir_okay=False)],
    csv: Annotated[bool, typer.Option("--csv", help="Write CSV instead of a table.")] = False,
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="Write to this file (CSV).")
    ] = None,
    max_bytes: MaxBytes = DEFAULT_MAX,
) -> None:
    """Flatten the results to one row per value: result, quantity name per language,
    value, unit, expanded uncertainty, k, p (1-entry lists broadcast; every unit of an
    si:hybrid kept)."""
    from ..dcc.read import read_certificate
    from ..dcc.table import to_dataframe

    try:
        cert = read_certificate(_parse(file, max_bytes))
        frame = to_dataframe(cert)
    except SitraceError as error:
        raise _fail(error) from None
    if csv or output is not None:
        if output is None:
            frame.to_csv(sys.stdout, index=False)
        else:
            frame.to_csv(output, index=False)
            err.print(f"wrote {len(frame)} rows to {output}")
        return
    table = Table(title=f"{file}: {len(frame)} rows", title_justify="left")
    for column in frame.columns:
        table.add_column(str(column), overflow="fold")
    for row in frame.itertuples(index=False):
        table.add_row(*("" if _missing(v) else str(v) for v in row))
    out.print(table)


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and value != value)


@dcc_app.command("sign", no_args_is_help=True)
def sign_command(
    file: Annotated[Path, typer.Argument(help="The DCC to sign.", dir_okay=False)],
    key: Annotated[Path, typer.Option("--key", help="PEM private key.", dir_okay=False)],
    cert: Annotated[
        Path, typer.Option("--cert", help="PEM certificate chain, signer first.", dir_okay=False)
    ],
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="Default: FILE with .signed.xml.")
    ] = None,
    max_bytes: MaxBytes = DEFAULT_MAX,
) -> None:
    """Sign a DCC (enveloped XAdES-B, ECDSA or RSA with SHA-256); ds:Signature goes last
    in the root, so the signed file still validates against the XSD."""
    from ..dcc.signature import canonical_digest, load_signing_identity, sign

    try:
        identity_key, chain = load_signing_identity(key, cert)
        signed = sign(_parse(file, max_bytes), key=identity_key, certificates=chain)
    except SitraceError as error:
        raise _fail(error) from None
    target = output or file.with_suffix(".signed.xml")
    target.write_bytes(signed)
    err.print(f"signed {file} -> {target} (digest {canonical_digest(signed).hex()})")


@dcc_app.command("verify", no_args_is_help=True)
def verify_command(
    files: Files,
    as_json: JsonOption = False,
    roots: Annotated[
        Path | None,
        typer.Option(
            "--roots", envvar="SITRACE_DCC_ROOTS", help="PEM file of trusted root certificates."
        ),
    ] = None,
    at: Annotated[
        str | None,
        typer.Option(
            "--at",
            help="Check the certificate chain at this time (ISO 8601, UTC if no zone; "
            "default: the signing time).",
        ),
    ] = None,
    receipt: Annotated[
        Path | None,
        typer.Option(
            "--receipt",
            help="Ledger receipt (JSON) of the certificate, checked offline with --log-key.",
        ),
    ] = None,
    log_key: Annotated[
        str | None,
        typer.Option("--log-key", help="The ledger's verifier key (sitrace ledger key)."),
    ] = None,
    max_bytes: MaxBytes = DEFAULT_MAX,
) -> None:
    """Verify DCC signatures: integrity (digests and signature value), signer, signing
    time, whether the signer's certificate was valid then, and trust (a configured root
    or "unknown root"). With --receipt, also that the data centre logged exactly this file."""
    from ..dcc.signature import verify
    from ..services.identity import load_roots

    try:
        trusted = load_roots(roots)
        when = dt.datetime.fromisoformat(at) if at else None
        if when is not None and when.tzinfo is None:
            when = when.replace(tzinfo=dt.UTC)
    except (SitraceError, ValueError) as error:
        raise _fail(InputError(str(error), where="--at/--roots")) from None
    all_ok = True
    for file in files:
        try:
            document = _parse(file, max_bytes)
            report = verify(document, trusted_roots=trusted, at=when)
            ledger = _receipt_check(document, receipt, log_key) if receipt else None
        except SitraceError as error:
            raise _fail(error) from None
        ok = report.integrity and (ledger is None or ledger["logged"])
        all_ok &= ok
        if as_json:
            body = report.to_dict()
            if ledger is not None:
                body["ledger"] = ledger
            out.print(json.dumps(body, ensure_ascii=False))
            continue
        verdict = (
            "[green]integrity OK[/green]" if report.integrity else "[red]INTEGRITY FAILED[/red]"
        )
        out.print(f"{file}: {verdict}")
        for name, value in report.to_dict().items():
            if name != "integrity":
                out.print(f"  {name}: {value}")
        if ledger is not None:
            out.print(
                f"  ledger: {'logged' if ledger['logged'] else 'NOT PROVEN'} "
                + "; ".join(ledger["problems"])
            )
    raise typer.Exit(0 if all_ok else 1)


def _receipt_check(document, path: Path, log_key: str | None) -> dict:
    from ..dcc.signature import canonical_digest
    from ..ledger import Receipt, verify_receipt

    if not log_key:
        raise InputError("a receipt is checked against the ledger's key", where="--log-key")
    try:
        proof = Receipt.from_dict(json.loads(path.read_text()))
    except (OSError, ValueError) as error:
        raise InputError(f"not a receipt: {error}", where=str(path)) from error
    check = verify_receipt(proof, log_key)
    problems = list(check.problems)
    logged = json.loads(proof.entry).get("record", {}).get("data", {})
    if logged.get("digest") != canonical_digest(document).hex():
        problems.append("the receipt is for another certificate (digest differs)")
    return {"logged": not problems, "problems": problems}


@dcc_app.command("render", no_args_is_help=True)
def render_command(
    files: Files,
    output: Annotated[
        Path, typer.Option("-o", "--output", help="Folder to write into.", file_okay=False)
    ] = Path("."),
    formats: Annotated[
        list[str], typer.Option("--format", help="html and/or pdf (repeat the option).")
    ] = ["html", "pdf"],  # noqa: B006
    lang: Annotated[
        str | None, typer.Option("--lang", help="One language (default: each one used).")
    ] = None,
    max_bytes: MaxBytes = DEFAULT_MAX,
) -> None:
    """Render certificates for people: HTML and PDF in each of their languages, with result
    tables (units in Unicode, U with k), plots of result lists and a QR code of the
    identifier and digest. An embedded PDF is extracted beside them, with a warning."""
    from ..dcc.read import read_certificate
    from ..dcc.render import EMBEDDED_WARNING, embedded_document, render_all
    from ..dcc.signature import canonical_digest

    unknown = set(formats) - {"html", "pdf"}
    if unknown:
        raise _fail(
            InputError(f"unknown format {sorted(unknown)}; use html or pdf", where="--format")
        )
    output.mkdir(parents=True, exist_ok=True)
    for file in files:
        try:
            document = _parse(file, max_bytes)
            cert = read_certificate(document)
            digest = canonical_digest(document)
            if lang is None:
                written = render_all(cert, output, formats=tuple(formats), digest=digest)
            else:
                written = _render_one(cert, output, lang, tuple(formats), digest)
        except SitraceError as error:
            raise _fail(error) from None
        for path in written:
            err.print(f"wrote {path}")
        embedded = embedded_document(cert)
        if embedded is not None:
            name, data = embedded
            target = output / Path(name).name
            target.write_bytes(data)
            err.print(f"[yellow]warning:[/yellow] extracted {target}: {EMBEDDED_WARNING}")


def _render_one(cert, folder: Path, lang: str, formats: tuple[str, ...], digest: bytes):
    from ..dcc.render import render_html, render_pdf

    stem = "".join(
        c if c.isalnum() or c in "._-" else "_" for c in cert.core_data.unique_identifier
    )
    written = []
    for fmt in formats:
        path = folder / f"{stem}.{lang}.{fmt}"
        if fmt == "html":
            path.write_text(render_html(cert, lang=lang, digest=digest), encoding="utf-8")
        else:
            path.write_bytes(render_pdf(cert, lang=lang, digest=digest))
        written.append(path)
    return written


@dcc_app.command("issue", no_args_is_help=True)
def issue_command(
    calibration: Annotated[int, typer.Argument(help="Id of the calibration to certify.")],
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="Write the signed XML here.")
    ] = None,
    token: Annotated[
        str | None,
        typer.Option("--token", envvar="SITRACE_TOKEN", help="Bearer token of the lab user."),
    ] = None,
    as_admin: Annotated[
        bool, typer.Option("--as-admin", help="Act as the data centre itself.")
    ] = False,
    database: Annotated[
        str | None,
        typer.Option("--database", envvar="SITRACE_DATABASE_URL", help="SQLAlchemy URL."),
    ] = None,
) -> None:
    """Issue the signed DCC of a stored calibration: written as DCC 3.3.0, validated when
    the schemas are configured, signed, archived and logged in the ledger. Writes the XML
    and its ledger receipt (FILE.receipt.json)."""
    from ..services.certificates import get_certificate, issue_certificate
    from .transfer import _actor, _open

    try:
        dc = _open(database)
        actor = _actor(dc, token, as_admin)
        written = issue_certificate(dc, actor, calibration)
        with dc.reading() as session:
            xml = get_certificate(session, actor, written.record["id"]).xml
    except SitraceError as error:
        raise _fail(error) from None
    name = "".join(
        c if c.isalnum() or c in "-_." else "_" for c in written.record["unique_identifier"]
    )
    target = output or Path(f"{name}.xml")
    target.write_bytes(xml)
    receipt_path = target.with_suffix(".receipt.json")
    receipt_path.write_text(json.dumps(written.receipt.to_dict(), indent=2))
    record = written.record
    err.print(
        f"issued {record['unique_identifier']} -> {target}\n"
        f"  digest {record['digest']}\n  signed by {record['signer']}\n"
        f"  validated: {'yes' if record['validated'] else 'no (no schemas configured)'}\n"
        f"  ledger receipt -> {receipt_path} (check: sitrace dcc verify {target} "
        f'--receipt {receipt_path} --log-key "$(sitrace ledger key)")'
    )

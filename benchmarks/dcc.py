"""Throughput of reading DCCs: sitrace against xmlschema, measured in the same run.

What it measures
----------------
Over every example certificate of ``shared/dcc/examples`` (11 files, 15-58 kB),
repeated ``--repeat`` times, in certificates per second:

1. **sitrace**, the whole way a received certificate goes: safe parse
   (:func:`sitrace.dcc.parse`), validation (:func:`sitrace.dcc.validate.validate`:
   the XSD of its ``@schemaVersion``, or 3.3.0 with ``as_version`` where the offline
   catalog lacks the release, then the rules), the model
   (:func:`sitrace.dcc.read.read_certificate`) and the table of its results
   (:func:`sitrace.dcc.table.flatten`). Each stage is also timed alone.
2. **Baseline**: plain xmlschema (``XMLSchema10(...).decode(..., validation="lax")``,
   offline through a ``uri_mapper`` built from the same catalog): XSD validation and
   decoding to Python dicts, which is what a Python user without sitrace would
   write. Its input has ``@schemaVersion`` rewritten beforehand (outside the timing)
   where sitrace validates ``as_version``, so both validate against the same XSD.

The schemas are compiled once for each side before timing (their compile times are
printed apart). The ratio is sitrace's throughput over the baseline's; above 1
sitrace is faster although it does more (rules, model, table). Both sides' XSD
verdicts are compared file by file and printed.

How to run
----------
From the repository root::

    .venv/bin/python benchmarks/dcc.py               # a few seconds
    .venv/bin/python benchmarks/dcc.py --repeat 100

xmlschema comes with the ``bench`` (and ``test``) extra. ``--shared`` (default
``../shared/dcc``, or ``$SITRACE_SHARED_DCC``) is the folder of ``schema/`` and
``examples/``.

Notes
-----
One process, one core, wall-clock ``time.perf_counter``; each number is the median
over the repeats of one pass over all files. Nothing is asserted.
"""

from __future__ import annotations

import argparse
import io
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from importlib import metadata
from pathlib import Path

import xmlschema

from sitrace.dcc import parse
from sitrace.dcc.schemas import find_schemas
from sitrace.dcc.validate import validate

try:
    from sitrace.dcc.read import read_certificate
except ImportError:  # pragma: no cover - written by another change
    read_certificate = None
try:
    from sitrace.dcc.table import flatten
except ImportError:  # pragma: no cover - written by another change
    flatten = None

DEFAULT_SHARED = Path(
    os.environ.get("SITRACE_SHARED_DCC", Path(__file__).resolve().parents[2] / "shared" / "dcc")
)


def _median_pass(files: list, work: Callable, repeat: int) -> float:
    """Median seconds of one pass of ``work`` over every file."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        for item in files:
            work(item)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def _row(name: str, seconds: float, count: int, note: str = "") -> None:
    print(f"  {name:<44} {count / seconds:>10,.0f} /s {seconds / count * 1e3:>9.2f} ms  {note}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--as-version", default="3.3.0", help="for releases without an XSD")
    args = parser.parse_args()

    catalog = find_schemas(args.shared / "schema")
    paths = sorted((args.shared / "examples").glob("*.xml"))
    print(
        f"Python {platform.python_version()}, lxml {metadata.version('lxml')}, "
        f"xmlschema {metadata.version('xmlschema')}; {len(paths)} certificates, "
        f"median of {args.repeat} passes"
    )

    # what each side validates against
    jobs = []
    for path in paths:
        data = path.read_bytes()
        declared = parse(data).schema_version
        version = declared if declared in catalog.versions else args.as_version
        as_version = None if version == declared else version
        rewritten = data
        if as_version:
            rewritten = data.replace(
                f'schemaVersion="{declared}"'.encode(), f'schemaVersion="{version}"'.encode(), 1
            )
        jobs.append((path.name, data, version, as_version, rewritten))

    started = time.perf_counter()
    for version in catalog.versions:
        catalog.xsd(version)
    sitrace_compile = time.perf_counter() - started
    mapping = {url: str(path) for url, path in catalog.uris.items()}
    started = time.perf_counter()
    engines = {
        version: xmlschema.XMLSchema10(str(path), uri_mapper=mapping, allow="local")
        for version, path in catalog.versions.items()
    }
    baseline_compile = time.perf_counter() - started
    print(
        f"\nXSD compile (once): sitrace/lxml {sitrace_compile * 1e3:.0f} ms, "
        f"xmlschema {baseline_compile * 1e3:.0f} ms"
    )

    # verdicts of both engines, file by file
    print("\nXSD verdicts (errors: sitrace/libxml2, xmlschema)")
    for name, data, version, as_version, rewritten in jobs:
        report = validate(data, schemas=catalog, as_version=as_version, rules=False)
        ours = sum(p.rule == "xsd" for p in report.problems)
        _, errors = engines[version].decode(io.BytesIO(rewritten), validation="lax")
        agree = "agree" if (ours == 0) == (len(errors) == 0) else "DISAGREE"
        print(f"  {name:<52} {version}  {ours:>3} {len(errors):>3}  {agree}")

    count = len(jobs)
    print(f"\nThroughput ({count} certificates per pass)")
    stages = {
        "parse": lambda job: parse(job[1]),
        "parse + validate (XSD only)": lambda job: validate(
            job[1], schemas=catalog, as_version=job[3], rules=False
        ),
        "parse + validate (XSD + rules)": lambda job: validate(
            job[1], schemas=catalog, as_version=job[3]
        ),
    }
    if read_certificate is not None:
        stages["parse + read_certificate"] = lambda job: read_certificate(parse(job[1]))

    def full(job):
        document = parse(job[1])
        validate(document, schemas=catalog, as_version=job[3])
        if read_certificate is not None:
            certificate = read_certificate(document)
            if flatten is not None:
                flatten(certificate)

    parts = ["parse", "validate"]
    parts += ["read_certificate"] if read_certificate is not None else []
    parts += ["flatten"] if read_certificate is not None and flatten is not None else []
    full_name = "sitrace: " + " + ".join(parts)

    for name, work in stages.items():
        _row(name, _median_pass(jobs, work, args.repeat), count)
    ours = _median_pass(jobs, full, args.repeat)
    _row(full_name, ours, count)
    baseline = _median_pass(
        jobs,
        lambda job: engines[job[2]].decode(io.BytesIO(job[4]), validation="lax"),
        args.repeat,
    )
    _row("baseline: xmlschema decode (validate + to dict)", baseline, count)
    print(f"\n  ratio sitrace / xmlschema (throughput): x{baseline / ours:.1f}")
    missing = [
        n for n, f in (("read_certificate", read_certificate), ("flatten", flatten)) if f is None
    ]
    if missing:
        print(f"  not measured (not importable yet): {', '.join(missing)}", file=sys.stderr)


if __name__ == "__main__":
    main()

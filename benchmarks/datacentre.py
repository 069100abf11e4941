"""Speed of the data centre: chain resolution and the ledger, against naive baselines.

What it measures
----------------
1. **Chain resolution** for one instrument in a registry of ``--instruments``
   instruments (default 10^6) with 10 calibrations each (10^7 calibrations),
   on PostgreSQL: the service's way (one recursive SQL query for the chain, then
   one query each for its items, their calibrations, the standards they used and
   the laboratories' scopes, then :func:`sitrace.traceability.resolve_chain`)
   against a naive baseline that walks the chain with one query per link (the
   latest calibration of the item, its standards, each standard, each scope).
   Over random instruments and dates of use: the first query of each (its rows
   read from disk or the OS cache), then, with the rows in PostgreSQL's cache,
   the baseline and the same query again (the ratio compares these two warm
   runs); both must find the same items. Target: first-query median under 10 ms.
2. **Ledger appends** through the sequencer (:func:`sitrace.services.ledger.log`):
   entries per second in batches (one signed checkpoint per batch), on SQLite and
   PostgreSQL, against a naive log that recomputes the whole tree after each
   append. Target: at least 5,000 appends per second.
3. **Inclusion proofs** from stored nodes (O(log n) reads) against recomputing
   the proof from every leaf hash, at growing tree sizes.

The registry is generated inside PostgreSQL (``INSERT … SELECT generate_series``)
in its own schema ``bench_datacentre`` of ``--postgres`` (default the project's
test server), which is dropped first; 10^6 instruments take a few minutes.

How to run
----------
From the repository root::

    .venv/bin/python benchmarks/datacentre.py                      # 10^6 / 10^7, minutes
    .venv/bin/python benchmarks/datacentre.py --instruments 20000  # quick look

References
----------
RFC 6962, 2.1 (tree, proofs); JCGM 200:2012, 2.41-2.42 (traceability chain).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
from sqlalchemy import select

from sitrace import ledger as core
from sitrace.services import DataCentre, ledger
from sitrace.services.access import SYSTEM
from sitrace.services.chains import chain_item_ids, registry_for
from sitrace.services.ledger import Pending
from sitrace.store import connect
from sitrace.store import models as m
from sitrace.traceability import resolve_chain

SCHEMA = "bench_datacentre"
YEARS = 10
FIRST_YEAR = 2016
N_NATIONAL, N_REFERENCE, N_WORKING, N_LABS = 10, 200, 5000, 50


def _report(name: str, value: str, target: str = "") -> None:
    print(f"  {name:<58} {value:>18} {target}")


# --------------------------------------------------------------------------- registry


def generate(url: str, instruments: int) -> str:
    """Create schema SCHEMA with the synthetic registry; return the URL that uses it."""
    import psycopg

    plain = url.replace("+psycopg", "")
    with psycopg.connect(plain, autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE")
        conn.execute(f"CREATE SCHEMA {SCHEMA}")
    scoped = f"{url}{'&' if '?' in url else '?'}options=-csearch_path%3D{SCHEMA}"
    database = connect(scoped)
    si, national0 = 1, 2
    reference0 = national0 + N_NATIONAL
    working0 = reference0 + N_REFERENCE
    instrument0 = working0 + N_WORKING
    last_item = instrument0 + instruments - 1
    statements = [
        f"""INSERT INTO organisation (id, code, name, kind, created_at, updated_at, version)
            SELECT g, 'ORG' || g, 'Organisation ' || g,
                   CASE WHEN g = 1 THEN 'nmi' WHEN g <= {1 + N_LABS} THEN 'calibration_lab'
                        ELSE 'owner' END, now(), now(), 1
            FROM generate_series(1, {1 + N_LABS + 1000}) g""",
        f"""INSERT INTO accreditation (laboratory_id, quantity, unit, low, high, cmc, valid_from)
            SELECT g, 'mass', '\\kilogram', 0, 1000, 1e-9, DATE '2000-01-01'
            FROM generate_series(1, {1 + N_LABS}) g""",
        f"""INSERT INTO item (id, kind, owner_id, name, serial, level, quantity, unit, mpe,
                              legal_control, status, created_at, updated_at, version)
            SELECT g,
                   CASE WHEN g < {instrument0} THEN 'standard' ELSE 'instrument' END,
                   CASE WHEN g < {reference0} THEN 1
                        WHEN g < {instrument0} THEN 2 + g % {N_LABS}
                        ELSE {2 + N_LABS} + g % 1000 END,
                   'Item ' || g, 'S' || g,
                   CASE WHEN g = {si} THEN 'si_realization'
                        WHEN g < {reference0} THEN 'national_primary'
                        WHEN g < {working0} THEN 'reference'
                        WHEN g < {instrument0} THEN 'working' ELSE 'instrument' END,
                   'mass', '\\kilogram',
                   CASE WHEN g < {reference0} THEN NULL WHEN g < {working0} THEN 5e-7
                        WHEN g < {instrument0} THEN 1e-4 ELSE 0.03 END,
                   g % 2 = 0, 'in_service', now(), now(), 1
            FROM generate_series(1, {last_item}) g""",
        # one calibration per item and year: id = (item - 2) * YEARS + year + 1
        f"""INSERT INTO calibration (id, item_id, laboratory_id, certificate, kind, performed,
                                     valid_until, status, expanded_uncertainty,
                                     relative_uncertainty, low, high, conformity,
                                     created_at, updated_at, version)
            SELECT (i - 2) * {YEARS} + y + 1, i,
                   CASE WHEN i < {working0} THEN 1 ELSE 2 + (i * 7 + y) % {N_LABS} END,
                   'C-' || i || '-' || y, 'calibration',
                   make_date({FIRST_YEAR} + y, 1, 1) + (i % 300),
                   make_date({FIRST_YEAR} + y + 1, 1, 1) + (i % 300) + 60,
                   'valid',
                   CASE WHEN i < {reference0} THEN 2e-8 WHEN i < {working0} THEN 1e-7
                        WHEN i < {instrument0} THEN 2e-5 ELSE 0.006 END,
                   CASE WHEN i < {reference0} THEN 2e-8 WHEN i < {working0} THEN 1e-7
                        WHEN i < {instrument0} THEN 1e-6 ELSE 1e-4 END,
                   1, 20, 'pass', now(), now(), 1
            FROM generate_series(2, {last_item}) i, generate_series(0, {YEARS - 1}) y""",
        f"""INSERT INTO calibration_standard (calibration_id, item_id)
            SELECT (i - 2) * {YEARS} + y + 1,
                   CASE WHEN i < {reference0} THEN {si}
                        WHEN i < {working0} THEN {national0} + i % {N_NATIONAL}
                        WHEN i < {instrument0} THEN {reference0} + i % {N_REFERENCE}
                        ELSE {working0} + (i * 13 + y) % {N_WORKING} END
            FROM generate_series(2, {last_item}) i, generate_series(0, {YEARS - 1}) y""",
        "ANALYZE",
    ]
    with database.engine.begin() as connection:
        connection.exec_driver_sql("SET LOCAL synchronous_commit = off")
        for statement in statements:
            started = time.perf_counter()
            connection.exec_driver_sql(statement.replace("%", "%%"))
            label = statement.split()[2] if statement.startswith("INSERT") else statement
            print(f"    {label:<22} {time.perf_counter() - started:7.1f} s")
    database.dispose()
    return scoped


def naive_chain_items(session, item_id: int, at: dt.date) -> set[int]:
    """The baseline: walk the chain with one query per link (and one per scope)."""
    seen: set[int] = set()

    def visit(item: int, used_at: dt.date, depth: int) -> None:
        seen.add(item)
        session.execute(select(m.Item).where(m.Item.id == item)).scalar_one()
        calibration = session.execute(
            select(m.Calibration)
            .where(
                m.Calibration.item_id == item,
                m.Calibration.performed <= used_at,
                m.Calibration.status == "valid",
            )
            .order_by(m.Calibration.performed.desc(), m.Calibration.id.desc())
            .limit(1)
        ).scalar_one_or_none()
        if calibration is None or depth > 20:
            return
        session.execute(
            select(m.Accreditation).where(
                m.Accreditation.laboratory_id == calibration.laboratory_id
            )
        ).all()
        standards = (
            session.execute(
                select(m.CalibrationStandard.item_id).where(
                    m.CalibrationStandard.calibration_id == calibration.id
                )
            )
            .scalars()
            .all()
        )
        for standard in standards:
            visit(standard, calibration.performed, depth + 1)

    visit(item_id, at, 0)
    return seen


def bench_chain(
    url: str, instruments: int, queries: int, rng: np.random.Generator, *, reuse: bool = False
) -> None:
    print(
        f"\n1. Chain resolution, {instruments:,} instruments, "
        f"{(instruments + N_NATIONAL + N_REFERENCE + N_WORKING) * YEARS:,} calibrations "
        "(PostgreSQL)"
    )
    started = time.perf_counter()
    if reuse:
        scoped = f"{url}{'&' if '?' in url else '?'}options=-csearch_path%3D{SCHEMA}"
        print(f"    reusing schema {SCHEMA}")
    else:
        scoped = generate(url, instruments)
        print(f"    generated in {time.perf_counter() - started:.0f} s")
    database = connect(scoped, migrate=False)
    instrument0 = 2 + N_NATIONAL + N_REFERENCE + N_WORKING
    picks = [
        (
            int(rng.integers(instrument0, instrument0 + instruments)),
            dt.date(FIRST_YEAR + 2, 6, 1) + dt.timedelta(days=int(rng.integers(0, 365 * 7))),
        )
        for _ in range(queries)
    ]
    cold, fast, naive = [], [], []

    def ours(item: int, at: dt.date):
        ids = chain_item_ids(session, item, at)
        return ids, resolve_chain(registry_for(session, ids, until=at), str(item), at)

    with database.session() as session:
        lengths = []
        for item, at in picks:
            t0 = time.perf_counter()
            ours(item, at)  # first touch of this instrument's rows
            t1 = time.perf_counter()
            baseline = naive_chain_items(session, item, at)
            t2 = time.perf_counter()
            ids, result = ours(item, at)
            t3 = time.perf_counter()
            if ids != baseline:
                raise AssertionError(f"chain of {item} at {at}: {ids} != {baseline}")
            cold.append(t1 - t0)
            naive.append(t2 - t1)
            fast.append(t3 - t2)
            lengths.append(result.steps)
    database.dispose()
    median = statistics.median(cold) * 1e3
    _report(
        "chain, first query of an instrument: median",
        f"{median:.2f} ms",
        "PASS (< 10 ms)" if median < 10 else "MISS (target < 10 ms)",
    )
    _report("chain, first query: 95th percentile", f"{np.percentile(cold, 95) * 1e3:.2f} ms")
    _report("chain, same query again (warm): median", f"{statistics.median(fast) * 1e3:.2f} ms")
    _report("naive one query per link (warm): median", f"{statistics.median(naive) * 1e3:.2f} ms")
    _report(
        "ratio naive / sitrace (warm medians)",
        f"x{statistics.median(naive) / statistics.median(fast):.1f}",
    )
    _report("steps from the SI (median)", f"{statistics.median(lengths):.0f}")


# --------------------------------------------------------------------------- ledger


def _pending(k: int) -> Pending:
    return Pending(
        action="create",
        record_type="item",
        record_id=k,
        organisation_id=1,
        actor=SYSTEM,
        data={"id": k, "name": f"bench item {k}", "serial": f"B{k}", "mpe": 0.03, "version": 1},
    )


def bench_ledger(name: str, url: str, total: int, batch: int) -> None:
    signer = core.generate_signer("bench.sitrace/ledger")
    dc = DataCentre(connect(url), signer, "bench.sitrace/ledger")
    print(f"\n2. Ledger appends on {name}: {total:,} entries in batches of {batch}")
    started = time.perf_counter()
    k = 0
    while k < total:
        with dc.transaction() as session:
            dc.log(session, [_pending(j) for j in range(k, k + batch)], actor=SYSTEM)
        k += batch
    elapsed = time.perf_counter() - started
    rate = total / elapsed
    _report(
        "appends per second (sequencer, committed)",
        f"{rate:,.0f}",
        "PASS (>= 5,000)" if rate >= 5000 else "MISS (target >= 5,000)",
    )

    naive_n = min(total, 3000)
    entries = [core.canonical_json(_pending(j).data) for j in range(naive_n)]
    started = time.perf_counter()
    hashes: list[bytes] = []
    for entry in entries:
        hashes.append(core.leaf_hash(entry))
        core.root_from_leaf_hashes(hashes)
    naive_rate = naive_n / (time.perf_counter() - started)
    started = time.perf_counter()
    compact = core.CompactRange.empty()
    for entry in entries:
        compact, _nodes = compact.append(core.leaf_hash(entry))
        compact.root()
    compact_rate = naive_n / (time.perf_counter() - started)
    _report(f"in memory, first {naive_n:,}: compact range appends/s", f"{compact_rate:,.0f}")
    _report(f"in memory, first {naive_n:,}: recompute-the-tree appends/s", f"{naive_rate:,.0f}")
    _report("ratio compact range / recompute", f"x{compact_rate / naive_rate:,.0f}")

    print(f"\n3. Inclusion proofs on {name}")
    with dc.reading() as session:
        leaves = [
            h
            for (h,) in session.execute(
                select(m.LedgerEntry.leaf_hash).order_by(m.LedgerEntry.index)
            )
        ]
        for size in (1_000, 10_000, 100_000, len(leaves)):
            if size > len(leaves):
                continue
            head_root = core.root_from_leaf_hashes(leaves[:size])
            indexes = np.random.default_rng(size).integers(0, size, 50)
            started = time.perf_counter()
            for index in indexes:
                proof = ledger.inclusion(session, int(index), size)
            stored = (time.perf_counter() - started) / len(indexes)
            assert core.verify_inclusion(
                leaves[int(indexes[-1])], int(indexes[-1]), size, proof, head_root
            )
            started = time.perf_counter()
            for index in indexes[:5]:
                all_leaves = [
                    h
                    for (h,) in session.execute(
                        select(m.LedgerEntry.leaf_hash)
                        .where(m.LedgerEntry.index < size)
                        .order_by(m.LedgerEntry.index)
                    )
                ]
                core.inclusion_proof_from_leaf_hashes(all_leaves, int(index))
            naive = (time.perf_counter() - started) / 5
            _report(
                f"size {size:>9,}: stored nodes / from all leaves",
                f"{stored * 1e3:.2f} / {naive * 1e3:.1f} ms",
                f"x{naive / stored:,.0f}",
            )
    dc.database.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--instruments", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--appends", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--skip-chain", action="store_true")
    parser.add_argument("--skip-ledger", action="store_true")
    parser.add_argument(
        "--reuse", action="store_true", help="reuse the registry generated by an earlier run"
    )
    args = parser.parse_args()
    seed = args.seed if args.seed is not None else int.from_bytes(os.urandom(4), "little")
    print(f"seed {seed} (instruments and dates picked at random: --seed to repeat)")
    rng = np.random.default_rng(seed)
    if not args.skip_chain:
        bench_chain(args.postgres, args.instruments, args.queries, rng, reuse=args.reuse)
    if args.skip_ledger:
        return
    with tempfile.TemporaryDirectory() as folder:
        bench_ledger("SQLite", f"sqlite:///{Path(folder) / 'ledger.db'}", args.appends, args.batch)
    import psycopg

    plain = args.postgres.replace("+psycopg", "")
    with psycopg.connect(plain, autocommit=True) as conn:
        conn.execute("DROP SCHEMA IF EXISTS bench_ledger CASCADE")
        conn.execute("CREATE SCHEMA bench_ledger")
    bench_ledger(
        "PostgreSQL",
        f"{args.postgres}?options=-csearch_path%3Dbench_ledger",
        args.appends,
        args.batch,
    )


if __name__ == "__main__":
    main()

"""Throughput of fleet error estimation: sitrace against a naive loop, and on Dask.

What it measures
----------------
A seeded synthetic fleet (:func:`sitrace.meters.simulate.simulate_fleet`, 15-minute
energies, ``--days`` days) is written as Parquet partitions of whole areas before
any timing. Then, in meter-days per second (customer meters × days estimated):

1. **sitrace, one process**: :func:`sitrace.meters.fleet.estimate_partitions` with
   no executor: read each partition, prepare it (dedupe, grid, gaps, light load),
   estimate every area (one QR per area, HC1 covariance, identifiability checks)
   and decide (flags, balance anomalies).
2. **Baseline, the naive loop**: the same partitions read with pandas; per area,
   each meter's series is selected with pandas and aligned on the master's
   timestamps one meter at a time, then ``numpy.linalg.lstsq`` fits
   y = Σ θ_j x_j + θ_0 + θ_L q with no uncertainty, no checks and no decisions —
   what a first script would do. The ratio is sitrace's throughput over the
   baseline's; sitrace does more work per meter.
3. **Dask**: the same as 1 on a ``dask.distributed`` LocalCluster with 1 and 2
   worker processes (one thread each); the speed-up is over the one-process run.
4. **Daily incremental update (RLS)**: one day's block per area through
   :func:`sitrace.meters.estimate.rls_update` from a state built on the other days;
   meters per second, and what it implies for a national fleet of 4.5 × 10^8 meters.

How to run
----------
From the repository root::

    .venv/bin/python benchmarks/meters.py                     # ~2,000 meters, a minute
    .venv/bin/python benchmarks/meters.py --meters 100000     # the issue's target size

The target (issue 6): 10^5 meters × 30 days of 15-minute data (about 2.9 × 10^8
readings) from Parquet to estimates within 5 minutes on this 2-core machine, memory
under 8 GiB; printed with PASS/MISS for the best of the runs.

Notes
-----
BLAS threads are set to 1 (the per-area QRs are small; threads only contend).
Wall-clock ``time.perf_counter``; peak memory is the maximum resident set size of
this process and of the Dask workers. Nothing is asserted.
"""

from __future__ import annotations

import os

for _name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")

import argparse  # noqa: E402
import importlib  # noqa: E402
import platform  # noqa: E402
import resource  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from sitrace.meters.estimate import area_design, rls_init, rls_update  # noqa: E402
from sitrace.meters.fleet import (  # noqa: E402
    WORKER_ENVIRON,
    estimate_partitions,
    write_partitions,
)
from sitrace.meters.simulate import FleetConfig, draw_area_sizes, simulate_fleet  # noqa: E402

NATIONAL_FLEET = 4.5e8
TARGET_SECONDS = 300.0
TARGET_GIB = 8.0


def _rss_gib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20


def naive_estimate(path: Path) -> int:
    """The baseline: pandas selection per meter and numpy.linalg.lstsq per area."""
    readings = pd.read_parquet(path)
    fitted = 0
    for _area, rows in readings.groupby("area", observed=True):
        master = rows[rows["role"] == "master"].set_index("timestamp")["energy_kwh"]
        master = master[~master.index.duplicated()].sort_index()
        columns = []
        for _meter, series in rows[rows["role"] == "customer"].groupby("meter", observed=True):
            s = series.set_index("timestamp")["energy_kwh"]
            s = s[~s.index.duplicated()]
            columns.append(s.reindex(master.index).to_numpy())
        x = np.column_stack(columns)
        ok = ~np.isnan(x).any(axis=1) & ~np.isnan(master.to_numpy())
        total = x[ok].sum(axis=1)
        design = np.column_stack([x[ok], np.ones(ok.sum()), total**2])
        np.linalg.lstsq(design, master.to_numpy()[ok], rcond=None)
        fitted += x.shape[1]
    return fitted


def make_fleet(meters: int, days: int, seed: int, directory: Path, per_partition: int):
    """Simulate about ``meters`` customer meters and write partitions (not timed)."""
    config = FleetConfig()
    sizes = draw_area_sizes(10_000, rng=seed, config=config)
    n_areas = int(np.searchsorted(np.cumsum(sizes), meters)) + 1
    paths, n_meters, n_rows = [], 0, 0
    for start in range(0, n_areas, per_partition):
        count = min(per_partition, n_areas - start)
        fleet = simulate_fleet(count, days, rng=seed + start, config=config)
        readings = fleet.readings
        readings["area"] = readings["area"].astype(str).radd(f"P{start:06d}-")
        part = write_partitions(readings, directory / f"p{start:06d}", areas_per_partition=count)
        paths.extend(part)
        n_meters += int(
            (fleet.readings["role"] == "customer")
            .groupby(fleet.readings["meter"].astype(str))
            .any()
            .sum()
        )
        n_rows += len(readings)
    return paths, n_areas, n_meters, n_rows


def rls_daily(paths: list[Path], days: int) -> tuple[int, float]:
    """Meters updated and seconds for one day's RLS block per area."""
    from sitrace.meters.prepare import prepare

    blocks = []
    for path in paths[:4]:
        for series in prepare(pd.read_parquet(path)).areas:
            design = area_design(series)
            day = design.timestamps.astype("datetime64[D]")
            last = day == day.max()
            state = rls_init(design.x.shape[1], forgetting=0.98, prior_theta=design.prior_theta)
            state = rls_update(state, design.x[~last], design.y[~last])
            blocks.append((state, design.x[last], design.y[last], series.n_meters))
    start = time.perf_counter()
    for state, x, y, _n in blocks:
        rls_update(state, x, y)
    return sum(b[3] for b in blocks), time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--meters", type=int, default=2000, help="customer meters (about)")
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--areas-per-partition", type=int, default=20)
    parser.add_argument("--skip-naive", action="store_true")
    parser.add_argument("--skip-dask", action="store_true")
    args = parser.parse_args()

    print(
        f"sitrace meters benchmark — {platform.processor() or platform.machine()}, "
        f"{os.cpu_count()} CPUs, Python {platform.python_version()}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        paths, n_areas, n_meters, n_rows = make_fleet(
            args.meters, args.days, args.seed, Path(tmp), args.areas_per_partition
        )
        print(
            f"fleet: {n_areas} areas, {n_meters} meters, {args.days} days, {n_rows:,} readings, "
            f"{len(paths)} partitions (simulated and written in {time.perf_counter() - t0:.1f} s)"
        )
        meter_days = n_meters * args.days

        start = time.perf_counter()
        result = estimate_partitions(paths)
        loop_s = time.perf_counter() - start
        print(
            f"sitrace, one process: {loop_s:.1f} s, {meter_days / loop_s:,.0f} meter-days/s, "
            f"peak RSS {_rss_gib():.2f} GiB; {result.summary()}"
        )
        best = loop_s

        if not args.skip_naive:
            start = time.perf_counter()
            for path in paths:
                naive_estimate(path)
            naive_s = time.perf_counter() - start
            print(
                f"naive pandas + lstsq loop: {naive_s:.1f} s, {meter_days / naive_s:,.0f} "
                f"meter-days/s; sitrace / naive = x{naive_s / loop_s:.2f}"
            )

        if not args.skip_dask:
            import dask
            from distributed import Client, LocalCluster

            for workers in (1, 2):
                with (
                    dask.config.set({"distributed.nanny.pre-spawn-environ": dict(WORKER_ENVIRON)}),
                    LocalCluster(
                        n_workers=workers,
                        threads_per_worker=1,
                        processes=True,
                        dashboard_address=None,
                    ) as cluster,
                    Client(cluster) as client,
                ):
                    client.run(importlib.import_module, "sitrace.meters.fleet")  # warm imports
                    start = time.perf_counter()
                    estimate_partitions(paths, executor=client)
                    dask_s = time.perf_counter() - start
                    peak = max(client.run(_rss_gib).values())
                print(
                    f"dask, {workers} worker(s): {dask_s:.1f} s, {meter_days / dask_s:,.0f} "
                    f"meter-days/s, x{loop_s / dask_s:.2f} over one process, "
                    f"worker peak RSS {peak:.2f} GiB"
                )
                best = min(best, dask_s)

        scaled = best * 1e5 / n_meters * 30 / args.days
        verdict = "PASS" if scaled <= TARGET_SECONDS and _rss_gib() <= TARGET_GIB else "MISS"
        print(
            f"target 10^5 meters x 30 days within {TARGET_SECONDS:.0f} s: "
            f"{'measured' if n_meters >= 1e5 else 'scaled linearly to'} {scaled:.0f} s -> {verdict}"
        )

        updated, rls_s = rls_daily(paths, args.days)
        rate = updated / rls_s
        print(
            f"daily RLS update: {updated} meters in {rls_s * 1e3:.1f} ms, {rate:,.0f} meters/s "
            f"per core; a national fleet of {NATIONAL_FLEET:.1e} meters needs "
            f"{NATIONAL_FLEET / rate / 3600:.2f} core-hours per daily update "
            f"(I/O and preparation not included)"
        )


if __name__ == "__main__":
    main()

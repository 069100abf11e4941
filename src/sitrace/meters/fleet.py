"""Fleet runs: prepare, estimate and decide area by area, in a loop or as Dask tasks.

Areas are independent, so a fleet is a map over partitions of areas: each partition
(a Parquet or CSV file holding whole areas) is read, prepared, estimated and
decided by :func:`estimate_partition`, and only its estimates come back. The same
function runs in a plain loop (``executor=None``) or on a ``dask.distributed``
client (``executor=client``): memory is bounded by one partition per worker.

Start the workers with :data:`WORKER_ENVIRON` as their environment (the
``distributed.nanny.pre-spawn-environ`` setting, before the cluster is created):
Dask's default sets ``MALLOC_TRIM_THRESHOLD_=65536``, with which glibc hands every
freed block above 64 KiB back to the system, so each large numpy temporary of the
estimator is mapped and zeroed again. Measured on one partition of 8 areas (10 days
of 15-minute data), in a worker: 2.45 s with Dask's default, 1.23 s without it (0.9 s
in the calling process).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from os import PathLike
from pathlib import Path
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd

from ..errors import InputError
from .decide import DEFAULT_MPE_PERCENT, flag_meters
from .estimate import ESTIMATE_COLUMNS, estimate_area
from .feed import read_table, write_table
from .model import AreaSeries
from .prepare import prepare

__all__ = [
    "DEFAULT_MPE_PERCENT",
    "WORKER_ENVIRON",
    "FleetEstimate",
    "estimate_areas",
    "estimate_partition",
    "estimate_partitions",
    "estimate_readings",
    "mpe_by_meter",
    "write_partitions",
]


#: Environment of Dask worker processes for fleet runs: one BLAS thread each, and
#: Dask's default ``MALLOC_TRIM_THRESHOLD_`` removed (None unsets it; see the module
#: docstring). Use as ``dask.config.set({"distributed.nanny.pre-spawn-environ":
#: WORKER_ENVIRON})`` around the creation of the cluster.
WORKER_ENVIRON: Mapping[str, Any] = MappingProxyType(
    {
        "MALLOC_TRIM_THRESHOLD_": None,
        "OMP_NUM_THREADS": 1,
        "MKL_NUM_THREADS": 1,
        "OPENBLAS_NUM_THREADS": 1,
    }
)

_CLASS_MPE = {"0.2": 0.2, "0.5": 0.5, "1": 1.0, "2": 2.0, "B": 1.0}
AREA_COLUMNS = ("area", "intervals_used", "residual_sd", "balance_anomaly", "anomaly_reason")


@dataclass(frozen=True)
class FleetEstimate:
    """Estimates of many areas: one row per meter and one per area.

    Attributes
    ----------
    estimates : DataFrame
        The estimates file contract (issue 6): area, meter, error_percent, u_percent,
        relative_error_percent, status, intervals_used (and ``reason``).
    areas : DataFrame
        area, intervals_used, residual_sd, balance_anomaly, anomaly_reason.
    preparation : list of dict
        Each partition's :class:`~sitrace.meters.prepare.PreparationReport` as a dict.
    """

    estimates: pd.DataFrame
    areas: pd.DataFrame
    preparation: list[dict[str, Any]] = field(default_factory=list)

    def summary(self) -> dict[str, int]:
        """Meters by status, and areas with a balance anomaly."""
        counts = self.estimates["status"].value_counts()
        out = {status: int(counts.get(status, 0)) for status in ("ok", "flagged", "not_estimable")}
        out["meters"] = len(self.estimates)
        out["areas"] = len(self.areas)
        out["balance_anomalies"] = (
            int(self.areas["balance_anomaly"].sum()) if len(self.areas) else 0
        )
        return out


def mpe_by_meter(meters: pd.DataFrame | None) -> dict[str, float]:
    """Each meter's MPE in percent from a meters table (``mpe_percent`` or ``accuracy_class``).

    Classes map to their percentage (``"0.2"``, ``"0.5"``, ``"1"``, ``"2"``) and ``"B"`` to
    1 %, as issue 6 states (class 1 / B: ±1 %); any other class needs ``mpe_percent``.
    Meters absent from the table take :data:`DEFAULT_MPE_PERCENT`.
    """
    if meters is None or len(meters) == 0:
        return {}
    if "meter" not in meters.columns:
        raise InputError("the meters table needs a 'meter' column", where="meters table")
    out: dict[str, float] = {}
    has_mpe = "mpe_percent" in meters.columns
    has_class = "accuracy_class" in meters.columns
    if not (has_mpe or has_class):
        raise InputError(
            "the meters table needs 'mpe_percent' or 'accuracy_class'", where="meters table"
        )
    for position, row in enumerate(meters.itertuples(index=False)):
        meter = str(row.meter)
        mpe = getattr(row, "mpe_percent", None) if has_mpe else None
        if mpe is not None and not (isinstance(mpe, float) and math.isnan(mpe)):
            value = float(mpe)
            if not math.isfinite(value) or value <= 0:
                raise InputError(
                    f"mpe_percent must be a number > 0, got {mpe!r}",
                    where=f"meters table row {position + 1}, meter {meter!r}",
                )
            out[meter] = value
            continue
        klass = str(getattr(row, "accuracy_class", "")).strip() if has_class else ""
        if klass not in _CLASS_MPE:
            raise InputError(
                f"accuracy class {klass!r} has no MPE here (known: {', '.join(_CLASS_MPE)}): "
                "give mpe_percent",
                where=f"meters table row {position + 1}, meter {meter!r}",
            )
        out[meter] = _CLASS_MPE[klass]
    return out


def estimate_areas(
    areas: Iterable[AreaSeries],
    *,
    mpe_percent: float | Mapping[str, float] = DEFAULT_MPE_PERCENT,
    confidence: float = 0.99,
    progress: Callable[[int], None] | None = None,
    **options: Any,
) -> FleetEstimate:
    """Estimate and decide every area (see :func:`~sitrace.meters.estimate.estimate_area`).

    ``options`` go to ``estimate_area`` (``method``, ``loss``, …); ``mpe_percent`` (a
    number, or meter -> MPE) and ``confidence`` to
    :func:`~sitrace.meters.decide.flag_meters`. ``progress`` is called with 1 per area.
    """
    frames, rows = [], []
    for series in areas:
        estimate = estimate_area(series, confidence=confidence, **options)
        estimate = flag_meters(
            estimate,
            mpe_percent=mpe_percent,
            default_mpe_percent=DEFAULT_MPE_PERCENT,
            confidence=confidence,
        )
        frames.append(estimate.to_frame(details=True))
        rows.append(
            (
                estimate.area,
                estimate.intervals_used,
                estimate.residual_sd,
                bool(estimate.balance_anomaly),
                estimate.anomaly_reason,
            )
        )
        if progress is not None:
            progress(1)
    columns = [*ESTIMATE_COLUMNS, "reason"]
    estimates = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)
    return FleetEstimate(estimates, pd.DataFrame(rows, columns=list(AREA_COLUMNS)))


def estimate_readings(
    readings: pd.DataFrame,
    *,
    meters: pd.DataFrame | None = None,
    prepare_options: Mapping[str, Any] | None = None,
    progress: Callable[[int], None] | None = None,
    **options: Any,
) -> FleetEstimate:
    """Prepare a feed and estimate every area; the MPEs come from the ``meters`` table."""
    prepared = prepare(readings, **dict(prepare_options or {}))
    result = estimate_areas(
        prepared.areas, mpe_percent=mpe_by_meter(meters), progress=progress, **options
    )
    return FleetEstimate(result.estimates, result.areas, [prepared.report.to_dict()])


def estimate_partition(
    path: str | PathLike[str],
    options: Mapping[str, Any] | None = None,
    meters: pd.DataFrame | None = None,
) -> FleetEstimate:
    """Read one partition file (whole areas), prepare, estimate and decide it.

    The unit of work of a fleet run: a pure function of its arguments, so it runs the
    same in a loop and as a Dask task.
    """
    options = dict(options or {})
    prepare_options = options.pop("prepare_options", None)
    return estimate_readings(
        read_table(path), meters=meters, prepare_options=prepare_options, **options
    )


def _merge(parts: Sequence[FleetEstimate]) -> FleetEstimate:
    if not parts:
        return estimate_areas(())
    return FleetEstimate(
        pd.concat([p.estimates for p in parts], ignore_index=True),
        pd.concat([p.areas for p in parts], ignore_index=True),
        [report for p in parts for report in p.preparation],
    )


def estimate_partitions(
    paths: Sequence[str | PathLike[str]],
    *,
    executor: Any = None,
    meters: pd.DataFrame | None = None,
    progress: Callable[[int], None] | None = None,
    **options: Any,
) -> FleetEstimate:
    """Estimate a fleet stored as partition files, in a loop or on a Dask cluster.

    Parameters
    ----------
    paths : sequence of paths
        Partition files, each holding whole areas (see :func:`write_partitions`).
    executor : None or dask.distributed.Client
        None runs the partitions one after another in this process; a client maps
        :func:`estimate_partition` over them as tasks (one partition in memory per
        worker) and gathers the estimates as they finish.
    meters : DataFrame, optional
        The meters table (MPE per meter), sent to every task.
    progress : callable, optional
        Called with 1 per finished partition.
    **options
        ``estimate_area`` options, and ``prepare_options`` (a dict) for ``prepare``.
    """
    paths = [Path(p) for p in paths]
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        raise InputError(f"partition files not found: {', '.join(missing[:5])}", where="paths")
    if executor is None:
        parts = []
        for path in paths:
            parts.append(estimate_partition(path, options, meters))
            if progress is not None:
                progress(1)
        return _merge(parts)
    from distributed import as_completed

    futures = executor.map(
        estimate_partition, [str(p) for p in paths], options=options, meters=meters, pure=False
    )
    order = {future.key: index for index, future in enumerate(futures)}
    done: dict[int, FleetEstimate] = {}
    for future in as_completed(futures):
        done[order[future.key]] = future.result()
        if progress is not None:
            progress(1)
    return _merge([done[i] for i in range(len(futures))])


def write_partitions(
    readings: pd.DataFrame,
    directory: str | PathLike[str],
    *,
    areas_per_partition: int = 100,
    suffix: str = ".parquet",
) -> list[Path]:
    """Split a feed into partition files of whole areas (``part-00000.parquet``, …)."""
    if not isinstance(areas_per_partition, int) or areas_per_partition < 1:
        raise InputError(
            f"areas_per_partition must be an integer >= 1, got {areas_per_partition!r}",
            where="write_partitions",
        )
    if "area" not in readings.columns:
        raise InputError("the readings need an 'area' column", where="write_partitions")
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    areas = np.asarray(pd.unique(readings["area"].astype(str)))
    codes = pd.Index(areas).get_indexer(readings["area"].astype(str))
    paths = []
    for number, start in enumerate(range(0, len(areas), areas_per_partition)):
        chosen = (codes >= start) & (codes < start + areas_per_partition)
        path = directory / f"part-{number:05d}{suffix}"
        write_table(readings.loc[chosen], path)
        paths.append(path)
    return paths

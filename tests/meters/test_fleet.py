"""Fleet runs: the same estimates in a loop, over partition files and on a Dask cluster."""

from __future__ import annotations

import pandas as pd
import pytest

from sitrace.errors import InputError
from sitrace.meters.fleet import (
    DEFAULT_MPE_PERCENT,
    estimate_partitions,
    estimate_readings,
    mpe_by_meter,
    write_partitions,
)
from sitrace.meters.simulate import FleetConfig, simulate_fleet

CONTRACT = [
    "area", "meter", "error_percent", "u_percent", "relative_error_percent", "status",
    "intervals_used",
]  # fmt: skip


@pytest.fixture(scope="module")
def fleet():
    return simulate_fleet(4, 14, rng=7, config=FleetConfig.clean(area_size_range=(10, 40)))


def test_estimates_follow_the_file_contract_with_one_row_per_meter(fleet):
    result = estimate_readings(fleet.readings, meters=fleet.meters)
    assert list(result.estimates.columns[: len(CONTRACT)]) == CONTRACT
    assert set(result.estimates["status"]) <= {"ok", "flagged", "not_estimable"}
    customers = fleet.readings.loc[fleet.readings["role"] == "customer", "meter"]
    assert len(result.estimates) == customers.nunique()
    assert list(result.areas["area"]) == sorted(fleet.readings["area"].astype(str).unique())
    summary = result.summary()
    assert summary["meters"] == summary["ok"] + summary["flagged"] + summary["not_estimable"]
    assert result.preparation[0]["rows_in"] == len(fleet.readings)


def test_partitions_in_a_loop_give_the_same_estimates_as_one_run(fleet, tmp_path):
    whole = estimate_readings(fleet.readings, meters=fleet.meters)
    paths = write_partitions(fleet.readings, tmp_path, areas_per_partition=3)
    assert [p.name for p in paths] == ["part-00000.parquet", "part-00001.parquet"]
    parts = estimate_partitions(paths, meters=fleet.meters)
    pd.testing.assert_frame_equal(parts.estimates, whole.estimates)
    assert len(parts.preparation) == 2


def test_a_dask_cluster_gives_the_same_estimates_as_the_loop(fleet, tmp_path):
    distributed = pytest.importorskip("distributed")
    paths = write_partitions(fleet.readings, tmp_path, areas_per_partition=1)
    loop = estimate_partitions(paths)
    with distributed.Client(
        n_workers=1, threads_per_worker=2, processes=False, dashboard_address=None
    ) as client:
        done = []
        dask = estimate_partitions(paths, executor=client, progress=done.append)
    assert len(done) == len(paths)
    pd.testing.assert_frame_equal(dask.estimates, loop.estimates)


def test_the_meters_table_sets_each_meters_limit():
    table = pd.DataFrame(
        {
            "meter": ["a", "b", "c"],
            "accuracy_class": ["B", "2", None],
            "mpe_percent": [None, None, 0.5],
        }
    )
    assert mpe_by_meter(table) == {"a": 1.0, "b": 2.0, "c": 0.5}
    assert mpe_by_meter(None) == {} and DEFAULT_MPE_PERCENT == 1.0
    with pytest.raises(InputError, match=r"meters table row 1, meter 'x'.*class 'A' has no MPE"):
        mpe_by_meter(pd.DataFrame({"meter": ["x"], "accuracy_class": ["A"]}))
    with pytest.raises(InputError, match="mpe_percent must be a number > 0, got -1"):
        mpe_by_meter(pd.DataFrame({"meter": ["x"], "mpe_percent": [-1.0]}))


def test_missing_partition_files_are_named(tmp_path):
    with pytest.raises(InputError, match=r"partition files not found: .*nope\.parquet"):
        estimate_partitions([tmp_path / "nope.parquet"])
